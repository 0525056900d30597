"""Routing facts for the FLK3xx rules: what each registration means to Flask.

Two layers:

* :func:`summarise_routing` is the ``"routing"`` summary extension.  For
  every module it records, next to the core summary's ``routes`` and
  ``bp_regs`` (same order, same length):

  - per route: the literal methods (``["GET"]`` by default, the shortcut's
    method, ``None`` when the code does not say), whether ``endpoint=`` is
    absent / literal / computed, what the view is (a def, a name, a lambda,
    ``X.as_view("name")``, another call), the decorators between the route
    decorator and the def, the literal keys of ``defaults=``, the URL
    variables of a literal ``subdomain=`` / ``host=``, and the if/else and
    try/except branches the registration sits in;
  - per blueprint registration: whether ``name=`` / ``url_prefix=`` /
    ``url_defaults=`` / ``subdomain=`` are absent, literal or computed;
  - per object creation: the blueprint name, ``url_prefix``,
    ``url_defaults``, ``subdomain`` and ``static_folder``;
  - per function: its decorators, and for wrappers returned by a decorator
    whether they use ``functools.wraps`` and pass ``*args, **kwargs``
    through untouched;
  - ``url_value_preprocessor`` registrations and code that edits
    ``request.view_args``.

* :class:`RoutingProject` aggregates those facts once per index
  (:func:`routing_project`): the routes acting on each app and blueprint,
  the blueprint registrations, URL-variable contexts from blueprint prefixes,
  endpoint names after decorators, and view identities.

Nothing here guesses: whatever the code does not say is ``None`` and the
rules stay silent on it.
"""

from __future__ import annotations

import ast
import os
import re
from dataclasses import dataclass, field
from typing import Any, Dict, FrozenSet, Iterable, List, Optional, Set, Tuple

from .index import NOTHING, ROOT_MARKERS, Obj, ProjectIndex
from .model import (
    UNKNOWN,
    BlueprintReg,
    Creation,
    FlaskModel,
    FunctionInfo,
    FunctionNode,
    RouteReg,
    Scope,
    Value,
    call_arg,
    child_nodes,
    node_key,
)
from .names import EXTENSION_DECORATORS, ROUTE_SHORTCUTS, VIEW_BASE_CLASSES
from .summary import Extension, Line

EXTENSION = "routing"

ABSENT, LITERAL, DYNAMIC = 0, 1, 2

# Third-party decorators known to pass the view's arguments through unchanged
# (names.EXTENSION_DECORATORS says which and why).
TRANSPARENT_DECORATORS = frozenset(name for name, known in EXTENSION_DECORATORS.items() if known.arguments)

# The methods MethodView (and so Flask-RESTful's and RESTX's Resource) calls
# for a request's verb (flask.views.http_method_funcs).
_HANDLER_VERBS = frozenset({"get", "post", "head", "options", "delete", "put", "trace", "patch"})

_RULE_VAR_RE = re.compile(r"<(?:(?P<conv>[a-zA-Z_][a-zA-Z0-9_]*)(?P<args>\(.*?\))?:)?(?P<var>[a-zA-Z_][a-zA-Z0-9_]*)>")
_KWARGS_MUTATORS = frozenset({"pop", "update", "setdefault", "clear", "popitem", "__setitem__", "__delitem__"})


# --------------------------------------------------------------------------
# Small AST helpers (also used by the checkers)
# --------------------------------------------------------------------------


def rule_variables(rule: Optional[str]) -> Optional[Set[str]]:
    """The variable names of a Werkzeug rule string (None if malformed)."""
    if rule is None:
        return None
    found = {match.group("var") for match in _RULE_VAR_RE.finditer(rule)}
    rest = _RULE_VAR_RE.sub("", rule)
    if "<" in rest or ">" in rest:
        return None  # malformed: Werkzeug raises at registration, not our rule
    return found


def normalise_rule(rule: str) -> str:
    """The rule with variable names dropped, ``<x>`` and ``<string:x>`` alike."""

    def repl(match: re.Match[str]) -> str:
        conv = match.group("conv") or "default"
        if conv == "string":
            conv = "default"
        return f"<{conv}{match.group('args') or ''}>"

    return _RULE_VAR_RE.sub(repl, rule)


def rule_may_match(pattern: str, rule: str) -> bool:
    """Whether Werkzeug may match a URL of ``rule`` with ``pattern`` too:
    the static text of ``pattern`` has to match the static text of
    ``rule``; its variables match any text (``path`` slashes too, ``int``
    and ``float`` digits); a variable of ``rule`` is covered only by a
    variable of ``pattern``.  In doubt (a malformed rule) it may."""
    if rule_variables(pattern) is None or rule_variables(rule) is None:
        return True
    parts: List[str] = []
    last = 0
    for match in _RULE_VAR_RE.finditer(pattern):
        parts.append(re.escape(pattern[last : match.start()]))
        conv = match.group("conv") or "default"
        if conv == "path":
            parts.append("[^/].*?")
        elif conv == "int":
            parts.append("(?:\\d+|\\x00)")
        elif conv == "float":
            parts.append("(?:\\d+\\.\\d+|\\x00)")
        else:
            parts.append("[^/]+")
        last = match.end()
    parts.append(re.escape(pattern[last:]))
    sample = _RULE_VAR_RE.sub("\x00", rule)  # one stand-in per variable of rule
    return re.fullmatch("".join(parts), sample, re.S) is not None


def is_catch_all(rule: Optional[str]) -> bool:
    """``/<path:page>``: a rule made only of ``path`` variables, which
    matches every URL under the prefix it is registered with."""
    if rule is None:
        return False
    found = False
    for match in _RULE_VAR_RE.finditer(rule):
        if match.group("conv") != "path":
            return False
        found = True
    return found and not _RULE_VAR_RE.sub("", rule).strip("/")


# Werkzeug's converters that never match a slash; any other one (``path``,
# or a project's own, often a PathConverter subclass) may match every URL.
ONE_SEGMENT_CONVERTERS = frozenset({"default", "string", "int", "float", "uuid", "any"})


def ends_in_catch_all(rule: Optional[str], project_converters: bool = False) -> bool:
    """``/api/<path:rest>`` (a trailing slash aside): a rule ending in a
    ``path`` variable, which takes every URL under what comes before it
    that no other rule takes.  With ``project_converters``, a rule made of
    one variable of a converter the project brings (``/<pagename:title>``)
    counts too: it may match slashes (a PathConverter subclass) or not (an
    ObjectId), so only where doubt keeps a rule silent."""
    if rule is None or rule_variables(rule) is None:
        return False
    found = list(_RULE_VAR_RE.finditer(rule))
    last = found[-1] if found else None
    if last is None or rule[last.end() :].strip("/"):
        return False
    conv = last.group("conv") or "default"
    if conv == "path":
        return True
    return project_converters and conv not in ONE_SEGMENT_CONVERTERS and rule.strip("/") == last.group(0)


def path_tail(rule: Optional[str]) -> Optional[Tuple[str, str]]:
    """``("/app/", "rest")`` for ``/app/<path:rest>``: a rule whose only
    variable is a final ``path`` one (a trailing slash aside), split into its
    static part and the variable's name; None for any other rule."""
    if rule is None or rule_variables(rule) is None:
        return None
    found = list(_RULE_VAR_RE.finditer(rule))
    if len(found) != 1 or (found[0].group("conv") or "") != "path" or found[0].group("args"):
        return None
    if rule[found[0].end() :].strip("/"):
        return None
    return rule[: found[0].start()], found[0].group("var")


def literal_str(node: Optional[ast.AST]) -> Optional[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def literal_keys(model: FlaskModel, node: Optional[ast.AST]) -> Optional[List[str]]:
    """Keys of a literal dict (``{"page": 1}`` or ``dict(page=1)``); [] for
    a literal None; None when not known."""
    if node is None:
        return []
    if isinstance(node, ast.Constant) and node.value is None:
        return []
    if isinstance(node, ast.Dict):
        keys: List[str] = []
        for key in node.keys:
            text = literal_str(key)
            if text is None:
                return None
            keys.append(text)
        return keys
    if (
        isinstance(node, ast.Call)
        and model.qualname(node.func) == "builtins.dict"
        and not node.args
        and all(kw.arg is not None for kw in node.keywords)
    ):
        return [kw.arg for kw in node.keywords if kw.arg is not None]
    return None


def decorator_name(node: ast.AST) -> str:
    """``login_required`` for ``@login_required``, ``@auth.login_required``
    and ``@auth.login_required()``."""
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return ""


def resolved_name(model: FlaskModel, node: ast.AST, scope: Optional[Scope] = None) -> str:
    """The last name of what a decorator (or the callee of a decorator
    call) refers to through imports: ``login_required`` for
    ``@need_login`` after ``from flask_login import login_required as
    need_login``, ``wraps`` for ``@ft.wraps(f)`` after ``import functools
    as ft``; the name as written when it does not resolve to an import or
    a module-level def (``@auth.login_required`` on an instance)."""
    target = node.func if isinstance(node, ast.Call) else node
    qual = model.qualname(target, scope)
    if qual:
        return qual.rsplit(".", 1)[-1]
    return decorator_name(node)


def literal_methods(node: Optional[ast.AST]) -> Optional[List[str]]:
    """Upper-cased names of a literal list/tuple/set of strings, else None."""
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        names: List[str] = []
        for element in node.elts:
            text = literal_str(element)
            if text is None:
                return None
            names.append(text.upper())
        return names
    return None


def route_methods(route: RouteReg, view_kind: str) -> Optional[List[str]]:
    """The methods a registration allows, as written (None: not known)."""
    if route.method in ROUTE_SHORTCUTS:
        return None if route.methods_node is not None else [route.method.upper()]
    if route.method not in ("route", "add_url_rule"):
        return None
    if route.methods_node is None:
        # Flask falls back to the view's own ``methods`` attribute, which
        # class-based views and some callables have.
        return ["GET"] if view_kind in ("def", "lambda", "name") else None
    return literal_methods(route.methods_node)


def branch_path(scope_node: ast.AST, anchor: ast.AST) -> List[List[Any]]:
    """The if/else, try/except and match branches ``anchor`` sits in, as
    ``[branch-point, side]`` pairs, from the top of its scope."""
    return _enclosing(scope_node, anchor)[0]


def caught_around(scope_node: ast.AST, anchor: ast.AST) -> List[str]:
    """Exceptions caught by the ``try`` statements whose body holds
    ``anchor`` (last names: ``ValueError``; ``*`` for a bare except,
    ``Exception`` and ``BaseException``)."""
    return _enclosing(scope_node, anchor)[1]


def _caught(handler: ast.ExceptHandler) -> List[str]:
    kinds = handler.type
    if kinds is None:
        return ["*"]
    names = [decorator_name(k) for k in (kinds.elts if isinstance(kinds, ast.Tuple) else [kinds])]
    return ["*" if n in ("Exception", "BaseException") else n for n in names]


_EXPECTING = frozenset({"raises", "assertRaises", "assertRaisesRegex", "suppress"})


def _expected(context: ast.AST) -> List[str]:
    """Exceptions a ``with`` block expects or swallows: ``pytest.raises(X)``,
    ``self.assertRaises(X)``, ``contextlib.suppress(X)``."""
    if not isinstance(context, ast.Call) or decorator_name(context.func) not in _EXPECTING:
        return []
    if not context.args:
        return ["*"]
    first = context.args[0]
    names = [decorator_name(k) for k in (first.elts if isinstance(first, ast.Tuple) else [first])]
    return ["*" if n in ("Exception", "BaseException", "") else n for n in names]


def _enclosing(scope_node: ast.AST, anchor: ast.AST) -> Tuple[List[List[Any]], List[str]]:
    line = getattr(anchor, "lineno", None)
    body = getattr(scope_node, "body", None)
    path: List[List[Any]] = []
    caught: List[str] = []
    if line is None or not isinstance(body, list):
        return path, caught
    statements: List[ast.stmt] = body
    for _depth in range(100):
        found: Optional[ast.stmt] = None
        for stmt in statements:
            if stmt is anchor:
                return path, caught
            if stmt.lineno <= line <= (getattr(stmt, "end_lineno", None) or stmt.lineno):
                found = stmt
                break
        if found is None or isinstance(found, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            return path, caught
        key = f"{found.lineno}:{found.col_offset}"
        branches: List[Tuple[int, List[ast.stmt]]] = []
        if isinstance(found, ast.If):
            branches = [(0, found.body), (1, found.orelse)]
        elif isinstance(found, _TRY_NODES):
            # The else: part runs after the body: one side with it.
            branches = [(0, getattr(found, "body", [])), (0, list(getattr(found, "orelse", [])))]
            branches += [(i + 1, h.body) for i, h in enumerate(getattr(found, "handlers", []))]
            branches.append((-1, list(getattr(found, "finalbody", []))))
        elif _MATCH is not None and isinstance(found, _MATCH):
            branches = [(i, case.body) for i, case in enumerate(getattr(found, "cases", []))]
        elif isinstance(found, (ast.For, ast.AsyncFor, ast.While)):
            branches = [(-1, found.body), (-1, found.orelse)]
        elif isinstance(found, (ast.With, ast.AsyncWith)):
            branches = [(-1, found.body)]
            for item in found.items:
                caught.extend(_expected(item.context_expr))
        else:
            return path, caught
        chosen: Optional[Tuple[int, List[ast.stmt]]] = None
        for side, stmts in branches:
            if stmts and stmts[0].lineno - _decorator_lines(stmts[0]) <= line <= (
                getattr(stmts[-1], "end_lineno", None) or stmts[-1].lineno
            ):
                chosen = (side, stmts)
                break
        if chosen is None:
            return path, caught
        if chosen[0] >= 0:
            path.append([key, chosen[0]])
        if isinstance(found, _TRY_NODES) and chosen[1] is getattr(found, "body", None):
            for handler in getattr(found, "handlers", []):
                caught.extend(_caught(handler))
        statements = chosen[1]
    return path, caught


def _decorator_lines(stmt: ast.stmt) -> int:
    decorators = getattr(stmt, "decorator_list", None)
    if decorators:
        return max(0, stmt.lineno - min(d.lineno for d in decorators))
    return 0


_TRY_NODES: Tuple[type, ...] = (ast.Try,) + tuple(t for t in (getattr(ast, "TryStar", None),) if t is not None)
_MATCH: Optional[type] = getattr(ast, "Match", None)


def in_context(target: Value) -> bool:
    """A registration on ``current_app`` at the module level of a module
    imported in an app's context: it acts on that app (or on the proxy, an
    unknown app), but where it runs among the app's other registrations (the
    branch and the order of the import) is not tied across the import, so
    conflicts with them are not known."""
    return bool(target) and target[0] == "ctx"


def exclusive(path_a: Iterable[Iterable[Any]], path_b: Iterable[Iterable[Any]]) -> bool:
    """Whether two branch paths (of one scope) can never both run."""
    sides: Dict[str, Any] = {}
    for key, side in path_a:
        sides[key] = side
    for key, side in path_b:
        if key in sides and sides[key] != side:
            return True
    return False



# --------------------------------------------------------------------------
# The summary extension
# --------------------------------------------------------------------------


def summarise_routing(model: FlaskModel) -> Optional[Dict[str, Any]]:
    if model.light:
        return _light_facts(model)
    route_nodes = {id(r.node) for r in model.routes}
    return {
        "imp": _module_imports(model),
        "sig": _signatures(model),
        "routes": [_route_entry(model, r, route_nodes) for r in model.routes],
        "bp_regs": [_bp_reg_entry(model, b) for b in model.blueprint_regs],
        "objs": _creation_entries(model, model.creations),
        "funcs": _function_entries(model, route_nodes),
        "uvp": _value_preprocessors(model),
        "cdeco": _class_decorators(model),
    }


def _class_decorators(model: FlaskModel) -> Dict[str, Any]:
    """The ``decorators`` (View: wrap the view function) and
    ``method_decorators`` (Flask-RESTful/RESTX: wrap each handler) a class
    sets: [[value, name], ...], or None when not a literal list."""
    out: Dict[str, Any] = {}
    for class_node, scope in model.classes.values():
        outer = scope.parent or model.module_scope
        for item in class_node.body:
            targets = item.targets if isinstance(item, ast.Assign) else [item.target] if isinstance(item, ast.AnnAssign) else []
            if not any(isinstance(t, ast.Name) and t.id in ("decorators", "method_decorators") for t in targets):
                continue
            value = getattr(item, "value", None)
            if isinstance(value, (ast.List, ast.Tuple)) and not any(isinstance(e, ast.Starred) for e in value.elts):
                found = out.get(scope.qualname, [])
                if found is not None:
                    out[scope.qualname] = found + [[model.value(e, outer), resolved_name(model, e, outer)] for e in value.elts]
            elif isinstance(value, ast.Dict) and not value.keys:
                out.setdefault(scope.qualname, [])
            else:
                out[scope.qualname] = None  # computed, or per-method (a dict)
    return out


def _light_facts(model: FlaskModel) -> Optional[Dict[str, Any]]:
    """A module that never mentions Flask may still define the decorators
    and view factories other modules apply to views (``no_wraps``,
    ``requires(role)``, ``make_view(text)``): the light walk records none of
    their bodies, so the functions whose shape says they wrap or return a
    function are read here from a full model of the file.  ``fx`` gives
    their parameters and returns (nested defs included), ``funcs`` the same
    decorator and wrapper facts as for any module."""
    shaped = [
        info.node
        for info in model.functions.values()
        if info.scope.parent is model.module_scope and _wraps_shaped(info.node)
    ]
    imports = _module_imports(model)
    signatures = _signatures(model)
    plain = _function_entries(model, set())  # the decorators of its defs (no wrappers: bodies not walked)
    class_decorators = _class_decorators(model)
    if not shaped:
        if not imports and not signatures and not plain and not class_decorators:
            return None
        return {"light": True, "imp": imports, "sig": signatures, "funcs": plain, "cdeco": class_decorators}
    full = model.full()
    prefixes = tuple(f"{model.module}.{func.name}" for func in shaped)

    def wanted(qualname: str) -> bool:
        return any(qualname == p or qualname.startswith(p + ".") for p in prefixes)

    fx: Dict[str, Any] = {}
    for info in full.functions.values():
        if wanted(info.qualname):
            fx[info.qualname] = [
                list(info.scope.params),
                [full.value(r.value, info.scope) for r in info.returns if r.value is not None],
            ]
    funcs = dict(plain)
    funcs.update({qual: facts for qual, facts in _function_entries(full, set()).items() if wanted(qual)})
    return {"light": True, "imp": imports, "sig": signatures, "fx": fx, "funcs": funcs, "cdeco": class_decorators}


def _signatures(model: FlaskModel) -> Dict[str, Any]:
    """The parameters of the module's top-level defs, for views registered
    in another module (``app.add_url_rule("/r", view_func=views.report)``):
    [positional names, how many have defaults, [[keyword-only name, has a
    default]], has **kwargs, has positional-only parameters]."""
    out: Dict[str, Any] = {}
    for info in model.functions.values():
        parent = info.scope.parent
        # Top-level defs, and the handlers of top-level classes (class-based views).
        if parent is not model.module_scope and not (
            parent is not None
            and parent.kind == "class"
            and parent.parent is model.module_scope
            and (info.node.name in _HANDLER_VERBS or info.node.name == "dispatch_request")
        ):
            continue
        args = info.node.args
        out[info.qualname] = [
            [a.arg for a in args.posonlyargs + args.args],
            len(args.defaults),
            [[a.arg, default is not None] for a, default in zip(args.kwonlyargs, args.kw_defaults)],
            args.kwarg is not None,
            bool(args.posonlyargs),
        ]
    return out


def _module_imports(model: FlaskModel) -> List[List[Any]]:
    """[module, line] for every import statement that runs with the module
    (not inside a def or class), in line order: ``from pkg import name``
    gives ``pkg`` and ``pkg.name`` (which may be a submodule).  What makes
    the registrations of two modules happen in one order or the other."""
    found: List[List[Any]] = []
    for node in _walk_statements(list(model.tree.body)):
        names = model.import_targets(node) if isinstance(node, (ast.Import, ast.ImportFrom)) else []
        line = getattr(node, "lineno", 0)
        for name in names:
            found.append([name, Line(line)])
    found.sort(key=lambda item: int(item[1]))
    return found


def _wraps_shaped(func: FunctionNode) -> bool:
    """A def that holds a nested def or returns its first parameter: a
    decorator, a decorator factory or a view factory."""
    args = func.args
    first = (args.posonlyargs + args.args)[0].arg if args.posonlyargs or args.args else None
    stack: List[ast.AST] = list(func.body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return True
        if isinstance(node, ast.Return):
            if first is not None and isinstance(node.value, ast.Name) and node.value.id == first:
                return True
        elif isinstance(node, ast.stmt) and not isinstance(node, ast.ClassDef):
            stack.extend(c for c in ast.iter_child_nodes(node) if isinstance(c, (ast.stmt, ast.excepthandler)))
        elif isinstance(node, ast.ExceptHandler):
            stack.extend(node.body)
    return False


def _state(node: Optional[ast.AST], literal: bool) -> int:
    if node is None:
        return ABSENT
    return LITERAL if literal else DYNAMIC


def _resolve_local(model: FlaskModel, node: Optional[ast.AST], scope: Scope) -> Optional[ast.AST]:
    """Follow a name to the expression it was assigned, in this file."""
    for _ in range(5):
        if not isinstance(node, ast.Name):
            return node
        found = model.lookup(node.id, scope)
        if found is None or len(found[1]) != 1 or found[1][0].kind != "assign":
            return node
        scope, node = found[0], found[1][0].node
    return node


def _view_descriptor(model: FlaskModel, route: RouteReg) -> List[Any]:
    if route.method == "add_resource":
        return ["class"]
    if route.method != "add_url_rule":
        if isinstance(route.view_node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return ["def", Line(route.view_node.lineno)]
        return ["name"] if route.called else ["class"]
    call = route.node
    assert isinstance(call, ast.Call)
    expr = route.view_expr if route.view_expr is not None else call_arg(call, 2, "view_func")
    if expr is None:
        return ["none"]
    target = _resolve_local(model, expr, route.scope)
    if isinstance(target, ast.Lambda):
        return ["lambda", node_key(model.module, target)]
    if isinstance(target, ast.Call):
        if isinstance(target.func, ast.Attribute) and target.func.attr == "as_view":
            return ["as_view", literal_str(call_arg(target, 0, "name"))]
        return ["call"]
    if isinstance(target, (ast.Name, ast.Attribute)):
        return ["name"]
    return ["?"]


def _matching_vars(call: ast.Call) -> Tuple[Optional[List[str]], bool]:
    """URL variables of ``subdomain=`` / ``host=`` (None if computed), and
    whether either is given."""
    found: List[str] = []
    given = False
    for keyword in ("subdomain", "host"):
        node = call_arg(call, 99, keyword)
        if node is None or (isinstance(node, ast.Constant) and node.value is None):
            continue
        given = True
        names = rule_variables(literal_str(node))
        if names is None:
            return None, True
        found.extend(sorted(names))
    return found, given


def _route_entry(model: FlaskModel, route: RouteReg, route_nodes: Set[int]) -> Dict[str, Any]:
    view = _view_descriptor(model, route)
    entry: Dict[str, Any] = {
        "c": getattr(route.node, "col_offset", 0),
        "m": route_methods(route, view[0]),
        "ep": _state(route.endpoint_node, route.endpoint is not None),
        "v": view,
        "loop": route.in_loop,
    }
    call = route.node if isinstance(route.node, ast.Call) else None
    if call is not None and route.method != "add_resource":
        entry["df"] = literal_keys(model, route.defaults_node)
        extra, given = _matching_vars(call)
        if given:
            entry["sub"] = extra  # None when computed
        if call_arg(call, 99, "redirect_to") is not None or call_arg(call, 99, "build_only") is not None:
            entry["redir"] = True  # never dispatched to the view
        if any(kw.arg is None for kw in call.keywords):
            entry["kw"] = True  # **options: anything may be in there
    if route.method != "add_url_rule" and isinstance(route.view_node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        decorators = route.view_node.decorator_list
        below = []
        for position, decorator in enumerate(decorators):
            if decorator is route.node:
                below = decorators[position + 1 :]
                break
        entry["d"] = [
            [model.value(d, route.scope), resolved_name(model, d, route.scope)] for d in below if id(d) not in route_nodes
        ]
    decorated = route.method != "add_url_rule" and not route.called
    anchor = route.view_node if decorated and route.view_node is not None else route.node
    entry["br"], caught = _enclosing(route.scope.node, anchor)
    if caught:
        entry["g"] = sorted(set(caught))
    return entry


def _single_binding(model: FlaskModel, expr: Optional[ast.AST]) -> bool:
    """Whether an expression names one thing: its root name has a single
    binding (a module-level loop variable reused by two loops, or a name
    assigned twice, stands for either value)."""
    while isinstance(expr, ast.Attribute):
        expr = expr.value
    if isinstance(expr, ast.Call):
        return True
    if not isinstance(expr, ast.Name):
        return False
    found = model.lookup(expr.id, model.scope_of(expr))
    return found is not None and len(found[1]) == 1


def _bp_reg_entry(model: FlaskModel, reg: BlueprintReg) -> Dict[str, Any]:
    call = reg.node
    func = call.func
    name_node = call_arg(call, 99, "name")
    prefix_node = call_arg(call, 99, "url_prefix")
    if isinstance(prefix_node, ast.Constant) and prefix_node.value is None:
        prefix_node = None  # url_prefix=None keeps the blueprint's own
    sub_node = call_arg(call, 99, "subdomain")
    prefix_vars = rule_variables(literal_str(prefix_node))
    entry: Dict[str, Any] = {
        "c": call.col_offset,
        "s": reg.scope.qualname,
        "name": _state(name_node, literal_str(name_node) is not None),
        "prefix": _state(prefix_node, prefix_vars is not None),
        "pv": sorted(prefix_vars or ()),
        "dfl": literal_keys(model, call_arg(call, 99, "url_defaults")),
        "br": branch_path(reg.scope.node, call),
        "g": sorted(set(caught_around(reg.scope.node, call))),
        "x": [
            _single_binding(model, func.value if isinstance(func, ast.Attribute) else None),
            _single_binding(model, call_arg(call, 0, "blueprint")),
        ],
    }
    if _blueprints_guard(reg.scope.node, call):
        entry["bg"] = True
    if sub_node is not None:
        names = rule_variables(literal_str(sub_node))
        entry["sub"] = sorted(names) if names is not None else None
    if any(kw.arg is None for kw in call.keywords):
        entry["kw"] = True
    if reg.child == UNKNOWN:
        alt = _loop_candidates(model, call_arg(call, 0, "blueprint"), reg.scope)
        if alt != UNKNOWN:
            entry["alt"] = alt
    return entry


def _blueprints_guard(scope_node: ast.AST, call: ast.AST) -> bool:
    """Whether the registration runs only when a name is not registered
    yet: under ``if "admin" not in app.blueprints:`` (or the else of
    ``if name in app.blueprints:``)."""
    line = getattr(call, "lineno", 0)
    body = getattr(scope_node, "body", [])
    if not isinstance(body, list):
        return False  # a lambda's body is one expression: no guard inside it
    statements: List[ast.stmt] = list(body)
    for _depth in range(100):
        found = next(
            (st for st in statements if st.lineno <= line <= (getattr(st, "end_lineno", None) or st.lineno)), None
        )
        if found is None or isinstance(found, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            return False
        if isinstance(found, ast.If):
            in_body = bool(found.body) and found.body[0].lineno <= line <= (found.body[-1].end_lineno or 0)
            test = found.test
            negated = False
            if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
                test, negated = test.operand, True
            if isinstance(test, ast.Compare) and len(test.ops) == 1 and _names_blueprints(test.comparators[0]):
                absent = isinstance(test.ops[0], ast.NotIn) != negated
                if absent == in_body:
                    return True
            statements = found.body if in_body else found.orelse
            continue
        blocks = [getattr(found, attr, None) for attr in ("body", "orelse", "finalbody")]
        blocks += [h.body for h in getattr(found, "handlers", [])]
        chosen = next(
            (
                b
                for b in blocks
                if isinstance(b, list) and b and b[0].lineno <= line <= (getattr(b[-1], "end_lineno", None) or 0)
            ),
            None,
        )
        if chosen is None:
            return False
        statements = chosen
    return False


def _names_blueprints(node: ast.AST) -> bool:
    """``app.blueprints`` / ``app.blueprints.keys()``."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "keys":
        node = node.func.value
    return isinstance(node, ast.Attribute) and node.attr == "blueprints"


def _loop_candidates(model: FlaskModel, expr: Optional[ast.AST], scope: Scope) -> Value:
    """What a name the model cannot pin down may stand for: every value the
    loops (``for bp in ...``, ``for prefix, bp in X.items()``, ``enumerate``,
    ``zip``, lists of tuples) and assignments binding it give it.  An
    over-approximation, for "is this blueprint registered anywhere"."""
    if not isinstance(expr, ast.Name):
        return UNKNOWN
    found = model.lookup(expr.id, scope)
    if found is None:
        return UNKNOWN
    where, bindings = found
    candidates: List[Value] = []
    tuple_loops_done = False
    for binding in bindings:
        if binding.kind == "for" and binding.node is not None:
            candidates.append(("elt", model.value(binding.node, where)))
        elif binding.kind == "assign" and binding.node is not None:
            candidates.append(model.value(binding.node, where))
        elif binding.kind == "other":
            if tuple_loops_done:
                continue  # one "other" binding per tuple loop: all done at the first
            tuple_loops_done = True
            loops = _tuple_loops(model, where, expr.id)
            if not loops or len(loops) != sum(1 for b in bindings if b.kind == "other"):
                return UNKNOWN  # some other binding (``a, bp = f()``, ``with ... as bp``)
            for target, iterable in loops:
                candidates.append(_tuple_element(model, target, iterable, expr.id, where))
        else:
            return UNKNOWN
    if not candidates or any(c == UNKNOWN or c == ("elt", UNKNOWN) for c in candidates):
        return UNKNOWN
    return candidates[0] if len(candidates) == 1 else ("seq", tuple(candidates))


def _tuple_loops(model: FlaskModel, scope: Scope, name: str) -> List[Tuple[ast.AST, ast.AST]]:
    """(target, iterable) of the for loops in a scope that unpack into ``name``."""
    body: List[ast.AST] = list(getattr(scope.node, "body", []))
    nodes: Iterable[ast.AST]
    if isinstance(scope.node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        nodes = model.walk_function(scope.node)
    else:
        nodes = _walk_statements(body)
    found: List[Tuple[ast.AST, ast.AST]] = []
    for node in nodes:
        if isinstance(node, (ast.For, ast.AsyncFor)) and isinstance(node.target, (ast.Tuple, ast.List)):
            if any(isinstance(e, ast.Name) and e.id == name for e in node.target.elts):
                found.append((node.target, node.iter))
    return found


def _walk_statements(body: List[ast.AST]) -> Iterable[ast.AST]:
    """Statements of a module body, not entering defs and classes."""
    stack = list(reversed(body))
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        stack.extend(reversed([c for c in child_nodes(node) if isinstance(c, ast.stmt)]))


def _tuple_element(model: FlaskModel, target: ast.AST, iterable: ast.AST, name: str, scope: Scope) -> Value:
    assert isinstance(target, (ast.Tuple, ast.List))
    position = next(i for i, e in enumerate(target.elts) if isinstance(e, ast.Name) and e.id == name)
    if any(isinstance(e, ast.Starred) for e in target.elts):
        return UNKNOWN
    source = _resolve_local(model, iterable, scope)
    if isinstance(source, ast.Call):
        func = source.func
        if isinstance(func, ast.Attribute) and func.attr == "items" and not source.args and position == 1:
            return ("elt", model.value(func.value, scope))
        builtin = model.qualname(func, scope)
        if builtin == "builtins.enumerate" and source.args and position == 1:
            return ("elt", model.value(source.args[0], scope))
        if builtin == "builtins.zip" and position < len(source.args):
            return ("elt", model.value(source.args[position], scope))
        return UNKNOWN
    if isinstance(source, (ast.List, ast.Tuple, ast.Set)):
        values: List[Value] = []
        for element in source.elts:
            if not isinstance(element, (ast.Tuple, ast.List)) or len(element.elts) != len(target.elts):
                return UNKNOWN
            values.append(model.value(element.elts[position], scope))
        return ("seq", tuple(values))
    if isinstance(source, (ast.Name, ast.Attribute)):
        # A sequence of tuples defined in another module (``from .config
        # import PAIRS``): element ``position`` of each of its elements,
        # picked by RoutingProject once the index has evaluated it.
        value = model.value(source, scope)
        if value != UNKNOWN:
            return ("pick", position, len(target.elts), value)
    return UNKNOWN


def _creation_entries(model: FlaskModel, creations: List[Creation]) -> Dict[str, Any]:
    """Constructor arguments that matter to routing, for calls that have any."""
    out: Dict[str, Any] = {}
    for creation in creations:
        call = creation.node
        entry: Dict[str, Any] = {}
        name_node = call_arg(call, 0, "name")
        if literal_str(name_node) is not None:
            entry["name"] = literal_str(name_node)
        for keyword, position in (("url_prefix", 5), ("subdomain", 6)):
            node = call_arg(call, position, keyword)
            if node is not None and not (isinstance(node, ast.Constant) and node.value is None):
                text = literal_str(node)
                names = rule_variables(text)
                entry[keyword] = sorted(names) if names is not None else None
        defaults = call_arg(call, 7, "url_defaults")
        if defaults is not None:
            entry["url_defaults"] = literal_keys(model, defaults)
        static = call_arg(call, 99, "static_folder")
        if static is not None:
            if isinstance(static, ast.Constant) and static.value is None:
                entry["static"] = False
            elif literal_str(static) is not None:
                entry["static"] = True
            else:
                entry["static"] = None
        if any(isinstance(a, ast.Starred) for a in call.args) or any(kw.arg is None for kw in call.keywords):
            entry["dyn"] = True
        if entry:
            out[creation.key] = entry
    return out


def _function_entries(model: FlaskModel, route_nodes: Set[int]) -> Dict[str, Any]:
    out: Dict[str, Any] = {}
    for info in model.functions.values():
        decorators = info.node.decorator_list
        if decorators:
            scope = info.scope.parent or model.module_scope
            out.setdefault(info.qualname, {})["d"] = [
                [model.value(d, scope), resolved_name(model, d, scope), id(d) in route_nodes] for d in decorators
            ]
        for wrapper in _returned_defs(model, info):
            out.setdefault(wrapper.qualname, {})["w"] = _wrapper_facts(model, info, wrapper)
        composed = _composed(model, info)
        if composed is not None:
            out.setdefault(info.qualname, {})["c"] = composed[0]
            if composed[1] is not None:
                out.setdefault(composed[1].qualname, {})["w"] = _wrapper_facts(model, info, composed[1])
    return out


def _composed(model: FlaskModel, info: FunctionInfo) -> Optional[Tuple[List[Any], Optional[FunctionInfo]]]:
    """A decorator whose one return hands its wrapper (or the view itself) to
    another decorator (``return login_required(wrapper)``): [that
    decorator's value and name, the wrapper's qualname or None for the
    view], and the wrapper's def."""
    returns = [r for r in info.returns if r.value is not None]
    params = info.scope.params
    if len(returns) != 1 or len(info.returns) != 1 or not params:
        return None
    call = returns[0].value
    if not (isinstance(call, ast.Call) and len(call.args) == 1 and not call.keywords):
        return None
    arg = call.args[0]
    if not isinstance(arg, ast.Name) or isinstance(call.func, ast.Call):
        return None
    scope = info.scope
    callee = [model.value(call.func, scope), resolved_name(model, call.func, scope)]
    if arg.id == params[0]:
        if len(scope.bindings.get(arg.id, [])) != 1:
            return None
        return [callee, None], None
    bindings = scope.bindings.get(arg.id, [])
    if len(bindings) == 1 and bindings[0].kind == "def" and bindings[0].node is not None:
        nested = model.function_info(bindings[0].node)
        if nested is not None:
            return [callee, nested.qualname], nested
    return None


def _returned_defs(model: FlaskModel, info: FunctionInfo) -> List[FunctionInfo]:
    """Nested defs a function returns (the wrapper of a decorator)."""
    found: List[FunctionInfo] = []
    for ret in info.returns:
        if not isinstance(ret.value, ast.Name):
            continue
        bindings = info.scope.bindings.get(ret.value.id, [])
        if len(bindings) == 1 and bindings[0].kind == "def" and bindings[0].node is not None:
            nested = model.function_info(bindings[0].node)
            if nested is not None and nested not in found:
                found.append(nested)
    return found


def _wrapper_facts(model: FlaskModel, outer: FunctionInfo, wrapper: FunctionInfo) -> List[bool]:
    """[uses functools.wraps, sets __name__ itself, passes (*args, **kwargs)
    through to the wrapped function untouched]."""
    name = wrapper.node.name
    outer_scope = outer.scope
    wraps = any(
        resolved_name(model, d, outer_scope) in ("wraps", "update_wrapper") for d in wrapper.node.decorator_list
    )
    renamed = False
    for node in model.walk_function(outer.node):
        if isinstance(node, ast.Call):
            called = resolved_name(model, node.func, outer_scope)
            first = node.args[0] if node.args else None
            if called == "update_wrapper" and isinstance(first, ast.Name) and first.id == name:
                wraps = True
            elif (
                isinstance(node.func, ast.Call)
                and resolved_name(model, node.func.func, outer_scope) == "wraps"
                and isinstance(first, ast.Name)
                and first.id == name
            ):
                wraps = True
            elif called == "setattr" and isinstance(first, ast.Name) and first.id == name:
                renamed = True
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if (
                    isinstance(target, ast.Attribute)
                    and target.attr in ("__name__", "__qualname__")
                    and isinstance(target.value, ast.Name)
                    and target.value.id == name
                ):
                    renamed = True
    wrapped = outer.scope.params[0] if outer.scope.params else None
    return [wraps, renamed, wrapped is not None and _passes_through(model, wrapper, wrapped)]


def _passes_through(model: FlaskModel, wrapper: FunctionInfo, wrapped: str) -> bool:
    args = wrapper.node.args
    if args.posonlyargs or args.args or args.kwonlyargs or args.kwarg is None:
        return False
    var = args.vararg.arg if args.vararg else None
    kw = args.kwarg.arg
    if len(wrapper.scope.bindings.get(kw, [])) != 1 or (var and len(wrapper.scope.bindings.get(var, [])) != 1):
        return False
    calls = 0
    for node in model.walk_function(wrapper.node):
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == kw:
                if func.attr in _KWARGS_MUTATORS:
                    return False
            target = func
            if isinstance(func, ast.Call) and decorator_name(func.func) == "ensure_sync" and len(func.args) == 1:
                target = func.args[0]
            if isinstance(target, ast.Name) and target.id == wrapped:
                calls += 1
                positional_ok = all(
                    isinstance(a, ast.Starred) and isinstance(a.value, ast.Name) and a.value.id == var for a in node.args
                )
                keywords_ok = (
                    len(node.keywords) == 1
                    and node.keywords[0].arg is None
                    and isinstance(node.keywords[0].value, ast.Name)
                    and node.keywords[0].value.id == kw
                )
                if not (positional_ok and keywords_ok):
                    return False
        elif isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == kw:
            if not isinstance(node.ctx, ast.Load):
                return False
    return calls > 0


def _value_preprocessors(model: FlaskModel) -> List[List[Any]]:
    """[target, app-wide] for url_value_preprocessor registrations, and
    ["?", True] for code that edits ``request.view_args``."""
    found: List[List[Any]] = []
    kinds = {"url_value_preprocessor": False, "app_url_value_preprocessor": True}

    def add(owner: ast.AST, attr: str, scope: Scope) -> None:
        value = model.value(owner, scope)
        found.append([value, kinds[attr] or value == UNKNOWN])

    for info in model.functions.values():
        for decorator in info.node.decorator_list:
            func = decorator.func if isinstance(decorator, ast.Call) else decorator
            if isinstance(func, ast.Attribute) and func.attr in kinds:
                add(func.value, func.attr, info.scope.parent or model.module_scope)
    for call, scope, _loop in model.calls:
        func = call.func
        if isinstance(func, ast.Attribute):
            if func.attr in kinds and call.args:
                add(func.value, func.attr, scope)
            elif (
                func.attr in _KWARGS_MUTATORS
                and isinstance(func.value, ast.Attribute)
                and func.value.attr in ("view_args", "url_value_preprocessors")
            ):
                found.append([UNKNOWN, True])
            elif func.attr == "append" and isinstance(func.value, ast.Subscript):
                base = func.value.value
                if isinstance(base, ast.Attribute) and base.attr == "url_value_preprocessors":
                    found.append([UNKNOWN, True])
    return found


# --------------------------------------------------------------------------
# Project-wide aggregation
# --------------------------------------------------------------------------


@dataclass
class RouteFact:
    """One route registration anywhere in the project."""

    module: str
    position: int  # in the module's summary "routes" (and model.routes)
    line: int
    col: int
    scope_name: str
    method: str
    rule: Optional[str]
    endpoint: Optional[str]  # the endpoint Flask gives it, None if not known
    methods: Optional[FrozenSet[str]]
    identity: Optional[Tuple[Any, ...]]  # the view object, None if not known
    view: Obj  # the evaluated view
    targets: List[Obj]  # the apps and blueprints it acts on
    direct_target: Obj  # what the route decorator / add_url_rule is called on
    entry: Dict[str, Any]
    targets_complete: bool = True  # no object it may act on is unknown
    renamed_by: Optional[str] = None  # a decorator without functools.wraps
    load: Tuple[int, ...] = ()  # RoutingProject.load_key: when it happens
    view_class: Optional[str] = None  # the project class of a class-based view (as_view, a Resource)
    in_context: bool = False  # on current_app, in a module imported in an app context (see in_context())

    @property
    def order(self) -> Tuple[Any, ...]:
        return self.load or (self.module, self.line, self.col, self.position)

    @property
    def path(self) -> Any:
        return self.entry.get("br", ())


@dataclass
class BlueprintRegFact:
    """One ``register_blueprint`` call: its parents and the blueprints it registers."""

    module: str
    position: int
    line: int
    col: int
    scope_name: str
    parents: List[Obj]
    children: List[str]  # blueprint keys
    complete: bool  # every child is known
    entry: Dict[str, Any]
    via_param: bool = False  # the children arrive through a parameter
    loose: bool = False  # children are the candidates of loops (see _loop_candidates)
    in_context: bool = False  # on current_app, in a module imported in an app context (see in_context())

    @property
    def exact(self) -> bool:
        """Each (parent, child) pair is a registration that happens: the
        names are bound once, and parameters do not mix call sites."""
        flags = self.entry.get("x") or (False, False)
        return bool(flags[0] and flags[1]) and not self.loose and not (self.via_param and len(self.parents) > 1)


@dataclass
class ObjectInfo:
    kind: str  # app / blueprint
    key: str
    module: str
    line: int
    args: Dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> Optional[str]:
        return None if self.args.get("dyn") else self.args.get("name")

    @property
    def has_static(self) -> Optional[bool]:
        """Whether it has a static route (None: not known)."""
        if self.args.get("dyn"):
            return None
        if "static" in self.args:
            value = self.args["static"]
            return value if isinstance(value, bool) else None
        return self.kind == "app"


Context = Tuple[FrozenSet[str], bool]  # URL variables a registration adds, complete?


class RoutingProject:
    """The project's routing facts, aggregated once per index."""

    def __init__(self, index: ProjectIndex) -> None:
        self.index = index
        self._reach: Dict[Obj, Tuple[FrozenSet[Obj], bool]] = {}
        self.objects: Dict[str, ObjectInfo] = {}
        self.objects_by_module: Dict[str, List[ObjectInfo]] = {}
        for kind in ("app", "blueprint"):
            for key, module, line in index.objects(kind):
                info = ObjectInfo(kind, key, module, line, self._creation_args(module, key))
                self.objects[key] = info
                self.objects_by_module.setdefault(module, []).append(info)
        self.routes: List[RouteFact] = []
        self.routes_by_object: Dict[Obj, List[RouteFact]] = {}
        self.routes_by_view: Dict[str, List[RouteFact]] = {}
        self.routes_by_module: Dict[str, Dict[int, RouteFact]] = {}
        self.bp_regs: List[BlueprintRegFact] = []
        self.regs_of: Dict[str, List[Tuple[BlueprintRegFact, Obj]]] = {}
        self.registered_keys: Set[str] = set()  # blueprints some registration may reach
        self.loosely_registered: Set[str] = set()
        # Without a project marker the root is a guess (the file's own
        # folder): registrations may live outside what the index sees.
        self.root_is_guess = not any(os.path.exists(os.path.join(index.root, m)) for m in ROOT_MARKERS)
        self.unknown_registrations = self.root_is_guess or any(s.get("dynamic") for _n, s in index.iter_modules())
        self.preprocessed: Set[Obj] = set()
        self.preprocessed_everywhere = False
        self._contexts: Dict[Any, Optional[List[Context]]] = {}
        self._composing: Set[str] = set()  # decorators whose effect is being computed (a cycle is opaque)
        # Decorators and view factories of modules the index only outlines
        # (see _light_facts): qualname -> (module, {"params", "returns"}).
        self.light_functions: Dict[str, Tuple[str, Dict[str, Any]]] = {}
        for module, _summary in index.iter_modules():
            ext = self._ext(module)
            if ext and ext.get("light"):
                for qual, (params, returns) in (ext.get("fx") or {}).items():
                    self.light_functions[qual] = (module, {"params": params, "returns": returns})
        self.load_keys = self._load_order()
        self._names: Optional[Set[str]] = None
        self._decorating: Optional[Set[str]] = None  # see extension_decorates()
        self._collect()
        self._escaped_blueprints()

    # ------------------------------------------------------------ building

    def _ext(self, module: str) -> Optional[Dict[str, Any]]:
        summary = self.index.modules.get(module)
        data = summary.get("x:" + EXTENSION) if summary else None
        return data if isinstance(data, dict) else None

    def _creation_args(self, module: str, key: str) -> Dict[str, Any]:
        ext = self._ext(module)
        if ext is None:
            return {"dyn": True}
        found = ext.get("objs", {}).get(key)
        args = dict(found) if isinstance(found, dict) else {}
        # A project subclass with its own __init__ may change any of them.
        summary = self.index.modules.get(module, {})
        for creation in summary.get("creations", ()):
            if creation[0] == key:
                callee = self.index.evaluate(creation[1])
                if callee[0] == "class" and self.index.find_method(callee[1], "__init__"):
                    args["dyn"] = True
                break
        return args

    def _collect(self) -> None:
        for module, summary in self.index.iter_modules():
            ext = self._ext(module)
            routes = summary.get("routes", ())
            entries = ext.get("routes", ()) if ext else ()
            for position, fact in enumerate(routes):
                entry = entries[position] if position < len(entries) and isinstance(entries[position], dict) else {}
                self._add_route(module, position, fact, entry)
            regs = summary.get("bp_regs", ())
            reg_entries = ext.get("bp_regs", ()) if ext else ()
            for position, fact in enumerate(regs):
                entry = reg_entries[position] if position < len(reg_entries) else {}
                self._add_bp_reg(module, position, fact, entry if isinstance(entry, dict) else {})
            for value, everywhere in (ext.get("uvp", ()) if ext else ()):
                self._add_preprocessor(value, everywhere)

    def _load_order(self) -> Dict[str, Tuple[int, ...]]:
        """For each module, a key that orders what its module-level code does
        as Python runs it: a module's code runs when the first module-level
        import of it runs (``from . import views`` at the bottom of the app
        module), so its key is its importer's key plus that import's line
        (and a counter for modules imported by one statement).  The walk
        starts from the modules nothing imports (entry scripts, tests), then
        from those that create an app (import cycles), then by name."""
        imports: Dict[str, List[Tuple[int, str]]] = {}
        imported: Set[str] = set()
        modules = self.index.modules
        for module, _summary in self.index.iter_modules():
            ext = self._ext(module)
            found: List[Tuple[int, str]] = []
            for item in (ext.get("imp") or ()) if ext else ():
                name, line = item[0], int(item[1])
                # A package runs before its submodules.
                parts = name.split(".")
                for depth in range(1, len(parts) + 1):
                    prefix = ".".join(parts[:depth])
                    if prefix in modules and prefix != module:
                        found.append((line, prefix))
                        imported.add(prefix)
            imports[module] = found
        creators = {info.module for info in self.objects.values() if info.kind == "app"}
        roots = sorted(m for m in modules if m not in imported)
        roots += sorted(m for m in modules if m in imported and m in creators)
        roots += sorted(m for m in modules if m in imported and m not in creators)
        keys: Dict[str, Tuple[int, ...]] = {}
        counter = 0
        for rank, root in enumerate(roots):
            if root in keys:
                continue
            keys[root] = (rank,)
            stack: List[Tuple[str, int]] = [(root, 0)]
            # Depth first, as Python imports: a module's imports run before
            # the rest of its importer's body.
            while stack:
                module, position = stack.pop()
                pending = imports.get(module, ())
                while position < len(pending):
                    line, target = pending[position]
                    position += 1
                    if target in keys:
                        continue
                    counter += 1
                    keys[target] = keys[module] + (line, counter)
                    stack.append((module, position))
                    stack.append((target, 0))
                    break
        return keys

    def load_key(self, module: str, line: int, col: int = 0, position: int = 0) -> Tuple[int, ...]:
        """The order in which module-level facts happen across modules."""
        return self.load_keys.get(module, (len(self.load_keys),)) + (line, col, position)

    def evaluate(self, value: Value) -> Obj:
        """``index.evaluate``, plus the functions of outlined modules that
        :func:`_light_facts` describes (a decorator's wrapper, what a
        decorator factory or a view factory returns)."""
        if value == UNKNOWN or not value:
            return NOTHING
        if self.light_functions:
            kind = value[0]
            if kind in ("q", "def") and value[1] in self.light_functions:
                return ("function", value[1])
            if kind == "new":
                callee = self.evaluate(value[1])
                if callee[0] == "function" and callee[1] in self.light_functions:
                    results = {self.evaluate(r) for r in self.light_functions[callee[1]][1]["returns"]}
                    return results.pop() if len(results) == 1 else NOTHING
        return self.index.evaluate(value)

    def function(self, qualname: str) -> Optional[Tuple[str, Dict[str, Any]]]:
        """(module, summary facts) of a project function, outlined modules included."""
        return self.light_functions.get(qualname) or self.index.functions.get(qualname)

    def targets_of(self, value: Value) -> Tuple[List[Obj], bool]:
        """The apps and blueprints a registration acts on, and whether that list is complete."""
        out: List[Obj] = []
        complete = True
        for obj in self._flatten(self._target(value)):
            if obj[0] in ("app", "blueprint"):
                out.append(obj)
            elif obj[0] == "param":
                reached, whole = self.reach(obj)
                out.extend(sorted(reached))
                complete = complete and whole
            else:
                complete = False
        return list(dict.fromkeys(out)), complete

    def _target(self, value: Value) -> Obj:
        return self.index.evaluate(value) if value != UNKNOWN else NOTHING

    def _flatten(self, obj: Obj) -> List[Obj]:
        if obj[0] == "seq":
            out: List[Obj] = []
            for item in obj[1]:
                out.extend(self._flatten(item))
            return out
        return [obj]

    def reach(self, param: Obj) -> Tuple[FrozenSet[Obj], bool]:
        """Apps and blueprints passed (through any chain of calls) to a parameter."""
        if param in self._reach:
            return self._reach[param]
        self._reach[param] = (frozenset(), False)  # cycle guard
        incoming = self.index.incoming()
        found: Set[Obj] = set()
        complete = True
        passed = incoming.get((param[1], param[2]))
        if not passed:
            complete = False
        for value in passed or ():
            for obj in self._flatten(value):
                if obj[0] in ("app", "blueprint"):
                    found.add(obj)
                elif obj[0] == "param":
                    more, whole = self.reach(obj)
                    found |= more
                    complete = complete and whole
                else:
                    complete = False
        self._reach[param] = (frozenset(found), complete)
        return self._reach[param]

    def _add_route(self, module: str, position: int, fact: tuple, entry: Dict[str, Any]) -> None:
        if len(fact) < 7:
            return
        target_value, method, rule, endpoint, view_value, line, scope_name = fact[:7]
        targets, targets_complete = self.targets_of(target_value)
        direct = self._target(target_value)
        view = self.evaluate(view_value)
        methods = entry.get("m")
        route = RouteFact(
            module=module,
            position=position,
            line=line,
            col=entry.get("c", 0),
            scope_name=scope_name,
            method=method,
            rule=rule,
            endpoint=None,
            methods=frozenset(methods) if isinstance(methods, (list, tuple)) else None,
            identity=self._identity(entry, view, view_value),
            view=view,
            targets=targets,
            direct_target=direct,
            entry=entry,
            targets_complete=targets_complete,
            load=self.load_key(module, line, entry.get("c", 0), position),
            in_context=in_context(target_value),
        )
        route.endpoint, route.renamed_by = self._endpoint(route, endpoint, view)
        route.view_class = self._view_class(view, view_value, method)
        self.routes.append(route)
        self.routes_by_module.setdefault(module, {})[position] = route
        for target in targets:
            self.routes_by_object.setdefault(target, []).append(route)
        if view[0] == "function":
            self.routes_by_view.setdefault(view[1], []).append(route)

    def _identity(self, entry: Dict[str, Any], view: Obj, view_value: Value) -> Optional[Tuple[Any, ...]]:
        descriptor = entry.get("v") or ["?"]
        kind = descriptor[0]
        if kind == "def" and view[0] == "function":
            # Two defs of one name in one scope share a qualname: the def
            # line tells them apart.
            return ("def", view[1], descriptor[1] if len(descriptor) > 1 else None)
        if kind == "name" and view[0] in ("function", "method", "class"):
            return ("obj",) + tuple(view)
        if kind == "lambda":
            return ("lambda", entry["v"][1])
        if kind in ("as_view", "call") and isinstance(view_value, tuple) and view_value[:1] == ("new",):
            if kind == "call":
                # A view factory behind a decorator (``@memoize``, ``@lru_cache``)
                # may hand the same function to every call.
                factory = view[1].rsplit(".", 1)[0] if view[0] == "function" else None
                if factory is None or self.function_decorators(factory):
                    return None
            return ("new", view_value[2])
        return None

    def _view_class(self, view: Obj, view_value: Value, method: str) -> Optional[str]:
        """``Item`` for ``Item.as_view("item")``, ``add_resource(Item, ...)``
        and ``@api.route(...)`` on ``class Item(Resource)``."""
        if view[0] == "class":
            return str(view[1]) if method != "add_url_rule" else None
        if isinstance(view_value, tuple) and len(view_value) == 3 and view_value[0] == "new":
            callee = view_value[1]
            owner: Value = UNKNOWN
            if callee[0] == "q" and str(callee[1]).endswith(".as_view"):
                owner = ("q", str(callee[1])[: -len(".as_view")])
            elif callee[0] == "m" and len(callee) == 3 and callee[2] == "as_view":
                owner = callee[1]
            found = self.evaluate(owner)
            if found[0] == "class":
                return str(found[1])
        return None

    def class_handlers(self, class_qual: str) -> Optional[List[Tuple[str, str]]]:
        """What a request to a class-based view calls with the URL values as
        keyword arguments: [(HTTP verb or "*", method qualname)]: each verb
        method of a MethodView or Resource (``MethodView.dispatch_request``
        calls ``getattr(self, verb)(**kwargs)``, Flask-RESTful and RESTX do
        the same), or a plain View's ``dispatch_request``.  None when the
        dispatch is not Flask's or an extension's own (a project
        ``dispatch_request`` over MethodView, a third-party base class), or
        a ``decorators``/``method_decorators`` entry may change the
        arguments."""
        index = self.index
        if index.class_kind(class_qual) != "view":
            return None
        externals = set(index.base_qualnames(class_qual))
        if not externals or not externals <= VIEW_BASE_CLASSES | {"builtins.object"}:
            return None
        if not self._class_decorators_transparent(class_qual):
            return None
        dispatch = index.find_method(class_qual, "dispatch_request")
        method_view = bool(externals - {"flask.views.View"})
        if dispatch is not None:
            return None if method_view else [("*", dispatch)]
        if not method_view:
            return None
        found = [(verb, index.find_method(class_qual, verb)) for verb in sorted(_HANDLER_VERBS)]
        handlers = [(verb, qual) for verb, qual in found if qual is not None]
        return handlers or None

    def api_hosts(self, obj: Obj) -> List[Obj]:
        """The apps and blueprints an ``Api(app_or_bp)`` is created on (empty
        when not known: ``Api()`` with a later ``init_app``, a parameter)."""
        if obj[0] != "api":
            return []
        hosts = self.index.incoming().get(("<api>", obj[1]), [])
        flat = [h for host in hosts for h in self._flatten(host)]
        return flat if flat and all(h[0] in ("app", "blueprint") for h in flat) else []

    def extension_decorates(self, obj: Obj) -> bool:
        """Whether an ``Api``/``Namespace`` may wrap its resources' views
        (``decorators=`` or ``**options`` given to one; for a namespace,
        whose Api is not followed, to any of the project's)."""
        if self._decorating is None:
            found: Set[str] = set()
            for _module, summary in self.index.iter_modules():
                for key, args in (summary.get("ctor_args") or {}).items():
                    if isinstance(args, dict) and {"decorators", "*", "**"} & set(args):
                        found.add(key)
            self._decorating = found
        if obj[0] == "namespace":
            return bool(self._decorating)
        return obj[0] == "api" and obj[1] in self._decorating

    def _class_decorators_transparent(self, class_qual: str) -> bool:
        stack, seen = [class_qual], set()
        while stack:
            current = stack.pop()
            if current in seen or current not in self.index.classes:
                continue
            seen.add(current)
            module, info = self.index.classes[current]
            ext = self._ext(module)
            if ext is None:
                return False
            decorators = (ext.get("cdeco") or {}).get(current, [])
            if decorators is None or not all(self.decorator_effect(d[0], d[1]).transparent for d in decorators):
                return False
            for base in info.get("bases", ()):
                obj = self.index.evaluate(base)
                if obj[0] == "class":
                    stack.append(obj[1])
        return True

    # ------------------------------------------------------------ endpoints

    def _endpoint(self, route: RouteFact, explicit: Optional[str], view: Obj) -> Tuple[Optional[str], Optional[str]]:
        """The endpoint name Flask gives a registration (before any blueprint
        prefix), and the decorator that renamed the view, if one did."""
        entry = route.entry
        state = entry.get("ep", DYNAMIC if explicit is None else LITERAL)
        if explicit is not None:
            return explicit, None
        if state != ABSENT:
            return None, None
        kind = (entry.get("v") or ["?"])[0]
        if kind == "lambda":
            return "<lambda>", None
        if kind == "as_view":
            return entry["v"][1], None
        if kind == "def" and view[0] == "function":
            return self._after_decorators(view[1].rsplit(".", 1)[-1], entry.get("d", ()))
        if kind == "name" and view[0] == "function":
            decorators = [d for d in self.function_decorators(view[1]) if not d[2]]
            return self._after_decorators(view[1].rsplit(".", 1)[-1], decorators)
        if kind == "call" and view[0] == "function":
            facts = self.wrapper_facts(view[1])
            if facts is None or facts[1]:
                return None, None
            return (view[1].rsplit(".", 1)[-1] if not facts[0] else None), None
        return None, None

    def _after_decorators(self, name: str, decorators: Iterable[Any]) -> Tuple[Optional[str], Optional[str]]:
        renamed_by: Optional[str] = None
        for decorator in reversed(list(decorators)):
            effect = self.decorator_effect(decorator[0], decorator[1])
            if effect.renames_to == "?":
                return None, None
            if effect.renames_to is not None:
                name, renamed_by = effect.renames_to, decorator[1]
        return name, renamed_by

    def signature(self, qualname: str) -> Optional[List[Any]]:
        """What :func:`_signatures` recorded for a top-level def."""
        found = self.function(qualname)
        ext = self._ext(found[0]) if found else None
        sig = (ext.get("sig") or {}).get(qualname) if ext else None
        return list(sig) if sig else None

    def function_decorators(self, qualname: str) -> List[Any]:
        found = self.function(qualname)
        if found is None:
            return []
        ext = self._ext(found[0])
        entry = ext.get("funcs", {}).get(qualname) if ext else None
        return list(entry.get("d", ())) if isinstance(entry, dict) else []

    def wrapper_facts(self, qualname: str) -> Optional[List[bool]]:
        found = self.function(qualname)
        if found is None:
            return None
        ext = self._ext(found[0])
        entry = ext.get("funcs", {}).get(qualname) if ext else None
        facts = entry.get("w") if isinstance(entry, dict) else None
        return list(facts) if facts else None

    def _function_entry(self, qualname: str) -> Dict[str, Any]:
        found = self.function(qualname)
        ext = self._ext(found[0]) if found else None
        entry = ext.get("funcs", {}).get(qualname) if ext else None
        return entry if isinstance(entry, dict) else {}

    def _wrapper_effect(self, wrapper: str, qual: str) -> DecoratorEffect:
        """What the nested def a decorator returns does to the view."""
        facts = self.wrapper_facts(wrapper)
        if facts is None:
            return DecoratorEffect(None, False, qual)
        wraps, renamed, passes = facts
        if wraps:
            return DecoratorEffect(None, passes, qual)
        if renamed:
            return DecoratorEffect("?", False, qual)
        return DecoratorEffect(wrapper.rsplit(".", 1)[-1], False, qual)

    def decorator_effect(self, value: Value, name: str) -> DecoratorEffect:
        """What a decorator does to a view's name and arguments."""
        obj = self.evaluate(value)
        found = self.function(obj[1]) if obj[0] == "function" else None
        if found is not None:
            qual = obj[1]
            info = found[1]
            params = list(info.get("params", ()))
            results = {self.evaluate(r) for r in info.get("returns", ())}
            if not results:
                return DecoratorEffect(None, False, qual)
            if params and results == {("param", qual, params[0])}:
                return DecoratorEffect(None, True, qual)  # returns the view itself
            wrappers = [r for r in results if r[0] == "function" and r[1].startswith(qual + ".")]
            if len(wrappers) == 1 and len(results) == 1:
                return self._wrapper_effect(wrappers[0][1], qual)
            composed = self._function_entry(qual).get("c")
            if composed and len(results) == 1 and qual not in self._composing:
                # ``return other(wrapper)``: the other decorator wraps this
                # one's wrapper (or the view), so both must keep the name
                # and pass the arguments through.
                (callee, callee_name), inner = composed
                self._composing.add(qual)
                try:
                    outer = self.decorator_effect(callee, callee_name)
                finally:
                    self._composing.discard(qual)
                first = DecoratorEffect(None, True, qual) if inner is None else self._wrapper_effect(inner, qual)
                renames = outer.renames_to if outer.renames_to is not None else first.renames_to
                return DecoratorEffect(renames, outer.transparent and first.transparent, qual)
            return DecoratorEffect(None, False, qual)
        # Third-party or unknown: they keep the name (functools.wraps is the
        # norm); only the known ones are trusted with the arguments.
        return DecoratorEffect(None, name in TRANSPARENT_DECORATORS, None)

    # ------------------------------------------------------- blueprints

    def _add_bp_reg(self, module: str, position: int, fact: tuple, entry: Dict[str, Any]) -> None:
        if len(fact) < 5:
            return
        parents, parents_complete = self.targets_of(fact[0])
        child_value = fact[1]
        loose = child_value == UNKNOWN and "alt" in entry
        _external = False
        if loose:
            children, complete, via_param = self._loose_children(entry["alt"])
        else:
            children, complete, via_param, _external = self.index.blueprint_arg(child_value)
        reg = BlueprintRegFact(
            module, position, fact[4], entry.get("c", 0), entry.get("s", ""), parents, children, complete, entry,
            via_param, loose, in_context(fact[0]),
        )
        if _external and not loose and self._unresolved_project_import(child_value):
            complete = False
        if not complete:
            self.unknown_registrations = True
        self.bp_regs.append(reg)
        self.registered_keys.update(children)
        if loose:
            # Candidates of a loop the model cannot pin down: registered
            # somewhere, but not known to be by this very call.
            self.loosely_registered.update(children)
            return
        for child in children:
            for parent in parents:
                self.regs_of.setdefault(child, []).append((reg, parent))
        if not parents_complete:
            for child in children:
                self.regs_of.setdefault(child, []).append((reg, NOTHING))

    def _unresolved_project_import(self, value: Value) -> bool:
        """Whether a registration passes a third-party-looking name whose
        first part is a folder or module of the project: an import the index
        could not tie to one module (the index already follows every folder
        that can be on sys.path, ``ProjectIndex.module_alias``), which must
        never turn into a finding."""
        stack = [self.index.evaluate(value)]
        while stack:
            obj = stack.pop()
            if obj[0] == "seq":
                stack.extend(obj[1])
            elif obj[0] == "external" and obj[1].split(".")[0] in self._project_names():
                return True
        return False

    def _project_names(self) -> Set[str]:
        """Every folder and module name of the project."""
        if self._names is None:
            names: Set[str] = set()
            for rel in self.index.by_path:
                parts = os.path.splitext(rel)[0].split(os.sep)
                names.update(parts)
            names.discard("__init__")
            self._names = names
        return self._names

    def _escaped_blueprints(self) -> None:
        """Blueprints something outside the project's own calls may register:
        those a project function returns (an app factory's helper, a
        ``create_blueprint(app)`` that invenio-style frameworks call) and
        those named by the project's entry points (``module:attr`` in
        setup.cfg, pyproject.toml or setup.py)."""
        escaped: Set[str] = set()
        for _module, info in self.index.functions.values():
            for value in info.get("returns", ()):
                if value == UNKNOWN:
                    continue
                for obj in self._flatten(self.index.evaluate(value)):
                    if obj[0] == "blueprint":
                        escaped.add(obj[1])
        for target in entry_point_targets(self.index.root):
            module, _, attr = target.partition(":")
            obj = self.index.resolve_qualname(f"{module}.{attr}")
            for item in self._flatten(obj):
                if item[0] == "blueprint":
                    escaped.add(item[1])
        self.escaped_keys = escaped
        self.registered_keys.update(escaped)

    def _loose_children(self, alt: Value) -> Tuple[List[str], bool, bool]:
        """The blueprints the loop candidates of :func:`_loop_candidates`
        stand for (``("pick", i, n, v)``: element i of each n-tuple of v)."""
        if alt and alt[0] == "seq":
            keys: List[str] = []
            complete, via_param = True, False
            for item in alt[1]:
                more, whole, param = self._loose_children(item)
                keys.extend(k for k in more if k not in keys)
                complete, via_param = complete and whole, via_param or param
            return keys, complete, via_param
        if alt and alt[0] == "pick" and len(alt) == 4:
            _kind, position, width, value = alt
            found: List[str] = []
            whole = True
            for element in self._flatten_one(self.index.evaluate(value)):
                if element[0] != "seq" or len(element[1]) != width:
                    whole = False
                    continue
                picked = element[1][position]
                if picked[0] == "blueprint":
                    if picked[1] not in found:
                        found.append(picked[1])
                elif picked[0] not in ("external", "instance"):
                    whole = False
            return found, whole, False
        arg = self.index.blueprint_arg(alt)
        return arg.keys, arg.complete, arg.via_param

    def _flatten_one(self, obj: Obj) -> List[Obj]:
        """The elements of an evaluated sequence (one level)."""
        return list(obj[1]) if obj[0] == "seq" else [obj]

    def _add_preprocessor(self, value: Value, everywhere: bool) -> None:
        if everywhere:
            self.preprocessed_everywhere = True
            return
        targets, complete = self.targets_of(value)
        if not complete or not targets:
            self.preprocessed_everywhere = True
        self.preprocessed.update(targets)

    def is_preprocessed(self, obj: Obj, _seen: Optional[Set[Obj]] = None) -> bool:
        """Whether a url_value_preprocessor may edit the URL values of obj's routes."""
        if self.preprocessed_everywhere or obj in self.preprocessed:
            return True
        if obj[0] != "blueprint":
            return False
        if not self.regs_of.get(obj[1]) and self.unknown_registrations:
            return True  # registered we do not know where
        seen = _seen or set()
        if obj in seen:
            return False
        seen.add(obj)
        for _reg, parent in self.regs_of.get(obj[1], ()):
            if parent == NOTHING or self.is_preprocessed(parent, seen):
                return True
        return False

    def apps_of(self, obj: Obj, _seen: FrozenSet[Obj] = frozenset()) -> Optional[FrozenSet[Obj]]:
        """The apps the routes of ``obj`` end up on (a blueprint: through
        every registration, nested ones included), or None when one of its
        registrations is not known (or it may have more than the index sees)."""
        if obj[0] == "app":
            return frozenset({obj})
        if obj[0] != "blueprint" or obj in _seen:
            return None
        key = obj[1]
        regs = self.regs_of.get(key)
        if not regs or key in self.loosely_registered or key in self.escaped_keys or self.unknown_registrations:
            return None
        out: Set[Obj] = set()
        for _reg, parent in regs:
            apps = None if parent == NOTHING else self.apps_of(parent, _seen | {obj})
            if apps is None:
                return None
            out |= apps
        return frozenset(out)

    def contexts(self, obj: Obj) -> Optional[List[Context]]:
        """For the routes of ``obj``: the URL variables each registration
        adds (prefixes, subdomains, url_defaults), and whether that is all
        of them.  None when the object is not known to be registered."""
        return self._contexts_of(obj, with_defaults=True, seen=frozenset())

    def _contexts_of(self, obj: Obj, with_defaults: bool, seen: FrozenSet[Obj]) -> Optional[List[Context]]:
        if obj[0] == "app":
            return [(frozenset(), True)]
        if obj[0] != "blueprint" or obj in seen:
            return None
        memo_key = (obj, with_defaults)
        if memo_key in self._contexts:
            return self._contexts[memo_key]
        info = self.objects.get(obj[1])
        regs = self.regs_of.get(obj[1], [])
        if info is None or not regs:
            self._contexts[memo_key] = None
            return None
        args = info.args
        out: List[Context] = []
        for reg, parent in regs:
            entry = reg.entry
            own: Set[str] = set()
            complete = not args.get("dyn") and not entry.get("kw") and bool(entry)
            prefix_state = entry.get("prefix", DYNAMIC)
            if prefix_state == DYNAMIC:
                complete = False
            elif prefix_state == ABSENT:
                prefix = args.get("url_prefix", [])
                if prefix is None:
                    complete = False
                own.update(prefix or ())
            else:  # the registration's url_prefix replaces the blueprint's
                own.update(entry.get("pv", ()))
            if "sub" in entry:
                if entry["sub"] is None:
                    complete = False
                own.update(entry["sub"] or ())
            else:
                sub = args.get("subdomain", [])
                if sub is None:
                    complete = False
                own.update(sub or ())
            if with_defaults:
                for keys in (args.get("url_defaults", []), entry.get("dfl", [])):
                    if keys is None:
                        complete = False
                    own.update(keys or ())
            if parent == NOTHING:
                out.append((frozenset(own), False))
                continue
            parent_contexts = self._contexts_of(parent, with_defaults=False, seen=seen | {obj})
            if parent_contexts is None:
                out.append((frozenset(own), False))
                continue
            # A registration the code surely makes (names bound once, no
            # helper mixing the apps of several calls), or one on an app.
            complete = complete and (reg.exact or parent[0] == "app")
            for parent_vars, parent_complete in parent_contexts:
                out.append((frozenset(own) | parent_vars, complete and parent_complete))
        # A guessed root (no project marker) may miss other registrations of
        # the blueprint, but not undo one the index sees: a registration
        # that surely happens stays whole, as an app's own routes are.
        self._contexts[memo_key] = out
        return out

    def blueprint_name(self, key: str) -> Optional[str]:
        info = self.objects.get(key)
        return info.name if info else None


_ENTRY_POINT_RE = re.compile(
    r"""(?<![\w.])([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)\s*:\s*([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)(?=\s*(?:$|["',\]\[]))""",
    re.M,
)


def entry_point_targets(root: str) -> List[str]:
    """``module:attr`` references in the project's metadata: entry points
    (``invenio_base.blueprints = x = pkg.views:blueprint``) name objects a
    framework loads and registers itself."""
    found: List[str] = []
    for name in ("setup.cfg", "pyproject.toml", "setup.py"):
        try:
            with open(os.path.join(root, name), encoding="utf-8", errors="replace") as handle:
                text = handle.read(1_000_000)
        except OSError:
            continue
        for match in _ENTRY_POINT_RE.finditer(text):
            found.append(f"{match.group(1)}:{match.group(2)}")
    return found


@dataclass(frozen=True)
class DecoratorEffect:
    renames_to: Optional[str]  # the wrapper's name, "?" unknown, None keeps the name
    transparent: bool  # passes the URL variables through untouched
    function: Optional[str]  # the project decorator, when it is one


def routing_project(index: ProjectIndex) -> RoutingProject:
    """The routing facts of a project, computed once per index state."""
    return index.memoised("routing", RoutingProject)


__all__ = [
    "ROUTING_FACTS",
    "RoutingProject",
    "RouteFact",
    "BlueprintRegFact",
    "ObjectInfo",
    "DecoratorEffect",
    "routing_project",
    "rule_variables",
    "rule_may_match",
    "is_catch_all",
    "ends_in_catch_all",
    "path_tail",
    "ONE_SEGMENT_CONVERTERS",
    "normalise_rule",
    "literal_methods",
    "route_methods",
    "branch_path",
    "caught_around",
    "exclusive",
    "in_context",
    "decorator_name",
    "entry_point_targets",
    "resolved_name",
    "literal_str",
    "literal_keys",
    "TRANSPARENT_DECORATORS",
]


# The per-module facts the project index computes for this family.
ROUTING_FACTS = Extension(EXTENSION, summarise_routing, version="4", light=True)
