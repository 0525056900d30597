"""Shared pieces of the claims: what each rule says, as something observable under Flask.

A claim reads a :class:`runtime.Run` and answers the fixture lines on which
the rule's effect really happened, each with a line of evidence.  The oracle
test compares them with the lines the fixture marks ``# expect: FLKnnn``:
a marked line whose effect Flask does not show, or an unmarked line where it
does, is a bug in the rule or in the fixture.

A claim must be as strict as the rule's message: FLK107 says "Flask raises
TypeError ('did not return a valid response') and the client gets a 500", so
its claim wants that TypeError in a request and the flagged function's own
``None`` behind it.
"""

from __future__ import annotations

import ast
from typing import Callable, Dict, Iterable, Optional, Set, Tuple

from runtime import Event, Probe, Run

Observed = Dict[Tuple[str, int], str]  # (fixture file, line) -> evidence
Claim = Callable[[Run], Observed]



def registrar(table: Dict[str, Claim]) -> Callable[[str], Callable[[Claim], Claim]]:
    """``claim = registrar(CLAIMS)`` in a family module; ``@claim("FLK101")``
    then puts a function in that family's table."""

    def claim(code: str) -> Callable[[Claim], Claim]:
        def register(func: Claim) -> Claim:
            if code in table:
                raise ValueError(f"two claims for {code}")
            table[code] = func
            return func

        return register

    return claim


# ----------------------------------------------------------------- helpers


def failed_with(probe: Probe, exc_name: str, text: str = "") -> bool:
    """The request raised ``exc_name`` (or a subclass) with ``text`` in its message."""
    for exc in (probe.request_exc, probe.client_exc, probe.stream_exc):
        if exc is not None and exc_name in exc[2] and text in exc[1]:
            return True
    return False


def exception_lines(run: Run, exc_name: str, text: str = "", thread: Optional[str] = None) -> Iterable[Event]:
    """Exceptions that went through a line of a fixture file."""
    for event in run.events("exception"):
        if exc_name not in event.exc_mro or text not in event.exc_text:
            continue
        if thread is not None and event.thread != thread:
            continue
        yield event


def return_statement_lines(func: ast.AST) -> Set[int]:
    lines: Set[int] = set()
    stack = list(ast.iter_child_nodes(func))
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        if isinstance(node, ast.Return):
            lines.add(node.lineno)
        stack.extend(ast.iter_child_nodes(node))
    return lines


NO_RESPONSE = "did not return a valid response"
