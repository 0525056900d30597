"""The bookshop app factory."""

from flask import Flask

from . import errors
from .catalog import catalog


def create_app(config=None):
    app = Flask(__name__)
    app.config.from_mapping(SECRET_KEY="dev", BOOKS_PER_PAGE=20)
    if config:
        app.config.update(config)
    app.register_blueprint(catalog, url_prefix="/api/books")
    errors.init_app(app)
    return app
