"""Every rule's claim, family by family (one module each, listed here)."""

from __future__ import annotations

from typing import Dict, Iterable

from runtime import Run

from . import context, errors, responses, routing
from .base import Claim, Observed

FAMILIES = [responses, errors, routing, context]

CLAIMS: Dict[str, Claim] = {}
for _family in FAMILIES:
    CLAIMS.update(_family.CLAIMS)

# Rules whose claim is about structure, not behaviour: their doc page says so.
STRUCTURAL = {"FLK301": "routes piled on the app object", "FLK302": "routes on an imported app"}


def observed_lines(run: Run, codes: Iterable[str]) -> Dict[str, Observed]:
    return {code: CLAIMS[code](run) for code in codes if code in CLAIMS}


__all__ = ["CLAIMS", "STRUCTURAL", "observed_lines"]
