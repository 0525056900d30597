"""Options: the same names and defaults in every frontend, and one clear
line for an unknown option or a bad value."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Dict, List

import pytest

from flask_lint.config import OPTIONS

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
APP = 'from flask import Flask\n\napp = Flask(__name__)\n\n\n@app.route("/")\ndef index():\n    return "hi"\n'
SPEC = OPTIONS[0]  # max-app-routes
PYLINT = [
    "-m", "pylint", "--load-plugins=flask_lint.pylint_plugin", "--disable=all",
    "--enable=unregistered-blueprint", "--score=n", "--reports=n",
]  # fmt: skip


def _env() -> Dict[str, str]:
    return dict(os.environ, FLASK_LINT_NO_CACHE="1")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "setup.cfg").write_text("")
    (tmp_path / "app.py").write_text(APP)
    return tmp_path


def _run(cwd: Path, args: List[str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=cwd, capture_output=True, text=True, env=_env())


def _cli(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return _run(cwd, ["-m", "flask_lint.cli", *args])


def _flake8(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return _run(cwd, ["-m", "flake8", "--select", "FLK", *args])


def _pylint(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return _run(cwd, [*PYLINT, *args])


def _one_line(proc: subprocess.CompletedProcess, status: int, *needles: str) -> str:
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode == status, (proc.returncode, proc.stdout, proc.stderr)
    assert len(lines) == 1, proc.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]
    assert "Traceback" not in proc.stderr
    return lines[0]


# -------------------------------------------------- same names and defaults


def _help_entry(help_text: str, flag: str) -> str:
    squashed = " ".join(help_text.split())
    assert flag in squashed, f"{flag} missing from --help"
    # The option's own entry is the last mention (the usage line comes first).
    match = re.match(re.escape(flag) + r"[ =]\S+ (.*?\(default: [^)]*\))", squashed[squashed.rindex(flag) :])
    assert match, f"{flag} missing from --help"
    return match.group(1)


@pytest.mark.parametrize("spec", OPTIONS, ids=lambda s: s.name)
def test_every_option_has_one_name_and_default_everywhere(spec, project: Path) -> None:  # type: ignore[no-untyped-def]
    default = f"(default: {spec.shown_default})"
    assert _help_entry(_cli(project, "--help").stdout, spec.flag).endswith(default)
    assert _help_entry(_flake8(project, "--help").stdout, spec.flag).endswith(default)
    assert _help_entry(_pylint(project, "--help").stdout, spec.flag).endswith(default)
    value = str(spec.default) if spec.default is not None else {"flask-version": "2.3", "baseline": "baseline.json"}[spec.name]
    (project / "baseline.json").write_text('{"flask-lint-baseline": 1, "findings": []}\n')
    (project / "pyproject.toml").write_text(f'[tool.flask-lint]\n{spec.name} = "{value}"\n')
    assert _cli(project, ".").returncode in (0, 1)
    assert _cli(project, f"{spec.flag}={value}", ".").returncode in (0, 1)
    (project / "pyproject.toml").unlink()
    (project / "setup.cfg").write_text(f"[flake8]\n{spec.flag[2:]} = {value}\n")
    assert _flake8(project, ".").returncode in (0, 1)
    (project / "setup.cfg").write_text("")
    (project / "pyproject.toml").write_text(f'[tool.pylint.flask-lint]\n{spec.flag[2:]} = "{value}"\n')
    assert _pylint(project, "app.py").returncode & 32 == 0


def test_readme_lists_every_option() -> None:
    readme = open(os.path.join(ROOT, "README.md"), encoding="utf-8").read()
    for spec in OPTIONS:
        row = next((line for line in readme.splitlines() if f"`{spec.flag}`" in line and f"`{spec.name}`" in line), None)
        assert row is not None and f"| {spec.shown_default} |" in row, spec.name


# ------------------------------------------------------ the flask-lint command


def test_cli_unknown_pyproject_key(project: Path) -> None:
    (project / "pyproject.toml").write_text("[tool.flask-lint]\nmax-routes = 3\n")
    _one_line(_cli(project, "."), 2, "unknown option 'max-routes' in [tool.flask-lint]", SPEC.name)


def test_cli_bad_pyproject_value(project: Path) -> None:
    (project / "pyproject.toml").write_text(f"[tool.flask-lint]\n{SPEC.name} = 0\n")
    _one_line(_cli(project, "."), 2, "pyproject.toml", f"bad value for {SPEC.name}", "got 0")


def test_cli_bad_option_value(project: Path) -> None:
    _one_line(_cli(project, f"{SPEC.flag}=lots", "."), 2, f"bad value for {SPEC.name}", "'lots'")


def test_cli_unknown_option(project: Path) -> None:
    _one_line(_cli(project, "--flask-no-such-option=1", "."), 2, "unrecognized arguments: --flask-no-such-option=1")


def test_cli_bad_selection(project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool.flask-lint]\nselect = ["E501"]\n')
    _one_line(_cli(project, "."), 2, "unknown rule code or prefix 'E501'")


# ------------------------------------------------------------------ flake8


def test_flake8_bad_option_value(project: Path) -> None:
    _one_line(_flake8(project, f"{SPEC.flag}=lots", "."), 2, f"flake8: flask-lint: bad value for {SPEC.flag[2:]}", "'lots'")


def test_flake8_bad_config_value(project: Path) -> None:
    (project / "setup.cfg").write_text(f"[flake8]\n{SPEC.flag[2:]} = -1\n")
    _one_line(_flake8(project, "."), 2, f"bad value for {SPEC.flag[2:]}", "'-1'")


def test_flake8_unknown_config_key(project: Path) -> None:
    (project / "setup.cfg").write_text("[flake8]\nflask-max-routes = 3\nmax-line-length = 100\n")
    _one_line(_flake8(project, "."), 2, "unknown option 'flask-max-routes' in the [flake8] configuration", SPEC.flag[2:])


def test_flake8_unknown_option(project: Path) -> None:
    proc = _flake8(project, "--flask-no-such-option=1", ".")
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines()[-1].endswith("unrecognized arguments: --flask-no-such-option=1")


# ------------------------------------------------------------------ pylint
# pylint's own exit status for a usage error is 32 (it gives it for unknown
# command-line options); the plugin uses it for its options too.


def test_pylint_bad_option_value(project: Path) -> None:
    _one_line(_pylint(project, f"{SPEC.flag}=lots", "app.py"), 32, f"pylint: flask-lint: bad value for {SPEC.flag[2:]}")


def test_pylint_bad_config_value(project: Path) -> None:
    (project / "pyproject.toml").write_text(f'[tool.pylint.flask-lint]\n{SPEC.flag[2:]} = "0"\n')
    _one_line(_pylint(project, "app.py"), 32, f"bad value for {SPEC.flag[2:]}", "'0'")


def test_pylint_unknown_config_key(project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool.pylint.flask-lint]\nflask-routes-max = "3"\n')
    _one_line(_pylint(project, "app.py"), 32, "unknown option 'flask-routes-max' in the pylint configuration")


def test_pylint_unknown_option(project: Path) -> None:
    proc = _pylint(project, "--flask-no-such-option=1", "app.py")
    assert proc.returncode == 32
    assert proc.stderr.strip().splitlines()[-1].endswith("Unrecognized option found: flask-no-such-option=1")
