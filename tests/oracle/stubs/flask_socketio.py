"""Flask-SocketIO (not installed): ``start_background_task`` in its default
threading mode starts a daemon ``threading.Thread(target=..., args=...,
kwargs=...)`` with nothing of the caller's context (engineio's threading
driver, checked against flask-socketio 5.x).  Event decorators hand the
function back; emitting does nothing."""

from __future__ import annotations

import threading
import time
from typing import Any, Callable

__oracle_stub__ = True


class SocketIO:
    def __init__(self, app: Any = None, **kwargs: Any) -> None:
        self.app = app

    def init_app(self, app: Any, **kwargs: Any) -> None:
        self.app = app

    def start_background_task(self, target: Callable[..., Any], *args: Any, **kwargs: Any) -> threading.Thread:
        thread = threading.Thread(target=target, args=args, kwargs=kwargs, daemon=True)
        thread.start()
        return thread

    def sleep(self, seconds: float = 0) -> None:
        time.sleep(min(float(seconds), 0.01))

    def on(self, *args: Any, **kwargs: Any) -> Callable[[Callable[..., Any]], Any]:
        return lambda func: func

    event = on

    def emit(self, *args: Any, **kwargs: Any) -> None:
        return None

    def run(self, *args: Any, **kwargs: Any) -> None:
        return None


def emit(*args: Any, **kwargs: Any) -> None:
    return None


__all__ = ["SocketIO", "emit"]
