"""APScheduler's schedulers (not installed): a job runs in the scheduler's
thread pool with no Flask context.  ``add_job`` runs it at once (as if its
trigger fired), attributed to the ``add_job`` line; ``@scheduled_job``
functions are declared tasks, run once after the requests."""

from __future__ import annotations

from typing import Any, Callable

from task_queues import declare, send


class BackgroundScheduler:
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.jobs: list = []

    def add_job(self, func: Callable[..., Any], trigger: Any = None, args: Any = None, kwargs: Any = None, **options: Any) -> Any:
        future = send(func, tuple(args or ()), dict(kwargs or {}), lambda a, k: (tuple(a), dict(k)))
        self.jobs.append(future)
        return future

    def scheduled_job(
        self, trigger: Any = None, args: Any = None, kwargs: Any = None, **options: Any
    ) -> Callable[[Callable[..., Any]], Any]:
        def decorator(func: Callable[..., Any]) -> Any:
            declare(func, func)
            return func

        return decorator

    def start(self, *args: Any, **kwargs: Any) -> None:
        return None

    def shutdown(self, *args: Any, **kwargs: Any) -> None:
        return None


BlockingScheduler = AsyncIOScheduler = GeventScheduler = BackgroundScheduler

__all__ = ["BackgroundScheduler", "BlockingScheduler"]
