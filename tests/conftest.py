from __future__ import annotations

import os

# Tests build every index from scratch unless a test asks for the cache.
os.environ.setdefault("FLASK_LINT_NO_CACHE", "1")
