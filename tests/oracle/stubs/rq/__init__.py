"""RQ (not installed): ``Queue.enqueue`` pickles the call (a proxy gives
``PicklingError``, as RQ's pickle serializer does) and a worker runs it in
another thread with no Flask context; ``@job`` functions (rq.decorators) are
declared tasks, run once after the requests if nothing sends them."""

from __future__ import annotations

from typing import Any, Callable

from task_queues import AsyncResult, pickle_payload, send

__oracle_stub__ = True
_OPTIONS = {
    "timeout", "job_timeout", "result_ttl", "ttl", "failure_ttl", "description", "depends_on", "job_id",
    "at_front", "meta", "retry", "on_success", "on_failure", "on_stopped", "pipeline", "group_id", "repeat",
}


class Queue:
    def __init__(self, name: str = "default", *args: Any, **kwargs: Any) -> None:
        self.name = name

    def enqueue(self, f: Callable[..., Any], *args: Any, **kwargs: Any) -> AsyncResult:
        call_args = kwargs.pop("args", None) or args
        call_kwargs = kwargs.pop("kwargs", None) or {k: v for k, v in kwargs.items() if k not in _OPTIONS}
        return AsyncResult(send(f, call_args, call_kwargs, pickle_payload))

    def enqueue_call(self, func: Callable[..., Any], args: Any = None, kwargs: Any = None, **options: Any) -> AsyncResult:
        return self.enqueue(func, *(args or ()), **(kwargs or {}))


__all__ = ["Queue"]
