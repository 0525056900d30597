"""Claims of the responses family (FLK1xx)."""

from __future__ import annotations

import ast
import json
import re
from typing import Any, Dict, List, Optional, Set, Tuple

from runtime import Event, Probe, Run
from watch_responses import Built

from .base import NO_RESPONSE, Claim, Observed, exception_lines, failed_with, registrar, return_statement_lines

CLAIMS: Dict[str, Claim] = {}
claim = registrar(CLAIMS)




@claim("FLK104")
def abort_unknown_code(run: Run) -> Observed:
    """abort(<code Werkzeug has no exception for>): LookupError, a 500."""
    failing = {p.index: p for p in run.probes if p.status == 500 and failed_with(p, "LookupError", "no exception for")}
    return {
        (e.func[0], e.line): f"{failing[e.probe].method} {failing[e.probe].url}: LookupError: {e.exc_text}, status 500"
        for e in exception_lines(run, "LookupError", "no exception for")
        if e.probe in failing and e.thread == "main"
    }


@claim("FLK107")
def view_may_return_none(run: Run) -> Observed:
    """A request fails with Flask's 'did not return a valid response'
    TypeError, and the flagged function itself gave the None: the def line
    when it fell off its end, the return line for ``return``/``return None``.
    Or (a Resource method behind ``marshal_with``) the request got a 2xx
    JSON object with every field null and a view method Flask-RESTX or
    Flask-RESTful called returned None.

    The None is followed from the view Flask called (or the error handler)
    inward through wrappers that hand a callee's None back (``return
    view(...)``) to the function whose own None it is."""
    functions = run.functions()
    responders = view_like_functions(run)
    out: Observed = {}
    for probe in run.probes:
        if _marshalled_none(probe):
            # A Resource method behind marshal_with: its None became the
            # model with every field null, answered as a success.
            returns = [e for e in run.events("return", probe.index) if e.thread == "main"]
            for event in returns:
                if event.returned_none and event.func in responders and event.caller is None:
                    func = functions.get(event.func)
                    explicit = func is not None and event.line in return_statement_lines(func)
                    line = event.line if explicit else event.func[1]
                    out.setdefault((event.func[0], line), f"{probe.method} {probe.url}: {probe.status} {probe.body!r}")
            continue
        if not failed_with(probe, "TypeError", NO_RESPONSE):
            continue
        returns = [e for e in run.events("return", probe.index) if e.thread == "main"]
        for position, event in enumerate(returns):
            if not event.returned_none or event.func not in responders:
                continue
            if event.caller is not None and event.caller in responders:
                continue  # a wrapper (or dispatch_request) of ours called it: followed from there
            origin = _origin_of_none(returns, position, functions, responders)
            func = functions.get(origin.func)
            explicit = func is not None and origin.line in return_statement_lines(func)
            line = origin.line if explicit else origin.func[1]
            out.setdefault(
                (origin.func[0], line), f"{probe.method} {probe.url}: TypeError ({NO_RESPONSE}), status {probe.status}"
            )
    return out


def _marshalled_none(probe: Probe) -> bool:
    """A 2xx JSON object whose every field is null."""
    if probe.status is None or not 200 <= probe.status < 300 or probe.kind not in ("route", "hint"):
        return False
    try:
        body = json.loads(probe.body or b"null")
    except ValueError:
        return False
    return isinstance(body, dict) and bool(body) and all(value is None for value in body.values())


def _origin_of_none(
    returns: List[Event], position: int, functions: Dict[Tuple[str, int], ast.AST], responders: Set[Tuple[str, int]]
) -> Event:
    """The function whose own None the return at ``position`` hands back:
    itself when it fell off its end or returned a None literal, else the
    callee that returned None just before (``return view(*args)``, or
    ``return login_required(view)(*args)`` where library code calls it)."""
    return _origin(returns, position, functions, responders)


def _origin(
    returns: List[Event],
    position: int,
    functions: Dict[Tuple[str, int], ast.AST],
    responders: Set[Tuple[str, int]],
    into_helpers: bool = True,
) -> Event:
    """The return whose value the return at ``position`` hands back
    unchanged: follows ``return view(*args, **kwargs)`` inward to the callee
    that returned just before with a value of the same type (with
    ``into_helpers`` False, only into views and handlers: the view that
    returns ``error_json("missing")`` is where the status goes)."""
    event = returns[position]
    while position > 0:
        func = functions.get(event.func)
        value = return_value_at(func, event.line)
        if isinstance(value, ast.Name) and _bound_to_call(func, value.id):
            pass  # ``result = view(*args); log(...); return result``
        elif not isinstance(value, (ast.Call, ast.Await)):
            break  # fell off, a literal, a tuple...: its own value
        inner = returns[position - 1]
        if not into_helpers and inner.func not in responders:
            break
        called = inner.caller == event.func or (inner.caller is None and inner.func in responders)
        if not called or inner.returned_type != event.returned_type:
            break
        event, position = inner, position - 1
    return event


def _bound_to_call(func: Optional[ast.AST], name: str) -> bool:
    """``name`` is bound in ``func`` once, to the value of a call."""
    if func is None:
        return False
    values = [
        node.value
        for node in ast.walk(func)
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets)
    ]
    stores = [n for n in ast.walk(func) if isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Store)]
    return len(values) == 1 and len(stores) == 1 and isinstance(values[0], (ast.Call, ast.Await))


def return_value_at(func: Optional[ast.AST], line: int) -> Optional[ast.expr]:
    """The value of the ``return`` statement of ``func`` on ``line`` (None
    when there is none: the function fell off its end)."""
    if func is None:
        return None
    stack = list(ast.iter_child_nodes(func))
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        if isinstance(node, ast.Return) and node.lineno <= line <= (node.end_lineno or node.lineno):
            return node.value
        stack.extend(ast.iter_child_nodes(node))
    return None


def view_like_functions(run: Run) -> Set[Tuple[str, int]]:
    """Fixture functions whose return value Flask makes a response of: every
    view (each level of its ``__wrapped__`` chain, the methods of a class
    view) and every error handler."""
    out: Set[Tuple[str, int]] = set(run.error_handlers)
    for app in run.loaded.apps:
        for view in app.view_functions.values():
            todo: List[Any] = [view]
            view_class = getattr(view, "view_class", None)
            if view_class is not None:
                todo += [v for k, v in vars(view_class).items() if callable(v) and not k.startswith("__")]
                for base in view_class.__mro__[1:]:
                    todo += [v for k, v in vars(base).items() if callable(v) and not k.startswith("__")]
            for item in todo:
                for _ in range(10):
                    code = getattr(item, "__code__", None)
                    if code is not None and code.co_filename in run.recorder.files:
                        out.add(run.recorder.func_key(code))
                    item = getattr(item, "__wrapped__", None) or getattr(item, "__func__", None)
                    if item is None:
                        break
    return out


# ------------------------------------------------------------- shared pieces

REDIRECT_CODES = {301, 302, 303, 307, 308}
RESPONSE_MAKING_FAILURES = (
    ("TypeError", "did not return a valid response"),
    ("TypeError", "The return type must be"),
    ("TypeError", "is not iterable"),
    ("TypeError", "Invalid status argument"),
    ("ValueError", "Empty status argument"),
    ("ValueError", "not enough values to unpack"),
    ("ValueError", "too many values to unpack"),
    ("AttributeError", "object has no attribute 'strip'"),
)
EMPTY_BODIES = {b"", b"{}", b"[]", b"null", b'""'}
NON_RESPONSES = {"NoneType", "str", "bytes", "tuple", "list", "dict", "int", "float", "bool", "set"}


def _where(func: Optional[ast.AST], event: Event) -> Tuple[str, int]:
    """The fixture line a return event stands for: the return statement,
    or the def line when the function fell off its end."""
    explicit = func is not None and event.line in return_statement_lines(func)
    return (event.func[0], event.line if explicit else event.func[1])


def _answer_line(
    run: Run, probe: Probe, functions: Dict[Tuple[str, int], ast.AST], first: bool = False
) -> Optional[Tuple[str, int]]:
    """The return statement whose value Flask made the response of: the
    last view or error handler of the request that returned something (the
    first, for a value Flask failed on: the 500's handler comes after), or
    the before-request function that stopped the request."""
    found = _answer(run, probe, functions, first)
    return found[1] if found is not None else None


def _answer(
    run: Run, probe: Probe, functions: Dict[Tuple[str, int], ast.AST], first: bool = False, into_helpers: bool = True
) -> Optional[Tuple[Tuple[str, int], Tuple[str, int]]]:
    """(the function, the line) of :func:`_answer_line`."""
    responders = view_like_functions(run) | _before_hooks(run)
    returns = [e for e in run.events("return", probe.index) if e.thread == "main"]
    found: Optional[Tuple[Tuple[str, int], Tuple[str, int]]] = None
    for position, event in enumerate(returns):
        if event.func not in responders or event.returned_none:
            continue
        if event.caller is not None and event.caller in responders:
            continue
        origin = _origin(returns, position, functions, responders, into_helpers)
        found = (origin.func, _where(functions.get(origin.func), origin))
        if first:
            break
    return found


def _status_line(run: Run, probe: Probe, functions: Dict[Tuple[str, int], ast.AST]) -> Optional[Tuple[str, int]]:
    """The fixture line that set the status the client got: a builder's
    call or ``resp.status_code = ...``, else the return that gave Flask a
    (body, status) tuple."""
    finished = run.responses.finished.get(probe.index) if run.responses else None
    if finished is not None and finished.status_at is not None:
        return finished.status_at
    return _answer_line(run, probe, functions)


def _built(run: Run, probe: Probe, name: str, obj: Any) -> Optional[Built]:
    for built in run.responses.built if run.responses else ():
        if built.probe == probe.index and built.name == name and built.obj is obj:
            return built
    return None


def _json_body(probe: Probe) -> Any:
    if probe.method == "HEAD" or "json" not in probe.headers.get("Content-Type", ""):
        return None
    try:
        return json.loads(probe.body or b"null")
    except ValueError:
        return None


def _failed_making_response(probe: Probe) -> Optional[str]:
    if probe.status != 500 or probe.request_exc is None:
        return None
    name, text, mro = probe.request_exc
    for exc, words in RESPONSE_MAKING_FAILURES:
        if exc in mro and words in text:
            return f"{name}: {text[:120]}"
    return None


# ------------------------------------------------------------------- claims


@claim("FLK101")
def invalid_status_code(run: Run) -> Observed:
    """The client got a status outside 100-599, set by the flagged line as
    a number (Werkzeug then names it UNKNOWN: a string status such as
    "NOT FOUND" gives "0 NOT FOUND", FLK102's)."""
    functions = run.functions()
    out: Observed = {}
    for probe in run.probes:
        if probe.status is None or 100 <= probe.status <= 599 or probe.stubbed:
            continue
        if probe.status_line != f"{probe.status} UNKNOWN":
            continue
        line = _status_line(run, probe, functions)
        if line is not None and _bool_status_at(run, line):
            continue  # True/False as a status: FLK102's
        if line is not None:
            out.setdefault(line, f"{probe.method} {probe.url}: status line {probe.status_line!r}")
    return out


@claim("FLK102")
def malformed_response(run: Run) -> Observed:
    """What the flagged line gave Flask could not become a response (a 500
    with the TypeError/ValueError/AttributeError of Flask's response
    making), or became a status line that is no HTTP status ("0 NOT
    FOUND")."""
    functions = run.functions()
    out: Observed = {}
    for probe in run.probes:
        if probe.stubbed:
            continue
        failure = _failed_making_response(probe)
        if failure is not None:
            # Raised inside make_response()/Response() called by the fixture,
            # or by Flask on what a view or handler returned.
            raised = [
                e for e in run.events("exception", probe.index)
                if e.thread == "main" and e.exc_type == probe.request_exc[0] and e.exc_text[:100] == probe.request_exc[1][:100]
            ]
            if raised:
                line: Optional[Tuple[str, int]] = (raised[0].func[0], raised[0].line)
            else:
                line = _first_tuple_answer(run, probe, functions)
            if line is not None:
                out.setdefault(line, f"{probe.method} {probe.url}: 500, {failure}")
        elif probe.status_line and not re.match(r"^[1-5]\d\d( |$)", probe.status_line):
            line = _status_line(run, probe, functions)
            if line is not None and re.match(r"^\d+ UNKNOWN$", probe.status_line) and not _bool_status_at(run, line):
                continue  # a number outside 100-599: FLK101's
            if line is not None:
                out.setdefault(line, f"{probe.method} {probe.url}: status line {probe.status_line!r}")
    return out


def _bool_status_at(run: Run, where: Tuple[str, int]) -> bool:
    """The return statement on that line gives a bool as the status
    (``return "x", True``): Werkzeug takes it for the number 0 or 1."""
    tree = run.loaded.trees.get(where[0])
    for node in ast.walk(tree) if tree is not None else ():
        if isinstance(node, ast.Return) and node.lineno == where[1] and isinstance(node.value, ast.Tuple):
            return any(isinstance(e, ast.Constant) and isinstance(e.value, bool) for e in node.value.elts[1:])
    return False


def _first_tuple_answer(run: Run, probe: Probe, functions: Dict[Tuple[str, int], ast.AST]) -> Optional[Tuple[str, int]]:
    """The line of the first answer Flask tried to make a response of (the
    view's, a before-request function's), when it was a tuple: a None is
    FLK107's, a bool FLK110's, and the 500 handler's tuple came after."""
    responders = view_like_functions(run) | _before_hooks(run)
    returns = [e for e in run.events("return", probe.index) if e.thread == "main"]
    for position, event in enumerate(returns):
        if event.func not in responders or (event.caller is not None and event.caller in responders):
            continue
        if event.returned_none and event.func in _before_hooks(run):
            continue  # a before-request function that let the request go on
        origin = _origin(returns, position, functions, responders)
        if origin.returned_none or origin.returned_type != "tuple":
            return None
        return _where(functions.get(origin.func), origin)
    return None


_ERROR_KEYS = ("error", "errors", "error_message", "error_msg", "errormessage", "errormsg", "errmsg", "error_description")
_FLAG_KEYS = ("success", "ok", "succeeded", "successful")
# What an error body carries besides its signal; any other key is data.
_ERROR_VOCABULARY = frozenset(
    _ERROR_KEYS + _FLAG_KEYS
    + ("status", "status_code", "statuscode", "code", "message", "msg", "reason", "detail", "details", "description",
       "title", "type", "hint")
)


def failure_signal(body: Any) -> Optional[str]:
    """The error payload the message names: error=..., success=False,
    status='error' (JSON-RPC and GraphQL answer errors in-band on purpose)."""
    if not isinstance(body, dict):
        return None
    keys = {str(k).lower(): v for k, v in body.items()}
    if "jsonrpc" in keys or ("data" in keys and "errors" in keys):
        return None
    if any(keys.get(key) is True for key in _FLAG_KEYS) or (
        isinstance(keys.get("status"), str) and keys["status"].lower() in _SUCCESS_STATUSES
    ):
        return None  # the body says the request succeeded: an error beside it is a detail of the data
    for key, value in keys.items():
        if key in _ERROR_KEYS and value:
            return f"{key}={value!r}"
        if key in _FLAG_KEYS and value is False:
            return f"{key}=False"
        if key == "status" and isinstance(value, str) and value.lower() in ("error", "fail", "failed", "failure"):
            return f"{key}={value!r}"
    return None


def _flag_only(body: Dict[str, Any]) -> Set[str]:
    """The success flags set to False in a body whose only failure signal
    they are (no error message, no failure status)."""
    lowered = {str(k).lower(): v for k, v in body.items()}
    if any(lowered.get(key) for key in _ERROR_KEYS):
        return set()
    status = lowered.get("status")
    if isinstance(status, str) and status.lower() in ("error", "fail", "failed", "failure"):
        return set()
    return {str(k) for k, v in body.items() if str(k).lower() in _FLAG_KEYS and v is False}


_SUCCESS_STATUSES = ("ok", "success", "succeeded", "done")


def _envelopes(run: Run, answered: List[Tuple[Probe, Any, Tuple[Tuple[str, int], Tuple[str, int]]]]) -> Dict[str, Set[str]]:
    """Per file, the success flags some request was answered with their
    success value (``success: true``, ``status: "ok"``): the envelope the
    module's own client reads.  Empty when the fixture asks for envelope
    failures to be reported (``report-envelopes=yes``)."""
    out: Dict[str, Set[str]] = {}
    for path in run.loaded.trees:
        with open(path, encoding="utf-8") as handle:
            if re.search(r"^#\s*options:.*\breport-envelopes=yes\b", handle.read(), re.MULTILINE):
                return {}
    for _probe, body, (func, _line) in answered:
        for key, value in body.items():
            lowered = str(key).lower()
            if (lowered in _FLAG_KEYS or lowered == "status") and value is True:
                out.setdefault(func[0], set()).add(lowered)
            elif lowered == "status" and isinstance(value, str) and value.lower() in _SUCCESS_STATUSES:
                out.setdefault(func[0], set()).add(lowered)
    return out


def _in_envelope(body: Dict[str, Any], flags: Set[str]) -> bool:
    """A failure said with one of the envelope's flags, whose body names no
    HTTP error status of its own."""
    said = False
    for key, value in body.items():
        lowered = str(key).lower()
        if lowered in _ERROR_VOCABULARY and isinstance(value, int) and not isinstance(value, bool) and 400 <= value <= 599:
            return False
        if lowered in flags:
            if lowered == "status" and value is not False:
                said = said or (isinstance(value, str) and value.lower() in ("error", "fail", "failed", "failure"))
            else:
                said = said or value is False
    return said


@claim("FLK103")
def error_payload_with_success(run: Run) -> Observed:
    """The client got a 2xx whose JSON body is an error payload, from the
    flagged return.  A body whose only signal is a success flag set to False
    is an answer, not an error, when the same function also answered that
    flag True with every data key it holds (a partial answer), or, holding
    nothing but the flag, answered the very same request with it True (a
    poll: the answer is the server's state, not a verdict on the request)."""
    functions = run.functions()
    answered: List[Tuple[Probe, Any, Tuple[Tuple[str, int], Tuple[str, int]]]] = []
    refused: Set[Tuple[str, int]] = set()  # functions that answered some request with a 4xx/5xx
    for probe in run.probes:
        if probe.status is None or probe.stubbed:
            continue
        if probe.status >= 400:
            found = _answer(run, probe, functions, into_helpers=False)
            if found is not None:
                refused.add(found[0])
            continue
        if not 200 <= probe.status <= 299:
            continue
        body = _json_body(probe)
        found = _answer(run, probe, functions, into_helpers=False) if isinstance(body, dict) else None
        if found is not None:
            answered.append((probe, body, found))
    envelopes = _envelopes(run, answered)
    out: Observed = {}
    for probe, body, (func, line) in answered:
        signal = failure_signal(body)
        if signal is None:
            continue
        if func not in refused and _in_envelope(body, envelopes.get(func[0], set())):
            continue  # the module's own envelope, read by its own client
        flags = _flag_only(body)
        if flags:
            data = {str(k) for k in body if str(k).lower() not in _ERROR_VOCABULARY}
            successes = [
                (other, other_body) for other, other_body, (other_func, _line) in answered
                if other_func == func and any(other_body.get(flag) is True for flag in flags)
            ]
            if data and any(data <= set(map(str, other_body)) for _other, other_body in successes):
                continue  # a partial answer
            bare = all(str(k).lower() in _FLAG_KEYS for k in body)
            if bare and any(
                (other.method, other.url, other.payload) == (probe.method, probe.url, probe.payload)
                and set(other_body) == set(body)
                for other, other_body in successes
            ):
                continue  # a poll
        out.setdefault(line, f"{probe.method} {probe.url}: {probe.status} with {signal}")
    return out


@claim("FLK105")
def redirect_non_3xx(run: Run) -> Observed:
    """A redirect() the flagged line called answered with a status browsers
    do not follow (or failed on a float code: a 500)."""
    functions = run.functions()
    out: Observed = {}
    for probe in run.probes:
        if probe.stubbed:
            continue
        finished = run.responses.finished.get(probe.index) if run.responses else None
        if finished is not None and _built(run, probe, "redirect", finished.response) is not None:
            if probe.status not in REDIRECT_CODES:
                line = _status_line(run, probe, functions)
                if line is not None:
                    out.setdefault(line, f"{probe.method} {probe.url}: redirect answered {probe.status_line!r}")
        if probe.status == 500 and failed_with(probe, "AttributeError", "'float' object has no attribute"):
            for event in exception_lines(run, "AttributeError", "'float' object has no attribute"):
                if event.probe == probe.index and event.thread == "main":
                    out.setdefault((event.func[0], event.line), f"{probe.method} {probe.url}: 500, a float status")
    return out


@claim("FLK106")
def body_with_bodiless_status(run: Run) -> Observed:
    """The app's response had a body holding something and status 204/304,
    and the client got no body (not a HEAD request, which drops every body)."""
    functions = run.functions()
    out: Observed = {}
    for probe in run.probes:
        if probe.method == "HEAD" or probe.status not in (204, 304) or probe.body or probe.stubbed:
            continue
        finished = run.responses.finished.get(probe.index) if run.responses else None
        if finished is None or finished.app_body is None or finished.app_body.strip() in EMPTY_BODIES:
            continue  # nothing was lost (``jsonify()``, ``{}``: empty JSON)
        line = _status_line(run, probe, functions)
        if line is not None:
            out.setdefault(line, f"{probe.method} {probe.url}: {probe.status}, {len(finished.app_body)} bytes dropped")
    return out


@claim("FLK108")
def status_inside_jsonify(run: Run) -> Observed:
    """The client got a 200 whose JSON body carries the status the flagged
    jsonify() call was given (a trailing list item, or status=/status_code=/
    code= with a 4xx/5xx)."""
    out: Observed = {}
    for probe in run.probes:
        if probe.status != 200 or probe.stubbed:
            continue
        body = _json_body(probe)
        carried = None
        if isinstance(body, list) and len(body) == 2 and isinstance(body[-1], int) and 100 <= body[-1] <= 599:
            carried = f"[..., {body[-1]}]"
        elif isinstance(body, dict):
            for key in ("status", "status_code", "code"):
                value = body.get(key)
                if isinstance(value, int) and not isinstance(value, bool) and 400 <= value <= 599:
                    carried = f"{key}={value}"
        finished = run.responses.finished.get(probe.index) if run.responses else None
        if carried is None or finished is None:
            continue
        built = _built(run, probe, "jsonify", finished.response)
        if built is not None and built.chain:
            where = built.chain[0]
            out.setdefault((where[0], where[1]), f"{probe.method} {probe.url}: 200 with {carried} in the body")
    return out


def _after_hooks(run: Run) -> Set[Tuple[str, int]]:
    out: Set[Tuple[str, int]] = set()
    owners = list(run.loaded.apps) + list(run.loaded.blueprints)
    funcs = [f for owner in owners for registered in owner.after_request_funcs.values() for f in registered]
    funcs += list(run.responses.after_this_request) if run.responses else []
    for func in funcs:
        code = getattr(func, "__code__", None)
        if code is not None and code.co_filename in run.recorder.files:
            out.add(run.recorder.func_key(code))
    return out


def _before_hooks(run: Run) -> Set[Tuple[str, int]]:
    out: Set[Tuple[str, int]] = set()
    owners = list(run.loaded.apps) + list(run.loaded.blueprints)
    for owner in owners:
        for registered in owner.before_request_funcs.values():
            for func in registered:
                code = getattr(func, "__code__", None)
                if code is not None and code.co_filename in run.recorder.files:
                    out.add(run.recorder.func_key(code))
    return out


@claim("FLK109")
def after_request_returns_none(run: Run) -> Observed:
    """The flagged after-request function gave back something that is no
    response, and the request failed outside Flask's error handling (the
    WSGI call itself raised 'object is not callable')."""
    functions = run.functions()
    hooks = _after_hooks(run)
    out: Observed = {}
    for probe in run.probes:
        exc = probe.client_exc
        if exc is None or "TypeError" not in exc[2] or "object is not callable" not in exc[1]:
            continue
        for event in run.events("return", probe.index):
            if event.thread == "main" and event.func in hooks and event.returned_type in NON_RESPONSES:
                where = _where(functions.get(event.func), event)
                why = f"after-request gave {event.returned_type}, {exc[0]}: {exc[1][:60]}"
                out.setdefault(where, f"{probe.method} {probe.url}: {why}")
    return out


@claim("FLK110")
def before_request_returns_non_response(run: Run) -> Observed:
    """The flagged before-request function returned a value that is no
    response (a bool, a number...), which stopped the request and made it
    a 500 (Flask's 'The return type must be ...' TypeError)."""
    functions = run.functions()
    hooks = _before_hooks(run)
    out: Observed = {}
    for probe in run.probes:
        if probe.status != 500 or not failed_with(probe, "TypeError", "The return type must be"):
            continue
        for event in run.events("return", probe.index):
            if event.thread == "main" and event.func in hooks and event.returned_type in NON_RESPONSES - {"NoneType"}:
                if event.returned_type in ("str", "bytes", "tuple", "list", "dict"):
                    continue  # valid responses
                where = _where(functions.get(event.func), event)
                out.setdefault(where, f"{probe.method} {probe.url}: returned a {event.returned_type}, 500 TypeError")
    return out


@claim("FLK111")
def request_arg_type_as_default(run: Run) -> Observed:
    """A request ``.get(key, T)`` on the flagged line gave back the class T
    itself (key missing) or the raw string (key present): no conversion."""
    out: Observed = {}
    for lookup in run.responses.lookups if run.responses else ():
        default = lookup.default
        if not isinstance(default, type) or lookup.type_ is not None:
            continue
        if lookup.result is default:
            out.setdefault(lookup.where, f"get({lookup.key!r}, {default.__name__}) gave the class {default.__name__} itself")
        elif isinstance(lookup.result, str) and default is not str:
            out.setdefault(lookup.where, f"get({lookup.key!r}, {default.__name__}) gave the string {lookup.result!r}")
    return out


def _dropped_at(run: Run, built: Built) -> Optional[Tuple[str, int]]:
    """Follow a built response out through ``return`` statements (``return
    value`` or ``return value, status``) to the statement that received it:
    the line, when that statement uses it for nothing (``value`` as an
    expression statement)."""
    for position in built.chain:
        path, line, column, end = position
        stmt = _statement_at(run, path, line, column, end)
        if stmt is None:
            return None
        if isinstance(stmt, ast.Return):
            value = stmt.value
            if isinstance(value, ast.Tuple) and value.elts:
                value = value.elts[0]
            if _spans(value, line, column, end) and _only_answers(run, path, line):
                continue  # handed back to the caller: follow it there
            return None
        if isinstance(stmt, ast.Expr):
            value = stmt.value.value if isinstance(stmt.value, ast.Await) else stmt.value
            return (path, stmt.lineno) if _spans(value, line, column, end) else None
        return None
    return None


def _only_answers(run: Run, path: str, line: int) -> bool:
    """The function holding ``line`` does nothing but work out an answer
    (no call or store made for its effect: ``log.info(...)``,
    ``session["user"] = ...``), so that a caller dropping its value dropped
    all it did: a forgotten ``return``.  A helper that logs a user in and
    also answers JSON did its job for a caller that wants only the login."""
    tree = run.loaded.trees.get(path)
    func: Optional[ast.AST] = None
    for node in ast.walk(tree) if tree is not None else ():
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.lineno <= line <= (node.end_lineno or 0):
            if func is None or node.lineno > func.lineno:  # type: ignore[attr-defined]
                func = node
    if func is None:
        return False
    stack: List[ast.AST] = list(func.body)  # type: ignore[attr-defined]
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        if isinstance(node, ast.Expr) and not isinstance(node.value, ast.Constant):
            return False
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Delete)):
            targets = node.targets if isinstance(node, (ast.Assign, ast.Delete)) else [node.target]
            if any(isinstance(t, (ast.Attribute, ast.Subscript)) for t in targets):
                return False
        if isinstance(node, (ast.Global, ast.Nonlocal, ast.With, ast.AsyncWith)):
            return False
        stack.extend(ast.iter_child_nodes(node))
    return True


def _spans(node: Optional[ast.AST], line: int, column: int, end: int) -> bool:
    if not isinstance(node, ast.Call):
        return False
    if column < 0:  # no column information: the line has to do
        return node.lineno == line
    return node.lineno == line and node.col_offset == column and node.end_col_offset == end


def _statement_at(run: Run, path: str, line: int, column: int, end: int) -> Optional[ast.stmt]:
    """The innermost statement containing the call at that position."""
    tree = run.loaded.trees.get(path)
    found: Optional[ast.stmt] = None
    for node in ast.walk(tree) if tree is not None else ():
        if isinstance(node, ast.stmt) and not isinstance(
            node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
        ) and node.lineno <= line <= (node.end_lineno or node.lineno):
            if isinstance(node, (ast.Return, ast.Expr, ast.Assign, ast.AugAssign, ast.AnnAssign)) or found is None:
                if found is None or node.lineno >= found.lineno:
                    found = node
    return found


@claim("FLK112")
def response_not_returned(run: Run) -> Observed:
    """A response (or rendered page) the flagged statement built was not
    what the client got: the statement dropped it."""
    out: Observed = {}
    for built in run.responses.built if run.responses else ():
        if built.probe < 0:
            continue
        probe = run.probes[built.probe]
        finished = run.responses.finished.get(built.probe)
        sent = finished.response if finished is not None else None
        if built.obj is sent:
            continue
        if isinstance(built.obj, str) and sent is not None and finished and finished.app_body == built.obj.encode():
            continue
        line = _dropped_at(run, built)
        if line is not None:
            out.setdefault(line, f"{probe.method} {probe.url}: {built.name}() built one, the client got {probe.status_line!r}")
    return out
