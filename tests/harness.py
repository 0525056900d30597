"""Runs fixtures through the three frontends and reads their expectations.

A fixture marks each expected diagnostic on its line with ``# expect: FLK101``
(several codes: ``# expect: FLK101, FLK104``).  Every other line must stay
silent.  A line ``# options: max-app-routes=3`` at the top sets analysis
options for every frontend.

The marks pin the lines; the column and the message of every finding are
pinned by the fixture's snapshot (``tests/fixtures/snapshots/``), which
``pytest --update-snapshots`` rewrites for review in the diff.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from typing import Dict, List, Set, Tuple

from flask_lint.families import all_rules

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "fixtures")
PROJECTS = os.path.join(FIXTURES, "projects")
EXPECT_RE = re.compile(r"#\s*expect:\s*(FLK\d{3}(?:\s*,\s*FLK\d{3})*)")
OPTIONS_RE = re.compile(r"^#\s*options:\s*(.+)$", re.MULTILINE)
SNAPSHOTS = os.path.join(FIXTURES, "snapshots")
OUTPUT_RE = re.compile(
    r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+):? (?P<code>FLK\d{3}|[a-z][a-z0-9-]+)\b ?(?P<message>.*)$"
)

Expected = Set[Tuple[str, int, str]]  # (relative path, line, code)
# (relative path, line, 1-based column, code, message): what a user reads
Reported = Set[Tuple[str, int, int, str, str]]


def lines_of(reported: Reported) -> Expected:
    return {(path, line, code) for path, line, _col, code, _message in reported}


@dataclass
class Case:
    """One fixture: a single file or a project folder, copied to a sandbox."""

    name: str
    source: str  # file or folder in tests/fixtures
    root: str = ""  # the sandbox copy
    options: Dict[str, str] = field(default_factory=dict)

    def files(self) -> List[str]:
        out = []
        for folder, _dirs, files in os.walk(self.root):
            for name in sorted(files):
                if name.endswith(".py"):
                    out.append(os.path.relpath(os.path.join(folder, name), self.root))
        return sorted(out)

    def expected(self) -> Expected:
        found: Expected = set()
        for rel in self.files():
            with open(os.path.join(self.root, rel), encoding="utf-8") as handle:
                for number, line in enumerate(handle, 1):
                    match = EXPECT_RE.search(line)
                    if match:
                        for code in re.split(r"\s*,\s*", match.group(1)):
                            found.add((rel, number, code))
        return found


def discover() -> List[Case]:
    cases = []
    for name in sorted(os.listdir(FIXTURES)):
        if name.endswith(".py"):
            cases.append(Case(name[:-3], os.path.join(FIXTURES, name)))
    if os.path.isdir(PROJECTS):
        for name in sorted(os.listdir(PROJECTS)):
            if os.path.isdir(os.path.join(PROJECTS, name)):
                cases.append(Case(f"projects/{name}", os.path.join(PROJECTS, name)))
    return cases


def materialise(case: Case, sandbox: str) -> Case:
    """Copy a fixture into its own project root so fixtures never see each other."""
    root = os.path.join(sandbox, case.name.replace("/", "__"))
    if os.path.isdir(case.source):
        shutil.copytree(case.source, root, ignore=shutil.ignore_patterns(".flask-lint-cache", "__pycache__"))
    else:
        os.makedirs(root)
        shutil.copy(case.source, os.path.join(root, os.path.basename(case.source)))
    if not any(os.path.exists(os.path.join(root, m)) for m in ("setup.cfg", "pyproject.toml", "setup.py")):
        open(os.path.join(root, "setup.cfg"), "w").close()
    case.root = root
    for rel in case.files():
        with open(os.path.join(root, rel), encoding="utf-8") as handle:
            for match in OPTIONS_RE.finditer(handle.read()):
                for item in match.group(1).split():
                    key, _, value = item.partition("=")
                    case.options[key] = value
    return case


def _parse(output: str, root: str, column_base: int) -> Reported:
    found: Reported = set()
    for line in output.splitlines():
        match = OUTPUT_RE.match(line.strip())
        if match:
            path = os.path.relpath(os.path.join(root, match.group("path")), root)
            code = match.group("code")
            column = int(match.group("col")) + 1 - column_base
            found.add((path, int(match.group("line")), column, _SYMBOLS.get(code, code), match.group("message")))
    return found


_SYMBOLS = {r.name: r.code for r in all_rules()}


def _env() -> Dict[str, str]:
    env = dict(os.environ)
    env["FLASK_LINT_NO_CACHE"] = "1"
    return env


def run_cli(case: Case, paths: List[str] = None) -> Reported:  # type: ignore[assignment]
    args = [sys.executable, "-m", "flask_lint.cli", "--select", "FLK", "--format", "json"]
    args += [f"--flask-{k}={v}" for k, v in case.options.items()]
    proc = subprocess.run(args + (paths or ["."]), cwd=case.root, capture_output=True, text=True, env=_env())
    assert proc.returncode in (0, 1), proc.stderr
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr, proc.stderr
    return {
        (os.path.normpath(item["path"]), item["line"], item["column"], item["code"], item["message"])
        for item in json.loads(proc.stdout)
    }


def run_flake8(case: Case, paths: List[str] = None) -> Reported:  # type: ignore[assignment]
    args = [sys.executable, "-m", "flake8", "--isolated", "--select", "FLK"]
    args += [f"--flask-{k}={v}" for k, v in case.options.items()]
    proc = subprocess.run(args + (paths or ["."]), cwd=case.root, capture_output=True, text=True, env=_env())
    assert proc.returncode in (0, 1), proc.stderr
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr, proc.stderr
    return _parse(proc.stdout, case.root, column_base=1)


def run_pylint(case: Case, paths: List[str] = None) -> Reported:  # type: ignore[assignment]
    symbols = ",".join(r.name for r in all_rules())
    args = [
        sys.executable, "-m", "pylint", "--rcfile=/dev/null", "--load-plugins=flask_lint.pylint_plugin",
        "--disable=all", f"--enable={symbols}", "--score=n", "--reports=n",
        "--msg-template={path}:{line}:{column}: {symbol} {msg}",
    ]
    args += [f"--flask-{k}={v}" for k, v in case.options.items()]
    proc = subprocess.run(args + (paths or case.files()), cwd=case.root, capture_output=True, text=True, env=_env())
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr, proc.stderr
    assert proc.returncode & 32 == 0 and proc.returncode & 1 == 0, proc.stdout + proc.stderr
    return _parse(proc.stdout, case.root, column_base=0)


FRONTENDS = {"cli": run_cli, "flake8": run_flake8, "pylint": run_pylint}


def run_batched(frontend: str, cases: List[Case]) -> Dict[str, Reported]:
    """One process for many fixtures (each is its own project root), split
    back per fixture; pylint keeps one process per fixture because module
    names repeat across fixture projects."""
    results: Dict[str, Reported] = {}
    if frontend == "pylint" or not cases:
        for case in cases:
            results[case.name] = FRONTENDS[frontend](case)
        return results
    groups: Dict[Tuple[Tuple[str, str], ...], List[Case]] = {}
    for case in cases:
        groups.setdefault(tuple(sorted(case.options.items())), []).append(case)
    for options, members in groups.items():
        sandbox = os.path.dirname(members[0].root)
        carrier = Case("batch", "", sandbox, dict(options))
        found = FRONTENDS[frontend](carrier, [os.path.basename(m.root) for m in members])
        by_dir = {os.path.basename(m.root): m for m in members}
        for member in members:
            results[member.name] = set()
        for path, *rest in found:
            head, _, rel = path.partition(os.sep)
            results[by_dir[head].name].add((rel, *rest))  # type: ignore[arg-type]
    return results


def describe(expected: Expected, actual: Expected) -> str:
    missing = sorted(expected - actual)
    extra = sorted(actual - expected)
    lines = []
    if missing:
        lines.append("expected but not reported: " + ", ".join(f"{p}:{n} {c}" for p, n, c in missing))
    if extra:
        lines.append("reported but not expected: " + ", ".join(f"{p}:{n} {c}" for p, n, c in extra))
    return "\n".join(lines)


def snapshot_path(case: Case) -> str:
    return os.path.join(SNAPSHOTS, case.name.replace("/", "__") + ".txt")


def render_snapshot(reported: Reported) -> str:
    """One finding per line, sorted as a reader scans a file."""
    rows = sorted(reported)
    return "".join(f"{path}:{line}:{col}: {code} {message}\n" for path, line, col, code, message in rows)
