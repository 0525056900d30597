"""Every fixture through every frontend: exactly the marked (line, code) set,
the same column and message in every frontend, and the snapshot's text."""

from __future__ import annotations

import os
from typing import Dict

import pytest
from harness import (
    FRONTENDS,
    Case,
    Reported,
    describe,
    discover,
    lines_of,
    materialise,
    render_snapshot,
    run_batched,
    snapshot_path,
)

CASES = discover()


@pytest.fixture(scope="session")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Dict[str, Case]:
    root = str(tmp_path_factory.mktemp("fixtures"))
    return {case.name: materialise(case, root) for case in CASES}


_RESULTS: Dict[str, Dict[str, Reported]] = {}


def _reported(sandbox: Dict[str, Case], frontend: str, name: str) -> Reported:
    if frontend not in _RESULTS:
        _RESULTS[frontend] = run_batched(frontend, list(sandbox.values()))
    return _RESULTS[frontend][name]


@pytest.mark.parametrize("frontend", sorted(FRONTENDS))
@pytest.mark.parametrize("name", [case.name for case in CASES])
def test_fixture(sandbox: Dict[str, Case], name: str, frontend: str) -> None:
    case = sandbox[name]
    expected = case.expected()
    reported = _reported(sandbox, frontend, name)
    actual = lines_of(reported)
    assert actual == expected, describe(expected, actual)
    if frontend != "cli":
        # The text a user reads does not depend on the frontend they run.
        cli = _reported(sandbox, "cli", name)
        assert render_snapshot(reported) == render_snapshot(cli)


@pytest.mark.parametrize("name", [case.name for case in CASES])
def test_snapshot(sandbox: Dict[str, Case], name: str, request: pytest.FixtureRequest) -> None:
    """Columns and messages, pinned: a garbled message or a moved column fails
    here, and `pytest --update-snapshots` rewrites the file for review."""
    case = sandbox[name]
    text = render_snapshot(_reported(sandbox, "cli", name))
    path = snapshot_path(case)
    if request.config.getoption("--update-snapshots"):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
    assert os.path.exists(path), f"no snapshot for {name}: run pytest --update-snapshots and review the file"
    with open(path, encoding="utf-8") as handle:
        assert text == handle.read(), f"{name}: the findings differ from {os.path.relpath(path)}"


@pytest.mark.parametrize("name", [case.name for case in CASES if case.name.startswith("projects/")])
def test_single_file_gives_project_answers(sandbox: Dict[str, Case], name: str) -> None:
    """Linting one file alone must give the answers the whole-project run gives."""
    case = sandbox[name]
    whole = _reported(sandbox, "cli", name)
    for rel in case.files():
        mine = {finding for finding in whole if finding[0] == rel}
        for frontend in ("cli", "flake8"):
            actual = FRONTENDS[frontend](case, [rel])
            assert lines_of(actual) == lines_of(mine), f"{frontend} on {rel} alone:\n" + describe(
                lines_of(mine), lines_of(actual)
            )
            assert render_snapshot(actual) == render_snapshot(mine), f"{frontend} on {rel} alone: other text"


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
