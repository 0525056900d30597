from flask import Blueprint

pages = Blueprint("pages", __name__)


@pages.route("/")
def home():
    return "home"


@pages.route("/about/")
def about():
    return "about"
