"""Run fixture code under the real Flask and Werkzeug and record what happens.

The oracle never trusts a rule's own reading of the code: it executes the
fixture (statement by statement, so that one statement raising at import does
not hide the others), sends requests to every route of every app the code
created, and records, with a trace function restricted to the fixture's own
files, which fixture functions ran, what they returned, which exceptions went
through them and from which thread.  The claims (``claims.py``) read these
records and say on which fixture lines a rule's effect really happened.

This module runs in a subprocess of the test session (``run.py``): it patches
Flask, threading and the executors, installs stubs for third-party modules
that are not installed, and may leave threads behind, none of which should
leak into the other tests.
"""

from __future__ import annotations

import ast
import dis
import importlib.abc
import importlib.machinery
import importlib.util
import json
import os
import random
import re
import shlex
import signal
import sys
import threading
import time
import types
import urllib.parse
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence, Set, Tuple

import flask
from flask import Blueprint, Flask
from watch_responses import ResponseWatch

HERE = os.path.dirname(os.path.abspath(__file__))
STUBS = os.path.join(HERE, "stubs")
HINT_RE = re.compile(r"#\s*oracle:\s*(?P<body>.+?)\s*$")
_RETURN_OPS = {op for name, op in dis.opmap.items() if name in ("RETURN_VALUE", "RETURN_CONST")}
REAL_EXIT = os._exit  # the fixture's os._exit is patched away; the runner still needs it
METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


class StubCalled(Exception):
    """A missing third-party module's function was called during a request:
    what follows is not Flask's behaviour but the stub's."""


class OracleExit(BaseException):
    """``sys.exit``/``os._exit`` called by fixture code."""


class OracleTimeout(BaseException):
    """A request ran longer than :data:`PROBE_SECONDS` (``while True:`` with
    no way out for this input): it is stopped, and the probe says so."""


PROBE_SECONDS = 2.0


def _timeout(_signum: int, _frame: Any) -> None:
    raise OracleTimeout(f"over {PROBE_SECONDS} s")


# ------------------------------------------------------------------ stubs


class Unknown:
    """Anything a third-party module that is not installed would provide.

    Used as a decorator it hands the function back unchanged; called during a
    request it raises :class:`StubCalled`, so a probe that depends on it is
    known to be inconclusive; called at import time it gives another Unknown.
    """

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attr: str) -> Unknown:
        if attr.startswith("__"):
            raise AttributeError(attr)
        return Unknown(f"{self._name}.{attr}")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if len(args) == 1 and not kwargs and callable(args[0]):
            return args[0]
        if flask.has_request_context():
            raise StubCalled(self._name)
        return Unknown(f"{self._name}()")

    def __iter__(self) -> Iterator[Any]:
        return iter(())

    def __mro_entries__(self, bases: Tuple[Any, ...]) -> Tuple[type, ...]:
        return (object,)


class _UnknownModule(types.ModuleType):
    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("__"):
            raise AttributeError(attr)
        return Unknown(f"{self.__name__}.{attr}")


class _UnknownLoader(importlib.abc.Loader):
    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        module = _UnknownModule(spec.name)
        module.__path__ = []  # a package: submodules are stubs too
        return module

    def exec_module(self, module: types.ModuleType) -> None:
        return None


def _probing_only() -> bool:
    """Whether the import system is only asked whether a module exists
    (``importlib.util.find_spec``): no stub is due then, or ``Flask("name")``
    for a name that is no module would find one and fail to get its root path."""
    frame: Optional[types.FrameType] = sys._getframe(2)
    for _ in range(8):
        if frame is None:
            return False
        code = frame.f_code
        if code.co_name == "find_spec" and frame.f_globals.get("__name__") == "importlib.util":
            return True
        frame = frame.f_back
    return False


class StubFinder(importlib.abc.MetaPathFinder):
    """Last on ``sys.meta_path``: only imports nothing else can satisfy get
    here.  ``stubs/NAME.py`` stands for a package when it exists (a Celery
    whose worker runs tasks without a context, say); anything else becomes an
    :class:`Unknown` module."""

    def __init__(self) -> None:
        self.stubbed: Set[str] = set()

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> Optional[importlib.machinery.ModuleSpec]:
        top = fullname.partition(".")[0]
        if top in sys.stdlib_module_names:
            return None
        if _probing_only():
            return None  # importlib.util.find_spec (Flask("name") looking for a root path) imports nothing
        installed = sys.modules.get(top)
        if installed is not None and not isinstance(installed, _UnknownModule) and fullname != top:
            return None  # a real package's own importer comes later on sys.meta_path (six.moves)
        self.stubbed.add(top)
        special = os.path.join(STUBS, fullname.replace(".", os.sep) + ".py")
        if os.path.isfile(special):
            return importlib.util.spec_from_file_location(fullname, special)
        package = os.path.join(STUBS, fullname.replace(".", os.sep), "__init__.py")
        if os.path.isfile(package):  # stubs/NAME/__init__.py: a package with submodules (gevent.monkey)
            return importlib.util.spec_from_file_location(
                fullname, package, submodule_search_locations=[os.path.dirname(package)]
            )
        return importlib.machinery.ModuleSpec(fullname, _UnknownLoader(), is_package=True)


# ----------------------------------------------------------------- tracing


@dataclass
class Event:
    kind: str  # call / return / exception / unwind
    func: Tuple[str, int]  # (file, def line) of the fixture function
    line: int  # the line the event happened on
    thread: str  # "main" (the request, wherever Flask runs it) or "spawned" (handed over by fixture code)
    spawn: Optional[Tuple[str, int]]  # (file, line) that handed the work over, for spawned code
    probe: int  # index of the probe running when it happened (-1: import time)
    returned_none: bool = False
    caller: Optional[Tuple[str, int]] = None  # the fixture function that called this one, if any
    exc_type: str = ""
    exc_text: str = ""
    exc_mro: Tuple[str, ...] = ()
    returned_type: str = ""  # the type name of what a return event gave back
    exc_id: int = 0  # ties an exception's "unwind" events to its "exception" event


_spawn_local = threading.local()


class Recorder:
    """A trace function over the fixture's files only; everything else runs
    untraced (the global trace function returns None for it)."""

    def __init__(self, files: Set[str], def_lines: Dict[Tuple[str, int, str], int]) -> None:
        self.files = files
        self.def_lines = def_lines
        self.events: List[Event] = []
        self.probe = -1
        self._lock = threading.Lock()
        self._seen_exc: Dict[int, BaseException] = {}  # kept alive: a freed exception's id is reused
        self.main = threading.main_thread()

    def func_key(self, code: types.CodeType) -> Tuple[str, int]:
        line = self.def_lines.get((code.co_filename, code.co_firstlineno, code.co_name), code.co_firstlineno)
        return (code.co_filename, line)

    def _context(self) -> Tuple[str, Optional[Tuple[str, int]]]:
        spawn = getattr(_spawn_local, "line", None)
        if spawn is None:  # the request's own thread, or one Flask/asgiref started for it
            return "main", None
        return "spawned", spawn

    def global_trace(self, frame: types.FrameType, event: str, arg: Any) -> Optional[Callable[..., Any]]:
        if frame.f_code.co_filename not in self.files:
            return None
        if event == "call":
            thread, spawn = self._context()
            func = self.func_key(frame.f_code)
            self._add(Event("call", func, frame.f_lineno, thread, spawn, self.probe, caller=self._caller(frame)))
        return self.local_trace

    def _caller(self, frame: types.FrameType) -> Optional[Tuple[str, int]]:
        back = frame.f_back
        if back is None or back.f_code.co_filename not in self.files:
            return None
        return self.func_key(back.f_code)

    def local_trace(self, frame: types.FrameType, event: str, arg: Any) -> Optional[Callable[..., Any]]:
        if event == "return":
            code = frame.f_code
            normal = frame.f_lasti >= 0 and code.co_code[frame.f_lasti] in _RETURN_OPS
            if normal and not (code.co_flags & (0x20 | 0x200)):  # generators: a return is a yield or the end
                thread, spawn = self._context()
                self._add(
                    Event(
                        "return", self.func_key(code), frame.f_lineno, thread, spawn, self.probe,
                        returned_none=arg is None, caller=self._caller(frame),
                        returned_type=type(arg).__name__,
                    )
                )
        elif event == "exception":
            exc_type, value, _tb = arg
            # "exception" where it was first seen, "unwind" in each fixture
            # frame it then goes through (FLK209: the view that caught it).
            kind = "unwind" if id(value) in self._seen_exc else "exception"
            self._seen_exc[id(value)] = value
            thread, spawn = self._context()
            self._add(
                Event(
                    kind, self.func_key(frame.f_code), frame.f_lineno, thread, spawn, self.probe,
                    exc_type=exc_type.__name__, exc_text=str(value)[:300],
                    exc_mro=tuple(c.__name__ for c in exc_type.__mro__), exc_id=id(value),
                )
            )
        return self.local_trace

    def _add(self, event: Event) -> None:
        with self._lock:
            self.events.append(event)


def caller_line(files: Set[str]) -> Optional[Tuple[str, int]]:
    frame: Optional[types.FrameType] = sys._getframe(2)
    while frame is not None:
        if frame.f_code.co_filename in files:
            return (frame.f_code.co_filename, frame.f_lineno)
        frame = frame.f_back
    return None


def _with_spawn(func: Callable[..., Any], line: Optional[Tuple[str, int]]) -> Callable[..., Any]:
    def run(*args: Any, **kwargs: Any) -> Any:
        previous = getattr(_spawn_local, "line", None)
        _spawn_local.line = line
        try:
            return func(*args, **kwargs)
        finally:
            _spawn_local.line = previous

    return run


class Spawns:
    """Patches every way fixture code hands work to another thread of
    execution, so that what runs there is attributed to the line that handed
    it over, and so that the oracle can wait for it after each probe."""

    def __init__(self, files: Set[str]) -> None:
        self.files = files
        self.threads: List[threading.Thread] = []
        self.futures: List[Future[Any]] = []
        self.greenlets: List[Any] = []
        self._undo: List[Callable[[], None]] = []

    def install(self) -> None:
        spawns = self
        original_start = threading.Thread.start

        def start(thread: threading.Thread) -> None:
            # the line that created it (``Thread(target=f)``, set by handover.py), else the caller of start()
            line = getattr(thread, "_oracle_line", None) or caller_line(spawns.files)
            if line is not None:
                thread.run = _with_spawn(thread.run, line)  # type: ignore[method-assign]
                spawns.threads.append(thread)
            original_start(thread)

        self._patch(threading.Thread, "start", start)

        import _thread

        original_new = _thread.start_new_thread

        def start_new_thread(function: Callable[..., Any], args: Any, kwargs: Any = None) -> int:
            line = caller_line(spawns.files)
            done = threading.Event()
            inner = _with_spawn(function, line)

            def run(*a: Any, **k: Any) -> None:
                try:
                    inner(*a, **k)
                except BaseException as exc:  # _thread prints and drops it
                    sys.stderr.write(f"oracle: thread raised {exc!r}\n")
                finally:
                    done.set()

            waiter = threading.Thread(target=done.wait, daemon=True)
            spawns.threads.append(waiter)
            original_start(waiter)
            return original_new(run, args, kwargs or {})

        self._patch(_thread, "start_new_thread", start_new_thread)

        original_submit = ThreadPoolExecutor.submit

        def submit(executor: ThreadPoolExecutor, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
            line = caller_line(spawns.files)
            future = original_submit(executor, _with_spawn(fn, line), *args, **kwargs)
            spawns.futures.append(future)
            return future

        self._patch(ThreadPoolExecutor, "submit", submit)
        self._patch_greenlets()

    def _patch_greenlets(self) -> None:
        try:
            import gevent
        except ImportError:
            return
        spawns = self
        for name in ("spawn", "spawn_later", "spawn_raw"):
            original = getattr(gevent, name, None)
            if original is None:
                continue

            def patched(*args: Any, _original: Any = original, _name: str = name, **kwargs: Any) -> Any:
                line = caller_line(spawns.files)
                args_list = list(args)
                index = 1 if _name == "spawn_later" else 0
                if len(args_list) > index:
                    args_list[index] = _with_spawn(args_list[index], line)
                greenlet = _original(*args_list, **kwargs)
                spawns.greenlets.append(greenlet)
                return greenlet

            self._patch(gevent, name, patched)

    def _patch(self, owner: Any, name: str, value: Any) -> None:
        original = getattr(owner, name)
        setattr(owner, name, value)
        self._undo.append(lambda: setattr(owner, name, original))

    def settle(self, timeout: float = 2.0) -> None:
        """Wait for the work handed over during a probe."""
        deadline = time.monotonic() + timeout
        for future in self.futures:
            try:
                future.exception(timeout=max(0.0, deadline - time.monotonic()))
            except Exception:
                pass
        for thread in self.threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        if self.greenlets:
            import gevent

            gevent.joinall(self.greenlets, timeout=max(0.0, deadline - time.monotonic()))
        self.threads, self.futures, self.greenlets = [], [], []


# ----------------------------------------------------------------- loading


@dataclass
class StatementError:
    first_line: int
    line: int  # the innermost fixture line the exception went through
    exc_type: str
    exc_text: str
    exc_mro: Tuple[str, ...]
    file: str
    frames: Tuple[Tuple[str, int, bool], ...] = ()  # fixture frames, outer first: (file, line, is a function)


@dataclass
class Loaded:
    files: List[str]
    trees: Dict[str, ast.Module]
    modules: Dict[str, types.ModuleType]
    errors: List[StatementError]
    apps: List[Flask]
    blueprints: List[Blueprint]
    app_names: Dict[int, str]
    app_lines: Dict[int, Tuple[str, int]] = field(default_factory=dict)  # id(app) -> the fixture line creating it
    handler_regs: List[HandlerRegistration] = field(default_factory=list)  # every error handler registration
    bp_registrations: List[Tuple[Flask, Blueprint, Optional[str]]] = field(default_factory=list)  # (app, bp, url prefix)
    url_rules: List[UrlRuleCall] = field(default_factory=list)  # every App.add_url_rule, in order
    blueprint_regs: List[BlueprintRegistration] = field(default_factory=list)  # every Blueprint.register
    blueprint_lines: Dict[int, Tuple[str, int]] = field(default_factory=dict)  # id(bp) -> the line creating it


@dataclass
class UrlRuleCall:
    """One rule Flask's ``App.add_url_rule`` was asked to add (a blueprint's
    rules arrive here when the blueprint is registered), with the fixture
    line that asked for it: the blueprint's own route line for those."""

    app: Any
    blueprint: Any  # the blueprint the rule comes from, or None
    rule: str
    endpoint: Optional[str]  # as Flask names it (with the blueprint's prefix)
    view_func: Any
    methods: Any  # as given (None: the default)
    line: Optional[Tuple[str, int]]
    error: Optional[Tuple[str, str, Tuple[str, ...]]] = None  # what adding it raised


@dataclass
class BlueprintRegistration:
    """One ``Blueprint.register`` Flask ran (``app.register_blueprint``, and
    each nested ``parent.register_blueprint(child)`` when the parent is
    registered), with the fixture line of the ``register_blueprint`` call."""

    app: Any
    blueprint: Any
    name: str  # the dotted name it is registered under
    line: Optional[Tuple[str, int]]
    error: Optional[Tuple[str, str, Tuple[str, ...]]] = None


class _TaggedOptions(dict):  # type: ignore[type-arg]
    """The options of a nested ``register_blueprint``, carrying its line
    through the copy Flask makes when the parent is registered."""

    line: Optional[Tuple[str, int]] = None

    def copy(self) -> _TaggedOptions:
        made = _TaggedOptions(self)
        made.line = self.line
        return made


_rule_origin = threading.local()


def def_lines(path: str, tree: ast.Module) -> Dict[Tuple[str, int, str], int]:
    """(file, first line of the code object, name) -> def line: a decorated
    function's code starts at its first decorator."""
    out: Dict[Tuple[str, int, str], int] = {}
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            first = min([node.lineno] + [d.lineno for d in node.decorator_list])
            out[(path, first, node.name)] = node.lineno
        elif isinstance(node, ast.Lambda):
            out[(path, node.lineno, "<lambda>")] = node.lineno
    return out


def innermost_line(tb: Any, files: Set[str]) -> Tuple[str, int]:
    found = ("", 0)
    while tb is not None:
        if tb.tb_frame.f_code.co_filename in files:
            found = (tb.tb_frame.f_code.co_filename, tb.tb_lineno)
        tb = tb.tb_next
    return found


def exec_statements(module: types.ModuleType, path: str, tree: ast.Module, files: Set[str]) -> List[StatementError]:
    """Run a module one top-level statement at a time, recording each
    statement that raises (with the fixture line the exception went through)
    and going on with the next."""
    errors: List[StatementError] = []
    for stmt in tree.body:
        code = compile(ast.Module(body=[stmt], type_ignores=[]), path, "exec")
        try:
            exec(code, module.__dict__)
        except (Exception, OracleExit, SystemExit) as exc:
            where = innermost_line(exc.__traceback__, files)
            errors.append(
                StatementError(
                    stmt.lineno, where[1] or stmt.lineno, type(exc).__name__, str(exc)[:300],
                    tuple(c.__name__ for c in type(exc).__mro__), where[0] or path,
                    fixture_frames(exc.__traceback__, files),
                )
            )
    return errors


def fixture_frames(tb: Any, files: Set[str]) -> Tuple[Tuple[str, int, bool], ...]:
    """(file, line, is a function frame) of each fixture frame of a traceback, outer first
    (module code and class bodies are not functions)."""
    out: List[Tuple[str, int, bool]] = []
    while tb is not None:
        code = tb.tb_frame.f_code
        if code.co_filename in files:
            out.append((code.co_filename, tb.tb_lineno, bool(code.co_flags & 0x1)))  # CO_OPTIMIZED
        tb = tb.tb_next
    return tuple(out)


@dataclass
class HandlerRegistration:
    """One ``register_error_handler`` (``errorhandler`` decorators and
    ``bp.app_errorhandler`` end there), in the order Flask saw them."""

    line: Optional[Tuple[str, int]]  # the fixture line registering (a bp.app_errorhandler's own line)
    owner: Any  # the app or blueprint whose error_handler_spec receives it (the app for app_errorhandler)
    key: Any  # the code or class as written
    func: Any
    exc_class: Optional[type] = None  # what Flask made of the key
    code: Optional[int] = None
    error: Optional[Tuple[str, str, Tuple[str, ...]]] = None  # what registering raised
    deferred: bool = False  # bp.app_errorhandler: registered on the app at register_blueprint


def _in_blueprint_registration() -> bool:
    """Whether Flask is running a blueprint's deferred setup (``Blueprint.register``)."""
    frame: Optional[types.FrameType] = sys._getframe(2)
    while frame is not None:
        code = frame.f_code
        if code.co_name == "register" and code.co_filename.replace(os.sep, "/").endswith("flask/sansio/blueprints.py"):
            return True
        frame = frame.f_back
    return False


def creation_line(files: Set[str], obj: Any) -> Optional[Tuple[str, int]]:
    """The fixture line whose call created ``obj`` (called from its
    ``__init__`` patch): the ``__init__`` of a fixture subclass that calls
    ``super().__init__`` is skipped for the line that created the instance."""
    frame: Optional[types.FrameType] = sys._getframe(2)
    while frame is not None:
        code = frame.f_code
        if code.co_filename in files and not (code.co_name == "__init__" and frame.f_locals.get("self") is obj):
            return (code.co_filename, frame.f_lineno)
        frame = frame.f_back
    return None


class Sandbox:
    """Everything the oracle patches, installed for one run."""

    def __init__(self, files: Set[str]) -> None:
        self.files = files
        self.apps: List[Flask] = []
        self.blueprints: List[Blueprint] = []
        self.finder = StubFinder()
        self.spawns = Spawns(files)
        self.responses = ResponseWatch(files)  # the responses family's observations (watch_responses.py)
        self.app_lines: Dict[int, Tuple[str, int]] = {}
        self.handler_regs: List[HandlerRegistration] = []
        self.bp_registrations: List[Tuple[Flask, Blueprint, Optional[str]]] = []
        self._deferred_lines: Dict[Tuple[int, str], Tuple[str, int]] = {}
        self.url_rules: List[UrlRuleCall] = []
        self.blueprint_regs: List[BlueprintRegistration] = []
        self.blueprint_lines: Dict[int, Tuple[str, int]] = {}

    def install(self) -> None:
        sys.meta_path.append(self.finder)
        sandbox = self
        flask_init = Flask.__init__
        blueprint_init = Blueprint.__init__

        def app_init(app: Flask, *args: Any, **kwargs: Any) -> None:
            flask_init(app, *args, **kwargs)
            sandbox.apps.append(app)
            line = creation_line(sandbox.files, app)
            if line is not None:
                sandbox.app_lines.setdefault(id(app), line)

        def blueprint_init_recorded(bp: Blueprint, *args: Any, **kwargs: Any) -> None:
            blueprint_init(bp, *args, **kwargs)
            sandbox.blueprints.append(bp)

        Flask.__init__ = app_init  # type: ignore[method-assign]
        Blueprint.__init__ = blueprint_init_recorded  # type: ignore[method-assign]

        def no_exit(*_args: Any, **_kwargs: Any) -> None:
            raise OracleExit("exit")

        os._exit = no_exit  # type: ignore[assignment]
        sys.exit = no_exit  # type: ignore[assignment]
        self.spawns.install()
        import handover  # threads, processes, tasks, streams and g: the FLK4xx observations

        handover.install(self)
        self.responses.install()
        self._record_error_handlers()
        self._record_routing()

    def _record_error_handlers(self) -> None:
        """Every error handler registration (line, owner, key, function, or
        what registering raised), and the URL prefix of every blueprint
        registration (``register_blueprint(bp, url_prefix=...)`` included)."""
        from flask.sansio.scaffold import Scaffold

        sandbox = self
        original_register = Scaffold.register_error_handler
        original_app_errorhandler = Blueprint.app_errorhandler
        original_setup_state = Blueprint.make_setup_state

        def register_error_handler(owner: Any, code_or_exception: Any, f: Any) -> None:
            line = None
            if _in_blueprint_registration():  # a bp.app_errorhandler, not a later call with the same function
                line = sandbox._deferred_lines.get((id(f), repr(code_or_exception)))
            deferred = line is not None
            if line is None:
                line = caller_line(sandbox.files)
            reg = HandlerRegistration(line, owner, code_or_exception, f, deferred=deferred)
            sandbox.handler_regs.append(reg)
            try:
                original_register(owner, code_or_exception, f)
            except Exception as exc:
                reg.error = _exc_tuple(exc)
                raise
            reg.exc_class, reg.code = owner._get_exc_class_and_code(code_or_exception)

        def app_errorhandler(bp: Blueprint, code: Any) -> Callable[..., Any]:
            line = caller_line(sandbox.files)
            decorate = original_app_errorhandler(bp, code)

            def decorator(f: Any) -> Any:
                if line is not None:
                    sandbox._deferred_lines[(id(f), repr(code))] = line
                return decorate(f)

            return decorator

        def make_setup_state(bp: Blueprint, app: Any, options: Any, *args: Any, **kwargs: Any) -> Any:
            state = original_setup_state(bp, app, options, *args, **kwargs)
            sandbox.bp_registrations.append((app, bp, state.url_prefix))
            return state

        Scaffold.register_error_handler = register_error_handler  # type: ignore[method-assign]
        Blueprint.app_errorhandler = app_errorhandler  # type: ignore[method-assign]
        Blueprint.make_setup_state = make_setup_state  # type: ignore[method-assign]

    def _record_routing(self) -> None:
        """Every URL rule added to an app and every blueprint registration,
        each with the fixture line behind it and what it raised, and the
        line creating each blueprint."""
        sandbox = self
        original_app_rule = Flask.add_url_rule
        original_bp_rule = Blueprint.add_url_rule
        original_register = Blueprint.register
        original_nest = Blueprint.register_blueprint
        original_init = Blueprint.__init__

        def blueprint_init(bp: Blueprint, *args: Any, **kwargs: Any) -> None:
            original_init(bp, *args, **kwargs)
            line = creation_line(sandbox.files, bp)
            if line is not None:
                sandbox.blueprint_lines.setdefault(id(bp), line)

        def app_rule(app: Any, rule: str, endpoint: Optional[str] = None, view_func: Any = None,
                     *args: Any, **options: Any) -> Any:
            origin = getattr(_rule_origin, "line", None)
            named = endpoint if endpoint is not None else getattr(view_func, "__name__", None)
            record = UrlRuleCall(
                app, getattr(_rule_origin, "blueprint", None), rule, named, view_func, options.get("methods"),
                origin if origin is not None else caller_line(sandbox.files),
            )
            sandbox.url_rules.append(record)
            try:
                result = original_app_rule(app, rule, endpoint, view_func, *args, **options)
            except Exception as exc:
                record.error = _exc_tuple(exc)
                raise
            return result

        def bp_rule(bp: Blueprint, *args: Any, **kwargs: Any) -> Any:
            line = caller_line(sandbox.files)
            before = len(bp.deferred_functions)
            result = original_bp_rule(bp, *args, **kwargs)
            if len(bp.deferred_functions) == before + 1:
                deferred = bp.deferred_functions[-1]

                def tagged(state: Any) -> Any:
                    previous = (getattr(_rule_origin, "line", None), getattr(_rule_origin, "blueprint", None))
                    _rule_origin.line, _rule_origin.blueprint = line, bp
                    try:
                        return deferred(state)
                    finally:
                        _rule_origin.line, _rule_origin.blueprint = previous

                bp.deferred_functions[-1] = tagged
            return result

        def register(bp: Blueprint, app: Any, options: Dict[str, Any]) -> Any:
            line = options.line if isinstance(options, _TaggedOptions) else caller_line(sandbox.files)
            name = f"{options.get('name_prefix', '')}.{options.get('name', bp.name)}".lstrip(".")
            record = BlueprintRegistration(app, bp, name, line)
            sandbox.blueprint_regs.append(record)
            try:
                return original_register(bp, app, options)
            except Exception as exc:
                if not getattr(exc, "_oracle_registration", False):  # not a nested registration's own error
                    record.error = _exc_tuple(exc)
                    try:
                        exc._oracle_registration = True  # type: ignore[attr-defined]
                    except AttributeError:
                        pass
                raise

        def nest(parent: Blueprint, blueprint: Any, **options: Any) -> Any:
            line = caller_line(sandbox.files)
            result = original_nest(parent, blueprint, **options)
            if parent._blueprints and parent._blueprints[-1][0] is blueprint:
                tagged = _TaggedOptions(parent._blueprints[-1][1])
                tagged.line = line
                parent._blueprints[-1] = (blueprint, tagged)
            return result

        Blueprint.__init__ = blueprint_init  # type: ignore[method-assign]
        Flask.add_url_rule = app_rule  # type: ignore[method-assign]
        Blueprint.add_url_rule = bp_rule  # type: ignore[method-assign]
        Blueprint.register = register  # type: ignore[method-assign]
        Blueprint.register_blueprint = nest  # type: ignore[method-assign]


def load(
    paths: Sequence[str], root: Optional[str] = None, import_names: Sequence[str] = (), calls: Sequence[str] = ()
) -> Tuple[Loaded, Sandbox, Recorder]:
    """Execute the fixture files (a single file, or a project whose modules
    are imported by name from ``root``) with the recorder on."""
    files = {os.path.abspath(p) for p in paths}
    trees: Dict[str, ast.Module] = {}
    lines: Dict[Tuple[str, int, str], int] = {}
    for path in files:
        with open(path, encoding="utf-8") as handle:
            trees[path] = ast.parse(handle.read(), path)
        lines.update(def_lines(path, trees[path]))
    sandbox = Sandbox(files)
    sandbox.install()
    recorder = Recorder(files, lines)
    import handover

    handover.attach(recorder)
    sandbox.responses.recorder = recorder
    sys.settrace(recorder.global_trace)
    threading.settrace(recorder.global_trace)
    modules: Dict[str, types.ModuleType] = {}
    errors: List[StatementError] = []
    if root is None:
        (path,) = files
        name = "oracle_" + re.sub(r"\W", "_", os.path.basename(path)[:-3])
        module = types.ModuleType(name)
        module.__file__ = path
        sys.modules[name] = module
        errors = exec_statements(module, path, trees[path], files)
        modules[name] = module
        for target in factory_hints(path):  # '# oracle: call create_app': what `flask --app` would call
            try:
                getattr(module, target)()
            except (Exception, OracleExit, SystemExit) as exc:
                where = innermost_line(exc.__traceback__, files)
                mro = tuple(c.__name__ for c in type(exc).__mro__)
                errors.append(StatementError(0, where[1], type(exc).__name__, str(exc)[:300], mro, where[0] or path))
    else:
        sys.path.insert(0, root)
        loader = ProjectLoader(root, files, trees)
        for folder in reversed(project_paths(root)):  # the folders scripts run from come first
            sys.path.insert(0, folder)
            loader.roots.insert(0, folder)
        sys.meta_path.insert(0, loader)
        for name in import_names:
            try:
                modules[name] = importlib.import_module(name)
            except (Exception, OracleExit, SystemExit):
                pass
        for target in calls:
            module_name, _, func_name = target.partition(":")
            try:
                getattr(importlib.import_module(module_name), func_name)()
            except (Exception, OracleExit, SystemExit) as exc:
                where = innermost_line(exc.__traceback__, files)
                mro = tuple(c.__name__ for c in type(exc).__mro__)
                loader.errors.append(StatementError(0, where[1], type(exc).__name__, str(exc)[:300], mro, where[0]))
        errors = loader.errors
        modules.update(loader.modules)
    app_names: Dict[int, str] = {}
    for module in modules.values():
        for attr, value in vars(module).items():
            if isinstance(value, Flask):
                app_names.setdefault(id(value), attr)
    loaded = Loaded(sorted(files), trees, modules, errors, list(sandbox.apps), list(sandbox.blueprints), app_names)
    loaded.app_lines = dict(sandbox.app_lines)
    loaded.handler_regs = list(sandbox.handler_regs)
    loaded.bp_registrations = list(sandbox.bp_registrations)
    loaded.url_rules = list(sandbox.url_rules)
    loaded.blueprint_regs = list(sandbox.blueprint_regs)
    loaded.blueprint_lines = dict(sandbox.blueprint_lines)
    return loaded, sandbox, recorder


class ProjectLoader(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Imports a fixture project's modules with :func:`exec_statements`, so
    that a statement raising at import is recorded and the rest still runs."""

    def __init__(self, root: str, files: Set[str], trees: Dict[str, ast.Module]) -> None:
        self.root = root
        self.roots = [root]  # with the [oracle] path folders first
        self.files = files
        self.trees = trees
        self.errors: List[StatementError] = []
        self.modules: Dict[str, types.ModuleType] = {}

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> Optional[importlib.machinery.ModuleSpec]:
        for root in self.roots:
            base = os.path.join(root, *fullname.split("."))
            for candidate, is_package in ((os.path.join(base, "__init__.py"), True), (base + ".py", False)):
                if os.path.abspath(candidate) in self.files:
                    spec = importlib.util.spec_from_file_location(
                        fullname, candidate, loader=self,
                        submodule_search_locations=[os.path.dirname(candidate)] if is_package else None,
                    )
                    return spec
        return None

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> Optional[types.ModuleType]:
        return None

    def exec_module(self, module: types.ModuleType) -> None:
        path = os.path.abspath(module.__file__ or "")
        self.modules[module.__name__] = module
        self.errors += exec_statements(module, path, self.trees[path], self.files)


# ------------------------------------------------------------------ probes


@dataclass
class Probe:
    """One request, and what came back."""

    index: int
    kind: str  # route / hint / missing / wrong-method / crash / abort / raise
    app: int  # index in Loaded.apps
    method: str
    url: str
    endpoint: Optional[str] = None
    rule: Optional[str] = None
    payload: Dict[str, Any] = field(default_factory=dict)
    detail: str = ""  # abort code or exception class of abort/raise probes
    status: Optional[int] = None
    status_line: str = ""
    headers: Dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    request_exc: Optional[Tuple[str, str, Tuple[str, ...]]] = None  # what got_request_exception saw
    client_exc: Optional[Tuple[str, str, Tuple[str, ...]]] = None  # raised out of the WSGI call
    stream_exc: Optional[Tuple[str, str, Tuple[str, ...]]] = None  # raised while iterating the body
    stubbed: bool = False  # a stub was called: the outcome is not Flask's


def _exc_tuple(exc: BaseException) -> Tuple[str, str, Tuple[str, ...]]:
    return (type(exc).__name__, str(exc)[:300], tuple(c.__name__ for c in type(exc).__mro__))


def sample_values(rule: Any) -> Dict[str, Any]:
    values: Dict[str, Any] = {}
    for name, converter in rule._converters.items():
        kind = type(converter).__name__
        if kind == "IntegerConverter":
            values[name] = 1
        elif kind == "FloatConverter":
            values[name] = 1.5
        elif kind == "PathConverter":
            values[name] = "a/b"
        elif kind == "UUIDConverter":
            values[name] = "12345678-1234-5678-1234-567812345678"
        elif kind == "AnyConverter":
            match = re.search(r"\(\?:([^|)]+)", converter.regex)
            values[name] = match.group(1).replace("\\", "") if match else "x"
        else:
            values[name] = "x"
    values.update(rule.defaults or {})
    return values


@dataclass
class Hint:
    """``# oracle: POST /path?q=1 json={"a": 1} form=a=1&b=2 app=admin_app``"""

    method: str
    url: str
    payload: Dict[str, Any]
    app: Optional[str]
    line: int
    repeat: int = 1


def parse_hints(path: str) -> Tuple[List[Hint], Dict[int, str]]:
    """Request hints, and the lines whose effect cannot be observed
    (``# oracle: unobservable <why>``), from a fixture's comments."""
    hints: List[Hint] = []
    waived: Dict[int, str] = {}
    with open(path, encoding="utf-8") as handle:
        for number, text in enumerate(handle, 1):
            match = HINT_RE.search(text)
            if not match:
                continue
            body = match.group("body")
            if body.startswith("unobservable"):
                waived[number] = body[len("unobservable"):].strip(" :-")
                continue
            if body.startswith("call "):
                continue  # a factory to call after loading: factory_hints()
            words = shlex.split(body)
            method, url, rest = words[0].upper(), words[1], words[2:]
            payload: Dict[str, Any] = {}
            app_name = None
            repeat = 1
            for word in rest:
                key, _, value = word.partition("=")
                if key == "json":
                    payload["json"] = json.loads(value)
                elif key == "form":
                    payload["data"] = dict(urllib.parse.parse_qsl(value))
                elif key == "data":
                    payload["data"] = value
                elif key == "content-type":
                    payload["content_type"] = value
                elif key.startswith("header:"):
                    payload.setdefault("headers", {})[key[7:]] = value
                elif key == "app":
                    app_name = value
                elif key == "repeat":
                    repeat = int(value)
                else:
                    raise ValueError(f"{path}:{number}: unknown oracle hint word {word!r}")
            hints.append(Hint(method, url, payload, app_name, number, repeat))
    return hints, waived


def factory_hints(path: str) -> List[str]:
    """``# oracle: call create_app``: functions of a single-file fixture to
    call after loading it, as a server (``flask --app 'mod:create_app()'``,
    gunicorn) would (a project says it in setup.cfg: ``[oracle] call =``)."""
    found: List[str] = []
    with open(path, encoding="utf-8") as handle:
        for text in handle:
            match = HINT_RE.search(text)
            if match and match.group("body").startswith("call "):
                found += match.group("body")[5:].split()
    return found


class Driver:
    """Sends the probes and keeps what each one did."""

    def __init__(self, loaded: Loaded, sandbox: Sandbox, recorder: Recorder) -> None:
        self.loaded = loaded
        self.sandbox = sandbox
        self.recorder = recorder
        self.probes: List[Probe] = []
        self._request_exc: List[BaseException] = []
        flask.got_request_exception.connect(self._on_exception, weak=False)

    def _on_exception(self, sender: Any, exception: BaseException, **_: Any) -> None:
        self._request_exc.append(exception)

    def send(self, probe: Probe) -> Probe:
        app = self.loaded.apps[probe.app]
        probe.index = len(self.probes)
        self.probes.append(probe)
        self.recorder.probe = probe.index
        self._request_exc = []
        random.seed(probe.index)  # fixtures that roll dice answer the same way on every run
        client = app.test_client()
        sys.settrace(self.recorder.global_trace)  # a timeout inside the trace function turns tracing off
        signal.signal(signal.SIGALRM, _timeout)
        signal.setitimer(signal.ITIMER_REAL, PROBE_SECONDS)
        try:
            response = client.open(probe.url, method=probe.method, **probe.payload)
        except (Exception, OracleExit, SystemExit, OracleTimeout) as exc:
            probe.client_exc = _exc_tuple(exc)
        else:
            probe.status = response.status_code
            probe.status_line = response.status
            probe.headers = dict(response.headers)
            try:
                probe.body = response.get_data()
            except (Exception, OracleExit, SystemExit, OracleTimeout) as exc:
                probe.stream_exc = _exc_tuple(exc)
            finally:
                try:
                    response.close()
                except Exception:
                    pass
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        self.sandbox.spawns.settle()
        if self._request_exc:
            probe.request_exc = _exc_tuple(self._request_exc[0])
        probe.stubbed = any(
            e.exc_type == "StubCalled" for e in self.recorder.events if e.probe == probe.index
        ) or "StubCalled" in repr((probe.request_exc, probe.client_exc, probe.stream_exc))
        self.recorder.probe = -1
        return probe

    # ----------------------------------------------------------- the plan

    def run_all(self, hints: List[Hint]) -> None:
        for number, app in enumerate(self.loaded.apps):
            app.config["TESTING"] = False
            app.config.setdefault("SECRET_KEY", "oracle")
            if not app.secret_key:
                app.secret_key = "oracle"
            self.route_probes(number, app)
            self.hint_probes(number, app, hints)
            self.error_probes(number, app)
        # Last, so that the other probes keep their index (and dice seed).
        for number, app in enumerate(self.loaded.apps):
            self.deep_missing_probes(number, app)

    def route_probes(self, number: int, app: Flask) -> None:
        for rule in list(app.url_map.iter_rules()):
            if rule.endpoint == "static" or rule.endpoint.endswith(".static"):
                continue
            built = rule.build(sample_values(rule), append_unknown=False)
            if built is None:
                continue
            url = built[1]
            for method in METHODS:
                if method in (rule.methods or ()):
                    self.send(Probe(0, "route", number, method, url, rule.endpoint, rule.rule))
            if "POST" not in (rule.methods or ()):
                self.send(Probe(0, "wrong-method", number, "POST", url, rule.endpoint, rule.rule))

    def hint_probes(self, number: int, app: Flask, hints: List[Hint]) -> None:
        name = self.loaded.app_names.get(id(app))
        adapter = app.url_map.bind("localhost")
        for hint in hints:
            if hint.app is not None and hint.app != name:
                continue
            path = urllib.parse.urlsplit(hint.url).path
            try:
                endpoint, _ = adapter.match(path, method=hint.method)
            except Exception:
                if hint.app is None:
                    continue
                endpoint = None
            for _ in range(hint.repeat):
                payload = dict(hint.payload)
                self.send(Probe(0, "hint", number, hint.method, hint.url, endpoint, None, payload, f"hint line {hint.line}"))

    def deep_missing_probes(self, number: int, app: Flask) -> None:
        """Unknown URLs a few segments deep under the static path of each
        blueprint rule: only a catch-all route takes them."""
        sent = {(p.method, p.url) for p in self.probes if p.app == number and p.kind == "missing"}
        for owner, bp, registered_prefix in self.loaded.bp_registrations:
            if owner is not app:
                continue
            for method, url in unknown_urls(app, bp, registered_prefix):
                if (method, url) not in sent:
                    sent.add((method, url))
                    self.send(Probe(0, "missing", number, method, url))

    def error_probes(self, number: int, app: Flask) -> None:
        """Unknown URLs, wrong methods, and views replaced by ones that crash,
        abort with each registered code or raise each registered class: what
        the error handlers of the app and of each blueprint make of them."""
        prefixes = {""}
        for _bp_name, bp in app.blueprints.items():
            prefix = getattr(bp, "url_prefix", None) or ""
            prefixes.add(prefix.rstrip("/"))
        for owner, _bp, registered_prefix in self.loaded.bp_registrations:
            if owner is app:  # register_blueprint(bp, url_prefix=...), nested prefixes joined
                prefixes.add((registered_prefix or "").rstrip("/"))
        for prefix in sorted(prefixes):
            self.send(Probe(0, "missing", number, "GET", prefix + "/__oracle_missing__"))
        codes: Set[int] = set()
        classes: List[type] = []
        for scope_handlers in app.error_handler_spec.values():
            for code, by_class in scope_handlers.items():
                if code is not None:
                    codes.add(code)
                for cls in by_class:
                    if code is None and cls not in classes:
                        classes.append(cls)
        by_scope: Dict[Optional[str], Any] = {}
        for rule in app.url_map.iter_rules():
            if rule.endpoint == "static" or rule.endpoint.endswith(".static"):
                continue
            scope = rule.endpoint.rpartition(".")[0] or None
            by_scope.setdefault(scope, rule)
        for rule in by_scope.values():
            built = rule.build(sample_values(rule), append_unknown=False)
            if built is None:
                continue
            others = sorted((rule.methods or {"GET"}) - {"OPTIONS", "HEAD"})
            method = "GET" if "GET" in (rule.methods or ()) else (others[0] if others else "OPTIONS")
            original = app.view_functions[rule.endpoint]
            failures: List[Tuple[str, str, Callable[..., Any]]] = [("crash", "ZeroDivisionError", _crash)]
            failures += [("abort", str(code), _aborter(code)) for code in sorted(codes)]
            failures += [("raise", cls.__name__, _raiser(cls)) for cls in classes]
            for kind, detail, replacement in failures:
                app.view_functions[rule.endpoint] = replacement
                try:
                    self.send(Probe(0, kind, number, method, built[1], rule.endpoint, rule.rule, detail=detail))
                finally:
                    app.view_functions[rule.endpoint] = original
            unused = [m for m in ("DELETE", "PATCH", "PUT") if m not in (rule.methods or ())]
            if unused:
                self.send(Probe(0, "wrong-method", number, unused[0], built[1], rule.endpoint, rule.rule))


def unknown_urls(app: Flask, bp: Blueprint, prefix: Optional[str]) -> List[Tuple[str, str]]:
    """(method, URL) of the unknown-URL probes for a blueprint registered
    with ``prefix``: one under the prefix (``/`` without one), and one a few
    segments deep under the static path of each of its rules, sent with a
    method that rule takes."""
    out = [("GET", (prefix or "").rstrip("/") + "/__oracle_missing__")]
    names = {name for name, b in app.blueprints.items() if b is bp}
    for rule in app.url_map.iter_rules():
        scope, _, last = rule.endpoint.rpartition(".")
        if scope not in names or last == "static":
            continue
        head = rule.rule.split("<", 1)[0]
        methods = set(rule.methods or ()) - {"HEAD", "OPTIONS"}
        method = "GET" if "GET" in methods or not methods else sorted(methods)[0]
        pair = (method, head[: head.rfind("/") + 1] + "__oracle_missing__/x/y")
        if pair not in out:
            out.append(pair)
    return out


def _crash(**_kwargs: Any) -> Any:
    return 1 // 0


def _aborter(code: int) -> Callable[..., Any]:
    def view(**_kwargs: Any) -> Any:
        flask.abort(code)

    return view


def _raiser(cls: type) -> Callable[..., Any]:
    def view(**_kwargs: Any) -> Any:
        try:
            exc = cls()
        except Exception:
            exc = cls("oracle")
        raise exc

    return view


# ---------------------------------------------------------------- the run


@dataclass
class Run:
    """Everything a claim may read."""

    loaded: Loaded
    recorder: Recorder
    probes: List[Probe]
    waived: Dict[Tuple[str, int], str]
    main_file: str
    error_handlers: Set[Tuple[str, int]] = field(default_factory=set)  # (file, def line) of every error handler
    hooks: Set[Tuple[str, int]] = field(default_factory=set)  # ... and of every request hook
    responses: Optional[ResponseWatch] = None  # builders called, responses sent, request lookups
    concurrency: Any = None  # handover.State: hand-overs, escapes, asyncio tasks, streams, g reads

    def events(self, kind: Optional[str] = None, probe: Optional[int] = None) -> Iterator[Event]:
        for event in self.recorder.events:
            if (kind is None or event.kind == kind) and (probe is None or event.probe == probe):
                yield event

    def functions(self) -> Dict[Tuple[str, int], ast.AST]:
        """(file, def line) -> FunctionDef for every function of the fixture."""
        out: Dict[Tuple[str, int], ast.AST] = {}
        for path, tree in self.loaded.trees.items():
            for node in ast.walk(tree):
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    out[(path, node.lineno)] = node
        return out


def project_plan(root: str, files: Sequence[str]) -> Tuple[List[str], List[str]]:
    """What to run of a fixture project, from the ``[oracle]`` section of its
    setup.cfg: ``import = shop.wsgi`` (the modules a server would import;
    default: every module, packages before their contents) and
    ``call = shop:create_app`` (app factories to call afterwards)."""
    import configparser

    config = configparser.ConfigParser()
    config.read(os.path.join(root, "setup.cfg"))
    calls = config.get("oracle", "call").split() if config.has_option("oracle", "call") else []
    if config.has_option("oracle", "import"):
        return config.get("oracle", "import").split(), calls
    names = []
    for path in files:
        rel = os.path.relpath(path, root)[:-3].replace(os.sep, ".")
        names.append(rel[: -len(".__init__")] if rel.endswith(".__init__") else rel)
    return sorted(names, key=lambda n: (n.count("."), n)), calls


def project_paths(root: str) -> List[str]:
    """Folders a project's scripts run from (``cd web && python server.py``
    puts ``web`` first on ``sys.path``): ``[oracle] path = web`` in setup.cfg."""
    import configparser

    config = configparser.ConfigParser()
    config.read(os.path.join(root, "setup.cfg"))
    if not config.has_option("oracle", "path"):
        return []
    return [os.path.join(root, folder) for folder in config.get("oracle", "path").split()]


def execute(paths: Sequence[str], root: Optional[str] = None) -> Run:
    import_names: List[str] = []
    calls: List[str] = []
    if root is not None:
        import_names, calls = project_plan(root, paths)
    loaded, sandbox, recorder = load(paths, root, import_names, calls)
    main_file = os.path.abspath(paths[0])
    hints: List[Hint] = []
    waived: Dict[Tuple[str, int], str] = {}
    for path in loaded.files:
        found, waivers = parse_hints(path)
        hints += found
        waived.update({(path, line): why for line, why in waivers.items()})
    driver = Driver(loaded, sandbox, recorder)
    driver.run_all(hints)
    import handover

    concurrency = handover.finish(driver)  # declared tasks nothing sent run in a worker
    sys.settrace(None)
    threading.settrace(None)  # type: ignore[arg-type]
    handlers, hooks = registered_functions(loaded, recorder)
    run = Run(loaded, recorder, driver.probes, waived, main_file, handlers, hooks)
    run.responses = sandbox.responses
    run.concurrency = concurrency
    return run


def _code_of(func: Any) -> Optional[types.CodeType]:
    for _ in range(10):
        code = getattr(func, "__code__", None)
        if code is not None:
            return code  # type: ignore[no-any-return]
        func = getattr(func, "__func__", None) or getattr(func, "__wrapped__", None)
        if func is None:
            return None
    return None


def registered_functions(loaded: Loaded, recorder: Recorder) -> Tuple[Set[Tuple[str, int]], Set[Tuple[str, int]]]:
    """The error handlers and the request hooks of every app and blueprint,
    as the recorder names functions."""
    handlers: List[Any] = []
    hooks: List[Any] = []
    for owner in list(loaded.apps) + list(loaded.blueprints):
        for by_code in owner.error_handler_spec.values():
            for by_class in by_code.values():
                handlers += list(by_class.values())
        for attr in (
            "before_request_funcs", "after_request_funcs", "teardown_request_funcs",
            "url_value_preprocessors", "url_default_functions", "template_context_processors",
        ):
            for registered in getattr(owner, attr, {}).values():
                hooks += list(registered)
        hooks += list(getattr(owner, "teardown_appcontext_funcs", []))

    def keys(funcs: List[Any]) -> Set[Tuple[str, int]]:
        out: Set[Tuple[str, int]] = set()
        for func in funcs:
            code = _code_of(func)
            if code is not None and code.co_filename in recorder.files:
                out.add(recorder.func_key(code))
        return out

    return keys(handlers), keys(hooks)
