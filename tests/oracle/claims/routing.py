"""Claims of the routing and blueprints (FLK3xx) family.

Registration rules are tied to the fixture line Flask received each
registration from (``Loaded.url_rules``: a blueprint's rules keep their own
route line, though Flask adds them when the blueprint is registered;
``Loaded.blueprint_regs``: a nested ``parent.register_blueprint(child)``
keeps its own line, though it runs when the parent is registered). A
registration error counts only when it escaped (it is among the statement
errors of the load), not when the code catches it on purpose.

Request rules (FLK305, FLK306, FLK308) read the probes: the rule each
request matched, the view it reached, the status and the exception.
FLK301 and FLK302 are structural (see ``claims.STRUCTURAL``).
"""

from __future__ import annotations

import ast
import builtins
import difflib
import json
import re
import urllib.parse
from typing import Any, Dict, Iterable, Iterator, List, Optional, Set, Tuple

import flask
from runtime import Probe, Run, UrlRuleCall, _code_of
from werkzeug.exceptions import HTTPException

from .base import Claim, Observed, registrar

CLAIMS: Dict[str, Claim] = {}
claim = registrar(CLAIMS)

Key = Tuple[str, int]
HTTP_METHODS = ("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT")
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_VARIABLE = re.compile(r"<(?:([a-zA-Z_]\w*)(\(.*?\))?:)?[a-zA-Z_]\w*>")


def _escaped(run: Run, error: Optional[Tuple[str, str, Tuple[str, ...]]]) -> bool:
    """Whether a registration error reached the top of a statement (the
    import, or the factory the server calls) instead of being caught."""
    if error is None:
        return False
    return any(e.exc_type == error[0] and e.exc_text == error[1] for e in run.loaded.errors)


def _shape(rule: str) -> str:
    """A rule with its variable names dropped (``<x>`` and ``<string:y>`` alike)."""

    def repl(match: re.Match[str]) -> str:
        conv = match.group(1) or "default"
        return f"<{'default' if conv == 'string' else conv}{match.group(2) or ''}>"

    return _VARIABLE.sub(repl, rule)


def _fixture_func(run: Run, func: Any) -> Optional[Key]:
    """(file, def line) of the fixture function behind a view, through
    ``functools.wraps`` wrappers."""
    seen = 0
    while func is not None and seen < 10:
        code = _code_of(func)
        inner = getattr(func, "__wrapped__", None)
        if inner is None and code is not None and code.co_filename in run.recorder.files:
            return run.recorder.func_key(code)
        if inner is None:
            return None
        func = inner
        seen += 1
    return None


def _unwrapped(func: Any) -> Any:
    for _ in range(10):
        inner = getattr(func, "__wrapped__", None)
        if inner is None:
            return func
        func = inner
    return func


def _match(run: Run, probe: Probe) -> Optional[Tuple[Any, str]]:
    """(the werkzeug Rule, endpoint) the probe's request matched, if any."""
    app = run.loaded.apps[probe.app]
    parts = urllib.parse.urlsplit(probe.url)
    adapter = app.url_map.bind("localhost", url_scheme="http")
    try:
        rule, _args = adapter.match(parts.path, method=probe.method, return_rule=True, query_args=parts.query)
    except HTTPException:
        return None
    except Exception:
        return None
    return rule, rule.endpoint


def _good_rules(run: Run) -> Iterator[UrlRuleCall]:
    for record in run.loaded.url_rules:
        if record.error is None and record.line is not None and record.endpoint is not None:
            yield record


# ------------------------------------------------------------------ FLK303


@claim("FLK303")
def unregistered_blueprint(run: Run) -> Observed:
    """A Blueprint created on the line is in no app's ``blueprints`` (it was
    never registered, directly or nested) and none of its rules reached an
    app's url_map: every blueprint made on that line, when several were."""
    if not run.loaded.apps:
        return {}  # nothing ran what a server runs (the app factory): no registration to observe
    registered = {id(bp) for app in run.loaded.apps for bp in app.blueprints.values()}
    with_rules = {id(r.blueprint) for r in run.loaded.url_rules if r.blueprint is not None}
    verdict: Dict[Key, Optional[str]] = {}
    for bp in run.loaded.blueprints:
        line = run.loaded.blueprint_lines.get(id(bp))
        if line is None:
            continue
        if id(bp) in registered or id(bp) in with_rules:
            verdict[line] = None
        elif line not in verdict:
            verdict[line] = f"blueprint {bp.name!r} is registered on none of the {len(run.loaded.apps)} app(s)"
    return {line: why for line, why in verdict.items() if why is not None}


# ------------------------------------------------------------------ FLK304


@claim("FLK304")
def duplicate_endpoint(run: Run) -> Observed:
    """Adding the rule raised Flask's 'View function mapping is overwriting
    an existing endpoint function' AssertionError, and nothing caught it."""
    out: Observed = {}
    for record in run.loaded.url_rules:
        error = record.error
        if record.line is None or error is None or error[0] != "AssertionError":
            continue
        if "overwriting an existing endpoint function" in error[1] and _escaped(run, error):
            out.setdefault(record.line, f"AssertionError: {error[1]}")
    return out


# ------------------------------------------------------------------ FLK305


@claim("FLK305")
def duplicate_route(run: Run) -> Observed:
    """A request built from this registration's rule, with one of its
    methods, was matched by another registration of the same rule (same
    path, same converters) and reached another view."""
    out: Observed = {}
    records: Dict[Tuple[int, str, str], List[UrlRuleCall]] = {}
    for record in _good_rules(run):
        assert record.endpoint is not None
        records.setdefault((id(record.app), record.rule, record.endpoint), []).append(record)
    for probe in run.probes:
        if probe.kind != "route" or probe.endpoint is None or probe.rule is None:
            continue
        app = run.loaded.apps[probe.app]
        mine = records.get((id(app), probe.rule, probe.endpoint))
        matched = _match(run, probe)
        if not mine or matched is None:
            continue
        rule, endpoint = matched
        if endpoint == probe.endpoint or _shape(rule.rule) != _shape(probe.rule):
            continue
        if app.view_functions.get(endpoint) is app.view_functions.get(probe.endpoint):
            continue  # the same view under two endpoints
        for record in mine:
            assert record.line is not None
            out.setdefault(record.line, f"{probe.method} {probe.url} went to {endpoint!r}, not {probe.endpoint!r}")
    return out


# ------------------------------------------------------------------ FLK306

_ARGUMENT_ERROR = re.compile(r"^(?P<func>[\w.<>]+)\(\) (got an unexpected keyword argument|missing \d+ required)")


@claim("FLK306")
def url_variables_mismatch(run: Run) -> Observed:
    """A request matching the registration's rule failed with a 500 and the
    TypeError Python raises when the view is called with keyword arguments
    it cannot take (or without one it requires)."""
    out: Observed = {}
    records: Dict[Tuple[int, str, str], List[UrlRuleCall]] = {}
    for record in _good_rules(run):
        assert record.endpoint is not None
        records.setdefault((id(record.app), record.rule, record.endpoint), []).append(record)
    for probe in run.probes:
        if probe.kind not in ("route", "hint") or probe.status != 500 or probe.request_exc is None:
            continue
        name, text, _mro = probe.request_exc
        found = _ARGUMENT_ERROR.match(text)
        if name != "TypeError" or found is None:
            continue
        matched = _match(run, probe)
        if matched is None:
            continue
        rule, endpoint = matched
        app = run.loaded.apps[probe.app]
        registered = app.view_functions.get(endpoint)
        view = _unwrapped(registered)
        if not _raised_by_view(found.group("func"), view, _view_class(registered)):
            continue  # a TypeError from some other call
        for record in records.get((id(app), rule.rule, endpoint), ()):
            assert record.line is not None
            out.setdefault(record.line, f"{probe.method} {probe.url}: 500, TypeError: {text}")
    return out


def _view_class(func: Any) -> Any:
    """``view_class`` as as_view sets it: on the outermost function, above
    the class's ``decorators`` (which ``_unwrapped`` goes under)."""
    for _ in range(10):
        if func is None or hasattr(func, "view_class"):
            return getattr(func, "view_class", None)
        func = getattr(func, "__wrapped__", None)
    return None


def _raised_by_view(func: str, view: Any, view_class: Any) -> bool:
    """Whether ``func`` (as a TypeError names it) is the view function, or a
    handler of the class-based view behind it (``Parts.get``: as_view's
    view_class, a Flask-RESTful or RESTX Resource), called by its dispatch."""
    if func.rsplit(".", 1)[-1] == getattr(view, "__name__", None):
        return True
    view_class = view_class if view_class is not None else getattr(view, "view_class", None)
    owner, _, method = func.rpartition(".")
    if view_class is None or not owner:
        return False
    return any(
        klass.__qualname__ == owner and method in vars(klass) for klass in getattr(view_class, "__mro__", ())
    )


# ------------------------------------------------------------------ FLK307

_REGISTRATION_TYPE_ERRORS = (
    "Allowed methods must be a list of strings",
    "unexpected keyword argument 'method'",
    "Use the 'route' decorator to use the 'methods' argument",
)


@claim("FLK307")
def invalid_methods(run: Run) -> Observed:
    """Either registering the route raised TypeError about its methods (a
    string, ``method=``, ``methods=`` on a shortcut) and nothing caught it;
    or a method name that is not HTTP's was accepted, and a request with the
    method it resembles got 405: tied to that name's own line."""
    out: Observed = {}
    for record in run.loaded.url_rules:
        error = record.error
        if record.line is not None and error is not None and error[0] == "TypeError" and _escaped(run, error):
            if any(text in error[1] for text in _REGISTRATION_TYPE_ERRORS):
                out.setdefault(record.line, f"TypeError: {error[1]}")
    for error in run.loaded.errors:
        if error.exc_type == "TypeError" and _REGISTRATION_TYPE_ERRORS[2] in error.exc_text:
            out.setdefault((error.file, error.line), f"TypeError: {error.exc_text}")
    for record in _good_rules(run):
        given = record.methods
        if given is None or isinstance(given, str):
            continue
        odd = [m for m in given if isinstance(m, str) and m.upper() not in HTTP_METHODS]
        for name in odd:
            meant = difflib.get_close_matches(name.upper(), HTTP_METHODS, n=1)
            refused = [
                p for p in run.probes
                if run.loaded.apps[p.app] is record.app and p.status == 405
                and p.method not in {m.upper() for m in given} and (not meant or p.method == meant[0])
                and _url_of(record, p.url)
            ]
            if not refused:
                continue
            assert record.line is not None
            line = (record.line[0], _literal_line(run, record.line, name) or record.line[1])
            out.setdefault(line, f"{name!r} accepted; {refused[0].method} {refused[0].url} got 405")
    return out


def _url_of(record: UrlRuleCall, url: str) -> bool:
    """Whether ``url`` is one of the URLs of the registration's rule."""
    path = urllib.parse.urlsplit(url).path
    adapter = record.app.url_map.bind("localhost")
    for rule in record.app.url_map.iter_rules():
        if rule.rule != record.rule or rule.endpoint != record.endpoint:
            continue
        for method in sorted(rule.methods or ()):
            try:
                found, _args = adapter.match(path, method=method, return_rule=True)
            except Exception:
                continue
            if found is rule:
                return True
    return False


def _literal_line(run: Run, where: Key, text: str) -> Optional[int]:
    """The line of the string ``text`` inside the call starting on ``where``."""
    tree = run.loaded.trees.get(where[0])
    if tree is None:
        return None
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.lineno == where[1]:
            for inner in ast.walk(node):
                if isinstance(inner, ast.Constant) and inner.value == text:
                    return inner.lineno
    return None


# ------------------------------------------------------------------ FLK308


def _views(run: Run) -> Dict[Key, Tuple[Any, Set[str], Set[Tuple[int, str]]]]:
    """Fixture view functions: (the function, every method any of its
    rules accepts in any app, (app index, endpoint) of its rules)."""
    out: Dict[Key, Tuple[Any, Set[str], Set[Tuple[int, str]]]] = {}
    for number, app in enumerate(run.loaded.apps):
        for rule in app.url_map.iter_rules():
            func = app.view_functions.get(rule.endpoint)
            key = _fixture_func(run, func)
            if key is None:
                continue
            entry = out.setdefault(key, (_unwrapped(func), set(), set()))
            entry[1].update(rule.methods or ())
            entry[2].add((number, rule.endpoint))
    return out


def _is_request(func: Any, node: ast.AST) -> bool:
    """``node`` is a module-level name bound to flask.request in the view's module."""
    if not isinstance(node, ast.Name):
        return False
    code = getattr(func, "__code__", None)
    if code is not None and node.id in code.co_varnames + code.co_cellvars + code.co_freevars:
        return False
    return getattr(func, "__globals__", {}).get(node.id) is flask.request


def _own_nodes(func_node: ast.AST) -> Iterator[Tuple[ast.AST, Optional[ast.AST]]]:
    """(node, parent) in a function body, not entering nested scopes."""
    stack: List[Tuple[ast.AST, Optional[ast.AST]]] = [(c, func_node) for c in ast.iter_child_nodes(func_node)]
    while stack:
        node, parent = stack.pop()
        yield node, parent
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        stack.extend((c, node) for c in ast.iter_child_nodes(node))


def _tested(func: Any, node: ast.Compare) -> Optional[List[str]]:
    if len(node.ops) != 1:
        return None
    sides = [node.left, node.comparators[0]]
    for this, other in (sides, sides[::-1]):
        if isinstance(this, ast.Attribute) and this.attr == "method" and _is_request(func, this.value):
            values = other.elts if isinstance(other, (ast.Tuple, ast.List, ast.Set)) else [other]
            if all(isinstance(v, ast.Constant) and isinstance(v.value, str) for v in values):
                return [v.value.upper() for v in values]  # type: ignore[attr-defined]
    return None


def _handed_over(func: Any, node: ast.AST, parents: Dict[int, ast.AST]) -> bool:
    """``Form(request.form)``, ``Handler(form_data=request.form if ... else None)``:
    the view hands the mapping itself to a call and reads no field of it
    (a form renders empty on GET; a constructor may only keep it). A call
    that reads every field (a builtin such as ``dict``/``len``, ``jsonify``,
    ``json.dumps``, ``f(**form)``) is a read."""
    child, parent = node, parents.get(id(node))
    while (
        (isinstance(parent, ast.IfExp) and child is not parent.test)
        or isinstance(parent, ast.BoolOp)
        or (isinstance(parent, ast.keyword) and parent.arg is not None)
    ):
        child, parent = parent, parents.get(id(parent))
    if not isinstance(parent, ast.Call) or child is parent.func:
        return False
    callee = parent.func
    names = getattr(func, "__globals__", {})
    if isinstance(callee, ast.Name):
        target = names.get(callee.id, getattr(builtins, callee.id, None))
        if target is getattr(builtins, callee.id, object()):
            return callee.id in ("isinstance", "id", "type", "callable")
        if target in (flask.jsonify, json.dumps):
            return False
    elif isinstance(callee, ast.Attribute) and callee.attr in ("jsonify", "dumps"):
        return False
    return True


def _alias_unread(func: Any, node: ast.AST, func_node: ast.AST, parents: Dict[int, ast.AST]) -> bool:
    """``data = request.form`` where every use of ``data`` in the view hands
    it to a call (see :func:`_handed_over`): no field is read."""
    parent = parents.get(id(node))
    target = None
    if isinstance(parent, ast.Assign) and len(parent.targets) == 1 and parent.value is node:
        target = parent.targets[0]
    elif isinstance(parent, (ast.AnnAssign, ast.NamedExpr)) and parent.value is node:
        target = parent.target
    if not isinstance(target, ast.Name):
        return False
    uses = [
        n for n, _p in _own_nodes(func_node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load) and n.id == target.id
    ]
    return all(_handed_over(func, use, parents) for use in uses)


def _refused(run: Run, endpoints: Set[Tuple[int, str]], methods: Iterable[str]) -> Optional[List[Probe]]:
    """The requests with one of ``methods`` to the view's rules, if there
    were some and every one of them got 405."""
    wanted = set(methods)
    sent = [p for p in run.probes if (p.app, p.endpoint) in endpoints and p.method in wanted and p.kind != "hint"]
    if not sent or any(p.status != 405 for p in sent):
        return None
    return sent


@claim("FLK308")
def body_on_get_only_route(run: Run) -> Observed:
    """A view every rule of which accepts only GET/HEAD/OPTIONS: a test of
    ``request.method`` against other methods, or a read of ``request.form`` /
    ``request.files``, where every request with those methods (POST for the
    body) got 405; or a JSON read that raised 415 (400 with ``force=True``)
    at that line in a request that reached the view."""
    out: Observed = {}
    functions = run.functions()
    for key, (func, accepted, endpoints) in _views(run).items():
        node = functions.get(key)
        if node is None or not accepted or accepted - SAFE_METHODS:
            continue
        parents: Dict[int, ast.AST] = {}
        nodes = list(_own_nodes(node))
        for child, parent in nodes:
            if parent is not None:
                parents[id(child)] = parent
        for child, _parent in nodes:
            if isinstance(child, ast.Compare):
                tested = _tested(func, child)
                if tested and not set(tested) & accepted:
                    refused = _refused(run, endpoints, tested)
                    if refused:
                        out.setdefault((key[0], child.lineno), f"{refused[0].method} {refused[0].url}: 405")
            elif isinstance(child, ast.Attribute) and child.attr in ("form", "files") and _is_request(func, child.value):
                if _handed_over(func, child, parents) or _alias_unread(func, child, node, parents):
                    continue
                refused = _refused(run, endpoints, ["POST"])
                if refused:
                    out.setdefault((key[0], child.lineno), f"POST {refused[0].url}: 405, so request.{child.attr} is empty")
        for event in run.events("exception"):
            if event.func != key or event.probe < 0:
                continue
            probe = run.probes[event.probe]
            expected = {"UnsupportedMediaType": 415, "BadRequest": 400}.get(event.exc_type)
            if expected is None or probe.status != expected or probe.method not in SAFE_METHODS:
                continue
            if _json_read_at(func, node, event.line):
                out.setdefault((key[0], event.line), f"{probe.method} {probe.url}: {probe.status} ({event.exc_type})")
    return out


def _json_read_at(func: Any, node: ast.AST, line: int) -> bool:
    for child, _parent in _own_nodes(node):
        if getattr(child, "lineno", None) != line:
            continue
        if isinstance(child, ast.Attribute) and child.attr in ("json", "get_json") and _is_request(func, child.value):
            return True
    return False


# ------------------------------------------------------------------ FLK309


@claim("FLK309")
def blueprint_name_collision(run: Run) -> Observed:
    """Registering the blueprint raised Flask's ValueError 'The name ... is
    already registered', and nothing caught it: tied to the
    ``register_blueprint`` call (a nested one's own line)."""
    out: Observed = {}
    for record in run.loaded.blueprint_regs:
        error = record.error
        if record.line is None or error is None or error[0] != "ValueError":
            continue
        if "is already registered" in error[1] and _escaped(run, error):
            out.setdefault(record.line, f"ValueError: {error[1]}")
    return out
