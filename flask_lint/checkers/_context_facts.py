"""Per-function context facts for the FLK4xx rules: a summary extension.

For every function of a module the extension records, as JSON data:

``u``   the context uses that nothing in the function covers: a list of
        ``[what, line, need, attr, write, error_path, caught, conditional]``
        (and the parameter guards, see ``sig``) where ``what``
        is a canonical context local (``flask.request``...) or a helper call
        (``url_for()``), ``need`` is :data:`APP` or :data:`REQUEST`, ``attr``
        the attribute read or written (``""`` when unknown), ``write`` 1 for a
        store, ``error_path`` 1 inside an ``except`` block and ``caught`` 1
        inside a ``try`` whose handlers catch ``Exception`` (no crash, but the
        work is lost), ``conditional`` 1 when it may not run (a branch, a loop
        body, a handler, after an early ``return``);
``c``   the calls it makes, ``[value, line, level, conditional]`` (and the
        parameter guards, see ``sig``): the callee
        as a model value (``self.method`` resolved to the enclosing class), the
        context level the call runs under inside the function (``with
        app.app_context()``) and whether it may not run;
``p``   the highest context level the function pushes itself;
``dp``  the same, including the functions nested in it (for decorators);
``d``   its decorators as values, ``[value, is_call, keyword names]``;
``gen`` 1 for a generator;
``gd``  1 when it checks ``has_request_context()`` / ``has_app_context()`` or
        tests a proxy for truth: it is written to run without a context;
``sa``  attributes it reads from ``self`` (only for functions that push a
        request context: the options a Celery task base class reads);
``im``  the imports in its body, ``[modules, level]``;
``sig`` its signature, for functions whose uses or calls depend on a
        parameter: ``[positional, keyword-only, {param: truth of its literal
        default}, 1 with *args or **kwargs]``; such a use (or call) carries a
        last item ``[[param, truth], ...]``: it runs only when each param's
        truth value is the one given (``if notify:``, ``if not dry_run:
        return``, ``notify and flash(...)``), so a hand-over that binds the
        parameter to a literal of the other truth value never reaches it;
``ho``  the parameters it hands to another thread, process or greenlet,
        ``[param, kind, api, positional, keywords]`` (the last two: what the
        callable receives, see :func:`_passed_through`), also from a nested function (``def run_async(f):
        Thread(target=f).start()``, or a decorator whose wrapper does it).

Under ``i`` the extension also keeps the module-level imports, ``[modules,
level]`` with the context pushed around them (``with app.app_context():``),
also for files that never mention Flask, and under ``e`` 1 for a module that
is run rather than imported (see :func:`is_entry_module`).

Levels: 0 none, :data:`APP` an app context, :data:`REQUEST` a request context
(which also pushes an app context).  Uses inside ``try`` blocks that catch
``RuntimeError`` by name are not recorded: that code expects no context.
"""

from __future__ import annotations

import ast
import sys
import weakref
from typing import Any, Dict, FrozenSet, Iterator, List, Optional, Sequence, Set, Tuple

from ..model import UNKNOWN, FlaskModel, FunctionInfo, Scope, Value, call_arg, child_nodes
from ..summary import Extension, Line
from ._context_apis import BACKGROUND_TASK, DIRECT, POOL_FAMILIES, POOL_METHODS, RUN_IN_EXECUTOR, Api

# What the family's checks yield: (rule code, node, message arguments).
Finding = Tuple[str, ast.AST, Dict[str, Any]]

APP = 1
REQUEST = 2

LOCAL_NEED: Dict[str, int] = {
    "flask.request": REQUEST,
    "flask.session": REQUEST,
    "flask.g": APP,
    "flask.current_app": APP,
}
HELPER_NEED: Dict[str, int] = {
    "flask.url_for": APP,
    "flask.render_template": APP,
    "flask.render_template_string": APP,
    "flask.stream_template": APP,
    "flask.stream_template_string": APP,
    "flask.jsonify": APP,
    "flask.flash": REQUEST,
    "flask.get_flashed_messages": REQUEST,
}
GUARDS = frozenset(
    {
        "flask.has_request_context",
        "flask.has_app_context",
        "flask.ctx.has_request_context",
        "flask.ctx.has_app_context",
    }
)
PUSH_METHODS: Dict[str, int] = {"app_context": APP, "test_request_context": REQUEST, "request_context": REQUEST}
COPY_WRAPPER = "flask.copy_current_request_context"
STREAM_WRAPPER = "flask.stream_with_context"
WITH_APPCONTEXT = "flask.cli.with_appcontext"
CONTEXTVARS_RUN = frozenset({"contextvars.copy_context.run"})

# Exceptions whose handlers swallow "Working outside of ... context".
_CATCHES = frozenset({"RuntimeError", "Exception", "BaseException"})
# Call roots that can never be project functions (keeps summaries small).
_EXTERNAL_ROOTS = frozenset(
    {
        "builtins", "flask", "werkzeug", "os", "sys", "re", "json", "time", "datetime", "logging", "typing",
        "functools", "itertools", "collections", "threading", "asyncio", "concurrent", "multiprocessing",
        "contextvars", "math", "random", "uuid", "hashlib", "base64", "subprocess", "shutil", "io",
    }
)
_HANDOVER_NAMES = frozenset(
    {name.rpartition(".")[2] for name in DIRECT}
    | {name for methods in POOL_METHODS.values() for name in methods}
    | {"run_in_executor", "start_background_task"}
)
_BRANCHES: Tuple[type, ...] = (ast.If, ast.While, ast.For, ast.AsyncFor) + tuple(
    t for t in (getattr(ast, "match_case", None),) if t is not None
)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
_ATTR_BUILTINS = frozenset({"getattr", "hasattr", "setattr", "delattr"})
_TRY_TYPES: Tuple[type, ...] = (ast.Try,) + tuple(t for t in (getattr(ast, "TryStar", None),) if t is not None)
_MAX_USES = 24
_MAX_CALLS = 200


# --------------------------------------------------------------------------
# Names and values shared with the checkers
# --------------------------------------------------------------------------


_FLASK_NAMES: weakref.WeakKeyDictionary[FlaskModel, FrozenSet[str]] = weakref.WeakKeyDictionary()
_LAST_FLASK_NAMES: List[Optional[Tuple[weakref.ref[FlaskModel], FrozenSet[str]]]] = [None]


def flask_names(model: FlaskModel) -> FrozenSet[str]:
    """Names bound anywhere in the module to an import from Flask: only those
    can name a context local or a helper (a cheap filter before ``qualname``)."""
    last = _LAST_FLASK_NAMES[0]
    if last is not None and last[0]() is model:  # the same model, asked again and again
        return last[1]
    names = _FLASK_NAMES.get(model)
    if names is None:
        scopes: List[Scope] = [model.module_scope]
        scopes += [info.scope for info in model.functions.values()]
        scopes += [scope for _node, scope in model.classes.values()]
        found: Set[str] = set()
        for scope in scopes:
            for name, bindings in scope.bindings.items():
                for binding in bindings:
                    if binding.kind == "import" and binding.qualname and binding.qualname.split(".", 1)[0] == "flask":
                        found.add(name)
        names = _FLASK_NAMES[model] = frozenset(found)
    _LAST_FLASK_NAMES[0] = (weakref.ref(model), names)
    return names


def _root_id(node: ast.AST) -> Optional[str]:
    while isinstance(node, ast.Attribute):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def local_of(model: FlaskModel, node: ast.AST) -> Optional[str]:
    """``flask.request`` & co. when ``node`` names a context local (through imports)."""
    if isinstance(node, (ast.Name, ast.Attribute)) and _root_id(node) in flask_names(model):
        qual = model.qualname(node)
        if qual in LOCAL_NEED:
            return qual
    return None


def flask_qualname(model: FlaskModel, node: ast.AST) -> Optional[str]:
    """``model.qualname`` for names imported from Flask, None for anything else."""
    if _root_id(node) in flask_names(model):
        return model.qualname(node)
    return None


def self_class(model: FlaskModel, name: str, scope: Scope) -> Optional[Tuple[str, str]]:
    """("self" | "cls", class qualname) when ``name`` is the first parameter of a method."""
    found = model.lookup(name, scope)
    if found is None:
        return None
    where, bindings = found
    if where.kind != "function" or len(bindings) != 1 or bindings[0].kind != "param":
        return None
    if not where.params or where.params[0] != name:
        return None
    parent = where.parent
    if parent is None or parent.kind != "class" or not isinstance(where.node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return None
    decorators = {model.qualname(d) for d in where.node.decorator_list}
    if "builtins.staticmethod" in decorators:
        return None
    if "builtins.classmethod" in decorators:
        return ("cls", parent.qualname)
    return ("self", parent.qualname)


def callable_value(model: FlaskModel, expr: ast.AST, scope: Optional[Scope] = None) -> Value:
    """``model.value`` that also resolves ``self.method`` and ``cls.method``."""
    if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name):
        owner = self_class(model, expr.value.id, scope or model.scope_of(expr.value))
        if owner is not None:
            kind, class_qual = owner
            base: Value = ("q", class_qual) if kind == "cls" else ("new", ("q", class_qual), "self")
            return ("m", base, expr.attr)
    return model.value(expr, scope)


def pushed_level(model: FlaskModel, expr: Optional[ast.AST]) -> int:
    """The context ``app.app_context()`` / ``app.test_request_context()`` pushes (0: none)."""
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute):
        return PUSH_METHODS.get(expr.func.attr, 0)
    return 0


def push_statement(model: FlaskModel, stmt: ast.stmt) -> int:
    """The context a statement pushes (:meth:`FlaskModel.pushed_calls`), 0: none."""
    return max((pushed_level(model, call) for call in model.pushed_calls(stmt)), default=0)


def pop_statement(model: FlaskModel, stmt: ast.stmt) -> bool:
    """``ctx.pop()`` with ``ctx = app.app_context()`` (or a request context)."""
    return any(pushed_level(model, call) for call in model.popped_calls(stmt))


def level_after(model: FlaskModel, stmt: ast.stmt, level: int, pushed: List[int]) -> int:
    """The context level from ``stmt`` on, in a block run at ``level``:
    raised by a push (the level before it kept on ``pushed``), restored by
    the ``pop()`` of a context pushed in the same block."""
    raised = push_statement(model, stmt)
    if raised:
        pushed.append(level)
        return max(level, raised)
    if pushed and pop_statement(model, stmt):
        return pushed.pop()
    return level


def catches_runtime_error(model: FlaskModel, handlers: List[ast.ExceptHandler], broadly: bool = True) -> bool:
    """Whether a handler catches ``RuntimeError`` by name, or also (``broadly``)
    through ``Exception``, ``BaseException`` or a bare ``except:``."""
    for handler in handlers:
        if handler.type is None:
            if broadly:
                return True
            continue
        types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
        for item in types:
            qual = model.qualname(item)
            name = qual.rpartition(".")[2] if qual is not None else ""
            if name == "RuntimeError" or (broadly and name in _CATCHES):
                return True
    return False


def _suppresses_runtime_error(model: FlaskModel, expr: ast.AST) -> bool:
    if isinstance(expr, ast.Call) and model.qualname(expr.func) == "contextlib.suppress":
        return any((model.qualname(a) or "").rpartition(".")[2] == "RuntimeError" for a in expr.args)
    return False


def imported_modules(model: FlaskModel, node: ast.AST) -> List[str]:
    """Modules an import statement may execute (``from x import y``: x, and x.y
    when y is a submodule)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if not isinstance(node, ast.ImportFrom):
        return []
    module = node.module or ""
    if node.level:
        package = model.module if model.is_package else model.module.rpartition(".")[0]
        parts = package.split(".") if package else []
        if node.level > 1:
            parts = parts[: max(0, len(parts) - (node.level - 1))]
        module = ".".join(parts + ([module] if module else []))
    out = [module] if module else []
    out += [f"{module}.{alias.name}" if module else alias.name for alias in node.names if alias.name != "*"]
    return out


def module_level_imports(model: FlaskModel) -> List[List[Any]]:
    """``[modules, level]`` for the imports that run when the module is imported
    (not those inside functions), with the context pushed around them."""
    out: List[List[Any]] = []

    def block(stmts: List[ast.stmt], level: int) -> None:
        pushed: List[int] = []
        for stmt in stmts:
            level = level_after(model, stmt, level, pushed)
            if isinstance(stmt, (ast.Import, ast.ImportFrom)):
                out.append([imported_modules(model, stmt), level])
            elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            elif isinstance(stmt, (ast.With, ast.AsyncWith)):
                inner = max([level] + [pushed_level(model, item.context_expr) for item in stmt.items])
                block(stmt.body, inner)
            else:
                for _name, value in ast.iter_fields(stmt):
                    if isinstance(value, list) and value and isinstance(value[0], ast.stmt):
                        block(value, level)
                    elif isinstance(value, list) and value and isinstance(value[0], ast.ExceptHandler):
                        for handler in value:
                            block(handler.body, level)

    block(model.tree.body, 0)
    return out


def is_entry_module(model: FlaskModel) -> bool:
    """A module that is run rather than imported by the project: a package's
    ``__main__``, or a module with an ``if __name__ == "__main__":`` block at
    module level (the other entry points, the app and WSGI modules and the
    scripts outside any package, are told by the index: see
    :meth:`~flask_lint.checkers._context_project.Project.import_level`)."""
    if model.module == "__main__" or model.module.endswith(".__main__"):
        return True
    for stmt in model.tree.body:
        test = stmt.test if isinstance(stmt, ast.If) else None
        if isinstance(test, ast.Compare) and len(test.comparators) == 1 and isinstance(test.ops[0], ast.Eq):
            sides = {_name_or_text(test.left), _name_or_text(test.comparators[0])}
            if sides == {"name:__name__", "text:__main__"}:
                return True
    return False


def _name_or_text(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return f"name:{node.id}"
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return f"text:{node.value}"
    return ""


def _may_leave(node: ast.If) -> bool:
    """``if ...: return`` (or raise, break, continue) at the top of a branch."""
    for branch in (node.body, node.orelse):
        if any(isinstance(stmt, (ast.Return, ast.Raise, ast.Break, ast.Continue)) for stmt in branch):
            return True
    return False


def _always_leaves(body: List[ast.stmt]) -> bool:
    """A branch that never falls through: it ends with return, raise, break or continue."""
    return bool(body) and isinstance(body[-1], (ast.Return, ast.Raise, ast.Break, ast.Continue))


def literal_truth(node: Optional[ast.AST]) -> Optional[int]:
    """1 or 0 for a literal's truth value (``False``, ``None``, ``0``, ``""``, ``()``...), None otherwise."""
    if isinstance(node, ast.Constant):
        return 1 if node.value else 0
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)) and not any(isinstance(e, ast.Starred) for e in node.elts):
        return 1 if node.elts else 0
    if isinstance(node, ast.Dict) and None not in node.keys:
        return 1 if node.keys else 0
    return None


def _literal_arguments(call: ast.Call) -> Optional[List[Any]]:
    """``[positional truths or None, {keyword: truth}]`` of a call passing at
    least one literal (None: it passes none); positional is None when a
    ``*args`` or ``**kwargs`` hides which parameter gets what."""
    hidden = any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords)
    positional = None if hidden else [literal_truth(a) for a in call.args]
    keywords: Dict[str, int] = {}
    for keyword in call.keywords:
        truth = literal_truth(keyword.value)
        if keyword.arg is not None and truth is not None:
            keywords[keyword.arg] = truth
    if not keywords and not any(t is not None for t in positional or ()):
        return None
    return [positional, keywords]


def signature_fact(node: ast.AST) -> List[Any]:
    """``[positional, keyword-only, {param: truth of a literal default}, 1 with *args/**kwargs]``."""
    args: ast.arguments = node.args  # type: ignore[attr-defined]
    positional = [a.arg for a in args.posonlyargs + args.args]
    defaults: Dict[str, int] = {}
    for arg, default in zip(reversed(args.posonlyargs + args.args), reversed(args.defaults)):
        truth = literal_truth(default)
        if truth is not None:
            defaults[arg.arg] = truth
    for arg, kw_default in zip(args.kwonlyargs, args.kw_defaults):
        truth = literal_truth(kw_default)
        if truth is not None:
            defaults[arg.arg] = truth
    star = 1 if args.vararg is not None or args.kwarg is not None else 0
    return [positional, [a.arg for a in args.kwonlyargs], defaults, star]


def _str_const(node: Optional[ast.AST]) -> Optional[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _keep_call(value: Value) -> bool:
    if value == UNKNOWN:
        return False
    if value[0] == "q":
        return value[1].split(".", 1)[0] not in _EXTERNAL_ROOTS
    return value[0] in ("m", "new")


# --------------------------------------------------------------------------
# The scan
# --------------------------------------------------------------------------

# Per node type, the fields that may hold expressions (never ``ctx`` or an
# operator): the scan visits every expression of every function.
_EXPR_FIELDS: Dict[type, Tuple[str, ...]] = {}
_EXPR_HOLDERS = (ast.comprehension, ast.keyword, ast.arguments)
# Statements that hold only expressions (no blocks, no guard test).
_SIMPLE_STATEMENTS = frozenset(
    {
        ast.Expr, ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Return, ast.Raise, ast.Delete, ast.Pass, ast.Break,
        ast.Continue, ast.Global, ast.Nonlocal,
    }
)


def _stores_proxy(node: ast.Assign) -> bool:
    """``self.parser_app = current_app``, ``REGISTRY["app"] = request``: the
    proxy object itself kept in an attribute or an item, which looks nothing
    up (a local alias, ``app = current_app``, is still a use: what it names
    next is read through a name the scan does not follow)."""
    return isinstance(node.value, ast.Name) and all(
        isinstance(target, (ast.Attribute, ast.Subscript)) for target in node.targets
    )


def _expr_fields(kind: type) -> Tuple[str, ...]:
    fields = _EXPR_FIELDS.get(kind)
    if fields is None:
        fields = _EXPR_FIELDS[kind] = tuple(f for f in kind._fields if f not in ("ctx", "op"))  # type: ignore[attr-defined]
    return fields


def _expr_children(node: ast.AST) -> List[ast.AST]:
    """The expressions directly under ``node`` and under its comprehension,
    keyword and arguments children, in ``ast.iter_child_nodes`` order."""
    out: List[ast.AST] = []
    for name in _EXPR_FIELDS.get(type(node)) or _expr_fields(type(node)):
        value = getattr(node, name, None)
        items = value if type(value) is list else (value,)
        for child in items:
            if isinstance(child, ast.expr):
                out.append(child)
            elif isinstance(child, _EXPR_HOLDERS):
                out.extend([sub for sub in child_nodes(child) if isinstance(sub, ast.expr)])
    return out


class Scanner:
    """One pass over a function body (or a lambda, or a generator expression)."""

    def __init__(self, model: FlaskModel, self_name: Optional[str] = None) -> None:
        self.model = model
        self.self_name = self_name
        self.uses: List[List[Any]] = []
        self.calls: List[List[Any]] = []
        self.push = 0
        self.guarded = False
        self.self_attrs: Set[str] = set()
        self.imports: List[List[Any]] = []  # [modules, level] of imports in the body
        self.flask = flask_names(model)
        self._handlers = 0  # inside an except block: an error path
        self._caught = 0  # inside a try whose handlers catch Exception (not RuntimeError by name)
        self._cond = 0  # inside a branch, a loop body or a handler: it may not run
        self.handovers: List[ast.Call] = []  # calls that may hand work to a thread
        self.params: FrozenSet[str] = frozenset()  # parameters never rebound: their truth guards uses
        self._guards: List[Tuple[str, int]] = []  # (param, truth) every enclosing test requires
        self.param_guarded = False  # some use or call depends on a parameter's truth

    # --------------------------------------------------------- traversal

    def block(self, stmts: List[ast.stmt], level: int, protected: bool) -> None:
        exited = 0
        guarded = len(self._guards)
        for stmt in stmts:
            pushed = push_statement(self.model, stmt)
            if pushed:
                self.push = max(self.push, pushed)
                level = max(level, pushed)
            self.visit(stmt, level, protected)
            if isinstance(stmt, ast.If) and self.params and not stmt.orelse and _always_leaves(stmt.body):
                # `if not notify: return`: what follows runs only when notify is true
                self._guards.extend(self._param_tests(stmt.test, False))
            if not exited and isinstance(stmt, ast.If) and _may_leave(stmt):
                exited = 1  # `if x: return`: what follows may not run
                self._cond += 1
        self._cond -= exited
        del self._guards[guarded:]

    def visit(self, node: ast.AST, level: int, protected: bool) -> None:
        if isinstance(node, ast.expr):
            self.expr(node, level, protected)
        else:
            self.statement(node, level, protected)

    def expr(self, node: ast.expr, level: int, protected: bool) -> None:
        kind = type(node)
        if kind is ast.Name:
            if node.id in self.flask:  # type: ignore[attr-defined]
                local = local_of(self.model, node)
                if local is not None:
                    self._use(local, node, level, protected)
            return
        if kind is ast.Constant:
            return
        if kind is ast.Attribute:
            if self._attribute(node, level, protected):  # type: ignore[arg-type]
                return
        elif kind is ast.Call:
            if self._call(node, level, protected):  # type: ignore[arg-type]
                return
        elif kind is ast.Lambda:
            args = node.args  # type: ignore[attr-defined]
            for default in list(args.defaults) + [d for d in args.kw_defaults if d is not None]:
                self.expr(default, level, protected)
            return
        elif kind is ast.Compare:
            if self._membership(node, level, protected):  # type: ignore[arg-type]
                return
        elif kind is ast.BoolOp:
            values = node.values  # type: ignore[attr-defined]
            if any(self._is_guard(v) for v in values):
                self.guarded = True
            guarded = len(self._guards)
            runs_if = isinstance(node.op, ast.And)  # type: ignore[attr-defined]
            self.expr(values[0], level, protected)
            self._cond += 1
            for before, value in zip(values, values[1:]):
                # `notify and flash(...)`: what follows a parameter runs only on its truth
                self._guards.extend(self._param_tests(before, runs_if, single=True))
                self.expr(value, level, protected)
            self._cond -= 1
            del self._guards[guarded:]
            return
        elif kind is ast.IfExp:
            if self._is_guard(node.test):  # type: ignore[attr-defined]
                self.guarded = True
            self.expr(node.test, level, protected)  # type: ignore[attr-defined]
            self._cond += 1
            guarded = len(self._guards)
            self._guards.extend(self._param_tests(node.test, True))  # type: ignore[attr-defined]
            self.expr(node.body, level, protected)  # type: ignore[attr-defined]
            del self._guards[guarded:]
            self._guards.extend(self._param_tests(node.test, False))  # type: ignore[attr-defined]
            self.expr(node.orelse, level, protected)  # type: ignore[attr-defined]
            del self._guards[guarded:]
            self._cond -= 1
            return
        elif kind in _COMPREHENSIONS:
            self._cond += 1  # the loop may run no time
        children: Sequence[ast.AST]
        if kind is ast.Attribute:  # the two most frequent, without the generic lookup
            children = (node.value,)  # type: ignore[attr-defined]
        elif kind is ast.Call:
            children = [node.func, *node.args, *[k.value for k in node.keywords]]  # type: ignore[attr-defined]
        else:
            children = _expr_children(node)
        self._children(children, level, protected)
        if kind in _COMPREHENSIONS:
            self._cond -= 1

    def _children(self, children: Sequence[ast.AST], level: int, protected: bool) -> None:
        """``expr`` on each child expression, in order; names that are not
        Flask imports and constants hold nothing for the scan: not visited."""
        flask = self.flask
        for child in children:
            kind = type(child)
            if kind is ast.Name:
                if child.id in flask:  # type: ignore[attr-defined]
                    self.expr(child, level, protected)  # type: ignore[arg-type]
            elif kind is not ast.Constant:
                self.expr(child, level, protected)  # type: ignore[arg-type]

    def statement(self, node: ast.AST, level: int, protected: bool) -> None:
        model = self.model
        kind = type(node)
        if kind in _SIMPLE_STATEMENTS:
            # Only expressions under it, in field order: what the generic
            # loop at the end does, without its checks.
            children: Sequence[ast.AST]
            if kind is ast.Expr:
                children = (node.value,)  # type: ignore[attr-defined]
            elif kind is ast.Assign:
                children = [*node.targets, node.value]  # type: ignore[attr-defined]
                if _stores_proxy(node):  # type: ignore[arg-type]
                    children = node.targets  # type: ignore[attr-defined]
            else:
                children = _expr_children(node)
            self._children(children, level, protected)
            return
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            # Only what runs now: decorators and default values.
            for decorator in node.decorator_list:
                self.expr(decorator, level, protected)
            for default in list(node.args.defaults) + [d for d in node.args.kw_defaults if d is not None]:
                self.expr(default, level, protected)
            return
        if isinstance(node, ast.ClassDef):
            for expr in list(node.decorator_list) + list(node.bases) + [k.value for k in node.keywords]:
                self.expr(expr, level, protected)
            self.block(node.body, level, protected)
            return
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            self.imports.append([imported_modules(model, node), level])
            return
        if isinstance(node, (ast.With, ast.AsyncWith)):
            inner, inner_protected = level, protected
            for item in node.items:
                self.expr(item.context_expr, level, protected)
                if item.optional_vars is not None:
                    self.expr(item.optional_vars, level, protected)
                pushed = pushed_level(model, item.context_expr)
                if pushed:
                    self.push = max(self.push, pushed)
                    inner = max(inner, pushed)
                if _suppresses_runtime_error(model, item.context_expr):  # contextlib.suppress(RuntimeError)
                    inner_protected = True
            self.block(node.body, inner, inner_protected)
            return
        if isinstance(node, _TRY_TYPES):
            # `except RuntimeError` handles the missing context; `except Exception`
            # only hides it (the work still fails): such uses are kept, marked.
            catches = catches_runtime_error(model, node.handlers, broadly=False)  # type: ignore[attr-defined]
            broad = not catches and catches_runtime_error(model, node.handlers)  # type: ignore[attr-defined]
            self._caught += 1 if broad else 0
            self.block(node.body, level, protected or catches)  # type: ignore[attr-defined]
            self._caught -= 1 if broad else 0
            self._handlers += 1
            self._cond += 1
            for handler in node.handlers:  # type: ignore[attr-defined]
                self.block(handler.body, level, protected)
            self._handlers -= 1
            self.block(node.orelse, level, protected)  # type: ignore[attr-defined]
            self._cond -= 1
            self.block(node.finalbody, level, protected)  # type: ignore[attr-defined]
            return
        if isinstance(node, (ast.If, ast.While, ast.Assert)):
            if self._is_guard(node.test):
                self.guarded = True
        if isinstance(node, ast.If) and self.params:
            self.expr(node.test, level, protected)
            self._cond += 1
            guarded = len(self._guards)
            for branch, truth in ((node.body, True), (node.orelse, False)):
                self._guards.extend(self._param_tests(node.test, truth))
                self.block(branch, level, protected)
                del self._guards[guarded:]
            self._cond -= 1
            return
        branches = isinstance(node, _BRANCHES)
        for name in node._fields:  # ast.iter_fields without its generator
            value = getattr(node, name, None)
            if isinstance(value, list):
                if value and isinstance(value[0], ast.stmt):
                    self._cond += 1 if branches else 0
                    self.block(value, level, protected)
                    self._cond -= 1 if branches else 0
                else:
                    for item in value:
                        if isinstance(item, ast.expr):
                            self.expr(item, level, protected)
                        elif isinstance(item, ast.AST):
                            self.statement(item, level, protected)
            elif isinstance(value, ast.expr):
                self.expr(value, level, protected)
            elif isinstance(value, ast.AST) and not isinstance(value, (ast.expr_context, ast.operator)):
                self.statement(value, level, protected)

    # ------------------------------------------------------------ facts

    def _use(self, local: str, node: ast.AST, level: int, protected: bool, attr: str = "", write: bool = False) -> None:
        need = LOCAL_NEED.get(local) or HELPER_NEED.get(local, APP)
        if protected or need <= level or len(self.uses) >= _MAX_USES:
            return
        shown = local if local in LOCAL_NEED else local.rpartition(".")[2] + "()"
        self.uses.append(
            [
                shown,
                Line(getattr(node, "lineno", 0)),
                need,
                attr,
                1 if write else 0,
                1 if self._handlers else 0,
                1 if self._caught else 0,
                1 if self._cond else 0,
            ]
            + self._guard_fact()
        )

    def _guard_fact(self) -> List[Any]:
        """``[[[param, truth], ...]]`` when the enclosing tests require parameter truth values."""
        if not self._guards:
            return []
        self.param_guarded = True
        return [[[name, truth] for name, truth in dict(self._guards).items()]]

    def _param_tests(self, test: ast.AST, truth: bool, single: bool = False) -> List[Tuple[str, int]]:
        """The (param, truth) pairs that hold when ``test`` has truth value ``truth``:
        ``notify``, ``not notify``, and the parameters of an ``and`` (when true) or
        of an ``or`` (when false).  ``single``: only a lone parameter test."""
        if not self.params:
            return []
        negated = False
        while isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            test, negated = test.operand, not negated
        if isinstance(test, ast.Name):
            if test.id in self.params:
                return [(test.id, 1 if truth != negated else 0)]
            return []
        if single or not isinstance(test, ast.BoolOp):
            return []
        value = truth != negated
        # every operand of an `and` is true when it is; every one of an `or` false when it is
        if (isinstance(test.op, ast.And) and value) or (isinstance(test.op, ast.Or) and not value):
            out: List[Tuple[str, int]] = []
            for operand in test.values:
                out.extend(self._param_tests(operand, value, single=True))
            return out
        return []

    def _is_guard(self, test: ast.AST) -> bool:
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            test = test.operand
        if isinstance(test, ast.Call) and _root_id(test.func) in self.flask and self.model.qualname(test.func) in GUARDS:
            return True
        return local_of(self.model, test) is not None

    def _attribute(self, node: ast.Attribute, level: int, protected: bool) -> bool:
        model = self.model
        if _root_id(node) in self.flask:
            base = local_of(model, node.value)
            if base is not None:
                write = isinstance(node.ctx, (ast.Store, ast.Del))
                self._use(base, node, level, protected, attr=node.attr, write=write)
                return True
            local = local_of(model, node)
            if local is not None:
                self._use(local, node, level, protected)
                return True
        if (
            self.self_name is not None
            and isinstance(node.value, ast.Name)
            and node.value.id == self.self_name
            and isinstance(node.ctx, ast.Load)
        ):
            self.self_attrs.add(node.attr)  # self.x read: a context local held on the instance?
        return False

    def _call(self, node: ast.Call, level: int, protected: bool) -> bool:
        """Record the call; True when its children need no further visit."""
        model = self.model
        func = node.func
        qual = model.qualname(func) if _root_id(func) in self.flask else None
        if qual is None and isinstance(func, ast.Name) and func.id in _ATTR_BUILTINS:
            qual = model.qualname(func)
        if qual in GUARDS:
            self.guarded = True
            return True
        if qual in HELPER_NEED:
            self._use(qual, node, level, protected)
        elif qual in ("builtins.getattr", "builtins.hasattr", "builtins.setattr", "builtins.delattr") and node.args:
            name = _str_const(node.args[1]) if len(node.args) > 1 else None
            if self.self_name is not None and isinstance(node.args[0], ast.Name) and node.args[0].id == self.self_name:
                if name:
                    self.self_attrs.add(name)
            local = local_of(model, node.args[0])
            if local is not None:
                write = qual in ("builtins.setattr", "builtins.delattr")
                self._use(local, node, level, protected, attr=name or "", write=write)
                for arg in node.args[1:]:
                    self.visit(arg, level, protected)
                return True
        elif isinstance(func, ast.Attribute) and func.attr in ("get", "pop", "setdefault") and node.args:
            local = local_of(model, func.value)
            name = _str_const(node.args[0])
            if local == "flask.g" and name is not None:
                self._use(local, node, level, protected, attr=name, write=func.attr == "setdefault")
                for arg in node.args[1:]:
                    self.visit(arg, level, protected)
                return True
        last = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        if isinstance(func, ast.Name) and last not in _HANDOVER_NAMES:
            resolved = model.qualname(func)  # `from threading import Thread as T`: T is a Thread
            last = resolved.rpartition(".")[2] if resolved else last
        if last in _HANDOVER_NAMES:
            self.handovers.append(node)
        if qual is None or qual not in HELPER_NEED:
            value = callable_value(model, func)
            if _keep_call(value) and len(self.calls) < _MAX_CALLS:
                fact = [value, Line(node.lineno), level, 1 if self._cond else 0] + self._guard_fact()
                literals = _literal_arguments(node)
                if literals is not None:  # `helper(items, notify=False)`: the callee's guards on notify
                    fact = fact + [[]] * (5 - len(fact)) + [literals]
                self.calls.append(fact)
        return False

    def _membership(self, node: ast.Compare, level: int, protected: bool) -> bool:
        """``"user" in g``: a read of ``g.user``."""
        if len(node.ops) == 1 and isinstance(node.ops[0], (ast.In, ast.NotIn)):
            local = local_of(self.model, node.comparators[0])
            name = _str_const(node.left)
            if local is not None and name is not None:
                self._use(local, node, level, protected, attr=name)
                return True
        return False


def scan_nodes(model: FlaskModel, nodes: List[ast.AST], self_name: Optional[str] = None) -> Scanner:
    scanner = Scanner(model, self_name)
    for node in nodes:
        if isinstance(node, ast.stmt):
            scanner.block([node], 0, False)
        else:
            scanner.visit(node, 0, False)
    return scanner


def scan_function(model: FlaskModel, info: FunctionInfo) -> Scanner:
    self_name = info.scope.params[0] if info.class_node is not None and info.scope.params else None
    scanner = Scanner(model, self_name)
    scanner.params = frozenset(
        name
        for name, bindings in info.scope.bindings.items()
        if len(bindings) == 1 and bindings[0].kind == "param" and name not in info.scope.global_names
    )
    scanner.block(info.node.body, 0, False)
    return scanner


def decorator_facts(model: FlaskModel, info: FunctionInfo) -> List[List[Any]]:
    outer = info.scope.parent or model.module_scope
    out: List[List[Any]] = []
    for decorator in info.node.decorator_list:
        call = decorator if isinstance(decorator, ast.Call) else None
        func = call.func if call is not None else decorator
        keywords = [k.arg for k in call.keywords if k.arg] if call is not None else []
        out.append([callable_value(model, func, outer), 1 if call is not None else 0, keywords])
    return out


def _pool_call(model: FlaskModel, receiver: ast.AST) -> Optional[str]:
    """The pool family of ``receiver`` when this module creates it (``with
    ThreadPoolExecutor() as ex``, ``ex = ThreadPoolExecutor()``)."""
    creation: Optional[ast.AST] = receiver if isinstance(receiver, ast.Call) else None
    if isinstance(receiver, ast.Name):
        found = model.lookup(receiver.id, model.scope_of(receiver))
        if found is not None:
            where, bindings = found
            if len(bindings) == 1 and bindings[0].kind == "assign":
                creation = bindings[0].node
            elif bindings and all(b.kind == "other" for b in bindings) and isinstance(
                where.node, (ast.FunctionDef, ast.AsyncFunctionDef)
            ):
                for node in model.walk_function(where.node):
                    if isinstance(node, (ast.With, ast.AsyncWith)):
                        for item in node.items:
                            if isinstance(item.optional_vars, ast.Name) and item.optional_vars.id == receiver.id:
                                creation = item.context_expr
    if isinstance(creation, ast.Call):
        return POOL_FAMILIES.get(model.qualname(creation.func) or "")
    return None


def local_hand_over(model: FlaskModel, call: ast.Call) -> Optional[Api]:
    """The hand-over API of ``call`` when this module alone tells (no index)."""
    qual = model.qualname(call.func) if isinstance(call.func, (ast.Name, ast.Attribute)) else None
    if qual in DIRECT:
        return DIRECT[qual]
    func = call.func
    if isinstance(func, ast.Attribute):
        if func.attr == "run_in_executor":
            return RUN_IN_EXECUTOR
        if func.attr == "start_background_task":
            return BACKGROUND_TASK
        if any(func.attr in methods for methods in POOL_METHODS.values()):
            family = _pool_call(model, func.value)
            if family is not None:
                return POOL_METHODS[family].get(func.attr)
    return None


def handed_params(model: FlaskModel, calls: List[ast.Call]) -> List[Tuple[str, List[Any]]]:
    """(function owning the parameter, [param, kind, api]) for each hand-over
    whose callable is a parameter of this function or of an enclosing one."""
    out: List[Tuple[str, List[Any]]] = []
    for call in calls:
        api = local_hand_over(model, call)
        if api is None or api.target is None:
            continue
        target = call_arg(call, api.target[0], api.target[1])
        if isinstance(target, ast.Call) and model.qualname(target.func) == "functools.partial" and target.args:
            target = target.args[0]
        if not isinstance(target, ast.Name):
            continue
        found = model.lookup(target.id, model.scope_of(target))
        if found is None:
            continue
        where, bindings = found
        if where.kind == "function" and len(bindings) == 1 and bindings[0].kind == "param":
            passed = _passed_through(call, api, where.node, target.id)
            out.append((where.qualname, [target.id, api.kind, api.label] + passed))
    return out


def _passed_through(call: ast.Call, api: Api, func: ast.AST, param: str) -> List[str]:
    """What the hand-over gives the callable, in terms of the helper's own
    parameters: ``[positional, keywords]``, each ``""`` (nothing), ``"*"``
    (the helper's ``*args``, or ``**kwargs``) or ``"?"`` (anything else).
    ``def run_async(f, *args, **kwargs): Thread(target=f, args=args,
    kwargs=kwargs)`` is ``["*", "*"]``: a call ``run_async(g, x, notify=False)``
    binds g's parameters as ``g(x, notify=False)`` would."""
    arguments = getattr(func, "args", None)
    vararg = arguments.vararg.arg if arguments is not None and arguments.vararg is not None else None
    kwarg = arguments.kwarg.arg if arguments is not None and arguments.kwarg is not None else None

    def mode(node: Optional[ast.AST], star: Optional[str]) -> str:
        if node is None or (isinstance(node, (ast.Tuple, ast.List, ast.Dict)) and not getattr(node, "elts", None)
                            and not getattr(node, "keys", None)):
            return ""
        return "*" if isinstance(node, ast.Name) and star is not None and node.id == star else "?"

    positional = keywords = ""
    if api.args is not None:
        position, keyword = api.args
        positional = mode(call_arg(call, position if position >= 0 else 999, keyword), vararg)
    if api.kwargs is not None:
        position, keyword = api.kwargs
        keywords = mode(call_arg(call, position if position >= 0 else 999, keyword), kwarg)
    if api.extra_from is not None:
        extra = call.args[api.extra_from :]
        if len(extra) == 1 and isinstance(extra[0], ast.Starred):
            positional = mode(extra[0].value, vararg)
        elif extra:
            positional = "?"
        named = {api.target[1] if api.target else None, api.args[1] if api.args else None}
        named.add(api.kwargs[1] if api.kwargs else None)
        rest = [k for k in call.keywords if k.arg not in named and k.arg not in api.reserved]
        if len(rest) == 1 and rest[0].arg is None:
            keywords = mode(rest[0].value, kwarg)
        elif rest:
            keywords = "?"
    if arguments is not None:
        declared = [a.arg for a in arguments.posonlyargs + arguments.args]
        if param not in declared or declared[-1] != param:
            positional = "?" if positional == "*" else positional  # a caller's extra arguments may fill others
        if arguments.kwonlyargs:
            keywords = "?" if keywords == "*" else keywords  # a caller's keywords may be the helper's own
    return [positional, keywords]


# Standard-library modules through which a module that never mentions Flask
# can still hand work over to a thread, a process or a loop.
_HANDOVER_STDLIB = frozenset({"threading", "_thread", "concurrent", "multiprocessing", "asyncio", "sched"})
_STDLIB: FrozenSet[str] = frozenset(getattr(sys, "stdlib_module_names", ()))


def _may_reach_context(model: FlaskModel) -> bool:
    """Whether a module that never mentions Flask (a light model) may still
    matter to the FLK4xx rules: its functions call project code (a helper
    that renders a template, a Celery task calling a service) or hand work
    over (``def run_async(f): Thread(target=f).start()``).  Only a module
    whose every import is a standard-library module that starts no work is
    left out (without ``sys.stdlib_module_names``, none is)."""
    if not _STDLIB:
        return True
    for bindings in model.module_scope.bindings.values():
        for binding in bindings:
            if binding.kind != "import" or not binding.qualname:
                continue
            top = binding.qualname.partition(".")[0]
            if top not in _STDLIB or top in _HANDOVER_STDLIB:
                return True
    return False


def context_facts(model: FlaskModel) -> Dict[str, Any]:
    """The FLK4xx facts of every function in the module (see the module
    docstring).  A file that never mentions Flask has a light model, which
    does not walk function bodies: when it may matter (see
    :func:`_may_reach_context`) its facts come from a full model of the same
    tree, so that moving a helper, a task or a hand-over into such a module
    keeps what the rules know of it."""
    light = model.light
    if light:
        if not model.functions or not _may_reach_context(model):
            # Its imports still count: a `run.py` that never names Flask may
            # import the views under `with app.app_context()`.
            bare: Dict[str, Any] = {"f": {}, "i": module_level_imports(model)}
            if is_entry_module(model):
                bare["e"] = 1
            return bare
        model = model.full()
    facts: Dict[str, Dict[str, Any]] = {}
    may_report = light and _may_hold_finding(model)
    deep: Dict[str, int] = {}
    handed_over: Dict[str, List[List[Any]]] = {}
    for info in model.functions.values():
        scanner = scan_function(model, info)
        entry: Dict[str, Any] = {}
        if scanner.uses:
            entry["u"] = scanner.uses
        if scanner.calls:
            entry["c"] = scanner.calls
        if scanner.push:
            entry["p"] = scanner.push
            scope: Optional[Scope] = info.scope
            while scope is not None:
                if scope.kind == "function":
                    deep[scope.qualname] = max(deep.get(scope.qualname, 0), scanner.push)
                scope = scope.parent
        if info.node.decorator_list:
            entry["d"] = decorator_facts(model, info)
        if info.is_generator:
            entry["gen"] = 1
        if scanner.guarded:
            entry["gd"] = 1
        if scanner.push == REQUEST and scanner.self_attrs:
            entry["sa"] = sorted(scanner.self_attrs)
        if scanner.imports:
            entry["im"] = scanner.imports
        if scanner.param_guarded:
            entry["sig"] = signature_fact(info.node)
        for owner, handed in handed_params(model, scanner.handovers):
            handed_over.setdefault(owner, []).append(handed)
        if light and scanner.handovers:
            may_report = True
        if entry:
            facts[info.qualname] = entry
    for qual, handed_list in handed_over.items():
        facts.setdefault(qual, {})["ho"] = handed_list
    for qual, level in deep.items():
        facts.setdefault(qual, {})["dp"] = level
    out: Dict[str, Any] = {"f": facts, "i": module_level_imports(model)}
    if is_entry_module(model):
        out["e"] = 1
    methods = start_methods(model)
    if methods:
        out["sm"] = methods
    if may_report:
        out["chk"] = 1
    return out


def _project_callee(model: FlaskModel, expr: ast.AST) -> bool:
    """``expr`` names something imported from outside the standard library
    (a project helper, a task decorator), or is not a name at all."""
    qual = model.qualname(expr) if isinstance(expr, (ast.Name, ast.Attribute)) else None
    if qual is None:
        return isinstance(expr, (ast.Name, ast.Attribute))  # a local or module-level name: maybe project code
    top = qual.partition(".")[0]
    return top != "builtins" and (not _STDLIB or top not in _STDLIB)


def _may_hold_finding(model: FlaskModel) -> bool:
    """Whether a module that never mentions Flask can hold a FLK4xx finding
    itself (not only lend facts to others): code that runs at import time
    and calls outside the standard library (a default argument, a class
    attribute or a module constant computed by a helper that reads
    ``current_app``), or a function decorated by such a callable (a Celery
    task).  Hand-overs are added by :func:`context_facts`."""
    for call, scope, _loop in model.calls:
        if scope.kind in ("module", "class") and _project_callee(model, call.func):
            return True
    for info in model.functions.values():
        for decorator in info.node.decorator_list:
            callee = decorator.func if isinstance(decorator, ast.Call) else decorator
            if _project_callee(model, callee):
                return True
    return False


def start_methods(model: FlaskModel) -> List[str]:
    """The start methods ``multiprocessing.set_start_method(...)`` selects in
    the module (``"?"`` for a value that is not a literal): the choice is
    process-wide, so every module's child processes follow it."""
    out: List[str] = []
    for call, _scope, _loop in model.calls:
        func = call.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        if name != "set_start_method" or model.call_qualname(call) != "multiprocessing.set_start_method":
            continue
        arg = call_arg(call, 0, "method")
        method = arg.value if isinstance(arg, ast.Constant) and isinstance(arg.value, str) else "?"
        if method not in out:
            out.append(method)
    return out


# --------------------------------------------------------------------------
# Module-level containers (FLK407), for the modules that import them
# --------------------------------------------------------------------------

# Container constructors: (family, the name messages use).
CONTAINER_CALLS: Dict[str, Tuple[str, str]] = {
    "builtins.dict": ("dict", "dict"), "builtins.list": ("list", "list"), "builtins.set": ("set", "set"),
    "builtins.bytearray": ("list", "bytearray"), "collections.defaultdict": ("dict", "defaultdict"),
    "collections.OrderedDict": ("dict", "OrderedDict"), "collections.Counter": ("counter", "Counter"),
    "collections.deque": ("list", "deque"),
}


def container_kind(model: FlaskModel, node: Optional[ast.AST]) -> Optional[Tuple[str, str]]:
    """(family, label) of a container literal, comprehension or constructor call."""
    if isinstance(node, (ast.Dict, ast.DictComp)):
        return "dict", "dict"
    if isinstance(node, (ast.List, ast.ListComp)):
        return "list", "list"
    if isinstance(node, (ast.Set, ast.SetComp)):
        return "set", "set"
    if isinstance(node, ast.Call):
        return CONTAINER_CALLS.get(model.call_qualname(node) or "")
    return None


def binding_container(model: FlaskModel, bindings: Sequence[Any]) -> Optional[Tuple[str, str, int]]:
    """(family, label, line) of a module-level name every binding of which
    assigns a container (one family, else ``?``; one label, else
    ``container``), or None."""
    if not bindings or not all(b.kind == "assign" for b in bindings):
        return None
    kinds = [container_kind(model, b.node) for b in bindings]
    if not all(k is not None for k in kinds):
        return None
    families = {k[0] for k in kinds if k is not None}
    labels = {k[1] for k in kinds if k is not None}
    family = families.pop() if len(families) == 1 else "?"
    label = labels.pop() if len(labels) == 1 else "container"
    return family, label, int(getattr(bindings[0].node, "lineno", 0))


_MAX_ENTRIES = 64


def plain_entries(model: FlaskModel, bindings: Sequence[Any]) -> Optional[List[Any]]:
    """Whether a module-level container's entries are objects, not
    containers: its one binding is a non-empty literal (``QUEUES = {"a":
    REDIS_QUEUE, "b": make_queue()}``) no entry of which is a container
    literal, comprehension or constructor, a tuple of non-constants or an
    unpacking.  Then a change through an entry (``QUEUES[name].pop()``) acts
    on an object whose own backend keeps its data (a Redis queue, a client),
    not on a per-process container.  Returns the values of the entries that
    are names, for the index to tell whether they are containers, or None
    when the entries are not known to be objects."""
    if len(bindings) != 1 or bindings[0].kind != "assign":
        return None
    node = bindings[0].node
    if isinstance(node, ast.Dict):
        if None in node.keys:
            return None  # {**OTHER}
        entries: List[ast.expr] = list(node.values)
    elif isinstance(node, (ast.List, ast.Set, ast.Tuple)):
        entries = list(node.elts)
    else:
        return None
    if not entries or len(entries) > _MAX_ENTRIES:
        return None
    names: List[Any] = []
    for entry in entries:
        if container_kind(model, entry) is not None or isinstance(entry, ast.Starred):
            return None
        if isinstance(entry, ast.Tuple) and not all(isinstance(e, ast.Constant) for e in entry.elts):
            return None
        if isinstance(entry, (ast.Name, ast.Attribute)):
            value = model.value(entry, model.module_scope)
            if value not in names:
                names.append(value)
    return names


# The key (no identifier) of the config entries a module sets to containers.
CONFIG_CONTAINERS = "config[]"
_CONFIG_SETTERS = frozenset({"update", "setdefault", "from_mapping"})


def state_facts(model: FlaskModel) -> Dict[str, List[Any]]:
    """``{name: [family, label, entries]}`` for the module-level containers
    of a module (also of a file that never mentions Flask: a ``store.py``
    holding the dicts views fill), so that a view in another module names
    their kind as one in the same module would; ``entries`` is
    :func:`plain_entries` (None: they may be containers).  Under
    ``CONFIG_CONTAINERS``: the config keys it sets to a container."""
    out: Dict[str, List[Any]] = {}
    for name, bindings in model.module_scope.bindings.items():
        found = binding_container(model, bindings)
        if found is not None:
            out[name] = [found[0], found[1], plain_entries(model, bindings)]
    keys = config_containers(model)
    if keys:
        out[CONFIG_CONTAINERS] = keys
    return out


def config_containers(model: FlaskModel) -> List[str]:
    """Keys of ``<x>.config`` set to a container literal or constructor:
    ``app.config["SEEN"] = []``, ``app.config.setdefault("SEEN", [])``,
    ``app.config.update(SEEN=[])`` / ``update({"SEEN": []})``, and the
    upper-case container constants of a module or class that
    ``from_object`` may load (``EXPLORERS = {...}``).  Only those
    entries are containers to FLK407; any other entry (``app.config["db"] =
    connect(url)``) is a value of unknown type."""
    found: Set[str] = set()
    # ``app.config.from_object(Config)`` / ``from_pyfile``: the upper-case
    # names of a config class or module become entries of the same value.
    for name, bindings in model.module_scope.bindings.items():
        if name.isupper() and binding_container(model, bindings) is not None:
            found.add(name)
    def is_config(node: ast.expr) -> bool:
        return isinstance(node, ast.Attribute) and node.attr == "config"

    def text_key(node: Optional[ast.expr]) -> Optional[str]:
        return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None

    # Statements and the model's calls only, the shape of each tested before
    # its value is judged: walking every node and judging every assigned
    # value was a tenth of a cold run.
    # A light model records no calls: a module that never mentions Flask
    # sets entries in statements of their own (``app.config.update(...)``).
    calls: List[ast.Call] = [call for call, _scope, _in_loop in model.calls]
    for node in _statements(model.tree.body):
        value = getattr(node, "value", None)
        if model.light and isinstance(value, ast.Call):
            calls.append(value)
        if isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.Assign):
                    names = [t.id for t in item.targets if isinstance(t, ast.Name) and t.id.isupper()]
                    if names and container_kind(model, item.value) is not None:
                        found.update(names)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            keys = [
                key
                for key in (text_key(t.slice) for t in targets if isinstance(t, ast.Subscript) and is_config(t.value))
                if key is not None
            ]
            if keys and container_kind(model, node.value) is not None:
                found.update(keys)
    for call in calls:
        if (
            isinstance(call.func, ast.Attribute)
            and call.func.attr in _CONFIG_SETTERS
            and is_config(call.func.value)
        ):
            if call.func.attr == "setdefault":
                key = text_key(call.args[0]) if len(call.args) == 2 else None
                if key is not None and container_kind(model, call.args[1]) is not None:
                    found.add(key)
                continue
            for kw in call.keywords:
                if kw.arg is not None and container_kind(model, kw.value) is not None:
                    found.add(kw.arg)
            for arg in call.args[:1]:
                if isinstance(arg, ast.Dict):
                    for dict_key, value in zip(arg.keys, arg.values):
                        key = text_key(dict_key)
                        if key is not None and container_kind(model, value) is not None:
                            found.add(key)
    return sorted(found)


def _statements(body: List[ast.stmt]) -> Iterator[ast.stmt]:
    """Every statement of a body, those of nested blocks, functions and
    classes included."""
    stack = list(reversed(body))
    while stack:
        stmt = stack.pop()
        yield stmt
        inner: List[ast.stmt] = []
        for field in ("body", "orelse", "finalbody"):
            value = getattr(stmt, field, None)
            if isinstance(value, list):
                inner += [s for s in value if isinstance(s, ast.stmt)]
        for part in getattr(stmt, "handlers", ()) or getattr(stmt, "cases", ()):
            inner += part.body
        stack.extend(reversed(inner))


# The per-module facts the project index computes for this family.
CONTEXT_FACTS = Extension("context", context_facts, version="4", light=True)
STATE_FACTS = Extension("context_state", state_facts, version="5", light=True)
