"""gevent (not installed): a greenlet runs its function with a context of
its own, so Flask's context locals are unbound in it (measured with gevent
26.9: RuntimeError, with or without monkey patching).  Here each greenlet is
a thread started with an empty context, which is what Flask sees; the oracle
waits for it after the request (``joinall``).  ``gevent.monkey`` records the
patch instead of patching (see gevent/monkey.py)."""

from __future__ import annotations

import threading
import time
from typing import Any, Callable, Iterable, List, Optional

import handover

__oracle_stub__ = True


class Greenlet:
    def __init__(self, run: Optional[Callable[..., Any]] = None, *args: Any, **kwargs: Any) -> None:
        self._run_func = run
        self.args, self.kwargs = args, kwargs
        self.value: Any = None
        self.exception: Optional[BaseException] = None
        self._thread: Optional[threading.Thread] = None
        self._delay = 0.0

    def _body(self) -> None:
        if self._delay:
            time.sleep(self._delay)
        try:
            self.value = self._run_func(*self.args, **self.kwargs) if self._run_func else self._run()
        except BaseException as exc:
            self.exception = exc
            raise

    def _run(self) -> Any:
        return None

    def start(self) -> None:
        line = handover._caller()
        handover.note_hand_over(line, "green", self._run_func, self.args, self.kwargs)
        thread = threading.Thread(target=handover._escaping(self._body, line), daemon=True)
        thread._oracle_line = line  # type: ignore[attr-defined]
        thread._oracle_kind = "green"  # type: ignore[attr-defined]
        self._thread = thread
        thread.start()

    def start_later(self, seconds: float) -> None:
        self._delay = min(float(seconds), handover.SHORT_DELAY)
        self.start()

    def join(self, timeout: Optional[float] = None) -> None:
        if self._thread is not None:
            self._thread.join(timeout)

    def get(self, block: bool = True, timeout: Optional[float] = None) -> Any:
        self.join(timeout)
        if self.exception is not None:
            raise self.exception
        return self.value

    def ready(self) -> bool:
        return self._thread is not None and not self._thread.is_alive()

    def kill(self, *args: Any, **kwargs: Any) -> None:
        return None

    @classmethod
    def spawn(cls, run: Callable[..., Any], *args: Any, **kwargs: Any) -> Greenlet:
        greenlet = cls(run, *args, **kwargs)
        greenlet.start()
        return greenlet

    @classmethod
    def spawn_later(cls, seconds: float, run: Callable[..., Any], *args: Any, **kwargs: Any) -> Greenlet:
        greenlet = cls(run, *args, **kwargs)
        greenlet.start_later(seconds)
        return greenlet


def spawn(run: Callable[..., Any], *args: Any, **kwargs: Any) -> Greenlet:
    return Greenlet.spawn(run, *args, **kwargs)


def spawn_later(seconds: float, run: Callable[..., Any], *args: Any, **kwargs: Any) -> Greenlet:
    return Greenlet.spawn_later(seconds, run, *args, **kwargs)


def spawn_raw(run: Callable[..., Any], *args: Any, **kwargs: Any) -> Greenlet:
    return Greenlet.spawn(run, *args, **kwargs)


def joinall(greenlets: Iterable[Any], timeout: Optional[float] = None, raise_error: bool = False) -> List[Any]:
    deadline = None if timeout is None else time.monotonic() + timeout
    done = []
    for greenlet in greenlets:
        if isinstance(greenlet, Greenlet):
            greenlet.join(None if deadline is None else max(0.0, deadline - time.monotonic()))
            done.append(greenlet)
    return done


def sleep(seconds: float = 0) -> None:
    time.sleep(min(float(seconds), handover.SHORT_DELAY))


def getcurrent() -> Any:
    return threading.current_thread()


__all__ = ["Greenlet", "getcurrent", "joinall", "sleep", "spawn", "spawn_later", "spawn_raw"]
