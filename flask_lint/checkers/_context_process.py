"""Process-level concurrency traps: fire-and-forget asyncio tasks in async
views (FLK406) and monkey patching that comes too late (FLK408).  Views that
mutate module state (FLK407) are in ``_context_state``."""

from __future__ import annotations

import ast
import sys
from typing import Dict, FrozenSet, Iterator, List, Optional, Set, Tuple

from ..engine import FileContext
from ..model import FunctionNode, child_nodes
from ._context_facts import Finding
from ._context_handover import Resolver

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
