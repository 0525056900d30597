"""Fixes: edits a rule attaches to its finding, and applying them to a file.

A :class:`Fix` is data: text replacements at positions taken from the AST
(1-based lines, 0-based columns in the line's UTF-8 bytes, as ``ast`` gives
them), so that nothing else in the file moves or is reformatted.  The
checkers do not hold the source text, so an edit's content is a sequence of
pieces, each literal text or a span of the original source to copy
(:func:`copy`); :func:`resolve` turns them into plain text once the text is
at hand.  Literal pieces use ``\\n``, written with the file's own line ending.

Applying follows ruff: the fixes of one pass are taken in source order, a fix
that overlaps one already taken waits for the next pass (on the re-analysed
text), an edit identical to one already applied is applied once, and there
are at most :data:`MAX_PASSES` passes.  Writing keeps the encoding, the BOM,
the line endings and the final newline, is atomic, and leaves alone a file
that changed since it was read.
"""

from __future__ import annotations

import ast
import io
import os
import re
import tokenize
from dataclasses import dataclass
from typing import Callable, Dict, Iterable, List, Optional, Sequence, Tuple, Union

SAFE = "safe"
UNSAFE = "unsafe"
MAX_PASSES = 8  # ruff allows 100; two overlapping fixes of ours settle in two or three

Span = Tuple[int, int, int, int]  # line, col, end_line, end_col of the original source
Piece = Union[str, Span]


@dataclass(frozen=True)
class Edit:
    """Replace the source from (line, col) to (end_line, end_col) with
    ``content`` (an insertion when the two positions are equal)."""

    line: int
    col: int
    end_line: int
    end_col: int
    content: Tuple[Piece, ...] = ()
    # When set, the edit is an insertion right after the first occurrence of
    # this text at or after (line, col): a token the AST gives no position
    # for, such as the parenthesis of a def (resolve() makes it a position).
    after: str = ""

    @property
    def text(self) -> str:
        """The content, once resolved (see :func:`resolve`)."""
        return "".join(p for p in self.content if isinstance(p, str))


@dataclass(frozen=True)
class Fix:
    applicability: str  # SAFE: keeps what the code means to do; UNSAFE: changes its behaviour
    message: str
    edits: Tuple[Edit, ...]

    def applies(self, unsafe: bool) -> bool:
        return self.applicability == SAFE or unsafe


# ------------------------------------------------------------------ building


def span(node: ast.AST) -> Span:
    return (node.lineno, node.col_offset, node.end_lineno or node.lineno, node.end_col_offset or 0)  # type: ignore[attr-defined]


def copy(node: ast.AST) -> Span:
    """A piece that copies ``node``'s source text as written."""
    return span(node)


def replace(node: ast.AST, *pieces: Piece) -> Edit:
    return Edit(*span(node), content=tuple(pieces))


def replace_between(start: ast.AST, end: ast.AST, *pieces: Piece) -> Edit:
    """Replace from the start of ``start`` to the end of ``end``."""
    first, last = span(start), span(end)
    return Edit(first[0], first[1], last[2], last[3], tuple(pieces))


def insert_before(node: ast.AST, *pieces: Piece) -> Edit:
    line, col = node.lineno, node.col_offset  # type: ignore[attr-defined]
    return Edit(line, col, line, col, tuple(pieces))


def insert_after(node: ast.AST, *pieces: Piece) -> Edit:
    _l, _c, line, col = span(node)
    return Edit(line, col, line, col, tuple(pieces))


def delete_between(end_of: ast.AST, start_of: ast.AST) -> Edit:
    """Delete the text between the end of ``end_of`` and the start of
    ``start_of`` (a separator such as ``, ``)."""
    _l, _c, line, col = span(end_of)
    return Edit(line, col, start_of.lineno, start_of.col_offset, ())  # type: ignore[attr-defined]


def insert_after_token(node: ast.AST, token: str, *pieces: Piece) -> Edit:
    """Insert right after the first ``token`` from ``node``'s start on (the
    ``(`` of ``def name(``): the caller makes sure no other text can match first."""
    line, col = node.lineno, node.col_offset  # type: ignore[attr-defined]
    return Edit(line, col, line, col, tuple(pieces), after=token)


def make(applicability: str, message: str, *edits: Optional[Edit]) -> Optional[Fix]:
    """A fix, or None when one of its edits could not be built."""
    if not edits or any(e is None for e in edits):
        return None
    return Fix(applicability, message, tuple(e for e in edits if e is not None))


def import_edit(tree: ast.Module, module: str, name: str) -> Optional[Edit]:
    """The edit that imports ``name`` from ``module``: joined to the first
    module-level ``from module import ...`` without a star, else a line of
    its own after the last import of the module's leading imports (or after
    the docstring; None when the module has neither).  The caller checks
    that ``name`` is free."""
    body = tree.body
    for stmt in body:
        if isinstance(stmt, ast.ImportFrom) and stmt.module == module and not stmt.level:
            if any(a.name == "*" for a in stmt.names):
                continue
            last = stmt.names[-1]
            if getattr(last, "end_lineno", None) is None:
                return None  # positions of aliases: Python 3.10+
            return insert_after(last, f", {name}")
    anchor: Optional[ast.stmt] = None
    for position, stmt in enumerate(body):
        if isinstance(stmt, (ast.Import, ast.ImportFrom)):
            anchor = stmt
        elif position == 0 and isinstance(stmt, ast.Expr) and isinstance(getattr(stmt.value, "value", None), str):
            anchor = stmt  # the docstring
        else:
            break
    if anchor is None:
        return None  # above line 1 could be a shebang's or an encoding cookie's place
    return insert_after(anchor, f"\nfrom {module} import {name}")


def fstring_spans(tree: ast.AST) -> List[Span]:
    return [span(node) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr)]


def inside_fstrings(fix: Fix, spans: Sequence[Span]) -> bool:
    """Whether an edit falls inside one of the f-strings (:func:`fstring_spans`):
    before Python 3.12 the positions of the expressions in an f-string can
    be off, and an edit there could land on the wrong text."""
    for edit in fix.edits:
        start, end = (edit.line, edit.col), (edit.end_line, edit.end_col)
        if any((s[0], s[1]) <= start and end <= (s[2], s[3]) for s in spans):
            return True
    return False


# ----------------------------------------------------------------- positions


_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # what Python's tokenizer counts as a line end


class Positions:
    """Turns ``ast`` positions (line, UTF-8 byte column) into offsets in the text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0] + [m.end() for m in _LINE_BREAK.finditer(text)]

    def offset(self, line: int, col: int) -> int:
        if line < 1:
            return 0
        if line > len(self.starts):
            return len(self.text)
        start = self.starts[line - 1]
        end = self.starts[line] if line < len(self.starts) else len(self.text)
        chunk = self.text[start:end]
        if chunk.isascii():
            return start + min(col, len(chunk))
        return start + len(chunk.encode("utf-8")[:col].decode("utf-8", errors="ignore"))

    def position(self, offset: int) -> Tuple[int, int]:
        """The (line, UTF-8 byte column) of an offset."""
        import bisect

        line = bisect.bisect_right(self.starts, offset)
        start = self.starts[line - 1]
        return line, len(self.text[start:offset].encode("utf-8"))

    def slice(self, piece: Span) -> str:
        return self.text[self.offset(piece[0], piece[1]) : self.offset(piece[2], piece[3])]


def newline_of(text: str) -> str:
    match = _LINE_BREAK.search(text)
    return match.group(0) if match else "\n"


def resolve(fix: Fix, text: str, positions: Optional[Positions] = None) -> Fix:
    """``fix`` with each edit's content as one piece of text: the copied spans
    read from ``text``, ``\\n`` written as the file's line ending."""
    positions = positions or Positions(text)
    newline = newline_of(text)
    edits = []
    for edit in fix.edits:
        parts = [p.replace("\n", newline) if isinstance(p, str) else positions.slice(p) for p in edit.content]
        line, col, end_line, end_col = edit.line, edit.col, edit.end_line, edit.end_col
        if edit.after:
            found = positions.text.find(edit.after, positions.offset(line, col))
            if found < 0:
                raise ValueError(f"no {edit.after!r} after line {line}")
            line, col = end_line, end_col = positions.position(found + len(edit.after))
        edits.append(Edit(line, col, end_line, end_col, ("".join(parts),)))
    return Fix(fix.applicability, fix.message, tuple(edits))


# ------------------------------------------------------------------ applying


def apply_fixes(text: str, fixes: Sequence[Fix]) -> Tuple[str, int]:
    """One pass: the text with the fixes that do not overlap an earlier one
    applied, and how many were."""
    positions = Positions(text)
    planned: List[Tuple[int, int, List[Tuple[int, int, str]]]] = []
    for fix in fixes:
        try:
            resolved = resolve(fix, text, positions)
        except ValueError:
            continue  # its anchor is gone
        ranges = [(positions.offset(e.line, e.col), positions.offset(e.end_line, e.end_col), e.text) for e in resolved.edits]
        planned.append((min(r[0] for r in ranges), max(r[1] for r in ranges), ranges))
    planned.sort(key=lambda item: (item[0], item[1]))
    taken: List[Tuple[int, int, str]] = []
    count = 0
    for _start, _end, ranges in planned:
        fresh = [r for r in ranges if r not in taken]
        if not fresh and ranges:
            count += 1  # every edit already made by another fix (the same import)
            continue
        if any(_overlap(r, t) for r in fresh for t in taken):
            continue  # next pass
        taken += fresh
        count += 1
    out = text
    for start, end, content in sorted(taken, key=lambda r: (r[0], r[1]), reverse=True):
        out = out[:start] + content + out[end:]
    return out, count


def _overlap(a: Tuple[int, int, str], b: Tuple[int, int, str]) -> bool:
    if a[0] < b[1] and b[0] < a[1]:
        return True
    return a[0] == b[0] and (a[0] == a[1] or b[0] == b[1])  # two insertions, or one at a replacement's start


def fix_passes(
    text: str, findings: Sequence[object], again: Callable[[str], Sequence[object]], unsafe: bool
) -> Tuple[str, int]:
    """``text`` with the applicable fixes of ``findings`` applied, pass after
    pass (``again(text)`` gives the findings of the text a pass produced),
    and how many fixes were applied.  A pass whose result would not parse is
    dropped, with the passes after it."""
    current, fixed = text, 0
    for _ in range(MAX_PASSES):
        fixes = [f for f in (getattr(finding, "fix", None) for finding in findings) if f is not None and f.applies(unsafe)]
        if not fixes:
            break
        new, count = apply_fixes(current, fixes)
        if new == current:
            break
        try:
            compile(new, "<fixed>", "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
        except (SyntaxError, ValueError):
            break  # a fix of ours that would break the file: keep what the passes before made
        current, fixed = new, fixed + count
        findings = again(current)
    return current, fixed


# ------------------------------------------------------------------- writing


class FileChanged(Exception):
    pass


def encoding_of(data: bytes) -> str:
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    return "utf-8" if encoding == "utf-8-sig" else encoding


BOM = b"\xef\xbb\xbf"


def encode_like(original: bytes, text: str) -> bytes:
    """``text`` encoded as ``original`` was: its coding cookie and BOM."""
    data = text.encode(encoding_of(original))
    return BOM + data if original.startswith(BOM) else data


def write_atomic(path: str, original: bytes, data: bytes) -> None:
    """Replace ``path``'s content, unless it is no longer ``original``
    (FileChanged): a temporary file beside it, renamed over it, with its mode."""
    with open(path, "rb") as handle:
        if handle.read() != original:
            raise FileChanged(path)
    import tempfile  # only --fix writes (tempfile imports random and shutil)

    folder = os.path.dirname(os.path.abspath(path))
    mode = os.stat(path).st_mode & 0o7777
    fd, temp = tempfile.mkstemp(dir=folder, prefix=".flask-lint-fix-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(temp, mode)
        os.replace(temp, path)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise


def to_data(fix: Optional[Fix]) -> Optional[list]:
    """A fix as JSON- and marshal-friendly data (:func:`from_data` gives it back)."""
    if fix is None:
        return None
    edits = [
        [e.line, e.col, e.end_line, e.end_col, [p if isinstance(p, str) else list(p) for p in e.content], e.after]
        for e in fix.edits
    ]
    return [fix.applicability, fix.message, edits]


def from_data(data: Optional[Sequence]) -> Optional[Fix]:
    if not data:
        return None
    applicability, message, edits = data
    return Fix(
        applicability,
        message,
        tuple(
            Edit(line, col, end_line, end_col, tuple(p if isinstance(p, str) else tuple(p) for p in content), after)
            for line, col, end_line, end_col, content, after in edits
        ),
    )


def count_fixable(fixes: Iterable[Optional[Fix]]) -> Dict[str, int]:
    counts = {SAFE: 0, UNSAFE: 0}
    for fix in fixes:
        if fix is not None:
            counts[fix.applicability] += 1
    return counts


__all__ = [
    "SAFE", "UNSAFE", "MAX_PASSES", "Edit", "Fix", "span", "copy", "replace", "replace_between", "insert_before",
    "insert_after", "insert_after_token", "delete_between", "make", "import_edit", "fstring_spans",
    "inside_fstrings", "Positions", "resolve", "apply_fixes", "FileChanged", "encode_like", "write_atomic",
    "count_fixable", "fix_passes", "to_data", "from_data",
]
