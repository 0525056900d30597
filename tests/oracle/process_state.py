"""What requests leave behind in the process (FLK407): every change a fixture
line makes, during a request, to the module-level state of the fixture's
modules (their globals and the containers they hold) and to each app's
``config``.

A trace hook (wrapped around the recorder's, see :func:`attach`) takes a
snapshot of that state at every line and return event of a fixture frame in
the request's own thread, and charges the difference since the previous
event to the line that ran in between: one :class:`Write` per variable that
changed.  Nothing about the fixture's behaviour changes.

Claims read :data:`WRITES`: whether two requests served by the same function
left a variable in different states is what "the state diverges between
worker processes" means for one process (each worker keeps what the requests
it happened to serve made of it).
"""

from __future__ import annotations

import collections
import sys
import threading
import types
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional, Set, Tuple

Line = Tuple[str, int]

_SCALARS = (int, float, complex, str, bytes, bool, type(None))
_DEPTH = 4


@dataclass
class Write:
    probe: int
    var: str  # "module:NAME" or "app<n>.config"
    line: Line
    func: Line  # (file, def line) of the function the line belongs to
    before: Any  # normalised values (see _norm)
    after: Any


WRITES: List[Write] = []
_files: Set[str] = set()
_apps: List[Any] = []
_modules: List[Tuple[str, types.ModuleType]] = []
_local = threading.local()


def _norm(value: Any, depth: int = 0) -> Any:
    """A hashable, comparable picture of a value: contents of plain
    containers, identity of everything else (never an attribute lookup or
    isinstance() on the value: a module-level ``request`` is a proxy)."""
    kind = type(value)
    if kind in _SCALARS:
        return value
    if depth >= _DEPTH:
        return ("obj", kind.__qualname__, id(value))
    try:
        if issubclass(kind, dict):
            return ("dict", tuple((_norm(k, depth + 1), _norm(v, depth + 1)) for k, v in list(dict.items(value))))
        if issubclass(kind, (list, tuple, collections.deque)):
            return ("list", tuple(_norm(v, depth + 1) for v in list(value)))
        if issubclass(kind, (set, frozenset)):
            return ("set", frozenset(_norm(v, depth + 1) for v in list(value)))
        if kind is bytearray:
            return ("bytes", bytes(value))
    except RuntimeError:  # changed by another thread while being read
        return ("obj", kind.__qualname__, id(value))
    return ("obj", kind.__qualname__, id(value))


def _fixture_modules() -> List[Tuple[str, types.ModuleType]]:
    if not _modules:
        for name, module in list(sys.modules.items()):
            if isinstance(module, types.ModuleType) and getattr(module, "__file__", None) in _files:
                _modules.append((name, module))
    return _modules


def snapshot() -> Dict[str, Any]:
    out: Dict[str, Any] = {}
    for name, module in _fixture_modules():
        for attr, value in list(vars(module).items()):
            if attr.startswith("__") or isinstance(value, (types.ModuleType, types.FunctionType, type)):
                continue
            out[f"{name}:{attr}"] = _norm(value)
    for number, app in enumerate(_apps):
        out[f"app{number}.config"] = _norm(dict(app.config))
    return out


class _Thread:
    def __init__(self, probe: int) -> None:
        self.probe = probe
        self.state = snapshot()
        self.line: Optional[Line] = None
        self.func: Optional[Line] = None


def _charge(recorder: Any, probe: int) -> Optional[_Thread]:
    """Compare the state with the thread's previous snapshot and charge the
    changes to the line that ran since."""
    current: Optional[_Thread] = getattr(_local, "state", None)
    if current is None or current.probe != probe:
        current = _local.state = _Thread(probe)
        return current
    now = snapshot()
    if now != current.state and current.line is not None and current.func is not None:
        for var, after in now.items():
            before = current.state.get(var)
            if before != after:
                WRITES.append(Write(probe, var, current.line, current.func, before, after))
    current.state = now
    return current


def attach(recorder: Any, apps: List[Any]) -> None:
    """Wrap the recorder's local trace function (per instance: the recorder
    hands ``self.local_trace`` to every fixture frame)."""
    global _apps
    _files.update(recorder.files)
    _apps = apps  # the sandbox's own list: apps created later show up
    inner: Callable[..., Any] = recorder.local_trace

    def local_trace(frame: types.FrameType, event: str, arg: Any) -> Any:
        probe = recorder.probe
        if probe >= 0 and event in ("line", "return") and recorder._context()[0] == "main":
            try:
                current = _charge(recorder, probe)
            except Exception:
                current = None
            if current is not None:
                if event == "line":
                    current.line = (frame.f_code.co_filename, frame.f_lineno)
                    current.func = recorder.func_key(frame.f_code)
                else:
                    back = frame.f_back
                    if back is not None and back.f_code.co_filename in _files:
                        current.line = (back.f_code.co_filename, back.f_lineno)
                        current.func = recorder.func_key(back.f_code)
                    else:
                        current.line = current.func = None
        inner(frame, event, arg)
        return local_trace

    recorder.local_trace = local_trace
