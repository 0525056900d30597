"""Notifications, sent from a background thread so the API answers fast."""

import threading

from flask import request


def _send_restock_mail(book):
    # Runs in another thread: there is no request context here.
    requested_by = request.headers.get("X-User", "anonymous")
    print(f"mail: {book['title']} restock requested by {requested_by}")


def notify_restock(book):
    worker = threading.Thread(target=_send_restock_mail, args=(book,))
    worker.start()
