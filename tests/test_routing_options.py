"""FLK301's threshold (max-app-routes) from every frontend and every place
an option can be set: command line, flake8 config, pylint config and
``[tool.flask-lint]`` in pyproject.toml."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Dict, List, Optional

import pytest

# Four routes directly on the app, in two modules.
APP = '''from flask import Flask

app = Flask(__name__)


@app.errorhandler(500)
def server_error(error):
    return "server error", 500


@app.route("/")
def index():
    return "home"


@app.route("/about")
def about():
    return "about"


from shop import views  # noqa: E402,F401
'''
VIEWS = '''from shop import app


@app.route("/contact")
def contact():
    return "contact"


@app.get("/help")
def help_page():
    return "help"
'''


def _env() -> Dict[str, str]:
    return dict(os.environ, FLASK_LINT_NO_CACHE="1")


def _project(tmp_path: Path, pyproject: str = "", setup_cfg: str = "") -> Path:
    (tmp_path / "setup.cfg").write_text(setup_cfg)
    if pyproject:
        (tmp_path / "pyproject.toml").write_text(pyproject)
    (tmp_path / "shop").mkdir()
    (tmp_path / "shop" / "__init__.py").write_text(APP)
    (tmp_path / "shop" / "views.py").write_text(VIEWS)
    return tmp_path


def _run(cwd: Path, args: List[str]) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, *args], cwd=cwd, capture_output=True, text=True, env=_env())
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def _findings(frontend: str, cwd: Path, extra: Optional[List[str]] = None) -> List[str]:
    """FLK301 lines reported for shop/__init__.py."""
    if frontend == "cli":
        proc = _run(cwd, ["-m", "flask_lint.cli", "--select", "FLK301", *(extra or []), "."])
        assert proc.returncode in (0, 1), proc.stderr
    elif frontend == "flake8":
        proc = _run(cwd, ["-m", "flake8", "--select", "FLK301", *(extra or []), "."])
        assert proc.returncode in (0, 1), proc.stderr
    else:
        proc = _run(
            cwd,
            [
                "-m", "pylint", "--load-plugins=flask_lint.pylint_plugin", "--disable=all",
                "--enable=monolithic-app", "--score=n", "--reports=n",
                "--msg-template={path}:{line}: {msg_id} {msg}", *(extra or []), "shop",
            ],
        )  # fmt: skip
        assert proc.returncode & 32 == 0, proc.stdout + proc.stderr
    return [line for line in proc.stdout.splitlines() if "FLK301" in line or "R9301" in line]


FRONTENDS = ["cli", "flake8", "pylint"]


@pytest.mark.parametrize("frontend", FRONTENDS)
def test_default_threshold_is_ten(frontend: str, tmp_path: Path) -> None:
    assert _findings(frontend, _project(tmp_path)) == []


@pytest.mark.parametrize("frontend", FRONTENDS)
@pytest.mark.parametrize("limit, fires", [(3, True), (4, False)])
def test_command_line_option(frontend: str, limit: int, fires: bool, tmp_path: Path) -> None:
    found = _findings(frontend, _project(tmp_path), [f"--flask-max-app-routes={limit}"])
    assert bool(found) == fires, found
    if fires:
        assert len(found) == 1
        line = found[0]
        assert "__init__.py:3" in line, line
        assert "4 routes" in line and "max-app-routes=3" in line, line
        assert "shop, shop.views" in line, line


@pytest.mark.parametrize("limit, fires", [(3, True), (4, False)])
def test_pyproject_tool_flask_lint(limit: int, fires: bool, tmp_path: Path) -> None:
    root = _project(tmp_path, pyproject=f"[tool.flask-lint]\nmax-app-routes = {limit}\n")
    found = _findings("cli", root)
    assert bool(found) == fires, found


@pytest.mark.parametrize("limit, fires", [(3, True), (4, False)])
def test_flake8_config_file(limit: int, fires: bool, tmp_path: Path) -> None:
    root = _project(tmp_path, setup_cfg=f"[flake8]\nflask-max-app-routes = {limit}\n")
    found = _findings("flake8", root)
    assert bool(found) == fires, found


@pytest.mark.parametrize("limit, fires", [(3, True), (4, False)])
def test_pylint_config_file(limit: int, fires: bool, tmp_path: Path) -> None:
    root = _project(tmp_path, pyproject=f"[tool.pylint.flask-lint]\nflask-max-app-routes = {limit}\n")
    found = _findings("pylint", root)
    assert bool(found) == fires, found


def test_command_line_wins_over_pyproject(tmp_path: Path) -> None:
    root = _project(tmp_path, pyproject="[tool.flask-lint]\nmax-app-routes = 3\n")
    assert _findings("cli", root, ["--flask-max-app-routes=20"]) == []
