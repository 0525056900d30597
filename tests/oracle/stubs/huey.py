"""Huey (not installed): calling a ``@huey.task()`` function enqueues it
(pickled arguments) and a consumer runs it in another thread with no Flask
context; declared tasks nothing calls are run once after the requests."""

from __future__ import annotations

from typing import Any, Callable

from task_queues import AsyncResult, declare, pickle_payload, send

__oracle_stub__ = True


class _TaskWrapper:
    def __init__(self, func: Callable[..., Any]) -> None:
        self.func = func
        self.__wrapped__ = func
        self.__name__ = func.__name__

    def __call__(self, *args: Any, **kwargs: Any) -> AsyncResult:
        return AsyncResult(send(self.func, args, kwargs, pickle_payload))

    def call_local(self, *args: Any, **kwargs: Any) -> Any:
        return self.func(*args, **kwargs)


class Huey:
    def __init__(self, name: str = "huey", *args: Any, **kwargs: Any) -> None:
        self.name = name

    def task(self, *args: Any, **kwargs: Any) -> Callable[[Callable[..., Any]], Any]:
        def decorator(func: Callable[..., Any]) -> Any:
            wrapper = _TaskWrapper(func)
            declare(func, func)
            return wrapper

        return decorator

    periodic_task = db_task = db_periodic_task = task


RedisHuey = SqliteHuey = MemoryHuey = PriorityRedisHuey = Huey

__all__ = ["Huey", "MemoryHuey", "RedisHuey", "SqliteHuey"]
