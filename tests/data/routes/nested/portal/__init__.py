"""An app factory with nested blueprints, class-based views and helpers."""

from flask import Flask

from . import admin
from .api import api_bp
from .blog import blog, register_feeds
from .pages import pages


def create_app(config=None):
    app = Flask(__name__, static_folder="assets", static_url_path="/s")
    api_bp.register_blueprint(admin.admin_api)
    app.register_blueprint(api_bp, url_prefix="/api/v1")
    app.register_blueprint(blog)
    app.register_blueprint(blog, name="news", url_prefix="/news")
    for bp in (pages, admin.panel):
        app.register_blueprint(bp)
    register_feeds(app)
    admin.init_app(app)

    @app.route("/health", methods=["get"], provide_automatic_options=False)
    def health():
        return "ok"

    app.add_url_rule("/ping", "ping", lambda: "pong")
    app.add_url_rule("/nothing", endpoint="nothing", view_func=health, methods=[])
    return app
