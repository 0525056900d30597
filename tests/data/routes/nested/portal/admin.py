from flask import Blueprint

admin_api = Blueprint("admin", __name__, url_prefix="admin")
panel = Blueprint("panel", __name__, url_prefix="/panel/", static_folder="panel-static", static_url_path="/files")


@admin_api.route("")
def root():
    return "admin"


@panel.route("/")
def dashboard():
    return "dashboard"


def stats():
    return "stats"


def init_app(app):
    app.add_url_rule("/stats", view_func=stats, endpoint="statistics")
