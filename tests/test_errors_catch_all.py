"""FLK202's catch-all case on shapes the fixture cannot hold: a ``match``
statement (Python 3.10 syntax; the fixtures parse on 3.9), the view defined
in another module than its route, and the path's tests the view can or
cannot decide."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import List

import pytest

from flask_lint import index
from flask_lint.config import Config
from flask_lint.engine import analyse
from flask_lint.families import FAMILIES

HEAD = """\
from flask import Blueprint, Flask, abort, jsonify, render_template

api = Blueprint("api", __name__)
api.add_url_rule("/items", view_func=lambda: jsonify(items=[]), endpoint="items")


@api.get("/tags")
def tags():
    return jsonify(tags=[])


@api.get("/users")
def users():
    return {"users": []}


app = Flask(__name__)
app.register_blueprint(api, url_prefix="/api")


@app.route("/<path:path>")
"""


@pytest.fixture(autouse=True)
def fresh() -> None:
    index.clear_indexes()


def _lines(tmp_path: Path, files: dict) -> List[int]:
    (tmp_path / "setup.cfg").write_text("")
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    found = analyse(str(tmp_path / "app.py"), Config(enabled=frozenset({"FLK202"})), families=FAMILIES)
    return [f.line for f in found if "catch-all" in f.message]


CATCH_ALL_LINE = HEAD.count("\n")


@pytest.mark.parametrize(
    "body, flagged",
    [
        ("    return render_template('index.html')\n", True),
        ("    if path.startswith(('img/', 'css/')):\n        abort(404)\n    return render_template('index.html')\n", True),
        ("    if not path.startswith('api'):\n        return render_template('index.html')\n    abort(404)\n", False),
        ("    if path.startswith('api/') or path == 'x':\n        abort(404)\n    return render_template('index.html')\n", False),
        ("    if 'api' in path:\n        raise LookupError(path)\n    return render_template('index.html')\n", False),
        ("    if path.count('/') > 3:\n        print(path)\n    return render_template('index.html')\n", False),
        ("    try:\n        return render_template('index.html')\n    except Exception:\n        abort(500)\n", True),
        ("    return render_template('index.html'), 201\n", False),
    ],
)
def test_what_the_view_does_with_the_path(tmp_path: Path, body: str, flagged: bool) -> None:
    assert _lines(tmp_path, {"app.py": HEAD + "def index(path):\n" + body}) == ([CATCH_ALL_LINE] if flagged else [])


@pytest.mark.skipif(sys.version_info < (3, 10), reason="match statements need Python 3.10")
def test_a_match_on_the_path_may_keep_the_api_out(tmp_path: Path) -> None:
    body = (
        "def index(path):\n"
        "    match path.split('/')[0]:\n"
        "        case 'api':\n"
        "            abort(404)\n"
        "    return render_template('index.html')\n"
    )
    assert _lines(tmp_path, {"app.py": HEAD + body}) == []
    other = body.replace("match path.split('/')[0]", "match app.debug").replace("'api'", "True")
    index.clear_indexes()
    assert _lines(tmp_path, {"app.py": HEAD + other}) == [CATCH_ALL_LINE]


def test_a_view_defined_in_another_module_is_left_alone(tmp_path: Path) -> None:
    added = 'from pages import index\n\napp.add_url_rule("/<path:path>", view_func=index)\n'
    source = HEAD.replace('@app.route("/<path:path>")\n', added)
    pages = "from flask import render_template\n\n\ndef index(path):\n    return render_template('index.html')\n"
    assert _lines(tmp_path, {"app.py": source, "pages.py": pages}) == []
