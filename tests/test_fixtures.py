"""Every fixture through every frontend: exactly the marked (line, code) set."""

from __future__ import annotations

import os
from typing import Dict

import pytest
from harness import FRONTENDS, Case, Expected, describe, discover, materialise, run_batched

CASES = discover()


@pytest.fixture(scope="session")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Dict[str, Case]:
    root = str(tmp_path_factory.mktemp("fixtures"))
    return {case.name: materialise(case, root) for case in CASES}


_RESULTS: Dict[str, Dict[str, Expected]] = {}


@pytest.mark.parametrize("frontend", sorted(FRONTENDS))
@pytest.mark.parametrize("name", [case.name for case in CASES])
def test_fixture(sandbox: Dict[str, Case], name: str, frontend: str) -> None:
    if frontend not in _RESULTS:
        _RESULTS[frontend] = run_batched(frontend, list(sandbox.values()))
    case = sandbox[name]
    expected = case.expected()
    actual = _RESULTS[frontend][name]
    assert actual == expected, describe(expected, actual)


@pytest.mark.parametrize("name", [case.name for case in CASES if case.name.startswith("projects/")])
def test_single_file_gives_project_answers(sandbox: Dict[str, Case], name: str) -> None:
    """Linting one file alone must give the answers the whole-project run gives."""
    case = sandbox[name]
    expected = case.expected()
    for rel in case.files():
        mine = {e for e in expected if e[0] == rel}
        for frontend in ("cli", "flake8"):
            actual = FRONTENDS[frontend](case, [rel])
            assert actual == mine, f"{frontend} on {rel} alone:\n" + describe(mine, actual)


def test_every_fixture_has_flagged_and_silent_code() -> None:
    for case in CASES:
        if case.name.startswith("projects/"):
            continue
        text = open(case.source, encoding="utf-8").read()
        assert "# expect:" in text, f"{case.name} flags nothing"
        lines = [line for line in text.splitlines() if line.strip() and not line.strip().startswith("#")]
        silent = [line for line in lines if "# expect:" not in line]
        assert len(silent) > len(lines) - len(silent), f"{case.name} has too little correct code"
        assert os.path.basename(case.source).startswith("FLK")
