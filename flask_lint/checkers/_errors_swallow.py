"""FLK209 facts: a view's ``try`` whose body can raise an HTTPException
(``abort(404)``, ``get_or_404``, ``request.get_json()``'s 415, a project
helper that aborts) and whose ``except Exception`` (or bare ``except``)
answers with a status of its own, so the client never sees the HTTP error's.

What a project function aborts with (:func:`aborted_codes`) is kept by the
``errors`` summary extension, so that a helper of another module counts."""

from __future__ import annotations

import ast
from dataclasses import dataclass, replace
from typing import Callable, Dict, FrozenSet, Iterator, List, Optional, Set, Tuple

from ..model import FlaskModel, FunctionInfo, Scope, child_nodes
from ..names import WERKZEUG_ERROR_CODES, werkzeug_exception_code
from ._errors_functions import FunctionFacts

# abort() and the extensions' versions of it: each raises the HTTPException
# of its first argument.
ABORTS = frozenset({"flask.abort", "flask_restful.abort", "flask_restx.abort", "flask_restplus.abort"})
GET_JSON = "flask.request.get_json"
REQUEST_JSON = "flask.request.json"
# How a JSON read's failure is named: 415 unguarded, 400 behind a content-type test.
NOT_JSON = "on a non-JSON request"
MALFORMED_JSON = "on a malformed JSON body"
# Flask-SQLAlchemy's query and session helpers: a 404 when nothing matches.
OR_404_METHODS = frozenset({"get_or_404", "first_or_404", "one_or_404"})
# request.args["k"] and the like raise BadRequestKeyError (a KeyError too): 400.
_KEYED_REQUEST_DATA = frozenset(
    {"flask.request.args", "flask.request.form", "flask.request.values", "flask.request.files"}
)
_CATCH_ALL = frozenset({"builtins.Exception", "builtins.BaseException"})
# Builtin classes an HTTPException is also an instance of (BadRequestKeyError).
_KEY_ERROR_BASES = frozenset({"builtins.KeyError", "builtins.LookupError"})
# What may use the caught error without letting its status through.
_TEXT_CALLS = frozenset({"builtins.str", "builtins.repr", "builtins.print", "builtins.type"})
_LOG_METHODS = frozenset({"exception", "error", "warning", "warn", "info", "debug", "critical", "log", "format"})

HelperCodes = Callable[[ast.Call], Optional[FrozenSet[int]]]
# The dotted name of the class an except clause names (None: not a class it knows).
ClassOf = Callable[[ast.expr], Optional[str]]


@dataclass(frozen=True)
class Raiser:
    node: ast.AST
    what: str  # how the message names it
    codes: FrozenSet[int]  # the statuses it raises
    keyed: bool = False  # a BadRequestKeyError, which ``except KeyError`` also catches
    json: bool = False  # depends on the request's content type


@dataclass(frozen=True)
class Swallow:
    handler: ast.ExceptHandler
    raiser: Raiser
    status: int


def _own_nodes(body: List[ast.stmt], skip_tries: bool) -> Iterator[ast.AST]:
    """The nodes of ``body``, not entering nested functions, classes and
    lambdas, nor (with ``skip_tries``) a nested ``try`` that has handlers
    (it catches first, and is judged on its own)."""
    stack: List[ast.AST] = list(reversed(body))
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        if skip_tries and isinstance(node, ast.Try) and node.handlers:
            continue
        yield node
        stack.extend(reversed(list(child_nodes(node))))


def _literal_code(call: ast.Call) -> Optional[int]:
    code = call.args[0] if call.args else None
    if isinstance(code, ast.Constant) and type(code.value) is int and code.value in WERKZEUG_ERROR_CODES:
        return int(code.value)
    return None


def raisers(model: FlaskModel, body: List[ast.stmt], helper: Optional[HelperCodes] = None) -> List[Raiser]:
    """The statements of ``body`` that certainly raise an HTTPException on
    some request, with its status."""
    found: List[Raiser] = []
    for node in _own_nodes(body, skip_tries=True):
        if isinstance(node, ast.Raise) and node.exc is not None:
            target = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
            code = werkzeug_exception_code(model.qualname(target))
            if code is not None and code in WERKZEUG_ERROR_CODES:
                found.append(Raiser(node, f"raise {ast.unparse(target)}", frozenset({code})))
        elif isinstance(node, ast.Attribute) and node.attr == "json" and isinstance(node.ctx, ast.Load):
            if model.qualname(node) == REQUEST_JSON:
                # the property is get_json(): 415 for another content type
                found.append(Raiser(node, f"request.json ({NOT_JSON})", frozenset({415}), json=True))
        elif isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load):
            if model.qualname(node.value) in _KEYED_REQUEST_DATA:
                text = ast.unparse(node)
                found.append(Raiser(node, f"{text} (a missing key)", frozenset({400}), keyed=True))
        elif isinstance(node, ast.Call):
            qual = model.call_qualname(node)
            if qual in ABORTS:
                code = _literal_code(node)
                if code is not None:
                    found.append(Raiser(node, f"abort({code})", frozenset({code})))
            elif qual == GET_JSON:
                if not any(k.arg in ("silent", "force") or k.arg is None for k in node.keywords) and not node.args:
                    # 415 for another content type (400 for a malformed body)
                    found.append(Raiser(node, f"request.get_json() ({NOT_JSON})", frozenset({415}), json=True))
            elif isinstance(node.func, ast.Attribute) and node.func.attr in OR_404_METHODS:
                found.append(Raiser(node, f"{node.func.attr}()", frozenset({404})))
            elif helper is not None:
                codes = helper(node)
                if codes:
                    name = ast.unparse(node.func)
                    found.append(Raiser(node, f"{name}() (it aborts)", codes))
    return found


def aborting_scopes(model: FlaskModel) -> Set[int]:
    """Ids of the scopes that call ``abort``, a ``*_or_404`` method or a
    Werkzeug HTTP exception class: the only functions
    :func:`aborted_codes` needs to read."""
    out: Set[int] = set()
    for call, scope, _in_loop in model.calls:
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr in OR_404_METHODS:
            out.add(id(scope))
            continue
        qual = model.call_qualname(call)
        if qual in ABORTS or werkzeug_exception_code(qual) is not None:
            out.add(id(scope))
    return out


def aborted_codes(model: FlaskModel, info: FunctionInfo) -> List[int]:
    """The statuses a project function aborts with directly: ``abort(404)``
    or ``raise NotFound()`` outside any ``try`` of its own (the helpers
    that look a record up or check a permission)."""
    codes: Set[int] = set()
    for raiser in raisers(model, info.node.body):
        if not raiser.keyed and not raiser.json:
            codes |= raiser.codes
    return sorted(codes)


def _kinds(handler: ast.ExceptHandler) -> List[Optional[ast.expr]]:
    if isinstance(handler.type, ast.Tuple):
        return list(handler.type.elts)
    return [handler.type]


def _catches_all(model: FlaskModel, handler: ast.ExceptHandler) -> bool:
    return any(kind is None or model.qualname(kind) in _CATCH_ALL for kind in _kinds(handler))


def _may_catch_http(handler: ast.ExceptHandler, class_of: ClassOf) -> str:
    """"no", "keyed" (a KeyError, which a BadRequestKeyError is too) or
    "yes" (an HTTPException class, or what the rule cannot name as a class)
    for a handler before the catch-all."""
    verdict = "no"
    for kind in _kinds(handler):
        dotted = class_of(kind) if kind is not None else None
        if dotted is None or dotted in _CATCH_ALL or dotted.startswith("werkzeug."):
            return "yes"
        if dotted in _KEY_ERROR_BASES:
            verdict = "keyed"
        # Any other class (builtin, third-party, the project's own) is no
        # base of Werkzeug's exceptions.
    return verdict


def _only_as_text(model: FlaskModel, handler: ast.ExceptHandler) -> bool:
    """The caught error is used, if at all, as text (logged, formatted,
    ``str(e)``): its status cannot get through."""
    name = handler.name
    if name is None:
        return True
    parents: Dict[int, ast.AST] = {}
    for node in _own_nodes(handler.body, skip_tries=False):
        for child in child_nodes(node):
            parents[id(child)] = node
    for node in _own_nodes(handler.body, skip_tries=False):
        if not (isinstance(node, ast.Name) and node.id == name):
            continue
        if isinstance(node.ctx, ast.Store):
            return False
        parent = parents.get(id(node))
        if isinstance(parent, ast.FormattedValue):
            continue
        if isinstance(parent, ast.Call) and node in parent.args:
            func = parent.func
            if model.qualname(func) in _TEXT_CALLS:
                continue
            if isinstance(func, ast.Attribute) and func.attr in _LOG_METHODS:
                continue
        return False
    return True


def _ends(stmt: ast.stmt, model: FlaskModel) -> bool:
    if isinstance(stmt, ast.Return):
        return stmt.value is not None
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
        return model.call_qualname(stmt.value) in ABORTS
    return False


def handler_statuses(model: FlaskModel, info: FunctionInfo, handler: ast.ExceptHandler) -> Optional[Set[int]]:
    """Every status the handler answers with, when each of its exits is a
    ``return`` with a literal status (or a bare body: 200) or an
    ``abort(<code>)``, and it ends in one; None otherwise."""
    if not handler.body or not _ends(handler.body[-1], model):
        return None
    facts = FunctionFacts(model, info)
    statuses: Set[int] = set()
    for node in _own_nodes(handler.body, skip_tries=False):
        if isinstance(node, (ast.Raise, ast.Yield, ast.YieldFrom, ast.Try)):
            return None  # re-raised (maybe), or a generator, or a try of its own
        if isinstance(node, ast.Return):
            value = node.value
            if value is None:
                return None
            if isinstance(value, ast.Call) and model.call_qualname(value) in ABORTS:
                continue  # ``return abort(500)``: the call below is its status
            if isinstance(value, ast.Tuple) and len(value.elts) >= 2:
                status = value.elts[1]
                if not (isinstance(status, ast.Constant) and type(status.value) is int):
                    return None
                statuses.add(int(status.value))
            elif facts.response_status(value)[0] == "bare":
                statuses.add(200)
            else:
                return None
        elif isinstance(node, ast.Call) and model.call_qualname(node) in ABORTS:
            code = _literal_code(node)
            if code is None:
                return None
            statuses.add(code)
    return statuses or None


def swallowed(
    model: FlaskModel,
    info: FunctionInfo,
    class_of: ClassOf,
    helper: Optional[HelperCodes] = None,
    json_read: Optional[FrozenSet[int]] = frozenset({415}),
) -> List[Swallow]:
    """The catch-all handlers of the view's ``try`` statements that turn an
    HTTP error of their body into another status (one per handler).
    ``json_read``: what a JSON read raises on a request that is not JSON
    (:func:`versions.non_json_statuses`; empty: it returns None), or None
    when an extension read and validated the body before the view ran."""
    out: List[Swallow] = []
    for node in _own_nodes(info.node.body, skip_tries=False):
        if not isinstance(node, ast.Try) or not node.handlers:
            continue
        caught = _catch_all(model, node, class_of)
        if caught is None:
            continue
        handler, keyed_caught = caught
        statuses = _answered(model, info, handler)
        if statuses is None:
            continue
        found = _first_swallowed(statuses, view_raisers(model, info, node.body, helper, json_read), keyed_caught)
        if found is not None:
            out.append(Swallow(handler, found, min(statuses)))
    return out


def _catch_all(model: FlaskModel, stmt: ast.Try, class_of: ClassOf) -> Optional[Tuple[ast.ExceptHandler, bool]]:
    """The ``try``'s catch-all clause, when no clause before it may catch an
    HTTPException, and whether one before it catches a KeyError."""
    keyed_caught = False
    for handler in stmt.handlers:
        if _catches_all(model, handler):
            return handler, keyed_caught
        verdict = _may_catch_http(handler, class_of)
        if verdict == "yes":
            return None
        keyed_caught = keyed_caught or verdict == "keyed"
    return None


def _answered(model: FlaskModel, info: FunctionInfo, handler: ast.ExceptHandler) -> Optional[Set[int]]:
    """The statuses a catch-all answers with, when the caught error's own
    status cannot get through."""
    if not _only_as_text(model, handler):
        return None
    return handler_statuses(model, info, handler)


def view_raisers(
    model: FlaskModel,
    info: FunctionInfo,
    body: List[ast.stmt],
    helper: Optional[HelperCodes],
    json_read: Optional[FrozenSet[int]] = frozenset({415}),
) -> List[Raiser]:
    """:func:`raisers` of a view's statements, a JSON read behind the view's
    content-type test (or on a Werkzeug that returns None for another content
    type) counted as the 400 of a malformed body; ``json_read`` as for
    :func:`swallowed`."""
    found = raisers(model, body, helper)
    if json_read is None:  # the body was read and validated before the view ran
        found = [r for r in found if not r.json]
    elif any(raiser.json for raiser in found):
        typed = model.guarded_by(info.node, model.tests_content_type) if json_read else set()
        found = [
            (
                replace(r, what=r.what.replace(NOT_JSON, MALFORMED_JSON), codes=frozenset({400}))
                if not json_read or id(r.node) in typed
                else replace(r, codes=json_read)
            )
            if r.json
            else r
            for r in found
        ]
    return [r for r in found if not (r.keyed and _key_tested(model, info, r.node))]


def _key_tested(model: FlaskModel, info: FunctionInfo, node: ast.AST) -> bool:
    """``request.files["file"]`` that runs only as a test of that very key
    decides (``if "file" not in request.files: return ..., 400`` before it):
    the key is there, the lookup cannot raise."""
    if not isinstance(node, ast.Subscript) or not isinstance(node.slice, ast.Constant):
        return False
    key, mapping = node.slice.value, model.qualname(node.value)

    def tests_key(test: ast.expr) -> bool:
        return any(
            isinstance(inner, ast.Compare)
            and len(inner.ops) == 1
            and isinstance(inner.ops[0], (ast.In, ast.NotIn))
            and isinstance(inner.left, ast.Constant)
            and inner.left.value == key
            and model.qualname(inner.comparators[0]) == mapping
            for inner in ast.walk(test)
        )

    return id(node) in model.guarded_by(info.node, tests_key)


def _first_swallowed(statuses: Set[int], found: List[Raiser], keyed_caught: bool) -> Optional[Raiser]:
    kinds = {status // 100 for status in statuses}
    for raiser in found:
        if raiser.keyed and keyed_caught:
            continue
        # Another status of the same class (a 401 for a missing key, a 400
        # for a body that is not JSON) keeps the answer a client error.
        if not kinds & {code // 100 for code in raiser.codes}:
            return raiser
    return None


@dataclass(frozen=True)
class GuardDecorator:
    """A decorator whose wrapper calls the decorated view inside a ``try``
    whose catch-all answers a status of its own."""

    handler: ast.ExceptHandler
    statuses: FrozenSet[int]
    keyed_caught: bool


def guard_decorator(model: FlaskModel, info: FunctionInfo, class_of: ClassOf) -> Optional[GuardDecorator]:
    """``def deco(func)`` returning a nested ``def wrapper(*args, **kwargs)``
    that calls ``func(...)`` in a ``try`` whose catch-all answers its own
    status: every HTTP error the decorated view raises gets that status."""
    node = info.node
    params = node.args.posonlyargs + node.args.args
    if len(params) != 1 or node.args.vararg or node.args.kwarg or len(info.returns) != 1:
        return None
    returned = info.returns[0].value
    if not isinstance(returned, ast.Name):
        return None
    wrapped = params[0].arg
    for inner in node.body:
        if not (isinstance(inner, (ast.FunctionDef, ast.AsyncFunctionDef)) and inner.name == returned.id):
            continue
        inner_info = model.function_info(inner)
        if inner_info is None:
            return None
        for stmt in _own_nodes(inner.body, skip_tries=False):
            if not (isinstance(stmt, ast.Try) and _calls_param(model, stmt.body, wrapped, info.scope)):
                continue
            caught = _catch_all(model, stmt, class_of)
            statuses = _answered(model, inner_info, caught[0]) if caught is not None else None
            if caught is not None and statuses is not None:
                return GuardDecorator(caught[0], frozenset(statuses), caught[1])
    return None


def _calls_param(model: FlaskModel, body: List[ast.stmt], param: str, scope: Scope) -> bool:
    """``body`` calls the decorator's parameter (the decorated view) outside
    any ``try`` of its own."""
    for node in _own_nodes(body, skip_tries=True):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == param:
            found = model.lookup(param, model.scope_of(node))
            if found is not None and found[0] is scope:
                return True
    return False


def guard_swallows(
    model: FlaskModel,
    guard: GuardDecorator,
    view: FunctionInfo,
    helper: Optional[HelperCodes],
    json_read: Optional[FrozenSet[int]] = frozenset({415}),
) -> Optional[Raiser]:
    """What the decorated view raises that the guard's catch-all answers
    with a status of another class (``json_read`` as for :func:`swallowed`)."""
    raised = view_raisers(model, view, view.node.body, helper, json_read)
    return _first_swallowed(set(guard.statuses), raised, guard.keyed_caught)


def except_span(handler: ast.ExceptHandler) -> ast.AST:
    """A report location covering the ``except ...:`` line only."""
    end = handler.type.end_col_offset if handler.type is not None else None
    return ast.Pass(
        lineno=handler.lineno,
        col_offset=handler.col_offset,
        end_lineno=handler.lineno,
        end_col_offset=end if end is not None else handler.col_offset + len("except"),
    )


def describe_catch(handler: ast.ExceptHandler) -> str:
    if handler.type is None:
        return "the bare except"
    return f"except {ast.unparse(handler.type)}"


def codes_text(codes: FrozenSet[int]) -> str:
    return "/".join(str(c) for c in sorted(codes))

