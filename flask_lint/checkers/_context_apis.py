"""The hand-over APIs the FLK4xx rules recognise: how each call receives the
callable it runs elsewhere and that callable's arguments."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, FrozenSet, Optional, Tuple

KEYWORD_ONLY = -1


@dataclass(frozen=True)
class Api:
    """How a hand-over call receives the callable and its arguments."""

    label: str
    kind: str  # thread, executor, process, green, socketio, queue
    target: Optional[Tuple[int, Optional[str]]]
    args: Optional[Tuple[int, str]] = None  # a tuple of positional arguments
    kwargs: Optional[Tuple[int, str]] = None  # a dict of keyword arguments
    extra_from: Optional[int] = None  # *args start here; other keywords are **kwargs
    reserved: FrozenSet[str] = frozenset()
    is_map: bool = False


WHERE = {
    "thread": "a new thread",
    "executor": "an executor thread",
    # A forked child inherits the parent's context: only spawn and forkserver start it empty.
    "process": "a new process (under spawn or forkserver, the default on macOS, Windows and, from Python 3.14, Linux)",
    "green": "a new greenlet",
    "socketio": "a Socket.IO background task",
    "queue": "a task queue worker",
}

_THREAD = Api("threading.Thread", "thread", (1, "target"), (3, "args"), (4, "kwargs"))
_PROCESS = Api("multiprocessing.Process", "process", (1, "target"), (3, "args"), (4, "kwargs"))
_START_NEW = Api("_thread.start_new_thread", "thread", (0, "function"), (1, "args"), (2, "kwargs"))
DIRECT: Dict[str, Api] = {
    "threading.Thread": _THREAD,
    "threading.Timer": Api("threading.Timer", "thread", (1, "function"), (2, "args"), (3, "kwargs")),
    "_thread.start_new_thread": _START_NEW,
    "_thread.start_new": _START_NEW,
    "multiprocessing.Process": _PROCESS,
    "multiprocessing.context.Process": _PROCESS,
    "multiprocessing.process.BaseProcess": _PROCESS,
    "multiprocessing.get_context.Process": _PROCESS,
}
for _name in ("gevent.spawn", "gevent.spawn_raw", "gevent.Greenlet.spawn", "gevent.greenlet.Greenlet.spawn"):
    DIRECT[_name] = Api(_name, "green", (0, None), extra_from=1)
for _name in ("gevent.spawn_later", "gevent.Greenlet.spawn_later", "gevent.greenlet.Greenlet.spawn_later"):
    DIRECT[_name] = Api(_name, "green", (1, None), extra_from=2)
for _name in ("gevent.Greenlet", "gevent.greenlet.Greenlet"):
    DIRECT[_name] = Api(_name, "green", (0, "run"), extra_from=1, reserved=frozenset({"run"}))
for _name in ("eventlet.spawn", "eventlet.spawn_n", "eventlet.greenthread.spawn", "eventlet.greenthread.spawn_n"):
    DIRECT[_name] = Api(_name, "green", (0, None), extra_from=1)
for _name in ("eventlet.spawn_after", "eventlet.greenthread.spawn_after"):
    DIRECT[_name] = Api(_name, "green", (1, None), extra_from=2)

# Pools and executors: the class family, then its methods.
POOL_FAMILIES: Dict[str, str] = {
    "concurrent.futures.ThreadPoolExecutor": "futures-thread",
    "concurrent.futures.thread.ThreadPoolExecutor": "futures-thread",
    "concurrent.futures.ProcessPoolExecutor": "futures-process",
    "concurrent.futures.process.ProcessPoolExecutor": "futures-process",
    "multiprocessing.Pool": "mp-process",
    "multiprocessing.pool.Pool": "mp-process",
    "multiprocessing.context.Pool": "mp-process",
    "multiprocessing.get_context.Pool": "mp-process",
    "multiprocessing.pool.ThreadPool": "mp-thread",
    "multiprocessing.dummy.Pool": "mp-thread",
    "gevent.pool.Pool": "gevent",
    "gevent.pool.Group": "gevent",
    "eventlet.GreenPool": "eventlet",
    "eventlet.greenpool.GreenPool": "eventlet",
}


def _pool_methods(label: str, kind: str, family: str) -> Dict[str, Api]:
    if family.startswith("futures"):
        return {
            "submit": Api(f"{label}.submit", kind, (0, "fn"), extra_from=1),
            "map": Api(f"{label}.map", kind, (0, "fn"), is_map=True),
        }
    methods: Dict[str, Api] = {}
    if family.startswith("mp") or family == "gevent":
        for name in ("apply", "apply_async"):
            methods[name] = Api(f"{label}.{name}", kind, (0, "func"), (1, "args"), (2, "kwds"))
        for name in ("map", "map_async", "imap", "imap_unordered", "starmap", "starmap_async"):
            methods[name] = Api(f"{label}.{name}", kind, (0, "func"), is_map=True)
    if family == "gevent":
        methods["spawn"] = Api(f"{label}.spawn", kind, (0, None), extra_from=1)
    if family == "eventlet":
        for name in ("spawn", "spawn_n"):
            methods[name] = Api(f"{label}.{name}", kind, (0, None), extra_from=1)
        for name in ("imap", "starmap"):
            methods[name] = Api(f"{label}.{name}", kind, (0, None), is_map=True)
    return methods


POOL_METHODS: Dict[str, Dict[str, Api]] = {
    "futures-thread": _pool_methods("ThreadPoolExecutor", "executor", "futures-thread"),
    "futures-process": _pool_methods("ProcessPoolExecutor", "process", "futures-process"),
    "mp-process": _pool_methods("multiprocessing.Pool", "process", "mp-process"),
    "mp-thread": _pool_methods("ThreadPool", "executor", "mp-thread"),
    "gevent": _pool_methods("gevent.pool.Pool", "green", "gevent"),
    "eventlet": _pool_methods("eventlet.GreenPool", "green", "eventlet"),
}
RUN_IN_EXECUTOR = Api("loop.run_in_executor", "executor", (1, None), extra_from=2, reserved=frozenset({"*"}))
BACKGROUND_TASK = Api("start_background_task", "socketio", (0, "target"), extra_from=1)
