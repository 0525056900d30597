"""Output formats of the ``flask-lint`` command.

* ``text``: ``path:line:col: FLKnnn message``, flake8's layout;
* ``json``: a list of findings with stable fields (see the README);
* ``sarif``: SARIF 2.1.0 for GitHub code scanning and other SARIF viewers,
  with the metadata of every rule and precise regions;
* ``github``: GitHub Actions workflow commands, shown as annotations on the
  pull request;
* ``gitlab``: a GitLab Code Quality report (the subset of the Code Climate
  issue format that GitLab reads), with fingerprints that survive moving code;
* ``junit``: JUnit XML, one test case per finding and one test suite per
  file, for CI test report views.

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
from .families import all_rules
from .fixes import Fix
from .registry import Finding, Rule

FORMATS = ("text", "json", "sarif", "github", "gitlab", "junit")
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
INFORMATION_URI = "https://github.com/flask-lint/flask-lint"
SRCROOT = "%SRCROOT%"

Results = Sequence[Tuple[str, Finding]]

# pylint category -> SARIF level / GitHub annotation command.
SARIF_LEVELS = {"E": "error", "W": "warning", "C": "note", "R": "note", "I": "note"}
GITHUB_COMMANDS = {"E": "error", "W": "warning", "C": "notice", "R": "notice", "I": "notice"}
GITLAB_SEVERITIES = {"E": "critical", "W": "major", "C": "minor", "R": "minor", "I": "info"}


def write_results(
    results: Results, fmt: str, out: TextIO, scopes: Optional[Sequence[str]] = None, unsafe: bool = False
) -> None:
    """``scopes``: the enclosing function or class of each finding (see
    baseline.py), for the GitLab fingerprints; read from the files when not
    given.  ``unsafe``: unsafe fixes count as applicable (``[*]`` in text)."""
    if fmt == "json":
        json.dump(json_payload(results), out, indent=2)
        out.write("\n")
    elif fmt == "sarif":
        json.dump(sarif_log(results), out, indent=2)
        out.write("\n")
    elif fmt == "github":
        for line in github_annotations(results):
            out.write(line + "\n")
    elif fmt == "gitlab":
        json.dump(gitlab_report(results, scopes), out, indent=2, ensure_ascii=False)
        out.write("\n")
    elif fmt == "junit":
        out.write(junit_xml(results))
    else:
        for path, f in results:
            mark = "[*] " if f.fix is not None and f.fix.applies(unsafe) else ""
            out.write(f"{path}:{f.line}:{f.col + 1}: {f.code} {mark}{f.message}\n")


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
            "fix": _json_fix(f.fix),
        }
        for path, f in results
    ]


def _json_fix(fix: Optional[Fix]) -> Optional[Dict[str, Any]]:
    """ruff's ``fix`` object; columns as the finding's (1-based, UTF-8 bytes)."""
    if fix is None:
        return None
    return {
        "applicability": fix.applicability,
        "message": fix.message,
        "edits": [
            {
                "content": e.text,
                "location": {"row": e.line, "column": e.col + 1},
                "end_location": {"row": e.end_line, "column": e.end_col + 1},
            }
            for e in fix.edits
        ],
    }


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
            text = self.text(path)
            self._files[path] = text.splitlines() if text is not None else None
        return self._files[path]

    @staticmethod
    def text(path: str) -> Optional[str]:
        from .source import SourceError, decode

        try:
            with open(path, "rb") as handle:
                return decode(handle.read())
        except (OSError, SourceError):
            return None


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


def _sarif_fix(lines: _Lines, path: str, cwd: str, fix: Fix) -> Dict[str, Any]:
    """A SARIF fix: the edits as replacements of regions (UTF-16 columns,
    like the results'), with ruff's applicability as a property."""
    replacements = []
    for e in fix.edits:
        region = {
            "startLine": e.line,
            "startColumn": lines.column(path, e.line, e.col),
            "endLine": e.end_line,
            "endColumn": lines.column(path, e.end_line, e.end_col),
        }
        replacements.append({"deletedRegion": region, "insertedContent": {"text": e.text}})
    return {
        "description": {"text": fix.message},
        "artifactChanges": [{"artifactLocation": _artifact_location(path, cwd), "replacements": replacements}],
        "properties": {"applicability": fix.applicability},
    }


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
        result: Dict[str, Any] = {
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
        if f.fix is not None:
            result["fixes"] = [_sarif_fix(lines, path, cwd, f.fix)]
        sarif_results.append(result)
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


# ----------------------------------------------------------------- gitlab


def _relative_uri(path: str, cwd: Optional[str] = None) -> str:
    """``path`` relative to the folder flask-lint ran in (the repository root
    in CI), with ``/``; absolute when it is outside."""
    absolute = os.path.abspath(path)
    rel = os.path.relpath(absolute, os.path.abspath(cwd or os.getcwd()))
    return (absolute if rel.startswith("..") else rel).replace(os.sep, "/")


def _scopes(results: Results, scopes: Optional[Sequence[str]]) -> Sequence[str]:
    if scopes is not None and len(scopes) == len(results):
        return scopes
    from .baseline import scopes_of

    out: List[str] = []
    texts: Dict[str, Optional[str]] = {}
    for path, f in results:
        if path not in texts:
            texts[path] = _Lines.text(path)
        out += scopes_of([f], texts[path] or "")
    return out


def gitlab_report(results: Results, scopes: Optional[Sequence[str]] = None, cwd: Optional[str] = None) -> List[Dict[str, Any]]:
    """GitLab Code Quality issues.  A fingerprint hashes what a baseline
    matches on (file, code, enclosing function or class, message without the
    line numbers it cites) and the finding's rank among equal ones, so that
    GitLab sees a finding whose code moved as the same finding."""
    import hashlib

    from .baseline import normal_message

    by_code = {r.code: r for r in all_rules()}
    seen: Dict[Tuple[str, ...], int] = {}
    issues = []
    for (path, f), scope in zip(results, _scopes(results, scopes)):
        r = by_code[f.code]
        uri = _relative_uri(path, cwd)
        key = (uri, f.code, scope, normal_message(f.message))
        seen[key] = seen.get(key, 0) + 1
        fingerprint = hashlib.md5("\0".join(key + (str(seen[key]),)).encode("utf-8"), usedforsecurity=False).hexdigest()
        issues.append(
            {
                "type": "issue",
                "check_name": f.code,
                "description": f"{f.code} {r.name}: {f.message}",
                "categories": ["Bug Risk"] if r.severity in "EW" else ["Style"],
                "fingerprint": fingerprint,
                "severity": GITLAB_SEVERITIES.get(r.severity, "minor"),
                "location": {"path": uri, "lines": {"begin": max(f.line, 1), "end": max(f.end_line or f.line, f.line, 1)}},
            }
        )
    return issues


# ------------------------------------------------------------------ junit


# Characters XML 1.0 cannot hold even escaped (a message may quote source text).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def junit_xml(results: Results) -> str:
    """JUnit XML: a test suite per file with findings, a failed test case per
    finding; a clean run is one suite with one passing case."""
    from xml.etree import ElementTree as ET

    names = {r.code: r.name for r in all_rules()}
    by_file: Dict[str, List[Finding]] = {}
    for path, f in results:
        by_file.setdefault(os.path.normpath(path).replace(os.sep, "/"), []).append(f)
    root = ET.Element("testsuites", name="flask-lint", tests=str(max(len(results), 1)), failures=str(len(results)), errors="0")
    for path, findings in by_file.items():
        suite = ET.SubElement(
            root, "testsuite", name=path, tests=str(len(findings)), failures=str(len(findings)), errors="0", skipped="0"
        )
        for f in findings:
            case = ET.SubElement(
                suite,
                "testcase",
                name=f"{f.code} {names[f.code]} at line {f.line}, column {f.col + 1}",
                classname=path,
                file=path,
                line=str(f.line),
            )
            failure = ET.SubElement(case, "failure", message=_xml_text(f.message), type=f.code)
            failure.text = _xml_text(f"{path}:{f.line}:{f.col + 1}: {f.code} {f.message}")
    if not results:
        suite = ET.SubElement(root, "testsuite", name="flask-lint", tests="1", failures="0", errors="0", skipped="0")
        ET.SubElement(suite, "testcase", name="no findings", classname="flask-lint")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


__all__ = ["FORMATS", "write_results", "json_payload", "sarif_log", "github_annotations", "gitlab_report", "junit_xml"]
