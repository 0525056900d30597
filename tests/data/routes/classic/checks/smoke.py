"""Imported by the test suite only: its route is not part of the app."""

from wiki import app


@app.route("/only-in-tests")
def only_in_tests():
    return "x"
