"""Regenerate the README's rule table from the registry.

Usage: python scripts/gen_rules_table.py [--check]
"""

from __future__ import annotations

import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

START = "<!-- rules:start -->"
END = "<!-- rules:end -->"


def table() -> str:
    from flask_lint.families import all_rules

    rows = [
        "| code | name | pylint id | family | default | what it flags |",
        "|---|---|---|---|---|---|",
    ]
    for r in all_rules():
        default = "on" if r.default_enabled else "off"
        rows.append(
            f"| [{r.code}](docs/rules/{r.code}.md) | `{r.name}` | {r.msgid} | {r.family} | {default} | {r.summary} |"
        )
    return "\n".join(rows)


def render(readme: str) -> str:
    head, start, rest = readme.partition(START)
    _old, end, tail = rest.partition(END)
    if not start or not end:
        raise SystemExit(f"README.md lacks the {START} / {END} markers")
    return f"{head}{START}\n{table()}\n{END}{tail}"


def main() -> int:
    path = os.path.join(ROOT, "README.md")
    with open(path, encoding="utf-8") as handle:
        current = handle.read()
    wanted = render(current)
    if "--check" in sys.argv:
        if wanted != current:
            print("README.md rule table is out of date: run python scripts/gen_rules_table.py")
            return 1
        return 0
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(wanted)
    return 0


if __name__ == "__main__":
    sys.exit(main())
