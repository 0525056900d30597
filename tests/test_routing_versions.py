"""FLK309 under the Flask release a project pins (checked by hand on Flask
1.1.4, 2.0.3 and 3.1.3: the runtime oracle runs today's Flask only).

* the same Blueprint registered twice without name=: ValueError from 2.1,
  a UserWarning on 2.0, allowed on 1.x;
* two Blueprints with one name: ValueError from 2.0, AssertionError on 1.x,
  whose register_blueprint() ignores name=.
"""

from __future__ import annotations

from pathlib import Path
from typing import List

import pytest

from flask_lint import index, versions
from flask_lint.config import Config
from flask_lint.engine import analyse
from flask_lint.families import FAMILIES

APP = """\
from flask import Blueprint, Flask

app = Flask(__name__)
oauth = Blueprint("oauth", __name__)
admin = Blueprint("admin", __name__)
admin_copy = Blueprint("admin", __name__)
renamed = Blueprint("reports", __name__)
reports = Blueprint("reports", __name__)

app.register_blueprint(oauth, url_prefix="/oauth")
app.register_blueprint(oauth, url_prefix="/oauth2")
app.register_blueprint(admin)
app.register_blueprint(admin_copy)
app.register_blueprint(reports)
app.register_blueprint(renamed, name="reports_v2")
"""
SAME, OTHER, NAMED = 11, 13, 15


@pytest.fixture(autouse=True)
def fresh() -> None:
    versions.clear()
    index.clear_indexes()


def _findings(tmp_path: Path, requirement: str) -> List[str]:
    (tmp_path / "setup.cfg").write_text("")
    if requirement:
        (tmp_path / "requirements.txt").write_text(requirement + "\n")
    path = tmp_path / "app.py"
    path.write_text(APP)
    found = analyse(str(path), Config(enabled=frozenset({"FLK309"})), families=FAMILIES)
    return [f"{f.line}: {f.message}" for f in found if f.code == "FLK309"]


def test_today(tmp_path: Path) -> None:
    found = _findings(tmp_path, "")
    assert [int(f.split(":")[0]) for f in found] == [SAME, OTHER]
    assert all("ValueError when" in f for f in found)


def test_flask_2_0_only_warns_for_the_same_blueprint(tmp_path: Path) -> None:
    found = _findings(tmp_path, "flask==2.0.3")
    assert [int(f.split(":")[0]) for f in found] == [OTHER]
    assert "ValueError when" in found[0]


def test_flask_1_asserts_and_ignores_name(tmp_path: Path) -> None:
    found = _findings(tmp_path, "flask==1.1.4")
    assert [int(f.split(":")[0]) for f in found] == [OTHER, NAMED]
    assert all("AssertionError when" in f and "name=" in f for f in found)
    assert all("rename one Blueprint" in f for f in found)


def test_a_range_across_2_0_names_both_errors(tmp_path: Path) -> None:
    found = _findings(tmp_path, "flask>=1.1,<3")
    assert [int(f.split(":")[0]) for f in found] == [OTHER]
    assert "ValueError (AssertionError on Flask 1.x)" in found[0]
