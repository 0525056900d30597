"""Claims of the responses family (FLK1xx)."""

from __future__ import annotations

from typing import Dict, List

from runtime import Event, Run

from .base import NO_RESPONSE, Claim, Observed, exception_lines, failed_with, registrar, return_statement_lines

CLAIMS: Dict[str, Claim] = {}
claim = registrar(CLAIMS)




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
