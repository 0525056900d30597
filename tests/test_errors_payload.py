"""FLK209 and a Resource method whose JSON body the extension validated
first (flask_restx/flask_restplus resource.py, Resource.validate_payload):
the shapes the fixture cannot run (Flask-RESTPlus is not installed)."""

from __future__ import annotations

from pathlib import Path
from typing import List

import pytest

from flask_lint import index
from flask_lint.config import Config
from flask_lint.engine import analyse
from flask_lint.families import FAMILIES

TEMPLATE = """\
from flask import Flask, request
from {package} import Api, Resource

app = Flask(__name__)
api = Api(app)
ns = api.namespace("orders")
order = ns.model("Order", {{}})


@ns.route("/")
class Orders(Resource):
{body}
    @ns.expect({expected}, validate=True)
    def post(self):
        try:
            return {{"order": request.get_json()}}, 201
        except Exception:
            return {{"message": "could not save"}}, 500
"""


@pytest.fixture(autouse=True)
def fresh() -> None:
    index.clear_indexes()


def _flagged(tmp_path: Path, package: str, expected: str, body: str = "") -> List[int]:
    (tmp_path / "setup.cfg").write_text("")
    path = tmp_path / "app.py"
    path.write_text(TEMPLATE.format(package=package, expected=expected, body=body))
    return [f.line for f in analyse(str(path), Config(enabled=frozenset({"FLK209"})), families=FAMILIES)]


@pytest.mark.parametrize(
    "package, expected, body, flagged",
    [
        ("flask_restx", "order", "", False),
        ("flask_restx", "[order]", "", False),
        ("flask_restplus", "order", "", False),
        ("flask_restplus", "[order]", "", True),  # RESTPlus validates a Model only, never a list
        ("flask_restx", "ns.parser()", "", True),  # a RequestParser is not validated against the body
        ("flask_restx", "(order, 'an order')", "", True),
        # A method decorator may drop the method's __apidoc__ (no functools.wraps).
        ("flask_restx", "order", "    method_decorators = [print]\n", True),
    ],
)
def test_validated_payloads(tmp_path: Path, package: str, expected: str, body: str, flagged: bool) -> None:
    assert bool(_flagged(tmp_path, package, expected, body)) is flagged
