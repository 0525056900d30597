"""``flask-lint --add-noqa``: silence today's findings where they are, as
``ruff --add-noqa`` does.

Each finding gets ``# noqa: FLKnnn`` on its first line, merged into a noqa
comment already there (``# noqa: E501`` becomes ``# noqa: E501, FLK101``).
A line whose end is inside a multi-line string or that continues with a
backslash cannot take a comment: the comment goes on a later line of the same
statement within the finding (flake8 reads a noqa comment anywhere in the
statement, flask-lint anywhere in the finding), and a finding with no such
line is reported instead of the file being broken.  The file keeps its
encoding, byte order mark and line endings.
"""

from __future__ import annotations

import io
import re
import sys
import tokenize
from typing import Dict, List, Optional, Set, TextIO, Tuple

from .registry import NOT_ANALYSED, Finding
from .source import NOQA_RE

_LINE_RE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
_MAX_SPAN = 50  # the lines of a finding the command reads noqa comments on (cli._suppressed)


class _Layout:
    """Which lines of a file can take a comment, its comments, and the
    statement (logical line) each line belongs to."""

    def __init__(self, text: str) -> None:
        self.blocked: Set[int] = set()  # lines whose end is inside a token
        self.comments: Dict[int, Tuple[int, str]] = {}  # line -> (column, comment)
        self.statement_end: Dict[int, int] = {}
        first: Optional[int] = None
        fstrings: List[int] = []
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            kind, string, (row, col), (end_row, _end_col), line = token
            name = tokenize.tok_name.get(kind, "")
            if name == "FSTRING_START":
                fstrings.append(row)
            elif name == "FSTRING_END" and fstrings:
                self.blocked.update(range(fstrings.pop(), end_row))
            elif end_row > row:
                self.blocked.update(range(row, end_row))
            if kind == tokenize.COMMENT:
                self.comments[row] = (col, string)
            if kind in (tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT, tokenize.ENDMARKER):
                if kind == tokenize.NEWLINE and first is not None:
                    for number in range(first, end_row + 1):
                        self.statement_end[number] = end_row
                    first = None
                continue
            if first is None:
                first = row

    def placement(self, finding: Finding, lines: List[str]) -> Optional[int]:
        """The line to put the finding's noqa comment on (None: none can take it)."""
        last = min(finding.end_line or finding.line, finding.line + _MAX_SPAN)
        last = min(last, self.statement_end.get(finding.line, finding.line))
        for number in range(finding.line, last + 1):
            if 0 < number <= len(lines) and self._takes_comment(number, lines[number - 1]):
                return number
        return None

    def _takes_comment(self, number: int, line: str) -> bool:
        if number in self.blocked:
            return False
        return not line.rstrip("\r\n").endswith("\\")


def _with_codes(line: str, codes: List[str], comment: Optional[Tuple[int, str]]) -> str:
    """``line`` with a noqa comment for ``codes`` (its line ending kept)."""
    body = line.rstrip("\r\n")
    ending = line[len(body) :]
    if comment is not None:
        column, text = comment
        match = NOQA_RE.search(text)
        if match is not None and match.group("codes"):
            listed = match.group("codes").rstrip(", \t")
            at = column + match.start("codes") + len(listed)
            return body[:at] + "".join(f", {code}" for code in codes) + body[at:] + ending
    return body.rstrip(" \t") + f"  # noqa: {', '.join(codes)}" + ending


def _why_not(finding: Finding) -> str:
    if finding.code == NOT_ANALYSED.code:
        return "the file was not analysed: fix it or exclude it"
    return "its line cannot take a comment (inside a multi-line string or after a line continuation)"


def add_noqa_to_file(path: str, findings: List[Finding]) -> Tuple[int, List[Tuple[Finding, str]]]:
    """Add the comments to one file: (comments added, findings left with why)."""
    from .source import SourceError, decode

    left: List[Tuple[Finding, str]] = []
    wanted = [f for f in findings if f.code != NOT_ANALYSED.code]
    left += [(f, _why_not(f)) for f in findings if f.code == NOT_ANALYSED.code]
    if not wanted:
        return 0, left
    try:
        with open(path, "rb") as handle:
            data = handle.read()
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        text = decode(data)
        layout = _Layout(text)
    except (OSError, SourceError, SyntaxError, tokenize.TokenError, LookupError) as exc:
        reason = f"the file cannot be edited ({getattr(exc, 'strerror', None) or exc})"
        return 0, left + [(f, reason) for f in wanted]
    lines = _LINE_RE.findall(text)
    codes: Dict[int, List[str]] = {}
    for finding in wanted:
        number = layout.placement(finding, lines)
        if number is None:
            left.append((finding, _why_not(finding)))
        elif finding.code not in codes.setdefault(number, []):
            codes[number].append(finding.code)
    for number, added in codes.items():
        lines[number - 1] = _with_codes(lines[number - 1], sorted(added), layout.comments.get(number))
    if codes:
        if encoding == "utf-8" and data.startswith(b"\xef\xbb\xbf"):
            encoding = "utf-8-sig"
        try:
            with open(path, "wb") as handle:
                handle.write("".join(lines).encode(encoding))
        except (OSError, UnicodeEncodeError) as exc:
            reason = f"the file cannot be written ({getattr(exc, 'strerror', None) or exc})"
            return 0, left + [(f, reason) for f in wanted]
    return len(codes), left


def add_noqa(results: List[Tuple[str, Finding]], out: TextIO) -> int:
    """Add noqa comments for ``results``; print the findings that could not
    get one.  Exit status: 0 when every finding got one, else 1."""
    by_file: Dict[str, List[Finding]] = {}
    for path, finding in results:
        by_file.setdefault(path, []).append(finding)
    added = files = 0
    left: List[Tuple[str, Finding, str]] = []
    for path, findings in by_file.items():
        count, rest = add_noqa_to_file(path, findings)
        added += count
        files += 1 if count else 0
        left += [(path, finding, why) for finding, why in rest]
    for path, f, why in left:
        out.write(f"{path}:{f.line}:{f.col + 1}: {f.code} {f.message} [no noqa comment added: {why}]\n")
    plural = "s" if added != 1 else ""
    summary = f"flask-lint: added noqa comments to {added} line{plural} in {files} file{'s' if files != 1 else ''}"
    if left:
        summary += f"; {len(left)} finding{'s' if len(left) != 1 else ''} left"
    print(summary, file=sys.stderr)
    return 1 if left else 0
