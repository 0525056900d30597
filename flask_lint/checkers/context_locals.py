"""FLK4xx: context locals and concurrency."""

from __future__ import annotations

from ..engine import FileContext


def check(ctx: FileContext) -> None:
    """The FLK4xx rules arrive with their issue."""
