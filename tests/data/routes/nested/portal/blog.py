from flask import Blueprint

blog = Blueprint("blog", __name__, url_prefix="/blog")


@blog.route("/", endpoint="home")
def index():
    return "posts"


@blog.post("/<slug>/comments")
def comment(slug):
    return "", 201


def rss():
    return "rss"


def register_feeds(target):
    target.add_url_rule("/feed.xml", view_func=rss)
