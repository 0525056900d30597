"""Reading and parsing files without ever raising on bad input."""

from __future__ import annotations

import ast
import io
import os
import re
import sys
import tokenize
import warnings
from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple, Union

# Files that match none of these cannot define or touch a Flask object, so
# neither the index nor the checkers parse them.  Anything registered on an
# app or blueprint imported from elsewhere goes through one of these names.
_RELEVANT = (
    r"[Ff]lask|FLASK|werkzeug|\.route\b|@[\w.]+\.(?:get|post|put|patch|delete)\b|url_rule"
    r"|errorhandler|error_handler|blueprint|Blueprint|_request\b|teardown_|add_resource"
    r"|monkey|as_view|url_value_preprocessor"
)
RELEVANT_RE = re.compile(_RELEVANT.encode())
RELEVANT_TEXT_RE = re.compile(_RELEVANT)
# The same test, faster: the regex tries its dozen branches at every position
# of the file, while ``in`` finds a literal with one fast C scan.  Each
# branch that is not a plain literal is searched for only once its literal
# part is in the file.
_LITERALS = (
    "flask", "Flask", "FLASK", "blueprint", "Blueprint", "werkzeug", "url_rule", "errorhandler",
    "error_handler", "teardown_", "add_resource", "monkey", "as_view", "url_value_preprocessor",
)
_GUARDED = ((".route", r"\.route\b"), ("_request", r"_request\b"), ("@", r"@[\w.]+\.(?:get|post|put|patch|delete)\b"))
_LITERALS_BYTES = tuple(word.encode() for word in _LITERALS)
_GUARDED_BYTES = tuple((word.encode(), re.compile(pattern.encode())) for word, pattern in _GUARDED)
_GUARDED_TEXT = tuple((word, re.compile(pattern)) for word, pattern in _GUARDED)


class SourceError(Exception):
    """A file that cannot be analysed; the message is one line for the user,
    ``line`` and ``col`` (1-based, 0-based) where the problem is."""

    def __init__(self, message: str, line: int = 1, col: int = 0) -> None:
        super().__init__(message)
        self.line = max(line, 1)
        self.col = max(col, 0)


# Syntax that older Pythons reject, as it shows on the line of the error:
# (first Python that accepts it, what it is, pattern).
NEWER_SYNTAX: List[Tuple[Tuple[int, int], str, re.Pattern[str]]] = [
    ((3, 14), "template strings", re.compile(r"(?<![\w.'\"])[tT][rR]?['\"]|(?<![\w.'\"])[rR][tT]['\"]")),
    ((3, 14), "except without parentheses", re.compile(r"^\s*except\s+[\w.]+\s*,\s*[\w.]+(?:\s*,\s*[\w.]+)*\s*:")),
    ((3, 13), "type parameter defaults", re.compile(r"^\s*(?:async\s+)?(?:def|class)\s+\w+\s*\[[^\]]*=")),
    ((3, 12), "type parameter lists", re.compile(r"^\s*(?:async\s+)?(?:def|class)\s+\w+\s*\[")),
    ((3, 12), "type statements", re.compile(r"^\s*type\s+\w+\s*(?:\[.*\])?\s*=")),
    ((3, 12), "nested quotes in f-strings", re.compile(r"(?<![\w.])[fF][rR]?['\"]|(?<![\w.])[rR][fF]['\"]")),
    ((3, 11), "except*", re.compile(r"^\s*except\s*\*")),
    ((3, 10), "match statements", re.compile(r"^\s*(?:match|case)\b.*:\s*(?:#.*)?$")),
]


# Python 2's ``except Error, name:`` binds ``name``; Python 3.14 reads a comma
# list as several exception types, which are classes (CapWords or dotted), so
# a lowercase bare name last is the Python 2 binding.
PYTHON2_EXCEPT = re.compile(r"^\s*except\s+(?:\([^)]*\)|[\w.]+)\s*,\s*[a-z_][a-z0-9_]*\s*:")


def newer_syntax(line_text: str, message: str = "") -> Optional[Tuple[Tuple[int, int], str]]:
    """The Python release whose syntax the line of a syntax error uses, when
    it is newer than the running Python (None otherwise)."""
    for version, what, pattern in NEWER_SYNTAX:
        if version <= sys.version_info[:2] or not pattern.search(line_text):
            continue
        if what == "nested quotes in f-strings" and "f-string" not in message:
            continue
        return version, what
    return None


@dataclass
class Source:
    text: str
    tree: ast.Module


def is_relevant(data: bytes) -> bool:
    """Whether ``RELEVANT_RE`` matches ``data``."""
    for word in _LITERALS_BYTES:
        if word in data:
            return True
    return any(word in data and pattern.search(data) is not None for word, pattern in _GUARDED_BYTES)


def is_relevant_text(text: str) -> bool:
    """Whether ``RELEVANT_TEXT_RE`` matches ``text``."""
    for word in _LITERALS:
        if word in text:
            return True
    return any(word in text and pattern.search(text) is not None for word, pattern in _GUARDED_TEXT)


def decode(data: bytes) -> str:
    """Decode with the file's coding cookie (PEP 263), as Python itself does."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:
        raise SourceError(f"cannot decode: {exc.msg if hasattr(exc, 'msg') else exc}") from None
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise SourceError(f"cannot decode as {encoding}: {_first_line(exc)}") from None
    if text.startswith("\ufeff"):
        text = text[1:]
    return text


def parse(text: str, filename: str = "<unknown>") -> ast.Module:
    try:
        with warnings.catch_warnings():
            # Invalid escape sequences and the like are not our business.
            warnings.simplefilter("ignore")
            return ast.parse(text, filename=filename)
    except SyntaxError as exc:
        where = f" (line {exc.lineno})" if exc.lineno else ""
        message = f"syntax error{where}: {exc.msg}"
        lines = text.splitlines()
        line_text = lines[exc.lineno - 1] if exc.lineno and 0 < exc.lineno <= len(lines) else (exc.text or "")
        newer = newer_syntax(line_text, str(exc.msg))
        if PYTHON2_EXCEPT.search(line_text):
            message += "; this looks like Python 2 code (except Error, name:), which flask-lint does not analyse"
        elif newer is not None:
            (major, minor), what = newer
            running = f"{sys.version_info[0]}.{sys.version_info[1]}"
            message += (
                f"; this looks like Python {major}.{minor} syntax ({what}) and flask-lint runs on"
                f" Python {running}: run flask-lint with Python {major}.{minor} or newer"
            )
        raise SourceError(message, exc.lineno or 1, (exc.offset or 1) - 1) from None
    except ValueError as exc:  # NUL bytes on older Pythons
        raise SourceError(f"cannot parse: {_first_line(exc)}") from None
    except (RecursionError, MemoryError):
        raise SourceError("cannot parse: the code is nested too deeply") from None


def read_source(path: str, data: Optional[Union[bytes, str]] = None) -> Source:
    """Read, decode and parse ``path`` (or ``data``), raising only SourceError."""
    if data is None:
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except OSError as exc:
            raise SourceError(f"cannot read: {exc.strerror or exc}") from None
    text = decode(data) if isinstance(data, bytes) else data
    return Source(text, parse(text, path))


def _first_line(exc: BaseException) -> str:
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


# Folder or module names that mark test code, whatever the layout: tests/,
# test/, testing/, conftest.py, test_*.py, *_test.py, Django-style tests.py
# or *_tests packages, and mocks/ (fakes of other services the tests run).
TEST_MODULE_PARTS = frozenset({"test", "tests", "testing", "conftest", "mocks"})


def is_test_module(module: str) -> bool:
    """A dotted module name of test code (any part named like a test)."""
    return any(
        part in TEST_MODULE_PARTS or part.startswith("test_") or part.endswith("_test") or part.endswith("_tests")
        for part in module.split(".")
    )


def is_test_path(path: str, root: str) -> bool:
    """A file of test code under ``root``, whatever its module name, or any
    file of a test suite's own project (see :func:`is_test_subproject`)."""
    rel = os.path.relpath(os.path.abspath(path), root)
    parts = rel.replace("\\", "/").split("/")
    stem = parts[-1][:-3] if parts[-1].endswith(".py") else parts[-1]
    return is_test_module(".".join(p.replace("-", "_") for p in parts[:-1] + [stem])) or is_test_subproject(root)


# Files whose folder is a project's root (index.py reads the same list).
ROOT_MARKERS = ("pyproject.toml", "setup.cfg", "setup.py", "tox.ini", ".flake8", ".git")
_TEST_SUBPROJECTS: Dict[str, bool] = {}


def is_test_subproject(root: str) -> bool:
    """A project nested in another whose folder is named like test code: an
    ``integration_tests/`` folder with a ``setup.py`` of its own inside a
    repository holds the suite and the fake services it starts.  A
    repository of its own named so (``test_app``) is not one."""
    root = os.path.abspath(root)
    if root not in _TEST_SUBPROJECTS:
        nested = False
        if is_test_module(os.path.basename(root).replace("-", "_")):
            folder = os.path.dirname(root)
            while not nested and os.path.dirname(folder) != folder:
                nested = any(os.path.exists(os.path.join(folder, marker)) for marker in ROOT_MARKERS)
                folder = os.path.dirname(folder)
        _TEST_SUBPROJECTS[root] = nested
    return _TEST_SUBPROJECTS[root]


def forget_test_subprojects() -> None:
    _TEST_SUBPROJECTS.clear()


# Folders that hold no project code: version control, virtualenvs, caches
# and build output.
SKIP_FOLDERS = frozenset(
    {
        ".git", ".hg", ".svn", ".venv", "venv", ".env", "env", ".tox", ".nox", "node_modules",
        "__pycache__", "build", "dist", ".eggs", ".mypy_cache", ".pytest_cache", ".ruff_cache",
        "site-packages", ".flask-lint-cache", ".idea", ".vscode", "htmlcov",
    }
)


def skipped_path_part(name: str) -> bool:
    """A folder (or file) name the walk leaves out: one of SKIP_FOLDERS, an
    egg-info, or a project template's (``{{cookiecutter.project}}``), whose
    ``.py`` files are Jinja that only becomes Python once rendered."""
    return name in SKIP_FOLDERS or name.endswith(".egg-info") or ("{{" in name and "}}" in name) or "{%" in name


# flake8's noqa syntax: the bare comment, or one followed by a colon and
# comma-separated codes or prefixes (FLK101,FLK2; letters then digits, as
# flake8's NOQA_INLINE_REGEXP has them).
NOQA_RE = re.compile(
    r"#\s*noqa(?::[\s]?(?P<codes>[A-Z]+[0-9]+(?:[,\s]+)?(?:[A-Z]+[0-9]+(?:[,\s]+)?)*))?",
    re.IGNORECASE,
)
