"""``flask-lint routes``: the URL map read from the code agrees with
``flask routes`` on the real application (built here, in the test only)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Dict, List, Set, Tuple

import pytest
from harness import PROJECTS

from flask_lint.routes import route_map

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DATA = os.path.join(HERE, "data", "routes")

# Projects whose app must import and agree; fixture projects are compared
# when they can be imported (a fixture may crash at import on purpose).
REQUIRED = {"examples": os.path.join(ROOT, "examples")}
REQUIRED.update({f"data/{name}": os.path.join(DATA, name) for name in sorted(os.listdir(DATA))})
OPTIONAL = {
    f"projects/{name}": os.path.join(PROJECTS, name)
    for name in sorted(os.listdir(PROJECTS))
    if os.path.isdir(os.path.join(PROJECTS, name))
}

RouteKey = Tuple[str, Tuple[str, ...], str]  # endpoint, methods, rule


def _env() -> Dict[str, str]:
    return dict(os.environ, FLASK_LINT_NO_CACHE="1", PYTHONDONTWRITEBYTECODE="1")


def _copy(source: str, tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(source, root, ignore=shutil.ignore_patterns("__pycache__", ".flask-lint-cache"))
    return root


def flask_lint_routes(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "flask_lint.cli", "routes", *args], cwd=root, capture_output=True, text=True, env=_env()
    )


def flask_routes(root: Path, app: str) -> subprocess.CompletedProcess:
    """The real ``flask routes``, importing the app the way ``flask --app`` does."""
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", app, "routes", "--all-methods"],
        cwd=root,
        capture_output=True,
        text=True,
        env=_env(),
    )


def parse_table(text: str) -> Set[RouteKey]:
    """Endpoint, methods and rule columns of a ``flask routes`` style table."""
    lines = [line for line in text.splitlines() if line.strip()]
    assert lines and lines[0].split()[:3] == ["Endpoint", "Methods", "Rule"], text
    rows = set()
    for line in lines[2:]:
        endpoint, methods, rule = re.split(r"\s{2,}", line.strip())[:3]
        rows.add((endpoint, tuple(m.strip() for m in methods.split(",")), rule))
    return rows


def _by_app(payload: List[Dict[str, object]]) -> Dict[str, Set[RouteKey]]:
    apps: Dict[str, Set[RouteKey]] = {}
    for route in payload:
        methods = route["methods"]
        assert isinstance(methods, list), route
        apps.setdefault(str(route["app"]), set()).add((str(route["endpoint"]), tuple(methods), str(route["rule"])))
    return apps


def _compare(source: str, tmp_path: Path, required: bool) -> None:
    root = _copy(source, tmp_path)
    routes, notes = route_map(str(root), use_cache=False, display_root=str(root))
    # The map may leave routes out only where a note says so.
    incomplete = any("routes are not listed" in str(note) for note in notes)
    apps = _by_app([asdict(r) for r in routes])
    assert apps
    for app, static_map in apps.items():
        real = flask_routes(root, app)
        if real.returncode != 0:
            if required:
                pytest.fail(f"flask --app {app} routes failed: {real.stderr[-2000:]}")
            pytest.skip(f"the real app {app} cannot be imported here: {real.stderr.strip().splitlines()[-1:]}")
        flask_map = parse_table(real.stdout)
        if incomplete:
            assert static_map <= flask_map, f"{app}: flask-lint routes lists routes flask does not have"
        else:
            assert static_map == flask_map, f"{app}: flask-lint routes disagrees with flask routes"


@pytest.mark.parametrize("name", sorted(REQUIRED))
def test_agrees_with_flask_routes(name: str, tmp_path: Path) -> None:
    _compare(REQUIRED[name], tmp_path, required=True)


@pytest.mark.parametrize("name", sorted(OPTIONAL))
def test_agrees_with_flask_routes_on_fixture_projects(name: str, tmp_path: Path) -> None:
    _compare(OPTIONAL[name], tmp_path, required=False)


def test_table_matches_flask_routes_table(tmp_path: Path) -> None:
    root = _copy(REQUIRED["examples"], tmp_path)
    ours = flask_lint_routes(root)
    assert ours.returncode == 0, ours.stderr
    assert ours.stdout.splitlines()[0].split() == ["Endpoint", "Methods", "Rule", "Blueprint", "Prefix", "View"]
    assert parse_table(ours.stdout) == parse_table(flask_routes(root, "bookshop:create_app()").stdout)
    assert "bookshop/catalog.py:12" in ours.stdout  # the view's def line


def test_json_fields(tmp_path: Path) -> None:
    root = _copy(os.path.join(DATA, "nested"), tmp_path)
    payload = json.loads(flask_lint_routes(root, "--format", "json", "--sort", "rule").stdout)
    assert [r["rule"] for r in payload] == sorted(r["rule"] for r in payload)
    by_endpoint = {r["endpoint"]: r for r in payload}
    assert by_endpoint["api.users.profile"] == {
        "rule": "/api/v1/people/<name>",
        "methods": ["GET", "HEAD", "OPTIONS", "PATCH", "POST"],
        "endpoint": "api.users.profile",
        "view": "portal.api.users.profile",
        "location": os.path.join("portal", "api", "users.py") + ":13",
        "blueprint": "api.users",
        "url_prefix": "/api/v1/people",
        "app": "portal:create_app()",
    }
    assert by_endpoint["static"]["view"] is None and by_endpoint["static"]["blueprint"] is None
    assert by_endpoint["api.item"]["view"] == "portal.api.ItemAPI"


def test_never_imports_the_application(tmp_path: Path) -> None:
    (tmp_path / "setup.cfg").write_text("")
    (tmp_path / "app.py").write_text(
        "import pathlib\n"
        "pathlib.Path('imported').write_text('yes')\n"
        "from flask import Flask\n"
        "app = Flask(__name__)\n\n\n"
        "@app.route('/')\n"
        "def index():\n"
        "    return 'hi'\n"
    )
    proc = flask_lint_routes(tmp_path, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    assert {r["endpoint"] for r in json.loads(proc.stdout)} == {"index", "static"}
    assert json.loads(proc.stdout)[0]["app"] == "app:app"
    assert not (tmp_path / "imported").exists()


def test_unresolved_registrations_are_named_not_guessed(tmp_path: Path) -> None:
    root = _copy(os.path.join(PROJECTS, "dynamic"), tmp_path)
    proc = flask_lint_routes(root)
    assert proc.returncode == 0
    assert parse_table(proc.stdout) == {("static", ("GET", "HEAD", "OPTIONS"), "/static/<path:filename>")}
    (note,) = proc.stderr.splitlines()
    assert note.startswith("flask-lint: note: site/__init__.py:12: ") and "could not be resolved" in note


def test_no_app_and_usage_errors(tmp_path: Path) -> None:
    (tmp_path / "setup.cfg").write_text("")
    (tmp_path / "lib.py").write_text("x = 1\n")
    proc = flask_lint_routes(tmp_path)
    assert proc.returncode == 1 and "no Flask app found" in proc.stderr
    proc = flask_lint_routes(tmp_path, "missing")
    assert proc.returncode == 2 and len(proc.stderr.splitlines()) == 1
    proc = flask_lint_routes(tmp_path, "--format", "xml")
    assert proc.returncode == 2 and len(proc.stderr.splitlines()) == 1


def test_modules_the_app_does_not_import_are_left_out(tmp_path: Path) -> None:
    root = _copy(os.path.join(DATA, "classic"), tmp_path)
    proc = flask_lint_routes(root)
    assert proc.returncode == 0
    assert "/only-in-tests" not in proc.stdout
    assert proc.stderr.splitlines() == [
        "flask-lint: note: checks/smoke.py:6: not imported when the app is built; left out"
    ]
