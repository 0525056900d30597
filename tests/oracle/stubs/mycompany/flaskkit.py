"""``mycompany.flaskkit`` in the fixtures: a company toolkit the linter cannot
read.  Its ``install_everything(app)`` stands for what such toolkits do:
JSON answers for every HTTP error and for crashes."""

from flask import jsonify
from werkzeug.exceptions import HTTPException


def install_everything(app):
    def http_error(error):
        return jsonify(error=error.description), error.code

    def crash(error):
        if isinstance(error, HTTPException):
            return http_error(error)
        return jsonify(error="internal error"), 500

    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(Exception, crash)
    return app
