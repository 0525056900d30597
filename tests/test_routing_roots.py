"""FLK306 without a project marker: the root is then a guess (the file's own
folder), which may miss registrations made elsewhere, but a registration the
index sees still happens (issue 16)."""

from __future__ import annotations

from pathlib import Path
from typing import List, Tuple

import pytest

from flask_lint.engine import analyse
from flask_lint.families import FAMILIES
from flask_lint.index import clear_indexes, find_root

VIEWS = '''from flask import Blueprint

bp = Blueprint("files", __name__)


@bp.route("/download")
@bp.route("/download/<name>")
def download(name):
    return name


@bp.route("/view", defaults={"name": "index"})
@bp.route("/view/<name>")
def view(name):
    return name
'''

APP = '''from flask import Flask

from views import bp

app = Flask(__name__)
app.register_blueprint(bp)
'''


def _findings(path: Path) -> List[Tuple[int, str]]:
    clear_indexes()
    try:
        return sorted((f.line, f.code) for f in analyse(str(path), families=FAMILIES, use_cache=False))
    finally:
        clear_indexes()


@pytest.fixture
def unmarked(tmp_path: Path) -> Path:
    folder = tmp_path / "site"
    folder.mkdir()
    if find_root(str(folder)) != str(folder):
        pytest.skip("a folder above the temporary directory holds a project marker")
    return folder


def test_a_registration_the_index_sees_is_enough(unmarked: Path) -> None:
    (unmarked / "views.py").write_text(VIEWS)
    (unmarked / "app.py").write_text(APP)
    assert [f for f in _findings(unmarked / "views.py") if f[1] == "FLK306"] == [(6, "FLK306")]


def test_no_registration_in_sight_stays_silent(unmarked: Path) -> None:
    # Registered, with whatever url_prefix, by code outside the guessed root.
    (unmarked / "views.py").write_text(VIEWS)
    assert [f for f in _findings(unmarked / "views.py") if f[1] == "FLK306"] == []


def test_a_prefix_registration_in_sight_supplies_the_variable(unmarked: Path) -> None:
    (unmarked / "views.py").write_text(VIEWS)
    prefixed = APP.replace("app.register_blueprint(bp)", 'app.register_blueprint(bp, url_prefix="/<name>")')
    (unmarked / "app.py").write_text(prefixed)
    assert [f for f in _findings(unmarked / "views.py") if f[1] == "FLK306"] == []
