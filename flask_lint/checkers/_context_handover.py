"""Work handed to other threads, processes, greenlets and task queues.

Recognises the hand-over calls (threads, executors, process pools,
greenlets, Socket.IO background tasks, task queues), resolves what they run
(a project function or method in any module, a lambda, a nested def, a
``copy_current_request_context`` or ``contextvars.copy_context().run``
wrapper, a ``functools.partial``) and yields findings for FLK401, FLK402,
FLK404, FLK409 and FLK410 as ``(code, node, args)``.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Any, Dict, FrozenSet, Iterator, List, Optional, Set, Tuple

from ..engine import FileContext
from ..model import FunctionInfo, Scope, call_arg, child_nodes
from ._context_apis import (
    BACKGROUND_TASK,
    DIRECT,
    KEYWORD_ONLY,
    POOL_FAMILIES,
    POOL_METHODS,
    RUN_IN_EXECUTOR,
    WHERE,
    Api,
)
from ._context_facts import (
    CONTEXTVARS_RUN,
    COPY_WRAPPER,
    LOCAL_NEED,
    REQUEST,
    STREAM_WRAPPER,
    Finding,
    Scanner,
    callable_value,
    literal_truth,
    scan_nodes,
)
from ._context_project import Found, Project

_RQ_OPTIONS = frozenset(
    {
        "timeout", "job_timeout", "result_ttl", "ttl", "failure_ttl", "description", "depends_on", "job_id",
        "at_front", "meta", "retry", "on_success", "on_failure", "on_stopped", "pipeline", "args", "kwargs",
        "f", "func", "group_id", "repeat",
    }
)
QUEUE_METHODS: Dict[str, Api] = {
    "delay": Api(".delay()", "queue", None, extra_from=0),
    "apply_async": Api(".apply_async()", "queue", None, (0, "args"), (1, "kwargs")),
    "enqueue": Api(".enqueue()", "queue", (0, "f"), (KEYWORD_ONLY, "args"), (KEYWORD_ONLY, "kwargs"), 1, _RQ_OPTIONS),
    "enqueue_call": Api(".enqueue_call()", "queue", (0, "func"), (1, "args"), (2, "kwargs")),
    "enqueue_in": Api(".enqueue_in()", "queue", (1, None), extra_from=2, reserved=_RQ_OPTIONS),
    "enqueue_at": Api(".enqueue_at()", "queue", (1, None), extra_from=2, reserved=_RQ_OPTIONS),
}
RQ_METHODS = frozenset({"enqueue", "enqueue_call", "enqueue_in", "enqueue_at"})
ADD_JOB = Api(".add_job()", "queue", (0, "func"), (2, "args"), (3, "kwargs"))
ADD_JOB_FLASK = Api(".add_job()", "queue", (1, "func"), (KEYWORD_ONLY, "args"), (KEYWORD_ONLY, "kwargs"))
ACTOR_SEND = Api(".send()", "queue", None, extra_from=0)
ACTOR_SEND_OPTIONS = Api(".send_with_options()", "queue", None, (KEYWORD_ONLY, "args"), (KEYWORD_ONLY, "kwargs"))

THREAD_CLASSES = frozenset({"threading.Thread", "multiprocessing.Process", "multiprocessing.context.Process"})
REQUEST_TASK_BASES = frozenset({"flask_celeryext.RequestContextTask", "flask_celeryext.app.RequestContextTask"})

# Task decorators: canonical function names, then methods of framework objects.
TASK_FUNCTIONS: Dict[str, str] = {
    "celery.shared_task": "Celery",
    "celery.task": "Celery",
    "celery.decorators.task": "Celery",
    "celery.decorators.periodic_task": "Celery",
    "celery.task.periodic_task": "Celery",
    "rq.decorators.job": "RQ",
    "flask_rq.job": "RQ",
    "dramatiq.actor": "Dramatiq",
    "dramatiq.actor.actor": "Dramatiq",
}


def task_framework_of_class(dotted: str) -> Optional[str]:
    root = dotted.split(".", 1)[0]
    last = dotted.rpartition(".")[2]
    if root in ("celery", "flask_celery", "flask_celeryext") and "Celery" in last:
        return "Celery"
    if root == "huey" and "Huey" in last:
        return "Huey"
    if root == "flask_dramatiq":
        return "Dramatiq"
    if root == "flask_rq2":
        return "RQ"
    if root == "flask_apscheduler":
        return "Flask-APScheduler"
    if root == "apscheduler" and "Scheduler" in last:
        return "APScheduler"
    return None


TASK_METHODS: Dict[str, FrozenSet[str]] = {
    "Celery": frozenset({"task", "periodic_task"}),
    "Huey": frozenset({"task", "periodic_task", "db_task", "db_periodic_task"}),
    "Dramatiq": frozenset({"actor"}),
    "RQ": frozenset({"job"}),
    "Flask-APScheduler": frozenset({"task"}),
    "APScheduler": frozenset({"scheduled_job"}),
}
# Locals a task worker can never have (the app context may be pushed for it).
REQUEST_ONLY = frozenset({"flask.request", "flask.session", "flash()", "get_flashed_messages()"})


# --------------------------------------------------------------------------
# What a hand-over runs
# --------------------------------------------------------------------------


@dataclass
class Target:
    label: str
    roots: List[Tuple[str, int]] = field(default_factory=list)
    scan: Optional[Scanner] = None  # a lambda's own facts
    wrap: str = ""  # "", "copy" (copy_current_request_context), "full" (context carried), "unknown"
    wrapper: Optional[ast.AST] = None  # the copy_current_request_context call or decorated def
    extra_args: List[ast.expr] = field(default_factory=list)
    own_quals: Set[str] = field(default_factory=set)
    quoted: bool = True
    # Per root, the truth values the hand-over binds its parameters to (literal arguments).
    bindings: Dict[str, Dict[str, int]] = field(default_factory=dict)
    bound_method: bool = False  # a bound method: the hand-over's arguments start after self
    partial_pos: Optional[List[ast.expr]] = field(default_factory=list)  # functools.partial's (None: unknown)
    partial_kw: Dict[str, ast.expr] = field(default_factory=dict)

    @property
    def shown(self) -> str:
        return f"`{self.label}`" if self.quoted else self.label


@dataclass(frozen=True)
class HandOver:
    """A recognised hand-over call."""

    api: Api
    creation: Optional[ast.Call] = None  # the call that created the pool, when local
    framework: Optional[str] = None  # task queue (RQ, APScheduler...) for FLK404
    run_method: Optional[str] = None  # a Thread/Process subclass: its run()


class Resolver:
    """Resolves callables and receivers in one file."""

    def __init__(self, ctx: FileContext, project: Project) -> None:
        self.ctx = ctx
        self.model = ctx.model
        self.project = project
        self._with_names: Dict[int, Dict[str, List[ast.expr]]] = {}
        self.fork = self._chooses_fork()

    # ------------------------------------------------------------ labels

    @staticmethod
    def label(expr: ast.AST) -> str:
        text = ast.unparse(expr) if hasattr(ast, "unparse") else "callable"
        return text if len(text) <= 40 else text[:37] + "..."

    # ----------------------------------------------------------- targets

    def target(self, expr: Optional[ast.AST], depth: int = 0) -> Target:
        model = self.model
        if expr is None or depth > 8:
            return Target("?", wrap="unknown")
        if isinstance(expr, ast.Lambda):
            scan = scan_nodes(model, [expr.body])
            target = Target("the lambda", scan=scan, quoted=False)
            for value, _line, level, *_rest in scan.calls:
                for callee in self.project.callees(value):
                    target.roots.append((callee, int(level)))
            body = expr.body
            if isinstance(body, ast.Call) and len(target.roots) == 1:
                # `lambda: helper(items, notify=False)`: the literals it binds
                positional: Optional[List[ast.expr]] = list(body.args)
                if any(isinstance(a, ast.Starred) for a in body.args):
                    positional = None
                keywords = {k.arg: k.value for k in body.keywords if k.arg is not None}
                if any(k.arg is None for k in body.keywords):
                    positional = None
                root = target.roots[0][0]
                bound = self._is_bound_call(body.func, root)
                target.bindings[root] = self.bind(root, positional, keywords, bound)
            return target
        if isinstance(expr, ast.Call):
            qual = model.call_qualname(expr)
            if qual == COPY_WRAPPER and expr.args:
                inner = self.target(expr.args[0], depth + 1)
                if inner.wrap in ("", "copy"):
                    inner.wrap, inner.wrapper = "copy", expr
                return inner
            if qual == "functools.partial" and expr.args:
                inner = self.target(expr.args[0], depth + 1)
                inner.extra_args = list(expr.args[1:]) + [k.value for k in expr.keywords] + inner.extra_args
                more = list(expr.args[1:])
                if inner.partial_pos is None or any(isinstance(a, ast.Starred) for a in more):
                    inner.partial_pos = None
                else:
                    inner.partial_pos = inner.partial_pos + more
                if any(k.arg is None for k in expr.keywords):
                    inner.partial_pos = None
                inner.partial_kw = {**inner.partial_kw, **{k.arg: k.value for k in expr.keywords if k.arg is not None}}
                return inner
            if qual == STREAM_WRAPPER:
                return Target(self.label(expr), wrap="full")
            return Target(self.label(expr), wrap="unknown")
        if isinstance(expr, ast.Name):
            found = model.lookup(expr.id, model.scope_of(expr))
            if found is not None:
                _where, bindings = found
                if len(bindings) == 1 and bindings[0].kind == "def":
                    info = model.function_info(bindings[0].node)  # type: ignore[arg-type]
                    if info is not None:
                        return self._function_target(expr.id, info.qualname, info.node)
                if len(bindings) == 1 and bindings[0].kind == "assign" and isinstance(
                    bindings[0].node, (ast.Call, ast.Lambda, ast.Attribute, ast.Name)
                ):
                    inner = self.target(bindings[0].node, depth + 1)
                    if not inner.quoted or inner.wrap:
                        return inner
                    inner.label = expr.id
                    return inner
        value = callable_value(model, expr)
        obj = self.project.evaluate(value)
        if obj[0] == "external" and obj[1] in CONTEXTVARS_RUN:
            return Target(self.label(expr), wrap="full")
        if obj[0] in ("function", "method"):
            target = self._function_target(self.label(expr), obj[1], None)
            target.bound_method = self._is_bound_call(expr, obj[1])
            return target
        return Target(self.label(expr), wrap="unknown")

    def _is_bound_call(self, func: ast.AST, qual: str) -> bool:
        """Whether calling ``func`` (which runs ``qual``) passes ``self`` first:
        a method reached through an instance, or a class (its ``__init__``)."""
        if qual.rpartition(".")[2] == "__init__":
            return True
        if not isinstance(func, ast.Attribute):
            return False
        obj = self.project.evaluate(callable_value(self.model, func))
        if obj[0] != "method":
            return False
        owner = self.project.evaluate(callable_value(self.model, func.value))
        return owner[0] not in ("class", "module")

    def bind(
        self, qual: str, positional: Optional[List[ast.expr]], keywords: Dict[str, ast.expr], bound_method: bool
    ) -> Dict[str, int]:
        """The truth values of the literal arguments a call of ``qual`` passes (and of
        the literal defaults it leaves in place, when every argument is known)."""
        truths = [literal_truth(a) for a in positional] if positional is not None else None
        return self.project.bind_arguments(
            qual, truths, {name: literal_truth(value) for name, value in keywords.items()}, bound_method
        )

    def call_arguments(self, call: ast.Call, api: Api) -> Tuple[Optional[List[ast.expr]], Dict[str, ast.expr]]:
        """The positional arguments (None: not all known) and the keyword
        arguments a hand-over passes to its callable."""
        positional: Optional[List[ast.expr]] = []
        keywords: Dict[str, ast.expr] = {}
        if api.is_map:
            return None, {}
        if api.args is not None:
            position, keyword = api.args
            node = call_arg(call, position if position != KEYWORD_ONLY else 999, keyword)
            if isinstance(node, (ast.Tuple, ast.List)) and not any(isinstance(e, ast.Starred) for e in node.elts):
                positional = list(node.elts)
            elif node is not None:
                positional = None
        if api.kwargs is not None:
            position, keyword = api.kwargs
            node = call_arg(call, position if position != KEYWORD_ONLY else 999, keyword)
            if isinstance(node, ast.Dict) and all(_str_const_key(k) for k in node.keys):
                keywords.update({_str_const_key(k) or "": v for k, v in zip(node.keys, node.values)})
            elif isinstance(node, ast.Call) and self.model.call_qualname(node) == "builtins.dict" and not node.args:
                if any(k.arg is None for k in node.keywords):
                    positional = None
                keywords.update({k.arg: k.value for k in node.keywords if k.arg is not None})
            elif node is not None:
                positional = None
        if api.extra_from is not None:
            extra = call.args[api.extra_from :]
            if positional is not None and not any(isinstance(a, ast.Starred) for a in extra):
                positional = positional + list(extra)
            else:
                positional = None
            if "*" not in api.reserved:
                named = {api.target[1] if api.target else None, api.args[1] if api.args else None}
                named.add(api.kwargs[1] if api.kwargs else None)
                for kw in call.keywords:
                    if kw.arg is None:
                        positional = None
                    elif kw.arg not in named and kw.arg not in api.reserved:
                        keywords[kw.arg] = kw.value
        return positional, keywords

    def bind_hand_over(self, target: Target, call: ast.Call, api: Api) -> None:
        """Record in ``target`` what the hand-over binds its function's parameters to."""
        if target.wrap or len(target.roots) != 1 or target.scan is not None:
            return
        qual = target.roots[0][0]
        if qual not in target.own_quals or not self.project.get(qual).get("sig"):
            return
        positional, keywords = self.call_arguments(call, api)
        if target.partial_pos is None or positional is None:
            positional = None
        else:
            positional = target.partial_pos + positional
        keywords = {**target.partial_kw, **keywords}
        target.bindings[qual] = self.bind(qual, positional, keywords, target.bound_method)

    def _function_target(self, label: str, qual: str, node: Optional[ast.AST]) -> Target:
        project = self.project
        if project.has_decorator(qual, COPY_WRAPPER):
            return Target(label, roots=[(qual, REQUEST)], wrap="copy", wrapper=node, own_quals={qual})
        if project.has_decorator(qual, STREAM_WRAPPER):
            return Target(label, wrap="full")
        return Target(label, roots=[(qual, 0)], own_quals={qual})

    def uses(self, target: Target) -> List[Found]:
        found: List[Found] = []
        if target.scan is not None:
            if target.scan.guarded:
                return []
            found.extend(("<lambda>", tuple(u), 0) for u in target.scan.uses)
        found.extend(self.project.uses_from(target.roots, target.bindings))
        return found

    # --------------------------------------------------------- receivers

    def receiver(self, expr: ast.AST) -> Tuple[Set[str], Optional[ast.Call]]:
        """Dotted classes (with external bases) of the object ``expr`` holds, and
        the call that created it when it is in this file."""
        model = self.model
        creation: Optional[ast.Call] = None
        if isinstance(expr, ast.Call):
            creation = expr
        elif isinstance(expr, ast.Name):
            scope = model.scope_of(expr)
            found = model.lookup(expr.id, scope)
            if found is not None:
                where, bindings = found
                if len(bindings) == 1 and bindings[0].kind == "assign" and isinstance(bindings[0].node, ast.Call):
                    creation = bindings[0].node
                elif bindings and all(b.kind == "other" for b in bindings):
                    items = self._with_bound(where).get(expr.id, [])
                    if len(items) == 1 and isinstance(items[0], ast.Call):
                        creation = items[0]
        classes: Set[str] = set()
        if creation is not None:
            qual = model.qualname(creation.func)
            if qual:
                classes.add(qual)
            obj = self.project.evaluate(model.value(creation.func))
            if obj[0] in ("class", "external"):
                classes.add(obj[1])
        if not classes:
            obj = self.project.evaluate(callable_value(model, expr))
            if obj[0] in ("instance", "external"):
                classes.add(obj[1])
            elif obj[0] not in ("?", "param", "elt"):
                classes.add("<project>")
        for name in list(classes):
            if name in self.ctx.index.classes:
                classes.update(self.ctx.index.base_qualnames(name))
                classes.add("<project>")
        return classes, creation

    def _with_bound(self, scope: Scope) -> Dict[str, List[ast.expr]]:
        """``with X() as name`` in a scope: name -> [X()]."""
        if id(scope) not in self._with_names:
            names: Dict[str, List[ast.expr]] = {}
            node = scope.node
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                nodes = list(self.model.walk_function(node))
            elif isinstance(node, ast.Module):
                nodes = _module_level_nodes(node)
            else:
                nodes = []
            for item in nodes:
                if isinstance(item, (ast.With, ast.AsyncWith)):
                    for with_item in item.items:
                        if isinstance(with_item.optional_vars, ast.Name):
                            names.setdefault(with_item.optional_vars.id, []).append(with_item.context_expr)
            self._with_names[id(scope)] = names
        return self._with_names[id(scope)]

    def _chooses_fork(self) -> bool:
        """``multiprocessing.set_start_method("fork")`` in any module of the
        project (the start method is process-wide: a module that selects it
        chooses it for every other one), when no module selects another; or
        ``get_context("fork")`` / ``set_start_method("fork")`` in this file."""
        if self.project.start_methods == {"fork"}:
            return True
        for call, _scope, _loop in self.model.calls:
            if _last_name(call.func) not in ("set_start_method", "get_context") or not call.args:
                continue
            qual = self.model.call_qualname(call)
            if qual in ("multiprocessing.set_start_method", "multiprocessing.get_context"):
                arg = call.args[0]
                if isinstance(arg, ast.Constant) and arg.value == "fork":
                    return True
        return False

    # --------------------------------------------------------- hand-overs

    def classify(self, call: ast.Call) -> Optional[HandOver]:
        """The hand-over ``call`` makes, if it is one."""
        model = self.model
        func = call.func
        qual = model.call_qualname(call)
        # A bare name is filtered by what it resolves to (``from threading
        # import Thread as T``), an attribute by the attribute it reads.
        last = qual.rpartition(".")[2] if qual and isinstance(func, ast.Name) else _last_name(func)
        if last not in _INTERESTING:
            return self._thread_subclass(call) if last in self.project.thread_class_names() else None
        if qual in DIRECT:
            return HandOver(DIRECT[qual])
        if isinstance(func, ast.Attribute):
            method = func.attr
            if method == "run_in_executor":
                return HandOver(RUN_IN_EXECUTOR)
            if method == "delay":
                return HandOver(QUEUE_METHODS[method])
            interesting = (
                method in ("start_background_task", "add_job", "send", "send_with_options", "apply_async")
                or method in QUEUE_METHODS
                or any(method in methods for methods in POOL_METHODS.values())
            )
            if not interesting:
                return self._thread_subclass(call) if last in self.project.thread_class_names() else None
            classes, creation = self.receiver(func.value)
            if method == "start_background_task":
                if not classes or any(c.split(".", 1)[0] in ("flask_socketio", "socketio") for c in classes):
                    return HandOver(BACKGROUND_TASK)
                return None
            if method in RQ_METHODS:
                # An RQ queue or scheduler, or an object the index cannot see.
                if classes and not any(c.split(".", 1)[0] in ("rq", "flask_rq2", "rq_scheduler") for c in classes):
                    return None
                return HandOver(QUEUE_METHODS[method], framework="RQ")
            if method == "add_job":
                frameworks = {task_framework_of_class(c) for c in classes}
                if "Flask-APScheduler" in frameworks:
                    return HandOver(ADD_JOB_FLASK, framework="Flask-APScheduler")
                if "APScheduler" in frameworks:
                    return HandOver(ADD_JOB, framework="APScheduler")
                return None
            if method in ("send", "send_with_options"):
                obj = self.project.evaluate(model.value(func.value))
                if obj[0] == "function" and self._is_actor(obj[1]):
                    return HandOver(ACTOR_SEND if method == "send" else ACTOR_SEND_OPTIONS, framework="Dramatiq")
                return None
            for name in classes:
                family = POOL_FAMILIES.get(name)
                if family is not None and method in POOL_METHODS[family]:
                    return HandOver(POOL_METHODS[family][method], creation=creation)
            if method == "apply_async":  # Celery's, when not a pool's
                return HandOver(QUEUE_METHODS[method])
            return None
        return self._thread_subclass(call) if last in self.project.thread_class_names() else None

    def _thread_subclass(self, call: ast.Call) -> Optional[HandOver]:
        obj = self.project.evaluate(self.model.value(call.func))
        if obj[0] != "class":
            return None
        bases = set(self.ctx.index.base_qualnames(obj[1]))
        if not bases & THREAD_CLASSES:
            return None
        run = self.ctx.index.find_method(obj[1], "run")
        kind = "process" if any("multiprocessing" in b for b in bases) else "thread"
        if run is not None:
            return HandOver(Api(obj[1].rpartition(".")[2], kind, None, extra_from=0), run_method=run)
        return HandOver(Api(obj[1].rpartition(".")[2], kind, (1, "target"), (3, "args"), (4, "kwargs")))

    def _is_actor(self, qual: str) -> bool:
        for obj, _call, _kw in self.project.decorators(qual):
            if obj[0] == "external" and obj[1].split(".", 1)[0] in ("dramatiq", "flask_dramatiq"):
                return True
        return False

    def passed_args(self, call: ast.Call, api: Api) -> List[ast.expr]:
        """The expressions a hand-over passes on to the callable."""
        out: List[ast.expr] = []
        for spec in (api.args, api.kwargs):
            if spec is None:
                continue
            position, keyword = spec
            node = call_arg(call, position if position != KEYWORD_ONLY else 999, keyword)
            if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
                out.extend(e for e in node.elts if not isinstance(e, ast.Starred))
            elif isinstance(node, ast.Dict):
                out.extend(v for v in node.values if v is not None)
            elif isinstance(node, ast.Call) and self.model.call_qualname(node) == "builtins.dict":
                out.extend(k.value for k in node.keywords)
        if api.extra_from is not None and "*" not in api.reserved:
            for arg in call.args[api.extra_from :]:
                if not isinstance(arg, ast.Starred):
                    out.append(arg)
        if api.extra_from is not None:
            named = {api.target[1] if api.target else None, api.args[1] if api.args else None}
            named.add(api.kwargs[1] if api.kwargs else None)
            for kw in call.keywords:
                if kw.arg is not None and kw.arg not in named and kw.arg not in api.reserved:
                    out.append(kw.value)
        return out


def _str_const_key(node: Optional[ast.AST]) -> Optional[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _last_name(func: ast.AST) -> str:
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


# Last identifiers of the calls classify() can recognise (before any lookup).
_INTERESTING = frozenset(
    {name.rpartition(".")[2] for name in DIRECT}
    | {name for methods in POOL_METHODS.values() for name in methods}
    | set(QUEUE_METHODS)
    | {"run_in_executor", "start_background_task", "add_job", "send", "send_with_options"}
)


def _module_level_nodes(tree: ast.Module) -> List[ast.AST]:
    out: List[ast.AST] = []
    stack: List[ast.AST] = list(reversed(tree.body))
    while stack:
        node = stack.pop()
        out.append(node)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        stack.extend(reversed(child_nodes(node)))
    return out


# --------------------------------------------------------------------------
# Messages
# --------------------------------------------------------------------------


_METHOD_NAMES = frozenset({"get", "pop", "setdefault", "keys", "items", "values", "copy", "update", "clear"})


def describe(project: Project, found: Found, target: Target, here: str) -> str:
    qual, use, _level = found
    what, line = str(use[0]), use[1]
    if what.endswith("()"):
        verb = f"calls {what}"
    elif len(use) > 4 and use[4]:
        verb = f"sets {what}.{use[3]}" if use[3] else f"sets {what}"
    else:
        attr = str(use[3]) if len(use) > 3 and use[3] not in _METHOD_NAMES else ""
        verb = f"reads {what}.{attr}" if attr else f"reads {what}"
    module = project.module_of(qual) if qual != "<lambda>" else here
    place = f"line {line}" if module in (here, None) else f"{module} line {line}"
    if qual == "<lambda>" or qual in target.own_quals:
        return f"{verb} ({place})"
    short = qual[len(module) + 1 :] if module and qual.startswith(module + ".") else qual
    return f"{verb} through `{short}` ({place})"


def first_most_needed(found: List[Found]) -> Found:
    need = max(int(f[1][2]) for f in found)
    return next(f for f in found if int(f[1][2]) == need)


def is_proxy(ctx: FileContext, expr: ast.AST) -> Optional[str]:
    value = ctx.model.value(expr)
    if value[0] == "q" and value[1] in LOCAL_NEED:
        return str(value[1])
    return None


# --------------------------------------------------------------------------
# The checks
# --------------------------------------------------------------------------


class HandOverChecker:
    def __init__(self, ctx: FileContext, project: Project, resolver: Optional[Resolver] = None) -> None:
        self.ctx = ctx
        self.project = project
        self.resolver = resolver or Resolver(ctx, project)
        self.here = ctx.model.module
        self._parents: Dict[int, Dict[int, ast.AST]] = {}

    def run(self) -> Iterator[Finding]:
        shared: Dict[int, List[ast.Call]] = {}
        for call, scope, _in_loop in self.ctx.model.calls:
            hand_over = self.resolver.classify(call)
            if hand_over is None:
                yield from self._through_helper(call)
                continue
            yield from self._hand_over(call, scope, hand_over, shared)
        yield from self._thread_decorators()

    # ------------------------------------------- helpers that start threads

    def _helper(self, func: ast.AST) -> Optional[Tuple[str, List[Tuple[Any, ...]], List[str]]]:
        """(qualname, hand-overs, parameters as callers see them) of a project
        function that hands one of its parameters to another thread."""
        if not self.project.helpers():
            return None
        obj = self.project.evaluate(callable_value(self.ctx.model, func))
        if obj[0] not in ("function", "method") or obj[1] not in self.project.helpers():
            return None
        handed = self.project.get(obj[1]).get("ho")
        if not handed:
            return None
        entry = self.ctx.index.functions.get(obj[1])
        params = list(entry[1].get("params", ())) if entry else []
        if obj[0] == "method":
            params = params[1:]
        return obj[1], [tuple(h) for h in handed], params

    def _through_helper(self, call: ast.Call) -> Iterator[Finding]:
        """``run_async(send_mail, user)`` where run_async starts its argument in a thread."""
        helper = self._helper(call.func)
        if helper is None:
            return
        qual, handed, params = helper
        for param, kind, _api, *passed in handed:
            position = params.index(param) if param in params else 999
            expr = call_arg(call, position, str(param))
            if expr is None:
                continue
            where = f"{WHERE.get(str(kind), 'another thread')} started by `{qual.rpartition('.')[2]}`"
            target = self.resolver.target(expr)
            self._bind_through(target, call, position, str(param), passed)
            yield from self._check_target(call, target, str(kind), where)

    def _bind_through(self, target: Target, call: ast.Call, position: int, param: str, passed: List[Any]) -> None:
        """What ``run_async(g, x, notify=False)`` binds g's parameters to, when
        the helper passes its own ``*args`` / ``**kwargs`` on (see
        ``_context_facts._passed_through``)."""
        if len(passed) != 2 or "?" in passed or position == 999:
            return
        if target.wrap or len(target.roots) != 1 or target.scan is not None:
            return
        qual = target.roots[0][0]
        if qual not in target.own_quals or not self.project.get(qual).get("sig"):
            return
        extra = call.args[position + 1 :]
        positional: Optional[List[ast.expr]] = list(extra) if passed[0] == "*" else []
        if any(isinstance(a, ast.Starred) for a in extra) or (extra and passed[0] != "*"):
            positional = None
        keywords: Dict[str, ast.expr] = {}
        for keyword in call.keywords:
            if keyword.arg == param:
                continue
            if keyword.arg is None or passed[1] != "*":
                positional = None
                continue
            keywords[keyword.arg] = keyword.value
        if target.partial_pos is None or positional is None:
            positional = None
        else:
            positional = target.partial_pos + positional
        keywords = {**target.partial_kw, **keywords}
        target.bindings[qual] = self.resolver.bind(qual, positional, keywords, target.bound_method)

    def _thread_decorators(self) -> Iterator[Finding]:
        """``@run_in_thread`` on a function: the decorator hands it to a thread."""
        for info in self.ctx.model.functions.values():
            for decorator in info.node.decorator_list:
                if isinstance(decorator, ast.Call):
                    continue
                helper = self._helper(decorator)
                if helper is None:
                    continue
                qual, handed, params = helper
                for param, kind, _api, *_passed in handed:
                    if params and params[0] == param:
                        target = self.resolver._function_target(info.node.name, info.qualname, info.node)
                        where = f"{WHERE.get(str(kind), 'another thread')} started by @{qual.rpartition('.')[2]}"
                        yield from self._check_target(decorator, target, str(kind), where)

    def _check_target(self, node: ast.AST, target: Target, kind: str, where: str) -> Iterator[Finding]:
        if target.wrap:
            return
        found = [f for f in self.resolver.uses(target) if int(f[1][2]) > int(f[2])]
        if not found:
            return
        first = first_most_needed(found)
        request = int(first[1][2]) >= REQUEST
        yield "FLK401", node, {
            "target": target.shown,
            "use": describe(self.project, first, target, self.here),
            "where": where,
            "context": "request context" if request else "application context",
            "fix": _fix(kind, request),
        }

    # -------------------------------------------------------------------

    def _hand_over(
        self, call: ast.Call, scope: Scope, hand_over: HandOver, shared: Dict[int, List[ast.Call]]
    ) -> Iterator[Finding]:
        resolver = self.resolver
        api = hand_over.api
        if hand_over.run_method is not None:
            # A Thread/Process subclass: its run() is the target.
            target = resolver._function_target(api.label, hand_over.run_method, None)
            target.label = f"{api.label}.run"
        elif api.target is not None:
            position, keyword = api.target
            target = resolver.target(call_arg(call, position, keyword))
            resolver.bind_hand_over(target, call, api)
        else:
            target = Target("?", wrap="unknown")
        process_forked = api.kind == "process" and resolver.fork
        # FLK402: the proxy itself passed along.
        if target.wrap not in ("copy", "full") and not (process_forked and api.label == "multiprocessing.Process"):
            passed = resolver.passed_args(call, api) + target.extra_args
            if hand_over.run_method is not None:  # the constructor's arguments reach run() through self
                passed = [a for a in call.args if not isinstance(a, ast.Starred)] + [k.value for k in call.keywords]
            for arg in passed:
                local = is_proxy(self.ctx, arg)
                if local is not None:
                    yield "FLK402", call, {
                        "local": local,
                        "api": api.label,
                        "consequence": _proxy_consequence(api.kind, local),
                        "fix": _proxy_fix(api.kind, local),
                    }
                    break
        if api.kind == "queue":
            framework = hand_over.framework
            if framework in ("RQ", "APScheduler", "Flask-APScheduler") and api.target is not None and not target.wrap:
                yield from self._queued(call, target, framework)
            return
        if target.wrap == "unknown" or target.wrap == "full":
            return
        if target.wrap == "copy":
            yield from self._copied(call, _scope_root(scope), api, target, hand_over.creation, shared)
            return
        if process_forked:
            return
        found = [f for f in resolver.uses(target) if int(f[1][2]) > int(f[2])]
        if not found:
            return
        first = first_most_needed(found)
        request = int(first[1][2]) >= REQUEST
        yield "FLK401", call, {
            "target": target.shown,
            "use": describe(self.project, first, target, self.here),
            "where": WHERE[api.kind],
            "context": "request context" if request else "application context",
            "fix": _fix(api.kind, request),
        }

    def _queued(self, call: ast.Call, target: Target, framework: str) -> Iterator[Finding]:
        found = [
            f
            for f in self.resolver.uses(target)
            if str(f[1][0]) in REQUEST_ONLY and int(f[1][2]) > int(f[2])
        ]
        if found:
            yield "FLK404", call, {
                "framework": framework,
                "task": target.shown,
                "use": describe(self.project, found[0], target, self.here),
            }

    def _copied(
        self,
        call: ast.Call,
        root: ast.AST,
        api: Api,
        target: Target,
        creation: Optional[ast.Call],
        shared: Dict[int, List[ast.Call]],
    ) -> Iterator[Finding]:
        # FLK409: g does not travel with copy_current_request_context.
        found = self.resolver.uses(target)
        written = {str(f[1][3]) for f in found if f[1][0] == "flask.g" and len(f[1]) > 4 and f[1][4]}
        for item in found:
            use = item[1]
            if use[0] == "flask.g" and use[3] and not use[4] and str(use[3]) not in written:
                yield "FLK409", call, {
                    "target": target.shown,
                    "use": describe(self.project, item, target, self.here),
                }
                break
        # FLK410: one wrapper pushed from several workers at once.
        wrapper = target.wrapper
        if wrapper is None:
            return
        if api.is_map:
            if not _single_worker(creation):
                yield "FLK410", call, {"how": f"{api.label} runs it on every worker"}
            return
        parents = self._parent_map(root)
        loop = _innermost_loop(call, parents)
        if loop is not None and not _inside(wrapper, loop, parents):
            yield "FLK410", call, {"how": "it is handed over once per loop iteration"}
            return
        earlier = shared.setdefault(id(wrapper), [])
        block = _statement_block(call, parents)
        if earlier and block is not None and any(_statement_block(p, parents) == block for p in earlier):
            yield "FLK410", call, {"how": f"it was already handed over on line {earlier[0].lineno}"}
        earlier.append(call)

    # ----------------------------------------------------- structure

    def _parent_map(self, root: ast.AST) -> Dict[int, ast.AST]:
        """Child -> parent inside a function body (or the module's top level)."""
        key = id(root)
        if key not in self._parents:
            parents: Dict[int, ast.AST] = {}
            stack = [root]
            while stack:
                current = stack.pop()
                for child in child_nodes(current):
                    parents[id(child)] = current
                    if not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
                        stack.append(child)
            self._parents[key] = parents
        return self._parents[key]


def _scope_root(scope: Scope) -> ast.AST:
    current: Optional[Scope] = scope
    while current is not None and current.kind not in ("function", "module"):
        current = current.parent
    return current.node if current is not None else scope.node


_LOOPS = (ast.For, ast.AsyncFor, ast.While, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


def _innermost_loop(node: ast.AST, parents: Dict[int, ast.AST]) -> Optional[ast.AST]:
    current = parents.get(id(node))
    while current is not None:
        if isinstance(current, _LOOPS):
            return current
        current = parents.get(id(current))
    return None


def _inside(node: ast.AST, ancestor: ast.AST, parents: Dict[int, ast.AST]) -> bool:
    current = parents.get(id(node))
    while current is not None:
        if current is ancestor:
            return True
        current = parents.get(id(current))
    return False


def _statement_block(node: ast.AST, parents: Dict[int, ast.AST]) -> Optional[Tuple[int, str]]:
    """The statement list that holds the statement around ``node``."""
    current: Optional[ast.AST] = node
    while current is not None and not isinstance(current, ast.stmt):
        current = parents.get(id(current))
    if current is None:
        return None
    parent = parents.get(id(current))
    if parent is None:
        return None
    for name, value in ast.iter_fields(parent):
        if isinstance(value, list) and any(item is current for item in value):
            return (id(parent), name)
    return None


def _single_worker(creation: Optional[ast.Call]) -> bool:
    if creation is None:
        return False
    node = call_arg(creation, 0, "max_workers")
    for keyword in ("processes", "size"):
        node = node if node is not None else call_arg(creation, 99, keyword)
    return isinstance(node, ast.Constant) and node.value == 1


def _proxy_consequence(kind: str, local: str) -> str:
    context = "request" if LOCAL_NEED.get(local) == REQUEST else "application"
    if kind == "queue":
        return f"it cannot be serialized for the worker (JSON or pickle), which has no {context} context to resolve it in"
    if kind == "process":
        return f"it cannot be pickled, and the worker has no {context} context to resolve it in"
    return f"it is looked up again in {WHERE[kind]}, where there is no {context} context"


def _proxy_fix(kind: str, local: str) -> str:
    if kind in ("process", "queue"):
        return "pass the plain values it needs (the real object does not serialize either)"
    return f"pass {local.rpartition('.')[2]}._get_current_object() or the values it needs"


def _fix(kind: str, request: bool) -> str:
    if kind in ("process",):
        return "pass the values it needs as arguments"
    if request:
        return "wrap it with copy_current_request_context or pass the values it needs"
    return (
        "pass current_app._get_current_object() and push `with app.app_context()` in it, "
        "or pass the values it needs"
    )


# --------------------------------------------------------------------------
# Task functions (FLK404)
# --------------------------------------------------------------------------


def task_decorator(ctx: FileContext, resolver: Resolver, info: FunctionInfo) -> Optional[Tuple[str, Optional[ast.Call]]]:
    """(framework, decorator call) when ``info`` is declared as a queue task."""
    model = ctx.model
    for decorator in info.node.decorator_list:
        call = decorator if isinstance(decorator, ast.Call) else None
        func = call.func if call is not None else decorator
        qual = model.qualname(func)
        if qual in TASK_FUNCTIONS:
            return TASK_FUNCTIONS[qual], call
        if isinstance(func, ast.Attribute):
            classes, _creation = resolver.receiver(func.value)
            for name in classes:
                framework = task_framework_of_class(name)
                if framework is not None and func.attr in TASK_METHODS[framework]:
                    return framework, call
    return None


def task_gets_request_context(ctx: FileContext, project: Project, call: Optional[ast.Call]) -> bool:
    """Whether the task's base class pushes a request context for it.

    ``base=X``: X (a project class, or Flask-CeleryExt's RequestContextTask)
    pushes one in a method.  No ``base=``: some project task class pushes one
    (it is then installed as the app's default, ``task_cls=``/``celery.Task =``).
    A base whose pushing method reads options from ``self`` covers only tasks
    declared with one of those options.
    """
    pushing = project.request_pushing_classes()
    keywords = {k.arg for k in call.keywords if k.arg} if call is not None else set()
    base = call_arg(call, 99, "base") if call is not None else None
    if base is not None:
        obj = project.evaluate(ctx.model.value(base))
        if obj[0] == "external":
            return obj[1] in REQUEST_TASK_BASES
        if obj[0] != "class":
            return True  # an unknown base class: it may push one
        options = pushing.get(obj[1], set())
        return obj[1] in pushing and (options is None or bool(options & keywords))
    for class_qual, options in pushing.items():
        if project.is_task_class(class_qual) and (options is None or options & keywords):
            return True
    return False


def check_tasks(ctx: FileContext, project: Project, resolver: Resolver) -> Iterator[Finding]:
    for info in ctx.model.functions.values():
        if not info.node.decorator_list:
            continue
        declared = task_decorator(ctx, resolver, info)
        if declared is None:
            continue
        framework, call = declared
        found = [
            f
            for f in project.reach(info.qualname, 0)
            if str(f[1][0]) in REQUEST_ONLY and int(f[1][2]) > int(f[2])
        ]
        if not found:
            continue
        if framework == "Celery" and task_gets_request_context(ctx, project, call):
            continue
        target = Target(info.node.name, own_quals={info.qualname})
        yield "FLK404", info.node, {
            "framework": framework,
            "task": f"`{info.node.name}`",
            "use": describe(project, found[0], target, ctx.model.module),
        }


__all__ = ["HandOverChecker", "Resolver", "Target", "check_tasks", "describe", "first_most_needed", "is_proxy"]
