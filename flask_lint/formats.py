"""Output formats of the ``flask-lint`` command.

* ``text``: ``path:line:col: FLKnnn message``, flake8's layout;
* ``json``: a list of findings with stable fields (see the README);
* ``sarif``: SARIF 2.1.0 for GitHub code scanning and other SARIF viewers,
  with the metadata of every rule and precise regions;
* ``github``: GitHub Actions workflow commands, shown as annotations on the
  pull request.

Columns in ``text`` and ``json`` are flake8's (1-based, counted in the line's
UTF-8 bytes); ``sarif`` and ``github`` count UTF-16 code units, as SARIF's
default ``columnKind`` and GitHub's editor do.
"""

from __future__ import annotations

import json
import os
import re
from typing import Any, Dict, List, Optional, Sequence, TextIO, Tuple

from . import __version__
from .docs import DOCS_URL, rule_doc
from .registry import Finding, Rule, all_rules

FORMATS = ("text", "json", "sarif", "github")
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
INFORMATION_URI = "https://github.com/flask-lint/flask-lint"
SRCROOT = "%SRCROOT%"

Results = Sequence[Tuple[str, Finding]]

# pylint category -> SARIF level / GitHub annotation command.
SARIF_LEVELS = {"E": "error", "W": "warning", "C": "note", "R": "note", "I": "note"}
GITHUB_COMMANDS = {"E": "error", "W": "warning", "C": "notice", "R": "notice", "I": "notice"}


def write_results(results: Results, fmt: str, out: TextIO) -> None:
    if fmt == "json":
        json.dump(json_payload(results), out, indent=2)
        out.write("\n")
    elif fmt == "sarif":
        json.dump(sarif_log(results), out, indent=2)
        out.write("\n")
    elif fmt == "github":
        for line in github_annotations(results):
            out.write(line + "\n")
    else:
        for path, f in results:
            out.write(f"{path}:{f.line}:{f.col + 1}: {f.code} {f.message}\n")


# ------------------------------------------------------------------- json


def json_payload(results: Results) -> List[Dict[str, Any]]:
    names = {r.code: r.name for r in all_rules()}
    return [
        {
            "path": path,
            "line": f.line,
            "column": f.col + 1,
            "end_line": f.end_line,
            "end_column": (f.end_col + 1) if f.end_col is not None else None,
            "code": f.code,
            "name": names[f.code],
            "message": f.message,
        }
        for path, f in results
    ]


# ---------------------------------------------------------------- columns


class _Lines:
    """Source lines of the files with findings, to turn byte offsets into
    UTF-16 columns (read once per file; a file that cannot be read keeps
    byte columns)."""

    def __init__(self) -> None:
        self._files: Dict[str, Optional[List[str]]] = {}

    def column(self, path: str, line: int, byte_offset: int) -> int:
        """1-based UTF-16 column of a 0-based UTF-8 byte offset."""
        lines = self._lines(path)
        if lines is None or not 0 < line <= len(lines):
            return byte_offset + 1
        prefix = lines[line - 1].encode("utf-8")[:byte_offset].decode("utf-8", errors="ignore")
        return len(prefix.encode("utf-16-le")) // 2 + 1

    def _lines(self, path: str) -> Optional[List[str]]:
        if path not in self._files:
            from .source import SourceError, decode

            try:
                with open(path, "rb") as handle:
                    self._files[path] = decode(handle.read()).splitlines()
            except (OSError, SourceError):
                self._files[path] = None
        return self._files[path]


def _region(lines: _Lines, path: str, f: Finding) -> Dict[str, int]:
    region = {"startLine": max(f.line, 1), "startColumn": lines.column(path, f.line, f.col)}
    if f.end_line is not None and f.end_col is not None:
        region["endLine"] = max(f.end_line, region["startLine"])
        # SARIF's endColumn is the column after the region's last character.
        region["endColumn"] = lines.column(path, f.end_line, f.end_col)
        if region["endLine"] == region["startLine"] and region["endColumn"] < region["startColumn"]:
            region["endColumn"] = region["startColumn"]
    return region


# ------------------------------------------------------------------ sarif


def _doc_section(doc: str, heading: str) -> str:
    match = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", doc, re.MULTILINE | re.DOTALL)
    if not match:
        return ""
    paragraphs = [" ".join(p.split()) for p in match.group(1).strip().split("\n\n") if p.strip()]
    return paragraphs[0] if paragraphs else ""


def _rule_descriptor(r: Rule) -> Dict[str, Any]:
    try:
        doc = rule_doc(r.code)
    except OSError:
        doc = ""
    summary = r.summary or r.message
    full = _doc_section(doc, "What it does") or summary
    help_uri = DOCS_URL.format(code=r.code)
    descriptor: Dict[str, Any] = {
        "id": r.code,
        "name": r.name,
        "shortDescription": {"text": summary},
        "fullDescription": {"text": full},
        "helpUri": help_uri,
        "help": {"text": f"{full} Documentation: {help_uri}", "markdown": doc or f"{full}\n\n[Documentation]({help_uri})"},
        "defaultConfiguration": {"enabled": r.default_enabled, "level": SARIF_LEVELS.get(r.severity, "warning")},
        "properties": {"tags": ["flask", r.family], "pylint-id": r.msgid},
    }
    return descriptor


def _artifact_location(path: str, cwd: str) -> Dict[str, str]:
    from pathlib import Path  # only SARIF needs them (with ipaddress, 8 ms to import)
    from urllib.parse import quote

    absolute = os.path.abspath(path)
    rel = os.path.relpath(absolute, cwd)
    if os.path.isabs(path) and not (absolute + os.sep).startswith(cwd.rstrip(os.sep) + os.sep):
        return {"uri": Path(absolute).as_uri()}
    if rel.startswith(".."):
        return {"uri": Path(absolute).as_uri()}
    return {"uri": quote(rel.replace(os.sep, "/")), "uriBaseId": SRCROOT}


def sarif_log(results: Results, cwd: Optional[str] = None) -> Dict[str, Any]:
    """A SARIF 2.1.0 log with one run; relative URIs are under %SRCROOT%,
    the folder flask-lint ran in (GitHub resolves them against the checkout)."""
    from pathlib import Path

    cwd = os.path.abspath(cwd or os.getcwd())
    rules = all_rules()
    index = {r.code: i for i, r in enumerate(rules)}
    by_code = {r.code: r for r in rules}
    lines = _Lines()
    sarif_results = []
    for path, f in results:
        r = by_code[f.code]
        sarif_results.append(
            {
                "ruleId": f.code,
                "ruleIndex": index[f.code],
                "level": SARIF_LEVELS.get(r.severity, "warning"),
                "message": {"text": f.message},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": _artifact_location(path, cwd),
                            "region": _region(lines, path, f),
                        }
                    }
                ],
            }
        )
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "flask-lint",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": [_rule_descriptor(r) for r in rules],
                    }
                },
                "originalUriBaseIds": {SRCROOT: {"uri": Path(cwd).as_uri().rstrip("/") + "/"}},
                "columnKind": "utf16CodeUnits",
                "results": sarif_results,
            }
        ],
    }


# ----------------------------------------------------------------- github


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_annotations(results: Results) -> List[str]:
    """``::error file=...,line=...,col=...,endLine=...,endColumn=...,title=...::message``.

    GitHub takes columns only for a region on one line, so a finding that
    spans several lines gives ``line`` and ``endLine`` alone."""
    by_code = {r.code: r for r in all_rules()}
    lines = _Lines()
    out = []
    for path, f in results:
        r = by_code[f.code]
        region = _region(lines, path, f)
        shown = os.path.normpath(path).replace(os.sep, "/")
        props = [("file", shown), ("line", str(region["startLine"]))]
        if region.get("endLine", region["startLine"]) == region["startLine"]:
            props.append(("col", str(region["startColumn"])))
            if "endColumn" in region:
                props += [("endLine", str(region["startLine"])), ("endColumn", str(region["endColumn"]))]
        else:
            props.append(("endLine", str(region["endLine"])))
        props.append(("title", f"{f.code} {r.name}"))
        command = GITHUB_COMMANDS.get(r.severity, "warning")
        rendered = ",".join(f"{key}={_escape_property(value)}" for key, value in props)
        out.append(f"::{command} {rendered}::{_escape_data(f.message)}")
    return out


__all__ = ["FORMATS", "write_results", "json_payload", "sarif_log", "github_annotations"]
