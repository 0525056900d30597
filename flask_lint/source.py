"""Reading and parsing files without ever raising on bad input."""

from __future__ import annotations

import ast
import io
import re
import tokenize
import warnings
from dataclasses import dataclass
from typing import Optional, Union

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


class SourceError(Exception):
    """A file that cannot be analysed; the message is one line for the user."""


@dataclass
class Source:
    text: str
    tree: ast.Module


def is_relevant(data: bytes) -> bool:
    return RELEVANT_RE.search(data) is not None


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
        raise SourceError(f"syntax error{where}: {exc.msg}") from None
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
