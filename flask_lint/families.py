"""The rule families flask-lint runs, in one explicit list, and the rule
catalogue every frontend reads: nothing registers itself by being imported.

The project index is given the families (``get_index(path, FAMILIES)``): it
computes their summary extensions and checks the modules they ask for; the
engine runs their checkers over each file."""

from __future__ import annotations

from typing import Dict, List, Tuple

from .checkers import context_locals, error_handlers, responses, routing
from .registry import NOT_ANALYSED, Family, Rule

FAMILIES: Tuple[Family, ...] = (
    responses.FAMILY,
    error_handlers.FAMILY,
    routing.FAMILY,
    context_locals.FAMILY,
)


def _catalogue() -> Dict[str, Rule]:
    table: Dict[str, Rule] = {NOT_ANALYSED.code: NOT_ANALYSED}
    for family in FAMILIES:
        for declared in family.rules:
            if declared.code in table or declared.code[3] != family.digit:
                raise ValueError(f"rule {declared.code} declared twice or in the wrong family")
            table[declared.code] = declared
    return {code: table[code] for code in sorted(table)}


_RULES = _catalogue()


def all_rules() -> List[Rule]:
    """Every rule, sorted by code (FLK001 included: the frontends report it)."""
    return list(_RULES.values())
