from flask import Blueprint

users = Blueprint("users", __name__, url_prefix="/users", static_folder="static")


@users.route("/")
@users.route("/<int:page>")
def index(page=1):
    return {"page": page}


@users.route("/<name>", methods=("GET", "POST", "PATCH"))
def profile(name):
    return {"name": name}


@users.delete("/<name>")
def remove(name):
    return "", 204
