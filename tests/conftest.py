from __future__ import annotations

import os

import pytest

# Tests build every index from scratch unless a test asks for the cache.
os.environ.setdefault("FLASK_LINT_NO_CACHE", "1")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-snapshots",
        action="store_true",
        help="rewrite tests/fixtures/snapshots/ from the current findings (review the diff)",
    )
