"""FLK2xx: error handlers.

Three layers:

- what one function does with its error (:class:`FunctionFacts`): whether its
  returns carry a status, whether an ``Exception`` handler lets HTTP errors
  through, whether a view answers JSON.  Computed from the AST of the file
  being linted, and stored for other files by the ``errors`` summary
  extension;
- what a handler key means (:func:`key_atoms`): ``404``, ``NotFound``,
  ``Exception``, a loop over ``default_exceptions``...;
- what a whole app has (:class:`ProjectErrors`, computed once per index):
  every handler that reaches it (directly, through functions it is passed
  to, through blueprints registered on it), its views, and whether the index
  can see enough to be sure (``uncertain``) or an extension answers errors
  for it (``handled``).  FLK201, FLK202 and FLK207 stay silent unless the
  index is sure.
"""

from __future__ import annotations

import ast
import builtins
import os
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, FrozenSet, Iterable, List, Optional, Set, Tuple

from ..engine import FileContext
from ..index import NOTHING, Obj, ProjectIndex
from ..model import UNKNOWN, FlaskModel, FunctionInfo, FunctionNode, HandlerReg, Value, call_arg, child_nodes
from ..names import RESPONSE_CLASSES, WERKZEUG_ERROR_CODES, werkzeug_exception_code
from ..registry import rule
from ..source import RELEVANT_TEXT_RE
from ..summary import summary_extension

MISSING_SERVER_ERROR_HANDLER = rule(
    "FLK201",
    "missing-server-error-handler",
    "no handler anywhere in the project catches unhandled exceptions for the app created here{partly}, so a crash "
    "is answered with Werkzeug's bare HTML 500 page; register @{app}.errorhandler(500) "
    "(or an HTTPException/Exception handler) in the factory or an init_app(app) function",
    summary="an app with no 500 / InternalServerError / HTTPException / Exception handler anywhere in the project",
)
JSON_API_HTML_ERRORS = rule(
    "FLK202",
    "json-api-html-errors",
    "the app created here answers JSON ({json} of {known} views) but no handler turns HTTP errors into JSON, "
    "so clients get HTML error pages for {missing}; register @{app}.errorhandler(HTTPException) returning "
    "jsonify(...), e.code",
    summary="a JSON app whose HTTP errors (400, 404, 405...) are still Werkzeug's HTML pages",
)
INVALID_ERRORHANDLER_KEY = rule(
    "FLK203",
    "invalid-errorhandler-key",
    "{method}({key}): {problem}, so it raises {exc} {when}; register an HTTP error code Werkzeug knows "
    "(400-505, e.g. 404) or an Exception subclass",
    severity="E",
    summary="errorhandler key that Flask rejects: 200, 302, '404', 404.0, NotFound(), a non-Exception class",
)
ERRORHANDLER_SUCCESS_STATUS = rule(
    "FLK204",
    "errorhandler-success-status",
    "error handler {name} answers with {what} and no status, so the error is served as 200 OK; "
    "return ({body}, {status}) or set the response's status_code",
    summary="an error handler returning a bare body (template, str, dict, jsonify) served as 200",
)
ERRORHANDLER_SIGNATURE = rule(
    "FLK205",
    "errorhandler-signature",
    "{kind} {name} {problem}, so Flask's call raises TypeError {when}; {fix}",
    severity="E",
    summary="an error handler that cannot take the error, or a request hook with the wrong arity",
)
BLUEPRINT_ROUTING_ERRORHANDLER = rule(
    "FLK206",
    "blueprint-routing-errorhandler",
    "{bp}.{method}({key}) never runs for an unknown URL or a wrong method under the blueprint (routing fails "
    "before a blueprint is chosen), only for abort({code}) in its own views; "
    "use {bp}.app_errorhandler({key}) or an app-level handler",
    summary="a blueprint errorhandler for 404/405, which routing errors never reach",
)
CATCH_ALL_SWALLOWS_HTTP_ERRORS = rule(
    "FLK207",
    "catch-all-swallows-http-errors",
    "errorhandler(Exception) handler {name} also receives every HTTPException and answers it with "
    "{status}, so clients get {status} instead of 404, 405, 401...; "
    "start it with `if isinstance(e, HTTPException): return e` or register an errorhandler(HTTPException)",
    summary="an errorhandler(Exception) that turns 404/405/... into 500 (or 200)",
)
DUPLICATE_ERRORHANDLER = rule(
    "FLK208",
    "duplicate-errorhandler",
    "this handler for {key} on {scope} is replaced by the one registered for the same key at line {line}, "
    "so {name} never runs; remove one of the two registrations",
    summary="the same error handler key registered twice on one app or blueprint",
)

# --------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------

EXCEPTION = "builtins.Exception"
HTTP_EXCEPTION = "werkzeug.exceptions.HTTPException"
DEFAULT_EXCEPTIONS = "werkzeug.exceptions.default_exceptions"
RENDER_FUNCTIONS = {
    "flask.render_template": "render_template(...)",
    "flask.render_template_string": "render_template_string(...)",
    "flask.stream_template": "stream_template(...)",
    "flask.stream_template_string": "stream_template_string(...)",
}
JSONIFY = frozenset({"flask.jsonify", "flask.json.jsonify"})
# Answers that are not a 200 on purpose (a redirect, a file, the error itself).
NON_SUCCESS_CALLS = frozenset(
    {"flask.redirect", "flask.abort", "flask.send_file", "flask.send_from_directory", "flask.url_for"}
)
HANDLER_METHODS = ("errorhandler", "app_errorhandler", "register_error_handler")
ONE_ARG_HOOKS = frozenset(
    {"after_request", "after_app_request", "teardown_request", "teardown_app_request", "teardown_appcontext"}
)
NO_ARG_HOOKS = frozenset(
    {"before_request", "before_app_request", "before_first_request", "before_app_first_request"}
)
# Methods of a Flask subclass that take over error handling.
CUSTOM_HANDLING_METHODS = frozenset(
    {
        "handle_exception", "handle_http_exception", "handle_user_exception", "_find_error_handler",
        "full_dispatch_request", "dispatch_request",
    }
)
# (``app.wsgi_app = ProxyFix(app.wsgi_app)`` wraps a WSGI app that has already
# turned every exception into a response: it changes nothing here.)
CUSTOM_HANDLING_ATTRS = CUSTOM_HANDLING_METHODS | {"error_handler_spec"}
# App classes and extensions that install their own error handling.
ERROR_HANDLING_PACKAGES = frozenset(
    {
        "flask_restful", "flask_restx", "flask_restplus", "flask_smorest", "apiflask", "connexion",
        "flask_rebar", "flask_rest_api", "flask_api", "flask_apispec", "flask_appbuilder", "eve",
    }
)
# Third-party packages whose functions may receive the app without installing
# any error handler that answers 400/404/405/500 (database, auth, CORS, mail,
# caching, i18n, servers, tracing...).  Any other third-party callable that
# receives the app makes the whole-app rules stay silent.
ERROR_NEUTRAL_PACKAGES = frozenset(
    {
        "builtins", "flask", "werkzeug", "os", "sys", "logging", "json", "click", "typing", "functools",
        "flask_sqlalchemy", "flask_migrate", "flask_alembic", "flask_login", "flask_cors", "flask_wtf",
        "flask_mail", "flask_mailman", "flask_caching", "flask_cache", "flask_limiter", "flask_babel",
        "flask_babelex", "flask_bcrypt", "flask_argon2", "flask_session", "flask_kvsession", "flask_compress",
        "flask_talisman", "flask_seasurf", "flask_sslify", "flask_jwt_extended", "flask_jwt", "flask_moment",
        "flask_bootstrap", "flask_admin", "flask_debugtoolbar", "flask_socketio", "flask_sock", "flask_sockets",
        "flask_marshmallow", "flask_pymongo", "flask_mongoengine", "flask_redis", "flask_assets",
        "flask_uploads", "flask_reuploaded", "flask_dance", "flask_httpauth", "flask_apscheduler",
        "flask_principal", "flask_ckeditor", "flask_dropzone", "flask_pagedown", "flask_misaka",
        "flask_gravatar", "flask_avatars", "flask_whooshee", "flask_msearch", "flask_static_digest",
        "flask_cdn", "flask_executor", "flask_htmx", "flask_minify", "flask_frozen", "flask_flatpages",
        "flask_sitemap", "flask_humanize", "flask_qrcode", "flask_markdown", "flask_script", "flask_injector",
        "flask_mysqldb", "flask_mysql", "flask_dramatiq", "flask_rq2", "flask_celeryext", "flask_hashing",
        "flask_share", "flask_s3", "flask_webpack", "flask_vite", "flask_oauthlib", "flask_openid",
        "flask_uuid", "flask_gzip", "flask_cachebuster", "flask_praetorian", "flaskext",
        "flasgger", "flask_swagger_ui", "flask_swagger", "prometheus_flask_exporter", "sentry_sdk", "raven",
        "elasticapm", "ddtrace", "opentelemetry", "newrelic", "whitenoise", "dotenv", "celery", "rq",
        "redis", "sqlalchemy", "authlib", "gevent", "eventlet", "waitress", "gunicorn", "wsgiref",
        "asgiref", "a2wsgi", "uvicorn", "serverless_wsgi", "awsgi", "mangum", "webtest", "pytest",
    }
)
# Methods of apps and blueprints that may receive an app or blueprint.
FLASK_METHODS = frozenset(
    {
        "register_blueprint", "add_url_rule", "route", "get", "post", "put", "patch", "delete",
        "errorhandler", "register_error_handler", "app_errorhandler", "before_request", "after_request",
        "teardown_request", "teardown_appcontext", "context_processor", "template_filter",
        "add_template_filter", "add_template_global", "template_global", "template_test", "add_template_test",
        "shell_context_processor", "url_value_preprocessor", "url_defaults", "app_context",
        "test_request_context", "test_client", "test_cli_runner", "run", "make_response", "record",
        "record_once", "before_app_request", "after_app_request", "teardown_app_request",
    }
)
TEST_MODULE_PARTS = ("test", "tests", "testing", "conftest")
ROUTE_ATTRS = frozenset({"route", "get", "post", "put", "patch", "delete"})

Atom = Tuple[str, Any]  # ("code", 404) ("exc", qualname) ("all-http", None) ("unknown", None) ("bad", text)
ALL_HTTP: Atom = ("all-http", None)
UNKNOWN_KEY: Atom = ("unknown", None)
HTTP_ATOM: Atom = ("exc", HTTP_EXCEPTION)
EXC_ATOM: Atom = ("exc", EXCEPTION)
SERVER_ERROR_ATOMS = frozenset({("code", 500), EXC_ATOM, HTTP_ATOM, ALL_HTTP, UNKNOWN_KEY})
HTTP_COVER_ATOMS = frozenset({HTTP_ATOM, ALL_HTTP, UNKNOWN_KEY})
CLIENT_ERROR_CODES = (400, 404, 405)


def _flatten(obj: Obj) -> List[Obj]:
    if obj[0] == "seq":
        out: List[Obj] = []
        for item in obj[1]:
            out.extend(_flatten(item))
        return out
    return [obj]


def _dotted_root(obj: Obj) -> Optional[str]:
    if obj[0] in ("external", "instance") and isinstance(obj[1], str):
        return obj[1].split(".", 1)[0]
    return None


def is_test_path(path: str, root: str) -> bool:
    """A file under a tests/ folder or named like a test, whatever its module name."""
    rel = os.path.relpath(os.path.abspath(path), root)
    parts = rel.replace("\\", "/").split("/")
    stem = parts[-1][:-3] if parts[-1].endswith(".py") else parts[-1]
    return is_test_module(".".join(p.replace("-", "_") for p in parts[:-1] + [stem]))


def is_test_module(module: str) -> bool:
    parts = module.split(".")
    return any(
        part in TEST_MODULE_PARTS or part.startswith("test_") or part.endswith("_test") or part.endswith("_tests")
        for part in parts
    )


# --------------------------------------------------------------------------
# Handler keys
# --------------------------------------------------------------------------


def class_is_exception(index: ProjectIndex, qualname: str, _seen: Optional[Set[str]] = None) -> Optional[bool]:
    """Whether a project class derives from Exception: True, False (known
    not to: only ``object`` or non-exception builtins at the roots) or None."""
    seen = _seen if _seen is not None else set()
    if qualname in seen or qualname not in index.classes:
        return None
    seen.add(qualname)
    verdicts: List[Optional[bool]] = []
    for base in index.classes[qualname][1].get("bases", ()):
        obj = index.evaluate(base)
        if obj[0] == "class":
            verdicts.append(class_is_exception(index, obj[1], seen))
        elif obj[0] == "external":
            verdicts.append(_builtin_is_exception(obj[1]))
        else:
            verdicts.append(None)
    if any(v is True for v in verdicts):
        return True
    if all(v is False for v in verdicts):  # no bases at all: a plain class
        return False
    return None


def _builtin_is_exception(dotted: str) -> Optional[bool]:
    """For ``builtins.X`` classes: whether X derives from Exception (None for
    third-party names, which are usually exception classes)."""
    if not dotted.startswith("builtins."):
        return None
    found = getattr(builtins, dotted[len("builtins."):], None)
    if isinstance(found, type):
        return issubclass(found, Exception)
    return None


def key_atoms(index: ProjectIndex, key: Value, _depth: int = 0) -> FrozenSet[Atom]:
    """What a handler key stands for (see ``Atom``); ``404`` and ``NotFound``
    give the same ``("code", 404)``."""
    if not key or _depth > 5:
        return frozenset({UNKNOWN_KEY})
    kind = key[0]
    if kind == "int":
        code = key[1]
        return frozenset({("code", code) if code in WERKZEUG_ERROR_CODES else ("bad", str(code))})
    if kind == "const":
        return frozenset({("bad", key[1])})
    if kind == "seq":
        out: Set[Atom] = set()
        for item in key[1]:
            out |= key_atoms(index, item, _depth + 1)
        return frozenset(out) if out else frozenset({UNKNOWN_KEY})
    if kind == "instance":
        callee = index.evaluate(key[1]) if key[1] != UNKNOWN else NOTHING
        if callee[0] == "class" or (
            callee[0] == "external" and callee[1].rpartition(".")[2][:1].isupper()
        ):
            return frozenset({("bad", f"{callee[1].rpartition('.')[2]}()")})
        return frozenset({UNKNOWN_KEY})
    if kind == "elt":
        inner = index.evaluate(key[1]) if key[1] != UNKNOWN else NOTHING
        if inner[0] in ("external", "instance") and str(inner[1]).startswith(DEFAULT_EXCEPTIONS):
            return frozenset({ALL_HTTP})
        return frozenset({UNKNOWN_KEY})
    if key == UNKNOWN:
        return frozenset({UNKNOWN_KEY})
    obj = index.evaluate(key)
    if obj[0] == "external":
        dotted = obj[1]
        code = werkzeug_exception_code(dotted)
        if code is not None:
            return frozenset({("code", code)})
        if dotted.startswith("builtins."):
            verdict = _builtin_is_exception(dotted)
            if verdict is False:
                return frozenset({("bad", dotted[len("builtins."):])})
            if verdict is None:
                return frozenset({UNKNOWN_KEY})
        return frozenset({("exc", dotted)})
    if obj[0] == "class":
        if class_is_exception(index, obj[1]) is False:
            return frozenset({("bad", obj[1].rpartition(".")[2])})
        return frozenset({("exc", obj[1])})
    return frozenset({UNKNOWN_KEY})


def describe_atom(atom: Atom) -> str:
    if atom[0] == "code":
        return str(atom[1])
    if atom[0] == "exc":
        return str(atom[1]).rpartition(".")[2]
    if atom[0] == "all-http":
        return "every code in default_exceptions"
    return str(atom[1])


# --------------------------------------------------------------------------
# What one function does (from its AST)
# --------------------------------------------------------------------------

Verdict = Tuple[str, str]  # ("bare", what) / ("status", "") / ("unknown", "")
STATUS: Verdict = ("status", "")
UNSURE: Verdict = ("unknown", "")
HelperLookup = Callable[[ast.Call], Optional[str]]  # "bare" when a project helper returns bare bodies

_STR_WRAPPERS = frozenset({"str", "repr", "type", "len", "format", "isinstance", "print"})


class FunctionFacts:
    """Facts about one function's returns.  The body is walked (once) only
    when a question needs more than the returned expressions."""

    def __init__(self, model: FlaskModel, info: FunctionInfo) -> None:
        self.model = model
        self.info = info
        self.func = info.node
        self.param = error_param(info)
        self._walked = False
        self._assigned: Dict[str, List[ast.expr]] = {}
        self._status_set: Dict[str, List[ast.expr]] = {}
        self._rebound: Set[str] = set()
        self._mutated: Set[str] = set()  # names whose attributes are set or methods called
        self._raises = False

    @property
    def assigned(self) -> Dict[str, List[ast.expr]]:
        self._walk()
        return self._assigned

    @property
    def status_set(self) -> Dict[str, List[ast.expr]]:
        self._walk()
        return self._status_set

    @property
    def rebound(self) -> Set[str]:
        self._walk()
        return self._rebound

    @property
    def mutated(self) -> Set[str]:
        self._walk()
        return self._mutated

    @property
    def raises(self) -> bool:
        self._walk()
        return self._raises

    def _walk(self) -> None:
        """One pass over the body's statements (expressions are not entered:
        names bound inside them, by a walrus, are treated as unknown)."""
        if self._walked:
            return
        self._walked = True
        stack: List[ast.stmt] = list(self.info.node.body)
        while stack:
            node = stack.pop()
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                self._rebound.add(node.name)
                continue
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    self._bind(target, node.value)
            elif isinstance(node, ast.AnnAssign) and node.value is not None:
                self._bind(node.target, node.value)
            elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
                self._rebound.add(node.target.id)
            elif isinstance(node, (ast.For, ast.AsyncFor)):
                self._rebind(node.target)
            elif isinstance(node, (ast.With, ast.AsyncWith)):
                for item in node.items:
                    if item.optional_vars is not None:
                        self._rebind(item.optional_vars)
            elif isinstance(node, ast.Raise):
                self._raises = True
            elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
                func = node.value.func
                if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
                    self._mutated.add(func.value.id)  # response.set_data(...)
            for name in ("body", "orelse", "finalbody", "handlers", "cases"):
                inner = getattr(node, name, None)
                if inner:
                    stack.extend(inner)
            if isinstance(node, ast.ExceptHandler) and node.name:
                self._rebound.add(node.name)

    def _rebind(self, target: ast.AST) -> None:
        for name in ast.walk(target):
            if isinstance(name, ast.Name):
                self._rebound.add(name.id)

    def _bind(self, target: ast.AST, value: ast.expr) -> None:
        if isinstance(target, ast.Name):
            self._assigned.setdefault(target.id, []).append(value)
        elif isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name):
            if target.attr in ("status_code", "status"):
                self._status_set.setdefault(target.value.id, []).append(value)
            else:
                self._mutated.add(target.value.id)
        elif isinstance(target, ast.Subscript) and isinstance(target.value, ast.Attribute):
            if isinstance(target.value.value, ast.Name):
                self._mutated.add(target.value.value.id)  # resp.headers["X"] = ...
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                for name in ast.walk(element):
                    if isinstance(name, ast.Name):
                        self._rebound.add(name.id)

    def _values_of(self, name: str) -> Optional[List[ast.expr]]:
        """What a local name is assigned in this function (None if bound in
        some other way or not at all)."""
        if name in self.rebound or name not in self.assigned:
            return None
        return self.assigned[name]

    # ------------------------------------------------------ FLK204: status

    def response_status(self, expr: Optional[ast.expr], helper: Optional[HelperLookup] = None, _depth: int = 0) -> Verdict:
        """Whether a returned expression carries an error status."""
        if expr is None or _depth > 8:
            return UNSURE
        model = self.model
        if isinstance(expr, ast.Tuple):
            if len(expr.elts) == 2 and isinstance(expr.elts[1], (ast.Dict, ast.DictComp, ast.List)):
                return self.response_status(expr.elts[0], helper, _depth + 1)  # (body, headers)
            return STATUS if len(expr.elts) >= 2 else UNSURE
        if isinstance(expr, ast.Constant) and isinstance(expr.value, (str, bytes)):
            return ("bare", "a string")
        if isinstance(expr, ast.JoinedStr):
            return ("bare", "an f-string")
        if isinstance(expr, ast.BinOp) and isinstance(expr.op, (ast.Add, ast.Mod)) and (
            _is_str_literal(expr.left) or (isinstance(expr.op, ast.Add) and _is_str_literal(expr.right))
        ):
            return ("bare", "a string")
        if isinstance(expr, (ast.Dict, ast.DictComp)):
            return ("bare", "a dict")
        if isinstance(expr, (ast.List, ast.ListComp)):
            return ("bare", "a list")
        if isinstance(expr, ast.IfExp):
            for branch in (expr.body, expr.orelse):
                verdict = self.response_status(branch, helper, _depth + 1)
                if verdict[0] == "bare":
                    return verdict
            return UNSURE
        if isinstance(expr, ast.Name):
            if expr.id == self.param:
                return STATUS  # return e
            if expr.id in self.status_set:
                return STATUS
            values = self._values_of(expr.id)
            if not values:
                return UNSURE
            verdicts = [self.response_status(v, helper, _depth + 1) for v in values]
            if all(v[0] == "bare" for v in verdicts):
                return verdicts[0]
            return UNSURE
        if isinstance(expr, ast.Call):
            qual = model.call_qualname(expr)
            if qual in RENDER_FUNCTIONS:
                return ("bare", RENDER_FUNCTIONS[qual])
            if qual in JSONIFY:
                return ("bare", "jsonify(...)")
            if qual == "json.dumps":
                return ("bare", "a JSON string")
            if qual == "flask.make_response":
                if any(isinstance(a, ast.Starred) for a in expr.args) or expr.keywords:
                    return UNSURE
                if len(expr.args) >= 2:
                    return STATUS
                if not expr.args:
                    return ("bare", "make_response()")
                inner = self.response_status(expr.args[0], helper, _depth + 1)
                return ("bare", "make_response(...) of a bare body") if inner[0] == "bare" else inner
            if qual in RESPONSE_CLASSES or (isinstance(expr.func, ast.Attribute) and expr.func.attr == "response_class"):
                if any(isinstance(a, ast.Starred) for a in expr.args) or any(k.arg is None for k in expr.keywords):
                    return UNSURE
                if call_arg(expr, 1, "status") is not None:
                    return STATUS
                return ("bare", "Response(...)")
            if qual in NON_SUCCESS_CALLS:
                return STATUS
            if isinstance(expr.func, ast.Attribute) and expr.func.attr in ("get_response", "send_static_file"):
                return STATUS
            if helper is not None and helper(expr) == "bare":
                name = expr.func.attr if isinstance(expr.func, ast.Attribute) else getattr(expr.func, "id", "helper")
                return ("bare", f"{name}(...), a helper's bare body,")
        return UNSURE

    def bare_returns(self, helper: Optional[HelperLookup] = None) -> List[Tuple[ast.Return, str]]:
        out = []
        for ret in self.info.returns:
            if ret.value is None:
                continue
            verdict = self.response_status(ret.value, helper)
            if verdict[0] == "bare":
                out.append((ret, verdict[1]))
        return out

    def all_bare(self) -> bool:
        """Every return is a plain body without a status: a template, a
        string, a dict, ``jsonify(...)``.  Helpers that build a response
        object (``Response(html, mimetype=...)``) are generic senders, also
        used on purpose for 200 answers: they do not count."""
        values = [r.value for r in self.info.returns]
        if not values:
            return False
        # Returned names need the body walked: look at the others first.
        values.sort(key=lambda v: isinstance(v, ast.Name))
        for value in values:
            verdict = self.response_status(value) if value is not None else UNSURE
            if verdict[0] != "bare" or verdict[1].startswith(("Response", "make_response")):
                return False
        return True

    # ------------------------------------------- FLK207: HTTP errors through

    def http_passage(self) -> Optional[str]:
        """For an ``Exception`` handler: "fixed" when no return's status
        depends on the error (HTTP errors are swallowed), "raw" when HTTP
        errors are returned as they are (``return e``, ``e.get_response()``:
        Werkzeug's HTML page), None when unsure or passing them through."""
        if self.param is None or not self.info.returns:
            return None
        outcomes = {self._passes(r.value) for r in self.info.returns}
        if "pass" in outcomes or self.raises:
            return None
        return "fixed" if outcomes == {"fixed"} else "raw"

    def _passes(self, expr: Optional[ast.expr], _depth: int = 0) -> str:
        """"raw", "pass" (the status depends on the error) or "fixed"."""
        param = self.param
        if expr is None or param is None:
            return "fixed"
        if _depth > 8:
            return "pass"
        if isinstance(expr, ast.Name):
            if expr.id == param:
                return "raw"
            if any(self._refers(v) for v in self.status_set.get(expr.id, ())):
                return "pass"
            values = self._values_of(expr.id)
            if values is None:
                return "pass"  # bound elsewhere: unsure
            outcomes = {self._passes(v, _depth + 1) for v in values}
            if "pass" in outcomes or ("raw" in outcomes and expr.id in self.mutated):
                return "pass"  # e.get_response() with its body replaced
            return "raw" if "raw" in outcomes else "fixed"
        if isinstance(expr, ast.Tuple):
            if len(expr.elts) == 2 and isinstance(expr.elts[1], (ast.Dict, ast.DictComp, ast.List)):
                return self._passes(expr.elts[0], _depth + 1)
            return "pass" if any(self._refers(e) for e in expr.elts[1:]) else "fixed"
        if isinstance(expr, ast.IfExp):
            outcomes = {self._passes(expr.body, _depth + 1), self._passes(expr.orelse, _depth + 1)}
            if "pass" in outcomes:
                return "pass"
            return "raw" if "raw" in outcomes else "fixed"
        if isinstance(expr, ast.Call):
            func = expr.func
            if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == param:
                return "raw" if func.attr == "get_response" and not expr.args else "pass"
            qual = self.model.call_qualname(expr)
            if qual in JSONIFY or qual in RENDER_FUNCTIONS or qual == "json.dumps" or qual in NON_SUCCESS_CALLS:
                return "fixed"
            if qual == "flask.make_response":
                if len(expr.args) >= 2:
                    return "pass" if any(self._refers(a) for a in expr.args[1:]) else "fixed"
                return self._passes(expr.args[0], _depth + 1) if len(expr.args) == 1 and not expr.keywords else "pass"
            if qual in RESPONSE_CLASSES or (isinstance(func, ast.Attribute) and func.attr == "response_class"):
                status = call_arg(expr, 1, "status")
                return "pass" if status is not None and self._refers(status) else "fixed"
            return "pass" if self._refers(expr) else "fixed"
        return "pass" if self._refers(expr) else "fixed"

    def _refers(self, expr: ast.AST, _seen: Optional[Set[str]] = None) -> bool:
        """Whether ``expr`` uses the error other than as text (str(e), f"{e}"),
        directly or through local variables."""
        param = self.param
        seen = _seen if _seen is not None else set()
        stack: List[ast.AST] = [expr]
        while stack:
            node = stack.pop()
            if isinstance(node, ast.Name):
                if node.id == param or node.id in self.rebound:
                    return True
                if node.id not in seen and node.id in self.assigned:
                    seen.add(node.id)
                    stack.extend(self.assigned[node.id])
                    stack.extend(self.status_set.get(node.id, ()))
                continue
            if isinstance(node, ast.JoinedStr):
                continue
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _STR_WRAPPERS:
                continue
            if isinstance(node, (ast.Lambda, ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            stack.extend(child_nodes(node))
        return False

    # ---------------------------------------------- FLK202: what a view answers

    def answers(self) -> Optional[str]:
        values = [r.value for r in self.info.returns if r.value is not None]
        kinds = {self._body_kind(v) for v in values if not isinstance(v, ast.Name)}
        if not kinds - {None}:  # only then resolve returned names (a walk of the body)
            kinds |= {self._body_kind(v) for v in values if isinstance(v, ast.Name)}
        for kind in ("html", "json", "text"):
            if kind in kinds:
                return kind
        return None

    def _body_kind(self, expr: Optional[ast.expr], _depth: int = 0) -> Optional[str]:
        if expr is None or _depth > 6:
            return None
        if isinstance(expr, ast.Tuple):
            return self._body_kind(expr.elts[0], _depth + 1) if expr.elts else None
        if isinstance(expr, (ast.Dict, ast.DictComp, ast.List, ast.ListComp)):
            return "json"
        if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
            return "html" if expr.value.lstrip().startswith("<") else "text"
        if isinstance(expr, ast.JoinedStr):
            first = expr.values[0] if expr.values else None
            literal = first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else ""
            return "html" if literal.lstrip().startswith("<") else "text"
        if isinstance(expr, ast.IfExp):
            kinds = {self._body_kind(expr.body, _depth + 1), self._body_kind(expr.orelse, _depth + 1)}
            for kind in ("html", "json", "text"):
                if kind in kinds:
                    return kind
            return None
        if isinstance(expr, ast.Name):
            values = self._values_of(expr.id)
            if values and len(values) == 1:
                return self._body_kind(values[0], _depth + 1)
            return None
        if isinstance(expr, ast.Call):
            qual = self.model.call_qualname(expr)
            if qual in JSONIFY:
                return "json"
            if qual in RENDER_FUNCTIONS:
                return "html"
            if qual == "flask.make_response" and expr.args:
                return self._body_kind(expr.args[0], _depth + 1)
            if qual in RESPONSE_CLASSES:
                for keyword in ("mimetype", "content_type"):
                    value = call_arg(expr, 99, keyword)
                    if isinstance(value, ast.Constant) and isinstance(value.value, str):
                        return "json" if "json" in value.value else None
                first = call_arg(expr, 0, "response")
                if isinstance(first, ast.Call) and self.model.call_qualname(first) == "json.dumps":
                    return "json"
        return None


def _is_str_literal(node: ast.AST) -> bool:
    return (isinstance(node, ast.Constant) and isinstance(node.value, str)) or isinstance(node, ast.JoinedStr)


def error_param(info: FunctionInfo) -> Optional[str]:
    """The parameter that receives the error (None if there is none)."""
    args = info.node.args
    positional = [a.arg for a in args.posonlyargs + args.args]
    if info.class_node is not None and not _has_decorator(info.node, "staticmethod"):
        positional = positional[1:]
    if positional:
        return positional[0]
    return args.vararg.arg if args.vararg is not None else None


def _has_decorator(func: FunctionNode, name: str) -> bool:
    return any(isinstance(d, ast.Name) and d.id == name for d in func.decorator_list)


def _visible_to_index(model: FlaskModel) -> bool:
    """True when the index surely holds this module's full summary (it
    imports Flask, or a name in it matches the index's relevance filter),
    so other files may rely on its facts whichever file is linted."""
    if _imports_flask(model):
        return True
    scopes = [model.module_scope] + [info.scope for info in model.functions.values()]
    scopes += [scope for _node, scope in model.classes.values()]
    for scope in scopes:
        for name in scope.bindings:
            if RELEVANT_TEXT_RE.search(name):  # names are in the text as they are
                return True
    for call, _scope, _loop in model.calls:
        if isinstance(call.func, ast.Attribute) and RELEVANT_TEXT_RE.search("." + call.func.attr):
            return True
    return False


def _imports_flask(model: FlaskModel) -> bool:
    own_root = model.module.split(".", 1)[0]
    scopes = [model.module_scope] + [info.scope for info in model.functions.values()]
    for scope in scopes:
        for bindings in scope.bindings.values():
            for binding in bindings:
                if binding.kind == "import" and binding.qualname:
                    root = binding.qualname.split(".", 1)[0]
                    if root in ("flask", "werkzeug", "apiflask"):
                        return True
                    # flask_sqlalchemy... but not the project's own package
                    # (a relative import's text need not say "flask").
                    if root.startswith("flask_") and root != own_root:
                        return True
    return False


_CATCH_ALL_NAMES = frozenset({"Exception", "BaseException"})


def _catches_all(handler: ast.ExceptHandler) -> bool:
    kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any(k is None or (isinstance(k, ast.Name) and k.id in _CATCH_ALL_NAMES) for k in kinds)


def _raises_within(body: List[ast.stmt]) -> bool:
    stack: List[ast.AST] = list(body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Raise):
            return True
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            stack.extend(child_nodes(node))
    return False


def catches_everything(func: FunctionNode) -> bool:
    """A view that answers its own crashes: Flask registers the function
    itself (no other decorator wraps it), and its whole body is one ``try``
    with an ``except Exception`` (or bare) clause, every clause ending in a
    ``return`` and none raising.  No exception can leave such a view, so an
    app made only of them never shows Werkzeug's 500 page."""
    for decorator in func.decorator_list:
        call = decorator.func if isinstance(decorator, ast.Call) else decorator
        if not (isinstance(call, ast.Attribute) and call.attr in ROUTE_ATTRS):
            return False
    body = func.body
    if body and isinstance(body[0], ast.Expr) and _is_str_literal(body[0].value):
        body = body[1:]  # the docstring
    if len(body) != 1 or not isinstance(body[0], ast.Try):
        return False
    stmt = body[0]
    if stmt.orelse or stmt.finalbody or not any(_catches_all(h) for h in stmt.handlers):
        return False
    clauses = [stmt.body] + [h.body for h in stmt.handlers]
    return all(c and isinstance(c[-1], ast.Return) for c in clauses) and not any(
        _raises_within(h.body) for h in stmt.handlers
    )


# --------------------------------------------------------------------------
# Cross-file facts: the "errors" summary extension
# --------------------------------------------------------------------------

EXTENSION = "errors"


@summary_extension(EXTENSION)
def summarise_errors(model: FlaskModel) -> Optional[Dict[str, Any]]:
    """Per module: ``funcs`` {qualname: [all returns bare?, http passage,
    answers, a view that catches everything?]} for functions with something
    to say; ``custom`` the objects
    whose error machinery is replaced (``app.handle_exception = f``);
    ``json_errors`` {creation key: literal or None} for ``APIFlask(json_errors=)``.

    Modules that import nothing from Flask, Werkzeug or an extension give
    None: the index may hold them as light summaries, so other files must
    not depend on their facts (a parameter reached there is opaque)."""
    if not _visible_to_index(model):
        return None
    funcs: Dict[str, List[Any]] = {}
    views = {id(r.view_node) for r in model.routes if r.view_node is not None}
    for info in model.functions.values():
        if not info.returns:
            continue
        facts = FunctionFacts(model, info)
        # Only plain functions can be registered as Exception handlers
        # from another module; routed views never are.
        handler_shaped = info.class_node is None and id(info.node) not in views
        row = [
            facts.all_bare(),
            facts.http_passage() if handler_shaped else None,
            facts.answers(),
            id(info.node) in views and catches_everything(info.node),
        ]
        if any(row):
            funcs[info.qualname] = row
    custom: List[Value] = []
    for target, scope in _attribute_assignments(model):
        custom.append(model.value(target, scope))
    json_errors: Dict[str, Any] = {}
    for creation in model.creations:
        value = call_arg(creation.node, 99, "json_errors")
        if value is not None:
            json_errors[creation.key] = value.value if isinstance(value, ast.Constant) else None
    return {"funcs": funcs, "custom": custom, "json_errors": json_errors}


# Statements without a statement list under them (and not assignments).
_NO_BLOCK_STATEMENTS = frozenset(
    {
        ast.Expr, ast.Return, ast.Raise, ast.Assert, ast.Delete, ast.Pass, ast.Break, ast.Continue, ast.Global,
        ast.Nonlocal, ast.Import, ast.ImportFrom,
    }
)


def _attribute_assignments(model: FlaskModel) -> Iterable[Tuple[ast.expr, Any]]:
    """(object, scope) for ``obj.handle_exception = ...`` and
    ``obj.error_handler_spec[...] = ...`` statements."""
    bodies: List[Tuple[List[ast.stmt], Any]] = [(model.tree.body, model.module_scope)]
    bodies += [(info.node.body, info.scope) for info in model.functions.values()]
    for body, scope in bodies:
        stack = list(body)
        while stack:
            stmt = stack.pop()
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                continue
            if isinstance(stmt, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
                targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                for target in targets:
                    while isinstance(target, ast.Subscript):
                        target = target.value
                    if isinstance(target, ast.Attribute) and target.attr in CUSTOM_HANDLING_ATTRS:
                        yield target.value, scope
                continue
            if type(stmt) in _NO_BLOCK_STATEMENTS:
                continue  # nothing under it to look at
            for name in ("body", "orelse", "finalbody", "handlers"):
                stack.extend(getattr(stmt, name, ()) or ())


# --------------------------------------------------------------------------
# Project-wide facts, computed once per index
# --------------------------------------------------------------------------


@dataclass
class ScopeErrors:
    """What reaches one app (or one blueprint)."""

    key: str
    module: str = ""
    app_atoms: List[FrozenSet[Atom]] = field(default_factory=list)  # app-wide handlers
    bp_atoms: List[FrozenSet[Atom]] = field(default_factory=list)  # blueprint-level handlers
    exception_handlers: List[Obj] = field(default_factory=list)  # functions registered for Exception
    views: Dict[str, Optional[str]] = field(default_factory=dict)  # view -> what it answers
    blueprints: Set[str] = field(default_factory=set)
    uncertain: List[str] = field(default_factory=list)  # the index cannot see everything
    handled: List[str] = field(default_factory=list)  # an extension answers errors
    crash_paths: int = 0  # views and request hooks an exception can leave
    covered_blueprints: List[str] = field(default_factory=list)  # with a catch-all of their own

    def has(self, wanted: FrozenSet[Atom], app_wide_only: bool = True) -> bool:
        groups = self.app_atoms if app_wide_only else self.app_atoms + self.bp_atoms
        return any(atoms & wanted for atoms in groups)

    def codes(self, app_wide_only: bool = False) -> Set[int]:
        groups = self.app_atoms if app_wide_only else self.app_atoms + self.bp_atoms
        found: Set[int] = set()
        for atoms in groups:
            for atom in atoms:
                if atom[0] == "code":
                    found.add(atom[1])
                elif atom == ALL_HTTP:
                    found.update(WERKZEUG_ERROR_CODES)
        return found


class ProjectErrors:
    def __init__(self, index: ProjectIndex) -> None:
        self.index = index
        self.ext: Dict[str, Dict[str, Any]] = {}
        for module, data in index.extension(EXTENSION):
            if isinstance(data, dict):
                self.ext[module] = data
        self.funcs: Dict[str, Tuple[Any, ...]] = {}
        self.custom: List[Obj] = []
        for data in self.ext.values():
            for qual, row in (data.get("funcs") or {}).items():
                if isinstance(row, (list, tuple)) and len(row) >= 3:
                    self.funcs[qual] = tuple(row)
            for value in data.get("custom") or ():
                self.custom.extend(_flatten(index.evaluate(value)))
        self.handlers: List[Tuple[str, tuple]] = []
        self.handlers_by_func: Dict[str, List[Tuple[str, tuple]]] = {}
        self.hooks_by_func: Dict[str, List[Tuple[str, Value, str]]] = {}  # (kind, target, module)
        self.creations: Dict[str, Tuple[str, Value]] = {}
        for module, summary in index.iter_modules():
            for fact in summary.get("handlers", ()):
                self.handlers.append((module, fact))
                func = index.evaluate(fact[3]) if fact[3] != UNKNOWN else NOTHING
                if func[0] == "function":
                    self.handlers_by_func.setdefault(func[1], []).append((module, fact))
            for fact in summary.get("hooks", ()):
                func = index.evaluate(fact[2]) if fact[2] != UNKNOWN else NOTHING
                if func[0] == "function":
                    self.hooks_by_func.setdefault(func[1], []).append((fact[1], fact[0], module))
            for key, callee, _args, _line in summary.get("creations", ()):
                self.creations[key] = (module, callee)
        self._atoms: Dict[Any, FrozenSet[Atom]] = {}
        self._sources: Dict[Tuple[str, str], Tuple[FrozenSet[Obj], bool]] = {}
        self._apps: Dict[str, ScopeErrors] = {}
        self._blueprints: Dict[str, ScopeErrors] = {}
        self._orphans: Optional[FrozenSet[Atom]] = None
        self._bp_apps: Optional[Dict[str, Set[str]]] = None

    # ------------------------------------------------------------ basics

    def atoms(self, key: Value) -> FrozenSet[Atom]:
        try:
            found = self._atoms.get(key)
        except TypeError:
            return frozenset({UNKNOWN_KEY})
        if found is None:
            found = key_atoms(self.index, key)
            self._atoms[key] = found
        return found

    def opaque(self, func_qual: str) -> bool:
        """Whether the module holding a function gives no facts (see the extension)."""
        entry = self.index.functions.get(func_qual)
        return entry is None or entry[0] not in self.ext

    def func_row(self, func_qual: str) -> Optional[Tuple[Any, ...]]:
        return self.funcs.get(func_qual)

    def http_passage(self, func: Obj) -> Optional[str]:
        if func[0] != "function":
            return None
        row = self.funcs.get(func[1])
        return row[1] if row else None

    def param_sources(self, func: str, param: str) -> Tuple[FrozenSet[Obj], bool]:
        """The objects a parameter receives (through other parameters too),
        and whether some caller passes something the index cannot see."""
        memo = self._sources.get((func, param))
        if memo is not None:
            return memo
        incoming = self.index.incoming()
        objs: Set[Obj] = set()
        unknown = False
        seen: Set[Tuple[str, str]] = set()
        stack = [(func, param)]
        while stack:
            current = stack.pop()
            if current in seen:
                continue
            seen.add(current)
            values = incoming.get(current)
            if not values:
                unknown = True
                continue
            for value in values:
                for obj in _flatten(value):
                    if obj[0] == "param":
                        stack.append((obj[1], obj[2]))
                    elif obj == NOTHING or obj[0] == "elt":
                        unknown = True
                    else:
                        objs.add(obj)
        result = (frozenset(objs), unknown)
        self._sources[(func, param)] = result
        return result

    def callee_verdict(self, callee: Obj, written: Value = UNKNOWN, _depth: int = 0) -> str:
        """"ok" (cannot install error handling), "extension" (installs its
        own) or "unknown" for a callable the index cannot follow."""
        kind = callee[0]
        if callee == NOTHING:
            return self._method_verdict(written, _depth)
        if kind in ("external", "instance"):
            root = _dotted_root(callee)
            if root in ERROR_HANDLING_PACKAGES:
                return "extension"
            return "ok" if root in ERROR_NEUTRAL_PACKAGES else "unknown"
        if kind == "bound":
            return "ok" if callee[2] in FLASK_METHODS else "unknown"
        if kind == "class":
            if self.index.class_kind(callee[1]) == "api":
                return "extension"
            roots = {b.split(".", 1)[0] for b in self.index.base_qualnames(callee[1])}
            if roots & ERROR_HANDLING_PACKAGES:
                return "extension"
            return "ok" if roots <= ERROR_NEUTRAL_PACKAGES else "unknown"
        return "unknown"

    def _method_verdict(self, written: Value, depth: int) -> str:
        """A method the index does not resolve: ``db.init_app(app)`` on an
        instance of a project subclass of an extension class, or
        ``config[name].init_app(app)`` on a dict of project classes."""
        if depth > 3 or not written:
            return "unknown"
        if written[0] == "m":
            base, attr = written[1], written[2]
        elif written[0] == "q" and "." in written[1]:
            head, _, attr = written[1].rpartition(".")
            base = ("q", head)
        else:
            return "unknown"
        index = self.index
        owners = _flatten(index.evaluate(base))
        verdicts: Set[str] = set()
        for owner in owners:
            if owner[0] in ("param", "app", "blueprint"):
                # app.register_blueprint(bp) inside register_blueprints(app)
                verdicts.add("ok" if attr in FLASK_METHODS else "unknown")
            elif owner[0] in ("class", "instance") and owner[1] in index.classes:
                method = index.find_method(owner[1], attr)
                if method:
                    verdicts.add(self._function_verdict(method, depth + 1))
                    continue
                roots = {b.split(".", 1)[0] for b in index.base_qualnames(owner[1])}
                if roots & ERROR_HANDLING_PACKAGES:
                    verdicts.add("extension")
                else:
                    verdicts.add("ok" if roots and roots <= ERROR_NEUTRAL_PACKAGES else "unknown")
            elif owner[0] in ("external", "instance"):
                verdicts.add(self.callee_verdict(("external", f"{owner[1]}.{attr}")))
            else:
                verdicts.add("unknown")
        for verdict in ("extension", "unknown"):
            if verdict in verdicts:
                return verdict
        return "ok" if verdicts else "unknown"

    def _function_verdict(self, func: str, depth: int) -> str:
        """A project function reached without the index linking its
        parameters: "ok" when none of them registers anything or escapes."""
        entry = self.index.functions.get(func)
        if entry is None or self.opaque(func):
            return "unknown"
        for param in entry[1].get("params", ()):
            holder: Obj = ("param", func, param)
            regs = self.index.registrations_on(holder)
            if regs.get("handlers") or regs.get("bp_regs"):
                return "unknown"
            for callee, written in self.index.unfollowed_callees(holder):
                verdict = self.callee_verdict(callee, written, depth + 1)
                if verdict != "ok":
                    return verdict
            reached, _ = self.index.object_reaches(holder)
            if any(self.opaque(f) for f, _p in reached):
                return "unknown"
        return "ok"

    def answers(self, func_qual: str) -> Optional[str]:
        row = self.funcs.get(func_qual)
        return row[2] if row else None

    def class_answers(self, class_qual: str) -> Optional[str]:
        kinds = set()
        for method in ("get", "post", "put", "patch", "delete"):
            found = self.index.find_method(class_qual, method)
            if found:
                kinds.add(self.answers(found))
        for kind in ("html", "json", "text"):
            if kind in kinds:
                return kind
        return None

    # ------------------------------------------------------- apps, blueprints

    def app(self, key: str) -> ScopeErrors:
        found = self._apps.get(key)
        if found is None:
            found = self._compute_app(key)
            self._apps[key] = found
        return found

    def all_apps(self) -> List[ScopeErrors]:
        return [self.app(key) for key, _module, _line in self.index.objects("app")]

    def _compute_app(self, key: str) -> ScopeErrors:
        index = self.index
        obj: Obj = ("app", key)
        module, callee = self.creations.get(key, ("", UNKNOWN))
        result = ScopeErrors(key, module)
        holders: List[Obj] = [obj]
        cls = index.evaluate(callee) if callee != UNKNOWN else NOTHING
        if cls[0] == "external":
            self._external_app_class(result, cls[1], module)
        elif cls[0] == "class":
            holders += self._project_app_class(result, cls[1])
        regs: Dict[str, List[Tuple[str, tuple]]] = {}
        for holder in holders:
            for kind, facts in index.registrations_on(holder).items():
                regs.setdefault(kind, []).extend(facts)
            self._check_escapes(result, holder)
            if holder in self.custom:
                result.handled.append("its error handling methods are replaced")
        if index.has_api_extension(obj):
            result.handled.append("an Api extension answers its errors")
        self._add_handlers(result, regs.get("handlers", ()), app_level=True)
        self._add_views(result, regs.get("routes", ()))
        self._add_hooks(result, regs.get("hooks", ()))
        pending = list(regs.get("bp_regs", ()))
        while pending:
            _module, fact = pending.pop()
            keys, unknown = self._resolve_blueprints(index.evaluate(fact[1]) if fact[1] != UNKNOWN else NOTHING)
            if unknown:
                result.uncertain.append("a blueprint registered on it cannot be resolved")
            for bp_key in sorted(keys - result.blueprints):
                result.blueprints.add(bp_key)
                bp = self.blueprint(bp_key)
                result.app_atoms.extend(bp.app_atoms)
                result.bp_atoms.extend(bp.bp_atoms)
                result.exception_handlers.extend(bp.exception_handlers)
                result.views.update(bp.views)
                if any(atoms & SERVER_ERROR_ATOMS for atoms in bp.bp_atoms):
                    # bp.errorhandler(500) does catch crashes in that blueprint's views
                    result.covered_blueprints.append(bp_key)
                else:
                    result.crash_paths += bp.crash_paths
                result.uncertain.extend(bp.uncertain)
                result.handled.extend(bp.handled)
                pending.extend(index.registrations_on(("blueprint", bp_key)).get("bp_regs", ()))
        return result

    def blueprint(self, key: str) -> ScopeErrors:
        found = self._blueprints.get(key)
        if found is None:
            index = self.index
            obj: Obj = ("blueprint", key)
            found = ScopeErrors(key)
            regs = index.registrations_on(obj)
            self._add_handlers(found, regs.get("handlers", ()), app_level=False)
            self._add_views(found, regs.get("routes", ()))
            self._add_hooks(found, regs.get("hooks", ()))
            self._check_escapes(found, obj)
            if index.has_api_extension(obj):
                found.handled.append("an Api extension answers errors of a blueprint registered on it")
            self._blueprints[key] = found
        return found

    def apps_of_blueprint(self, key: str) -> List[ScopeErrors]:
        if self._bp_apps is None:
            mapping: Dict[str, Set[str]] = {}
            for app in self.all_apps():
                for bp_key in app.blueprints:
                    mapping.setdefault(bp_key, set()).add(app.key)
            self._bp_apps = mapping
        return [self.app(k) for k in sorted(self._bp_apps.get(key, ()))]

    def _external_app_class(self, result: ScopeErrors, dotted: str, module: str) -> None:
        if dotted.split(".", 1)[0] not in ERROR_HANDLING_PACKAGES:
            return
        json_errors = (self.ext.get(module) or {}).get("json_errors") or {}
        if dotted == "apiflask.APIFlask" and result.key in json_errors:
            value = json_errors[result.key]
            if value is False:
                return  # APIFlask(json_errors=False): plain Flask error pages
            if value is not True:
                result.uncertain.append("json_errors= is not a literal")
                return
        result.handled.append(f"{dotted} answers HTTP errors itself")

    def _project_app_class(self, result: ScopeErrors, class_qual: str) -> List[Obj]:
        """A Flask subclass: handlers registered on ``self`` in its methods
        count, and overriding the error machinery means custom handling."""
        index = self.index
        holders: List[Obj] = []
        stack, seen = [class_qual], set()
        while stack:
            current = stack.pop()
            if current in seen or current not in index.classes:
                continue
            seen.add(current)
            info = index.classes[current][1]
            methods = list(info.get("methods", ()))
            if CUSTOM_HANDLING_METHODS.intersection(methods):
                result.handled.append(f"{current} overrides Flask's error handling")
            for method in methods:
                entry = index.functions.get(f"{current}.{method}")
                params = list(entry[1].get("params", ())) if entry else []
                if params:
                    holders.append(("param", f"{current}.{method}", params[0]))
            for base in info.get("bases", ()):
                base_obj = index.evaluate(base)
                if base_obj[0] == "class":
                    stack.append(base_obj[1])
                elif base_obj[0] == "external":
                    if base_obj[1].split(".", 1)[0] in ERROR_HANDLING_PACKAGES:
                        result.handled.append(f"{base_obj[1]} answers HTTP errors itself")
                else:
                    result.uncertain.append(f"a base class of {current} cannot be resolved")
        return holders

    def _check_escapes(self, result: ScopeErrors, holder: Obj) -> None:
        index = self.index
        for callee, written in index.unfollowed_callees(holder):
            verdict = self.callee_verdict(callee, written)
            if verdict == "extension":
                result.handled.append(f"it is passed to {callee[1:]}, which answers errors itself")
            elif verdict == "unknown":
                result.uncertain.append("it is passed to a callable the index cannot follow")
        reached, _ = index.object_reaches(holder)
        for func, _param in reached:
            if self.opaque(func):
                result.uncertain.append(f"it is passed to {func}, in a module the index sees only in part")

    def _add_handlers(self, result: ScopeErrors, facts: Iterable[Tuple[str, tuple]], app_level: bool) -> None:
        for _module, fact in facts:
            result.crash_paths += 1  # a handler that raises ends in the 500 page too
            atoms = self.atoms(fact[2])
            if app_level or fact[1] == "app_errorhandler":
                result.app_atoms.append(atoms)
            else:
                result.bp_atoms.append(atoms)
            if EXC_ATOM in atoms or UNKNOWN_KEY in atoms:
                func = self.index.evaluate(fact[3]) if fact[3] != UNKNOWN else NOTHING
                result.exception_handlers.append(func)

    def _add_views(self, result: ScopeErrors, facts: Iterable[Tuple[str, tuple]]) -> None:
        index = self.index
        for module, fact in facts:
            view = fact[4]
            obj = index.evaluate(view) if view != UNKNOWN else NOTHING
            if obj == NOTHING and view[0] == "new":  # SomeView.as_view("name")
                callee = view[1]
                if callee[0] == "m" and callee[2] == "as_view":
                    obj = index.evaluate(callee[1])
                elif callee[0] == "q" and callee[1].endswith(".as_view"):
                    obj = index.evaluate(("q", callee[1][: -len(".as_view")]))
            if obj[0] == "function":
                opaque = self.opaque(obj[1])
                result.views[obj[1]] = None if opaque else self.answers(obj[1])
                row = self.funcs.get(obj[1])
                if opaque or not (row and len(row) > 3 and row[3]):
                    result.crash_paths += 1
            elif obj[0] == "class":
                result.views[obj[1]] = self.class_answers(obj[1])
                result.crash_paths += 1
            else:
                result.views[f"{module}:{fact[5]}"] = None
                result.crash_paths += 1

    def _add_hooks(self, result: ScopeErrors, facts: Iterable[Tuple[str, tuple]]) -> None:
        # An exception in a before/after hook goes to the error handlers (one
        # in a teardown function does not), so such a hook can crash a request.
        result.crash_paths += sum(1 for _module, fact in facts if not str(fact[1]).startswith("teardown"))

    def _resolve_blueprints(self, child: Obj) -> Tuple[Set[str], bool]:
        keys: Set[str] = set()
        unknown = False
        pending = [child]
        seen: Set[Obj] = set()
        while pending and len(seen) < 500:
            current = pending.pop()
            if current in seen:
                continue
            seen.add(current)
            kind = current[0]
            if kind == "blueprint":
                keys.add(current[1])
            elif kind == "seq":
                pending.extend(current[1])
            elif kind == "param":
                objs, missing = self.param_sources(current[1], current[2])
                pending.extend(objs)
                unknown = unknown or missing
            elif kind == "elt" and current[1][0] == "param":
                objs, missing = self.param_sources(current[1][1], current[1][2])
                for obj in objs:
                    pending.extend(obj[1] if obj[0] == "seq" else [obj])
                unknown = unknown or missing
            elif kind in ("external", "instance"):
                if _dotted_root(current) not in ERROR_NEUTRAL_PACKAGES:
                    unknown = True
            else:
                unknown = True
        return keys, unknown

    # ------------------------------------------------------------ orphans

    def orphan_atoms(self) -> FrozenSet[Atom]:
        """Keys of handlers registered on something the index cannot tie to
        an app (``current_app``, a parameter nobody visible passes an app
        to, a blueprint registered nowhere it can see): any app may have them."""
        if self._orphans is None:
            registered: Set[str] = set()
            for app in self.all_apps():
                registered |= app.blueprints
            out: Set[Atom] = set()
            for _module, fact in self.handlers:
                atoms = self.atoms(fact[2])
                target = self.index.evaluate(fact[0]) if fact[0] != UNKNOWN else NOTHING
                for obj in _flatten(target):
                    if self._is_orphan(obj, fact[1], registered):
                        out |= atoms
            self._orphans = frozenset(out)
        return self._orphans

    def _is_orphan(self, obj: Obj, method: str, registered: Set[str]) -> bool:
        kind = obj[0]
        if kind in ("app", "api", "namespace"):
            return False
        if kind == "blueprint":
            return method == "app_errorhandler" and obj[1] not in registered
        if kind == "param":
            owner = obj[1].rpartition(".")[0]
            if owner in self.index.classes and self.index.class_kind(owner) == "app":
                return False  # self in a Flask subclass: counted for each of its apps
            objs, unknown = self.param_sources(obj[1], obj[2])
            if unknown:
                return True
            return any(self._is_orphan(o, method, registered) for o in objs if o[0] != "param")
        if kind in ("external", "instance"):
            return _dotted_root(obj) not in ERROR_NEUTRAL_PACKAGES or str(obj[1]).startswith("flask.current_app")
        return True


def project_errors(index: ProjectIndex) -> ProjectErrors:
    """The project facts, computed once per index state."""
    found = index.memoised("errors", ProjectErrors)
    assert isinstance(found, ProjectErrors)
    return found


# --------------------------------------------------------------------------
# The checks
# --------------------------------------------------------------------------


def check(ctx: FileContext) -> None:
    project = project_errors(ctx.index)
    _check_whole_apps(ctx, project)
    regs = [reg for reg in ctx.model.handlers if _is_flask_scope(ctx, project, reg.target, ctx.model.module)]
    _check_keys(ctx, project, regs)
    _check_handler_bodies(ctx, project)
    _check_signatures(ctx, project)
    _check_blueprint_routing(ctx, project, regs)
    _check_catch_all(ctx, project, regs)
    _check_duplicates(ctx, project, regs)


# What the index resolves and is surely neither an app nor a blueprint: a
# class (``Plugin.errorhandler(404)(f)``, a project's own marker decorator;
# Flask's methods are not registrations when called on a class), a module or
# a function.
_NOT_SCOPE_KINDS = frozenset({"class", "module", "function"})


def _scope_objects(ctx: FileContext, project: ProjectErrors, target: Value) -> Tuple[List[Obj], bool]:
    """The apps/blueprints a registration target stands for, and whether
    some of it is unknown."""
    objs: List[Obj] = []
    unknown = False
    found = ctx.evaluate(target)
    for obj in _flatten(found):
        if obj[0] in _NOT_SCOPE_KINDS:
            continue
        if obj[0] == "param":
            sources, missing = project.param_sources(obj[1], obj[2])
            objs.extend(o for o in sources if o[0] != "seq")
            unknown = unknown or missing
        elif obj == NOTHING or obj[0] not in ("app", "blueprint", "api", "namespace"):
            unknown = True
        else:
            objs.append(obj)
    return objs, unknown


def _is_flask_scope(ctx: FileContext, project: ProjectErrors, target: Value, module: str) -> bool:
    """A Flask app or blueprint (not a Flask-RESTX/RESTful Api, whose
    errorhandler works differently)."""
    objs, unknown = _scope_objects(ctx, project, target)
    kinds = {o[0] for o in objs}
    if kinds & {"api", "namespace"}:
        return False
    if kinds:
        return True
    return unknown and module in project.ext


def _source(node: Optional[ast.AST], default: str = "?", limit: int = 60) -> str:
    if node is None:
        return default
    try:
        text = ast.unparse(node)
    except Exception:  # pragma: no cover - unparse handles every parsed tree
        return default
    return text if len(text) <= limit else default


def _bound_name(ctx: FileContext, call: ast.AST) -> str:
    scopes = [ctx.model.module_scope] + [info.scope for info in ctx.model.functions.values()]
    for scope in scopes:
        for name, bindings in scope.bindings.items():
            for binding in bindings:
                if binding.kind == "assign" and binding.node is call:
                    return name
    return "app"


# ----------------------------------------------------------- FLK201, FLK202


def _check_whole_apps(ctx: FileContext, project: ProjectErrors) -> None:
    module = ctx.model.module
    mine = {key for key, owner, _line in ctx.index.objects("app") if owner == module}
    if not mine or is_test_module(module) or is_test_path(ctx.path, ctx.index.root):
        return
    orphans = project.orphan_atoms()
    for creation in ctx.model.creations:
        if creation.key not in mine:
            continue
        app = project.app(creation.key)
        if app.uncertain or app.handled or not app.views:
            continue
        name = _bound_name(ctx, creation.node)
        # (crash_paths == 0: every view catches its own exceptions, and no
        # hook can raise into Flask: nothing reaches Werkzeug's 500 page.)
        if (
            not app.has(SERVER_ERROR_ATOMS)
            and not orphans & SERVER_ERROR_ATOMS
            and app.crash_paths
            and not _single_page_app(app)
        ):
            partly = ""
            if app.covered_blueprints:
                count = len(app.covered_blueprints)
                partly = f" beyond the {count} blueprint{'s' if count > 1 else ''} with {'their' if count > 1 else 'its'} own"
            ctx.report(MISSING_SERVER_ERROR_HANDLER, creation.node, app=name, partly=partly)
        _check_json_errors(ctx, project, app, creation.node, name, orphans)


def _single_page_app(app: ScopeErrors) -> bool:
    """One view, no blueprint, no error handler at all, not answering JSON:
    a hello-world or a one-endpoint receiver, for which a custom 500 page is
    rarely worth it (on real applications such findings were all judged
    low-value).  An app with a 404 page of its own but none for 500 is the
    very gap this rule is for."""
    return (
        len(app.views) == 1
        and not app.blueprints
        and not app.app_atoms
        and next(iter(app.views.values())) != "json"
    )


_JSON_RELEVANT_ORPHANS = HTTP_COVER_ATOMS | {EXC_ATOM} | {("code", c) for c in CLIENT_ERROR_CODES}


def _check_json_errors(
    ctx: FileContext, project: ProjectErrors, app: ScopeErrors, node: ast.AST, name: str, orphans: FrozenSet[Atom]
) -> None:
    answers = list(app.views.values())
    json_views = answers.count("json")
    other_views = answers.count("html") + answers.count("text")
    if json_views < 2 or json_views < 2 * other_views:
        return  # not a JSON app, or one that also serves pages
    if app.has(HTTP_COVER_ATOMS, app_wide_only=False) or orphans & _JSON_RELEVANT_ORPHANS:
        return
    codes = app.codes()
    missing = [code for code in CLIENT_ERROR_CODES if code not in codes]
    if not missing:
        return
    if any(project.http_passage(func) != "raw" for func in app.exception_handlers):
        return  # an Exception handler answers HTTP errors (as JSON or otherwise)
    ctx.report(
        JSON_API_HTML_ERRORS,
        node,
        app=name,
        json=json_views,
        known=json_views + other_views,
        missing=", ".join(str(c) for c in missing),
    )


# ------------------------------------------------------------------ FLK203

_BAD_KEY_TEXT = {
    "int": ("it is not an HTTP error code Werkzeug has an exception for", "ValueError"),
    "const": ("it is not an int code or an exception class", "TypeError"),
    "instance": ("it is an exception instance, not a class", "TypeError"),
    "class": ("it is not a subclass of Exception", "ValueError"),
}


def _expected_failures(model: FlaskModel) -> List[Tuple[int, int]]:
    """Line ranges of ``with pytest.raises(...)`` / ``self.assertRaises(...)``
    blocks: code there is meant to fail."""
    ranges: List[Tuple[int, int]] = []
    stack: List[ast.stmt] = list(model.tree.body)
    while stack:
        stmt = stack.pop()
        if isinstance(stmt, (ast.With, ast.AsyncWith)):
            for item in stmt.items:
                call = item.context_expr
                func = call.func if isinstance(call, ast.Call) else None
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if name in ("raises", "assertRaises", "assertRaisesRegex"):
                    ranges.append((stmt.lineno, getattr(stmt, "end_lineno", stmt.lineno) or stmt.lineno))
        for field_name in ("body", "orelse", "finalbody", "handlers"):
            stack.extend(getattr(stmt, field_name, None) or ())
    return ranges


def _check_keys(ctx: FileContext, project: ProjectErrors, regs: List[HandlerReg]) -> None:
    expected: Optional[List[Tuple[int, int]]] = None
    for reg in regs:
        for value in _key_values(reg.key):
            atoms = project.atoms(value)
            if not atoms or any(a[0] != "bad" for a in atoms):
                continue
            kind = value[0] if value[0] in ("int", "const", "instance") else "class"
            if kind == "const" and value[1] in ("True", "False"):
                kind = "int"  # a bool is an int to Flask
            problem, exc = _BAD_KEY_TEXT[kind]
            if expected is None:
                expected = _expected_failures(ctx.model)
            line = getattr(reg.node, "lineno", 0)
            if any(start <= line <= end for start, end in expected):
                break  # inside pytest.raises: failing is the point
            if reg.method == "app_errorhandler":
                when = "when the blueprint is registered (app.register_blueprint), not at import"
            else:
                when = "when this line runs (at import)"
            key_text = str(next(iter(atoms))[1]) if reg.key[0] == "seq" else _source(reg.key_node, str(next(iter(atoms))[1]))
            ctx.report(
                INVALID_ERRORHANDLER_KEY,
                reg.node,
                method=_registration_call(reg),
                key=key_text,
                problem=problem,
                exc=exc,
                when=when,
            )


def _key_values(key: Value) -> List[Value]:
    if key and key[0] == "seq":
        out: List[Value] = []
        for item in key[1]:
            out.extend(_key_values(item))
        return out
    return [key]


def _registration_call(reg: HandlerReg) -> str:
    node = reg.node
    func = node.func if isinstance(node, ast.Call) else node
    if isinstance(func, ast.Call):  # app.errorhandler(404)(f)
        func = func.func
    if isinstance(func, ast.Attribute):
        return f"{_source(func.value, 'app', 30)}.{func.attr}"
    return reg.method


# ------------------------------------------------------------------ FLK204


def _handler_registrations(ctx: FileContext, project: ProjectErrors, info: FunctionInfo) -> List[Tuple[str, Value, Value]]:
    """(registering module, target, key) of every registration of a handler
    function defined in this file, local or from other modules."""
    out: List[Tuple[str, Value, Value]] = []
    seen: Set[Tuple[str, int]] = set()
    for reg in ctx.model.handlers:
        if reg.func_node is info.node:
            out.append((ctx.model.module, reg.target, reg.key))
            seen.add((ctx.model.module, getattr(reg.node, "lineno", 0)))
    for module, fact in project.handlers_by_func.get(info.qualname, ()):
        if (module, fact[4]) not in seen:
            out.append((module, fact[0], fact[2]))
    return out


def _flask_handler(ctx: FileContext, project: ProjectErrors, info: FunctionInfo) -> Optional[List[FrozenSet[Atom]]]:
    """The keys a Flask app or blueprint registers this function for (None
    when it is not a Flask error handler, or only registered with bad keys)."""
    keys: List[FrozenSet[Atom]] = []
    for module, target, key in _handler_registrations(ctx, project, info):
        if not _is_flask_scope(ctx, project, target, module):
            return None
        keys.append(project.atoms(key))
    if not keys or all(all(a[0] == "bad" for a in atoms) for atoms in keys):
        return None
    return keys


def _helper_lookup(ctx: FileContext, project: ProjectErrors) -> HelperLookup:
    def lookup(call: ast.Call) -> Optional[str]:
        obj = ctx.evaluate(ctx.model.value(call.func))
        if obj[0] == "function" and not project.opaque(obj[1]):
            row = project.func_row(obj[1])
            if row and row[0]:
                return "bare"
        return None

    return lookup


def _check_handler_bodies(ctx: FileContext, project: ProjectErrors) -> None:
    if is_test_module(ctx.model.module) or is_test_path(ctx.path, ctx.index.root):
        return  # handlers in tests answer whatever the assertions look at
    helper = _helper_lookup(ctx, project)
    seen: Set[int] = set()
    for func, _reg in ctx.error_handlers:
        info = ctx.model.function_info(func)
        if info is None or info.class_node is not None or id(func) in seen:
            continue
        seen.add(id(func))
        keys = _flask_handler(ctx, project, info)
        if keys is None:
            continue
        facts = FunctionFacts(ctx.model, info)
        status = _suggested_status(keys, facts.param)
        for ret, what in facts.bare_returns(helper):
            body = ret.value.elts[0] if isinstance(ret.value, ast.Tuple) else ret.value
            ctx.report(
                ERRORHANDLER_SUCCESS_STATUS, ret, name=func.name, what=what, body=_source(body, "body", 50), status=status
            )


def _suggested_status(keys: List[FrozenSet[Atom]], param: Optional[str]) -> str:
    codes = {a[1] for atoms in keys for a in atoms if a[0] == "code"}
    if len(codes) == 1 and len(keys) == 1:
        return str(codes.pop())
    if param and any(HTTP_ATOM in atoms or ALL_HTTP in atoms for atoms in keys):
        return f"{param}.code"
    if len(codes) > 1 and param:
        return f"{param}.code"
    return "500" if any(EXC_ATOM in atoms or ("code", 500) in atoms for atoms in keys) else "an error status"


# ------------------------------------------------------------------ FLK205


def _arity_problem(args: ast.arguments, wanted: int) -> Optional[str]:
    positional = args.posonlyargs + args.args
    required = len(positional) - len(args.defaults)
    kw_required = [a.arg for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is None]
    if kw_required:
        return f"requires the keyword-only argument {kw_required[0]}, which Flask never passes"
    if wanted == 0:
        if required > 0:
            return f"requires a parameter ({positional[0].arg}) but Flask calls it with none"
        return None
    if not positional and args.vararg is None:
        return "takes no parameter but Flask calls it with one"
    if required > wanted:
        return f"requires {required} parameters but Flask calls it with {wanted}"
    return None


_REGISTRATION_ATTRS = (
    frozenset(HANDLER_METHODS) | NO_ARG_HOOKS | ONE_ARG_HOOKS | {"route", "get", "post", "put", "patch", "delete"}
)


def _only_registration_decorators_below(func: FunctionNode, local: bool) -> bool:
    """Whether Flask registers ``func`` itself: no other decorator wraps it
    before a registration decorator sees it."""
    decorators = func.decorator_list
    if not local:
        return not decorators
    lowest = -1
    for position, decorator in enumerate(decorators):
        call = decorator.func if isinstance(decorator, ast.Call) else decorator
        if isinstance(call, ast.Attribute) and call.attr in _REGISTRATION_ATTRS:
            lowest = position
    if lowest < 0:
        return not decorators  # registered by a call: only an undecorated def is itself
    for decorator in decorators[lowest + 1:]:
        call = decorator.func if isinstance(decorator, ast.Call) else decorator
        if not (isinstance(call, ast.Attribute) and call.attr in _REGISTRATION_ATTRS):
            return False
    return True


def _check_signatures(ctx: FileContext, project: ProjectErrors) -> None:
    model = ctx.model
    seen: Set[int] = set()
    for func, _reg in ctx.error_handlers:
        info = model.function_info(func)
        if info is None or info.class_node is not None or id(func) in seen:
            continue
        seen.add(id(func))
        if _flask_handler(ctx, project, info) is None:
            continue
        local = any(r.func_node is func for r in model.handlers)
        if not _only_registration_decorators_below(func, local):
            continue
        problem = _arity_problem(func.args, 1)
        if problem:
            ctx.report(
                ERRORHANDLER_SIGNATURE, func, kind="error handler", name=func.name, problem=problem,
                when="each time the error occurs, and the client gets a 500 instead",
                fix=f"define it as def {func.name}(error)",
            )
    for reg in model.handlers:
        node = reg.node
        lam = call_arg(node, 1, "f") if reg.method == "register_error_handler" and isinstance(node, ast.Call) else None
        if reg.func_node is None and isinstance(node, ast.Call) and isinstance(node.func, ast.Call):
            lam = call_arg(node, 0, "f")
        if isinstance(lam, ast.Lambda) and _is_flask_scope(ctx, project, reg.target, model.module):
            problem = _arity_problem(lam.args, 1)
            if problem:
                ctx.report(
                    ERRORHANDLER_SIGNATURE, lam, kind="error handler", name="<lambda>", problem=problem,
                    when="each time the error occurs, and the client gets a 500 instead", fix="write lambda error: ...",
                )
    _check_hook_signatures(ctx, project)


def _check_hook_signatures(ctx: FileContext, project: ProjectErrors) -> None:
    model = ctx.model
    # (the def or lambda, hook kind, registered here by a decorator or call)
    hooks: List[Tuple[ast.AST, str, bool]] = []
    for hook in ctx.hooks:
        if not _is_flask_scope(ctx, project, hook.target, model.module):
            continue
        if hook.func_node is not None:
            hooks.append((hook.func_node, hook.kind, True))
        elif isinstance(hook.node, ast.Call) and hook.node.args and isinstance(hook.node.args[0], ast.Lambda):
            hooks.append((hook.node.args[0], hook.kind, True))
    local = {id(h.func_node) for h in ctx.hooks if h.func_node is not None}
    for info in model.functions.values():
        if id(info.node) not in local and info.class_node is None:
            for kind, hook_target, module in project.hooks_by_func.get(info.qualname, ()):
                if _is_flask_scope(ctx, project, hook_target, module):
                    hooks.append((info.node, kind, False))
    reported: Set[int] = set()
    for target, kind, registered_here in hooks:
        if id(target) in reported:
            continue
        wanted = 1 if kind in ONE_ARG_HOOKS else 0 if kind in NO_ARG_HOOKS else -1
        if wanted < 0:
            continue
        if isinstance(target, ast.Lambda):
            args, name = target.args, "<lambda>"
        elif isinstance(target, (ast.FunctionDef, ast.AsyncFunctionDef)):
            hook_info = model.function_info(target)
            if hook_info is None or hook_info.class_node is not None:
                continue
            if not _only_registration_decorators_below(target, registered_here):
                continue
            args, name = target.args, target.name
        else:
            continue
        problem = _arity_problem(args, wanted)
        if not problem:
            continue
        if kind.startswith("teardown"):
            when, fix = "at the end of every request, outside the error handlers", f"define it as def {name}(exc)"
        elif wanted == 1:
            when, fix = "on every request (a 500)", f"define it as def {name}(response) and return the response"
        else:
            when, fix = "on every request (a 500)", "remove the parameter or give it a default"
        reported.add(id(target))
        ctx.report(ERRORHANDLER_SIGNATURE, target, kind=f"{kind} hook", name=name, problem=problem, when=when, fix=fix)


# ------------------------------------------------------------------ FLK206

_ROUTING_ATOMS = {("code", 404): 404, ("code", 405): 405}


def _check_blueprint_routing(ctx: FileContext, project: ProjectErrors, regs: List[HandlerReg]) -> None:
    for reg in regs:
        if reg.method == "app_errorhandler":
            continue
        objs, unknown = _scope_objects(ctx, project, reg.target)
        if unknown or not objs or any(o[0] != "blueprint" for o in objs):
            continue
        for value in _key_values(reg.key):
            for atom in sorted(project.atoms(value) & _ROUTING_ATOMS.keys()):
                code = _ROUTING_ATOMS[atom]
                key_text = str(code) if reg.key[0] == "seq" else _source(reg.key_node, str(code))
                node = reg.node.func if isinstance(reg.node, ast.Call) else reg.node
                if isinstance(node, ast.Call):
                    node = node.func
                bp = _source(node.value, "bp", 30) if isinstance(node, ast.Attribute) else "bp"
                ctx.report(
                    BLUEPRINT_ROUTING_ERRORHANDLER, reg.node, bp=bp, method=reg.method, key=key_text, code=code
                )


# ------------------------------------------------------------------ FLK207


def _check_catch_all(ctx: FileContext, project: ProjectErrors, regs: List[HandlerReg]) -> None:
    orphans = project.orphan_atoms()
    if orphans & HTTP_COVER_ATOMS:
        return
    for reg in regs:
        if project.atoms(reg.key) != frozenset({EXC_ATOM}):
            continue
        name = "<handler>"
        status = "a fixed status"
        if reg.func_node is not None:
            info = ctx.model.function_info(reg.func_node)
            if info is None or info.class_node is not None:
                continue
            facts = FunctionFacts(ctx.model, info)
            if facts.http_passage() != "fixed":
                continue
            name = reg.func_node.name
            status = _fixed_status(facts)
        else:
            func = ctx.evaluate(reg.func)
            if project.http_passage(func) != "fixed":
                continue
            name = func[1].rpartition(".")[2]
        objs, unknown = _scope_objects(ctx, project, reg.target)
        if unknown or not objs or not all(_swallows_on(project, obj) for obj in objs):
            continue
        ctx.report(CATCH_ALL_SWALLOWS_HTTP_ERRORS, reg.node, name=name, status=status)


def _swallows_on(project: ProjectErrors, obj: Obj) -> bool:
    """No HTTPException handler on this app/blueprint (or the apps it is
    registered on), and the index sees everything that could add one."""
    if obj[0] == "app":
        app = project.app(obj[1])
        return not (app.uncertain or app.handled or app.has(HTTP_COVER_ATOMS))
    if obj[0] == "blueprint":
        bp = project.blueprint(obj[1])
        if bp.uncertain or bp.handled or bp.has(HTTP_COVER_ATOMS, app_wide_only=False):
            return False
        apps = project.apps_of_blueprint(obj[1])
        return bool(apps) and all(_swallows_on(project, ("app", app.key)) for app in apps)
    return False


def _fixed_status(facts: FunctionFacts) -> str:
    found: Set[str] = set()
    for ret in facts.info.returns:
        value = ret.value
        if isinstance(value, ast.Tuple) and len(value.elts) >= 2 and isinstance(value.elts[1], ast.Constant):
            found.add(str(value.elts[1].value))
        elif value is not None and facts.response_status(value)[0] == "bare":
            found.add("200")
        else:
            return "a fixed status"
    return found.pop() if len(found) == 1 else "a fixed status"


# ------------------------------------------------------------------ FLK208


def _statement_positions(model: FlaskModel) -> Dict[int, Tuple[int, int]]:
    """For expression statements and defs: (id of their statement list, index)."""
    out: Dict[int, Tuple[int, int]] = {}
    stack: List[List[ast.stmt]] = [model.tree.body]
    while stack:
        body = stack.pop()
        for position, stmt in enumerate(body):
            if isinstance(stmt, ast.Expr):
                out[id(stmt.value)] = (id(body), position)
            elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                out[id(stmt)] = (id(body), position)
            for name in ("body", "orelse", "finalbody"):
                inner = getattr(stmt, name, None)
                if isinstance(inner, list) and inner and isinstance(inner[0], ast.stmt):
                    stack.append(inner)
            for handler in getattr(stmt, "handlers", None) or ():
                stack.append(handler.body)
    return out


def _check_duplicates(ctx: FileContext, project: ProjectErrors, regs: List[HandlerReg]) -> None:
    if len(regs) < 2:
        return
    positions = _statement_positions(ctx.model)
    groups: Dict[Tuple[Any, ...], List[Tuple[Tuple[int, int], HandlerReg]]] = {}
    for reg in regs:
        if reg.in_loop:
            continue
        atoms = project.atoms(reg.key)
        if len(atoms) != 1:
            continue
        atom = next(iter(atoms))
        if atom[0] not in ("code", "exc"):
            continue
        targets = _flatten(ctx.evaluate(reg.target))
        if len(targets) != 1 or targets[0][0] not in ("app", "blueprint", "param"):
            continue
        anchor = reg.func_node if reg.node in getattr(reg.func_node, "decorator_list", ()) else reg.node
        where = positions.get(id(anchor))
        if where is None:
            continue
        # Same block, same object and the same spelling: two apps made by one
        # factory share an object key but are different apps.
        spelling = _registration_call(reg).rpartition(".")[0]
        group = (where[0], targets[0], reg.method == "app_errorhandler", atom, spelling)
        groups.setdefault(group, []).append(((where[1], getattr(reg.node, "lineno", 0)), reg))
    for group, members in groups.items():
        members.sort(key=lambda item: item[0])
        for (_pos, first), (_later_pos, later) in zip(members, members[1:]):
            if _same_function(ctx, first, later):
                continue
            scope_text = _registration_call(first).rpartition(".")[0] or "app"
            if group[2]:
                scope_text = f"the app (through {scope_text}.app_errorhandler)"
            ctx.report(
                DUPLICATE_ERRORHANDLER,
                first.node,
                key=describe_atom(group[3]),
                scope=scope_text,
                line=getattr(later.node, "lineno", 0),
                name=_handler_name(first),
            )


def _same_function(ctx: FileContext, first: HandlerReg, later: HandlerReg) -> bool:
    if first.func_node is not None and first.func_node is later.func_node:
        return True
    return first.func != UNKNOWN and first.func == later.func


def _handler_name(reg: HandlerReg) -> str:
    if reg.func_node is not None:
        return reg.func_node.name
    if isinstance(reg.node, ast.Call):
        position = 0 if isinstance(reg.node.func, ast.Call) else 1
        return _source(call_arg(reg.node, position, "f"), "the first handler", 40)
    return "the first handler"
