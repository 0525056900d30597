"""Rule families, one module each.  Every module declares its rules with
:func:`flask_lint.registry.rule` and exposes ``check(ctx)``."""

from __future__ import annotations

from typing import Callable, List

from . import context_locals, error_handlers, responses, routing

CHECKERS: List[Callable[..., None]] = [
    responses.check,
    error_handlers.check,
    routing.check,
    context_locals.check,
]
