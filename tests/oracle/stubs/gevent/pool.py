"""gevent.pool (not installed): see gevent/__init__.py."""

from __future__ import annotations

from typing import Any, Callable, Iterable, List

from . import Greenlet


class Group:
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.greenlets: List[Greenlet] = []

    def spawn(self, run: Callable[..., Any], *args: Any, **kwargs: Any) -> Greenlet:
        greenlet = Greenlet(run, *args, **kwargs)
        greenlet.start()
        self.greenlets.append(greenlet)
        return greenlet

    def apply_async(self, func: Callable[..., Any], args: Any = (), kwds: Any = None, callback: Any = None) -> Greenlet:
        return self.spawn(func, *(args or ()), **(kwds or {}))

    def apply(self, func: Callable[..., Any], args: Any = (), kwds: Any = None) -> Any:
        return self.apply_async(func, args, kwds).get()

    def map(self, func: Callable[..., Any], iterable: Iterable[Any]) -> List[Any]:
        started = [self.spawn(func, item) for item in iterable]
        return [g.get() for g in started]

    imap = imap_unordered = map

    def join(self, timeout: Any = None, raise_error: bool = False) -> None:
        for greenlet in self.greenlets:
            greenlet.join(timeout)


Pool = Group
