"""FLK1xx: responses and status codes.

Status rules look only where a value really is a status: what views, error
handlers and before-request hooks return, and the arguments of
``make_response``, ``Response``, ``abort``, ``redirect`` and ``jsonify``.
A tuple some helper returns is data.  Flask objects are recognised through
the model (``model.qualname``), so aliases work and shadowed names do not.

Rules about what a view returns (FLK102, FLK103, FLK106, FLK107) stay silent
on views whose decorators may rewrite the return value (``@marshal_with``,
``@app.output``, ``@blp.response``, a project decorator that transforms
it).  The helpers live next to this module:

- :mod:`._responses_functions`: the views, handlers and hooks of a file
  (``responders``) and the project facts read through the index;
- :mod:`._responses_flow`: control flow (can a function reach its end?) and
  the ``responses`` summary extension (functions that never return, pure
  response builders, pass-through decorators);
- :mod:`._responses_values`: what a literal in a response means.
"""

from __future__ import annotations

import ast
import re
from typing import Any, Dict, FrozenSet, Iterator, List, Optional, Sequence, Set, Tuple

from .. import fixes
from ..engine import FileContext
from ..model import FlaskModel, FunctionInfo, FunctionNode, RouteReg, View, call_arg, child_nodes
from ..names import RESPONSE_CLASSES, WERKZEUG_ERROR_CODES, WERKZEUG_NEWER_CODES
from ..registry import Family, rule
from ._responses_flow import (
    NORETURN_CALLS,
    RESPONSE_BUILDERS,
    RESPONSES_FACTS,
    YES,
    Flow,
    condition_key,
    decorator_name,
    helper_tested_params,
    is_stub,
    iter_statements,
    module_constants,
    raising_name,
    returns_none,
    statement_call,
)
from ._responses_functions import (
    ProjectFacts,
    Responder,
    def_span,
    in_test_function,
    project_facts,
    responders,
)
from ._responses_values import (
    JSONIFY,
    MIMETYPE,
    bodiless_status,
    body_kind,
    body_problem,
    headers_problem,
    http_status_member,
    int_literal,
    is_headers_literal,
    source,
    status_number,
    status_problem,
)

INVALID_STATUS = rule(
    "FLK101",
    "invalid-status-code",
    "status {status} is not an HTTP status code (100-599): {consequence}; "
    "use a code in 100-599 or an http.HTTPStatus member",
    severity="E",
    summary="int literal status outside 100-599 in a response",
)
MALFORMED_RESPONSE = rule(
    "FLK102",
    "malformed-response-tuple",
    "{problem}, so {consequence}; {fix}",
    severity="E",
    summary="a response tuple or status Flask cannot use: (404, body), (None, 204), a mimetype as the status",
)
ERROR_WITH_SUCCESS = rule(
    "FLK103",
    "error-payload-with-success-status",
    "this view answers an error payload ({signal}) with status {status}, so clients, caches and monitoring "
    "count the failure as a success; add a 4xx/5xx status, e.g. return {fix}",
    summary="a view returning an error JSON payload with no status or a 2xx status",
)
ABORT_UNKNOWN_CODE = rule(
    "FLK104",
    "abort-unknown-code",
    "{call} raises LookupError (Werkzeug has no exception for {code}), so the client gets a 500 instead; {fix}",
    severity="E",
    summary="abort() with a code Werkzeug has no exception for (200, 302, 402, '404'...)",
)
REDIRECT_NON_3XX = rule(
    "FLK105",
    "redirect-non-3xx",
    "redirect() with code {code}: {consequence}; use 302 (303 after a form POST, 307 to keep the method, "
    "301/308 for a permanent move)",
    summary="redirect() with a code other than 301, 302, 303, 307, 308",
)
BODY_WITH_BODILESS_STATUS = rule(
    "FLK106",
    "body-with-bodiless-status",
    "a {body} body sent with status {status} is dropped silently ({effect}); return '', {status} "
    "or send the body with a 200",
    summary="a non-empty body returned with 204 or 304, which drops it",
    # Off by default: on 41 applications every finding was right and none worth a fix
    # (an "OK" or {} nobody reads); docs/validation.md.
    default_enabled=False,
)
MAY_RETURN_NONE = rule(
    "FLK107",
    "view-may-return-none",
    "{kind} {name}() {how}: {effect}; return a response on every path (or abort(404) / raise)",
    severity="E",
    summary="a view or error handler with a path that returns None",
)
STATUS_IN_JSONIFY = rule(
    "FLK108",
    "status-inside-jsonify",
    "{call} {effect} and the response is still 200; {fix}",
    summary="jsonify(payload, 400) or jsonify(..., status=400): the status lands in the body",
)
AFTER_REQUEST_NONE = rule(
    "FLK109",
    "after-request-returns-none",
    "after-request function {name}() {how}: Flask sends what it returns as the response, which fails outside "
    "its error handling, so the client gets a bare 500 and no error handler runs; return the response "
    "(the parameter or a new one) on every path",
    severity="E",
    summary="an after_request function with a path that does not return a response",
)
BEFORE_REQUEST_VALUE = rule(
    "FLK110",
    "before-request-returns-non-response",
    "before-request function {name}() returns {what}: any value but None stops the request and becomes the "
    "response, and {kind} is not one, so the client gets a 500; return None to continue, or a response "
    "(abort(403), redirect(...), ('msg', 403)) to stop",
    severity="E",
    summary="a before_request function returning a bool, int or other non-response value",
)
ARG_TYPE_AS_DEFAULT = rule(
    "FLK111",
    "request-arg-type-as-default",
    "{call}: the second argument is the default, not a converter, so the view gets the raw string (or the "
    "{type} class itself when {key} is missing); write {fix}",
    summary="request.args.get('n', int): a type passed as the default",
)
RESPONSE_NOT_RETURNED = rule(
    "FLK112",
    "response-not-returned",
    "the response built by {call} is thrown away (a forgotten return?), so the client never gets it; "
    "write return {call}",
    summary="redirect(...), jsonify(...), render_template(...)... used as a statement",
)

# --------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------

# Each aborter with the keyword its code may be passed as.  ``flask.abort``
# stands for Werkzeug's too (names.py maps one to the other), and they name
# the parameter differently (``code`` / ``status``): passed by keyword, the
# code of one is a TypeError in the other, so only the positional form counts.
ABORTER_KEYWORDS: Dict[str, Tuple[str, ...]] = {
    "flask.abort": (),
    "flask_restful.abort": ("http_status_code",),
    "flask_restx.abort": ("code",),
    "flask_restx.errors.abort": ("code",),
    "flask_restplus.abort": ("code",),
    "flask_restplus.errors.abort": ("code",),
    "flask_smorest.abort": ("http_status_code",),
}
ABORTERS = frozenset(ABORTER_KEYWORDS)
REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
REQUEST_MULTIDICTS = frozenset(
    {
        "flask.request.args",
        "flask.request.form",
        "flask.request.values",
        "flask.request.headers",
        "flask.request.cookies",
    }
)
TYPE_NAMES = {
    "builtins.int": "int",
    "builtins.float": "float",
    "builtins.bool": "bool",
    "builtins.str": "str",
    "builtins.bytes": "bytes",
    "builtins.list": "list",
    "builtins.dict": "dict",
    "builtins.complex": "complex",
    "decimal.Decimal": "Decimal",
    "uuid.UUID": "UUID",
}
DISCARDED_BUILDERS = frozenset(RESPONSE_BUILDERS)
ERROR_KEYS = frozenset(
    {"error", "errors", "error_message", "error_msg", "errormessage", "errormsg", "errmsg", "error_description"}
)
SUCCESS_KEYS = frozenset({"success", "ok", "succeeded", "successful"})
FAILURE_STATUSES = frozenset({"error", "fail", "failed", "failure"})
SUCCESS_STATUSES = frozenset({"ok", "success", "succeeded", "done"})
JSONIFY_STATUS_KEYWORDS = ("status", "status_code", "code")
BOOL_BUILTINS = frozenset(
    {"builtins.bool", "builtins.isinstance", "builtins.issubclass", "builtins.hasattr", "builtins.callable",
     "builtins.any", "builtins.all"}
)
NUMBER_BUILTINS = frozenset({"builtins.int", "builtins.len", "builtins.float", "builtins.sum", "builtins.round"})


# --------------------------------------------------------------------------
# check
# --------------------------------------------------------------------------


def check(ctx: FileContext) -> None:
    functions = responders(ctx)
    facts = project_facts(ctx.index)
    for responder in functions:
        _check_returns(ctx, responder)
        if responder.role in ("view", "handler"):
            _check_may_return_none(ctx, responder, facts)
        elif responder.role == "after":
            _check_after_request(ctx, responder, facts)
        elif responder.role == "before":
            _check_before_request(ctx, responder)
    _check_helpers_returning_none(ctx, functions, facts)
    _check_calls(ctx)
    _check_discarded(ctx, facts)


# ------------------------------------------------------------ returns


def _check_returns(ctx: FileContext, responder: Responder) -> None:
    if responder.role != "teardown":
        # Assignments are statements: no need to walk the expressions too.
        for node, _parents in iter_statements(responder.func.body):
            if type(node) is ast.Assign:
                for target in node.targets:
                    if isinstance(target, ast.Attribute) and target.attr == "status_code":
                        _invalid_status(ctx, node, node.value)
    if not responder.returns_response:
        return
    for ret in responder.info.returns:
        value = ret.value
        if isinstance(value, ast.Tuple) and len(value.elts) in (2, 3):
            status = value.elts[1]
            if not (len(value.elts) == 2 and is_headers_literal(status)):
                _invalid_status(ctx, ret, status)
        if responder.transparent:
            if not responder.resource:
                _malformed_tuple(ctx, ret)
            _bodiless(ctx, ret, responder)
            _jsonify_status_keyword(ctx, ret)
            if responder.role == "view":
                _error_payload(ctx, responder, ret)


def _invalid_status(ctx: FileContext, node: ast.AST, status: Optional[ast.expr]) -> None:
    value = int_literal(status)
    if value is not None and not 100 <= value <= 599:
        consequence = (
            "clients and proxies treat it as an unknown status"
            if 600 <= value <= 999
            else "gunicorn and wsgiref turn it into a 500"
        )
        ctx.report(INVALID_STATUS, node, status=value, consequence=consequence)


def _malformed_tuple(ctx: FileContext, ret: ast.Return) -> None:
    value = ret.value
    if not isinstance(value, ast.Tuple) or any(isinstance(e, ast.Starred) for e in value.elts):
        return
    problem = _tuple_problem(ctx.model, value.elts, "return")
    if problem is not None:
        autofix = _tuple_fix(value.elts)
        ctx.report(MALFORMED_RESPONSE, ret, autofix=autofix, problem=problem[0], consequence=problem[1], fix=problem[2])


def _tuple_fix(elts: List[ast.expr]) -> Optional[fixes.Fix]:
    """The repairs of a response tuple (or of make_response's arguments)
    that are certain: ``(404, body)`` swapped, ``(None, 204)`` with ``""``,
    ``(body, headers, 404)`` with the status second."""
    if len(elts) not in (2, 3):
        return None
    body, status = elts[0], elts[1]
    if isinstance(body, ast.Constant) and body.value is None:
        return fixes.make(fixes.SAFE, "Use an empty body", fixes.replace(body, '""'))
    first = int_literal(body)
    if first is not None and 100 <= first <= 599 and int_literal(status) is None:
        return fixes.make(
            fixes.SAFE,
            "Put the body before the status",
            fixes.replace(body, fixes.copy(status)),
            fixes.replace(status, fixes.copy(body)),
        )
    if len(elts) == 3 and isinstance(status, ast.Dict) and int_literal(elts[2]) is not None and body_problem(body) is None:
        headers = elts[2]
        return fixes.make(
            fixes.SAFE, "Put the status before the headers",
            fixes.replace(status, fixes.copy(headers)), fixes.replace(headers, fixes.copy(status)),
        )
    return None


def _tuple_problem(model: FlaskModel, elts: List[ast.expr], form: str) -> Optional[Tuple[str, str, str]]:
    """What is wrong with the items of a response tuple (or of
    ``make_response(*items)``)."""
    count = len(elts)
    shape = "return (body, status), (body, headers) or (body, status, headers)"
    if count == 1 or count >= 4:
        what = "a response tuple" if form == "return" else "make_response()"
        return (
            f"{what} with {count} item" + ("" if count == 1 else "s"),
            "Flask raises TypeError ('did not return a valid response tuple') and the client gets a 500",
            shape,
        )
    if count == 0:
        return None
    body, status = elts[0], elts[1]
    if isinstance(body, ast.Constant) and body.value is None and count in (2, 3):
        shown = source(status, 20)
        return (
            f"(None, {shown}) has no body",
            "Flask raises TypeError ('returned None') and the client gets a 500",
            f"use an empty body: return '', {shown}",
        )
    first = int_literal(body)
    if first is not None and 100 <= first <= 599:
        return (
            f"the status {first} comes before the body",
            "Flask rejects the int body with TypeError and the client gets a 500",
            f"put the body first: return {source(status, 30)}, {first}",
        )
    problem = body_problem(body)
    if problem is not None:
        return problem
    if count == 3:
        headers = elts[2]
        if is_headers_literal(status) and (
            int_literal(headers) is not None or http_status_member(model, headers) is not None
            or (isinstance(headers, ast.Constant) and isinstance(headers.value, str))
        ):
            return (
                f"the headers come before the status {source(headers, 20)}",
                "Flask iterates the status as headers (TypeError) and the client gets a 500",
                f"return body, {source(headers, 20)}, headers",
            )
        problem = headers_problem(headers)
        if problem is not None:
            return problem
    if count == 2 and is_headers_literal(status):
        return None
    return status_problem(status)


def _bodiless(ctx: FileContext, ret: ast.Return, responder: Responder) -> None:
    value = ret.value
    if isinstance(value, ast.Tuple) and len(value.elts) in (2, 3):
        status = bodiless_status(ctx.model, value.elts[1])
        kind = body_kind(ctx.model, value.elts[0])
        if status is not None and kind is not None:
            ctx.report(
                BODY_WITH_BODILESS_STATUS, ret, autofix=_empty_body_fix(value.elts[0]), body=kind, status=status,
                effect=_bodiless_effect(status),
            )


def _empty_body_fix(body: Optional[ast.expr]) -> Optional[fixes.Fix]:
    """``""`` for a body a 204/304 drops anyway, unless building it does
    something (a call inside its arguments, a walrus, an await)."""
    if body is None:
        return None
    inner = body.args + [k.value for k in body.keywords] if isinstance(body, ast.Call) else [body]
    for node in inner:
        for sub in ast.walk(node):
            if isinstance(sub, (ast.Call, ast.NamedExpr, ast.Await, ast.Yield, ast.YieldFrom)):
                return None
    return fixes.make(fixes.SAFE, "Send an empty body", fixes.replace(body, '""'))


def _bodiless_effect(status: int) -> str:
    if status == 204:
        return "the client gets an empty 204 that still carries a Content-Type"
    return "the client gets an empty 304 and keeps its cached copy"


def _jsonify_error_keyword(model: FlaskModel, call: Optional[ast.expr]) -> Optional[Tuple[ast.keyword, int]]:
    """``status=400`` / ``status_code=`` / ``code=`` with a 4xx/5xx literal in a jsonify call."""
    if not isinstance(call, ast.Call) or model.call_qualname(call) != JSONIFY:
        return None
    for kw in call.keywords:
        if kw.arg in JSONIFY_STATUS_KEYWORDS:
            number = int_literal(kw.value)
            if number is None:
                number = http_status_member(model, kw.value)
            if number is not None and 400 <= number <= 599:
                return kw, number
    return None


def _jsonify_status_keyword(ctx: FileContext, ret: ast.Return) -> None:
    """``return jsonify(error=..., status=400)``: no other status is set."""
    value = ret.value
    if isinstance(value, ast.Tuple) and len(value.elts) == 2 and is_headers_literal(value.elts[1]):
        value = value.elts[0]
    response = value  # the status goes right after it, in the returned tuple
    if isinstance(value, ast.Call) and ctx.model.call_qualname(value) == "flask.make_response" and len(value.args) == 1:
        value = value.args[0]
    found = _jsonify_error_keyword(ctx.model, value)
    if found is None or response is None:
        return
    kw, number = found
    # The keyword stays: clients may read it in the body.
    autofix = fixes.make(
        fixes.SAFE, "Return the status with the response", fixes.insert_after(response, ", ", fixes.copy(kw.value))
    )
    ctx.report(
        STATUS_IN_JSONIFY,
        kw.value,
        autofix=autofix,
        call=f"jsonify(..., {kw.arg}={source(kw.value, 30)})",
        effect=f"puts {kw.arg}={number} into the JSON body",
        fix=f"return jsonify(...), {number} (keep {kw.arg}= in the body if clients read it)",
    )


# ------------------------------------------------------------ FLK103


def _error_payload(ctx: FileContext, responder: Responder, ret: ast.Return) -> None:
    value = ret.value
    status: Any = None  # None: no status, an int, or "?" (unknown)
    payload: Optional[ast.expr] = value
    if isinstance(value, ast.Tuple):
        if len(value.elts) not in (2, 3) or any(isinstance(e, ast.Starred) for e in value.elts):
            return
        payload, second = value.elts[0], value.elts[1]
        if not (len(value.elts) == 2 and is_headers_literal(second) and not responder.resource):
            number = status_number(ctx.model, second)
            status = number if number is not None else "?"
    if isinstance(payload, ast.Call) and ctx.model.call_qualname(payload) == "flask.make_response":
        args = payload.args
        if not args or payload.keywords or any(isinstance(a, ast.Starred) for a in args):
            return
        if len(args) >= 2 and not (len(args) == 2 and is_headers_literal(args[1])) and status is None:
            number = status_number(ctx.model, args[1])
            status = number if number is not None else "?"
        payload = args[0]
    returned = payload  # shown in the message: _sole_payload() swaps in another expression
    fix = None
    if status is None and isinstance(value, ast.Call):
        serialised = _serialised_payload(ctx, value)
        if serialised is not None:
            payload, status, fix = serialised
            returned = value
        elif _helper_error_payload(ctx, ret, value):
            return
    if status == "?" or (status is not None and not 200 <= status <= 299):
        return
    if _jsonify_error_keyword(ctx.model, payload) is not None:
        return  # FLK108 reports it, with the fix for both
    if isinstance(payload, ast.Name):
        payload = _sole_payload(ctx, responder, payload, returned)
    signal = failure_signal(ctx.model, payload)
    if signal is None or _flag_answer(ctx, responder, ret, payload):
        return
    if not ctx.config.report_envelopes and _envelope_answer(ctx, responder, payload):
        return
    shown = "200 (the default)" if status is None else str(status)
    ctx.report(ERROR_WITH_SUCCESS, ret, signal=signal, status=shown, fix=fix or f"{source(returned, 40)}, 400")


def _serialised_payload(ctx: FileContext, call: ast.Call) -> Optional[Tuple[ast.expr, Any, Optional[str]]]:
    """``return render_json({"error": "missing"})``: a project helper that
    answers the JSON of what it is given (``Response(json.dumps(data),
    mimetype="application/json")``, ``jsonify(data)``) with its own status,
    200 when it sets none.  (the payload this call passes, the status: None,
    an int or "?", the fix to suggest); None when the call is not of such a
    helper or its payload is not known."""
    reply = project_facts(ctx.index).reply(ctx.model.qualname(call.func))
    spec = reply.get("payload") if reply is not None else None
    if not isinstance(spec, (list, tuple)):
        return None
    payload = _passed(call, spec)
    if payload is None or payload is _UNKNOWN_ARG:
        return None
    status = reply.get("st") if reply is not None else "?"
    fix = None
    if isinstance(status, (list, tuple)):  # a parameter
        if _passed(call, status) is not None:
            return payload, "?", None  # the caller sets it: its own business
        fix = f"{source(call.func, 30)}(..., {status[0]}=400)"
        status = status[2]
    if not (status is None or (isinstance(status, int) and not isinstance(status, bool))):
        status = "?"
    return payload, status, fix


def _helper_error_payload(ctx: FileContext, ret: ast.Return, call: ast.Call) -> bool:
    """``return error_json("missing")``: a project helper that answers with
    an error payload and a 2xx status, given the error by this call.  False
    when the call is not of a project helper with a known answer."""
    reply = project_facts(ctx.index).reply(ctx.model.qualname(call.func))
    if reply is None:
        return False
    if "items" not in reply:
        return True
    status = reply.get("st")
    fix = f"{source(call, 40)}, 400"
    if isinstance(status, (list, tuple)):  # a parameter (the index hands lists back as tuples)
        if _passed(call, status) is not None:
            return True  # the caller sets it: its own business
        fix = f"{source(call.func, 30)}(..., {status[0]}=400)"
        status = status[2]
    if not (status is None or (isinstance(status, int) and not isinstance(status, bool) and 200 <= status <= 299)):
        return True
    items: List[Tuple[str, ast.expr]] = []
    for key, spec in reply["items"]:
        value = _reply_value(call, spec)
        if value is not None:
            items.append((key, value))
    signal = _signal_of(ctx.model, items)
    if signal is None:
        return True
    shown = "200 (the default)" if status is None else str(status)
    ctx.report(ERROR_WITH_SUCCESS, ret, signal=signal, status=shown, fix=fix)
    return True


def _passed(call: ast.Call, spec: Sequence[Any]) -> Optional[ast.expr]:
    """The argument a call passes for a parameter spec ([name, position,
    default]); the Ellipsis node when ``*args``/``**kwargs`` may pass it."""
    name, position = spec[0], spec[1]
    for kw in call.keywords:
        if kw.arg == name:
            return kw.value
        if kw.arg is None:
            return _UNKNOWN_ARG
    for index, arg in enumerate(call.args):
        if isinstance(arg, ast.Starred):
            return _UNKNOWN_ARG if position is not None and position >= index else None
        if index == position:
            return arg
    return None


_UNKNOWN_ARG = ast.Constant(value=...)


def _reply_value(call: ast.Call, spec: Sequence[Any]) -> Optional[ast.expr]:
    """The expression a helper's JSON value stands for in this call (None
    when unknown)."""
    kind = spec[0]
    if kind == "c":
        return ast.Constant(value=spec[1])
    if kind == "e":
        try:
            return ast.parse(spec[1], mode="eval").body
        except SyntaxError:
            return None
    if kind != "p" or not isinstance(spec[1], (list, tuple)):
        return None
    passed = _passed(call, spec[1])
    if passed is _UNKNOWN_ARG:
        return None
    if passed is not None:
        return passed
    default = spec[1][2]
    return None if default == "req" else ast.Constant(value=default)


def _sole_payload(
    ctx: FileContext, responder: Responder, name: ast.Name, answered: Optional[ast.expr] = None
) -> Optional[ast.expr]:
    """The value of a local bound once and used only by returns (no
    ``resp.status_code = ...``, no call that could change it) or, given
    ``answered``, as the argument of that call (``render_json(errors)``)."""
    bindings = responder.info.scope.bindings.get(name.id)
    if not bindings or len(bindings) != 1 or bindings[0].kind != "assign":
        return None
    returned = {id(r.value) for r in responder.info.returns}
    if isinstance(answered, ast.Call):
        returned.update(id(a) for a in answered.args)
        returned.update(id(k.value) for k in answered.keywords)
    for node in ctx.model.walk_function(responder.func):
        if isinstance(node, ast.Name) and node.id == name.id and isinstance(node.ctx, ast.Load):
            if id(node) not in returned:
                return None
        elif isinstance(node, ast.Tuple) and any(isinstance(e, ast.Name) and e.id == name.id for e in node.elts):
            if id(node) not in returned:
                return None
    value = bindings[0].node
    return value if isinstance(value, ast.expr) else None


def failure_signal(model: FlaskModel, payload: Optional[ast.expr]) -> Optional[str]:
    """``error='...'`` when a dict or ``jsonify`` payload signals a failure."""
    found = payload_items(model, payload)
    return _signal_of(model, found[0]) if found is not None else None


def payload_items(model: FlaskModel, payload: Optional[ast.expr]) -> Optional[Tuple[List[Tuple[str, ast.expr]], bool]]:
    """The literal string keys of a dict literal, ``dict(...)`` or
    ``jsonify(...)`` payload with their values, and whether it also unpacks
    another mapping (``**info``); None for anything else."""
    if isinstance(payload, ast.Call):
        qual = model.call_qualname(payload)
        if qual == JSONIFY and len(payload.args) == 1 and not payload.keywords:
            return payload_items(model, payload.args[0])
        if (qual == JSONIFY and payload.keywords and not payload.args) or (qual == "builtins.dict" and not payload.args):
            items = [(kw.arg, kw.value) for kw in payload.keywords if kw.arg is not None]
            return items, len(items) < len(payload.keywords)
        return None
    if isinstance(payload, ast.Dict):
        items = [
            (key.value, value)
            for key, value in zip(payload.keys, payload.values)
            if isinstance(key, ast.Constant) and isinstance(key.value, str)
        ]
        return items, any(key is None for key in payload.keys)
    return None


# What an error body carries besides its signal; any other key is data.
_ERROR_VOCABULARY = ERROR_KEYS | SUCCESS_KEYS | frozenset(
    {"status", "status_code", "statuscode", "code", "message", "msg", "reason", "detail", "details", "description",
     "title", "type", "hint"}
)


def _flag_answer(ctx: FileContext, responder: Responder, ret: ast.Return, payload: Optional[ast.expr]) -> bool:
    """A payload whose only failure signal is a success flag set to False,
    and that is not an error body by its shape:

    - a partial answer: its data keys (not an error's message, code...) are
      among those of a payload the same view answers with the flag True
      (``{"success": False, "address": a}`` beside ``{"success": True,
      "address": a, "path": p}``);
    - a yes/no answer: the flag is all it holds, the view answers the same
      flag True elsewhere and reads no request input (no parameter, no
      ``request``/``session``), and this return is not an ``except``
      block's: the question is about the server's state ("not yet"), not
      about a bad request or a failure."""
    model = ctx.model
    found = payload_items(model, payload)
    if found is None:
        return False
    items, unpacked = found
    flags: Set[str] = set()
    for key, value in items:
        lowered = key.lower()
        if lowered in ERROR_KEYS and _truthy(model, value):
            return False
        if lowered == "status" and isinstance(value, ast.Constant) and str(value.value).lower() in FAILURE_STATUSES:
            return False
        if lowered in SUCCESS_KEYS and isinstance(value, ast.Constant) and value.value is False:
            flags.add(key)
    data = {key for key, _ in items if key.lower() not in _ERROR_VOCABULARY}
    successes: List[Set[str]] = []
    for other in responder.info.returns:
        other_items = payload_items(model, _answered_payload(ctx, responder, other.value))
        if other_items is not None and any(
            key in flags and isinstance(value, ast.Constant) and value.value is True for key, value in other_items[0]
        ):
            successes.append({key for key, _ in other_items[0]})
    if not successes:
        return False
    if data:
        return any(data <= keys for keys in successes)
    bare = not unpacked and all(key.lower() in SUCCESS_KEYS for key, _ in items)
    return bare and _reads_no_input(model, responder) and not _in_except(model, responder.func, ret)


def _answered_payload(ctx: FileContext, responder: Responder, value: Optional[ast.expr]) -> Optional[ast.expr]:
    """The body of a returned value: ``(body, status)``, ``make_response(body,
    ...)``, a local bound once to it."""
    if isinstance(value, ast.Tuple) and value.elts:
        value = value.elts[0]
    if isinstance(value, ast.Call) and ctx.model.call_qualname(value) == "flask.make_response" and value.args:
        value = value.args[0]
    if isinstance(value, ast.Call):
        serialised = _serialised_payload(ctx, value)
        if serialised is not None:
            value = serialised[0]
    if isinstance(value, ast.Name):
        return _sole_payload(ctx, responder, value)
    return value


def _envelope(ctx: FileContext, responder: Responder) -> Tuple[Set[str], bool]:
    """From one pass over the view's returns: the success flags (``success``,
    ``ok``, ``status``...) it answers with their success value and a 2xx
    (``jsonify(success=True)``, ``{"status": "ok"}``), an envelope its client
    reads; and whether some return carries a 4xx/5xx status."""
    flags: Set[str] = set()
    refuses = False
    for ret in responder.info.returns:
        value = ret.value
        if isinstance(value, ast.Tuple) and len(value.elts) >= 2:
            status = status_number(ctx.model, value.elts[1])
            if status is not None and not 200 <= status <= 299:
                refuses = refuses or 400 <= status <= 599
                continue
        found = payload_items(ctx.model, _answered_payload(ctx, responder, value))
        for key, item in found[0] if found is not None else ():
            lowered = key.lower()
            if not isinstance(item, ast.Constant):
                continue
            if (lowered in SUCCESS_KEYS or lowered == "status") and item.value is True:
                flags.add(lowered)  # `status=True`: a success flag too
            elif lowered == "status" and isinstance(item.value, str) and item.value.lower() in SUCCESS_STATUSES:
                flags.add(lowered)
    return flags, refuses


def _envelope_answer(ctx: FileContext, responder: Responder, payload: Optional[ast.expr]) -> bool:
    """A failure said in the view's own envelope (``success=False`` where
    the view answers ``success=True`` too): its client reads the flag on
    purpose.  Not when the body names an HTTP error status of its own
    (``"status_code": 500``) or the view answers other failures with a
    4xx/5xx, which shows the status line was meant to carry them."""
    found = payload_items(ctx.model, payload)
    if found is None:
        return False
    failed: Set[str] = set()
    for key, value in found[0]:
        lowered = key.lower()
        number = int_literal(value)
        if lowered in _ERROR_VOCABULARY and number is not None and 400 <= number <= 599:
            return False
        if not isinstance(value, ast.Constant):
            continue
        if lowered == "status" and str(value.value).lower() in FAILURE_STATUSES:
            failed.add(lowered)
        elif (lowered in SUCCESS_KEYS or lowered == "status") and value.value is False:
            failed.add(lowered)
    if not failed:
        return False
    flags, refuses = _envelope(ctx, responder)
    return bool(failed & flags) and not refuses


def _reads_no_input(model: FlaskModel, responder: Responder) -> bool:
    """No parameter (URL variable) besides ``self``, and no read of the
    request or the session in the view's own body."""
    args = responder.func.args
    params = [a.arg for a in args.posonlyargs + args.args + args.kwonlyargs]
    if responder.info.class_node is not None and params[:1] == ["self"]:
        params = params[1:]
    if params or args.vararg or args.kwarg:
        return False
    for node in model.walk_function(responder.func):
        if isinstance(node, (ast.Name, ast.Attribute)):
            qual = model.qualname(node)
            if qual is not None and qual.startswith(("flask.request", "flask.session")):
                return False
    return True


def _in_except(model: FlaskModel, func: FunctionNode, node: ast.AST) -> bool:
    for handler in model.walk_function(func):
        if isinstance(handler, ast.ExceptHandler) and any(inner is node for inner in ast.walk(handler)):
            return True
    return False


def _signal_of(model: FlaskModel, items: List[Tuple[str, ast.expr]]) -> Optional[str]:
    keys = {key.lower() for key, _ in items}
    if "jsonrpc" in keys or ("data" in keys and "errors" in keys):
        return None  # JSON-RPC and GraphQL answer errors in-band on purpose
    for key, value in items:
        if isinstance(value, ast.Constant) and (
            (key.lower() in SUCCESS_KEYS and value.value is True)
            or (key.lower() == "status" and isinstance(value.value, str) and value.value.lower() in SUCCESS_STATUSES)
        ):
            return None  # the body says the request succeeded: an "error" beside it is a detail of the data
    for key, value in items:
        lowered = key.lower()
        if lowered in ERROR_KEYS and _truthy(model, value):
            return f"{key}={source(value, 30)}"
        if lowered in SUCCESS_KEYS and isinstance(value, ast.Constant) and value.value is False:
            return f"{key}=False"
        if (
            lowered == "status"
            and isinstance(value, ast.Constant)
            and isinstance(value.value, str)
            and value.value.lower() in FAILURE_STATUSES
        ):
            return f"{key}={value.value!r}"
    return None


def _truthy(model: FlaskModel, value: ast.expr) -> bool:
    """A value that is certainly a non-empty error (not None, '', [], a variable)."""
    if isinstance(value, ast.Constant):
        return bool(value.value) and not isinstance(value.value, (int, float)) or value.value is True
    if isinstance(value, ast.JoinedStr):
        return bool(value.values)
    if isinstance(value, (ast.Dict, ast.List, ast.Tuple)):
        return bool(value.keys if isinstance(value, ast.Dict) else value.elts)
    if isinstance(value, ast.BinOp) and isinstance(value.op, (ast.Mod, ast.Add)):
        return isinstance(value.left, ast.Constant) and isinstance(value.left.value, str) and bool(value.left.value)
    if isinstance(value, ast.Call):
        if model.call_qualname(value) in ("builtins.str", "builtins.repr"):
            return True
        func = value.func
        return (
            isinstance(func, ast.Attribute)
            and func.attr == "format"
            and isinstance(func.value, ast.Constant)
            and isinstance(func.value.value, str)
        )
    return False


# ------------------------------------------------------------ FLK107 / FLK109


def _flow(
    ctx: FileContext,
    responder: Responder,
    facts: ProjectFacts,
    route: Optional[Tuple[Optional[FrozenSet[str]], Dict[Tuple[str, bool], bool]]] = None,
) -> Flow:
    """The control flow of a responder; ``route`` narrows it to one of the
    view's routes: its methods and what its URL variables say of the
    parameters (``project_id is None`` on a rule without ``<project_id>``)."""
    model = ctx.model
    methods, facts_of_route = route if route is not None else (_route_methods(responder.view), {})

    def normalise(test: ast.expr) -> Optional[ast.expr]:
        # Flask-Login: a user that is not anonymous is authenticated (for
        # user models that keep UserMixin's is_active).
        if isinstance(test, ast.Attribute) and test.attr == "is_anonymous":
            if model.qualname(test) == "flask_login.current_user.is_anonymous":
                flipped = ast.Attribute(value=test.value, attr="is_authenticated", ctx=ast.Load())
                return ast.UnaryOp(op=ast.Not(), operand=flipped)
        return None

    def known(test: ast.expr) -> Optional[bool]:
        if facts_of_route:
            key, polarity = condition_key(test)
            truth = facts_of_route.get((key, True))
            if truth is not None:
                return truth if polarity else not truth
        negated = False
        while isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            test, negated = test.operand, not negated
        if isinstance(test, ast.Call) and facts.always_true(model.qualname(test.func)):
            return not negated
        return None

    def oracle(call: ast.Call) -> Optional[bool]:
        qual = model.qualname(call.func)
        if qual in NORETURN_CALLS:
            return True
        if isinstance(call.func, ast.Attribute) and call.func.attr == "abort":
            if ctx.owner_kind(model.value(call.func.value)) in ("api", "namespace"):
                return True
        verdict = facts.never_returns(qual)
        if verdict is not None:
            return verdict
        if qual in RESPONSE_BUILDERS:
            return False
        return None if raising_name(decorator_name(model, call.func)) else False

    def method_tests(test: ast.expr) -> Optional[FrozenSet[str]]:
        return _method_tests(model, test)

    def suppressor(expr: ast.expr) -> bool:
        return isinstance(expr, ast.Call) and model.call_qualname(expr) == "contextlib.suppress"

    return Flow(
        oracle, method_tests, methods, suppressor, _finite_domains(model, responder.info), known=known,
        normalise=normalise, constants=module_constants(model, facts.constant), resolve=model.qualname,
        checked=lambda call: facts.checked_arguments(model.qualname(call.func), call),
        predicate=lambda call: facts.predicate(model.qualname(call.func)),
        integers=_integer_locals(model, responder.info),
        once=frozenset(_bound_once(responder.info)),
    )


# Calls whose result is one of a few values known from their literal arguments.
_RANDOM_CHOICES = {"random.choice", "secrets.choice"}
_MAX_DOMAIN = 64


def _bound_once(info: FunctionInfo) -> Iterator[str]:
    """Local names (parameters included) bound exactly once, never global."""
    scope = info.scope
    for name, bindings in scope.bindings.items():
        if len(bindings) == 1 and name not in scope.global_names:
            yield name


def _assigned_once_from_calls(info: FunctionInfo) -> Iterator[Tuple[str, ast.Call]]:
    """(name, call) for the locals bound once, by ``name = call(...)``."""
    for name in _bound_once(info):
        binding = info.scope.bindings[name][0]
        if binding.kind == "assign" and isinstance(binding.node, ast.Call):
            yield name, binding.node


def _finite_domains(model: FlaskModel, info: FunctionInfo) -> Dict[str, FrozenSet[object]]:
    """Local names bound once, to ``random.randint(0, 1)`` or
    ``random.choice(("a", "b"))``, with the values they can hold: an if/elif
    chain testing all of them leaves no path open."""
    out: Dict[str, FrozenSet[object]] = {}
    for name, call in _assigned_once_from_calls(info):
        if call.keywords:
            continue
        qual = model.call_qualname(call)
        if qual in _RANDOM_CHOICES:
            seq = call.args[0] if len(call.args) == 1 else None
            if isinstance(seq, (ast.Tuple, ast.List)) and seq.elts and all(isinstance(e, ast.Constant) for e in seq.elts):
                if len(seq.elts) <= _MAX_DOMAIN:
                    out[name] = frozenset(e.value for e in seq.elts if isinstance(e, ast.Constant))
            continue
        bounds = [a.value for a in call.args if isinstance(a, ast.Constant) and type(a.value) is int]
        if len(bounds) != len(call.args):
            continue
        span: Optional[range] = None
        if qual == "random.randint" and len(bounds) == 2:
            span = range(bounds[0], bounds[1] + 1)
        elif qual == "random.randrange" and 1 <= len(bounds) <= 3 and (len(bounds) < 3 or bounds[2] != 0):
            span = range(*bounds)
        elif qual == "secrets.randbelow" and len(bounds) == 1:
            span = range(bounds[0])
        if span is not None and 0 < len(span) <= _MAX_DOMAIN:
            out[name] = frozenset(span)
    return out


# request.args.get("n", type=int) and the like: an int, or the default.
_TYPED_GETS = frozenset(
    f"flask.request.{part}.get" for part in ("args", "values", "form", "headers", "cookies")
)


def _integer_locals(model: FlaskModel, info: FunctionInfo) -> FrozenSet[str]:
    """Local names bound once, to what can only be an int: ``int(...)``,
    ``len(...)``, or ``request.args.get("n", 0, type=int)`` with an int
    default or none (a None fails any range test with a TypeError)."""
    # (an int() of a float string raises, and a bool is an int: both fine)
    out: Set[str] = set()
    for name, call in _assigned_once_from_calls(info):
        if any(isinstance(a, ast.Starred) for a in call.args):
            continue
        qual = model.call_qualname(call)
        if qual in ("builtins.int", "builtins.len") and not call.keywords and call.args:
            out.add(name)
        elif qual in _TYPED_GETS and len(call.args) <= 2:
            keywords = {k.arg: k.value for k in call.keywords}
            default = call.args[1] if len(call.args) == 2 else keywords.get("default")
            typed = keywords.get("type")
            if (
                set(keywords) <= {"type", "default"}
                and typed is not None
                and model.qualname(typed) == "builtins.int"
                and (default is None or (isinstance(default, ast.Constant) and type(default.value) in (int, type(None))))
            ):
                out.add(name)
    return frozenset(out)


def _method_tests(model: FlaskModel, test: ast.expr) -> Optional[FrozenSet[str]]:
    """The methods a pure ``request.method`` test matches (None otherwise)."""
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.Or):
        out: Set[str] = set()
        for value in test.values:
            methods = _method_tests(model, value)
            if methods is None:
                return None
            out |= methods
        return frozenset(out)
    if not isinstance(test, ast.Compare) or len(test.ops) != 1:
        return None
    left, right = test.left, test.comparators[0]
    if model.qualname(right) == "flask.request.method":
        left, right = right, left
    if model.qualname(left) != "flask.request.method":
        return None
    op = test.ops[0]
    if isinstance(op, ast.Eq) and isinstance(right, ast.Constant) and isinstance(right.value, str):
        return frozenset({right.value.upper()})
    if isinstance(op, ast.In) and isinstance(right, (ast.Tuple, ast.List, ast.Set)):
        names = [e.value.upper() for e in right.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
        if len(names) == len(right.elts):
            return frozenset(names)
    return None


def _route_methods(view: Optional[View]) -> Optional[FrozenSet[str]]:
    """The methods a function view's routes accept (None when unknown)."""
    if view is None or view.kind != "function" or not view.routes:
        return None
    methods: Set[str] = set()
    for route in view.routes:
        one = _methods_of(route)
        if one is None:
            return None
        methods |= one
    return frozenset(methods)


def _methods_of(route: RouteReg) -> Optional[FrozenSet[str]]:
    node = route.methods_node
    if node is None:
        if route.method in ("route", "add_url_rule"):
            return frozenset({"GET"})
        if route.method in ("get", "post", "put", "delete", "patch"):
            return frozenset({route.method.upper()})
        return None
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)) and all(
        isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts
    ):
        return frozenset(e.value.upper() for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str))
    return None


_URL_VARIABLE = re.compile(r"<(?:[^<>:]+:)?([A-Za-z_]\w*)>")


def _route_contexts(
    responder: Responder,
) -> Optional[List[Tuple[Optional[FrozenSet[str]], Dict[Tuple[str, bool], bool]]]]:
    """For a function view on several rules: each rule's methods, and the
    truth of ``param is None`` (and ``not param``) that its URL variables
    fix for parameters the body never rebinds.  None when there is one
    rule (or the rules are not literal): the view is judged as a whole."""
    view = responder.view
    if view is None or view.kind != "function" or len(view.routes) < 2:
        return None
    func = responder.func
    positional = func.args.posonlyargs + func.args.args
    defaults: Dict[str, ast.expr] = {}
    if func.args.defaults:
        defaults.update(zip([a.arg for a in positional][-len(func.args.defaults):], func.args.defaults))
    for arg, default in zip(func.args.kwonlyargs, func.args.kw_defaults):
        if default is not None:
            defaults[arg.arg] = default
    bindings = responder.info.scope.bindings
    stable = {
        name: value
        for name, value in defaults.items()
        if isinstance(value, ast.Constant) and all(b.kind == "param" for b in bindings.get(name, ()))
    }
    contexts: List[Tuple[Optional[FrozenSet[str]], Dict[Tuple[str, bool], bool]]] = []
    for route in view.routes:
        if route.rule is None or route.defaults_node is not None:
            return None
        variables = set(_URL_VARIABLE.findall(route.rule))
        known: Dict[Tuple[str, bool], bool] = {}
        for name, default in stable.items():
            is_none = condition_key(ast.parse(f"{name} is None", mode="eval").body)
            if name in variables:
                known[(is_none[0], True)] = not is_none[1]
            else:
                known[(is_none[0], True)] = (default.value is None) == is_none[1]
                truthy = condition_key(ast.Name(id=name, ctx=ast.Load()))
                known[(truthy[0], True)] = bool(default.value) == truthy[1]
        contexts.append((_methods_of(route), known))
    return contexts


NO_RESPONSE_EFFECT = "Flask raises TypeError ('did not return a valid response') and the client gets a 500"
# (checked under Flask-RESTX and Flask-RESTful: {"name": null, "size": null}, 200)
MARSHALLED_NONE_EFFECT = (
    "the Api marshals the None into the model with every field null and the client gets it as a success (200)"
)


def _check_may_return_none(ctx: FileContext, responder: Responder, facts: ProjectFacts) -> None:
    if responder.info.is_generator:
        return
    if (not responder.transparent or responder.resource) and not responder.marshalled:
        return
    if is_stub(responder.func):
        return  # a placeholder (docs generation, tests, an abstract base): not a finished view
    kind = "view" if responder.role == "view" else "error handler"
    effect = MARSHALLED_NONE_EFFECT if responder.marshalled else NO_RESPONSE_EFFECT
    flow = _flow(ctx, responder, facts)
    dead = flow.unreachable(responder.func.body) if any(returns_none(r) for r in responder.info.returns) else set()
    for ret in responder.info.returns:
        if returns_none(ret) and id(ret) not in dead:
            how = "returns None here" if ret.value is not None else "has a bare return here"
            ctx.report(MAY_RETURN_NONE, ret, kind=kind, name=responder.name, how=how, effect=effect)
    contexts = _route_contexts(responder) if responder.role == "view" else None
    if contexts is None:
        falls_off = flow.block(responder.func.body) == YES
    else:
        # A path counts only if some rule can take it: its methods and its
        # URL variables together.
        falls_off = any(_flow(ctx, responder, facts, c).block(responder.func.body) == YES for c in contexts)
    if falls_off:
        how = "can reach the end of its body without a return"
        if _falls_off_only_for_head(ctx, responder, facts, contexts):
            how += ' for HEAD (Flask sends HEAD to every GET route, with request.method == "HEAD")'
        ctx.report(MAY_RETURN_NONE, def_span(responder.func), kind=kind, name=responder.name, how=how, effect=effect)


def _falls_off_only_for_head(
    ctx: FileContext,
    responder: Responder,
    facts: ProjectFacts,
    contexts: Optional[List[Tuple[Optional[FrozenSet[str]], Dict[Tuple[str, bool], bool]]]],
) -> bool:
    """The view's paths that fall off all need request.method == "HEAD"."""
    judged: List[Optional[Tuple[Optional[FrozenSet[str]], Dict[Tuple[str, bool], bool]]]] = [None]
    if contexts:
        judged = list(contexts)
    for context in judged:
        flow = _flow(ctx, responder, facts, context)
        flow.ignore_head = True
        if flow.block(responder.func.body) == YES:
            return False
    return True


def _check_helpers_returning_none(ctx: FileContext, functions: List[Responder], facts: ProjectFacts) -> None:
    """FLK107 on a helper of this module whose None some view returns
    (``return handle_form(request.form)``): judged by the flow FLK107
    judges views by, and reported at the helper, where the None comes
    from, naming the view."""
    if ctx.is_test_file:
        return
    table = facts.returned_helpers()
    if not table:
        return
    responding = {id(r.func) for r in functions}
    for info in ctx.model.functions.values():
        callers = table.get(info.qualname)
        if not callers or id(info.node) in responding:
            continue
        tested = helper_tested_params(ctx.model, info)
        if tested is None:
            continue
        found = [c for c in callers if _passes_opaque(info, tested, c[3], c[4])]
        if not found:
            continue
        helper = Responder(info.node, info, "helper")
        node: Optional[ast.AST] = None
        said = "can reach the end of its body without a return"
        if _flow(ctx, helper, facts).block(info.node.body) == YES:
            node = def_span(info.node)
        elif any(returns_none(r) for r in info.returns):
            dead = _flow(ctx, helper, facts).unreachable(info.node.body)
            node = next((r for r in info.returns if returns_none(r) and id(r) not in dead), None)
            said = "returns None here"
        if node is None:
            continue
        module, view, view_line = found[0][:3]
        others = len({(c[0], c[1]) for c in found}) - 1
        more = f" (and {others} other view{'s' if others > 1 else ''})" if others else ""
        ctx.report(
            MAY_RETURN_NONE, node, kind="helper", name=info.node.name,
            how=f"{said}, and view {view}() returns its value ({module}:{view_line}){more}",
            effect=NO_RESPONSE_EFFECT,
        )


def _passes_opaque(info: FunctionInfo, tested: Set[str], positional: Sequence[int], keywords: Dict[str, int]) -> bool:
    """Whether a call passes an opaque value (request data, a computed
    value) for every parameter the helper's conditions test: a literal or
    a default may be exactly what makes it return."""
    args = info.node.args
    names = [a.arg for a in args.posonlyargs + args.args]
    for name in tested:
        position = names.index(name) if name in names else None
        if position is not None and position < len(positional):
            if not positional[position]:
                return False
        elif keywords.get(name) != 1:
            return False
    return True


def _check_after_request(ctx: FileContext, responder: Responder, facts: ProjectFacts) -> None:
    if responder.info.is_generator or not responder.transparent or is_stub(responder.func):
        return
    flow = _flow(ctx, responder, facts)
    dead = flow.unreachable(responder.func.body)
    for ret in responder.info.returns:
        value = ret.value
        if id(ret) in dead:
            continue
        if returns_none(ret):
            how = "returns None here" if value is not None else "has a bare return here"
        elif isinstance(value, (ast.Constant, ast.JoinedStr, ast.Tuple, ast.Dict, ast.List)):
            how = f"returns {source(value, 30)} instead of a response object here"
        else:
            continue
        ctx.report(AFTER_REQUEST_NONE, ret, name=responder.name, how=how)
    if flow.block(responder.func.body) == YES:
        ctx.report(
            AFTER_REQUEST_NONE, def_span(responder.func), name=responder.name,
            how="can reach the end of its body without a return, so it returns None",
        )


# ------------------------------------------------------------ FLK110


def _check_before_request(ctx: FileContext, responder: Responder) -> None:
    for ret in responder.info.returns:
        kind = _non_response_kind(ctx.model, ret.value)
        if kind is not None:
            ctx.report(BEFORE_REQUEST_VALUE, ret, name=responder.name, what=source(ret.value, 30), kind=kind)


def _non_response_kind(model: FlaskModel, value: Optional[ast.expr]) -> Optional[str]:
    if isinstance(value, ast.Constant):
        if isinstance(value.value, bool):
            return "a bool"
        if isinstance(value.value, (int, float, complex)):
            return f"a {type(value.value).__name__}"
        return None
    if isinstance(value, ast.UnaryOp) and isinstance(value.op, ast.USub) and int_literal(value) is not None:
        return "an int"
    if isinstance(value, (ast.Compare,)) or (isinstance(value, ast.UnaryOp) and isinstance(value.op, ast.Not)):
        return "a bool"
    if isinstance(value, (ast.Set, ast.SetComp)):
        return "a set"
    if isinstance(value, ast.Call):
        qual = model.call_qualname(value)
        if qual in BOOL_BUILTINS:
            return "a bool"
        if qual in NUMBER_BUILTINS:
            return "a number"
    return None


# ------------------------------------------------------------ calls


def _check_calls(ctx: FileContext) -> None:
    model = ctx.model
    for call, scope, _loop in model.calls:
        if in_test_function(ctx, scope):
            continue
        func = call.func
        qual = model.qualname(func)
        if qual == "flask.make_response":
            _check_make_response(ctx, call)
        elif qual in RESPONSE_CLASSES:
            _check_response_class(ctx, call)
        elif qual in ABORTERS:
            _check_abort(ctx, call, qual)
        elif qual == "flask.redirect":
            _check_redirect(ctx, call)
        elif qual == JSONIFY:
            _check_jsonify_positional(ctx, call)
        elif isinstance(func, ast.Attribute) and func.attr == "get":
            _check_arg_get(ctx, call)


def _check_make_response(ctx: FileContext, call: ast.Call) -> None:
    args = call.args
    if call.keywords or any(isinstance(a, ast.Starred) for a in args):
        return
    if len(args) >= 2:
        _invalid_status(ctx, call, args[1] if not (len(args) == 2 and is_headers_literal(args[1])) else None)
        problem = _tuple_problem(ctx.model, list(args), "make_response")
        if problem is not None:
            autofix = _tuple_fix(list(args))
            ctx.report(MALFORMED_RESPONSE, call, autofix=autofix, problem=problem[0], consequence=problem[1], fix=problem[2])
        status = bodiless_status(ctx.model, args[1])
        kind = body_kind(ctx.model, args[0])
        if status is not None and kind is not None:
            ctx.report(
                BODY_WITH_BODILESS_STATUS, call, autofix=_empty_body_fix(args[0]), body=kind, status=status,
                effect=_bodiless_effect(status),
            )


def _check_response_class(ctx: FileContext, call: ast.Call) -> None:
    status = call_arg(call, 1, "status")
    if status is None:
        return
    _invalid_status(ctx, call, status)
    problem = status_problem(status)
    if problem is not None:
        fix = problem[2]
        autofix = None
        if isinstance(status, ast.Constant) and isinstance(status.value, str) and MIMETYPE.match(status.value.strip()):
            fix = f"pass mimetype={status.value!r} (the second positional argument of Response is the status)"
            if len(call.args) >= 2 and call.args[1] is status and not any(k.arg == "mimetype" for k in call.keywords):
                later = call.args[2:]  # positional after it would follow a keyword: move it only when last
                if not later:
                    autofix = fixes.make(fixes.SAFE, "Pass it as mimetype=", fixes.insert_before(status, "mimetype="))
        ctx.report(MALFORMED_RESPONSE, call, autofix=autofix, problem=problem[0], consequence=problem[1], fix=fix)
    code = bodiless_status(ctx.model, status)
    body = call_arg(call, 0, "response")
    kind = body_kind(ctx.model, body)
    if code is not None and kind is not None:
        ctx.report(
            BODY_WITH_BODILESS_STATUS, call, autofix=_empty_body_fix(body), body=kind, status=code,
            effect=_bodiless_effect(code),
        )


def _check_abort(ctx: FileContext, call: ast.Call, qual: str) -> None:
    code = call_arg(call, 0)
    for keyword in ABORTER_KEYWORDS.get(qual, ()):
        code = code if code is not None else call_arg(call, 99, keyword)
    if code is None:
        return
    shown = f"abort({source(code, 30)})"
    number = int_literal(code)
    if number is None:
        number = http_status_member(ctx.model, code)
    if number is not None:
        since = WERKZEUG_NEWER_CODES.get(number)
        if since is not None and ctx.werkzeug_version.always_below(since):
            # Only when every Werkzeug release the project allows predates the code.
            fix = (
                f"Werkzeug knows {number} only from {since[0]}.{since[1]} and this project runs "
                f"Werkzeug {ctx.werkzeug_version.describe()}: upgrade, or "
                + _abort_fix(number)
            )
            ctx.report(ABORT_UNKNOWN_CODE, call, call=shown, code=number, fix=fix)
            return
        if number in WERKZEUG_ERROR_CODES:
            return
        ctx.report(ABORT_UNKNOWN_CODE, call, call=shown, code=number, fix=_abort_fix(number))
        return
    if isinstance(code, ast.Constant):
        value = code.value
        if isinstance(value, float) and value.is_integer() and int(value) in WERKZEUG_ERROR_CODES:
            return  # abort(404.0) finds NotFound: 404.0 == 404
        autofix = None
        if isinstance(value, str) and value.strip().isdigit():
            fix = f"pass the int: abort({int(value.strip())})"
            if int(value.strip()) in WERKZEUG_ERROR_CODES:  # the code Werkzeug then raises for
                autofix = fixes.make(fixes.SAFE, "Pass the code as an int", fixes.replace(code, str(int(value.strip()))))
        elif value is None or isinstance(value, (bool, float, str)):
            fix = "pass an HTTP error code such as abort(404)"
        else:
            return
        ctx.report(ABORT_UNKNOWN_CODE, call, autofix=autofix, call=shown, code=repr(value), fix=fix)


def _abort_fix(code: int) -> str:
    if 300 <= code <= 399:
        return f"use redirect(url, code={code})" if code in REDIRECT_CODES else "return the response: return body, " + str(code)
    if 100 <= code <= 299:
        return f"return the response instead: return body, {code}"
    if 400 <= code <= 599:
        return f"use abort(Response(body, status={code})) or raise an HTTPException subclass with code = {code}"
    return "use an HTTP error code such as abort(400)"


def _check_redirect(ctx: FileContext, call: ast.Call) -> None:
    code = call_arg(call, 1, "code")
    if code is None:
        return
    number = int_literal(code)
    if number is None:
        number = http_status_member(ctx.model, code)
    if number is None and isinstance(code, ast.Constant):
        value = code.value
        if isinstance(value, str) and value.strip()[:3].isdigit():
            number = int(value.strip()[:3])
        elif isinstance(value, (str, float, bool)):
            consequence = (
                "Werkzeug fails on a float status and the client gets a 500"
                if isinstance(value, float)
                else f"Flask sends the status line '0 {value}', which gunicorn and wsgiref turn into a 500"
            )
            ctx.report(REDIRECT_NON_3XX, call, autofix=_redirect_fix(code), code=repr(value), consequence=consequence)
            return
    if number is None or number in REDIRECT_CODES:
        return
    if 200 <= number <= 299:
        consequence = (
            f"the client gets a {number} page saying 'Redirecting...' and browsers do not follow the Location header"
        )
    elif number == 304:
        consequence = "304 Not Modified drops the body and browsers do not follow it"
    elif 300 <= number <= 399:
        consequence = f"browsers do not reliably follow a {number}"
    elif 400 <= number <= 599:
        consequence = (
            f"the client gets a {number} error page saying 'Redirecting...' and the Location header is ignored"
            f" (to fail the request, use abort({number}))"
        )
    else:
        consequence = "that is not a redirect status, so the browser does not follow it"
    ctx.report(REDIRECT_NON_3XX, call, autofix=_redirect_fix(code), code=number, consequence=consequence)


def _redirect_fix(code: ast.expr) -> Optional[fixes.Fix]:
    """302, the default: unsafe, the response changes (the intent may have
    been an error status, or 303 after a POST)."""
    return fixes.make(fixes.UNSAFE, "Redirect with 302", fixes.replace(code, "302"))


def _check_jsonify_positional(ctx: FileContext, call: ast.Call) -> None:
    args = call.args
    if len(args) != 2 or call.keywords or any(isinstance(a, ast.Starred) for a in args):
        return
    payload, last = args
    if int_literal(payload) is not None or isinstance(payload, ast.Constant) and isinstance(payload.value, (int, float)):
        return  # jsonify(1, 2): a list of numbers on purpose
    number = int_literal(last)
    if number is None:
        number = http_status_member(ctx.model, last)
    if number is None or not 100 <= number <= 599:
        return
    shown = source(payload, 30)
    autofix = None
    if id(call) in _returned_values(ctx):
        autofix = fixes.make(
            fixes.SAFE,
            "Return the status next to jsonify(...)",
            fixes.Edit(*fixes.span(payload)[2:], *fixes.span(last)[2:], ()),
            fixes.insert_after(call, ", ", fixes.copy(last)),
        )
    ctx.report(
        STATUS_IN_JSONIFY,
        last,
        autofix=autofix,
        call=f"jsonify({shown}, {source(last, 20)})",
        effect=f"serialises the list [{shown}, {number}] as the JSON body",
        fix=f"return jsonify({shown}), {number}",
    )


def _returned_values(ctx: FileContext) -> Set[int]:
    """Ids of the expressions that views, error handlers and before-request
    functions return as they are (a helper's callers may use the response)."""
    if "returned-values" not in ctx._cache:
        ctx._cache["returned-values"] = {
            id(ret.value)
            for responder in responders(ctx)
            if responder.returns_response and responder.transparent and not responder.resource
            for ret in responder.info.returns
            if ret.value is not None
        }
    return ctx._cache["returned-values"]


# Types whose conversion of the string is what `type=` is meant for; bool,
# list, dict, bytes convert a string in ways nobody means ("false" is True).
CERTAIN_TYPES = frozenset({"int", "float", "str", "Decimal", "UUID"})


def _check_arg_get(ctx: FileContext, call: ast.Call) -> None:
    assert isinstance(call.func, ast.Attribute)
    owner = call.func.value
    qual = ctx.model.qualname(owner)
    if qual is None:
        value = ctx.model.value(owner)
        qual = value[1] if value[0] == "q" else None
    if qual not in REQUEST_MULTIDICTS:
        return
    default = call_arg(call, 1, "default")
    if default is None or any(isinstance(a, ast.Starred) for a in call.args):
        return
    default_qual = ctx.model.qualname(default)
    if default_qual is None and isinstance(default, ast.Name):
        bound = ctx.model.value(default)  # a local bound to the type: ``fallback = int``
        default_qual = bound[1] if bound[0] == "q" else None
    type_name = TYPE_NAMES.get(default_qual or "")
    if type_name is None:
        return
    key = call_arg(call, 0, "key")
    key_text = source(key, 30) if key is not None else "the key"
    autofix = None
    if type_name in CERTAIN_TYPES and not any(k.arg == "type" for k in call.keywords) and len(call.args) <= 2:
        if len(call.args) == 2:
            edit = fixes.insert_before(default, "type=")
        else:
            keyword = next(k for k in call.keywords if k.arg == "default")
            edit = fixes.replace(keyword, "type=", fixes.copy(default))
        autofix = fixes.make(fixes.SAFE, "Pass the type as type=", edit)
    ctx.report(
        ARG_TYPE_AS_DEFAULT,
        call,
        autofix=autofix,
        call=source(call, 60),
        type=type_name,
        key=key_text,
        fix=f"{source(owner, 30)}.get({key_text}, type={source(default, 20)})",
    )


# ------------------------------------------------------------ FLK112

_RAISES_CONTEXTS = re.compile(r"(?:^|\.)(?:raises|assertRaises\w*|assert_raises)$")


def _check_discarded(ctx: FileContext, facts: ProjectFacts) -> None:
    for stmt, parents in _all_statements(ctx):
        call = statement_call(stmt)
        if call is None or isinstance(stmt.value, ast.Await):  # type: ignore[attr-defined]
            continue
        qual = ctx.model.qualname(call.func)
        if qual is None:
            continue
        if qual not in DISCARDED_BUILDERS and not (facts.returns_response(qual) and facts.reply(qual) is not None):
            continue  # a project helper that may raise is called for that too (``check_or_fail(...)``)
        if _expects_exception(ctx.model, stmt, parents):
            continue
        shown = f"{source(call.func, 30)}(...)"
        ctx.report(RESPONSE_NOT_RETURNED, call, autofix=_return_fix(ctx, stmt, call), call=shown)


def _return_fix(ctx: FileContext, stmt: ast.stmt, call: ast.Call) -> Optional[fixes.Fix]:
    """``return`` in front: unsafe, the code after it no longer runs.  Not in
    a generator, where ``return value`` only stops the iteration."""
    info = ctx.model.function_info(ctx.model.scope_of(call.func).node)
    if info is None or info.is_generator or not isinstance(stmt, ast.Expr) or stmt.value is not call:
        return None
    return fixes.make(fixes.UNSAFE, "Return the response", fixes.insert_before(stmt, "return "))


def _all_statements(ctx: FileContext) -> Iterator[Tuple[ast.stmt, Tuple[ast.stmt, ...]]]:
    """Every statement of the file's functions once, except those of test
    functions.  Module and class bodies run at import time, where no client
    waits for a response (a builder there needs a context: FLK405).  In a
    test module, only the views, error handlers and hooks it defines answer
    requests: its other helpers call response builders for the test's sake
    (under ``mock.patch``, to hand the mock back)."""
    model = ctx.model
    if ctx.is_test_file:
        for responder in responders(ctx):
            yield from iter_statements(responder.func.body)
        return
    for info in model.functions.values():
        if not in_test_function(ctx, info.scope):
            yield from iter_statements(info.node.body)


def _expects_exception(model: FlaskModel, stmt: ast.stmt, parents: Tuple[ast.stmt, ...]) -> bool:
    """The call runs for the exception it may raise: directly in a ``try``
    body with handlers, or under ``pytest.raises`` / ``assertRaises``."""
    for parent in parents:
        if isinstance(parent, ast.Try) and parent.handlers and _inside(stmt, parent.body):
            return True
        if isinstance(parent, (ast.With, ast.AsyncWith)):
            for item in parent.items:
                expr = item.context_expr
                callee = expr.func if isinstance(expr, ast.Call) else expr
                text = source(callee, 80)
                if _RAISES_CONTEXTS.search(text):
                    return True
    return False


def _inside(stmt: ast.stmt, block: List[ast.stmt]) -> bool:
    for item in block:
        if item is stmt:
            return True
        for inner in child_nodes(item):
            if isinstance(inner, ast.stmt) and not isinstance(inner, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                if _inside(stmt, [inner]):
                    return True
    return False


FAMILY = Family(
    "1",
    rules=(
        INVALID_STATUS,
        MALFORMED_RESPONSE,
        ERROR_WITH_SUCCESS,
        ABORT_UNKNOWN_CODE,
        REDIRECT_NON_3XX,
        BODY_WITH_BODILESS_STATUS,
        MAY_RETURN_NONE,
        STATUS_IN_JSONIFY,
        AFTER_REQUEST_NONE,
        BEFORE_REQUEST_VALUE,
        ARG_TYPE_AS_DEFAULT,
        RESPONSE_NOT_RETURNED,
    ),
    check=check,
    extensions=(RESPONSES_FACTS,),
)


__all__ = ["check", "failure_signal"]
