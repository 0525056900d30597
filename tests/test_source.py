"""The fast prefilter (source.is_relevant) answers exactly as the regex it
stands for (source.RELEVANT_RE)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import List

import pytest

from flask_lint import source

ROOT = Path(__file__).resolve().parent.parent

SAMPLES = [
    "", "x = 1\n", "import flask\n", "from Flask import x", "FLASK_ENV", "Alaska", "alaska = 1",
    "werkzeug", "app.route(", "app.router(", "x.route", ".routes", "@bp.get('/')", "@bp.getter",
    "@a.b.delete\n", "@ x.get", "@x.patch_all", "url_rule", "errorhandler", "error_handler",
    "blueprint", "Blueprint", "bluePrint", "before_request", "before_request_funcs", "_requests",
    "teardown_appcontext", "add_resource", "monkey", "as_view", "url_value_preprocessor",
    "# flåsk é\n@x.put", "@é.post(", "_request", "x_request\n",
]


def _same(text: str) -> None:
    data = text.encode("utf-8", "surrogateescape")
    assert source.is_relevant(data) == (source.RELEVANT_RE.search(data) is not None), text
    assert source.is_relevant_text(text) == (source.RELEVANT_TEXT_RE.search(text) is not None), text


@pytest.mark.parametrize("text", SAMPLES)
def test_prefilter_agrees_with_the_regex(text: str) -> None:
    _same(text)
    _same(f"a = 1\n{text}\nb = 2\n")


def test_prefilter_agrees_on_this_repository() -> None:
    for folder in ("flask_lint", "tests", "examples"):
        for dirpath, _dirs, files in os.walk(ROOT / folder):
            for name in files:
                if name.endswith(".py"):
                    _same((Path(dirpath) / name).read_bytes().decode("utf-8", "surrogateescape"))


def test_prefilter_covers_every_branch_of_the_regex() -> None:
    """A branch added to _RELEVANT must be added to the fast path too."""
    branches = re.split(r"\|(?![^(]*\))", source._RELEVANT)
    fast = set(source._LITERALS) | {pattern for _word, pattern in source._GUARDED}
    expanded = {"flask", "Flask"} if "[Ff]lask" in branches else set()
    assert {b for b in branches if b != "[Ff]lask"} | expanded == fast


def _service_with_error_page(folder: Path) -> None:
    folder.mkdir(parents=True)
    (folder / "setup.py").write_text("from setuptools import setup\n\nsetup(name='svc')\n")
    (folder / "fake.py").write_text(
        "from flask import Flask, jsonify\n\napp = Flask(__name__)\n\n\n"
        "@app.errorhandler(500)\ndef crashed(error):\n    return jsonify(error=str(error))\n"
    )


def _cli_codes(folder: Path) -> List[str]:
    proc = subprocess.run(
        [sys.executable, "-m", "flask_lint.cli", "--no-cache", "--format", "json", "."],
        cwd=folder, capture_output=True, text=True, check=False,
    )
    return [finding["code"] for finding in json.loads(proc.stdout)]


def test_a_test_suite_with_a_project_of_its_own_is_test_code(tmp_path: Path) -> None:
    """integration_tests/ with its own setup.py inside a repository holds the
    fake services the suite starts: its handlers serve no client."""
    repo = tmp_path / "repo"
    _service_with_error_page(repo / "integration_tests")
    (repo / ".git").mkdir()
    assert _cli_codes(repo / "integration_tests") == []
    assert source.is_test_subproject(str(repo / "integration_tests"))


def test_a_repository_named_like_tests_is_not_test_code(tmp_path: Path) -> None:
    """The same service as a project of its own (no project above it), or a
    nested project not named like tests, is checked."""
    _service_with_error_page(tmp_path / "integration_tests")
    _service_with_error_page(tmp_path / "repo" / "billing")
    (tmp_path / "repo" / ".git").mkdir()
    assert _cli_codes(tmp_path / "integration_tests") == ["FLK204"]
    assert _cli_codes(tmp_path / "repo" / "billing") == ["FLK204"]
