from flask import request

from . import app


@app.route("/")
def index():
    return "wiki"


@app.route("/page/<path:title>", methods=["GET", "POST"])
def page(title):
    if request.method == "POST":
        return "saved"
    return title


@app.put("/page/<path:title>/lock")
def lock(title):
    return "locked"
