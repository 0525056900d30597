"""Flask-Caching (not installed): ``Cache.cached`` and ``Cache.memoize`` wrap
the view in ``decorated_function(*args, **kwargs)``, which returns
``self._call_fn(f, *args, **kwargs)`` (or that value cached by an earlier
request; flask-caching 2.x's ``__init__.py``, read from the package): the
URL values and the view's answer pass through.  The stub never caches."""

from __future__ import annotations

import functools
from typing import Any, Callable

__oracle_stub__ = True


class Cache:
    def __init__(self, app: Any = None, with_jinja2_ext: bool = True, config: Any = None) -> None:
        self.config = config

    def init_app(self, app: Any, config: Any = None) -> None:
        return None

    def _pass_through(self, *args: Any, **kwargs: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        def decorator(f: Callable[..., Any]) -> Callable[..., Any]:
            @functools.wraps(f)
            def decorated_function(*a: Any, **k: Any) -> Any:
                return f(*a, **k)

            return decorated_function

        return decorator

    cached = _pass_through
    memoize = _pass_through
