"""Rules, findings and rule families: the records every frontend shares.

A rule family (:class:`Family`) bundles its rules, its checker, the summary
extensions the project index computes for it and the modules it needs
checked; ``flask_lint.families`` lists the families, and nothing registers
itself by being imported.  A rule's pylint message id is derived from its
code (``FLK101`` -> ``W9101``): the family digit becomes the second digit of
pylint's plugin range (91-94), so ids never collide with pylint's own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable, Optional, Sequence, Set, Tuple

from .fixes import Fix, from_data, to_data

CODE_RE = re.compile(r"^FLK[0-9]{3}$")
NAME_RE = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)+$")

FAMILY_TITLES = {
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
        return FAMILY_TITLES[self.code[3]]

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
    fix: Optional[Fix] = None  # see flask_lint.fixes

    @property
    def text(self) -> str:
        return f"{self.code} {self.message}"

    def row(self) -> Tuple[Any, ...]:
        """The finding as plain data (JSON, marshal): :meth:`from_row` gives it back."""
        return (self.line, self.col, self.code, self.message, self.end_line, self.end_col, to_data(self.fix))

    @classmethod
    def from_row(cls, row: Sequence[Any]) -> Finding:
        line, col, code, message, end_line, end_col = row[:6]
        return cls(line, col, code, message, end_line, end_col, from_data(row[6]) if len(row) > 6 else None)

    def sort_key(self) -> tuple[int, int, str, str]:
        return (self.line, self.col, self.code, self.message)


def rule(
    code: str,
    name: str,
    message: str,
    *,
    severity: str = "W",
    default_enabled: bool = True,
    summary: str = "",
) -> Rule:
    """A rule, its code, name and severity checked."""
    if not CODE_RE.match(code):
        raise ValueError(f"bad rule code {code!r}")
    if not NAME_RE.match(name):
        raise ValueError(f"bad rule name {name!r}")
    if severity not in "CRWEI" or len(severity) != 1:
        raise ValueError(f"bad severity {severity!r}")
    return Rule(code, name, message, severity, default_enabled, summary)


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


@dataclass(frozen=True)
class Family:
    """One rule family, declared in one place (its package or module):
    ``check(ctx)`` reports its ``rules``; ``extensions`` are the per-module
    facts it needs from the project index (``flask_lint.summary.Extension``);
    ``checked_anyway(index)`` gives modules it must check even when they
    never mention Flask."""

    digit: str
    rules: Tuple[Rule, ...]
    check: Callable[[Any], None]
    extensions: Tuple[Any, ...] = ()
    checked_anyway: Tuple[Callable[[Any], Set[str]], ...] = ()
