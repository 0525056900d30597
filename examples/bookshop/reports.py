"""Sales reports. The factory never registers this blueprint."""

from flask import Blueprint, render_template

reports = Blueprint("reports", __name__, url_prefix="/reports")


@reports.route("/")
def index():
    return render_template("reports/index.html")
