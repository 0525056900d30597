"""Claims of the routing and blueprints (FLK3xx) family."""

from __future__ import annotations

from typing import Dict

from .base import Claim, registrar

CLAIMS: Dict[str, Claim] = {}
claim = registrar(CLAIMS)
