"""Claims of the error handlers (FLK2xx) family.

Whole-app rules (FLK201, FLK202) are tied to the line that created the app
(``Loaded.app_lines``); registration rules (FLK203, FLK206, FLK207, FLK208)
to the line of the registration as Flask received it
(``Loaded.handler_regs``, where a ``bp.app_errorhandler`` keeps its own
line); FLK204 to the handler's return line and FLK205 to the def line of the
function Flask could not call.
"""

from __future__ import annotations

import ast
import inspect
import re
import urllib.parse
from typing import Any, Dict, Iterable, List, Optional, Set, Tuple

from runtime import Probe, Run, _code_of, unknown_urls
from werkzeug.exceptions import HTTPException, InternalServerError, MethodNotAllowed, NotFound, default_exceptions

from .base import Claim, Observed, registrar
from .responses import view_like_functions

CLAIMS: Dict[str, Claim] = {}
claim = registrar(CLAIMS)

# Requests a client could send, as opposed to the oracle's replaced views.
REAL_KINDS = frozenset({"route", "hint", "wrong-method", "missing"})
WERKZEUG_500 = InternalServerError().get_body().encode()
Key = Tuple[str, int]


def app_line(run: Run, probe: Probe) -> Optional[Key]:
    return run.loaded.app_lines.get(id(run.loaded.apps[probe.app]))


def func_key(run: Run, func: Any) -> Optional[Key]:
    code = _code_of(func)
    if code is None or code.co_filename not in run.recorder.files:
        return None
    return run.recorder.func_key(code)


def ran(run: Run, probe: Probe) -> Set[Key]:
    """Fixture functions called during a probe."""
    return {e.func for e in run.events("call", probe.index)}


def content_type(probe: Probe) -> str:
    return probe.headers.get("Content-Type", "")


# ------------------------------------------------------------------ FLK201


@claim("FLK201")
def bare_server_error_page(run: Run) -> Observed:
    """A real request to the app (not a replaced view) raised a non-HTTP
    exception, no error handler of the fixture ran, and the client got
    Werkzeug's own 500 page: tied to the line that created the app."""
    out: Observed = {}
    for probe in run.probes:
        if probe.kind not in REAL_KINDS or probe.status != 500 or probe.body != WERKZEUG_500:
            continue
        exc = probe.request_exc
        if exc is None or "HTTPException" in exc[2]:
            continue
        if ran(run, probe) & run.error_handlers:
            continue
        line = app_line(run, probe)
        if line is not None:
            out.setdefault(line, f"{probe.method} {probe.url}: {exc[0]}, Werkzeug's bare 500 page")
    return out


# ------------------------------------------------------------------ FLK202


@claim("FLK202")
def html_errors_from_json_app(run: Run) -> Observed:
    """The app answers JSON (at least two endpoints, twice as many as those
    answering anything else) and a 400, 404 or 405 reached a client as an
    HTML page."""
    answers: Dict[int, Dict[str, Set[str]]] = {}
    for probe in run.probes:
        if probe.kind not in ("route", "hint") or probe.status is None or 400 <= probe.status < 600 or not probe.endpoint:
            continue  # (an answer with an invalid status such as 2000 is still an answer)
        kind = "json" if "json" in content_type(probe) else "other"
        answers.setdefault(probe.app, {"json": set(), "other": set()})[kind].add(probe.endpoint)
    out: Observed = {}
    for probe in run.probes:
        seen = answers.get(probe.app)
        if seen is None or len(seen["json"]) < 2 or len(seen["json"]) < 2 * len(seen["other"] - seen["json"]):
            continue
        if probe.status not in (400, 404, 405) or not content_type(probe).startswith("text/html"):
            continue
        line = app_line(run, probe)
        if line is not None:
            out.setdefault(
                line, f"{probe.kind} {probe.method} {probe.url}: {probe.status} as {content_type(probe)}"
            )
    out.update(_catch_all_answers(run))
    return out


_PATH_TAIL = re.compile(r"^([^<]*)<path:\w+>/?$")


def _json_prefixes(run: Run) -> Dict[int, List[str]]:
    """For each app: the static folders (``/api``) under which at least two
    endpoints answered JSON, twice as many as those answering anything else."""
    rules: Dict[int, Dict[str, str]] = {}
    kinds: Dict[int, Dict[str, Set[str]]] = {}
    for probe in run.probes:
        if probe.kind != "route" or probe.status is None or probe.status >= 400 or not probe.rule:
            continue
        rules.setdefault(probe.app, {})[probe.endpoint or ""] = probe.rule
        kind = "json" if "json" in content_type(probe) else "other"
        kinds.setdefault(probe.app, {}).setdefault(kind, set()).add(probe.endpoint or "")
    out: Dict[int, List[str]] = {}
    for app, by_endpoint in rules.items():
        json_endpoints = kinds[app].get("json", set())
        folders = {}
        for endpoint in json_endpoints:
            head = by_endpoint[endpoint].split("<", 1)[0]
            parts = [p for p in head[: head.rfind("/")].split("/") if p]
            if parts:
                folders.setdefault(parts[0], []).append(parts)
        for members in folders.values():
            common = members[0]
            for parts in members[1:]:
                common = [a for a, b in zip(common, parts) if a == b][: len(common)]
            prefix = "/" + "/".join(common)
            under = {e for e, r in by_endpoint.items() if r.startswith(prefix + "/")}
            json_under = under & json_endpoints
            if len(json_under) >= 2 and len(json_under) >= 2 * len(under - json_endpoints):
                out.setdefault(app, []).append(prefix)
    return out


def _catch_all_answers(run: Run) -> Observed:
    """The catch-all case: a GET of an unknown URL under an app's JSON prefix
    matched a rule ending in a ``path`` variable above that prefix, and the
    client got a success status with a body that is not JSON: tied to the
    line that added that rule."""
    prefixes = _json_prefixes(run)
    out: Observed = {}
    for probe in run.probes:
        if probe.kind not in ("missing", "hint") or probe.method != "GET" or probe.status is None or probe.status >= 300:
            continue  # (what a client reading a resource gets: an OPTIONS preflight's 200 is meant)
        if "json" in content_type(probe) or probe.app not in prefixes:
            continue
        app = run.loaded.apps[probe.app]
        path = urllib.parse.urlsplit(probe.url).path
        try:
            rule, _args = app.url_map.bind("localhost").match(path, method=probe.method, return_rule=True)
        except Exception:
            continue  # no rule matched: not a catch-all's answer
        tail = _PATH_TAIL.match(rule.rule)
        if tail is None:
            continue
        above = tail.group(1).rstrip("/")
        if not any(path.startswith(p + "/") and p.startswith(above + "/") for p in prefixes[probe.app]):
            continue
        for call in run.loaded.url_rules:
            if call.app is app and call.rule == rule.rule and call.endpoint == rule.endpoint and call.line:
                out.setdefault(call.line, f"{probe.method} {probe.url}: {probe.status} as {content_type(probe)} "
                               f"from the catch-all {rule.rule}")
    return out


# ------------------------------------------------------------------ FLK203


@claim("FLK203")
def rejected_registration(run: Run) -> Observed:
    """Flask refused the key: registering raised (at import, or at
    register_blueprint for bp.app_errorhandler)."""
    out: Observed = {}
    for reg in run.loaded.handler_regs:
        if reg.error is None or reg.line is None:
            continue
        if not {"ValueError", "TypeError", "KeyError"} & set(reg.error[2]):
            continue
        when = "at register_blueprint" if reg.deferred else "when registered"
        out.setdefault(reg.line, f"{reg.error[0]}: {reg.error[1]} ({when})")
    return out


# ------------------------------------------------------------------ FLK204


@claim("FLK204")
def error_served_as_200(run: Run) -> Observed:
    """An error handler's answer became a 200 OK: the return line of the
    handler Flask called last in that request."""
    out: Observed = {}
    for probe in run.probes:
        if probe.status != 200:
            continue
        returns = [
            e for e in run.events("return", probe.index)
            if e.func in run.error_handlers and e.caller is None and e.thread == "main" and not e.returned_none
        ]
        if returns and not _explicit_status(run, returns[-1].func, returns[-1].line):
            last = returns[-1]
            out.setdefault((last.func[0], last.line), f"{probe.kind} {probe.method} {probe.url} {probe.detail}: 200 OK")
    return out


def _explicit_status(run: Run, func: Key, line: int) -> bool:
    """``return body, 200``: a 200 the handler asks for (not "no status")."""
    node = run.functions().get(func)
    for ret in ast.walk(node) if node is not None else ():
        if isinstance(ret, ast.Return) and ret.lineno == line and isinstance(ret.value, ast.Tuple):
            elts = ret.value.elts
            return len(elts) >= 2 and not isinstance(elts[1], (ast.Dict, ast.DictComp))
    return False


# ------------------------------------------------------------------ FLK205

_ARITY = re.compile(r"^(?P<name>[\w.<>]+)\(\) (takes|missing|got)")


# How many positional arguments Flask passes to what each registry holds.
_HOOK_ARGS = {
    "before_request_funcs": 0, "after_request_funcs": 1, "teardown_request_funcs": 1,
    "url_value_preprocessors": 2, "url_default_functions": 2, "template_context_processors": 0,
}


def _registered_callables(run: Run) -> Iterable[Tuple[Any, int]]:
    """(function, number of arguments Flask calls it with)."""
    for owner in list(run.loaded.apps) + list(run.loaded.blueprints):
        for by_code in owner.error_handler_spec.values():
            for by_class in by_code.values():
                yield from ((f, 1) for f in by_class.values())
        for attr, count in _HOOK_ARGS.items():
            for registered in getattr(owner, attr, {}).values():
                yield from ((f, count) for f in registered)
        yield from ((f, 1) for f in getattr(owner, "teardown_appcontext_funcs", []))


def _rejects(func: Any, count: int) -> bool:
    """Calling ``func`` with ``count`` positional arguments raises TypeError."""
    try:
        inspect.signature(func, follow_wrapped=False).bind(*([None] * count))
    except TypeError:
        return True
    except ValueError:
        return False
    return False


@claim("FLK205")
def uncallable_handler(run: Run) -> Observed:
    """A request failed with the TypeError of Flask calling a registered
    error handler or hook with the wrong number of arguments."""
    by_name: Dict[str, List[Key]] = {}
    for func, count in _registered_callables(run):
        code = _code_of(func)
        key = func_key(run, func)
        if code is not None and key is not None and _rejects(func, count):
            names = by_name.setdefault(getattr(code, "co_qualname", code.co_name), [])
            if key not in names:
                names.append(key)
    out: Observed = {}
    for probe in run.probes:
        for exc in (probe.request_exc, probe.client_exc, probe.stream_exc):
            if exc is None or exc[0] != "TypeError":
                continue
            match = _ARITY.match(exc[1])
            if match is None:
                continue
            for key in by_name.get(match.group("name"), ()):
                out.setdefault(key, f"{probe.method} {probe.url}: TypeError: {exc[1]}")
    return out


# ------------------------------------------------------------------ FLK206


def _bp_endpoint(probe: Probe, names: Set[str]) -> bool:
    return bool(probe.endpoint) and probe.endpoint.rpartition(".")[0] in names


@claim("FLK206")
def blueprint_handler_skipped_by_routing(run: Run) -> Observed:
    """A blueprint's own handler for 404 (405) ran for abort(404) (abort(405))
    in that blueprint's view, yet an unknown URL under the blueprint's prefix
    (a wrong method on its route) was answered 404 (405) without it, and no
    unknown URL under the blueprint's rules (``runtime.unknown_urls``: what
    a catch-all route takes) or wrong method reached it."""
    out: Observed = {}
    for reg in run.loaded.handler_regs:
        if reg.error is not None or reg.deferred or reg.line is None or reg.exc_class not in (NotFound, MethodNotAllowed):
            continue
        bp = reg.owner
        if bp in run.loaded.apps:
            continue
        key = func_key(run, reg.func)
        code = 404 if reg.exc_class is NotFound else 405
        for app, registered, prefix in run.loaded.bp_registrations:
            if registered is not bp:
                continue
            number = next((i for i, a in enumerate(run.loaded.apps) if a is app), None)
            names = {name for name, b in app.blueprints.items() if b is bp} | {
                name for name in app.blueprints if name.rpartition(".")[2] == bp.name
            }
            unknown = {url for _method, url in unknown_urls(app, bp, prefix)}
            used = skipped = reached = None
            for probe in run.probes:
                if probe.app != number:
                    continue
                if probe.kind == "abort" and probe.detail == str(code) and _bp_endpoint(probe, names):
                    if key in ran(run, probe):
                        used = probe
                routing = (probe.kind == "missing" and code == 404 and probe.url in unknown) or (
                    probe.kind == "wrong-method" and code == 405 and _bp_endpoint(probe, names)
                )
                if routing and key in ran(run, probe):
                    reached = probe  # a catch-all route handed it to the blueprint: "never" is wrong
                elif routing and probe.status == code:
                    skipped = probe
            if used is not None and skipped is not None and reached is None:
                out.setdefault(reg.line, f"{skipped.method} {skipped.url}: {code} without it; abort({code}) in its view used it")
    return out


# ------------------------------------------------------------------ FLK207


def _expected_status(probe: Probe) -> Optional[int]:
    if probe.kind == "missing":
        return 404
    if probe.kind == "wrong-method":
        return 405
    if probe.kind == "abort" and probe.detail.isdigit():
        return int(probe.detail)
    return None


@claim("FLK207")
def catch_all_swallows(run: Run) -> Observed:
    """The errorhandler(Exception) registered on the line is the handler
    Flask picked for an HTTP error (an unknown URL, a wrong method,
    abort(code)), it ran, and the client got another status than the
    error's own."""
    out: Observed = {}
    for reg in run.loaded.handler_regs:
        if reg.error is not None or reg.line is None or reg.exc_class is not Exception:
            continue
        key = func_key(run, reg.func)
        if key is None:
            continue
        for probe in run.probes:
            expected = _expected_status(probe)
            if expected is None or probe.status is None or probe.status == expected or expected < 400:
                continue
            app = run.loaded.apps[probe.app]
            owner, func = handler_for(app, default_exceptions[expected](), _probe_blueprints(probe))
            if owner is reg.owner and func is reg.func and key in ran(run, probe):
                what = f"{probe.kind} {probe.method} {probe.url} {probe.detail}"
                out.setdefault(reg.line, f"{what}: {probe.status} instead of {expected}")
                break
    return out


def _probe_blueprints(probe: Probe) -> List[str]:
    """``request.blueprints`` during the probe: none for a routing error."""
    if probe.kind in ("missing", "wrong-method") or not probe.endpoint:
        return []
    parts = probe.endpoint.split(".")[:-1]
    return [".".join(parts[:i]) for i in range(len(parts), 0, -1)]


def handler_for(app: Any, exc: BaseException, blueprints: List[str]) -> Tuple[Any, Any]:
    """(app or blueprint, function) of the handler Flask picks for ``exc``:
    ``Flask._find_error_handler``'s own order (the code, then classes; the
    blueprints innermost first, then the app)."""
    exc_class = type(exc)
    code = getattr(exc, "code", None) if issubclass(exc_class, HTTPException) else None
    for c in (code, None) if code is not None else (None,):
        for name in (*blueprints, None):
            handler_map = app.error_handler_spec.get(name, {}).get(c)
            if not handler_map:
                continue
            for cls in exc_class.__mro__:
                handler = handler_map.get(cls)
                if handler is not None:
                    return (app if name is None else app.blueprints.get(name)), handler
    return None, None


# ------------------------------------------------------------------ FLK208


@claim("FLK208")
def replaced_registration(run: Run) -> Observed:
    """A later registration on the same app or blueprint for the same key
    took the place of this one: for an error of that key, the handler Flask
    picks (on that owner) is the later function, and it ran.  A line that
    also made registrations still in force (a loop over several codes) is
    not replaced."""
    regs = [r for r in run.loaded.handler_regs if r.error is None and r.line is not None]
    in_force: Set[Key] = set()
    for reg in regs:
        spec = reg.owner.error_handler_spec.get(None, {}).get(reg.code, {})
        if spec.get(reg.exc_class) is reg.func and reg.line is not None:
            in_force.add(reg.line)
    out: Observed = {}
    for position, first in enumerate(regs):
        if first.line in in_force:
            continue
        later = [
            r for r in regs[position + 1:]
            if r.owner is first.owner and r.exc_class is first.exc_class and r.code == first.code
            and r.func is not first.func
        ]
        if not later:
            continue
        current = first.owner.error_handler_spec.get(None, {}).get(first.code, {}).get(first.exc_class)
        replacing = func_key(run, current)
        detail = str(first.code) if first.code is not None else getattr(first.exc_class, "__name__", "")
        for probe in run.probes:
            if probe.kind not in ("abort", "raise") or probe.detail != detail or replacing not in ran(run, probe):
                continue
            app = run.loaded.apps[probe.app]
            exc = default_exceptions[first.code]() if first.code is not None else _instance(first.exc_class)
            owner, func = handler_for(app, exc, _probe_blueprints(probe))
            if owner is first.owner and func is current:
                out.setdefault(first.line, f"{probe.kind} {detail}: {getattr(current, '__name__', '?')} ran instead")
                break
    return out


def _instance(cls: Any) -> BaseException:
    try:
        return cls()  # type: ignore[no-any-return]
    except Exception:
        return cls("oracle")  # type: ignore[no-any-return]


# ------------------------------------------------------------------ FLK209


@claim("FLK209")
def view_catch_all_swallows(run: Run) -> Observed:
    """During a request, an HTTPException with status C was raised in the
    view (or in a fixture function it called), the last fixture frame it
    went through was the view's (or that of a fixture function the view was
    called from: a decorator's wrapper), which then returned from inside the
    except clause that caught it (the first clause of the innermost ``try``
    around that line whose class matches), or raised from there, and the
    client got a status of another class than C (a 500 or a 200 for a
    404; a 401 for a 400 is still a client error): tied to that ``except``
    line."""
    functions = run.functions()
    views = view_like_functions(run)
    out: Observed = {}
    for probe in run.probes:
        if probe.kind not in ("route", "hint") or probe.status is None:
            continue
        events = [e for e in run.events(probe=probe.index) if e.thread == "main"]
        for position, event in enumerate(events):
            if event.kind != "exception" or "HTTPException" not in event.exc_mro:
                continue
            code = _http_code(event.exc_text)
            if code is None or probe.status // 100 == code // 100:
                continue  # still an error of the same class (401 for 400, 400 for 415)
            frames = [e for e in events[position:] if e.kind in ("exception", "unwind") and e.exc_id == event.exc_id]
            last = frames[-1]
            func = functions.get(last.func)
            # Caught in the view, or in a fixture function the error left
            # a view through (a decorator's wrapper, Flask-RESTful's
            # method_decorators).
            through_view = last.func in views or any(e.func in views for e in frames[:-1])
            if not through_view or func is None:
                continue
            handler = _catching_clause(func, last.line, event.exc_mro)
            if handler is None:
                continue
            span = range(handler.lineno, (handler.end_lineno or handler.lineno) + 1)
            later = events[events.index(last) + 1:]
            # It answered from the clause: a return, or another exception
            # raised there (abort(500)).
            if any(e.kind in ("return", "exception") and e.func == last.func and e.line in span for e in later):
                out.setdefault(
                    (last.func[0], handler.lineno),
                    f"{probe.method} {probe.url}: {event.exc_type} ({code}) raised on line {event.line}, "
                    f"caught here, client got {probe.status}",
                )
    return out


def _http_code(text: str) -> Optional[int]:
    match = re.match(r"(\d{3}) ", text)
    return int(match.group(1)) if match else None


def _catching_clause(func: ast.AST, line: int, mro: Tuple[str, ...]) -> Optional[ast.ExceptHandler]:
    """The except clause Python picked for an exception that went through
    ``line``: innermost ``try`` first, clauses in order, classes matched by
    name against the exception's MRO."""
    tries = [
        node for node in ast.walk(func)
        if isinstance(node, ast.Try) and node.body
        and node.body[0].lineno <= line <= (node.body[-1].end_lineno or node.body[-1].lineno)
    ]
    tries.sort(key=lambda node: node.body[0].lineno, reverse=True)
    for node in tries:
        for handler in node.handlers:
            kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
            for kind in kinds:
                if kind is None or ast.unparse(kind).rpartition(".")[2] in mro:
                    return handler
    return None
