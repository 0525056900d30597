"""A tiny in-memory book store standing in for a database."""

BOOKS = {
    1: {"id": 1, "title": "Flask Web Development", "stock": 3},
    2: {"id": 2, "title": "Fluent Python", "stock": 0},
}


def find_book(book_id):
    return BOOKS.get(book_id)


def all_books():
    return list(BOOKS.values())
