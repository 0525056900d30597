"""FLK1xx helpers: which functions answer requests, and what the project
index knows about the functions they call.

:func:`responders` lists the views, error handlers and request hooks of a
file with their role, whether they are Flask-RESTful/RESTX ``Resource``
methods, and whether their decorators hand the return value to Flask
unchanged (``transparent``).  :class:`ProjectFacts` reads the ``responses``
summary extension (:mod:`._responses_flow`) through the index and resolves
its cross-module dependencies.
"""

from __future__ import annotations

import ast
import weakref
from dataclasses import dataclass
from typing import Any, Dict, FrozenSet, List, Optional, Set, Tuple

from ..engine import VIEW_OWNERS, FileContext
from ..index import NOTHING, ProjectIndex
from ..model import UNKNOWN, FlaskModel, FunctionInfo, FunctionNode, Scope, Value, View
from ._responses_flow import CONSTANTS_KEY, EXTENSION, passthrough_decorator_name, passthrough_name
from ._responses_flow import UNKNOWN as NOT_KNOWN

RESOURCE_CLASSES = frozenset({"flask_restful.Resource", "flask_restx.Resource", "flask_restplus.Resource"})
# Bases whose dispatch_request calls the method named after the HTTP method.
METHOD_DISPATCH_CLASSES = RESOURCE_CLASSES | {"flask.views.MethodView", "apiflask.views.MethodView", "apiflask.MethodView"}
BEFORE_HOOKS = frozenset({"before_request", "before_app_request"})
AFTER_HOOKS = frozenset({"after_request", "after_app_request"})
TEARDOWN_HOOKS = frozenset({"teardown_request", "teardown_app_request", "teardown_appcontext"})


# --------------------------------------------------------------------------
# Project facts (the summary extension, read through the index)
# --------------------------------------------------------------------------


class ProjectFacts:
    """``nr`` / ``resp`` / ``deco`` facts of project functions, with their
    cross-module dependencies resolved through the index."""

    def __init__(self, index: ProjectIndex) -> None:
        self.index = index
        self._nr: Dict[str, bool] = {}
        self._resp: Dict[str, bool] = {}
        self._hooks: Optional[Dict[str, List[Tuple[str, str]]]] = None
        self._predicates: Dict[str, ast.expr] = {}
        self._quiet: Dict[str, bool] = {}

    def hook_registrations(self) -> Dict[str, List[Tuple[str, str]]]:
        """function qualname -> (registering module, hook kind) for every
        request hook registered on an app, blueprint, Api or parameter (or
        an object the index cannot see), computed once per index state."""
        if self._hooks is None:
            table: Dict[str, List[Tuple[str, str]]] = {}
            for name, summary in self.index.iter_modules():
                for fact in summary.get("hooks", ()):
                    obj = self.index.evaluate(fact[2])
                    if obj[0] != "function":
                        continue
                    owner = self.index.evaluate(fact[0]) if fact[0] != UNKNOWN else NOTHING
                    if owner == NOTHING or owner[0] in ("app", "blueprint", "api", "namespace", "param"):
                        table.setdefault(obj[1], []).append((name, fact[1]))
            self._hooks = table
        return self._hooks

    def function(self, qual: Optional[str]) -> Optional[str]:
        if not qual:
            return None
        obj = self.index.evaluate(("q", qual))
        return obj[1] if obj[0] == "function" else None

    def row(self, func: str) -> Optional[Dict[str, Any]]:
        """The function's facts ({} when it has none), None when its module
        has no facts at all (a file that never mentions Flask)."""
        entry = self.index.functions.get(func)
        if entry is None:
            return None
        data = self.index.modules.get(entry[0], {}).get("x:" + EXTENSION)
        if data is None:
            return None
        return data.get(func, {})

    def dispatch_changes(self, class_qual: str) -> bool:
        """Whether the ``dispatch_request`` a project class-based view runs
        is the project's own and does something with what the view's method
        returns (``if result is None: return jsonify(None)``): that method's
        fall-off is no longer Flask's TypeError.  One the index cannot read
        counts as changing it."""
        found = self.index.find_method(class_qual, "dispatch_request")
        if found is None:
            return False
        row = self.row(found)
        return row is None or bool(row.get("changes"))

    def constant(self, qual: str) -> Any:
        """The value of another module's constant (``pkg.config.SIZES``), or
        NOT_KNOWN; a JSON copy, so lists stand for tuples too."""
        module, _, name = qual.rpartition(".")
        data = self.index.modules.get(module, {}).get("x:" + EXTENSION) if module else None
        constants = data.get(CONSTANTS_KEY) if isinstance(data, dict) else None
        if not isinstance(constants, dict) or name not in constants:
            return NOT_KNOWN
        return constants[name]

    def checked_arguments(self, qual: Optional[str], call: ast.Call) -> List[ast.expr]:
        """The arguments of a call of a project function that raises (or
        aborts) unless they are truthy (``ensure(value)``)."""
        func = self.function(qual)
        row = self.row(func) if func is not None else None
        guards = row.get("guards") if row is not None else None
        if not guards:
            return []
        out: List[ast.expr] = []
        for position, name in guards:
            if position is not None and position < len(call.args) and not any(
                isinstance(a, ast.Starred) for a in call.args[: position + 1]
            ):
                out.append(call.args[position])
            else:
                out.extend(k.value for k in call.keywords if k.arg == name)
        return out

    def predicate(self, qual: Optional[str]) -> Optional[Tuple[List[str], ast.expr]]:
        """(parameters, expression) of a project function that only returns
        an expression over its parameters (``is_even(value)``)."""
        func = self.function(qual)
        row = self.row(func) if func is not None else None
        pred = row.get("pred") if row is not None else None
        if not (isinstance(pred, (list, tuple)) and len(pred) == 2 and isinstance(pred[1], str)):
            return None
        parsed = self._predicates.get(pred[1])
        if parsed is None:
            try:
                parsed = ast.parse(pred[1], mode="eval").body
            except SyntaxError:
                return None
            self._predicates[pred[1]] = parsed
        return [str(p) for p in pred[0]], parsed

    def never_returns(self, qual: Optional[str]) -> Optional[bool]:
        """True / False for a project function with facts, None otherwise."""
        func = self.function(qual)
        if func is None:
            return None
        return self._resolve(func, "nr", self._nr)

    def always_true(self, qual: Optional[str]) -> bool:
        """A project function that returns a truthy literal or raises."""
        func = self.function(qual)
        if func is None:
            return False
        row = self.row(func)
        deps = row.get("true") if row is not None else None
        return deps is not None and all(self._dep(dep, "nr", self._nr) for dep in deps)

    def returns_response(self, qual: Optional[str]) -> bool:
        func = self.function(qual)
        return func is not None and self._resolve(func, "resp", self._resp) is True

    def reply(self, qual: Optional[str]) -> Optional[Dict[str, Any]]:
        """What a call of a project helper answers with (see
        :func:`._responses_flow.reply_facts`), when neither it nor a
        function it calls in another module can raise or abort on its own:
        None otherwise."""
        func = self.function(qual)
        if func is None or not self._quiet_function(func):
            return None
        row = self.row(func)
        reply = row.get("reply") if row is not None else None
        return reply if isinstance(reply, dict) else None

    def returned_helpers(self) -> Dict[str, List[Tuple[str, str, int, List[int], Dict[str, int]]]]:
        """project function -> (module, view, line, positional, keywords)
        for each ``return helper(...)`` of a view whose decorators hand
        the value back (see :func:`._responses_flow.returned_helpers`),
        computed once per index state."""
        return self.index.memoised("flk107-returned-helpers", lambda index: _returned_helpers(self))

    def _quiet_function(self, func: str) -> bool:
        """A helper with a reply each of whose calls into other modules is
        to a project function that does not visibly raise (one level: what
        those call in turn is not followed)."""
        if func in self._quiet:
            return self._quiet[func]
        row = self.row(func)
        reply = row.get("reply") if row is not None else None
        result = isinstance(reply, dict)
        for qual in reply.get("if", ()) if isinstance(reply, dict) else ():
            dep = self.function(qual)
            dep_row = self.row(dep) if dep is not None else None
            if dep_row is None or dep_row.get("raises"):
                result = False
                break
        self._quiet[func] = result
        return result

    def decorator(self, qual: Optional[str], _seen: Optional[Set[str]] = None) -> Optional[bool]:
        """Whether a project decorator hands the view's value back: True,
        False, or None when it is no project function with facts.  One
        that returns another module's decorator (``return visible_only(f)``)
        holds when that one does."""
        func = self.function(qual)
        if func is None:
            return None
        row = self.row(func)
        if row is None:
            return None
        deco = row.get("deco")
        if not isinstance(deco, bool):
            return False
        seen = (_seen or set()) | {func}
        for dep in row.get("deco_if", ()) if deco else ():
            if dep in seen or self.decorator(dep, seen) is not True:
                return False
        return deco

    def _resolve(self, func: str, key: str, memo: Dict[str, bool]) -> Optional[bool]:
        if func in memo:
            return memo[func]
        row = self.row(func)
        if row is None:
            return None
        memo[func] = False  # cycle guard
        deps = row.get(key)
        result = deps is not None and all(self._dep(dep, key, memo) for dep in deps)
        memo[func] = result
        return result

    def _dep(self, qual: str, key: str, memo: Dict[str, bool]) -> bool:
        func = self.function(qual)
        return func is not None and self._resolve(func, key, memo) is True


def _returned_helpers(facts: ProjectFacts) -> Dict[str, List[Tuple[str, str, int, List[int], Dict[str, int]]]]:
    table: Dict[str, List[Tuple[str, str, int, List[int], Dict[str, int]]]] = {}
    for module, data in facts.index.extension(EXTENSION):
        for view, row in data.items():
            returned = row.get("rc") if isinstance(row, dict) else None
            if not returned:
                continue
            if not all(_decorator_hands_back(facts, qual, name) for qual, name in returned.get("d", ())):
                continue
            for callee, line, positional, keywords in returned["r"]:
                func = facts.function(callee)
                if func is not None:
                    entry = (module, view.rsplit(".", 1)[-1], int(line), list(positional), dict(keywords))
                    table.setdefault(func, []).append(entry)
    return table


def _decorator_hands_back(facts: ProjectFacts, qual: Optional[str], name: Optional[str]) -> bool:
    """As :func:`_hands_back`, from what a summary keeps of a decorator."""
    verdict = facts.decorator(qual)
    if verdict is not None:
        return bool(verdict)
    return passthrough_decorator_name(name)


_FACTS: weakref.WeakKeyDictionary[ProjectIndex, Tuple[object, ProjectFacts]] = weakref.WeakKeyDictionary()


def project_facts(index: ProjectIndex) -> ProjectFacts:
    """One :class:`ProjectFacts` per index state (the index replaces its
    ``modules`` table whenever a summary changes)."""
    cached = _FACTS.get(index)
    if cached is not None and cached[0] is index.modules:
        return cached[1]
    facts = ProjectFacts(index)
    _FACTS[index] = (index.modules, facts)
    return facts


# --------------------------------------------------------------------------
# The functions whose return values are responses
# --------------------------------------------------------------------------


@dataclass
class Responder:
    func: FunctionNode
    info: FunctionInfo
    role: str  # view, handler, before, after, teardown, hook
    view: Optional[View] = None
    resource: bool = False
    transparent: bool = True
    # A Resource method whose value the Api marshals (@ns.marshal_with(model)):
    # a None becomes an object with every field null, answered as a success.
    marshalled: bool = False

    @property
    def name(self) -> str:
        if self.view is not None and self.view.class_node is not None:
            return f"{self.view.class_node.name}.{self.func.name}"
        return self.func.name

    @property
    def returns_response(self) -> bool:
        """What it returns goes through make_response."""
        return self.role in ("view", "handler", "before")


def def_span(func: FunctionNode) -> ast.AST:
    """A report location covering only ``def name``."""
    prefix = 10 if isinstance(func, ast.AsyncFunctionDef) else 4
    return ast.Pass(
        lineno=func.lineno,
        col_offset=func.col_offset,
        end_lineno=func.lineno,
        end_col_offset=func.col_offset + prefix + len(func.name),
    )


def responders(ctx: FileContext) -> List[Responder]:
    key = "flk1-responders"
    if key not in ctx._cache:
        ctx._cache[key] = _find_responders(ctx)
    result: List[Responder] = ctx._cache[key]
    return result


def _find_responders(ctx: FileContext) -> List[Responder]:
    model = ctx.model
    found: Dict[int, Responder] = {}
    registrations = _registration_nodes(model)

    def add(func: FunctionNode, role: str, view: Optional[View] = None) -> None:
        if id(func) in found:
            return
        info = model.function_info(func)
        if info is None or in_test_function(ctx, info.scope.parent):
            return
        responder = Responder(func, info, role, view)
        if view is not None and view.class_node is not None:
            responder.resource = _is_resource(ctx, view.class_node) and not _plain_view_class(ctx, view.class_node)
        responder.transparent = _transparent(ctx, func, registrations, view)
        if responder.resource and not responder.transparent:
            responder.marshalled = _marshalled(ctx, func, registrations, view)
        found[id(func)] = responder

    facts = project_facts(ctx.index)
    for view in ctx.views:
        if view.class_node is None or view.func.name == "dispatch_request":
            add(view.func, "view", view)
        elif _dispatches_methods(ctx, view.class_node) and not _own_dispatch_changes(ctx, facts, view.class_node):
            add(view.func, "view", view)
    for func, reg in ctx.error_handlers:
        if reg is None or _flask_owner(ctx, reg.target):
            add(func, "handler")
    for hook in ctx.hooks:
        if hook.func_node is not None and _flask_owner(ctx, hook.target):
            add(hook.func_node, _hook_role(hook.kind))
    external = _external_hooks(ctx)
    for info in model.functions.values():
        kinds = external.get(info.qualname)
        if kinds:
            add(info.node, _hook_role(sorted(kinds)[0]))
    for info in model.functions.values():
        if any(model.qualname(_decorator_callee(d)) == "flask.after_this_request" for d in info.node.decorator_list):
            add(info.node, "after")
    for call, _scope, _loop in model.calls:
        # after_this_request(func): one positional name (checked first, cheaply).
        if len(call.args) != 1 or not isinstance(call.args[0], ast.Name):
            continue
        if model.call_qualname(call) == "flask.after_this_request":
            local = _local_function(model, call.args[0])
            if local is not None:
                add(local, "after")
    return list(found.values())


def in_test_function(ctx: FileContext, scope: Optional[Scope]) -> bool:
    """Inside a ``test*`` function or method of a test file: test suites
    build views and responses that are broken on purpose, to see how Flask
    fails.  (An app's own view named ``test_email`` is still checked.)"""
    if not ctx.is_test_file:
        return False
    while scope is not None:
        if scope.kind == "function" and scope.qualname.rsplit(".", 1)[-1].startswith("test"):
            return True
        scope = scope.parent
    return False


def _flask_owner(ctx: FileContext, target: Value) -> bool:
    """A registration on an app, blueprint or Api, or on an object the
    index cannot see in a file that imports Flask (as for views)."""
    kind = ctx.owner_kind(target)
    return kind in VIEW_OWNERS or (kind == "unknown" and ctx.imports_flask)


def _local_function(model: FlaskModel, node: ast.expr) -> Optional[FunctionNode]:
    if not isinstance(node, ast.Name):
        return None
    found = model.lookup(node.id, model.scope_of(node))
    if found is None or len(found[1]) != 1 or found[1][0].kind != "def":
        return None
    target = found[1][0].node
    return target if isinstance(target, (ast.FunctionDef, ast.AsyncFunctionDef)) else None


def _hook_role(kind: str) -> str:
    if kind in BEFORE_HOOKS:
        return "before"
    if kind in AFTER_HOOKS:
        return "after"
    if kind in TEARDOWN_HOOKS:
        return "teardown"
    return "hook"


def _external_hooks(ctx: FileContext) -> Dict[str, Set[str]]:
    """Functions of this module registered as request hooks by other modules."""
    table = project_facts(ctx.index).hook_registrations()
    found: Dict[str, Set[str]] = {}
    for info in ctx.model.functions.values():
        for module, kind in table.get(info.qualname, ()):
            if module != ctx.model.module:
                found.setdefault(info.qualname, set()).add(kind)
    return found


def _registration_nodes(model: FlaskModel) -> Set[int]:
    nodes: Set[int] = set()
    for reg in list(model.routes) + list(model.handlers) + list(model.hooks):
        nodes.add(id(reg.node))
    return nodes


def _decorator_callee(decorator: ast.expr) -> ast.expr:
    return decorator.func if isinstance(decorator, ast.Call) else decorator


def _is_resource(ctx: FileContext, class_node: ast.ClassDef) -> bool:
    return _derives_from(ctx, class_node, RESOURCE_CLASSES)


def _plain_view_class(ctx: FileContext, class_node: ast.ClassDef) -> bool:
    """A Resource registered with ``as_view`` on an app or blueprint, never
    through an Api: nothing turns what its methods return into a response
    (``None`` included) but Flask itself."""
    routes = [r for r in ctx.model.routes if r.view_node is class_node]
    return bool(routes) and all(
        r.method != "add_resource" and ctx.owner_kind(r.target) in ("app", "blueprint") for r in routes
    )


def _own_dispatch_changes(ctx: FileContext, facts: ProjectFacts, class_node: ast.ClassDef) -> bool:
    entry = ctx.model.classes.get(id(class_node))
    return entry is not None and facts.dispatch_changes(entry[1].qualname)


def _dispatches_methods(ctx: FileContext, class_node: ast.ClassDef) -> bool:
    """A MethodView or Resource: Flask (or the extension) calls ``get``,
    ``post``... itself.  A plain ``View`` subclass only has
    ``dispatch_request``; its ``get`` is whatever the project makes of it
    (often a helper whose tuple is data)."""
    return _derives_from(ctx, class_node, METHOD_DISPATCH_CLASSES)


def _derives_from(ctx: FileContext, class_node: ast.ClassDef, wanted: FrozenSet[str]) -> bool:
    entry = ctx.model.classes.get(id(class_node))
    if entry is None:
        return False
    if set(ctx.index.base_qualnames(entry[1].qualname)) & wanted:
        return True
    # A class of this file the index does not know yet: look at its bases.
    return any(ctx.model.qualname(base) in wanted for base in class_node.bases)


# Marshalling decorators: ``None`` becomes the model with every field null.
MARSHAL_DECORATORS = frozenset({"flask_restx.marshal_with", "flask_restful.marshal_with", "flask_restplus.marshal_with"})
_MARSHAL_METHODS = frozenset({"marshal_with", "marshal_list_with"})
# Methods of a Flask-RESTX Api or Namespace that only document the method.
_DOC_METHODS = frozenset({"doc", "response", "expect", "header", "param", "produces", "deprecated", "hide", "vendor"})


def _api_method(ctx: FileContext, callee: ast.expr, names: FrozenSet[str]) -> bool:
    return (
        isinstance(callee, ast.Attribute)
        and callee.attr in names
        and ctx.owner_kind(ctx.model.value(callee.value)) in ("api", "namespace")
    )


def _marshal_decorator(ctx: FileContext, decorator: ast.expr) -> bool:
    """``@ns.marshal_with(model)``, ``@marshal_with(fields)``: without
    ``skip_none=`` (which drops the null fields) or ``**options``."""
    if not isinstance(decorator, ast.Call) or any(k.arg in (None, "skip_none") for k in decorator.keywords):
        return False
    callee = decorator.func
    return ctx.model.qualname(callee) in MARSHAL_DECORATORS or _api_method(ctx, callee, _MARSHAL_METHODS)


def _marshalled(ctx: FileContext, func: FunctionNode, registrations: Set[int], view: Optional[View]) -> bool:
    """A Resource method whose only decorators that touch its value marshal
    it (the others document it or hand the value back)."""
    shared = _class_decorators(view)
    if shared is None or not all(_hands_back(ctx, d) for d in shared):
        return False
    found = False
    for decorator in func.decorator_list:
        if id(decorator) in registrations:
            continue
        if _marshal_decorator(ctx, decorator):
            found = True
        elif not (_api_method(ctx, _decorator_callee(decorator), _DOC_METHODS) or _hands_back(ctx, decorator)):
            return False
    return found


def _class_decorators(view: Optional[View]) -> Optional[List[ast.expr]]:
    """The decorators a class-based view applies to every method
    (``decorators = [...]``, ``method_decorators = [...]``); None when they
    are not a literal list."""
    out: List[ast.expr] = []
    if view is None or view.class_node is None:
        return out
    for item in view.class_node.body:
        if isinstance(item, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id in ("decorators", "method_decorators") for t in item.targets
        ):
            if not isinstance(item.value, (ast.List, ast.Tuple)):
                return None
            out.extend(item.value.elts)
    return out


def _hands_back(ctx: FileContext, decorator: ast.expr) -> bool:
    """A decorator that hands the function's return value back unchanged."""
    callee = _decorator_callee(decorator)
    verdict = project_facts(ctx.index).decorator(ctx.model.qualname(callee))
    if verdict is not None:
        return bool(verdict)
    return passthrough_name(ctx.model, callee)


def _transparent(ctx: FileContext, func: FunctionNode, registrations: Set[int], view: Optional[View]) -> bool:
    """Every decorator hands the function's return value to Flask unchanged."""
    shared = _class_decorators(view)
    if shared is None:
        return False
    decorators: List[ast.expr] = list(func.decorator_list)
    # A decorator written above a route (or handler, hook) decorator wraps
    # only what the name is bound to: Flask keeps the function as it was
    # when that lowest registration saw it.
    lowest = max((i for i, d in enumerate(decorators) if id(d) in registrations), default=None)
    if lowest is not None:
        decorators = decorators[lowest + 1 :]
    return all(_hands_back(ctx, d) for d in decorators + shared if id(d) not in registrations)
