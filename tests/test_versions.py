"""The Flask and Werkzeug releases a project runs on, read from its metadata."""

from __future__ import annotations

from pathlib import Path

import pytest

from flask_lint import versions
from flask_lint.versions import VersionRange, non_json_statuses, parse_specifier, resolve


@pytest.fixture(autouse=True)
def fresh() -> None:
    versions.clear()


@pytest.mark.parametrize(
    "spec, low, high",
    [
        ("==2.0.3", (2, 0), (2, 1)),
        (">=2.2,<3", (2, 2), (3, 0)),
        (">=2.2, <3.0 ; python_version >= '3.8'", (2, 2), (3, 0)),
        ("^2.2", (2, 2), (3, 0)),
        ("^0.12", (0, 12), (0, 13)),
        ("~2.2", (2, 2), (2, 3)),
        ("~=2.2", (2, 2), (3, 0)),
        ("~=2.2.1", (2, 2), (2, 3)),
        ("<2", None, (2, 0)),
        ("<2.0.1", None, (2, 1)),
        ("<=2.3.3", None, (2, 4)),
        ("==2.*", (2, 0), (3, 0)),
        (">1.0", (1, 0), None),
        ("*", None, None),
        ("!=2.1.0", None, None),
        ("", None, None),
    ],
)
def test_specifiers(spec: str, low: object, high: object) -> None:
    found = parse_specifier(spec)
    assert (found.low, found.high) == (low, high)


def test_range_questions() -> None:
    unknown = VersionRange()
    assert unknown.always_at_least((3, 1)) and not unknown.always_below((2, 2))
    old = parse_specifier("==1.1.4")
    assert not old.always_at_least((2, 0)) and old.always_below((2, 0))
    spans = parse_specifier(">=2.0,<3")
    assert not spans.always_at_least((2, 1)) and not spans.always_below((2, 2))
    assert parse_specifier("==2.3.3").describe() == "2.3"
    assert parse_specifier(">=2.2,<3").describe() == ">=2.2,<3.0"


@pytest.mark.parametrize(
    "name, text, expected",
    [
        ("requirements.txt", "# pinned\nFlask[async]==2.0.3  # web\nrequests\n", (2, 0)),
        ("requirements/base.txt", "-r common.txt\nflask>=1.1,<2\n", (1, 1)),
        ("setup.cfg", "[options]\ninstall_requires =\n    click\n    Flask~=2.2.0\n\n[flake8]\n", (2, 2)),
        ("setup.py", "from setuptools import setup\nsetup(name='x', install_requires=['flask==1.0.2'])\n", (1, 0)),
        ("pyproject.toml", '[project]\nname = "x"\ndependencies = ["flask>=2.3"]\n', (2, 3)),
        ("pyproject.toml", '[tool.poetry.dependencies]\nFlask = {version = "^2.1", extras = ["async"]}\n', (2, 1)),
        (
            "poetry.lock",
            '[[package]]\nname = "flask"\nversion = "2.2.5"\n\n[[package]]\nname = "werkzeug"\nversion = "2.2.3"\n',
            (2, 2),
        ),
        ("uv.lock", 'version = 1\n\n[[package]]\nname = "flask"\nversion = "3.0.3"\n', (3, 0)),
        ("Pipfile.lock", '{"default": {"flask": {"version": "==1.1.2"}}}', (1, 1)),
    ],
)
def test_project_metadata(tmp_path: Path, name: str, text: str, expected: object) -> None:
    target = tmp_path / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text)
    flask, werkzeug = resolve(str(tmp_path), None)
    assert flask.low == expected, flask
    assert werkzeug.known, "Werkzeug is at least what that Flask requires"


def test_lock_file_wins_and_option_wins_over_everything(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("flask>=2.0\n")
    (tmp_path / "poetry.lock").write_text('[[package]]\nname = "Flask"\nversion = "2.3.3"\n')
    assert resolve(str(tmp_path), None)[0].low == (2, 3)
    assert resolve(str(tmp_path), (1, 1))[0] == VersionRange((1, 1), (1, 2), "flask-version")


def test_broken_or_missing_metadata_is_unknown(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[project\nbroken")
    (tmp_path / "setup.py").write_text("setup(install_requires=[")
    (tmp_path / "poetry.lock").write_bytes(b"\xff\xfe")
    flask, werkzeug = resolve(str(tmp_path), None)
    assert not flask.known and not werkzeug.known


ABORT_421 = """\
from flask import Flask, abort

app = Flask(__name__)


@app.route("/elsewhere")
def elsewhere():
    abort(421)
"""


@pytest.mark.parametrize(
    "requirement, flagged",
    [
        ("", False),  # unknown: today's Werkzeug, which knows 421
        ("werkzeug==3.1.3", False),
        ("werkzeug>=2.3", False),  # 3.1 allowed: not every release lacks it
        ("werkzeug==2.3.8", True),
        ("flask==2.2.5", False),  # Flask 2.2 pins no Werkzeug ceiling: 3.1 may be installed
    ],
)
def test_abort_421_depends_on_werkzeug(tmp_path: Path, requirement: str, flagged: bool) -> None:
    """Werkzeug has MisdirectedRequest from 3.1 only (LookupError before)."""
    from flask_lint import index
    from flask_lint.config import Config
    from flask_lint.engine import analyse
    from flask_lint.families import FAMILIES

    index.clear_indexes()
    (tmp_path / "setup.cfg").write_text("")
    if requirement:
        (tmp_path / "requirements.txt").write_text(requirement + "\n")
    path = tmp_path / "app.py"
    path.write_text(ABORT_421)
    found = [f for f in analyse(str(path), Config(enabled=frozenset({"FLK104"})), families=FAMILIES) if f.code == "FLK104"]
    assert bool(found) is flagged
    if flagged:
        assert "LookupError" in found[0].message and "from 3.1" in found[0].message


def _service_tree(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\ndependencies = ["flask>=2.3"]\n')
    api = tmp_path / "services" / "api"
    (api / "app" / "views").mkdir(parents=True)
    (api / "requirements.txt").write_text("flask==1.1.4\nwerkzeug==2.0.3\n")
    worker = tmp_path / "services" / "worker"
    worker.mkdir(parents=True)
    (worker / "requirements.txt").write_text("requests==2.31.0\n")
    return tmp_path


def test_a_service_of_a_monorepo_runs_on_its_own_pins(tmp_path: Path) -> None:
    root = _service_tree(tmp_path)
    deep = root / "services" / "api" / "app" / "views" / "orders.py"
    flask, werkzeug = resolve(str(root), None, str(deep))
    assert (flask.low, werkzeug.low) == ((1, 1), (2, 0))
    assert werkzeug.source == "services/api/requirements.txt"
    # The folders walked are cached: a sibling file gets the same answer.
    assert resolve(str(root), None, str(deep.with_name("users.py")))[1].low == (2, 0)


def test_a_service_naming_neither_gets_the_roots_pins(tmp_path: Path) -> None:
    root = _service_tree(tmp_path)
    flask, werkzeug = resolve(str(root), None, str(root / "services" / "worker" / "main.py"))
    assert (flask.low, flask.source) == ((2, 3), "pyproject.toml")
    assert werkzeug.low == (2, 3), "at least what Flask 2.3 requires"
    assert resolve(str(root), None, str(root / "manage.py"))[0].low == (2, 3)


def test_the_option_still_wins_in_a_service(tmp_path: Path) -> None:
    root = _service_tree(tmp_path)
    flask, werkzeug = resolve(str(root), (2, 2), str(root / "services" / "api" / "app.py"))
    assert flask == VersionRange((2, 2), (2, 3), "flask-version")
    assert werkzeug.low == (2, 0), "the service's own Werkzeug pin"


def test_pinned_requirements_before_the_list_they_were_compiled_from(tmp_path: Path) -> None:
    (tmp_path / "requirements.in").write_text("flask<2.3\nwerkzeug\n")
    (tmp_path / "requirements.txt").write_text("flask==2.2.5\nwerkzeug==2.2.3\n")
    flask, werkzeug = resolve(str(tmp_path), None)
    assert (flask.low, flask.high) == ((2, 2), (2, 3))
    assert (werkzeug.low, werkzeug.source) == ((2, 2), "requirements.txt"), "a bare name hides no pin"


@pytest.mark.parametrize(
    "spec, statuses",
    [
        ("", {415}),  # today's Werkzeug
        ("==3.1.3", {415}),
        (">=2.3", {415}),
        ("==2.2.3", {400}),
        ("~=2.1.0", {400}),
        (">=2.2,<3", {400, 415}),
        ("==2.0.3", set()),  # get_json() returns None
        ("<2.1", set()),
        (">=2.0", set()),  # 2.0 allowed
    ],
)
def test_what_a_json_read_raises_on_a_request_that_is_not_json(spec: str, statuses: object) -> None:
    assert non_json_statuses(parse_specifier(spec)) == statuses
