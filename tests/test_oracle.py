"""The runtime oracle: every fixture executed under the real Flask.

For each fixture (a single file or a project), ``tests/oracle/run.py`` runs
the code, sends requests to every route, and reports on which lines each
rule's effect really happened.  A line marked ``# expect: FLKnnn`` must show
that rule's effect; an unmarked line must not.  A marked line whose effect no
request can show is waived with ``# oracle: unobservable <why>`` on it.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Dict, List, Set, Tuple

import pytest
from harness import FIXTURES, PROJECTS, Case, discover

from flask_lint.families import all_rules
from flask_lint.registry import NOT_ANALYSED

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "oracle"))

from claims import CLAIMS, STRUCTURAL  # noqa: E402

CASES = discover()
JOBS = max(1, min(4, os.cpu_count() or 1))
_REPORTS: Dict[str, Dict[str, Any]] = {}


def _command(case: Case) -> Tuple[list, str]:
    runner = os.path.join(HERE, "oracle", "run.py")
    if case.name.startswith("projects/"):
        return [sys.executable, runner, "--project", case.source], case.source
    return [sys.executable, runner, case.source], os.path.dirname(case.source)


def _run(case: Case) -> Dict[str, Any]:
    command, cwd = _command(case)
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    proc = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=600, env=env)
    if proc.returncode != 0 or not proc.stdout.strip():
        return {"crashed": proc.stderr[-3000:]}
    return json.loads(proc.stdout)  # type: ignore[no-any-return]


@pytest.fixture(scope="session")
def reports(request: pytest.FixtureRequest) -> Dict[str, Dict[str, Any]]:
    """One oracle run per selected fixture, JOBS at a time."""
    wanted = {getattr(getattr(item, "callspec", None), "params", {}).get("name") for item in request.session.items}
    cases = [c for c in CASES if c.name in wanted]
    with ThreadPoolExecutor(JOBS) as pool:
        for case, report in zip(cases, pool.map(_run, cases)):
            _REPORTS[case.name] = report
    return _REPORTS


def expected_lines(case: Case, code: str) -> Dict[str, Set[int]]:
    """Marked lines per file (relative to the case) for one rule."""
    single = not os.path.isdir(case.source)
    case.root = os.path.dirname(case.source) if single else case.source
    out: Dict[str, Set[int]] = {}
    for rel, line, found in case.expected():
        if found == code and (not single or rel == os.path.basename(case.source)):
            out.setdefault(rel, set()).add(line)
    return out


def single_file_cases() -> list:
    return [c for c in CASES if not c.name.startswith("projects/")]


def check_case(case: Case, report: Dict[str, Any], codes: List[str]) -> List[str]:
    """Disagreements between the marks of a case and what Flask showed."""
    assert "crashed" not in report, report.get("crashed")
    problems = []
    waived = report["waived"]
    for code in codes:
        expected = {f"{rel}:{line}" for rel, lines in expected_lines(case, code).items() for line in lines}
        observed = report["observed"][code]
        for where in sorted(expected - set(observed) - set(waived)):
            problems.append(f"{where}: marked {code} but Flask never showed the effect")
        for where in sorted(set(observed) - expected):
            problems.append(f"{where}: not marked, yet Flask showed {code}'s effect: {observed[where]}")
    for where, why in sorted(waived.items()):
        if not why:
            problems.append(f"{where}: a waiver needs a reason")
    for view in report["unreached_views"]:
        problems.append(f"{view}: no request reached this view, so none of its cases was checked")
    return problems


@pytest.mark.parametrize("name", [c.name for c in single_file_cases()])
def test_fixture_claims_hold_under_flask(name: str, reports: Dict[str, Dict[str, Any]]) -> None:
    """The rule's own fixture: Flask shows the effect on exactly the marked lines."""
    case = next(c for c in CASES if c.name == name)
    if name in STRUCTURAL:
        pytest.skip(f"{name} is about structure ({STRUCTURAL[name]}): nothing to observe at run time")
    if name not in CLAIMS:
        pytest.fail(f"{name} has no claim in tests/oracle/claims.py")
    problems = check_case(case, reports[name], [name])
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", [c.name for c in CASES if c.name.startswith("projects/")])
def test_project_claims_hold_under_flask(name: str, reports: Dict[str, Dict[str, Any]]) -> None:
    """A fixture project: every claimed rule, on every file."""
    case = next(c for c in CASES if c.name == name)
    problems = check_case(case, reports[name], sorted(CLAIMS))
    assert not problems, "\n".join(problems)


def test_every_rule_is_claimed_or_structural() -> None:
    # FLK001 (a file not analysed) is about flask-lint, not about the program:
    # tests/test_not_analysed.py checks it.
    codes = {r.code for r in all_rules()} - {NOT_ANALYSED.code}
    missing = sorted(codes - set(CLAIMS) - set(STRUCTURAL))
    assert not missing, f"rules without a runtime claim: {missing}"
    for code, _why in STRUCTURAL.items():
        page = open(os.path.join(HERE, "..", "docs", "rules", f"{code}.md"), encoding="utf-8").read()
        assert "run time" in page.lower() and "structure" in page.lower(), f"{code}'s page must say its claim is structural"


assert os.path.isdir(FIXTURES) and os.path.isdir(PROJECTS)


def _declared_distributions() -> Set[str]:
    """The test extras of pyproject.toml and everything they require: what a
    fresh ``make test`` installs."""
    from importlib import metadata

    def canonical(name: str) -> str:
        return name.lower().replace("_", "-").replace(".", "-")

    def requirement_name(spec: str) -> str:
        match = re.match(r"[A-Za-z0-9._-]+", spec.strip())  # the name before any version, extra or marker
        return canonical(match.group(0) if match else spec)

    pending = [requirement_name(spec) for spec in metadata.requires("flake8-flask-lint") or []]
    seen: Set[str] = set()
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            pending.extend(requirement_name(spec) for spec in metadata.requires(name) or [])
        except metadata.PackageNotFoundError:
            continue
    return seen


def test_fixtures_import_only_declared_packages() -> None:
    """A package the oracle finds installed here but a fresh ``make test``
    does not install turns into a do-nothing stub on CI, and Flask's verdict
    changes (webargs' ``use_kwargs`` passing no arguments, say)."""
    import ast
    from importlib import metadata

    declared = _declared_distributions()
    providers = metadata.packages_distributions()
    undeclared: Set[str] = set()
    for case in CASES:
        paths = [case.source] if case.source.endswith(".py") else [
            os.path.join(folder, name) for folder, _, names in os.walk(case.source) for name in names if name.endswith(".py")
        ]
        for path in paths:
            with open(path, encoding="utf-8") as handle:
                tree = ast.parse(handle.read())
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    tops = [alias.name.partition(".")[0] for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    tops = [node.module.partition(".")[0]]
                else:
                    continue
                for top in tops:
                    dists = {d.lower().replace("_", "-") for d in providers.get(top, ())}
                    if dists and not dists & declared:
                        undeclared.add(f"{top} ({', '.join(sorted(dists))}) in {os.path.relpath(path, HERE)}")
    assert not undeclared, "installed here but not in the test extras:\n" + "\n".join(sorted(undeclared))
