"""Process-level concurrency traps: fire-and-forget asyncio tasks in async
views (FLK406), views that mutate module state (FLK407) and monkey patching
that comes too late (FLK408)."""

from __future__ import annotations

import ast
import sys
from typing import Any, Dict, FrozenSet, Iterator, List, Optional, Set, Tuple

from ..engine import FileContext
from ..model import FunctionNode, child_nodes
from ._context_handover import Resolver

Finding = Tuple[str, ast.AST, Dict[str, Any]]

# --------------------------------------------------------------------------
# FLK406: asyncio tasks an async view never joins
# --------------------------------------------------------------------------

TASK_SPAWNERS = frozenset(
    {"asyncio.create_task", "asyncio.ensure_future", "asyncio.tasks.create_task", "asyncio.tasks.ensure_future"}
)
LOOP_FACTORIES = frozenset(
    {
        "asyncio.get_running_loop",
        "asyncio.get_event_loop",
        "asyncio.new_event_loop",
        "asyncio.events.get_running_loop",
        "asyncio.events.get_event_loop",
    }
)
JOINERS = frozenset(
    {
        "asyncio.gather", "asyncio.wait", "asyncio.wait_for", "asyncio.as_completed", "asyncio.shield",
        "asyncio.tasks.gather", "asyncio.tasks.wait", "asyncio.tasks.wait_for", "asyncio.tasks.as_completed",
    }
)
COLLECTORS = frozenset({"append", "add", "extend", "insert", "appendleft", "update", "setdefault"})


def check_async_tasks(ctx: FileContext, resolver: Resolver) -> Iterator[Finding]:
    model = ctx.model
    for view in ctx.views:
        func = view.func
        if not isinstance(func, ast.AsyncFunctionDef):
            continue
        parents = _parents(func)
        joined_names = _joined_names(ctx, func)
        for node in model.walk_function(func):
            if not isinstance(node, ast.Call) or not _spawns_task(ctx, resolver, node):
                continue
            if _is_joined(ctx, node, parents, joined_names):
                continue
            yield "FLK406", node, {"call": _call_name(node), "view": func.name}


def _spawns_task(ctx: FileContext, resolver: Resolver, call: ast.Call) -> bool:
    if ctx.model.call_qualname(call) in TASK_SPAWNERS:
        return True
    func = call.func
    if isinstance(func, ast.Attribute) and func.attr in ("create_task", "ensure_future"):
        classes, _creation = resolver.receiver(func.value)
        return bool(classes & LOOP_FACTORIES)
    return False


def _call_name(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Attribute):
        return f"{func.attr}()"
    if isinstance(func, ast.Name):
        return f"{func.id}()"
    return "create_task()"


def _parents(func: FunctionNode) -> Dict[int, ast.AST]:
    parents: Dict[int, ast.AST] = {}
    stack: List[ast.AST] = [func]
    while stack:
        current = stack.pop()
        for child in child_nodes(current):
            parents[id(child)] = current
            if not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
                stack.append(child)
    return parents


def _names_in(node: ast.AST) -> Set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def _joined_names(ctx: FileContext, func: FunctionNode) -> Set[str]:
    """Names that are awaited, returned, gathered or cancelled somewhere in the view."""
    names: Set[str] = set()
    for node in ctx.model.walk_function(func):
        if isinstance(node, (ast.Await, ast.Return)) and node.value is not None:
            names |= _names_in(node.value)
        elif isinstance(node, (ast.AsyncFor, ast.AsyncWith)):
            for part in [getattr(node, "iter", None)] + [i.context_expr for i in getattr(node, "items", [])]:
                if part is not None:
                    names |= _names_in(part)
        elif isinstance(node, ast.Call):
            if ctx.model.call_qualname(node) in JOINERS:
                for arg in list(node.args) + [k.value for k in node.keywords]:
                    names |= _names_in(arg)
            elif isinstance(node.func, ast.Attribute) and node.func.attr in ("cancel", "result") and isinstance(
                node.func.value, ast.Name
            ):
                names.add(node.func.value.id)
    return names


def _is_joined(ctx: FileContext, call: ast.Call, parents: Dict[int, ast.AST], joined: Set[str]) -> bool:
    holders: Set[str] = set()
    current: ast.AST = call
    while True:
        parent = parents.get(id(current))
        if parent is None:
            break
        if isinstance(parent, (ast.Await, ast.Return)):
            return True
        if isinstance(parent, ast.Call):
            if ctx.model.call_qualname(parent) in JOINERS:
                current = parent
                continue
            func = parent.func
            if isinstance(func, ast.Attribute) and func.attr in COLLECTORS and isinstance(func.value, ast.Name):
                holders.add(func.value.id)
        if isinstance(parent, (ast.Assign, ast.AnnAssign, ast.AugAssign, ast.NamedExpr)):
            targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
            for target in targets:
                holders |= {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}
                if isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name):
                    holders.add(target.value.id)
        if isinstance(parent, ast.stmt) and not isinstance(parent, ast.Expr):
            if not isinstance(parent, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
                break
        current = parent
    return bool(holders & joined)


# --------------------------------------------------------------------------
# FLK407: views that mutate process state
# --------------------------------------------------------------------------

MUTATORS = frozenset(
    {
        "append", "extend", "insert", "update", "setdefault", "pop", "popitem", "remove", "clear", "discard",
        "add", "appendleft", "extendleft", "popleft", "sort", "reverse", "__setitem__", "__delitem__",
    }
)
CONTAINER_CALLS = frozenset(
    {
        "builtins.dict", "builtins.list", "builtins.set", "builtins.bytearray", "collections.defaultdict",
        "collections.OrderedDict", "collections.Counter", "collections.deque",
    }
)
LOCK_CLASSES = frozenset(
    {
        "threading.Lock", "threading.RLock", "threading.Semaphore", "threading.BoundedSemaphore",
        "threading.Condition", "multiprocessing.Lock", "multiprocessing.RLock", "gevent.lock.Semaphore",
        "gevent.lock.BoundedSemaphore", "gevent.lock.RLock", "eventlet.semaphore.Semaphore",
    }
)
ONCE_HOOKS = frozenset({"before_first_request", "before_app_first_request"})


class StateChecker:
    def __init__(self, ctx: FileContext, resolver: Resolver) -> None:
        self.ctx = ctx
        self.model = ctx.model
        self.resolver = resolver
        self._containers: Dict[str, Optional[str]] = {}
        self._any_container: Optional[bool] = None

    def run(self) -> Iterator[Finding]:
        seen: Set[int] = set()
        functions: List[Tuple[FunctionNode, str]] = [(v.func, "view") for v in self.ctx.views]
        functions += [(func, "error handler") for func, _reg in self.ctx.error_handlers]
        functions += [
            (h.func_node, "request hook") for h in self.ctx.hooks if h.func_node is not None and h.kind not in ONCE_HOOKS
        ]
        for func, kind in functions:
            if id(func) in seen:
                continue
            seen.add(id(func))
            info = self.model.function_info(func)
            global_names = info.scope.global_names if info is not None else set()
            if not global_names and not self._has_containers():
                continue  # nothing to rebind or mutate: no need to walk it
            acquires, mutates = self._prescan(func)
            if acquires:
                continue
            if not mutates and not global_names:
                continue  # no store, no mutator call on a module container, no global
            out: List[Finding] = []
            self._block(func.body, func, kind, global_names, frozenset(), False, out)
            yield from out

    # -------------------------------------------------------------------

    def _block(
        self,
        stmts: List[ast.stmt],
        func: FunctionNode,
        kind: str,
        global_names: Set[str],
        tested: FrozenSet[str],
        locked: bool,
        out: List[Finding],
    ) -> None:
        for stmt in stmts:
            self._stmt(stmt, func, kind, global_names, tested, locked, out)

    def _stmt(
        self,
        node: ast.stmt,
        func: FunctionNode,
        kind: str,
        global_names: Set[str],
        tested: FrozenSet[str],
        locked: bool,
        out: List[Finding],
    ) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            return
        if isinstance(node, (ast.With, ast.AsyncWith)):
            inner = locked or any(self._is_lock(item.context_expr) for item in node.items)
            self._exprs(node, func, kind, locked, out, only=[i.context_expr for i in node.items])
            self._block(node.body, func, kind, global_names, tested, inner, out)
            return
        if isinstance(node, (ast.If, ast.While)):
            self._exprs(node, func, kind, locked, out, only=[node.test])
            inner_tested = tested | _names_in(node.test)
            self._block(node.body, func, kind, global_names, inner_tested, locked, out)
            self._block(node.orelse, func, kind, global_names, tested, locked, out)
            return
        targets: List[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = list(node.targets)
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets = [node.target]
        elif isinstance(node, ast.Delete):
            targets = list(node.targets)
        if not locked:
            for target in targets:
                self._target(target, node, func, kind, global_names, tested, out)
        # Nested statements (for/try bodies) and expressions.
        for name in node._fields:  # ast.iter_fields without its generator
            value = getattr(node, name, None)
            if isinstance(value, list) and value and isinstance(value[0], ast.stmt):
                self._block(value, func, kind, global_names, tested, locked, out)
            elif isinstance(value, list) and value and isinstance(value[0], ast.ExceptHandler):
                for handler in value:
                    self._block(handler.body, func, kind, global_names, tested, locked, out)
        self._exprs(node, func, kind, locked, out)

    def _target(
        self,
        target: ast.expr,
        stmt: ast.stmt,
        func: FunctionNode,
        kind: str,
        global_names: Set[str],
        tested: FrozenSet[str],
        out: List[Finding],
    ) -> None:
        if isinstance(target, ast.Name):
            if target.id in global_names and target.id not in tested:
                how = "increments" if isinstance(stmt, ast.AugAssign) else "rebinds"
                out.append(("FLK407", stmt, self._args(kind, func, f"{how} the module global", target.id, "")))
            return
        if isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self._target(element, stmt, func, kind, global_names, tested, out)
            return
        if isinstance(target, ast.Subscript):
            root = _root_name(target)
            where = self._container(root) if root is not None else None
            if root is not None and where is not None:
                how = "deletes from" if isinstance(stmt, ast.Delete) else "writes to"
                out.append(("FLK407", stmt, self._args(kind, func, f"{how} the module-level", root, where)))

    def _exprs(
        self,
        node: ast.AST,
        func: FunctionNode,
        kind: str,
        locked: bool,
        out: List[Finding],
        only: Optional[List[ast.expr]] = None,
    ) -> None:
        if locked:
            return
        roots: List[ast.AST] = list(only) if only is not None else [
            child for child in child_nodes(node) if isinstance(child, ast.expr)
        ]
        for root in roots:
            for sub in _walk_expr(root):
                if (
                    isinstance(sub, ast.Call)
                    and isinstance(sub.func, ast.Attribute)
                    and sub.func.attr in MUTATORS
                ):
                    name = _root_name(sub.func.value)
                    where = self._container(name) if name is not None else None
                    if name is not None and where is not None:
                        out.append(
                            ("FLK407", sub, self._args(kind, func, f"calls .{sub.func.attr}() on the module-level", name, where))
                        )

    # -------------------------------------------------------------------

    def _container(self, name: str) -> Optional[str]:
        """Where module-level container ``name`` is defined ("line N" / "module.NAME"), or None."""
        if name in self._containers:
            return self._containers[name]
        model = self.model
        result: Optional[str] = None
        bindings = model.module_scope.bindings.get(name, [])
        if bindings and all(b.kind == "assign" for b in bindings):
            if all(self._is_container(b.node) for b in bindings):
                result = f"line {getattr(bindings[0].node, 'lineno', 0)}"
        elif len(bindings) == 1 and bindings[0].kind == "import" and bindings[0].qualname:
            obj = self.ctx.evaluate(("q", bindings[0].qualname))
            if obj[0] == "instance" and obj[1] in CONTAINER_CALLS:
                result = bindings[0].qualname
            elif obj[0] == "seq" and (not obj[1] or ("?",) in obj[1]):
                result = bindings[0].qualname
        self._containers[name] = result
        return result

    def _is_container(self, node: Optional[ast.AST]) -> bool:
        if isinstance(node, (ast.Dict, ast.List, ast.Set, ast.DictComp, ast.ListComp, ast.SetComp)):
            return True
        if isinstance(node, ast.Call):
            return self.model.call_qualname(node) in CONTAINER_CALLS
        return False

    def _is_lock(self, expr: ast.AST) -> bool:
        name = expr.func if isinstance(expr, ast.Call) else expr
        last = name.attr if isinstance(name, ast.Attribute) else name.id if isinstance(name, ast.Name) else ""
        if "lock" in last.lower() or "mutex" in last.lower():
            return True
        classes, _creation = self.resolver.receiver(expr)
        return bool(classes & LOCK_CLASSES)

    def _has_containers(self) -> bool:
        """Whether any module-level name is a container (what FLK407 needs
        besides a rebound global)."""
        if self._any_container is None:
            names = self.model.module_scope.bindings
            self._any_container = any(self._container(name) is not None for name in names)
        return self._any_container

    def _prescan(self, func: FunctionNode) -> Tuple[bool, bool]:
        """(calls ``.acquire()``, may mutate module state) in one pass over the
        shared walk.  The second is False when no subscript is stored to or
        deleted from, and no mutator method is called, on a module-level
        container: what every FLK407 finding but a rebound global needs (the
        walk covers all the rule looks at), so the function can be skipped."""
        mutates = False
        for node in self.model.walk_function(func):
            kind = type(node)
            root: Optional[str] = None
            if kind is ast.Call:
                func_expr = node.func  # type: ignore[attr-defined]
                if type(func_expr) is ast.Attribute:
                    if func_expr.attr == "acquire":
                        return True, mutates
                    if func_expr.attr in MUTATORS:
                        root = _root_name(func_expr.value)
            elif kind is ast.Subscript and type(node.ctx) is not ast.Load:  # type: ignore[attr-defined]
                root = _root_name(node)
            if root is not None and not mutates and self._container(root) is not None:
                mutates = True
        return False, mutates

    def _args(self, kind: str, func: FunctionNode, how: str, name: str, where: str) -> Dict[str, Any]:
        place = f" ({where})" if where else ""
        return {"kind": kind, "func": func.name, "how": how, "name": name, "where": place}


def _root_name(node: ast.AST) -> Optional[str]:
    while isinstance(node, (ast.Subscript, ast.Attribute)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _walk_expr(root: ast.AST) -> Iterator[ast.AST]:
    stack = [root]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, ast.Lambda):
            continue
        stack.extend(child_nodes(node))


# --------------------------------------------------------------------------
# FLK408: monkey patching after other imports
# --------------------------------------------------------------------------

PATCHERS = frozenset(
    {
        "gevent.monkey.patch_all",
        "gevent.monkey.patch_socket",
        "gevent.monkey.patch_ssl",
        "gevent.monkey.patch_thread",
        "eventlet.monkey_patch",
        "eventlet.patcher.monkey_patch",
    }
)
# Modules that may come before the patch.  Plain ``import x`` of the standard
# library is fine (the patch replaces the module's attributes) except for the
# modules gevent itself warns about; third-party packages (Flask, requests,
# redis...) bind sockets, ssl and locks at import.
HARMLESS = frozenset({"__future__", "gevent", "eventlet", "psycogreen", "typing_extensions", "dotenv"})
SENSITIVE_STDLIB = frozenset({"ssl", "threading", "_thread"})
# ``from x import name`` before the patch keeps the blocking original.
FROM_SENSITIVE = frozenset({"time", "select", "selectors", "socket", "ssl", "threading", "_thread", "subprocess", "queue"})
STDLIB: FrozenSet[str] = frozenset(
    getattr(sys, "stdlib_module_names", ())
    or {
        "abc", "argparse", "base64", "collections", "contextlib", "copy", "datetime", "enum", "functools",
        "hashlib", "importlib", "io", "itertools", "json", "logging", "math", "os", "pathlib", "platform",
        "random", "re", "select", "selectors", "signal", "socket", "ssl", "string", "subprocess", "sys",
        "tempfile", "threading", "_thread", "time", "traceback", "typing", "uuid", "warnings", "queue",
    }
)


def check_monkey_patch(ctx: FileContext) -> Iterator[Finding]:
    model = ctx.model
    first: Optional[Tuple[str, int]] = None
    for stmt in _module_statements(model.tree.body):
        if first is None:
            first = _sensitive_import(ctx, stmt)
            if first is not None:
                continue
        call = stmt.value if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call) else None
        if call is not None and model.call_qualname(call) in PATCHERS and first is not None:
            yield "FLK408", call, {
                "call": f"{model.call_qualname(call)}()",
                "module": first[0],
                "line": first[1],
            }


def _module_statements(stmts: List[ast.stmt]) -> Iterator[ast.stmt]:
    """Module-level statements in order, into if/try/with blocks (not __main__)."""
    for stmt in stmts:
        if isinstance(stmt, ast.If):
            test = stmt.test
            if (
                isinstance(test, ast.Compare)
                and isinstance(test.left, ast.Name)
                and test.left.id == "__name__"
            ):
                yield from _module_statements(stmt.body)
                continue
            yield from _module_statements(stmt.body)
            yield from _module_statements(stmt.orelse)
        elif isinstance(stmt, (ast.With, ast.For, ast.While)):
            yield from _module_statements(stmt.body)
        elif hasattr(stmt, "handlers") and hasattr(stmt, "finalbody"):
            yield from _module_statements(getattr(stmt, "body", []))
            for handler in getattr(stmt, "handlers", []):
                yield from _module_statements(handler.body)
            yield from _module_statements(getattr(stmt, "orelse", []))
            yield from _module_statements(getattr(stmt, "finalbody", []))
        else:
            yield stmt


def _sensitive_import(ctx: FileContext, stmt: ast.stmt) -> Optional[Tuple[str, int]]:
    if isinstance(stmt, ast.Import):
        for alias in stmt.names:
            if _sensitive_module(ctx, alias.name, 0):
                return alias.name, stmt.lineno
    elif isinstance(stmt, ast.ImportFrom):
        module = stmt.module or ""
        root = module.split(".", 1)[0]
        if stmt.level == 0 and root in FROM_SENSITIVE:
            return module, stmt.lineno
        if _sensitive_module(ctx, module, stmt.level):
            return ("." * stmt.level) + module, stmt.lineno
    return None


def _sensitive_module(ctx: FileContext, name: str, level: int) -> bool:
    root = name.split(".", 1)[0]
    if level == 0:
        if root in HARMLESS:
            return False
        if root in STDLIB:
            return root in SENSITIVE_STDLIB
        if root not in ctx.index.modules and name not in ctx.index.modules:
            return True  # a third-party package
    # A project module: it matters when it touches Flask.
    package = ctx.model.module if ctx.model.is_package else ctx.model.module.rpartition(".")[0]
    if level:
        parts = package.split(".") if package else []
        if level > 1:
            parts = parts[: max(0, len(parts) - (level - 1))]
        name = ".".join(parts + ([name] if name else []))
    summary = ctx.index.modules.get(name)
    return summary is None or bool(summary.get("relevant", True))
