"""The classic layout: a module-level app, views imported at the bottom."""

from flask import Flask

app = Flask(__name__, static_url_path="/assets")

from . import views  # noqa: E402,F401
