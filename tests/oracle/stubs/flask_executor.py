"""Flask-Executor (not installed): ``Executor.submit`` wraps the callable
with ``copy_current_request_context`` and pushes an app context around it,
then submits it to a ThreadPoolExecutor (flask-executor 1.0's
``_prepare_fn``, read from the package): the context travels with it."""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Callable

from flask import copy_current_request_context, has_request_context

__oracle_stub__ = True


class Executor:
    def __init__(self, app: Any = None, name: str = "", **kwargs: Any) -> None:
        self._pool = ThreadPoolExecutor(max_workers=4)

    def init_app(self, app: Any) -> None:
        return None

    def submit(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Future[Any]:
        if has_request_context():
            fn = copy_current_request_context(fn)
        return self._pool.submit(fn, *args, **kwargs)

    def map(self, fn: Callable[..., Any], *iterables: Any, **kwargs: Any) -> Any:
        if has_request_context():
            fn = copy_current_request_context(fn)
        return self._pool.map(fn, *iterables, **kwargs)


__all__ = ["Executor"]
