"""Celery (not installed): tasks declared with ``@app.task``/``@shared_task``
run the way a Celery worker runs them.  ``delay``/``apply_async`` serialize
the arguments with the default JSON serializer (``serializer="pickle"`` with
pickle), as kombu does (a proxy gives ``EncodeError: Object of type Request
is not JSON serializable``, checked against celery 5.7), then a worker calls
the task object (``Task.__call__``, overridable by a ``base=``/``task_cls``
class, as the Flask pattern does) with no Flask context.  A declared task
that nothing sends is run once after the requests."""

from __future__ import annotations

from typing import Any, Callable, Dict, Optional

from task_queues import AsyncResult, EncodeError, declare, json_payload, pickle_payload, send

__oracle_stub__ = True


class _Request:
    id = "oracle-task"
    retries = 0
    args: tuple = ()
    kwargs: Dict[str, Any] = {}


class Task:
    name = ""
    serializer = "json"
    max_retries = 3
    request = _Request()

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.run(*args, **kwargs)

    def run(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError

    def delay(self, *args: Any, **kwargs: Any) -> AsyncResult:
        return self.apply_async(args, kwargs)

    def apply_async(self, args: Any = None, kwargs: Any = None, serializer: Optional[str] = None, **_options: Any) -> AsyncResult:
        encode = pickle_payload if (serializer or self.serializer) == "pickle" else json_payload
        return AsyncResult(send(self, args, kwargs, encode))

    def retry(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("retry")

    def s(self, *args: Any, **kwargs: Any) -> Any:
        return self

    si = signature = s


class Celery:
    def __init__(self, main: Optional[str] = None, *args: Any, task_cls: Any = None, **kwargs: Any) -> None:
        self.main = main
        self.Task = task_cls if isinstance(task_cls, type) else Task
        self.conf: Dict[str, Any] = {}

    def task(self, *args: Any, **options: Any) -> Any:
        if len(args) == 1 and callable(args[0]) and not options:
            return _make_task(args[0], self.Task, {})

        def decorator(func: Callable[..., Any]) -> Any:
            return _make_task(func, self.Task, options)

        return decorator

    periodic_task = task

    def config_from_object(self, *args: Any, **kwargs: Any) -> None:
        return None

    def autodiscover_tasks(self, *args: Any, **kwargs: Any) -> None:
        return None

    def set_default(self) -> None:
        return None

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return lambda *args, **kwargs: None


def _make_task(func: Callable[..., Any], default_base: type, options: Dict[str, Any]) -> Any:
    options = dict(options)
    base = options.pop("base", None) or default_base
    bind = options.pop("bind", False)
    run = func if bind else staticmethod(func)
    attrs: Dict[str, Any] = {"run": run, "name": func.__name__, "__wrapped__": func, "__doc__": func.__doc__}
    attrs.update(options)  # task options become class attributes, as Celery does
    task = type(func.__name__, (base,), attrs)()
    declare(task, func, skip=1 if bind else 0)
    return task


def shared_task(*args: Any, **options: Any) -> Any:
    return Celery().task(*args, **options)


__all__ = ["AsyncResult", "Celery", "EncodeError", "Task", "shared_task"]
