"""The rule table shared by every frontend.

Each checker module declares its rules with :func:`rule`; the registry is the
union of those declarations.  A rule's pylint message id is derived from its
code (``FLK101`` -> ``W9101``): the family digit becomes the second digit of
pylint's plugin range (91-94), so ids never collide with pylint's own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Dict, Iterable, List

CODE_RE = re.compile(r"^FLK[0-9]{3}$")
NAME_RE = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)+$")

FAMILIES = {
    "0": "files",
    "1": "responses and status codes",
    "2": "error handlers",
    "3": "routing and blueprints",
    "4": "context locals and concurrency",
}


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    message: str
    severity: str = "W"  # pylint category: E crashes, W misbehaves, C/R structure
    default_enabled: bool = True
    summary: str = field(default="", compare=False)

    @property
    def family(self) -> str:
        return FAMILIES[self.code[3]]

    @property
    def msgid(self) -> str:
        return f"{self.severity}9{self.code[3:]}"

    def format(self, **args: object) -> str:
        return self.message.format(**args)


@dataclass(frozen=True)
class Finding:
    """One diagnostic: 1-based line, 0-based column (flake8's convention)."""

    line: int
    col: int
    code: str
    message: str
    end_line: int | None = None
    end_col: int | None = None

    @property
    def text(self) -> str:
        return f"{self.code} {self.message}"

    def sort_key(self) -> tuple[int, int, str, str]:
        return (self.line, self.col, self.code, self.message)


_RULES: Dict[str, Rule] = {}


def rule(
    code: str,
    name: str,
    message: str,
    *,
    severity: str = "W",
    default_enabled: bool = True,
    summary: str = "",
) -> Rule:
    """Declare a rule; called at import time by the checker modules."""
    if not CODE_RE.match(code):
        raise ValueError(f"bad rule code {code!r}")
    if not NAME_RE.match(name):
        raise ValueError(f"bad rule name {name!r}")
    if severity not in "CRWEI" or len(severity) != 1:
        raise ValueError(f"bad severity {severity!r}")
    if code in _RULES:
        raise ValueError(f"duplicate rule code {code}")
    declared = Rule(code, name, message, severity, default_enabled, summary)
    _RULES[code] = declared
    return declared


# Not a checker's: the frontends report it for a file that could not be read,
# decoded or parsed (see not_analysed()).
NOT_ANALYSED = rule(
    "FLK001",
    "file-not-analysed",
    "file not analysed: {reason}",
    severity="E",
    summary="a file flask-lint could not read, decode or parse, so none of its code was checked",
)


def not_analysed(exc: BaseException) -> Finding:
    """The FLK001 finding for a file whose analysis raised ``exc`` (a
    SourceError or AnalysisError: their message is one line for the user)."""
    line = getattr(exc, "line", 1)
    col = getattr(exc, "col", 0)
    return Finding(line, col, NOT_ANALYSED.code, NOT_ANALYSED.format(reason=str(exc) or type(exc).__name__))


def all_rules() -> List[Rule]:
    """Every rule, sorted by code (imports the checkers on first use)."""
    from . import checkers  # noqa: F401  (declares the rules)

    return [_RULES[code] for code in sorted(_RULES)]


def get_rule(code: str) -> Rule:
    all_rules()
    return _RULES[code]


def rules_by_name() -> Dict[str, Rule]:
    return {r.name: r for r in all_rules()}


def expand_selection(prefixes: Iterable[str]) -> List[str]:
    """Codes matched by a list of prefixes (``FLK1``, ``FLK101``...)."""
    wanted = [p.strip().upper() for p in prefixes if p.strip()]
    return [r.code for r in all_rules() if any(r.code.startswith(p) for p in wanted)]
