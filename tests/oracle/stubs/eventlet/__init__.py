"""eventlet (not installed): a green thread starts without the caller's
context (measured with eventlet 0.41.3 after monkey_patch(): RuntimeError
for request; OK with copy_current_request_context or copy_context().run).
Here each green thread is a thread with an empty context.
``monkey_patch`` records the patch instead of patching (see gevent/monkey.py)."""

from __future__ import annotations

import threading
import time
from typing import Any, Callable, Optional

import handover

__oracle_stub__ = True


class GreenThread:
    def __init__(self, func: Callable[..., Any], args: Any, kwargs: Any, delay: float = 0.0) -> None:
        self.func, self.args, self.kwargs, self.delay = func, args, kwargs, delay
        self.value: Any = None
        self.exception: Optional[BaseException] = None
        line = handover._caller()
        handover.note_hand_over(line, "green", func, args, kwargs)
        self.thread = threading.Thread(target=handover._escaping(self._body, line), daemon=True)
        self.thread._oracle_line = line  # type: ignore[attr-defined]
        self.thread._oracle_kind = "green"  # type: ignore[attr-defined]
        self.thread.start()

    def _body(self) -> None:
        if self.delay:
            time.sleep(self.delay)
        try:
            self.value = self.func(*self.args, **self.kwargs)
        except BaseException as exc:
            self.exception = exc
            raise

    def wait(self) -> Any:
        self.thread.join(2.0)
        if self.exception is not None:
            raise self.exception
        return self.value


def spawn(func: Callable[..., Any], *args: Any, **kwargs: Any) -> GreenThread:
    return GreenThread(func, args, kwargs)


def spawn_n(func: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    GreenThread(func, args, kwargs)


def spawn_after(seconds: float, func: Callable[..., Any], *args: Any, **kwargs: Any) -> GreenThread:
    return GreenThread(func, args, kwargs, delay=min(float(seconds), handover.SHORT_DELAY))


def sleep(seconds: float = 0) -> None:
    time.sleep(min(float(seconds), handover.SHORT_DELAY))


class GreenPool:
    def __init__(self, size: int = 1000) -> None:
        self.size = size

    def spawn(self, func: Callable[..., Any], *args: Any, **kwargs: Any) -> GreenThread:
        return GreenThread(func, args, kwargs)

    def spawn_n(self, func: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        GreenThread(func, args, kwargs)

    def imap(self, func: Callable[..., Any], *iterables: Any) -> Any:
        threads = [GreenThread(func, items, {}) for items in zip(*iterables)]
        return iter([t.wait() for t in threads])

    def waitall(self) -> None:
        return None


def monkey_patch(*args: Any, **kwargs: Any) -> None:
    import gevent.monkey

    gevent.monkey.record_patch("eventlet.monkey_patch()")


__all__ = ["GreenPool", "GreenThread", "monkey_patch", "sleep", "spawn", "spawn_after", "spawn_n"]
