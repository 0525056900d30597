"""Baselines: today's findings recorded, so that a CI gate reports only new ones.

An entry is keyed by the file (relative to the baseline's folder, with ``/``),
the rule code, the enclosing function or class (``create_app.index``, empty
at module level) and the message, with a count; never by line number, so
code that moves keeps its findings hidden, while a second instance of the same
finding in the same function is reported.  Line numbers that a message cites
(``pkg.views:12``, ``(line 4)``) are ignored when matching for the same reason.

The file is JSON, sorted by file, code, scope and message, so that it diffs
well in review::

    {
      "flask-lint-baseline": 1,
      "findings": [
        {"file": "web/app.py", "code": "FLK101", "scope": "index", "message": "...", "count": 1}
      ]
    }

The same keys give the GitLab report's fingerprints (formats.py).
"""

from __future__ import annotations

import ast
import json
import os
import re
from typing import Any, Dict, Iterable, List, Optional, Sequence, Set, Tuple

from .config import DEFAULT_BASELINE, ConfigError
from .registry import NOT_ANALYSED, Finding

FORMAT_KEY = "flask-lint-baseline"
FORMAT_VERSION = 1

Key = Tuple[str, str, str, str]  # file, code, scope, message (line numbers masked)

# Line numbers inside messages: "pkg.views:12", "pkg.views line 12", "(line 4)".
_CITED_LINE = re.compile(r"(?<=[\w./-]:)\d+|(?<=\bline )\d+")


class BaselineError(Exception):
    """A baseline file that cannot be read or is not one; one line for the user."""


def normal_message(message: str) -> str:
    return _CITED_LINE.sub("N", message)


# ----------------------------------------------------------------- scopes


def scope_spans(tree: ast.AST) -> List[Tuple[int, int, str]]:
    """(first line, last line, qualified name) of every function and class,
    decorators included, outer ones first."""
    spans: List[Tuple[int, int, str]] = []
    stack: List[Tuple[ast.AST, str]] = [(tree, "")]
    while stack:
        node, prefix = stack.pop()
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                name = f"{prefix}.{child.name}" if prefix else child.name
                first = min([d.lineno for d in child.decorator_list] + [child.lineno])
                spans.append((first, getattr(child, "end_lineno", None) or child.lineno, name))
                stack.append((child, name))
            else:
                stack.append((child, prefix))
    spans.sort(key=lambda span: (span[0], -span[1]))
    return spans


def scopes_of(findings: Sequence[Finding], text: Optional[str] = None, tree: Optional[ast.AST] = None) -> List[str]:
    """The enclosing function or class of each finding ("" at module level,
    or when the source cannot be parsed)."""
    if tree is None:
        try:
            tree = ast.parse(text or "")
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return ["" for _ in findings]
    try:
        spans = scope_spans(tree)
    except RecursionError:
        return ["" for _ in findings]
    out = []
    for finding in findings:
        inner = ""
        for first, last, name in spans:
            if first > finding.line:
                break
            if finding.line <= last:
                inner = name  # later spans that contain the line are nested deeper
        out.append(inner)
    return out


def keys_of(rel: str, findings: Sequence[Finding], scopes: Sequence[str]) -> List[Key]:
    return [(rel, f.code, scope, normal_message(f.message)) for f, scope in zip(findings, scopes)]


# ------------------------------------------------------------------- file


class Baseline:
    """A loaded baseline: the count of each key, and what it was written with."""

    def __init__(self, path: str, entries: Optional[List[Dict[str, Any]]] = None) -> None:
        self.path = path
        self.folder = os.path.dirname(os.path.abspath(path))
        self.entries: List[Dict[str, Any]] = entries or []
        self.counts: Dict[Key, int] = {}
        for entry in self.entries:
            key = (entry["file"], entry["code"], entry["scope"], normal_message(entry["message"]))
            self.counts[key] = self.counts.get(key, 0) + entry["count"]

    @classmethod
    def load(cls, path: str) -> Baseline:
        try:
            with open(path, encoding="utf-8") as handle:
                data = json.load(handle)
        except OSError as exc:
            raise BaselineError(f"{path}: cannot read the baseline: {exc.strerror or exc}") from None
        except (ValueError, UnicodeDecodeError) as exc:
            raise BaselineError(f"{path}: not a flask-lint baseline: invalid JSON ({exc})") from None
        if not isinstance(data, dict) or data.get(FORMAT_KEY) != FORMAT_VERSION or not isinstance(data.get("findings"), list):
            raise BaselineError(f"{path}: not a flask-lint baseline (write one with --write-baseline)")
        entries = []
        for entry in data["findings"]:
            if not (
                isinstance(entry, dict)
                and all(isinstance(entry.get(k), str) for k in ("file", "code", "scope", "message"))
                and isinstance(entry.get("count"), int)
                and not isinstance(entry.get("count"), bool)
                and entry["count"] > 0
            ):
                raise BaselineError(f"{path}: not a flask-lint baseline: bad entry {json.dumps(entry)[:120]}")
            entries.append(entry)
        return cls(path, entries)

    def rel(self, path: str) -> str:
        """``path`` as the baseline names it: relative to its folder, with ``/``."""
        return os.path.relpath(os.path.abspath(path), self.folder).replace(os.sep, "/")

    def new_findings(self, keys: Sequence[Key], used: Optional[Dict[Key, int]] = None) -> List[int]:
        """Positions of the findings the baseline does not account for: per
        key, the first ``count`` (in the order given) are known, the rest new.
        ``used`` collects how many of each key were matched.  FLK001 is
        never accounted for: a file that was not analysed stays reported."""
        seen: Dict[Key, int] = {}
        new = []
        for position, key in enumerate(keys):
            if key[1] == NOT_ANALYSED.code:
                new.append(position)
                continue
            seen[key] = seen.get(key, 0) + 1
            if seen[key] > self.counts.get(key, 0):
                new.append(position)
        if used is not None:
            for key, count in seen.items():
                used[key] = used.get(key, 0) + min(count, self.counts.get(key, 0))
        return new

    def stale(self, used: Dict[Key, int], linted: Iterable[str]) -> int:
        """How many recorded findings of the linted files no longer occur."""
        files = set(linted)
        return sum(count - used.get(key, 0) for key, count in self.counts.items() if key[0] in files)


def load_baseline(path: Optional[str]) -> Optional[Baseline]:
    """The baseline an option names (None for none), as the plugins load it:
    a bad one is a ConfigError, reported in one line like a bad option."""
    if not path:
        return None
    try:
        return Baseline.load(path)
    except BaselineError as exc:
        raise ConfigError(str(exc)) from None


def not_in_baseline(
    baseline: Optional[Baseline], path: str, findings: List[Finding], text: Optional[str] = None, tree: Optional[ast.AST] = None
) -> List[Finding]:
    """One file's findings that ``baseline`` does not account for (what the
    flake8 and pylint plugins report)."""
    if baseline is None or not findings:
        return findings
    keys = keys_of(baseline.rel(path), findings, scopes_of(findings, text, tree))
    return [findings[position] for position in baseline.new_findings(keys)]


def write_baseline(path: str, keys: Iterable[Key], messages: Dict[Key, str], linted: Set[str]) -> Tuple[int, int]:
    """Write the baseline of ``keys`` (one per finding) to ``path``.  Entries
    of an existing baseline there for files this run did not lint are kept
    (a run over part of the project updates that part only).  Returns the
    number of findings and of entries written."""
    counts: Dict[Key, int] = {}
    for key in keys:
        if key[1] != NOT_ANALYSED.code:  # never hidden: see Baseline.new_findings
            counts[key] = counts.get(key, 0) + 1
    rows: List[Dict[str, Any]] = [
        {"file": key[0], "code": key[1], "scope": key[2], "message": messages.get(key, key[3]), "count": count}
        for key, count in counts.items()
    ]
    if os.path.isfile(path):
        try:
            previous = Baseline.load(path).entries
        except BaselineError:
            previous = []
        rows += [entry for entry in previous if entry["file"] not in linted]
    rows.sort(key=lambda row: (row["file"], row["code"], row["scope"], row["message"]))
    text = json.dumps({FORMAT_KEY: FORMAT_VERSION, "findings": rows}, indent=2, ensure_ascii=False) + "\n"
    folder = os.path.dirname(os.path.abspath(path))
    tmp = os.path.join(folder, f".{os.path.basename(path)}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
    os.replace(tmp, path)
    return sum(row["count"] for row in rows), len(rows)


__all__ = [
    "DEFAULT_BASELINE",
    "Baseline",
    "BaselineError",
    "Key",
    "keys_of",
    "load_baseline",
    "not_in_baseline",
    "normal_message",
    "scopes_of",
    "write_baseline",
]
