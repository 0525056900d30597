"""Rule documentation: ``docs/rules/FLKnnn.md``, shipped inside the wheel."""

from __future__ import annotations

import os
import re

_HERE = os.path.dirname(os.path.abspath(__file__))
_CANDIDATES = (
    os.path.join(_HERE, "rule_docs"),  # installed wheel (see pyproject.toml)
    os.path.join(os.path.dirname(_HERE), "docs", "rules"),  # source checkout
)
DOCS_URL = "https://github.com/flask-lint/flask-lint/blob/main/docs/rules/{code}.md"


def rule_doc_path(code: str) -> str:
    for folder in _CANDIDATES:
        path = os.path.join(folder, f"{code}.md")
        if os.path.isfile(path):
            return path
    raise FileNotFoundError(f"no documentation for {code}")


def rule_doc(code: str) -> str:
    with open(rule_doc_path(code), encoding="utf-8") as handle:
        return handle.read()


_FIX_KINDS = re.compile(r"^\*\*(Safe|Unsafe|None)\*\*", re.MULTILINE)


def fix_kinds(doc: str) -> str:
    """What a rule page's "Fix" section says the rule's fixes are: ``safe``,
    ``unsafe``, ``safe, unsafe`` or ``none``, from the paragraphs of the
    section that open with a bold **Safe**, **Unsafe** or **None**."""
    match = re.search(r"^## Fix\n(.*?)(?=^## |\Z)", doc, re.MULTILINE | re.DOTALL)
    kinds = {k.lower() for k in _FIX_KINDS.findall(match.group(1))} if match else set()
    return ", ".join(sorted(kinds - {"none"})) or "none"  # "None for the other shapes" is implied
