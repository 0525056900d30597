"""Views that mutate process state (FLK407).

A module global, a module-level container or the app's config changed by a
view, an error handler or a request hook in a way that depends on the
request: each thread and worker process keeps its own version of it.
Containers defined in another module are known from the ``context`` summary
extension (``st``: their kind), so the message does not depend on the file
they live in.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, replace
from typing import Any, Dict, FrozenSet, Iterator, List, Optional, Set, Tuple, Union

from ..engine import FileContext
from ..model import Binding, FlaskModel, FunctionInfo, FunctionNode, Scope, child_nodes
from ..summary import tuplify
from ._context_facts import CONFIG_CONTAINERS, CONTAINER_CALLS, Finding, binding_container, container_kind, plain_entries
from ._context_handover import Resolver

#
# A change is reported when doing it again, on a later request, can leave the
# process in a different state: the state then depends on which requests each
# worker process happened to serve (and, without a lock, on how its threads
# interleaved).  What every request sets to the same thing (a global rebound
# to `current_app.config`, `CACHE.clear()`, `SETTINGS["x"] = 1`, lazy
# initialisation) is left alone.  Every name goes through the model's scopes,
# so a local, parameter, loop or comprehension variable that shadows a module
# global is never taken for it.
#
# Values are summed up as *reasons*, the sources they are computed from:
# REQUEST (request/session/g data, the handler's parameters, a caught
# exception), VOLATILE (a clock, a random number, a new task or thread: a new
# value on every call) and "state:NAME" (a read of module variable NAME, or
# CONFIG for the app's config): writing a value computed from the state it is
# written to accumulates.

REQUEST = "request"
VOLATILE = "volatile"
CONFIG = "config"
_NO_REASONS: FrozenSet[str] = frozenset()

# Request-bound objects: everything read from them differs between requests.
REQUEST_ROOTS = (
    "flask.request", "flask.session", "flask.g", "flask_login.current_user", "flask_login.utils.current_user",
    "flask_jwt_extended.current_user", "flask_jwt_extended.get_jwt", "flask_jwt_extended.get_jwt_identity",
    "flask_security.current_user",
)
# Calls that return a new value every time they run.
VOLATILE_CALLS = frozenset(
    {
        "time.time", "time.time_ns", "time.monotonic", "time.monotonic_ns", "time.perf_counter",
        "time.perf_counter_ns", "time.process_time", "datetime.datetime.now", "datetime.datetime.utcnow",
        "datetime.datetime.today", "datetime.date.today", "uuid.uuid1", "uuid.uuid4", "os.urandom",
        "builtins.object", "builtins.next", "threading.Thread", "threading.Timer", "multiprocessing.Process",
        "asyncio.create_task", "asyncio.ensure_future", "asyncio.tasks.create_task", "asyncio.tasks.ensure_future",
        "gevent.spawn", "gevent.spawn_later", "eventlet.spawn",
    }
)
VOLATILE_MODULES = ("random.", "secrets.")
# Methods that start work and return a new handle (task, future, result).
FRESH_METHODS = frozenset({"create_task", "ensure_future", "run_in_executor", "submit", "apply_async", "delay", "spawn"})

# Mutating methods: those that change the container on every call, and those
# whose effect is the same every time their arguments are.
GROWERS = {"append": "appends to", "extend": "extends", "insert": "inserts into", "appendleft": "appends to",
           "extendleft": "extends"}
SHRINKERS = {"popitem": "removes an item from", "popleft": "removes an item from", "rotate": "rotates",
             "reverse": "reverses"}
MUTATORS = frozenset(
    set(GROWERS) | set(SHRINKERS)
    | {"pop", "update", "subtract", "setdefault", "add", "discard", "remove", "clear", "sort", "__setitem__",
       "__delitem__"}
)
# Removing a key read from the container itself is housekeeping, not growth.
REMOVERS = frozenset({"pop", "discard", "remove", "__delitem__"})
FUNCTION_MUTATORS = {
    "heapq.heappush": "pushes onto", "heapq.heappop": "pops from", "heapq.heappushpop": "pushes onto",
    "heapq.heapreplace": "replaces an item of", "bisect.insort": "inserts into", "bisect.insort_left": "inserts into",
    "bisect.insort_right": "inserts into",
}
_FUNCTION_MUTATOR_NAMES = frozenset(q.rsplit(".", 1)[1] for q in FUNCTION_MUTATORS)
LOCK_CLASSES = frozenset(
    {
        "threading.Lock", "threading.RLock", "threading.Semaphore", "threading.BoundedSemaphore",
        "threading.Condition", "multiprocessing.Lock", "multiprocessing.RLock", "gevent.lock.Semaphore",
        "gevent.lock.BoundedSemaphore", "gevent.lock.RLock", "eventlet.semaphore.Semaphore",
    }
)
ONCE_HOOKS = frozenset({"before_first_request", "before_app_first_request"})
# Tests that ask whether something is there yet (lazy initialisation).
_PRESENCE_OPS = (ast.Is, ast.IsNot, ast.Eq, ast.NotEq, ast.In, ast.NotIn)


@dataclass(frozen=True)
class _State:
    """Process state a statement changes: a module global or container, or the app's config."""

    key: str  # the reason its reads carry: "state:NAME" or CONFIG
    name: str  # as the message shows it
    noun: str  # "the module-level dict", "the module global"...
    where: str  # " (line 12)", " (pkg.store.ITEMS)" or ""
    family: str  # list, dict, set, counter, global, ?
    element: bool = False  # the change reaches an entry of it, not it
    objects: bool = False  # its entries are objects, not containers (``_entries_are_objects``)


@dataclass(frozen=True)
class _Frame:
    func: FunctionNode  # the view, handler or hook the message names
    kind: str
    scope: Scope  # the scope the statements run in (the handler's, or a nested def's)
    locked: bool = False
    tested: FrozenSet[str] = frozenset()  # state whose presence an enclosing test checks


# A binding site of a local name: the expression it takes its value from
# (None: nothing the request reaches, e.g. an import) or REQUEST itself.
_Site = Union[ast.expr, str, None]


class StateChecker:
    def __init__(self, ctx: FileContext, resolver: Resolver) -> None:
        self.ctx = ctx
        self.model = ctx.model
        self.resolver = resolver
        self._containers: Dict[str, Optional[_State]] = {}
        self._sites: Dict[int, Dict[str, List[_Site]]] = {}
        self._local_memo: Dict[Tuple[int, str], FrozenSet[str]] = {}
        self._parents: Dict[int, Dict[int, ast.AST]] = {}
        self._apps: Dict[int, bool] = {}
        self._handlers: Set[int] = set()
        self._reported: Set[Tuple[int, str]] = set()
        self._out: List[Finding] = []

    def run(self) -> Iterator[Finding]:
        functions: List[Tuple[FunctionNode, str]] = [(v.func, "view") for v in self.ctx.views]
        functions += [(func, "error handler") for func, _reg in self.ctx.error_handlers]
        functions += [
            (h.func_node, "request hook") for h in self.ctx.hooks if h.func_node is not None and h.kind not in ONCE_HOOKS
        ]
        self._handlers = {id(func) for func, _kind in functions}
        seen: Set[int] = set()
        for func, kind in functions:
            if id(func) in seen:
                continue
            seen.add(id(func))
            info = self.model.function_info(func)
            if info is None or not self._prescan(func):
                continue
            self._block(func.body, _Frame(func, kind, info.scope))
        yield from self._out

    def _prescan(self, func: FunctionNode) -> bool:
        """Whether the function (nested defs included) can change process
        state at all: a ``global`` statement, a subscript store or delete, a
        mutating method or heapq/bisect call; and takes no lock by hand (a
        function that calls ``.acquire()`` synchronises itself)."""
        found = False
        for node in self.model.walk_function(func, into_nested=True):
            kind = type(node)
            if kind is ast.Call:
                callee = node.func  # type: ignore[attr-defined]
                if type(callee) is ast.Attribute:
                    if callee.attr == "acquire":
                        return False
                    found = found or callee.attr in MUTATORS or callee.attr in _FUNCTION_MUTATOR_NAMES
                elif type(callee) is ast.Name:
                    found = found or callee.id in _FUNCTION_MUTATOR_NAMES
            elif kind is ast.Global or (kind is ast.Subscript and type(node.ctx) is not ast.Load):  # type: ignore[attr-defined]
                found = True
        return found

    # ------------------------------------------------------------ statements

    def _block(self, stmts: List[ast.stmt], frame: _Frame) -> None:
        for stmt in stmts:
            self._stmt(stmt, frame)
            if (
                isinstance(stmt, ast.If)
                and not stmt.orelse
                and stmt.body
                and isinstance(stmt.body[-1], (ast.Return, ast.Raise))
            ):
                # ``if _client is not None: return _client``: what follows
                # runs only while the state is missing.
                tags = self._presence_tags(stmt.test)
                if tags:
                    frame = replace(frame, tested=frame.tested | tags)

    def _stmt(self, node: ast.stmt, frame: _Frame) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            # A nested def runs at request time too (a callback, a helper the
            # view calls); its own parameters are not taken for request data.
            info = self.model.function_info(node)
            if info is not None:
                self._block(node.body, _Frame(frame.func, frame.kind, info.scope))
            return
        if isinstance(node, ast.ClassDef):
            return
        if isinstance(node, (ast.With, ast.AsyncWith)):
            self._exprs([item.context_expr for item in node.items], frame)
            for item in node.items:
                if item.optional_vars is not None:
                    self._bind(item.optional_vars, item.context_expr, node, frame)
            locked = frame.locked or any(self._is_lock(item.context_expr) for item in node.items)
            self._block(node.body, replace(frame, locked=locked) if locked != frame.locked else frame)
            return
        if isinstance(node, ast.If):
            self._exprs([node.test], frame)
            tags = self._presence_tags(node.test)
            inner = replace(frame, tested=frame.tested | tags) if tags else frame
            self._block(node.body, inner)
            self._block(node.orelse, inner)
            self._branch_choice(node, frame)
            return
        if isinstance(node, ast.While):
            self._exprs([node.test], frame)
            self._block(node.body, frame)
            self._block(node.orelse, frame)
            return
        if isinstance(node, (ast.For, ast.AsyncFor)):
            self._exprs([node.iter], frame)
            self._bind(node.target, node.iter, node, frame)
            self._block(node.body, frame)
            self._block(node.orelse, frame)
            return
        handlers = getattr(node, "handlers", None)
        if isinstance(handlers, list) and hasattr(node, "finalbody"):  # try / try*
            self._block(getattr(node, "body", []), frame)
            missing = self._lookup_tags(getattr(node, "body", []))
            for handler in handlers:
                if handler.type is not None:
                    self._exprs([handler.type], frame)
                # ``try: v = CACHE[k]`` / ``except KeyError: CACHE[k] = ...``:
                # the handler runs only while the entry is missing.
                tags = missing if missing and self._catches_lookup(handler.type) else _NO_REASONS
                self._block(handler.body, replace(frame, tested=frame.tested | tags) if tags else frame)
            self._block(getattr(node, "orelse", []), frame)
            self._block(getattr(node, "finalbody", []), frame)
            return
        cases = getattr(node, "cases", None)
        subject = getattr(node, "subject", None)
        if isinstance(cases, list) and isinstance(subject, ast.expr):  # match (3.10+)
            self._exprs([subject], frame)
            for case in cases:
                if case.guard is not None:
                    self._exprs([case.guard], frame)
                self._block(case.body, frame)
            return
        self._exprs([child for child in child_nodes(node) if isinstance(child, ast.expr)], frame)
        if isinstance(node, ast.Assign):
            for target in node.targets:
                self._bind(target, node.value, node, frame)
        elif isinstance(node, ast.AnnAssign):
            if node.value is not None:
                self._bind(node.target, node.value, node, frame)
        elif isinstance(node, ast.AugAssign):
            self._augmented(node, frame)
        elif isinstance(node, ast.Delete):
            for target in node.targets:
                self._delete(target, node, frame)

    def _exprs(self, roots: List[ast.expr], frame: _Frame) -> None:
        """Mutating calls and walrus bindings inside expressions (lambdas and
        comprehensions included)."""
        stack: List[Tuple[ast.AST, bool]] = [(root, False) for root in roots]
        while stack:
            node, in_lambda = stack.pop()
            kind = type(node)
            if kind is ast.Call:
                callee = node.func  # type: ignore[attr-defined]
                if type(callee) is ast.Attribute and callee.attr in MUTATORS:
                    self._method_call(node, callee, frame)  # type: ignore[arg-type]
                elif _callee_name(callee) in _FUNCTION_MUTATOR_NAMES and self.model.call_qualname(node) in FUNCTION_MUTATORS:
                    self._function_call(node, frame)  # type: ignore[arg-type]
            elif kind is ast.NamedExpr and not in_lambda:
                # Binds in the enclosing function, even from a comprehension
                # (a lambda's walrus is the lambda's own local).
                self._rebind(node.target, node.value, node, frame, frame.scope)  # type: ignore[attr-defined]
                stack.append((node.value, in_lambda))  # type: ignore[attr-defined]
                continue
            for child in child_nodes(node):
                stack.append((child, in_lambda or kind is ast.Lambda))

    # ------------------------------------------------------------- bindings

    def _bind(self, target: ast.expr, value: ast.expr, stmt: ast.AST, frame: _Frame) -> None:
        """``target = value`` (also a loop variable, ``with ... as``)."""
        if isinstance(target, ast.Name):
            self._rebind(target, value, stmt, frame, self.model.scope_of(target))
        elif isinstance(target, (ast.Tuple, ast.List)):
            pairs = (
                isinstance(value, (ast.Tuple, ast.List))
                and len(value.elts) == len(target.elts)
                and not any(isinstance(e, ast.Starred) for e in value.elts + target.elts)
            )
            for position, element in enumerate(target.elts):
                self._bind(element, value.elts[position] if pairs else value, stmt, frame)  # type: ignore[attr-defined]
        elif isinstance(target, ast.Starred):
            self._bind(target.value, value, stmt, frame)
        elif isinstance(target, ast.Subscript):
            self._store(target, value, stmt, frame)

    def _rebind(self, target: ast.expr, value: ast.expr, stmt: ast.AST, frame: _Frame, scope: Scope) -> None:
        """A name bound at request time: reported when it is a module global
        (``global`` declared) and the new value differs between requests."""
        if not isinstance(target, ast.Name) or frame.locked:
            return
        state = self._global(target.id, scope)
        if state is None:
            return
        if (
            isinstance(value, ast.BoolOp)
            and isinstance(value.op, ast.Or)
            and isinstance(value.values[0], ast.Name)
            and value.values[0].id == target.id
        ):
            # ``_client = _client or make_client()``: set once.
            reasons = self._reasons_of(value.values[1:]) - {VOLATILE}
        else:
            reasons = self._reasons(value)
            if state.key in frame.tested:
                reasons -= {VOLATILE}
        if REQUEST in reasons:
            how = "accumulates request data into" if state.key in reasons else "stores request data in"
        elif state.key in reasons:
            how = "accumulates into"
        elif VOLATILE in reasons:
            how = "stores a value that changes on every request in"
        else:
            return
        self._report(stmt, frame, how, state)

    def _augmented(self, node: ast.AugAssign, frame: _Frame) -> None:
        target = node.target
        if frame.locked:
            return
        if isinstance(target, ast.Name):
            state = self._global(target.id, self.model.scope_of(target))
            keys: List[ast.expr] = []
        elif isinstance(target, ast.Subscript):
            found = self._state_of(target.value)
            if found is None:
                return
            state, keys = found
            keys = keys + [target.slice]
        else:
            return  # attributes of module objects are left out
        if state is None:
            return
        reasons = self._reasons_of(keys + [node.value])
        if isinstance(node.op, (ast.BitOr, ast.BitAnd)) and not (
            {REQUEST, VOLATILE, state.key} & reasons
        ):
            return  # ``FLAGS |= {"x"}``: the same after every request
        numeric = isinstance(node.value, ast.Constant) and isinstance(node.value.value, (int, float))
        if isinstance(node.op, ast.Add):
            verb = "increments" if numeric else "adds to"
        elif isinstance(node.op, ast.Sub):
            verb = "decrements" if numeric else "subtracts from"
        else:
            verb = "updates"
        self._report(node, frame, verb, state, entry=isinstance(target, ast.Subscript))

    def _store(self, target: ast.Subscript, value: ast.expr, stmt: ast.AST, frame: _Frame) -> None:
        if frame.locked:
            return
        found = self._state_of(target.value)
        if found is None:
            return
        state, keys = found
        # Keys read from the container itself (``for k in CACHE: CACHE[k] =
        # 0``) are keys it already has: only the request or a clock adds keys.
        key_reasons = self._tested(self._reasons_of(keys + [target.slice]), state, frame)
        value_reasons = self._tested(self._reasons(value), state, frame)
        if state.key in value_reasons and self._reads_other_entries_only(value, target, state):
            # ``CONFIG["URL"] = CONFIG["BASE"] + "/x"``: other fixed entries
            # feed the value, not this entry's own earlier value.
            value_reasons = value_reasons - {state.key}
        if REQUEST in key_reasons:
            how = "adds request-dependent keys to"
        elif VOLATILE in key_reasons:
            how = "adds new keys on every request to"
        elif REQUEST in value_reasons:
            how = "writes request data into"
        elif state.key in value_reasons:
            how = "accumulates into"
        elif VOLATILE in value_reasons:
            how = "writes a value that changes on every request into"
        else:
            return
        self._report(stmt, frame, how, state)

    def _reads_other_entries_only(self, value: ast.expr, target: ast.Subscript, state: _State) -> bool:
        """Every read of ``state`` in ``value`` is an entry at a literal key
        other than the one ``target`` writes (``state["k"]``,
        ``state.get("k", default)``)."""
        written = target.slice.value if isinstance(target.slice, ast.Constant) else None
        if written is None:
            return False
        inside_fixed_reads: Set[int] = set()
        for node in ast.walk(value):
            container, key = _fixed_read(node)
            if container is not None and key != written:
                found = self._state_of(container)
                if found is not None and found[0].key == state.key and not found[1]:
                    reader = node.func if isinstance(node, ast.Call) else container  # x.get, or x
                    inside_fixed_reads.update(id(inner) for inner in ast.walk(reader))
        if not inside_fixed_reads:
            return False
        for node in ast.walk(value):
            if isinstance(node, (ast.Name, ast.Attribute)) and id(node) not in inside_fixed_reads:
                found = self._state_of(node)
                if (found is not None and found[0].key == state.key) or state.key in self._reasons(node):
                    return False  # this entry's own value, or a local computed from the state
        return True

    def _delete(self, target: ast.expr, stmt: ast.AST, frame: _Frame) -> None:
        if isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self._delete(element, stmt, frame)
            return
        if not isinstance(target, ast.Subscript) or frame.locked:
            return  # ``del GLOBAL`` leaves every process in the same state
        found = self._state_of(target.value)
        if found is None:
            return
        state, keys = found
        # Keys read from the container itself are housekeeping (evicting
        # expired entries): what fills it is reported where it happens.
        reasons = self._tested(self._reasons_of(keys + [target.slice]), state, frame)
        if REQUEST in reasons:
            how = "deletes request-dependent keys from"
        elif VOLATILE in reasons:
            how = "deletes a different key on every request from"
        else:
            return
        self._report(stmt, frame, how, state)

    def _method_call(self, call: ast.Call, callee: ast.Attribute, frame: _Frame) -> None:
        if frame.locked:
            return
        found = self._state_of(callee.value)
        if found is None:
            return
        state, keys = found
        attr = callee.attr
        args: List[ast.expr] = list(call.args) + [kw.value for kw in call.keywords]
        reasons = self._reasons_of(keys + args)
        suffix = ""
        if attr in GROWERS:
            verb, suffix = GROWERS[attr], ", which grows with every request"
        elif attr in SHRINKERS or (
            attr == "pop" and (not call.args or (state.family == "list" and not state.element))
        ):
            verb, suffix = SHRINKERS.get(attr, "removes an item from"), " on every request"
        elif attr in ("update", "subtract") and state.family == "counter" and not state.element:
            verb, suffix = f"adds counts with .{attr}() to", " on every request"
        else:
            verb = ""
        if verb and state.key in frame.tested:
            verb = ""  # ``if "boot" not in RECENT: RECENT.append("boot")``: once
        if not verb:
            reasons = self._tested(reasons, state, frame)
            verb = f"calls .{attr}() on"
            if REQUEST in reasons:
                suffix = " with request data"
            elif state.key in reasons and attr not in REMOVERS:
                suffix = " with a value read from it, so it accumulates"
            elif VOLATILE in reasons:
                suffix = " with a value that changes on every request"
            else:
                return  # the same on every request: clear(), add("x"), update(DEFAULTS)...
        self._report(call, frame, verb, state, suffix=suffix)

    def _function_call(self, call: ast.Call, frame: _Frame) -> None:
        if frame.locked or not call.args:
            return
        found = self._state_of(call.args[0])
        if found is None:
            return
        state, _keys = found
        if state.key in frame.tested:
            return
        verb = FUNCTION_MUTATORS[self.model.call_qualname(call) or ""]
        self._report(call, frame, verb, state, suffix=" on every request")

    def _branch_choice(self, node: ast.If, frame: _Frame) -> None:
        """``if request.form.get("on"): FEATURE = True`` / ``else: FEATURE =
        False``: each branch stores a constant, but the request picks which."""
        if frame.locked or not node.orelse or REQUEST not in self._reasons(node.test):
            return
        body = self._rebound_globals(node.body, frame)
        orelse = self._rebound_globals(node.orelse, frame)
        for name in sorted(set(body) & set(orelse)):
            stmts = body[name] + orelse[name]
            if len({ast.dump(stmt.value) for stmt in stmts}) < 2:
                continue  # the same value either way
            state = self._global(name, frame.scope)
            if state is None:
                continue
            for stmt in stmts:
                self._report(stmt, frame, "stores a value chosen by the request in", state)

    def _rebound_globals(self, stmts: List[ast.stmt], frame: _Frame) -> Dict[str, List[ast.Assign]]:
        out: Dict[str, List[ast.Assign]] = {}
        stack: List[ast.AST] = list(stmts)
        while stack:
            node = stack.pop()
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda, ast.expr)):
                continue
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name) and self._global(target.id, self.model.scope_of(target)):
                        out.setdefault(target.id, []).append(node)
                continue
            stack.extend(child_nodes(node))
        return out

    # --------------------------------------------------------------- state

    def _global(self, name: str, scope: Scope) -> Optional[_State]:
        """The module global a name bound in ``scope`` rebinds, or None for a local."""
        found = self.model.lookup(name, scope)
        if found is None or found[0] is not self.model.module_scope:
            return None
        return _State(f"state:{name}", name, "the module global", "", "global")

    def _state_of(self, expr: ast.expr, depth: int = 0) -> Optional[Tuple[_State, List[ast.expr]]]:
        """The process state ``expr`` is part of (a module-level container, an
        entry of one, the app's config), with the keys that lead to it."""
        keys: List[ast.expr] = []
        element = False
        through_entry = False  # ``QUEUES[name].pop()``: the change is the entry object's
        node: ast.expr = expr
        while True:
            if isinstance(node, ast.Subscript):
                keys.append(node.slice)
                element = through_entry = True
                node = node.value
            elif isinstance(node, ast.Attribute):
                if node.attr == "config" and self._is_app(node.value):
                    if through_entry and not self._config_container(keys[-1]):
                        # ``app.config["db"].insert(row)``: an object kept in the
                        # config (a database handle), whose backend keeps the data.
                        return None
                    name = _dotted(node) or "app.config"
                    return _State(CONFIG, name, "the per-process app config", "", "dict", element), keys
                imported = self._imported_container(node)
                if imported is not None:
                    if through_entry and imported.objects:
                        return None
                    return replace(imported, element=element), keys
                # An attribute of anything else is a value of unknown type:
                # ``ITEMS[k].conn.insert(row)`` changes an object, not a container.
                return None
            elif (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "setdefault"
                and len(node.args) == 2
                and container_kind(self.model, node.args[1]) is not None
            ):
                # ``CACHE.setdefault(k, []).append(...)``: the entry is the
                # container given as the default; any other default is an
                # object of unknown type.
                keys.append(node.args[0])
                element = True
                node = node.func.value
            elif isinstance(node, ast.Name):
                found = self.model.lookup(node.id, self.model.scope_of(node))
                if found is None:
                    return None
                where, bindings = found
                if where is self.model.module_scope:
                    state = self._container(node.id, bindings)
                    if state is None or (through_entry and state.objects):
                        return None
                    return replace(state, element=element), keys
                # A local alias of module state: ``bucket = BY_USER[user]``.
                if depth < 3 and len(bindings) == 1 and bindings[0].kind == "assign":
                    source = bindings[0].node
                    if isinstance(source, (ast.Name, ast.Subscript, ast.Attribute, ast.Call)):
                        inner = self._state_of(source, depth + 1)
                        if inner is not None:
                            return replace(inner[0], element=inner[0].element or element), keys + inner[1]
                return None
            else:
                return None

    def _container(self, name: str, bindings: List[Binding]) -> Optional[_State]:
        """Module-level ``name`` as a container: assigned only container
        literals/constructors here, or imported from a project module that
        defines one."""
        if name in self._containers:
            return self._containers[name]
        result: Optional[_State] = None
        here = binding_container(self.model, bindings)
        if here is not None:
            family, label, line = here
            objects = self._entries_are_objects(plain_entries(self.model, bindings))
            result = _State(f"state:{name}", name, f"the module-level {label}", f" (line {line})", family,
                            objects=objects)
        elif len(bindings) == 1 and bindings[0].kind == "import" and bindings[0].qualname:
            result = self._evaluated_container(bindings[0].qualname, name, f"state:{name}")
        self._containers[name] = result
        return result

    def _config_container(self, key: ast.expr) -> bool:
        """The app config's entry at ``key`` is a container: a literal key
        set to a container literal or constructor somewhere in the project
        (``app.config["SEEN"] = []``).  Any other entry is a value of unknown
        type (a database handle, a client), not process state the rule can
        see."""
        if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
            return False
        return key.value in self.ctx.index.memoised("context_state:config", _config_containers)

    def _imported_container(self, node: ast.Attribute) -> Optional[_State]:
        """``store.ITEMS`` after ``from . import store``."""
        qualname = self.model.qualname(node)
        if qualname is None or qualname.startswith(("flask.", "werkzeug.", "builtins.")):
            return None
        name = _dotted(node) or qualname
        return self._evaluated_container(qualname, name, f"state:{name}")

    def _evaluated_container(self, qualname: str, name: str, key: str) -> Optional[_State]:
        summarised = self._summarised_container(qualname)
        if summarised is not None:
            family, label, entries = summarised
            return _State(key, name, f"the module-level {label}", f" ({qualname})", family,
                          objects=self._entries_are_objects(entries))
        obj = self.ctx.evaluate(("q", qualname))
        if obj[0] == "instance" and obj[1] in CONTAINER_CALLS:
            family, label = CONTAINER_CALLS[obj[1]]
            return _State(key, name, f"the module-level {label}", f" ({qualname})", family)
        if obj[0] == "seq" and (not obj[1] or ("?",) in obj[1]):
            return _State(key, name, "the module-level container", f" ({qualname})", "?")
        return None

    def _summarised_container(self, qualname: str, depth: int = 0) -> Optional[Tuple[str, str, Any]]:
        """(family, label, entries) of the module-level container ``qualname``
        names, from its module's ``context_state`` summary, through re-exports
        (``from .store import ITEMS`` in a package's ``__init__``); entries as
        :func:`plain_entries` gives them."""
        module, _, attr = qualname.rpartition(".")
        summary = self.ctx.index.modules.get(module) if module else None
        if summary is None or depth > 5:
            return None
        found = (summary.get("x:context_state") or {}).get(attr)
        if isinstance(found, (list, tuple)) and len(found) == 3:
            return str(found[0]), str(found[1]), found[2]
        exported = (summary.get("exports") or {}).get(attr)
        if isinstance(exported, (list, tuple)) and len(exported) == 2 and exported[0] == "q":
            return self._summarised_container(str(exported[1]), depth + 1)
        return None

    def _entries_are_objects(self, entries: Any) -> bool:
        """The entries :func:`plain_entries` found to be objects, and none of
        the names among them is a container (a module-level list, an
        instance of ``list``...); a name the index cannot follow counts as an
        object, as any other object would."""
        if entries is None:
            return False
        for value in entries:
            value = tuplify(value)
            if value[0] == "q" and self._summarised_container(value[1]) is not None:
                return False
            obj = self.ctx.evaluate(value)
            if (obj[0] == "instance" and obj[1] in CONTAINER_CALLS) or obj[0] == "seq":
                return False
        return True

    def _is_app(self, expr: ast.expr) -> bool:
        hit = self._apps.get(id(expr))
        if hit is None:
            hit = self.model.is_name(expr, "flask.current_app") or (
                isinstance(expr, ast.Name) and self.ctx.evaluate(self.model.value(expr))[0] == "app"
            )
            self._apps[id(expr)] = hit
        return hit

    def _is_lock(self, expr: ast.AST) -> bool:
        name = expr.func if isinstance(expr, ast.Call) else expr
        last = name.attr if isinstance(name, ast.Attribute) else name.id if isinstance(name, ast.Name) else ""
        if "lock" in last.lower() or "mutex" in last.lower():
            return True
        classes, _creation = self.resolver.receiver(expr)
        return bool(classes & LOCK_CLASSES)

    # -------------------------------------------------------------- reasons

    def _reasons_of(self, exprs: List[ast.expr]) -> FrozenSet[str]:
        out: FrozenSet[str] = _NO_REASONS
        for expr in exprs:
            out = out | self._reasons(expr)
        return out

    def _reasons(self, expr: ast.AST) -> FrozenSet[str]:
        """What the value of ``expr`` is computed from (see the top of this section)."""
        out: Set[str] = set()
        stack: List[ast.AST] = [expr]
        model = self.model
        while stack:
            node = stack.pop()
            kind = type(node)
            if kind is ast.Name:
                out |= self._name_reasons(node)  # type: ignore[arg-type]
                continue
            if kind is ast.Attribute:
                base = node.value  # type: ignore[attr-defined]
                if type(base) is ast.Name:
                    qualname = model.qualname(node)
                    if qualname is not None and _is_request(qualname):
                        out.add(REQUEST)
                        continue
                if node.attr == "config" and self._is_app(base):  # type: ignore[attr-defined]
                    out.add(CONFIG)
            elif kind is ast.Call:
                callee = node.func  # type: ignore[attr-defined]
                qualname = model.call_qualname(node)
                if qualname is not None and (qualname in VOLATILE_CALLS or qualname.startswith(VOLATILE_MODULES)):
                    # ``next(COUNTER)`` advances a shared iterator; ``next(iter(x))`` is x's first item.
                    args = node.args  # type: ignore[attr-defined]
                    if qualname != "builtins.next" or not args or not isinstance(args[0], ast.Call):
                        out.add(VOLATILE)
                elif type(callee) is ast.Attribute and callee.attr in FRESH_METHODS:
                    out.add(VOLATILE)
            elif kind is ast.NamedExpr:
                stack.append(node.value)  # type: ignore[attr-defined]
                continue
            stack.extend(child_nodes(node))
        return frozenset(out)

    def _name_reasons(self, node: ast.Name) -> FrozenSet[str]:
        model = self.model
        found = model.lookup(node.id, model.scope_of(node))
        if found is None:
            return _NO_REASONS  # a builtin
        where, bindings = found
        if where is model.module_scope:
            qualname = model.qualname(node)
            if qualname is not None and _is_request(qualname):
                return frozenset({REQUEST})
            if all(b.kind in ("def", "class") for b in bindings):
                return _NO_REASONS
            return frozenset({f"state:{node.id}"})
        site = self._reaching_site(node, where)
        if site is not None:
            return self._reasons(site)
        return self._local_reasons(where, node.id)

    def _reaching_site(self, read: ast.Name, where: Scope) -> Optional[ast.expr]:
        """The value a local has where it is read, when one plain assignment
        before the read in straight-line code gives it (``tmpl =
        render_template(...)`` then ``CACHE["index"] = tmpl``): the local's
        other bindings (``tmpl = CACHE["index"]`` in the ``try`` above) do not
        reach the read.  None when a branch, a loop or another kind of
        binding may give it another value: then every binding counts."""
        func = where.node
        if where.kind != "function" or not isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return None
        parents = self._parents.get(id(func))
        if parents is None:
            parents = self._parents[id(func)] = {
                id(child): parent for parent in ast.walk(func) for child in child_nodes(parent)
            }
        name = read.id
        node: ast.AST = read
        while not isinstance(node, ast.stmt):  # the statement the read is in, in this function's own code
            parent = parents.get(id(node))
            if parent is None or isinstance(parent, (ast.Lambda, ast.While)):
                return None  # deferred, or a test evaluated again after the body
            node = parent
        while node is not func:
            parent = parents.get(id(node))
            if parent is None or isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                return None  # a nested def reading the enclosing function's local
            block = next(
                (b for b in (getattr(parent, f, None) for f in ("body", "orelse", "finalbody"))
                 if type(b) is list and any(item is node for item in b)),
                None,
            )
            if block is None:
                return None
            position = next(i for i, item in enumerate(block) if item is node)
            for previous in reversed(block[:position]):
                value = _plain_assignment(previous, name)
                if value is not None:
                    return value
                if _binds(previous, name):
                    return None
            if isinstance(parent, (ast.For, ast.AsyncFor, ast.While)) and block is parent.body:
                return None  # an earlier iteration's binding reaches the read
            if isinstance(parent, ast.ExceptHandler):
                parent = parents.get(id(parent))  # the try, whose body may have bound it before raising
                if parent is None:
                    return None
            if hasattr(parent, "handlers") and block is not getattr(parent, "body", None):
                # the try body may have bound it before raising (and, for
                # ``finally``, a handler or the ``else``)
                ran: List[ast.AST] = list(getattr(parent, "body", []))
                if block is getattr(parent, "finalbody", None):
                    ran += list(getattr(parent, "handlers", [])) + list(getattr(parent, "orelse", []))
                if any(_binds(stmt, name) for stmt in ran):
                    return None
            if isinstance(parent, (ast.If, ast.With, ast.AsyncWith)) or hasattr(parent, "handlers"):
                if _binds_in_header(parent, name):
                    return None
            node = parent
        return None

    def _local_reasons(self, scope: Scope, name: str) -> FrozenSet[str]:
        key = (id(scope), name)
        memo = self._local_memo.get(key)
        if memo is not None:
            return memo
        self._local_memo[key] = _NO_REASONS  # a cycle adds nothing
        out: Set[str] = set()
        node = scope.node
        if scope.kind == "function" and isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if id(node) in self._handlers and name in _request_params(self.model, node, self.model.function_info(node)):
                out.add(REQUEST)  # URL variables, the error, the response...
        for site in self._scope_sites(scope).get(name, []):
            if site == REQUEST:
                out.add(REQUEST)
            elif isinstance(site, ast.AST):
                out |= self._reasons(site)
        result = frozenset(out)
        self._local_memo[key] = result
        return result

    def _scope_sites(self, scope: Scope) -> Dict[str, List[_Site]]:
        """Where each name of a function or comprehension scope gets its value."""
        sites = self._sites.get(id(scope))
        if sites is not None:
            return sites
        sites = {}
        node = scope.node
        if scope.kind == "comprehension":
            for generator in getattr(node, "generators", []):
                _target_sites(generator.target, generator.iter, sites)
        elif scope.kind == "function" and isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for inner in self.model.walk_function(node):
                _node_sites(inner, sites)
        self._sites[id(scope)] = sites
        return sites

    def _presence_tags(self, test: ast.expr) -> FrozenSet[str]:
        """State a test checks for presence (``X is None``, ``not X``, ``k not
        in X``, ``X == 0``): what its body does runs until the state is set,
        so a new object stored there is stored once."""
        node = test
        while isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            node = node.operand
        if isinstance(node, ast.BoolOp):
            out: FrozenSet[str] = _NO_REASONS
            for value in node.values:
                out = out | self._presence_tags(value)
            return out
        if isinstance(node, ast.Compare):
            if len(node.ops) != 1 or not isinstance(node.ops[0], _PRESENCE_OPS):
                return _NO_REASONS
            if isinstance(node.ops[0], (ast.In, ast.NotIn)):
                node = node.comparators[0]
            elif isinstance(node.comparators[0], ast.Constant):
                node = node.left
            else:
                return _NO_REASONS
        elif not isinstance(node, (ast.Name, ast.Attribute, ast.Subscript, ast.Call)):
            return _NO_REASONS
        reasons = self._reasons(node)
        if isinstance(node, ast.Call) and not node.args and not node.keywords:
            # ``if not _is_working():`` where this module's ``_is_working``
            # returns ``_worker is not None and ...``: what its returns read.
            helper = self._local_function(node.func)
            if helper is not None:
                for ret in helper.returns:
                    if ret.value is not None:
                        reasons = reasons | self._reasons(ret.value)
        return frozenset(r for r in reasons if r.startswith("state:") or r == CONFIG)

    def _local_function(self, callee: ast.expr) -> Optional[FunctionInfo]:
        """The module-level function of this file a name calls."""
        if not isinstance(callee, ast.Name):
            return None
        found = self.model.lookup(callee.id, self.model.scope_of(callee))
        if found is None or found[0] is not self.model.module_scope or len(found[1]) != 1:
            return None
        binding = found[1][0]
        return self.model.function_info(binding.node) if binding.kind == "def" and binding.node is not None else None

    def _lookup_tags(self, body: List[ast.stmt]) -> FrozenSet[str]:
        """State whose entries the statements read by subscript (``CACHE[k]``)."""
        out: FrozenSet[str] = _NO_REASONS
        for stmt in body:
            for node in ast.walk(stmt):
                if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load):
                    out = out | self._presence_tags(node)
        return out

    def _catches_lookup(self, handler_type: Optional[ast.expr]) -> bool:
        """An ``except`` clause for KeyError, IndexError or LookupError."""
        if handler_type is None:
            return False
        types = handler_type.elts if isinstance(handler_type, ast.Tuple) else [handler_type]
        return any(
            self.model.qualname(t) in ("builtins.KeyError", "builtins.IndexError", "builtins.LookupError")
            for t in types
        )

    def _tested(self, reasons: FrozenSet[str], state: _State, frame: _Frame) -> FrozenSet[str]:
        return reasons - {VOLATILE} if state.key in frame.tested else reasons

    # -------------------------------------------------------------- report

    def _report(
        self, node: ast.AST, frame: _Frame, how: str, state: _State, entry: bool = False, suffix: str = ""
    ) -> None:
        """One finding per line and state: ``{how} [an entry of] {noun} `name`{where}{suffix}``."""
        line = getattr(node, "lineno", 0)
        if (line, state.name) in self._reported:
            return
        self._reported.add((line, state.name))
        how = f"{how} {'an entry of ' if entry or state.element else ''}{state.noun}"
        info = self.model.function_info(frame.scope.node)
        if info is not None and info.node is not frame.func:
            kind, func = "function", info.node.name
            how = f"(defined in {frame.kind} `{frame.func.name}`) {how}"
        else:
            kind, func = frame.kind, frame.func.name
        self._out.append(
            ("FLK407", node, {"kind": kind, "func": func, "how": how, "name": state.name, "where": state.where + suffix})
        )


def _config_containers(index: Any) -> FrozenSet[str]:
    """The config keys the project's modules set to containers."""
    out: Set[str] = set()
    for summary in index.modules.values():
        out.update((summary.get("x:context_state") or {}).get(CONFIG_CONTAINERS) or ())
    return frozenset(out)


def _fixed_read(node: ast.AST) -> Tuple[Optional[ast.expr], object]:
    """``x["k"]`` or ``x.get("k"...)``: (x, "k"); (None, None) otherwise."""
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
        return node.value, node.slice.value
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "get"
        and node.args
        and isinstance(node.args[0], ast.Constant)
    ):
        return node.func.value, node.args[0].value
    return None, None


def _callee_name(callee: ast.expr) -> str:
    return callee.attr if isinstance(callee, ast.Attribute) else callee.id if isinstance(callee, ast.Name) else ""


def _is_request(qualname: str) -> bool:
    return any(qualname == root or qualname.startswith(root + ".") for root in REQUEST_ROOTS)


def _request_params(model: FlaskModel, func: FunctionNode, info: Optional[FunctionInfo]) -> Set[str]:
    """A handler's parameters that Flask fills from the request (not ``self``)."""
    args = func.args
    positional = [a.arg for a in args.posonlyargs + args.args]
    if positional and info is not None and info.class_node is not None:
        static = any(model.qualname(d) == "builtins.staticmethod" for d in func.decorator_list)
        if not static:
            positional = positional[1:]
    names = set(positional) | {a.arg for a in args.kwonlyargs}
    names |= {a.arg for a in (args.vararg, args.kwarg) if a is not None}
    return names


def _target_sites(target: ast.AST, value: Optional[ast.expr], sites: Dict[str, List[_Site]]) -> None:
    if isinstance(target, ast.Name):
        sites.setdefault(target.id, []).append(value)
    elif isinstance(target, (ast.Tuple, ast.List)):
        pairs = (
            isinstance(value, (ast.Tuple, ast.List))
            and len(value.elts) == len(target.elts)
            and not any(isinstance(e, ast.Starred) for e in value.elts + target.elts)
        )
        for position, element in enumerate(target.elts):
            _target_sites(element, value.elts[position] if pairs else value, sites)  # type: ignore[union-attr]
    elif isinstance(target, ast.Starred):
        _target_sites(target.value, value, sites)


def _plain_assignment(stmt: ast.stmt, name: str) -> Optional[ast.expr]:
    """The value of ``name = value`` (an annotated one too), or None."""
    if isinstance(stmt, ast.Assign) and all(isinstance(t, ast.Name) for t in stmt.targets):
        if any(t.id == name for t in stmt.targets):  # type: ignore[attr-defined]
            return stmt.value
    elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.target.id == name:
        return stmt.value
    return None


def _binds(node: ast.AST, name: str) -> bool:
    """Whether anything in ``node`` (nested defs too: over-counting only
    gives up on flow) binds or deletes ``name``."""
    for inner in ast.walk(node):
        if isinstance(inner, ast.Name) and inner.id == name and not isinstance(inner.ctx, ast.Load):
            return True
        if isinstance(inner, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.ExceptHandler)):
            if getattr(inner, "name", None) == name:
                return True
        elif isinstance(inner, (ast.Import, ast.ImportFrom)):
            if any((alias.asname or alias.name).split(".", 1)[0] == name for alias in inner.names):
                return True
        elif isinstance(inner, (ast.Global, ast.Nonlocal)) and name in inner.names:
            return True
        elif type(inner).__name__ in ("MatchAs", "MatchStar", "MatchMapping") and name in (
            getattr(inner, "name", None), getattr(inner, "rest", None)
        ):
            return True
    return False


def _binds_in_header(stmt: ast.AST, name: str) -> bool:
    """A binding in the part of a compound statement that runs before its
    body: an ``if`` test's walrus, a ``with ... as``."""
    if isinstance(stmt, ast.If):
        return _binds(stmt.test, name)
    if isinstance(stmt, (ast.With, ast.AsyncWith)):
        return any(_binds(item, name) for item in stmt.items)
    return False


def _node_sites(node: ast.AST, sites: Dict[str, List[_Site]]) -> None:
    """The binding sites one node of a function body adds (comprehension
    targets belong to the comprehension's own scope)."""
    if isinstance(node, ast.Assign):
        for target in node.targets:
            _target_sites(target, node.value, sites)
    elif isinstance(node, (ast.AnnAssign, ast.AugAssign, ast.NamedExpr)):
        if node.value is not None:
            _target_sites(node.target, node.value, sites)
    elif isinstance(node, (ast.For, ast.AsyncFor)):
        _target_sites(node.target, node.iter, sites)
    elif isinstance(node, (ast.With, ast.AsyncWith)):
        for item in node.items:
            if item.optional_vars is not None:
                _target_sites(item.optional_vars, item.context_expr, sites)
    elif isinstance(node, ast.ExceptHandler):
        if node.name:
            sites.setdefault(node.name, []).append(REQUEST)  # what this request raised
    elif isinstance(node, (ast.Import, ast.ImportFrom)):
        for alias in node.names:
            sites.setdefault((alias.asname or alias.name).split(".", 1)[0], []).append(None)
    elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        sites.setdefault(node.name, []).append(None)
    else:
        subject = getattr(node, "subject", None)
        if subject is not None and isinstance(getattr(node, "cases", None), list):  # match: captures
            for case in node.cases:  # type: ignore[attr-defined]
                for part in ast.walk(case.pattern):
                    for field_name in ("name", "rest"):
                        captured = getattr(part, field_name, None)
                        if isinstance(captured, str):
                            sites.setdefault(captured, []).append(subject)


def _dotted(node: ast.AST) -> Optional[str]:
    parts: List[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    return ".".join([node.id] + parts[::-1])


