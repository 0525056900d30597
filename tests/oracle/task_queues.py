"""Shared by the task-queue stubs (stubs/celery.py, rq, huey, dramatiq, apscheduler):
how a worker runs a task body, and how arguments travel to it.

A real worker runs the task in another process (or thread) that received
only the serialized arguments, with no Flask context: ``handover.start_worker``
runs it in a thread with an empty context, attributed to the task's def line
(a declared task) or to the line that queued a plain function.
"""

from __future__ import annotations

import datetime
import decimal
import json
import pickle
import uuid
from concurrent.futures import Future
from typing import Any, Callable, Dict, Optional, Tuple

import handover


class EncodeError(Exception):
    """kombu.exceptions.EncodeError: a task argument the serializer refuses."""


def json_payload(args: Any, kwargs: Any) -> Tuple[Tuple[Any, ...], Dict[str, Any]]:
    """Celery's default serializer (kombu's JSON: dates, UUIDs, decimals too)."""

    def default(obj: Any) -> Any:
        if isinstance(obj, (datetime.date, datetime.time, uuid.UUID, decimal.Decimal)):
            return str(obj)
        raise TypeError(f"Object of type {obj.__class__.__name__} is not JSON serializable")

    try:
        text = json.dumps([list(args or ()), dict(kwargs or {})], default=default)
    except (TypeError, ValueError) as exc:
        raise EncodeError(str(exc)) from exc
    loaded = json.loads(text)
    return tuple(loaded[0]), dict(loaded[1])


def pickle_payload(args: Any, kwargs: Any) -> Tuple[Tuple[Any, ...], Dict[str, Any]]:
    """RQ's (and Huey's, Dramatiq's pickle encoder) serializer."""
    loaded = pickle.loads(pickle.dumps((tuple(args or ()), dict(kwargs or {}))))
    return loaded[0], loaded[1]


_declared: Dict[int, Optional[handover.Line]] = {}


def declare(func: Callable[..., Any], body: Callable[..., Any], skip: int = 0) -> None:
    """``func`` (what the worker calls) is a declared task whose body is ``body``."""
    line = handover.def_line(body)
    _declared[id(func)] = line
    handover.register_task(func, line, lambda: handover.placeholder_arguments(body, skip))


def send(
    func: Callable[..., Any], args: Any, kwargs: Any, encode: Callable[[Any, Any], Tuple[Tuple[Any, ...], Dict[str, Any]]]
) -> Future[Any]:
    """Queue ``func``: the arguments are serialized as the framework does (a
    proxy fails here, at the line that sends it), then a worker runs it now,
    in its own thread."""
    call_line = handover._caller()
    handover.note_hand_over(call_line, "queue", func, args, kwargs)
    payload_args, payload_kwargs = encode(args, kwargs)
    line = _declared.get(id(func)) or call_line
    result: Future[Any] = Future()
    handover.start_worker(func, payload_args, payload_kwargs, line, result, note=call_line is None or line != call_line)
    return result


class AsyncResult:
    def __init__(self, future: Future[Any]) -> None:
        self._future = future
        self.id = str(uuid.uuid4())

    def get(self, timeout: Optional[float] = None, **_kwargs: Any) -> Any:
        return self._future.result(timeout)

    def ready(self) -> bool:
        return self._future.done()

    @property
    def result(self) -> Any:
        return self._future.result() if self._future.done() and self._future.exception() is None else None
