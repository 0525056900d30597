"""FLK1xx helpers: what a literal in a response means.

Everything here looks at one expression of the file being linted and answers
with plain data; the rules in :mod:`responses` decide what to report.
"""

from __future__ import annotations

import ast
import re
from http import HTTPStatus
from typing import Optional, Tuple

from ..model import FlaskModel

# A status string Werkzeug parses into its number: "404" or "404 Reason".
STATUS_STRING = re.compile(r"^\d{3}(?: .*)?$", re.DOTALL)
MIMETYPE = re.compile(r"^[a-z]+/[\w.+-]+(?:\s*;.*)?$", re.IGNORECASE)
JSONIFY = "flask.jsonify"
RENDERERS = frozenset(
    {"flask.render_template", "flask.render_template_string", "flask.stream_template", "flask.stream_template_string"}
)


def source(node: Optional[ast.AST], limit: int = 50) -> str:
    if node is None:
        return ""
    try:
        text = ast.unparse(node)
    except Exception:  # pragma: no cover - unparse handles every parsed tree
        return "..."
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def int_literal(node: Optional[ast.AST]) -> Optional[int]:
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    if (
        isinstance(node, ast.UnaryOp)
        and isinstance(node.op, ast.USub)
        and isinstance(node.operand, ast.Constant)
        and type(node.operand.value) is int
    ):
        return -node.operand.value
    return None


def http_status_member(model: FlaskModel, node: Optional[ast.AST]) -> Optional[int]:
    """``HTTPStatus.NOT_FOUND`` (or ``.value`` of it) -> 404."""
    if node is None:
        return None
    if isinstance(node, ast.Attribute) and node.attr == "value":
        node = node.value
    qual = model.qualname(node)
    if qual and qual.startswith("http.HTTPStatus."):
        member = qual.rsplit(".", 1)[1]
        if member in HTTPStatus.__members__:
            return int(HTTPStatus[member])
    return None


def status_number(model: FlaskModel, node: Optional[ast.AST]) -> Optional[int]:
    """The number a status expression stands for: an int literal, an
    ``HTTPStatus`` member or a ``"404 Reason"`` string; None otherwise."""
    value = int_literal(node)
    if value is not None:
        return value
    member = http_status_member(model, node)
    if member is not None:
        return member
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        text = node.value.strip()
        if STATUS_STRING.match(text):
            return int(text[:3])
    return None


def is_headers_literal(node: Optional[ast.AST]) -> bool:
    return isinstance(node, (ast.Dict, ast.List, ast.DictComp, ast.ListComp))


def body_kind(model: FlaskModel, node: Optional[ast.AST]) -> Optional[str]:
    """A description of a body that certainly holds something (for FLK106),
    None for an empty or unknown body."""
    if isinstance(node, ast.Constant):
        if isinstance(node.value, (str, bytes)) and node.value:
            return "text" if isinstance(node.value, str) else "bytes"
        return None
    if isinstance(node, ast.JoinedStr) and any(
        isinstance(v, ast.Constant) and isinstance(v.value, str) and v.value for v in node.values
    ):
        return "text"  # f"{name} deleted" (an f"{x}" alone may be empty)
    if isinstance(node, ast.Dict) and node.keys:
        return "dict"
    if isinstance(node, ast.List) and node.elts:
        return "list"
    if isinstance(node, ast.Call):
        qual = model.qualname(node.func)
        if qual == JSONIFY and (node.args or node.keywords):
            return "jsonify(...)"
        if qual in RENDERERS:
            return "rendered template"
        if qual == "json.dumps":
            return "JSON text"
    return None


def bodiless_status(model: FlaskModel, node: Optional[ast.AST]) -> Optional[int]:
    number = status_number(model, node)
    return number if number in (204, 304) else None


# --------------------------------------------------------------- FLK102


def status_problem(node: ast.expr) -> Optional[Tuple[str, str, str]]:
    """(problem, consequence, fix) for a literal in a status slot that
    Flask cannot use: a float, a bool, or a string that is not ``"404"``
    / ``"404 Reason"``."""
    if not isinstance(node, ast.Constant):
        return None
    value = node.value
    if isinstance(value, bool):
        return (
            f"status {value!r} is a bool",
            f"Flask sends the status line '{int(value)} UNKNOWN', which gunicorn and wsgiref turn into a 500",
            "use an int status such as 200",
        )
    if isinstance(value, float):
        fix = f"use the int {int(value)}" if value.is_integer() else "use an int status"
        return (
            f"status {value!r} is a float",
            "Werkzeug fails on it (AttributeError) and the client gets a 500",
            fix,
        )
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return (
                "the status is an empty string",
                "Werkzeug raises ValueError ('Empty status argument') and the client gets a 500",
                "use an int status such as 200",
            )
        if STATUS_STRING.match(text):
            return None
        if text.split(" ", 1)[0].isdigit():
            return None  # "99 Odd" or "4040": a number, FLK101's business
        if MIMETYPE.match(text):
            return (
                f"status {value!r} is a mimetype",
                f"Flask sends the status line '0 {text}' and a text/html body, which gunicorn and wsgiref "
                "turn into a 500",
                f"pass it as a header, e.g. {{'Content-Type': {value!r}}}, or use mimetype={value!r}",
            )
        return (
            f"status {value!r} is not a number",
            f"Flask sends the status line '0 {text}', which gunicorn and wsgiref turn into a 500",
            "use an int status or a string such as '404 Not Found'",
        )
    return None


def headers_problem(node: ast.expr) -> Optional[Tuple[str, str, str]]:
    """A literal in the headers slot of a 3-tuple that is not headers."""
    if not isinstance(node, (ast.Constant, ast.JoinedStr, ast.Tuple, ast.Set)):
        return None
    if isinstance(node, ast.Constant) and node.value is None:
        return None
    if isinstance(node, ast.Tuple):
        return None  # a tuple of (name, value) pairs is valid headers
    shown = source(node, 40)
    fix = "pass headers as a dict or a list of (name, value) pairs"
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and MIMETYPE.match(node.value.strip()):
        fix = f"pass {{'Content-Type': {node.value!r}}} as the headers"
    return (
        f"the headers slot holds {shown}",
        "Flask fails while unpacking it as headers and the client gets a 500",
        fix,
    )


def body_problem(node: ast.expr) -> Optional[Tuple[str, str, str]]:
    """The first item of a response tuple cannot be a body."""
    if isinstance(node, ast.Constant) and node.value is None:
        return None  # (None, 204): reported on its own
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
        return (
            f"the body slot holds the number {node.value!r}",
            f"Flask rejects a {type(node.value).__name__} body with TypeError and the client gets a 500",
            "put the body first: return body, status",
        )
    if isinstance(node, ast.Tuple):
        return (
            "the body slot holds another tuple",
            "Flask rejects it with TypeError and the client gets a 500",
            "flatten it into one (body, status[, headers]) tuple",
        )
    return None
