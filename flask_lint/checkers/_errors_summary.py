"""FLK2xx facts other files need: the ``errors`` summary extension (handler
bodies, serving, exception propagation), stored per module by the index."""

from __future__ import annotations

import ast
from typing import Any, Dict, Iterable, List, Optional, Set, Tuple

from ..model import FlaskModel, FunctionInfo, FunctionNode, HandlerReg, Value, call_arg, walk_nodes
from ..summary import Extension
from ._errors_functions import (
    FunctionFacts,
    cannot_raise,
    error_param,
    fixed_status,
    guarded_dispatch,
    pure_decorator,
    visible_to_index,
)
from ._errors_keys import CUSTOM_HANDLING_ATTRS
from ._errors_swallow import aborted_codes, aborting_scopes

# --------------------------------------------------------------------------
# Cross-file facts: the "errors" summary extension
# --------------------------------------------------------------------------

EXTENSION = "errors"


def summarise_errors(model: FlaskModel) -> Optional[Dict[str, Any]]:
    """Per module: ``funcs`` {qualname: [all returns bare?, http passage,
    answers, what :func:`cannot_raise` says]} for functions with something
    to say; ``aborts`` {qualname: [codes]} for those that abort (FLK209);
    ``custom`` the objects
    whose error machinery is replaced (``app.handle_exception = f``);
    ``json_errors`` {creation key: literal or None} for ``APIFlask(json_errors=)``;
    ``pure`` the pass-through decorators it defines.

    Modules that import nothing from Flask, Werkzeug or an extension may be
    held as light summaries: they give only what their top-level defs say
    by themselves (:func:`_plain_module_facts`, the same from a light or a
    full model) and are marked ``light``; a parameter reached there stays
    opaque."""
    if not visible_to_index(model):
        return _plain_module_facts(model)
    funcs: Dict[str, List[Any]] = {}
    views = {id(r.view_node) for r in model.routes if r.view_node is not None}
    for info in model.functions.values():
        # Only plain functions can be registered as Exception handlers
        # from another module; routed views never are.
        handler_shaped = info.class_node is None and id(info.node) not in views
        safe = cannot_raise(model, info.node, error_param(info) if handler_shaped else None)
        if not info.returns and not safe:
            continue
        facts = FunctionFacts(model, info)
        passage = facts.http_passage() if handler_shaped and info.returns else None
        row = [facts.all_bare() if info.returns else False, passage, facts.answers() if info.returns else None, safe]
        if passage == "fixed":
            row.append(fixed_status(facts))  # for FLK207's message in the registering module
        if any(row):
            funcs[info.qualname] = row
    aborts: Dict[str, List[int]] = {}
    aborting = aborting_scopes(model)
    for info in model.functions.values():
        codes = aborted_codes(model, info) if id(info.scope) in aborting else None
        if codes:
            aborts[info.qualname] = codes
    custom: List[Value] = []
    for target, scope in _attribute_assignments(model):
        custom.append(model.value(target, scope))
    json_errors: Dict[str, Any] = {}
    for creation in model.creations:
        value = call_arg(creation.node, 99, "json_errors")
        if value is not None:
            json_errors[creation.key] = value.value if isinstance(value, ast.Constant) else None
    out: Dict[str, Any] = {"funcs": funcs, "custom": custom, "json_errors": json_errors}
    if aborts:
        out["aborts"] = aborts
    out.update(_serving_facts(model))
    out.update(_propagation_facts(model))
    guarded = [
        scope.qualname
        for class_node, scope in model.classes.values()
        for item in class_node.body
        if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))
        and item.name == "dispatch_request"
        and not item.decorator_list
        and guarded_dispatch(model, item.body)
    ]
    if guarded:
        out["guarded_dispatch"] = guarded
    pure = _pure_decorators(model)
    if pure:
        out["pure"] = pure
    top = _top_level_sequence(model)
    if top:
        out["top"] = top
    return out


def _top_level_sequence(model: FlaskModel) -> List[List[Any]]:
    """The unconditional module-level statements that import project modules
    or register error handlers, in order: ``["import", [module, ...]]`` and
    ``["reg", target, method, key, func, line]`` (FLK208 across modules)."""
    regs: Dict[int, List[HandlerReg]] = {}
    for reg in model.handlers:
        anchor = reg.func_node if reg.func_node is not None and reg.node in reg.func_node.decorator_list else reg.node
        if not reg.in_loop:
            regs.setdefault(id(anchor), []).append(reg)
    out: List[List[Any]] = []
    for stmt in model.tree.body:
        if isinstance(stmt, (ast.Import, ast.ImportFrom)):
            out.append(["import", model.import_targets(stmt)])
        anchor_id = id(stmt.value) if isinstance(stmt, ast.Expr) else id(stmt)
        for reg in reversed(regs.get(anchor_id, ())):  # decorators apply bottom-up
            out.append(["reg", reg.target, reg.method, reg.key, reg.func, getattr(reg.node, "lineno", 0)])
    return out


def _top_level_functions(model: FlaskModel) -> List[FunctionInfo]:
    return [info for info in model.functions.values() if info.scope.parent is model.module_scope]


def _pure_decorators(model: FlaskModel) -> List[str]:
    return [info.qualname for info in _top_level_functions(model) if pure_decorator(model, info.node)]


def _own_returns(func: FunctionNode) -> List[ast.Return]:
    found: List[ast.Return] = []
    stack: List[ast.AST] = list(func.body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Return):
            found.append(node)
        elif isinstance(node, ast.stmt) and not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            stack.extend(child for child in ast.iter_child_nodes(node) if isinstance(child, (ast.stmt, ast.excepthandler)))
        elif isinstance(node, ast.ExceptHandler):
            stack.extend(node.body)
    return found


def _plain_module_facts(model: FlaskModel) -> Optional[Dict[str, Any]]:
    """What the top-level defs of a module that never mentions Flask say by
    themselves (their own AST only, so a light model gives the same): what
    they answer, whether they can raise, and the pass-through decorators."""
    funcs: Dict[str, List[Any]] = {}
    for info in _top_level_functions(model):
        plain = FunctionInfo(info.node, info.scope, info.qualname, None, _own_returns(info.node))
        safe = cannot_raise(model, info.node, error_param(plain))
        facts = FunctionFacts(model, plain)
        passage = facts.http_passage() if plain.returns else None
        answers = facts.answers() if plain.returns else None
        if passage or answers or safe:
            funcs[info.qualname] = [False, passage, answers, safe] + ([fixed_status(facts)] if passage == "fixed" else [])
    pure = _pure_decorators(model)
    top = _top_level_sequence(model)  # its imports: the order modules run in (FLK208)
    if not funcs and not pure and not top:
        return None
    out: Dict[str, Any] = {"light": True, "funcs": funcs}
    if pure:
        out["pure"] = pure
    if top:
        out["top"] = top
    return out


# Calls of the app that say what a module does with it.
APP_USES = frozenset({"run", "test_client", "test_request_context"})
_NOT_PROJECT_ROOTS = ("builtins.", "flask.", "werkzeug.")


def _runner(scope: Any, module: str) -> Optional[str]:
    """The function (qualname) whose running runs code in ``scope``; the
    module for module-level and class-body code; None inside a method."""
    current = scope
    while current is not None and current.kind in ("lambda", "comprehension", "class"):
        if current.kind == "class":
            return None if current.parent is not None and current.parent.kind != "module" else module
        current = current.parent
    if current is None or current.kind == "module":
        return module
    return str(current.qualname)


def _serving_facts(model: FlaskModel) -> Dict[str, Any]:
    """What decides whether an app created here ever serves a request:
    ``uses`` [runner, value] for every project callable called or handed
    over (a call graph), ``created_in`` {creation key: the module-level
    function whose call creates it, or None}, ``app_calls`` [object, attr]
    for ``x.run()``, ``x.test_client()``, ``x.test_request_context()``."""
    uses: Set[Tuple[str, Value]] = set()
    app_calls: List[List[Any]] = []
    module = model.module
    for call, scope, _loop in model.calls:
        runner = _runner(scope, module)
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr in APP_USES:
            app_calls.append([model.value(func.value, scope), func.attr])
        if runner is None:
            continue
        for node in [func] + list(call.args) + [k.value for k in call.keywords]:
            if isinstance(node, ast.Starred):
                node = node.value
            if not isinstance(node, (ast.Name, ast.Attribute)):
                continue
            value = model.value(node, scope)
            if value[0] == "q" and not str(value[1]).startswith(_NOT_PROJECT_ROOTS):
                uses.add((runner, value))
    created_in: Dict[str, Optional[str]] = {}
    for creation in model.creations:
        current: Any = creation.scope
        outer: Optional[str] = None
        while current is not None and current.kind != "module":
            if current.kind == "class":
                outer = None
                break
            if current.kind == "function" and current.parent is not None and current.parent.kind == "module":
                info = next((i for i in model.functions.values() if i.scope is current), None)
                outer = None if info is None or info.node.decorator_list else str(current.qualname)
            current = current.parent
        created_in[creation.key] = outer
    return {
        "uses": sorted(([r, v] for r, v in uses), key=repr),
        "created_in": created_in,
        "app_calls": app_calls,
    }


PROPAGATE = "PROPAGATE_EXCEPTIONS"


def _literal_flag(node: Optional[ast.expr]) -> Optional[bool]:
    """True/False for a literal, None when the value is not literal."""
    if isinstance(node, ast.Constant) and isinstance(node.value, (bool, int, type(None))):
        return bool(node.value)
    return None


_SKIP = "skip"


def _key_flag(key: Any, node: Optional[ast.expr]) -> Any:
    """What setting config ``key`` to ``node`` says about propagation: the
    flag of ``PROPAGATE_EXCEPTIONS`` (None: not a literal); True for a
    literally true ``DEBUG`` or ``TESTING`` (``PROPAGATE_EXCEPTIONS`` left
    at None follows them); ``_SKIP`` for anything else."""
    if key == PROPAGATE:
        return _literal_flag(node)
    if key in ("DEBUG", "TESTING"):
        return True if _literal_flag(node) is True else _SKIP
    return _SKIP


def _propagation_facts(model: FlaskModel) -> Dict[str, Any]:
    """Where exceptions are set to propagate (``PROPAGATE_EXCEPTIONS``, or
    ``DEBUG``/``TESTING``/``app.debug``/``app.testing`` literally true):
    ``propagate`` [config owner, flag (None: not a literal)],
    ``config_objects`` [config owner, what ``config.from_object()`` gets],
    ``propagate_classes`` {class: flag} and ``module_propagate`` (a settings
    module's own)."""
    found: List[List[Any]] = []
    objects: List[List[Any]] = []

    def add(owner: ast.expr, key: Any, node: Optional[ast.expr]) -> None:
        flag = _key_flag(key, node)
        if flag != _SKIP:
            found.append([model.value(owner), flag])

    # ``if __name__ == "__main__": app.debug = True; app.run()`` is the
    # developer's own run, not how the app is served.
    script_only = {
        id(inner)
        for stmt in model.tree.body
        if isinstance(stmt, ast.If) and "__main__" in ast.dump(stmt.test)
        for inner in ast.walk(stmt)
    }
    for node in walk_nodes(model.tree):
        if id(node) in script_only:
            continue
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if (
                    isinstance(target, ast.Subscript)
                    and isinstance(target.value, ast.Attribute)
                    and target.value.attr == "config"
                    and isinstance(target.slice, ast.Constant)
                ):
                    add(target.value.value, target.slice.value, node.value)
                elif isinstance(target, ast.Attribute) and target.attr in ("debug", "testing"):
                    add(target.value, target.attr.upper(), node.value)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            if not (isinstance(owner, ast.Attribute) and owner.attr == "config"):
                continue
            method = node.func.attr
            if method in ("update", "from_mapping", "setdefault"):
                if method == "setdefault" and len(node.args) == 2:
                    if isinstance(node.args[0], ast.Constant):
                        add(owner.value, node.args[0].value, node.args[1])
                    continue
                for keyword in node.keywords:
                    if keyword.arg is None:
                        found.append([model.value(owner.value), None])  # **settings
                    else:
                        add(owner.value, keyword.arg, keyword.value)
                for arg in node.args:
                    if isinstance(arg, ast.Dict):
                        for key, item in zip(arg.keys, arg.values):
                            if key is None:
                                found.append([model.value(owner.value), None])
                            elif isinstance(key, ast.Constant):
                                add(owner.value, key.value, item)
                    else:
                        found.append([model.value(owner.value), None])  # a mapping built elsewhere
            elif method == "from_object" and node.args:
                arg = node.args[0]
                what = ("q", arg.value) if isinstance(arg, ast.Constant) and isinstance(arg.value, str) else model.value(arg)
                objects.append([model.value(owner.value), what])
    classes: Dict[str, Any] = {}
    for class_node, scope in model.classes.values():
        for member in class_node.body:
            flag = _assigned_flag(member)
            if flag != _SKIP:
                classes[scope.qualname] = flag
    module_flag: Any = False
    for stmt in model.tree.body:
        flag = _assigned_flag(stmt)
        if flag != _SKIP:
            module_flag = flag
    out: Dict[str, Any] = {}
    if found:
        out["propagate"] = found
    if objects:
        out["config_objects"] = objects
    if classes:
        out["propagate_classes"] = classes
    if module_flag is not False:
        out["module_propagate"] = module_flag
    return out


def _assigned_flag(stmt: ast.stmt) -> Any:
    """``PROPAGATE_EXCEPTIONS = ...`` (or ``DEBUG = True``) in a config class or module."""
    if isinstance(stmt, ast.Assign):
        for target in stmt.targets:
            if isinstance(target, ast.Name):
                flag = _key_flag(target.id, stmt.value)
                if flag != _SKIP:
                    return flag
    return _SKIP


# Statements without a statement list under them (and not assignments).
_NO_BLOCK_STATEMENTS = frozenset(
    {
        ast.Expr, ast.Return, ast.Raise, ast.Assert, ast.Delete, ast.Pass, ast.Break, ast.Continue, ast.Global,
        ast.Nonlocal, ast.Import, ast.ImportFrom,
    }
)


def _attribute_assignments(model: FlaskModel) -> Iterable[Tuple[ast.expr, Any]]:
    """(object, scope) for ``obj.handle_exception = ...`` and
    ``obj.error_handler_spec[...] = ...`` statements."""
    bodies: List[Tuple[List[ast.stmt], Any]] = [(model.tree.body, model.module_scope)]
    bodies += [(info.node.body, info.scope) for info in model.functions.values()]
    for body, scope in bodies:
        stack = list(body)
        while stack:
            stmt = stack.pop()
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                continue
            if isinstance(stmt, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
                targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                for target in targets:
                    while isinstance(target, ast.Subscript):
                        target = target.value
                    if isinstance(target, ast.Attribute) and target.attr in CUSTOM_HANDLING_ATTRS:
                        yield target.value, scope
                continue
            if type(stmt) in _NO_BLOCK_STATEMENTS:
                continue  # nothing under it to look at
            for name in ("body", "orelse", "finalbody", "handlers"):
                stack.extend(getattr(stmt, name, ()) or ())


# The per-module facts the project index computes for this family.
ERRORS_FACTS = Extension(EXTENSION, summarise_errors, version="7", light=True)
