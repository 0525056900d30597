"""The rule table, docs, fixtures and README agree with each other."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from typing import List

import pytest

from flask_lint.engine import AnalysisError, analyse
from flask_lint.families import FAMILIES, all_rules
from flask_lint.index import ProjectIndex
from flask_lint.registry import not_analysed

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RULES = all_rules()
DOC_SECTIONS = [
    "## What it does", "## Why is this bad?", "## Example", "## Use instead", "## Fix", "## Options", "## References"
]


def test_codes_names_and_ids_are_unique() -> None:
    for attribute in ("code", "name", "msgid"):
        values = [getattr(r, attribute) for r in RULES]
        assert len(values) == len(set(values)), attribute


def test_flake8_entry_point_is_a_prefix_of_every_code() -> None:
    text = open(os.path.join(ROOT, "pyproject.toml"), encoding="utf-8").read()
    assert re.search(r'^FLK = "flask_lint.flake8_plugin:Plugin"$', text, re.MULTILINE)
    assert all(r.code.startswith("FLK") for r in RULES)


def test_messages_are_one_line() -> None:
    for r in RULES:
        assert "\n" not in r.message and r.summary, r.code


# Rules about a file as a whole: a fixture file cannot hold their flagged and
# silent cases side by side, so their cases are in a test module.
FILE_RULE_TESTS = {"FLK001": "test_not_analysed.py"}


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_rule_has_fixture_with_flagged_and_silent_cases(rule) -> None:  # type: ignore[no-untyped-def]
    if rule.code in FILE_RULE_TESTS:
        assert os.path.isfile(os.path.join(ROOT, "tests", FILE_RULE_TESTS[rule.code]))
        return
    path = os.path.join(ROOT, "tests", "fixtures", f"{rule.code}.py")
    assert os.path.isfile(path), f"missing fixture {path}"
    text = open(path, encoding="utf-8").read()
    assert re.search(rf"#\s*expect:.*\b{rule.code}\b", text), f"{rule.code} fixture flags nothing"


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_rule_has_doc_page_with_every_section(rule) -> None:  # type: ignore[no-untyped-def]
    path = os.path.join(ROOT, "docs", "rules", f"{rule.code}.md")
    assert os.path.isfile(path), f"missing doc {path}"
    text = open(path, encoding="utf-8").read()
    assert text.startswith(f"# {rule.code} {rule.name}\n"), "the title is '# CODE name'"
    positions = [text.find(section) for section in DOC_SECTIONS]
    assert all(p >= 0 for p in positions), f"missing sections in {path}"
    assert positions == sorted(positions), "sections out of order"


def _python_blocks(text: str, heading: str) -> List[str]:
    section = text.split(heading, 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, re.DOTALL)


def _codes_for(tmp_path: str, code: str) -> List[str]:
    path = os.path.join(tmp_path, "example.py")
    try:
        return [f.code for f in analyse(path, index=ProjectIndex.build(tmp_path, FAMILIES, use_cache=False))]
    except AnalysisError as exc:  # what every frontend reports as FLK001
        return [not_analysed(exc).code]


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_doc_examples_fire_and_fixes_stay_silent(rule, tmp_path) -> None:  # type: ignore[no-untyped-def]
    text = open(os.path.join(ROOT, "docs", "rules", f"{rule.code}.md"), encoding="utf-8").read()
    (tmp_path / "setup.cfg").write_text("")
    for heading, should_fire in (("## Example", True), ("## Use instead", False)):
        blocks = _python_blocks(text, heading)
        assert blocks, f"no python block under {heading}"
        (tmp_path / "example.py").write_text(blocks[0])
        codes = _codes_for(str(tmp_path), rule.code)
        assert (rule.code in codes) == should_fire, f"{heading}: {codes}"


def test_readme_lists_every_rule() -> None:
    readme = open(os.path.join(ROOT, "README.md"), encoding="utf-8").read()
    for r in RULES:
        assert f"[{r.code}](docs/rules/{r.code}.md)" in readme and f"`{r.name}`" in readme, r.code
    check = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "gen_rules_table.py"), "--check"])
    assert check.returncode == 0, "README rule table out of date"


def test_explain_prints_the_doc_page() -> None:
    for r in RULES[:3]:
        proc = subprocess.run([sys.executable, "-m", "flask_lint.cli", "explain", r.code], capture_output=True, text=True)
        assert proc.returncode == 0 and proc.stdout.startswith(f"# {r.code} {r.name}")
