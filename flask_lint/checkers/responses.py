"""FLK1xx: responses and status codes."""

from __future__ import annotations

import ast
from typing import Iterator, List, Optional, Tuple

from ..engine import FileContext
from ..model import FunctionNode, call_arg
from ..registry import rule

INVALID_STATUS = rule(
    "FLK101",
    "invalid-status-code",
    "status {status} is not an HTTP status code (100-599): {consequence}; "
    "use a code in 100-599 or an http.HTTPStatus member",
    severity="E",
    summary="int literal status outside 100-599 in a response",
)


def response_functions(ctx: FileContext) -> Iterator[FunctionNode]:
    """Views, error handlers and request hooks defined in this file (once each)."""
    seen = set()
    candidates: List[FunctionNode] = [v.func for v in ctx.views]
    candidates += [func for func, _reg in ctx.error_handlers]
    candidates += [h.func_node for h in ctx.hooks if h.func_node is not None]
    for func in candidates:
        if id(func) not in seen:
            seen.add(id(func))
            yield func


def returned_tuple_status(ret: ast.Return) -> Optional[ast.expr]:
    """The status element of ``return body, status[, headers]``."""
    value = ret.value
    if isinstance(value, ast.Tuple) and len(value.elts) in (2, 3):
        status = value.elts[1]
        if len(value.elts) == 2 and isinstance(status, (ast.Dict, ast.List)):
            return None  # (body, headers)
        return status
    return None


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


def _status_nodes(ctx: FileContext) -> Iterator[Tuple[ast.AST, ast.expr]]:
    """(report node, status expression) for every place a status is set."""
    model = ctx.model
    for func in response_functions(ctx):
        for node in model.walk_function(func):
            if isinstance(node, ast.Return):
                status = returned_tuple_status(node)
                if status is not None:
                    yield node, status
            elif isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Attribute) and target.attr == "status_code":
                        yield node, node.value
    for call, _scope, _loop in model.calls:
        qual = model.call_qualname(call)
        if qual == "flask.make_response":
            status = call_arg(call, 1)
            if status is not None:
                yield call, status
        elif qual in ("flask.Response", "werkzeug.Response"):
            status = call_arg(call, 1, "status")
            if status is not None:
                yield call, status


def check(ctx: FileContext) -> None:
    for node, status in _status_nodes(ctx):
        value = int_literal(status)
        if value is not None and not 100 <= value <= 599:
            consequence = (
                "clients and proxies treat it as an unknown status"
                if 600 <= value <= 999
                else "gunicorn and wsgiref turn it into a 500"
            )
            ctx.report(INVALID_STATUS, node, status=value, consequence=consequence)
