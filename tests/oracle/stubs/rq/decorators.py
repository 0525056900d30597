"""rq.decorators.job (not installed): see rq/__init__.py."""

from __future__ import annotations

import functools
from typing import Any, Callable

from task_queues import AsyncResult, declare, pickle_payload, send


def job(queue: Any = "default", *args: Any, **kwargs: Any) -> Callable[[Callable[..., Any]], Any]:
    def decorator(func: Callable[..., Any]) -> Any:
        def delay(*a: Any, **k: Any) -> AsyncResult:
            return AsyncResult(send(func, a, k, pickle_payload))

        func.delay = delay  # type: ignore[attr-defined]
        declare(func, func)
        return func

    return decorator


__all__ = ["job", "functools"]
