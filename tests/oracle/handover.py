"""What the oracle observes of work that leaves the request (the FLK4xx rules).

``runtime.Spawns`` attributes the work handed to threads, executors and
greenlets to the fixture line that handed it over.  This module adds, on top
of it and without changing what the fixture does:

- **hand-overs**: every hand-over line with its kind (thread, executor,
  process, green, queue), the context-local proxies passed along with the
  callable (``Thread(target=f, args=(request,))``), the ``g`` attributes the
  request had at that moment, and the ``copy_current_request_context``
  wrapper handed over (so that one wrapper handed to several workers shows);
  a ``Thread`` is attributed to the line that created it (``Thread(target=f)``,
  where the callable is given), not to its ``start()``;
- **escapes**: exceptions that leave the spawned work (a thread dying, a
  future holding it), which no fixture frame may see;
- **missing g reads**: ``g.x``, ``getattr(g, "x", d)``, ``"x" in g``,
  ``g.get("x")`` that found nothing, per spawned line;
- **processes**: ``multiprocessing.Process``, ``Pool`` and
  ``ProcessPoolExecutor`` run their work in a thread that behaves like the
  child process: with the start method the code asks for, else
  :data:`DEFAULT_START_METHOD`, the callable and its arguments are pickled
  (a proxy or a lambda fails as it would) and run in an empty context; with
  ``fork``, in a copy of the calling thread's context (the forked child's);
- **asyncio tasks** created by fixture code: whether each was still pending
  (and not being cancelled by the code) when the task that created it
  finished, and whether it ended cancelled;
- **streams**: an exception raised while the response body is iterated, with
  the fixture line that built the ``Response`` around the iterator;
- **timers**: ``threading.Timer`` intervals and delayed spawns are cut to a
  few milliseconds, so the oracle waits for them after the request;
- **task queues**: stubs (``stubs/celery.py``...) run task bodies through
  :func:`start_worker`, in a worker thread with no Flask context; tasks that
  are declared but never sent are run once by :func:`finish`, as a worker
  would run them when they are sent.
"""

from __future__ import annotations

import contextvars
import functools
import os
import pickle
import sys
import threading
import time
import types
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Set, Tuple

Line = Tuple[str, int]

# What a child process sees when the code does not choose: Python 3.14's
# default start method on Linux (spawn on macOS and Windows). Anything but
# fork starts the child with a fresh interpreter: no Flask context, and the
# callable and its arguments pickled.
DEFAULT_START_METHOD = "forkserver"
SHORT_DELAY = 0.01

PROXY_NAMES = ("request", "session", "g", "current_app")


@dataclass
class HandOver:
    line: Line
    kind: str  # thread, executor, process, green, queue
    probe: int
    proxies: List[str] = field(default_factory=list)  # "flask.request"... passed along
    g_names: Set[str] = field(default_factory=set)  # what the request's g held at that moment
    copy_wrapper: int = 0  # id() of the copy_current_request_context wrapper handed over


@dataclass
class Escape:
    line: Optional[Line]  # the hand-over line of the work it escaped from
    probe: int
    exc_type: str
    exc_text: str
    exc_mro: Tuple[str, ...]


@dataclass
class TaskRecord:
    line: Line  # the create_task / ensure_future line
    probe: int
    pending_at_parent_end: bool = False  # still running, not being cancelled, when its creator finished
    cancelled: bool = False
    done: bool = False


@dataclass
class StreamFailure:
    probe: int
    origin: Optional[Line]  # the fixture line that built the Response around the iterator
    generator: Optional[Tuple[str, int, str]]  # (file, first line, name) of the outermost fixture generator
    exc_type: str
    exc_text: str
    exc_mro: Tuple[str, ...]


@dataclass
class GRead:
    line: Optional[Line]  # the hand-over line of the spawned work (None: the request's own thread)
    name: str
    probe: int


@dataclass
class State:
    handovers: List[HandOver] = field(default_factory=list)
    escapes: List[Escape] = field(default_factory=list)
    tasks: List[TaskRecord] = field(default_factory=list)
    streams: List[StreamFailure] = field(default_factory=list)
    missing_g: List[GRead] = field(default_factory=list)
    kinds: Dict[Line, str] = field(default_factory=dict)
    start_method: str = DEFAULT_START_METHOD
    patches: List[Tuple[Line, str]] = field(default_factory=list)  # monkey patches the code ran (not made here)
    unpatched: Dict[Line, List[str]] = field(default_factory=dict)  # per patch: what stayed unpatched (patch_probe.py)

    def kind(self, line: Optional[Line]) -> str:
        return self.kinds.get(line, "") if line is not None else ""


STATE = State()
_lock = threading.Lock()
_files: Set[str] = set()
_spawns: Any = None
_apps: List[Any] = []
_recorder: Any = None
_stream_origin: Dict[int, Optional[Line]] = {}
_seen_stream_exc: Set[int] = set()
_registered_tasks: List[Tuple[Callable[..., Any], Line, Callable[[], Tuple[Tuple[Any, ...], Dict[str, Any]]]]] = []
_sent_tasks: Set[int] = set()


def _probe() -> int:
    return int(getattr(_recorder, "probe", -1)) if _recorder is not None else -1


def _caller(depth: int = 2) -> Optional[Line]:
    frame: Optional[types.FrameType] = sys._getframe(depth)
    while frame is not None:
        if frame.f_code.co_filename in _files:
            return (frame.f_code.co_filename, frame.f_lineno)
        frame = frame.f_back
    return None


def _exc(exc: BaseException) -> Tuple[str, str, Tuple[str, ...]]:
    return type(exc).__name__, str(exc)[:300], tuple(c.__name__ for c in type(exc).__mro__)


def _spawned_line() -> Optional[Line]:
    import runtime

    return getattr(runtime._spawn_local, "line", None)


# ------------------------------------------------------------ hand-overs


def _proxy_name(value: Any) -> Optional[str]:
    import flask
    from werkzeug.local import LocalProxy

    if type(value) is not LocalProxy:
        return None
    for name in PROXY_NAMES:
        if value is getattr(flask, name):
            return f"flask.{name}"
    return "werkzeug.LocalProxy"


def _passed_proxies(func: Any, args: Any, kwargs: Any) -> List[str]:
    found: List[str] = []
    values = list(args or ()) + list((kwargs or {}).values())
    while isinstance(func, functools.partial):
        values += list(func.args) + list(func.keywords.values())
        func = func.func
    for value in values:
        items = list(value) if isinstance(value, (tuple, list)) else [value]
        for item in items:
            name = _proxy_name(item)
            if name is not None and name not in found:
                found.append(name)
    return found


def _is_copy_wrapper(func: Any) -> bool:
    code = getattr(func, "__code__", None)
    return (
        code is not None
        and code.co_name == "wrapper"
        and os.path.basename(os.path.dirname(code.co_filename)) == "flask"
        and os.path.basename(code.co_filename) == "ctx.py"
    )


def note_hand_over(line: Optional[Line], kind: str, func: Any, args: Any = (), kwargs: Any = None) -> None:
    """Record one hand-over (the spawn patches and the stubs call it)."""
    if line is None:
        return
    import flask

    g_names: Set[str] = set()
    if flask.has_app_context():
        g_names = set(vars(flask.g._get_current_object()))
    target = func
    while isinstance(target, functools.partial):
        target = target.func
    record = HandOver(
        line, kind, _probe(), _passed_proxies(func, args, kwargs), g_names,
        id(target) if _is_copy_wrapper(target) else 0,
    )
    with _lock:
        STATE.handovers.append(record)
        STATE.kinds.setdefault(line, kind)


def _escaping(func: Callable[..., Any], line: Optional[Line]) -> Callable[..., Any]:
    """``func``, recording the exception that leaves it (then raised again)."""

    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except BaseException as exc:
            name, text, mro = _exc(exc)
            with _lock:
                STATE.escapes.append(Escape(line, _probe(), name, text, mro))
            raise

    return run


def _patch(owner: Any, name: str, value: Any) -> None:
    setattr(owner, name, value)


def origin_line(func: Any, depth: int = 2) -> Optional[Line]:
    """The fixture line that chose ``func`` for the hand-over: the innermost
    fixture frame, or, when ``func`` came in as a parameter of that frame's
    function (``def run_async(f): Thread(target=f)``), the caller's line that
    passed it, and so on; a callable a decorator's wrapper closes over
    (``@in_background``) goes to the decorator's line."""
    frame: Optional[types.FrameType] = sys._getframe(depth)
    while frame is not None and frame.f_code.co_filename not in _files:
        frame = frame.f_back
    found: Optional[Line] = None
    while frame is not None:
        code = frame.f_code
        found = (code.co_filename, frame.f_lineno)
        if func is None:
            break
        names = code.co_varnames[: code.co_argcount + code.co_kwonlyargcount]
        if any(frame.f_locals.get(n) is func for n in names):
            back = frame.f_back
            while back is not None and back.f_code.co_filename not in _files:
                back = back.f_back
            frame = back
            continue
        if any(frame.f_locals.get(n) is func for n in code.co_freevars):
            decorated = _decorator_line(func, code)
            if decorated is not None:
                found = decorated
        break
    return found


def _decorator_line(func: Any, wrapper_code: types.CodeType) -> Optional[Line]:
    """The line of ``func``'s decorator whose call made ``wrapper_code``'s function."""
    code = getattr(func, "__code__", None)
    if code is None or code.co_filename not in _files or _recorder is None:
        return None
    import ast

    def_line = _recorder.func_key(code)[1]
    tree = getattr(_recorder, "_oracle_trees", {}).get(code.co_filename)
    if tree is None:
        try:
            with open(code.co_filename, encoding="utf-8") as handle:
                tree = ast.parse(handle.read())
        except (OSError, SyntaxError):
            return None
        _recorder.__dict__.setdefault("_oracle_trees", {})[code.co_filename] = tree
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.lineno == def_line:
            for decorator in node.decorator_list:
                target = decorator.func if isinstance(decorator, ast.Call) else decorator
                name = target.id if isinstance(target, ast.Name) else target.attr if isinstance(target, ast.Attribute) else ""
                maker = getattr(func, "__globals__", {}).get(name) if isinstance(target, ast.Name) else None
                maker_code = getattr(maker, "__code__", None)
                if maker_code is not None and wrapper_code in _nested_codes(maker_code):
                    return (code.co_filename, decorator.lineno)
    return None


def _nested_codes(code: types.CodeType) -> List[types.CodeType]:
    out = []
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            out.append(const)
            out.extend(_nested_codes(const))
    return out


def _creation_line(obj: Any) -> Optional[Line]:
    """The fixture line whose call created ``obj`` (from its ``__init__``
    patch): the ``__init__`` of a fixture subclass calling ``super().__init__``
    is skipped for the line that created the instance."""
    frame: Optional[types.FrameType] = sys._getframe(2)
    while frame is not None:
        code = frame.f_code
        if code.co_filename in _files and not (code.co_name == "__init__" and frame.f_locals.get("self") is obj):
            return (code.co_filename, frame.f_lineno)
        frame = frame.f_back
    return None


# Threads the standard library starts for its own pools: their work is attributed per task.
_INTERNAL_TARGETS = ("concurrent.futures", "multiprocessing", "asyncio", "asgiref")


def _internal(thread: threading.Thread) -> bool:
    target = getattr(thread, "_target", None)
    return str(getattr(target, "__module__", "") or "").startswith(_INTERNAL_TARGETS)


def _install_threads() -> None:
    thread_init = threading.Thread.__init__
    spawn_start = threading.Thread.start  # runtime's: attributes and waits

    def init(thread: threading.Thread, *args: Any, **kwargs: Any) -> None:
        thread_init(thread, *args, **kwargs)
        if getattr(thread, "_oracle_line", None) is None and not _internal(thread):
            target = getattr(thread, "_target", None)
            line = origin_line(target) if target is not None else _creation_line(thread)
            if line is not None:
                thread._oracle_line = line  # type: ignore[attr-defined]

    def start(thread: threading.Thread) -> None:
        line = getattr(thread, "_oracle_line", None) or (None if _internal(thread) else _caller())
        if line is not None and getattr(thread, "_oracle_kind", None) is None:
            thread._oracle_line = line  # type: ignore[attr-defined]
            if isinstance(thread, threading.Timer):
                note_hand_over(line, "thread", thread.function, thread.args, thread.kwargs)
                thread.interval = min(thread.interval, SHORT_DELAY)
            else:
                func = getattr(thread, "_target", None) or thread.run
                note_hand_over(line, "thread", func, getattr(thread, "_args", ()), getattr(thread, "_kwargs", None))
            thread.run = _escaping(thread.run, line)  # type: ignore[method-assign]
        spawn_start(thread)

    _patch(threading.Thread, "__init__", init)
    _patch(threading.Thread, "start", start)

    spawn_submit = ThreadPoolExecutor.submit

    def submit(executor: ThreadPoolExecutor, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        line = origin_line(fn)
        if line is not None:
            import runtime

            note_hand_over(line, "executor", fn, args, kwargs)
            fn = runtime._with_spawn(_escaping(fn, line), line)  # the origin, over runtime's innermost line
        return spawn_submit(executor, fn, *args, **kwargs)

    _patch(ThreadPoolExecutor, "submit", submit)

    import _thread

    spawn_new = _thread.start_new_thread

    def start_new_thread(function: Callable[..., Any], args: Any, kwargs: Any = None) -> int:
        line = origin_line(function)
        if line is not None:
            note_hand_over(line, "thread", function, args, kwargs)
            function = _escaping(function, line)
        return spawn_new(function, args, kwargs or {})  # type: ignore[no-any-return]

    _patch(_thread, "start_new_thread", start_new_thread)


def _install_greenlets() -> None:
    """Real gevent (runtime patches its spawns) and eventlet, when installed."""
    real = {}
    for name in ("gevent", "eventlet"):
        module = sys.modules.get(name)
        if module is None:
            continue
        if getattr(module, "__oracle_stub__", False):
            continue
        real[name] = module
    gevent = real.get("gevent")
    if gevent is not None:
        _patch_green_spawns(gevent, (("spawn", 0), ("spawn_later", 1), ("spawn_raw", 0)), _escaping)


def note_patch(call: str) -> None:
    """A monkey patch the fixture runs: recorded, not made in the oracle's
    process (which imported Flask first); :func:`finish` observes it in a
    fresh interpreter (patch_probe.py)."""
    line = _caller()
    if line is not None:
        with _lock:
            STATE.patches.append((line, call))


def _intercept_real_patches() -> None:
    """With gevent or eventlet installed, their patch functions only record."""
    import importlib.util

    for name, attrs in (
        ("gevent.monkey", ("patch_all", "patch_socket", "patch_ssl", "patch_thread")),
        ("eventlet", ("monkey_patch",)),
        ("eventlet.patcher", ("monkey_patch",)),
    ):
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            continue
        if spec is None or spec.origin is None or "stubs" in spec.origin.split(os.sep):
            continue
        try:
            module = __import__(name, fromlist=["_"])
        except Exception:
            continue
        for attr in attrs:
            if hasattr(module, attr):
                setattr(module, attr, lambda *a, _call=f"{name}.{attr}()", **k: note_patch(_call))


def _probe_patches() -> None:
    import json
    import subprocess

    probe = os.path.join(os.path.dirname(os.path.abspath(__file__)), "patch_probe.py")
    root = os.path.commonpath(sorted(_files)) if _files else ""
    if os.path.isfile(root):
        root = os.path.dirname(root)
    while root and os.path.isfile(os.path.join(root, "__init__.py")):
        root = os.path.dirname(root)
    for line, _call in STATE.patches:
        if line in STATE.unpatched:
            continue
        try:
            proc = subprocess.run(
                [sys.executable, probe, line[0], str(line[1]), root], capture_output=True, text=True, timeout=120
            )
            found = json.loads(proc.stdout.strip().splitlines()[-1])
        except Exception:
            continue
        STATE.unpatched[line] = list(found.get("holders", ()))


def _install_eventlet_if_real() -> None:
    try:
        import importlib.util

        spec = importlib.util.find_spec("eventlet")
    except (ImportError, ValueError):
        return
    if spec is None or spec.origin is None or "stubs" in spec.origin.split(os.sep):
        return
    try:
        import eventlet
    except Exception:
        return
    import runtime

    pending: List[threading.Event] = []

    def wrap(func: Callable[..., Any], line: Optional[Line]) -> Callable[..., Any]:
        done = threading.Event()
        pending.append(done)
        inner = runtime._with_spawn(_escaping(func, line), line)

        def run(*args: Any, **kwargs: Any) -> Any:
            try:
                return inner(*args, **kwargs)
            finally:
                done.set()

        return run

    _patch_green_spawns(eventlet, (("spawn", 0), ("spawn_n", 0), ("spawn_after", 1)), wrap)
    settle = _spawns.settle

    def settle_green(timeout: float = 2.0) -> None:
        deadline = time.monotonic() + timeout
        try:
            while any(not done.is_set() for done in pending) and time.monotonic() < deadline:
                eventlet.sleep(0.001)
        except Exception as exc:  # eventlet's hub could not run here
            sys.stderr.write(f"oracle: eventlet hub failed: {exc!r}\n")
        pending.clear()
        settle(max(0.0, deadline - time.monotonic()))

    _spawns.settle = settle_green


# ------------------------------------------------------------ processes


def start_method(context: Any = None) -> str:
    name = getattr(context, "_name", None)
    if name:
        return str(name)
    import multiprocessing

    return multiprocessing.get_start_method(allow_none=True) or STATE.start_method


def _child(
    func: Callable[..., Any], args: Any, kwargs: Any, method: str, forked: Optional[contextvars.Context]
) -> Callable[[], Any]:
    """What the child process runs: pickled and unpickled callable and
    arguments in an empty context, or (fork) the parent's context."""
    if method == "fork":
        context = forked if forked is not None else contextvars.copy_context()
        return lambda: context.copy().run(func, *args, **(kwargs or {}))
    payload = pickle.dumps((func, tuple(args or ()), dict(kwargs or {})))

    def run() -> Any:
        target, a, k = pickle.loads(payload)
        return contextvars.Context().run(target, *a, **k)

    return run


def _run_in_child(line: Optional[Line], runner: Callable[[], Any], result: Optional[Future[Any]] = None) -> threading.Thread:
    def body() -> None:
        try:
            value = runner()
        except BaseException as exc:
            if result is not None:
                result.set_exception(exc)
                return
            raise
        if result is not None:
            result.set_result(value)

    thread = threading.Thread(target=body, daemon=True)
    thread._oracle_line = line  # type: ignore[attr-defined]
    thread._oracle_kind = "process"  # type: ignore[attr-defined]
    thread.start()
    return thread


class _SimPopen:
    def __init__(self, thread: threading.Thread) -> None:
        self.thread = thread
        self.returncode: Optional[int] = None

    def poll(self, flag: Any = None) -> Optional[int]:
        if not self.thread.is_alive():
            self.returncode = 0
        return self.returncode

    def wait(self, timeout: Optional[float] = None) -> Optional[int]:
        self.thread.join(timeout)
        return self.poll()

    def terminate(self) -> None:
        return None

    kill = terminate

    def close(self) -> None:
        return None


class SimPool:
    """A process pool whose workers are threads that behave like its child processes."""

    def __init__(self, processes: Any = None, initializer: Any = None, initargs: Any = (), method: str = "") -> None:
        self.method = method or start_method()
        self.forked = contextvars.copy_context() if self.method == "fork" else None
        self.initializer, self.initargs = initializer, initargs

    def _submit(self, line: Optional[Line], func: Callable[..., Any], args: Any, kwargs: Any) -> Future[Any]:
        note_hand_over(line, "process", func, args, kwargs)
        future: Future[Any] = Future()
        try:
            runner = _child(func, args, kwargs, self.method, self.forked)
        except Exception as exc:  # the task could not be sent: the result holds the error
            future.set_exception(exc)
            return future
        _run_in_child(line, _escaping(runner, line), future)
        return future

    def apply_async(
        self, func: Callable[..., Any], args: Any = (), kwds: Any = None, callback: Any = None, error_callback: Any = None
    ) -> _AsyncResult:
        return _AsyncResult([self._submit(origin_line(func), func, args, kwds)], single=True)

    def apply(self, func: Callable[..., Any], args: Any = (), kwds: Any = None) -> Any:
        return _AsyncResult([self._submit(origin_line(func), func, args, kwds)], single=True).get()

    def map_async(
        self, func: Callable[..., Any], iterable: Any, chunksize: Any = None, callback: Any = None, error_callback: Any = None
    ) -> _AsyncResult:
        line = origin_line(func)
        return _AsyncResult([self._submit(line, func, (item,), None) for item in iterable])

    def map(self, func: Callable[..., Any], iterable: Any, chunksize: Any = None) -> Any:
        line = origin_line(func)
        return _AsyncResult([self._submit(line, func, (item,), None) for item in iterable]).get()

    def starmap_async(
        self, func: Callable[..., Any], iterable: Any, chunksize: Any = None, callback: Any = None, error_callback: Any = None
    ) -> _AsyncResult:
        line = origin_line(func)
        return _AsyncResult([self._submit(line, func, tuple(item), None) for item in iterable])

    def starmap(self, func: Callable[..., Any], iterable: Any, chunksize: Any = None) -> Any:
        line = origin_line(func)
        return _AsyncResult([self._submit(line, func, tuple(item), None) for item in iterable]).get()

    def imap(self, func: Callable[..., Any], iterable: Any, chunksize: Any = 1) -> Any:
        line = origin_line(func)
        return iter(_AsyncResult([self._submit(line, func, (item,), None) for item in iterable]).get())

    imap_unordered = imap

    def close(self) -> None:
        return None

    terminate = close

    def join(self) -> None:
        return None

    def __enter__(self) -> SimPool:
        return self

    def __exit__(self, *exc: Any) -> None:
        return None


class _AsyncResult:
    def __init__(self, futures: List[Future[Any]], single: bool = False) -> None:
        self.futures, self.single = futures, single

    def get(self, timeout: Optional[float] = None) -> Any:
        values = [f.result(timeout) for f in self.futures]
        return values[0] if self.single else values

    def wait(self, timeout: Optional[float] = None) -> None:
        for future in self.futures:
            try:
                future.exception(timeout)
            except Exception:
                pass

    def ready(self) -> bool:
        return all(f.done() for f in self.futures)

    def successful(self) -> bool:
        return all(f.done() and f.exception() is None for f in self.futures)


def _install_processes() -> None:
    import multiprocessing.context
    import multiprocessing.process

    def start(proc: Any) -> None:
        line = getattr(proc, "_oracle_line", None) or _caller()
        method = getattr(proc, "_start_method", None) or start_method()
        target = getattr(proc, "_target", None)
        if target is not None:
            note_hand_over(line, "process", target, proc._args, proc._kwargs)
            runner = _child(target, proc._args, proc._kwargs, method, None)
        else:  # a Process subclass: its run()
            note_hand_over(line, "process", proc.run, (), None)
            context = contextvars.copy_context() if method == "fork" else contextvars.Context()
            runner = functools.partial(context.run, proc.run)
        proc._popen = _SimPopen(_run_in_child(line, _escaping(runner, line)))

    process_init = multiprocessing.process.BaseProcess.__init__

    def init(proc: Any, *args: Any, **kwargs: Any) -> None:
        process_init(proc, *args, **kwargs)
        target = getattr(proc, "_target", None)
        line = origin_line(target) if target is not None else _creation_line(proc)
        if line is not None:
            proc._oracle_line = line

    _patch(multiprocessing.process.BaseProcess, "start", start)
    _patch(multiprocessing.process.BaseProcess, "__init__", init)

    def pool(
        context: Any, processes: Any = None, initializer: Any = None, initargs: Any = (), maxtasksperchild: Any = None
    ) -> SimPool:
        actual = getattr(context, "_actual_context", None)
        return SimPool(processes, initializer, initargs, method=start_method(actual or context))

    _patch(multiprocessing.context.BaseContext, "Pool", pool)
    import multiprocessing as package  # its Pool is the default context's method, bound at import

    _patch(package, "Pool", functools.partial(pool, multiprocessing.context._default_context))

    def submit(executor: ProcessPoolExecutor, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        line = _caller()
        context = getattr(executor, "_mp_context", None)
        method = start_method(getattr(context, "_actual_context", None) or context)
        return SimPool(method=method)._submit(line, fn, args, kwargs)

    _patch(ProcessPoolExecutor, "submit", submit)


# ------------------------------------------------------------ asyncio


def _install_asyncio() -> None:
    import asyncio.base_events

    create_task = asyncio.base_events.BaseEventLoop.create_task

    def patched(loop: Any, coro: Any, *args: Any, **kwargs: Any) -> Any:
        task = create_task(loop, coro, *args, **kwargs)
        line = _caller()
        if line is None:
            return task
        record = TaskRecord(line, _probe())
        with _lock:
            STATE.tasks.append(record)
        try:
            parent = asyncio.current_task(loop)
        except RuntimeError:
            parent = None

        def parent_done(_parent: Any) -> None:
            if not task.done() and not task.cancelling():
                record.pending_at_parent_end = True

        def task_done(_task: Any) -> None:
            record.done = True
            record.cancelled = task.cancelled()

        if parent is not None and parent is not task:
            parent.add_done_callback(parent_done)
        task.add_done_callback(task_done)
        return task

    _patch(asyncio.base_events.BaseEventLoop, "create_task", patched)


# ------------------------------------------------------------ streams and g


def _install_streams() -> None:
    from werkzeug.wrappers.response import Response

    response_init = Response.__init__
    iter_encoded = Response.iter_encoded

    # Positional-only: ``Response(response=body)`` passes a keyword of that name.
    def init(response: Any, /, *args: Any, **kwargs: Any) -> None:
        response_init(response, *args, **kwargs)
        body = args[0] if args else kwargs.get("response")
        if body is not None and not isinstance(body, (str, bytes, bytearray, list, tuple, dict)):
            _stream_origin[id(response)] = _caller()

    def iterate(response: Any) -> Any:
        return watch(response, iter_encoded(response))  # the body is fetched now, as werkzeug does

    def watch(response: Any, inner: Any) -> Any:
        try:
            yield from inner
        except BaseException as exc:
            if id(exc) not in _seen_stream_exc:
                _seen_stream_exc.add(id(exc))
                generator = None
                tb = exc.__traceback__
                while tb is not None:
                    code = tb.tb_frame.f_code
                    if code.co_filename in _files and code.co_flags & 0x20 and generator is None:
                        generator = (code.co_filename, code.co_firstlineno, code.co_name)
                    tb = tb.tb_next
                name, text, mro = _exc(exc)
                with _lock:
                    STATE.streams.append(
                        StreamFailure(_probe(), _stream_origin.get(id(response)), generator, name, text, mro)
                    )
            raise

    _patch(Response, "__init__", init)
    _patch(Response, "iter_encoded", iterate)


def _install_g() -> None:
    from flask.ctx import _AppCtxGlobals

    def missing(name: str) -> None:
        line = _spawned_line()
        with _lock:
            STATE.missing_g.append(GRead(line, name, _probe()))

    getattr_ = _AppCtxGlobals.__getattr__
    get = _AppCtxGlobals.get
    contains = _AppCtxGlobals.__contains__

    def g_getattr(g: Any, name: str) -> Any:
        try:
            return getattr_(g, name)
        except AttributeError:
            if not name.startswith("__"):
                missing(name)
            raise

    def g_get(g: Any, name: str, default: Any = None) -> Any:
        if name not in g.__dict__:
            missing(name)
        return get(g, name, default)

    def g_contains(g: Any, item: str) -> bool:
        found = contains(g, item)
        if not found:
            missing(item)
        return found

    _patch(_AppCtxGlobals, "__getattr__", g_getattr)
    _patch(_AppCtxGlobals, "get", g_get)
    _patch(_AppCtxGlobals, "__contains__", g_contains)


# ------------------------------------------------------------ task queues


def start_worker(
    func: Callable[..., Any],
    args: Any,
    kwargs: Any,
    line: Optional[Line],
    result: Optional[Future[Any]] = None,
    note: bool = True,
) -> threading.Thread:
    """Run a queued task's body as a worker would: in another thread, with no
    Flask context, attributed to ``line`` (the task's def line for a declared
    task, else the line that queued the function)."""
    _sent_tasks.add(id(func))
    if note:
        note_hand_over(line, "queue", func, args, kwargs)
    if line is not None:
        with _lock:
            STATE.kinds[line] = "queue"

    def body() -> None:
        try:
            value = contextvars.Context().run(func, *tuple(args or ()), **dict(kwargs or {}))
        except BaseException as exc:
            if result is not None:
                result.set_exception(exc)
                return
            raise
        if result is not None:
            result.set_result(value)

    thread = threading.Thread(target=body, daemon=True)
    thread._oracle_line = line  # type: ignore[attr-defined]
    thread._oracle_kind = "queue"  # type: ignore[attr-defined]
    thread.start()
    return thread


def register_task(
    func: Callable[..., Any], line: Optional[Line], arguments: Callable[[], Tuple[Tuple[Any, ...], Dict[str, Any]]]
) -> None:
    """A declared task (``@celery.task``, ``@job``...): :func:`finish` runs it
    once if nothing sent it, with the arguments ``arguments()`` makes."""
    if line is not None:
        _registered_tasks.append((func, line, arguments))


def def_line(func: Any) -> Optional[Line]:
    """The fixture def line of ``func`` (as the recorder names functions)."""
    code = getattr(func, "__code__", None)
    if code is None or code.co_filename not in _files:
        return None
    if _recorder is not None:
        return _recorder.func_key(code)  # type: ignore[no-any-return]
    return (code.co_filename, code.co_firstlineno)


def placeholder_arguments(func: Callable[..., Any], skip: int = 0) -> Tuple[Tuple[Any, ...], Dict[str, Any]]:
    """None for each required positional parameter (after the first ``skip``)."""
    code = getattr(func, "__code__", None)
    if code is None:
        return (), {}
    defaults = len(getattr(func, "__defaults__", None) or ())
    required = max(0, code.co_argcount - defaults - skip)
    return (None,) * required, {}


# ------------------------------------------------------------ the run

# Task queues need a broker and a worker process: their stubs stand for them
# even when the package is installed (stubs/celery.py...).
FORCED_STUBS = frozenset({"celery", "rq", "huey", "dramatiq", "apscheduler"})


class _ForcedStubs:
    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> Any:
        import importlib.util

        if fullname.partition(".")[0] not in FORCED_STUBS:
            return None
        stubs = os.path.join(os.path.dirname(os.path.abspath(__file__)), "stubs")
        base = os.path.join(stubs, *fullname.split("."))
        if os.path.isfile(base + ".py"):
            return importlib.util.spec_from_file_location(fullname, base + ".py")
        if os.path.isfile(os.path.join(base, "__init__.py")):
            return importlib.util.spec_from_file_location(
                fullname, os.path.join(base, "__init__.py"), submodule_search_locations=[base]
            )
        return None


def install(sandbox: Any) -> None:
    global _spawns, _apps
    _files.update(sandbox.files)
    _spawns = sandbox.spawns
    _apps = sandbox.apps
    sys.meta_path.insert(0, _ForcedStubs())  # type: ignore[arg-type]
    _install_threads()
    _intercept_real_patches()
    _install_greenlets()
    _install_eventlet_if_real()
    _install_processes()
    _install_asyncio()
    _install_streams()
    _install_g()


def attach(recorder: Any) -> None:
    global _recorder
    _recorder = recorder
    import process_state  # what requests leave in module state (FLK407)

    process_state.attach(recorder, _apps)


def finish(driver: Any) -> State:
    """After the probes: run the declared tasks nothing sent (as a worker
    would once they are sent), then hand the records over."""
    _probe_patches()
    recorder = driver.recorder
    waiting = [t for t in _registered_tasks if id(t[0]) not in _sent_tasks]
    if waiting:
        previous = recorder.probe
        recorder.probe = -2  # the worker phase: after every request
        sys.settrace(recorder.global_trace)
        for func, line, arguments in waiting:
            try:
                args, kwargs = arguments()
                start_worker(func, args, kwargs, line)
            except Exception:
                continue
        driver.sandbox.spawns.settle()
        sys.settrace(None)
        recorder.probe = previous
    return STATE


__all__ = [
    "DEFAULT_START_METHOD", "STATE", "State", "attach", "def_line", "finish", "install", "note_hand_over",
    "placeholder_arguments", "register_task", "start_worker",
]


def _patch_green_spawns(module: Any, spawns: Any, wrap: Any) -> None:
    """Record each green-thread spawn of ``module`` (name, index of the
    function among its arguments; index 1: a delay comes first, shortened)
    and hand the spawned function through ``wrap(func, line)``."""
    for name, index in spawns:
        spawn = getattr(module, name, None)
        if spawn is None:
            continue

        def patched(*args: Any, _spawn: Any = spawn, _index: int = index, **kwargs: Any) -> Any:
            line = _caller()
            items = list(args)
            if line is not None and len(items) > _index:
                note_hand_over(line, "green", items[_index], items[_index + 1 :], kwargs)
                items[_index] = wrap(items[_index], line)
                if _index == 1:
                    items[0] = min(float(items[0]), SHORT_DELAY)
            return _spawn(*items, **kwargs)

        setattr(module, name, patched)
