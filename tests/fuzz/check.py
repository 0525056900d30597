"""Run one generated application under Flask and under flask-lint, and
compare, rule by rule, where the effect happened with where it was reported.

Each application runs in a forked child of a process that has already
imported Flask, the oracle and flask-lint: the oracle patches Flask and
threading for the run, and a fork leaves the parent clean for the next one
at the cost of a millisecond or two.
"""

from __future__ import annotations

import json
import os
import select
import signal
import sys
import tempfile
import time
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Set, Tuple

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "oracle"))

import claims  # noqa: E402
import runtime  # noqa: E402
from generator import App  # noqa: E402

from flask_lint.config import Config  # noqa: E402
from flask_lint.engine import analyse  # noqa: E402
from flask_lint.families import FAMILIES  # noqa: E402 - the rules too, imported once here, not again in each child

CHILD_SECONDS = 60.0


@dataclass
class Disagreement:
    rule: str
    line: int
    kind: str  # "false positive": reported, no effect; "missed": effect, not reported
    detail: str
    source_line: str = ""


@dataclass
class Outcome:
    disagreements: List[Disagreement] = field(default_factory=list)
    error: str = ""  # the run itself failed (a bug in the generator or the oracle)

    @property
    def false_positives(self) -> List[Disagreement]:
        return [d for d in self.disagreements if d.kind == "false positive"]

    @property
    def missed(self) -> List[Disagreement]:
        return [d for d in self.disagreements if d.kind == "missed"]


def _child(path: str, rules: Sequence[str], out_fd: int) -> None:
    result: Dict[str, object] = {}
    try:
        findings = analyse(path, Config(enabled=frozenset(rules)), families=FAMILIES, use_cache=False)
        result["findings"] = [(f.code, f.line, f.message) for f in findings]
        # The oracle prints what the app prints: keep it off the pipe.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        sys.stdout = sys.stderr = open(os.devnull, "w")
        run = runtime.execute([path])
        observed = claims.observed_lines(run, [r for r in rules if r in claims.CLAIMS])
        result["observed"] = {code: [(line, why) for (_file, line), why in lines.items()] for code, lines in observed.items()}
        result["load_errors"] = [f"{e.line}: {e.exc_type}: {e.exc_text}" for e in run.loaded.errors]
    except BaseException as exc:  # noqa: B902 - whatever happens is the parent's to report
        result["error"] = f"{type(exc).__name__}: {exc}"
    with os.fdopen(out_fd, "w") as out:
        out.write(json.dumps(result))
    runtime.REAL_EXIT(0)


def run_app(source: str, rules: Set[str]) -> Tuple[Dict[str, object], str]:
    """(result, path): findings and observations for one application."""
    folder = tempfile.mkdtemp(prefix="flk-fuzz-")
    open(os.path.join(folder, "setup.cfg"), "w").close()
    path = os.path.join(folder, "app.py")
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(source)
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        os.close(read_fd)
        _child(path, sorted(rules), write_fd)
    os.close(write_fd)
    chunks: List[bytes] = []
    deadline = time.monotonic() + CHILD_SECONDS
    with os.fdopen(read_fd, "rb") as pipe:
        while True:
            ready, _, _ = select.select([pipe], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                os.kill(pid, signal.SIGKILL)
                break
            chunk = os.read(pipe.fileno(), 65536)
            if not chunk:
                break
            chunks.append(chunk)
    os.waitpid(pid, 0)
    raw = b"".join(chunks)
    try:
        result = json.loads(raw) if raw else {"error": "the run was stopped or died"}
    except ValueError:
        result = {"error": "unreadable result"}
    return result, path


def compare(app: App, keep: Optional[Sequence[int]] = None) -> Outcome:
    source = app.source(keep)
    rules = {r for i, f in enumerate(app.features) if keep is None or i in keep for r in f.rules}
    result, path = run_app(source, rules)
    _cleanup(path)
    if "error" in result:
        return Outcome(error=str(result["error"]))
    lines = source.splitlines()
    outcome = Outcome()
    errors = result.get("load_errors") or []
    if errors:
        return Outcome(error="the generated app does not load: " + "; ".join(errors))  # type: ignore[arg-type]
    reported: Dict[str, Dict[int, str]] = {}
    for code, line, message in result["findings"]:  # type: ignore[union-attr]
        reported.setdefault(code, {})[line] = message
    observed = {code: {line: why for line, why in pairs} for code, pairs in result["observed"].items()}  # type: ignore[union-attr]
    for code in sorted(observed):
        for line, message in sorted(reported.get(code, {}).items()):
            if line not in observed[code]:
                outcome.disagreements.append(Disagreement(code, line, "false positive", message, lines[line - 1]))
        for line, why in sorted(observed[code].items()):
            if line not in reported.get(code, {}):
                outcome.disagreements.append(Disagreement(code, line, "missed", why, lines[line - 1]))
    return outcome


def minimise(app: App, target: Disagreement) -> Tuple[str, Disagreement]:
    """Drop features while the same kind of disagreement on the same rule
    remains; the smallest source that still shows it."""
    keep = list(range(len(app.features)))
    found = target
    for index in list(keep):
        trial = [k for k in keep if k != index]
        if not trial:
            continue
        outcome = compare(app, trial)
        same = [d for d in outcome.disagreements if d.rule == target.rule and d.kind == target.kind]
        if same:
            keep, found = trial, same[0]
    return app.source(keep), found


def _cleanup(path: str) -> None:
    folder = os.path.dirname(path)
    for name in os.listdir(folder):
        full = os.path.join(folder, name)
        if os.path.isfile(full):
            os.unlink(full)
        else:
            import shutil

            shutil.rmtree(full, ignore_errors=True)
    os.rmdir(folder)


__all__ = ["compare", "minimise", "Outcome", "Disagreement"]
