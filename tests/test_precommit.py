"""The pre-commit hook: a valid manifest, run the way pre-commit runs it."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List, Set, Tuple

import yaml
from harness import PROJECTS, Case, materialise
from identify.identify import tags_from_path

from flask_lint.families import all_rules

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MANIFEST = os.path.join(ROOT, ".pre-commit-hooks.yaml")
LINE_RE = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<code>FLK\d{3}) ")


def _hook() -> Dict[str, Any]:
    with open(MANIFEST, encoding="utf-8") as handle:
        hooks = yaml.safe_load(handle)
    (hook,) = [h for h in hooks if h["id"] == "flask-lint"]
    return hook


def _run_hook(root: Path, changed: List[str]) -> Tuple[int, Set[Tuple[str, int, str]], str]:
    """What pre-commit does: keep the files whose identify tags match
    ``types``, then run ``entry`` + ``args`` + file names from the repo root."""
    hook = _hook()
    wanted = set(hook.get("types", []))
    files = [f for f in changed if wanted <= tags_from_path(str(root / f))]
    command = shlex.split(hook["entry"]) + list(hook.get("args", [])) + files
    executable = shutil.which(command[0], path=os.path.dirname(sys.executable))
    assert executable, f"{command[0]} is not installed as a console script"
    env = dict(os.environ, FLASK_LINT_NO_CACHE="1")
    proc = subprocess.run([executable] + command[1:], cwd=root, capture_output=True, text=True, env=env)
    found = set()
    for line in proc.stdout.splitlines():
        match = LINE_RE.match(line)
        assert match, f"not a finding line: {line!r}"
        found.add((os.path.normpath(match.group("path")), int(match.group("line")), match.group("code")))
    return proc.returncode, found, proc.stderr


def test_manifest_is_valid_for_pre_commit() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "pre_commit", "validate-manifest", MANIFEST], capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_hook_runs_the_console_script_on_python_files() -> None:
    hook = _hook()
    assert hook["language"] == "python"
    assert hook["entry"] == "flask-lint"
    assert hook["types"] == ["python"]
    # One process: the project index is built once, not once per batch of files.
    assert hook["require_serial"] is True
    assert hook.get("pass_filenames", True) is True
    pyproject = open(os.path.join(ROOT, "pyproject.toml"), encoding="utf-8").read()
    assert re.search(r'^flask-lint = "flask_lint.cli:main"$', pyproject, re.MULTILINE)


def test_changed_files_are_analysed_with_the_whole_project(tmp_path: Path) -> None:
    case = materialise(Case("projects/factory", os.path.join(PROJECTS, "factory")), str(tmp_path))
    root = Path(case.root)
    default_on = {r.code for r in all_rules() if r.default_enabled}
    # admin.py's blueprint is unregistered and main.py's is registered, which
    # only shop/__init__.py (not among the changed files) can tell.
    changed = ["shop/views/admin.py", "shop/views/main.py", "setup.cfg"]
    code, found, stderr = _run_hook(root, changed)
    assert code == 1, stderr
    expected = {(os.path.normpath(p), n, c) for p, n, c in case.expected() if p in changed and c in default_on}
    assert (os.path.normpath("shop/views/admin.py"), 3, "FLK303") in expected
    assert found == expected
    assert not any(path.endswith("main.py") for path, _line, _code in found)
    # Only the changed files are reported: pages.py has a finding of its own.
    assert not any(path.endswith("pages.py") for path, _line, _code in found)


def test_clean_changed_files_pass(tmp_path: Path) -> None:
    case = materialise(Case("projects/factory", os.path.join(PROJECTS, "factory")), str(tmp_path))
    changed = ["shop/views/main.py", "shop/api/orders.py"]
    assert not [e for e in case.expected() if e[0] in changed], "the fixture changed: pick clean files"
    code, found, stderr = _run_hook(Path(case.root), changed)
    assert (code, found) == (0, set()), stderr


def test_excluded_files_stay_excluded_when_named(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.flask-lint]\nexclude = ["migrations"]\n')
    (tmp_path / "migrations").mkdir()
    bad = 'from flask import Flask\n\napp = Flask(__name__)\n\n\n@app.route("/")\ndef index():\n    return "x", 999\n'
    (tmp_path / "migrations" / "env.py").write_text(bad)
    (tmp_path / "app.py").write_text(bad)
    code, found, stderr = _run_hook(tmp_path, ["migrations/env.py", "app.py"])
    assert code == 1, stderr
    assert {path for path, _line, _code in found} == {"app.py"}
