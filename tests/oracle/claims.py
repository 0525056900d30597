"""What each rule claims, as something observable under Flask.

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
from typing import Callable, Dict, Iterable, List, Optional, Set, Tuple

from runtime import Event, Probe, Run

Observed = Dict[Tuple[str, int], str]  # (fixture file, line) -> evidence
Claim = Callable[[Run], Observed]

CLAIMS: Dict[str, Claim] = {}
# Rules whose claim is about structure, not behaviour: the doc page says so.
STRUCTURAL = {"FLK301": "routes piled on the app object", "FLK302": "an import cycle by design"}


def claim(code: str) -> Callable[[Claim], Claim]:
    def register(func: Claim) -> Claim:
        CLAIMS[code] = func
        return func

    return register


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


# ------------------------------------------------------------- responses

NO_RESPONSE = "did not return a valid response"


@claim("FLK104")
def abort_unknown_code(run: Run) -> Observed:
    """abort(<code Werkzeug has no exception for>): LookupError, a 500."""
    failing = {p.index for p in run.probes if p.status == 500 or failed_with(p, "LookupError")}
    return {
        (e.func[0], e.line): f"LookupError: {e.exc_text}"
        for e in exception_lines(run, "LookupError", "no exception for")
        if e.probe in failing or e.probe == -1
    }


@claim("FLK107")
def view_may_return_none(run: Run) -> Observed:
    """A request fails with Flask's 'did not return a valid response'
    TypeError, and the flagged function itself gave the None: the def line
    when it fell off its end, the return line for ``return``/``return None``."""
    functions = run.functions()
    out: Observed = {}
    for probe in run.probes:
        if not failed_with(probe, "TypeError", NO_RESPONSE):
            continue
        returns = [e for e in run.events("return", probe.index) if e.thread == "main"]
        # The functions whose None became the response: the view Flask called
        # (or the outermost wrapper around it), then each callee that handed
        # its None back as the last thing its caller received.
        trailing: List[Event] = []
        tops = [i for i, e in enumerate(returns) if e.caller is None and e.func not in run.hooks]
        if tops and returns[tops[0]].returned_none:
            trailing.append(returns[tops[0]])
            position = tops[0]
            while position > 0:
                inner = returns[position - 1]
                if inner.caller != returns[position].func or not inner.returned_none:
                    break
                trailing.append(inner)
                position -= 1
        for event in trailing:
            func = functions.get(event.func)
            explicit = func is not None and event.line in return_statement_lines(func)
            line = event.line if explicit else event.func[1]
            out.setdefault((event.func[0], line), f"{probe.method} {probe.url}: TypeError ({NO_RESPONSE}), status {probe.status}")
    return out


def observed_lines(run: Run, codes: Iterable[str]) -> Dict[str, Observed]:
    return {code: CLAIMS[code](run) for code in codes if code in CLAIMS}


__all__ = ["CLAIMS", "STRUCTURAL", "observed_lines"]
