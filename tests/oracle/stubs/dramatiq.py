"""Dramatiq (not installed): ``actor.send()`` encodes the message (JSON, the
default encoder) and a worker runs the actor in another thread with no Flask
context; actors nothing sends are run once after the requests."""

from __future__ import annotations

from typing import Any, Callable, Optional

from task_queues import AsyncResult, declare, json_payload, send

__oracle_stub__ = True


class Actor:
    def __init__(self, func: Callable[..., Any]) -> None:
        self.fn = func
        self.__wrapped__ = func
        self.__name__ = func.__name__
        declare(func, func)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.fn(*args, **kwargs)

    def send(self, *args: Any, **kwargs: Any) -> AsyncResult:
        return AsyncResult(send(self.fn, args, kwargs, json_payload))

    def send_with_options(self, *, args: Any = (), kwargs: Any = None, **options: Any) -> AsyncResult:
        return self.send(*(args or ()), **(kwargs or {}))


def actor(fn: Optional[Callable[..., Any]] = None, **options: Any) -> Any:
    if fn is not None:
        return Actor(fn)
    return lambda func: Actor(func)


def set_broker(*args: Any, **kwargs: Any) -> None:
    return None


__all__ = ["Actor", "actor", "set_broker"]
