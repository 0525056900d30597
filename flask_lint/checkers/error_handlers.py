"""FLK2xx: error handlers."""

from __future__ import annotations

from ..engine import FileContext


def check(ctx: FileContext) -> None:
    """The FLK2xx rules arrive with their issue."""
