"""The fast prefilter (source.is_relevant) answers exactly as the regex it
stands for (source.RELEVANT_RE)."""

from __future__ import annotations

import os
import re
from pathlib import Path

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
