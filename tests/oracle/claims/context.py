"""Claims of the context locals and concurrency (FLK4xx) family.

Work that leaves the request is attributed to the fixture line that handed it
over (``Event.spawn``; ``runtime.Run.concurrency`` keeps the hand-overs, the
exceptions that escaped the work, the asyncio tasks, the streamed bodies and
the reads of a missing ``g`` attribute: see ``handover.py``).
"""

from __future__ import annotations

import ast
from typing import Any, Dict, Iterable, List, Optional, Set, Tuple

from runtime import Run

from .base import Claim, Observed, registrar

CLAIMS: Dict[str, Claim] = {}
claim = registrar(CLAIMS)

NO_CONTEXT = "Working outside of"
NO_REQUEST = "Working outside of request context"
COPY_AT_IMPORT = "can only be used when a request context is active"
OTHER_CONTEXT = "was created in a different Context"
SERIALIZATION_ERRORS = ("PicklingError", "EncodeError")

Line = Tuple[str, int]


def _state(run: Run) -> Any:
    return run.concurrency


def _kind(run: Run, line: Optional[Line]) -> str:
    state = _state(run)
    return state.kind(line) if state is not None else ""


def _handled_as_expected(run: Run, func: Line, line: int) -> bool:
    """The exception was raised inside a ``try`` whose handlers name
    ``RuntimeError``: code written to run without a context (``try: ...
    except RuntimeError: pass``), not work that is lost."""
    node = run.functions().get(func)
    if node is None:
        return False
    for item in ast.walk(node):
        if not isinstance(item, ast.Try) or not item.body:
            continue
        start, end = item.body[0].lineno, max(getattr(s, "end_lineno", s.lineno) or s.lineno for s in item.body)
        if not start <= line <= end:
            continue
        for handler in item.handlers:
            names = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
            if any(isinstance(n, ast.Name) and n.id == "RuntimeError" for n in names if n is not None):
                return True
    return False


def _context_errors(run: Run, text: str = NO_CONTEXT) -> Iterable[Tuple[Line, Any]]:
    """(hand-over line, event) for each context RuntimeError in work handed over."""
    for event in run.events("exception"):
        if event.thread != "spawned" or event.spawn is None:
            continue
        if "RuntimeError" not in event.exc_mro or text not in event.exc_text:
            continue
        if _handled_as_expected(run, event.func, event.line):
            continue
        yield event.spawn, event
    state = _state(run)
    if state is not None:  # raised with no fixture frame between (a Flask function handed over itself)
        seen = {(e.spawn, e.probe) for e in run.events("exception") if e.thread == "spawned"}
        for escape in state.escapes:
            if escape.line is not None and "RuntimeError" in escape.exc_mro and text in escape.exc_text:
                if (escape.line, escape.probe) not in seen:
                    yield escape.line, escape


def _proxy_lines(run: Run) -> Dict[Line, List[str]]:
    state = _state(run)
    out: Dict[Line, List[str]] = {}
    for handover in state.handovers if state is not None else ():
        if handover.proxies:
            out.setdefault(handover.line, []).extend(p for p in handover.proxies if p not in out.get(handover.line, []))
    return out


def _first_line(text: str) -> str:
    return text.split("\n", 1)[0]


@claim("FLK401")
def context_local_in_thread(run: Run) -> Observed:
    """Work handed to a thread, an executor, a process or a greenlet raised
    ``RuntimeError: Working outside of ... context`` there: the line that
    handed it over.  Not a task queue's worker (FLK404), not the resolution of
    a proxy passed along as an argument (FLK402), and not an error the code
    catches as ``RuntimeError`` on purpose."""
    proxies = _proxy_lines(run)
    out: Observed = {}
    for line, event in _context_errors(run):
        if _kind(run, line) == "queue" or line in proxies:
            continue
        where = f"line {event.line}" if hasattr(event, "func") else "the handed-over callable"
        out.setdefault(line, f"{_kind(run, line) or 'spawned'} work raised {_first_line(event.exc_text)} ({where})")
    return out


@claim("FLK402")
def proxy_passed_to_thread(run: Run) -> Observed:
    """A request/session/g/current_app proxy passed along with the callable,
    and its consequence: the proxy resolved in the other thread raised
    ``Working outside of ... context``, or serializing it for the process or
    the worker failed (PicklingError, kombu's EncodeError) on that line."""
    proxies = _proxy_lines(run)
    out: Observed = {}
    for line, event in _context_errors(run):
        if line in proxies:
            out.setdefault(line, f"{', '.join(proxies[line])} passed; the work raised {_first_line(event.exc_text)}")
    for event in run.events("exception"):
        where = (event.func[0], event.line)
        if where in proxies and event.thread == "main" and any(n in event.exc_mro for n in SERIALIZATION_ERRORS):
            out.setdefault(where, f"{', '.join(proxies[where])} passed: {event.exc_type}: {event.exc_text}")
    return out


@claim("FLK403")
def stream_without_context(run: Run) -> Observed:
    """Iterating the response body (after the view returned) raised
    ``Working outside of ... context``: the line that built the response
    around the generator, else the view's return, else (a view that is a
    generator itself) its def line."""
    state = _state(run)
    out: Observed = {}
    for failure in state.streams if state is not None else ():
        if "RuntimeError" not in failure.exc_mro or NO_CONTEXT not in failure.exc_text or failure.probe < 0:
            continue
        probe = run.probes[failure.probe]
        line = failure.origin or _view_return(run, probe)
        if line is None and failure.generator is not None:
            file, first, name = failure.generator
            line = (file, run.recorder.def_lines.get((file, first, name), first))
        if line is not None:
            out.setdefault(line, f"{probe.method} {probe.url}: the body raised {_first_line(failure.exc_text)} while streamed")
    return out


def _view_return(run: Run, probe: Any) -> Optional[Line]:
    app = run.loaded.apps[probe.app]
    view = app.view_functions.get(probe.endpoint) if probe.endpoint else None
    code = getattr(view, "__code__", None)
    if code is None or code.co_filename not in run.recorder.files:
        return None
    key = run.recorder.func_key(code)
    for event in run.events("return", probe.index):
        if event.func == key and event.thread == "main":
            return (event.func[0], event.line)
    return None


@claim("FLK404")
def context_local_in_task(run: Run) -> Observed:
    """A task queue's worker ran the task body and it raised ``Working
    outside of request context``: the task's def line (a declared task) or
    the line that queued a plain function."""
    out: Observed = {}
    for line, event in _context_errors(run, NO_REQUEST):
        if _kind(run, line) == "queue":
            out.setdefault(line, f"the worker raised {_first_line(event.exc_text)}")
    return out


@claim("FLK405")
def context_local_at_import(run: Run) -> Observed:
    """Importing the module raised ``RuntimeError`` for want of a context: the
    line of module code or class body the exception went through last (a
    call made there shows at the call)."""
    out: Observed = {}
    for error in run.loaded.errors:
        if "RuntimeError" not in error.exc_mro:
            continue
        if NO_CONTEXT not in error.exc_text and COPY_AT_IMPORT not in error.exc_text:
            continue
        frames = [f for f in getattr(error, "frames", ()) if not f[2]]
        where = (frames[-1][0], frames[-1][1]) if frames else (error.file, error.line)
        out.setdefault(where, f"import raised RuntimeError: {_first_line(error.exc_text)}")
    return out


@claim("FLK406")
def asyncio_task_cancelled(run: Run) -> Observed:
    """A task created in an async view was still running when the view
    returned (and the code was not cancelling it), and it ended cancelled."""
    state = _state(run)
    out: Observed = {}
    for task in state.tasks if state is not None else ():
        if task.pending_at_parent_end and task.cancelled:
            out.setdefault(task.line, "still running when the view returned, then cancelled")
    return out


@claim("FLK408")
def late_monkey_patch(run: Run) -> Observed:
    """The monkey patch ran after modules that keep the objects it replaces:
    in a fresh interpreter (patch_probe.py), a module imported before the
    patch still holds an unpatched lock, thread-local or socket function."""
    state = _state(run)
    out: Observed = {}
    for line, holders in (state.unpatched.items() if state is not None else ()):
        if holders:
            more = f" (and {len(holders) - 1} more)" if len(holders) > 1 else ""
            out[line] = f"{holders[0]}{more}"
    return out


@claim("FLK409")
def g_not_copied(run: Run) -> Observed:
    """Work handed over read a ``g`` attribute the request's ``g`` held at the
    hand-over, and found none: its ``g`` is a fresh one."""
    state = _state(run)
    if state is None:
        return {}
    held: Dict[Tuple[Line, int], Set[str]] = {}
    for handover in state.handovers:
        held.setdefault((handover.line, handover.probe), set()).update(handover.g_names)
    out: Observed = {}
    for read in state.missing_g:
        if read.line is not None and read.name in held.get((read.line, read.probe), set()):
            out.setdefault(read.line, f"g.{read.name} was set in the request, missing in the spawned work")
    return out


@claim("FLK410")
def copied_context_shared(run: Run) -> Observed:
    """One ``copy_current_request_context`` wrapper handed over several times
    in a request, and its work raised ``ValueError: ... was created in a
    different Context``: every hand-over of that wrapper after its first."""
    state = _state(run)
    if state is None:
        return {}
    failed: Set[Tuple[Line, int]] = set()
    for escape in state.escapes:
        if escape.line is not None and "ValueError" in escape.exc_mro and OTHER_CONTEXT in escape.exc_text:
            failed.add((escape.line, escape.probe))
    for event in run.events("exception"):
        if "ValueError" in event.exc_mro and OTHER_CONTEXT in event.exc_text:
            failed.add((event.spawn or (event.func[0], event.line), event.probe))
    by_wrapper: Dict[Tuple[int, int], List[Line]] = {}
    for handover in state.handovers:
        if handover.copy_wrapper:
            by_wrapper.setdefault((handover.copy_wrapper, handover.probe), []).append(handover.line)
    out: Observed = {}
    for (_wrapper, probe), lines in by_wrapper.items():
        if len(lines) > 1 and any((line, probe) in failed for line in lines):
            for line in lines[1:]:
                out.setdefault(line, f"the wrapper was handed over {len(lines)} times; a push raised ValueError")
    return out


def _effect(before: Any, after: Any) -> Any:
    """What a write established, comparable between requests: for a dict,
    the keys it changed with their new values (or their removal); for a set,
    what it added and removed; for anything else (a list, a rebound name),
    the value it left, since growing a list is never the same twice."""
    if isinstance(before, tuple) and isinstance(after, tuple) and before[:1] == after[:1] == ("dict",):
        old, new = dict(before[1]), dict(after[1])
        changed = {k: ("=", v) for k, v in new.items() if k not in old or old[k] != v}
        changed.update({k: ("del",) for k in old if k not in new})
        return ("dict", changed)
    if isinstance(before, tuple) and isinstance(after, tuple) and before[:1] == after[:1] == ("set",):
        return ("set", after[1] - before[1], before[1] - after[1])
    if isinstance(before, tuple) and isinstance(after, tuple) and before[:1] == after[:1] == ("list",):
        if sorted(map(repr, before[1])) == sorted(map(repr, after[1])):
            return ("list", "reordered")
    return ("value", after)


def _merge(effects: List[Any]) -> Any:
    """The effects of several writes in one request, as one."""
    if all(e[0] == "dict" for e in effects):
        merged: Dict[Any, Any] = {}
        for effect in effects:
            merged.update(effect[1])
        return ("dict", frozenset(merged.items()))
    if all(e[0] == "set" for e in effects):
        added: Set[Any] = set()
        removed: Set[Any] = set()
        for _kind, plus, minus in effects:
            added, removed = (added - minus) | plus, (removed - plus) | minus
        return ("set", frozenset(added), frozenset(removed))
    return effects[-1]


def _short(var: str) -> str:
    return var.rpartition(":")[2]


@claim("FLK407")
def view_mutates_process_state(run: Run) -> Observed:
    """Two requests handled by the same function left a module global, a
    module-level container or the app's config in different states (the
    keys/values a write set, what it added, the value it left): the state
    a worker process keeps depends on which requests it happened to serve.
    A line is charged when its own writes differ between requests, or when
    which of the function's lines wrote the state depends on the request
    (``if flag: X = True`` / ``else: X = False``).  Writes done the same way
    on every request (resets, constants, lazy initialisation that runs once)
    are not divergence.  Process state is watched in the request's own
    thread only (``process_state.py``)."""
    import process_state

    per_line: Dict[Tuple[str, Line], Dict[int, List[Any]]] = {}
    per_func: Dict[Tuple[str, Line], Dict[int, Tuple[Set[Line], List[Any]]]] = {}
    for write in process_state.WRITES:
        effect = _effect(write.before, write.after)
        per_line.setdefault((write.var, write.line), {}).setdefault(write.probe, []).append(effect)
        lines, effects = per_func.setdefault((write.var, write.func), {}).setdefault(write.probe, (set(), []))
        lines.add(write.line)
        effects.append(effect)
    out: Observed = {}
    diverging: Set[Tuple[str, Line]] = set()
    for (var, line), by_probe in per_line.items():
        distinct = {_merge(effects) for effects in by_probe.values()}
        if len(distinct) > 1:
            diverging.add((var, line))
            out.setdefault(line, f"`{_short(var)}` left in {len(distinct)} different states by {len(by_probe)} requests")
    for (var, _func), by_probe in per_func.items():
        distinct = {_merge(effects) for _lines, effects in by_probe.values()}
        written = set().union(*(lines for lines, _effects in by_probe.values()))
        if len(distinct) < 2 or any((var, line) in diverging for line in written):
            continue  # the same every time, or a line of its own already diverges
        every = set.intersection(*(lines for lines, _effects in by_probe.values()))
        for lines, _effects in by_probe.values():
            for line in lines - every:
                out.setdefault(
                    line, f"`{_short(var)}` left in {len(distinct)} different states, depending on which lines the request ran"
                )
    return out
