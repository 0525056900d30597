"""Claims of the context locals and concurrency (FLK4xx) family."""

from __future__ import annotations

from typing import Dict

from .base import Claim, registrar

CLAIMS: Dict[str, Claim] = {}
claim = registrar(CLAIMS)
