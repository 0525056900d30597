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
import itertools
import os
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, FrozenSet, Iterable, Iterator, List, Optional, Set, Tuple

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
    "this handler for {key} on {scope} is replaced by the one registered later for the same key ({where}), "
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
# Api classes that answer the errors of their own resources only.
RESOURCE_ONLY_APIS = frozenset({"flask_restful.Api", "flask_restx.Api", "flask_restplus.Api"})
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
# Folders of code that builds an app without serving it (docs builds, benchmarks).
SCRIPT_FOLDERS = frozenset({"docs", "doc", "benchmarks", "benchmark", "bench"})
# Callables that serve an app they are given.
SERVER_PACKAGES = frozenset(
    {"waitress", "gunicorn", "werkzeug", "gevent", "eventlet", "bjoern", "cheroot", "meinheld", "wsgiref",
     "flask_socketio", "uvicorn", "hypercorn", "a2wsgi", "asgiref", "serverless_wsgi", "awsgi", "mangum"}
)
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


_REGISTERING_ATTRS = ROUTE_ATTRS | {"errorhandler", "app_errorhandler"}


def cannot_raise(model: FlaskModel, func: FunctionNode, param: Optional[str] = None) -> Any:
    """Whether no exception other than an HTTPException (which Flask answers
    with its own status) can leave the function: its body is a few
    request-parsing assignments (``data = request.get_json()``: they can only
    raise 400/415) followed by one ``try`` with an ``except Exception`` (or
    bare) clause, every clause ending in a ``return`` and none raising, by a
    ``return`` of a literal answer (``return jsonify(status="ok")``,
    ``return "ok"``) or by ``abort(404)``.  An app made only of such views
    never shows Werkzeug's 500 page.

    The summary keeps ``False`` or ``[kind, decorator values...]``: ``kind``
    is ``"all"``, or ``"http"`` when the answer reads ``param.code``,
    ``.description`` or ``.name`` (safe for an HTTPException only: an error
    handler registered for HTTP errors); the values are the decorators
    (other than route ones) that wrap it, which must be pure pass-throughs
    (:func:`pure_decorator`, checked by the project)."""
    decorators: List[Value] = []
    for decorator in func.decorator_list:
        call = decorator.func if isinstance(decorator, ast.Call) else decorator
        if isinstance(call, ast.Attribute) and call.attr in _REGISTERING_ATTRS:
            continue  # Flask keeps the function itself
        if isinstance(decorator, ast.Call):
            return False
        value = model.value(decorator)
        if value == UNKNOWN:
            return False
        decorators.append(value)
    if _guarded_body(model, func.body):
        return ["all"] + decorators
    if param is not None and _guarded_body(model, func.body, param):
        return ["http"] + decorators
    return False


def pure_decorator(model: FlaskModel, func: FunctionNode) -> bool:
    """``def deco(view): return view``, or a ``functools.wraps`` wrapper
    whose whole body is ``return view(*args, **kwargs)`` (``await``-ed for a
    coroutine): it adds nothing that can raise."""
    args = func.args
    if func.decorator_list or len(args.args) != 1 or args.posonlyargs or args.kwonlyargs or args.vararg or args.kwarg:
        return False
    param = args.args[0].arg
    body = _without_docstring(func.body)
    if len(body) == 1:
        return isinstance(body[0], ast.Return) and isinstance(body[0].value, ast.Name) and body[0].value.id == param
    if len(body) != 2 or not isinstance(body[0], (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    inner, last = body[0], body[1]
    if not (isinstance(last, ast.Return) and isinstance(last.value, ast.Name) and last.value.id == inner.name):
        return False
    for decorator in inner.decorator_list:
        if not (
            isinstance(decorator, ast.Call)
            and model.qualname(decorator.func) == "functools.wraps"
            and len(decorator.args) == 1
            and isinstance(decorator.args[0], ast.Name)
            and decorator.args[0].id == param
        ):
            return False
    inner_args = inner.args
    if inner_args.args or inner_args.posonlyargs or inner_args.kwonlyargs or not inner_args.vararg or not inner_args.kwarg:
        return False
    inner_body = _without_docstring(inner.body)
    if len(inner_body) != 1 or not isinstance(inner_body[0], ast.Return):
        return False
    call = inner_body[0].value
    if isinstance(call, ast.Await) and isinstance(inner, ast.AsyncFunctionDef):
        call = call.value
    return (
        isinstance(call, ast.Call)
        and isinstance(call.func, ast.Name)
        and call.func.id == param
        and len(call.args) == 1
        and isinstance(call.args[0], ast.Starred)
        and isinstance(call.args[0].value, ast.Name)
        and call.args[0].value.id == inner_args.vararg.arg
        and len(call.keywords) == 1
        and call.keywords[0].arg is None
        and isinstance(call.keywords[0].value, ast.Name)
        and call.keywords[0].value.id == inner_args.kwarg.arg
    )


def _without_docstring(body: List[ast.stmt]) -> List[ast.stmt]:
    if body and isinstance(body[0], ast.Expr) and _is_str_literal(body[0].value):
        return body[1:]
    return body


def _guarded_body(model: FlaskModel, body: List[ast.stmt], param: Optional[str] = None) -> bool:
    body = _without_docstring(body)
    while body and _parsing_only(model, body[0]):
        body = body[1:]
    if len(body) != 1:
        return False
    stmt = body[0]
    if isinstance(stmt, ast.Return):
        return stmt.value is not None and _literal_answer(model, stmt.value, param)
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):  # abort(404)
        call = stmt.value
        return (
            model.call_qualname(call) == "flask.abort"
            and not call.keywords
            and len(call.args) in (1, 2)
            and all(isinstance(a, ast.Constant) for a in call.args)
            and call.args[0].value in WERKZEUG_ERROR_CODES  # type: ignore[attr-defined]
        )
    if not isinstance(stmt, ast.Try):
        return False
    if stmt.orelse or stmt.finalbody or not any(_catches_all(h) for h in stmt.handlers):
        return False
    clauses = [stmt.body] + [h.body for h in stmt.handlers]
    return all(c and isinstance(c[-1], ast.Return) for c in clauses) and not any(
        _raises_within(h.body) for h in stmt.handlers
    )


_LITERAL_RESPONSE_CALLS = frozenset({"flask.jsonify", "flask.json.jsonify", "flask.make_response"}) | RESPONSE_CLASSES
_REQUEST_DATA = frozenset(
    {"flask.request.args", "flask.request.form", "flask.request.files", "flask.request.values", "flask.request.headers",
     "flask.request.cookies"}
)
_SAFE_TYPES = frozenset({"builtins.int", "builtins.float", "builtins.str"})


_HTTP_ERROR_ATTRS = frozenset({"code", "description", "name"})


def _literal_answer(model: FlaskModel, expr: ast.expr, param: Optional[str] = None, _depth: int = 0) -> bool:
    """An answer built from literals only (and, with ``param``, the HTTP
    error's own ``code``/``description``/``name``): nothing in it can raise."""
    if _depth > 6:
        return False
    if isinstance(expr, ast.Constant):
        return True
    if isinstance(expr, ast.Attribute) and param is not None:
        return isinstance(expr.value, ast.Name) and expr.value.id == param and expr.attr in _HTTP_ERROR_ATTRS
    if isinstance(expr, (ast.Tuple, ast.List, ast.Set)):
        return all(_literal_answer(model, e, param, _depth + 1) for e in expr.elts)
    if isinstance(expr, ast.Dict):
        return all(k is not None and _literal_answer(model, k, param, _depth + 1) for k in expr.keys) and all(
            _literal_answer(model, v, param, _depth + 1) for v in expr.values
        )
    if isinstance(expr, ast.Call) and model.call_qualname(expr) in _LITERAL_RESPONSE_CALLS:
        return all(
            not isinstance(a, ast.Starred) and _literal_answer(model, a, param, _depth + 1) for a in expr.args
        ) and all(k.arg is not None and _literal_answer(model, k.value, param, _depth + 1) for k in expr.keywords)
    return False


def _parsing_only(model: FlaskModel, stmt: ast.stmt) -> bool:
    """``name = <request parsing>`` whose only failures are HTTPExceptions:
    ``request.get_json()`` (400/415), ``request.json``, ``request.form["k"]``
    (400), ``request.args.get("k", type=int)`` (the default on a bad value)."""
    if not isinstance(stmt, ast.Assign) or not all(isinstance(t, ast.Name) for t in stmt.targets):
        return False
    value = stmt.value
    if isinstance(value, ast.Subscript):
        return model.qualname(value.value) in _REQUEST_DATA and isinstance(value.slice, ast.Constant)
    if isinstance(value, ast.Attribute):
        return model.qualname(value) in ("flask.request.json", "flask.request.data")
    if not isinstance(value, ast.Call) or any(isinstance(a, ast.Starred) for a in value.args):
        return False
    qual = model.call_qualname(value)
    if qual in ("flask.request.get_json", "flask.request.get_data"):
        return all(isinstance(a, ast.Constant) for a in value.args) and all(
            isinstance(k.value, ast.Constant) for k in value.keywords
        )
    if qual is None or qual.rpartition(".")[0] not in _REQUEST_DATA or qual.rpartition(".")[2] not in ("get", "getlist"):
        return False
    if not all(isinstance(a, ast.Constant) for a in value.args):
        return False
    for keyword in value.keywords:
        if keyword.arg == "type":
            if model.qualname(keyword.value) not in _SAFE_TYPES:
                return False
        elif not isinstance(keyword.value, ast.Constant):
            return False
    return True


# --------------------------------------------------------------------------
# Cross-file facts: the "errors" summary extension
# --------------------------------------------------------------------------

EXTENSION = "errors"


@summary_extension(EXTENSION, version="5", light=True)
def summarise_errors(model: FlaskModel) -> Optional[Dict[str, Any]]:
    """Per module: ``funcs`` {qualname: [all returns bare?, http passage,
    answers, what :func:`cannot_raise` says]} for functions with something
    to say; ``custom`` the objects
    whose error machinery is replaced (``app.handle_exception = f``);
    ``json_errors`` {creation key: literal or None} for ``APIFlask(json_errors=)``;
    ``pure`` the pass-through decorators it defines.

    Modules that import nothing from Flask, Werkzeug or an extension may be
    held as light summaries: they give only what their top-level defs say
    by themselves (:func:`_plain_module_facts`, the same from a light or a
    full model) and are marked ``light``; a parameter reached there stays
    opaque."""
    if not _visible_to_index(model):
        return _plain_module_facts(model)
    funcs: Dict[str, List[Any]] = {}
    views = {id(r.view_node) for r in model.routes if r.view_node is not None}
    for info in model.functions.values():
        # Only plain functions can be registered as Exception handlers
        # from another module; routed views never are.
        handler_shaped = info.class_node is None and id(info.node) not in views
        safe = cannot_raise(model, info.node, error_param(info) if handler_shaped else None)
        if not info.returns and not safe:
            continue
        facts = FunctionFacts(model, info)
        passage = facts.http_passage() if handler_shaped and info.returns else None
        row = [facts.all_bare() if info.returns else False, passage, facts.answers() if info.returns else None, safe]
        if passage == "fixed":
            row.append(_fixed_status(facts))  # for FLK207's message in the registering module
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
    out: Dict[str, Any] = {"funcs": funcs, "custom": custom, "json_errors": json_errors}
    out.update(_serving_facts(model))
    out.update(_propagation_facts(model))
    guarded = [
        scope.qualname
        for class_node, scope in model.classes.values()
        for item in class_node.body
        if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))
        and item.name == "dispatch_request"
        and not item.decorator_list
        and _guarded_body(model, item.body)
    ]
    if guarded:
        out["guarded_dispatch"] = guarded
    pure = _pure_decorators(model)
    if pure:
        out["pure"] = pure
    top = _top_level_sequence(model)
    if top:
        out["top"] = top
    return out


def _top_level_sequence(model: FlaskModel) -> List[List[Any]]:
    """The unconditional module-level statements that import project modules
    or register error handlers, in order: ``["import", [module, ...]]`` and
    ``["reg", target, method, key, func, line]`` (FLK208 across modules)."""
    package = model.module if model.is_package else model.module.rpartition(".")[0]
    regs: Dict[int, List[HandlerReg]] = {}
    for reg in model.handlers:
        anchor = reg.func_node if reg.func_node is not None and reg.node in reg.func_node.decorator_list else reg.node
        if not reg.in_loop:
            regs.setdefault(id(anchor), []).append(reg)
    out: List[List[Any]] = []
    for stmt in model.tree.body:
        if isinstance(stmt, ast.Import):
            out.append(["import", [model.aliased(alias.name) for alias in stmt.names]])
        elif isinstance(stmt, ast.ImportFrom):
            if stmt.level:
                parts = package.split(".") if package else []
                parts = parts[: max(0, len(parts) - (stmt.level - 1))]
                base = ".".join(parts + ([stmt.module] if stmt.module else []))
            else:
                base = model.aliased(stmt.module or "")
            names = [base] if base else []
            out.append(["import", names + [f"{base}.{a.name}" if base else a.name for a in stmt.names if a.name != "*"]])
        anchor_id = id(stmt.value) if isinstance(stmt, ast.Expr) else id(stmt)
        for reg in reversed(regs.get(anchor_id, ())):  # decorators apply bottom-up
            out.append(["reg", reg.target, reg.method, reg.key, reg.func, getattr(reg.node, "lineno", 0)])
    return out


def _top_level_functions(model: FlaskModel) -> List[FunctionInfo]:
    return [info for info in model.functions.values() if info.scope.parent is model.module_scope]


def _pure_decorators(model: FlaskModel) -> List[str]:
    return [info.qualname for info in _top_level_functions(model) if pure_decorator(model, info.node)]


def _own_returns(func: FunctionNode) -> List[ast.Return]:
    found: List[ast.Return] = []
    stack: List[ast.AST] = list(func.body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Return):
            found.append(node)
        elif isinstance(node, ast.stmt) and not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            stack.extend(child for child in ast.iter_child_nodes(node) if isinstance(child, (ast.stmt, ast.excepthandler)))
        elif isinstance(node, ast.ExceptHandler):
            stack.extend(node.body)
    return found


def _plain_module_facts(model: FlaskModel) -> Optional[Dict[str, Any]]:
    """What the top-level defs of a module that never mentions Flask say by
    themselves (their own AST only, so a light model gives the same): what
    they answer, whether they can raise, and the pass-through decorators."""
    funcs: Dict[str, List[Any]] = {}
    for info in _top_level_functions(model):
        plain = FunctionInfo(info.node, info.scope, info.qualname, None, _own_returns(info.node))
        safe = cannot_raise(model, info.node, error_param(plain))
        facts = FunctionFacts(model, plain)
        passage = facts.http_passage() if plain.returns else None
        answers = facts.answers() if plain.returns else None
        if passage or answers or safe:
            funcs[info.qualname] = [False, passage, answers, safe] + ([_fixed_status(facts)] if passage == "fixed" else [])
    pure = _pure_decorators(model)
    top = _top_level_sequence(model)  # its imports: the order modules run in (FLK208)
    if not funcs and not pure and not top:
        return None
    out: Dict[str, Any] = {"light": True, "funcs": funcs}
    if pure:
        out["pure"] = pure
    if top:
        out["top"] = top
    return out


# Calls of the app that say what a module does with it.
APP_USES = frozenset({"run", "test_client", "test_request_context"})
_NOT_PROJECT_ROOTS = ("builtins.", "flask.", "werkzeug.")


def _runner(scope: Any, module: str) -> Optional[str]:
    """The function (qualname) whose running runs code in ``scope``; the
    module for module-level and class-body code; None inside a method."""
    current = scope
    while current is not None and current.kind in ("lambda", "comprehension", "class"):
        if current.kind == "class":
            return None if current.parent is not None and current.parent.kind != "module" else module
        current = current.parent
    if current is None or current.kind == "module":
        return module
    return str(current.qualname)


def _serving_facts(model: FlaskModel) -> Dict[str, Any]:
    """What decides whether an app created here ever serves a request:
    ``uses`` [runner, value] for every project callable called or handed
    over (a call graph), ``created_in`` {creation key: the module-level
    function whose call creates it, or None}, ``app_calls`` [object, attr]
    for ``x.run()``, ``x.test_client()``, ``x.test_request_context()``."""
    uses: Set[Tuple[str, Value]] = set()
    app_calls: List[List[Any]] = []
    module = model.module
    for call, scope, _loop in model.calls:
        runner = _runner(scope, module)
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr in APP_USES:
            app_calls.append([model.value(func.value, scope), func.attr])
        if runner is None:
            continue
        for node in [func] + list(call.args) + [k.value for k in call.keywords]:
            if isinstance(node, ast.Starred):
                node = node.value
            if not isinstance(node, (ast.Name, ast.Attribute)):
                continue
            value = model.value(node, scope)
            if value[0] == "q" and not str(value[1]).startswith(_NOT_PROJECT_ROOTS):
                uses.add((runner, value))
    created_in: Dict[str, Optional[str]] = {}
    for creation in model.creations:
        current: Any = creation.scope
        outer: Optional[str] = None
        while current is not None and current.kind != "module":
            if current.kind == "class":
                outer = None
                break
            if current.kind == "function" and current.parent is not None and current.parent.kind == "module":
                info = next((i for i in model.functions.values() if i.scope is current), None)
                outer = None if info is None or info.node.decorator_list else str(current.qualname)
            current = current.parent
        created_in[creation.key] = outer
    return {
        "uses": sorted(([r, v] for r, v in uses), key=repr),
        "created_in": created_in,
        "app_calls": app_calls,
    }


PROPAGATE = "PROPAGATE_EXCEPTIONS"


def _literal_flag(node: Optional[ast.expr]) -> Optional[bool]:
    """True/False for a literal, None when the value is not literal."""
    if isinstance(node, ast.Constant) and isinstance(node.value, (bool, int, type(None))):
        return bool(node.value)
    return None


_SKIP = "skip"


def _key_flag(key: Any, node: Optional[ast.expr]) -> Any:
    """What setting config ``key`` to ``node`` says about propagation: the
    flag of ``PROPAGATE_EXCEPTIONS`` (None: not a literal); True for a
    literally true ``DEBUG`` or ``TESTING`` (``PROPAGATE_EXCEPTIONS`` left
    at None follows them); ``_SKIP`` for anything else."""
    if key == PROPAGATE:
        return _literal_flag(node)
    if key in ("DEBUG", "TESTING"):
        return True if _literal_flag(node) is True else _SKIP
    return _SKIP


def _propagation_facts(model: FlaskModel) -> Dict[str, Any]:
    """Where exceptions are set to propagate (``PROPAGATE_EXCEPTIONS``, or
    ``DEBUG``/``TESTING``/``app.debug``/``app.testing`` literally true):
    ``propagate`` [config owner, flag (None: not a literal)],
    ``config_objects`` [config owner, what ``config.from_object()`` gets],
    ``propagate_classes`` {class: flag} and ``module_propagate`` (a settings
    module's own)."""
    found: List[List[Any]] = []
    objects: List[List[Any]] = []

    def add(owner: ast.expr, key: Any, node: Optional[ast.expr]) -> None:
        flag = _key_flag(key, node)
        if flag != _SKIP:
            found.append([model.value(owner), flag])

    # ``if __name__ == "__main__": app.debug = True; app.run()`` is the
    # developer's own run, not how the app is served.
    script_only = {
        id(inner)
        for stmt in model.tree.body
        if isinstance(stmt, ast.If) and "__main__" in ast.dump(stmt.test)
        for inner in ast.walk(stmt)
    }
    for node in ast.walk(model.tree):  # type: ast.AST
        if id(node) in script_only:
            continue
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if (
                    isinstance(target, ast.Subscript)
                    and isinstance(target.value, ast.Attribute)
                    and target.value.attr == "config"
                    and isinstance(target.slice, ast.Constant)
                ):
                    add(target.value.value, target.slice.value, node.value)
                elif isinstance(target, ast.Attribute) and target.attr in ("debug", "testing"):
                    add(target.value, target.attr.upper(), node.value)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            if not (isinstance(owner, ast.Attribute) and owner.attr == "config"):
                continue
            method = node.func.attr
            if method in ("update", "from_mapping", "setdefault"):
                if method == "setdefault" and len(node.args) == 2:
                    if isinstance(node.args[0], ast.Constant):
                        add(owner.value, node.args[0].value, node.args[1])
                    continue
                for keyword in node.keywords:
                    if keyword.arg is None:
                        found.append([model.value(owner.value), None])  # **settings
                    else:
                        add(owner.value, keyword.arg, keyword.value)
                for arg in node.args:
                    if isinstance(arg, ast.Dict):
                        for key, item in zip(arg.keys, arg.values):
                            if key is None:
                                found.append([model.value(owner.value), None])
                            elif isinstance(key, ast.Constant):
                                add(owner.value, key.value, item)
                    else:
                        found.append([model.value(owner.value), None])  # a mapping built elsewhere
            elif method == "from_object" and node.args:
                arg = node.args[0]
                what = ("q", arg.value) if isinstance(arg, ast.Constant) and isinstance(arg.value, str) else model.value(arg)
                objects.append([model.value(owner.value), what])
    classes: Dict[str, Any] = {}
    for class_node, scope in model.classes.values():
        for member in class_node.body:
            flag = _assigned_flag(member)
            if flag != _SKIP:
                classes[scope.qualname] = flag
    module_flag: Any = False
    for stmt in model.tree.body:
        flag = _assigned_flag(stmt)
        if flag != _SKIP:
            module_flag = flag
    out: Dict[str, Any] = {}
    if found:
        out["propagate"] = found
    if objects:
        out["config_objects"] = objects
    if classes:
        out["propagate_classes"] = classes
    if module_flag is not False:
        out["module_propagate"] = module_flag
    return out


def _assigned_flag(stmt: ast.stmt) -> Any:
    """``PROPAGATE_EXCEPTIONS = ...`` (or ``DEBUG = True``) in a config class or module."""
    if isinstance(stmt, ast.Assign):
        for target in stmt.targets:
            if isinstance(target, ast.Name):
                flag = _key_flag(target.id, stmt.value)
                if flag != _SKIP:
                    return flag
    return _SKIP


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
    wide_exception_handlers: List[Obj] = field(default_factory=list)  # ... on the app, or app-wide by a blueprint
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
        self.light_modules: Set[str] = set()  # modules that never mention Flask: their defs' own facts only
        self.funcs: Dict[str, Tuple[Any, ...]] = {}
        self.pure: Set[str] = set()  # pass-through decorators
        self.tops: Dict[str, List[List[Any]]] = {}  # module-level imports and registrations, in order
        for module, data in index.extension(EXTENSION):
            if not isinstance(data, dict):
                continue
            if data.get("light"):
                self.light_modules.add(module)
            else:
                self.ext[module] = data
            for qual, row in (data.get("funcs") or {}).items():
                if isinstance(row, (list, tuple)) and len(row) >= 3:
                    self.funcs[qual] = tuple(row)
            self.pure.update(data.get("pure") or ())
            if data.get("top"):
                self.tops[module] = data["top"]
        self.custom: List[Obj] = []
        for data in self.ext.values():
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
        self._reached: Optional[Set[str]] = None
        self._replaced: Optional[Dict[Tuple[str, int], Tuple[str, int]]] = None
        self._apis: Optional[Dict[Obj, List[str]]] = None
        self._imported: Optional[Set[str]] = None
        self.guarded_dispatch: Set[str] = set()
        for data in self.ext.values():
            self.guarded_dispatch.update(data.get("guarded_dispatch") or ())

    # ------------------------------------------------ apps that never serve

    def reached_functions(self) -> Set[str]:
        """Module-level functions some running code calls or hands over:
        from module-level code, methods, decorated functions (a CLI command,
        a fixture, a route), test modules and the factories ``flask run``
        looks for (``create_app``, ``make_app``), through the call graph."""
        if self._reached is not None:
            return self._reached
        index = self.index
        edges: Dict[str, Set[str]] = {}
        roots: Set[str] = set()
        for module, data in self.ext.items():
            roots.add(module)
            for runner, value in data.get("uses") or ():
                for obj in _flatten(index.evaluate(value)):
                    if obj[0] in ("function", "class"):
                        edges.setdefault(runner, set()).add(obj[1])
        for module, summary in index.iter_modules():
            for value in (summary.get("exports") or {}).values():  # imported or aliased elsewhere
                if value and value[0] == "q":
                    obj = index.evaluate(value)
                    if obj[0] == "function":
                        roots.add(obj[1])
            if is_test_module(module):
                roots.update(q for q in summary.get("functions") or () if q.startswith(module + "."))
            for name in ("create_app", "make_app"):
                roots.add(f"{module}.{name}")
        reached: Set[str] = set()
        stack = list(roots)
        while stack:
            current = stack.pop()
            if current in reached:
                continue
            reached.add(current)
            stack.extend(edges.get(current, ()))
        self._reached = reached
        return reached

    def imported_modules(self) -> Set[str]:
        if self._imported is None:
            found: Set[str] = set()
            for module, summary in self.index.iter_modules():
                found.update(m for m in summary.get("imports") or () if m != module)
            self._imported = found
        return self._imported

    def never_serves(self, key: str) -> Optional[str]:
        """Why the app created at ``key`` never answers a real client: built
        by a function nothing calls (a ``make_doc()`` for Sphinx), or in a
        script (a benchmark, a docs build) that no module imports and that
        only drives the app with its test client."""
        module = self.creations.get(key, ("", UNKNOWN))[0]
        data = self.ext.get(module) or {}
        outer = (data.get("created_in") or {}).get(key)
        if outer is not None and outer not in self.reached_functions():
            return f"{outer} is never called"
        if module in self.imported_modules():
            return None
        uses: Set[str] = set()
        for owner_module, other in self.ext.items():
            for value, attr in other.get("app_calls") or ():
                if value != UNKNOWN and ("app", key) in _flatten(self.index.evaluate(value)):
                    uses.add(attr if owner_module == module else "elsewhere")
        if "run" in uses or "elsewhere" in uses:
            return None
        for callee, _written in self.index.unfollowed_callees(("app", key)):
            if _dotted_root(callee) in SERVER_PACKAGES:
                return None
        path = self.index.path_of_module(module) or ""
        folders = set(path.replace("\\", "/").split("/")[:-1])
        if folders & SCRIPT_FOLDERS:
            return "it is built in a script folder and never run"
        if uses & {"test_client", "test_request_context"}:
            return "its own module only drives it with the test client"
        return None

    # ------------------------------------------- FLK208 across module imports

    def replaced_elsewhere(self) -> Dict[Tuple[str, int], Tuple[str, int]]:
        """(module, line) of a module-level registration -> (module, line)
        of the registration in another module that replaces it: the modules'
        unconditional top-level statements run in import order from the
        module that created the app or blueprint, and both modules are only
        ever imported that way (so nothing imports one of them earlier)."""
        if self._replaced is not None:
            return self._replaced
        found: Dict[Tuple[str, int], Tuple[str, int]] = {}
        index = self.index
        tops = self.tops
        importers: Dict[str, Set[str]] = {}
        for module, summary in index.iter_modules():
            for name in summary.get("imports") or ():
                if name in index.modules and name != module:
                    importers.setdefault(name, set()).add(module)
        top_importers: Dict[str, Set[str]] = {}
        for module, events in tops.items():
            for event in events:
                if event[0] == "import":
                    for name in event[1]:
                        top_importers.setdefault(name, set()).add(module)
        orderly = {m for m in tops if importers.get(m, set()) <= top_importers.get(m, set())}
        groups: Dict[Tuple[str, int], Tuple[Any, ...]] = {}  # (module, line) -> (object, app-wide, key)
        modules_of: Dict[Tuple[Any, ...], Set[str]] = {}
        for module, events in tops.items():
            for event in events:
                if event[0] != "reg":
                    continue
                _kind, target, method, key, _func, line = event
                atoms = self.atoms(key)
                objs = _flatten(index.evaluate(target)) if target != UNKNOWN else [NOTHING]
                if len(atoms) != 1 or len(objs) != 1 or objs[0][0] not in ("app", "blueprint"):
                    continue
                atom = next(iter(atoms))
                if atom[0] in ("code", "exc"):
                    group = (objs[0], method == "app_errorhandler", atom)
                    groups[(module, int(line))] = group
                    modules_of.setdefault(group, set()).add(module)
        shared = {group for group, modules in modules_of.items() if len(modules) > 1}
        roots = {self.creations.get(group[0][1], ("", UNKNOWN))[0] for group in shared}
        for root in sorted(r for r in roots if r in tops):
            order: List[Tuple[str, List[Any]]] = []
            self._run_top_level(root, set(), order)
            last: Dict[Tuple[Any, ...], Tuple[str, List[Any]]] = {}
            for module, event in order:
                _kind, _target, _method, _key, func, line = event
                in_group = groups.get((module, int(line)))
                if in_group is None or in_group not in shared:
                    continue
                before = last.get(in_group)
                last[in_group] = (module, event)
                if before is None or before[0] == module or not {before[0], module} <= orderly | {root}:
                    continue
                if before[1][4] != UNKNOWN and before[1][4] == func:
                    continue  # the same function again
                found.setdefault((before[0], int(before[1][5])), (module, int(line)))
        self._replaced = found
        return found

    def _run_top_level(self, module: str, seen: Set[str], order: List[Tuple[str, List[Any]]]) -> None:
        """The registrations importing ``module`` runs, in order (depth first)."""
        seen.add(module)
        stack: List[Tuple[str, Iterator[Any]]] = [(module, iter(self.tops.get(module, ())))]
        while stack:
            current, events = stack[-1]
            event = next(events, None)
            if event is None:
                stack.pop()
            elif event[0] != "import":
                order.append((current, event))
            else:
                names = [n for n in event[1] if n in self.tops and n not in seen]
                if names:  # one module at a time: it may import the next one itself
                    stack[-1] = (current, itertools.chain([["import", names[1:]]], events))
                    seen.add(names[0])  # (Python marks a module imported before running it)
                    stack.append((names[0], iter(self.tops.get(names[0], ()))))

    # --------------------------------------------------- PROPAGATE_EXCEPTIONS

    def propagates(self, key: str) -> bool:
        """Whether the app's config may set PROPAGATE_EXCEPTIONS (literally
        true, or to a value that is not a literal): unhandled exceptions then
        go to the server and no 500 handler runs for them."""
        target: Obj = ("app", key)
        for _module, data in self.ext.items():
            for owner, flag in data.get("propagate") or ():
                if flag is not False and self._config_of(owner, target):
                    return True
            for owner, what in data.get("config_objects") or ():
                if self._config_of(owner, target) and self._object_propagates(what):
                    return True
        return False

    def _config_of(self, owner: Value, target: Obj) -> bool:
        if owner == UNKNOWN:
            return False
        for obj in _flatten(self.index.evaluate(owner)):
            if obj == target:
                return True
            if obj[0] == "param":
                sources, _unknown = self.param_sources(obj[1], obj[2])
                if target in sources:
                    return True
        return False

    def _object_propagates(self, what: Value) -> bool:
        obj = self.index.evaluate(what) if what != UNKNOWN else NOTHING
        if obj[0] in ("class", "instance") and obj[1] in self.index.classes:
            quals = [obj[1]] + [q for q in self.index.base_qualnames(obj[1]) if q in self.index.classes]
            for qual in quals:
                module = self.index.classes[qual][0]
                flags = (self.ext.get(module) or {}).get("propagate_classes") or {}
                if qual in flags:
                    return flags[qual] is not False
            return False
        if obj[0] == "module":
            flag = (self.ext.get(obj[1]) or {}).get("module_propagate", False)
            return flag is not False
        return False

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

    def cannot_raise(self, func_qual: str, http_error: bool = False) -> bool:
        """Whether no exception but an HTTPException can leave the function
        (``http_error``: when it is given an HTTPException), its decorators
        being pure pass-throughs (see :func:`cannot_raise`)."""
        row = self.funcs.get(func_qual)
        flag = row[3] if row and len(row) > 3 else False
        if not isinstance(flag, (list, tuple)) or not flag or (flag[0] == "http" and not http_error):
            return False
        for value in flag[1:]:
            obj = self.index.evaluate(value)
            if obj[0] != "function" or obj[1] not in self.pure:
                return False
        return True

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
            if any(str(callee[1]) == api or str(callee[1]).startswith(api + ".") for api in RESOURCE_ONLY_APIS):
                return "ok"  # Api(app): see _api_handling()
            root = _dotted_root(callee)
            if root in ERROR_HANDLING_PACKAGES:
                return "extension"
            return "ok" if root in ERROR_NEUTRAL_PACKAGES else "unknown"
        if kind == "bound":
            return "ok" if callee[2] in FLASK_METHODS else "unknown"
        if kind == "class":
            if RESOURCE_ONLY_APIS.intersection(self.index.base_qualnames(callee[1])):
                return "ok"
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
        self._api_handling(result, obj)
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
                result.wide_exception_handlers.extend(bp.wide_exception_handlers)
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
            self._api_handling(found, obj)
            self._blueprints[key] = found
        return found

    def apis_on(self, obj: Obj) -> List[str]:
        """Keys of the Api objects built on ``obj`` (``Api(app)``, ``api.init_app(app)``)."""
        if self._apis is None:
            table: Dict[Obj, List[str]] = {}
            for target, params in self.index.passed_to().items():
                for param in params:
                    if param[0] == "<api>":
                        table.setdefault(target, []).append(param[1])
            for _name, summary in self.index.iter_modules():
                for callee, args, _line, _scope in summary.get("calls", ()):
                    bound = self.index.evaluate(callee)
                    if bound[0] == "bound" and bound[1][0] == "api" and bound[2] == "init_app":
                        for arg in args.values():
                            for target in _flatten(self.index.evaluate(arg)):
                                table.setdefault(target, []).append(bound[1][1])
            self._apis = table
        return self._apis.get(obj, [])

    def _api_handling(self, result: ScopeErrors, obj: Obj) -> None:
        """Flask-RESTful and Flask-RESTX answer the errors of their own
        resources only (and unknown URLs with ``catch_all_404s=True``): the
        other views of the app keep Flask's pages.  Other Api classes
        (flask-smorest registers an HTTPException handler on the app) answer
        for the whole app."""
        for api_key in self.apis_on(obj):
            if not self._resource_only_api(api_key):
                result.handled.append("an Api extension answers its errors")
                continue
            module = self.creations.get(api_key, ("", UNKNOWN))[0]
            summary = self.index.modules.get(module) or {}
            args = (summary.get("ctor_args") or {}).get(api_key) or {}
            catch_all = args.get("catch_all_404s", False)
            if catch_all is True:
                result.app_atoms.append(frozenset({("code", 404)}))
            elif catch_all is not False:
                result.uncertain.append("catch_all_404s= is not a literal")

    def _resource_only_api(self, api_key: str) -> bool:
        callee = self.creations.get(api_key, ("", UNKNOWN))[1]
        cls = self.index.evaluate(callee) if callee != UNKNOWN else NOTHING
        if cls[0] == "external":
            return cls[1] in RESOURCE_ONLY_APIS
        if cls[0] == "class":
            return bool(RESOURCE_ONLY_APIS.intersection(self.index.base_qualnames(cls[1])))
        return False

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
            atoms = self.atoms(fact[2])
            func = self.index.evaluate(fact[3]) if fact[3] != UNKNOWN else NOTHING
            if not (func[0] == "function" and self.cannot_raise(func[1], self._http_only(atoms))):
                result.crash_paths += 1  # a handler that raises ends in the 500 page too
            if app_level or fact[1] == "app_errorhandler":
                result.app_atoms.append(atoms)
            else:
                result.bp_atoms.append(atoms)
            if EXC_ATOM in atoms or UNKNOWN_KEY in atoms:
                func = self.index.evaluate(fact[3]) if fact[3] != UNKNOWN else NOTHING
                result.exception_handlers.append(func)
                if app_level or fact[1] == "app_errorhandler":
                    result.wide_exception_handlers.append(func)

    def _http_only(self, atoms: FrozenSet[Atom]) -> bool:
        """Every key is an HTTP error: the handler only ever gets an HTTPException."""
        for kind, what in atoms:
            if kind == "code":
                continue
            if kind == "exc" and (
                what == HTTP_EXCEPTION
                or werkzeug_exception_code(what) is not None
                or HTTP_EXCEPTION in self.index.base_qualnames(what)
            ):
                continue
            return False
        return bool(atoms)

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
                entry = index.functions.get(obj[1])
                opaque = self.opaque(obj[1]) and not (entry and entry[0] in self.light_modules)
                result.views[obj[1]] = None if opaque else self.answers(obj[1])
                if opaque or not self.cannot_raise(obj[1]):
                    result.crash_paths += 1
            elif obj[0] == "class":
                result.views[obj[1]] = self.class_answers(obj[1])
                dispatch = index.find_method(obj[1], "dispatch_request")
                if not (dispatch and dispatch.rpartition(".")[0] in self.guarded_dispatch):
                    result.crash_paths += 1  # (a project base's dispatch_request may answer every crash)
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
        if app.uncertain or app.handled or not app.views or project.never_serves(creation.key):
            continue
        name = _bound_name(ctx, creation.node)
        # (crash_paths == 0: every view catches its own exceptions, and no
        # hook can raise into Flask: nothing reaches Werkzeug's 500 page.)
        if (
            not app.has(SERVER_ERROR_ATOMS)
            and not orphans & SERVER_ERROR_ATOMS
            and app.crash_paths
            and not _single_page_app(app)
            and not project.propagates(creation.key)  # crashes go to the server, not to a 500 handler
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
    # Only app-wide handlers: routing errors (an unknown URL, a wrong method)
    # never reach a blueprint's own handlers.
    if app.has(HTTP_COVER_ATOMS) or orphans & _JSON_RELEVANT_ORPHANS:
        return
    codes = app.codes(app_wide_only=True)
    missing = [code for code in CLIENT_ERROR_CODES if code not in codes]
    if not missing:
        return
    if any(project.http_passage(func) != "raw" for func in app.wide_exception_handlers):
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
                if code == 404 and all(_has_catch_all_route(project, obj) for obj in objs):
                    continue  # /<path:p> answers every URL under its prefix: routing never says 404 there
                key_text = str(code) if reg.key[0] == "seq" else _source(reg.key_node, str(code))
                node = reg.node.func if isinstance(reg.node, ast.Call) else reg.node
                if isinstance(node, ast.Call):
                    node = node.func
                bp = _source(node.value, "bp", 30) if isinstance(node, ast.Attribute) else "bp"
                ctx.report(
                    BLUEPRINT_ROUTING_ERRORHANDLER, reg.node, bp=bp, method=reg.method, key=key_text, code=code
                )


_CATCH_ALL_RULE = re.compile(r"^/?<path:[A-Za-z_]\w*>/?$")


def _has_catch_all_route(project: ProjectErrors, obj: Obj) -> bool:
    routes = project.index.registrations_on(obj).get("routes", ())
    return any(isinstance(fact[2], str) and _CATCH_ALL_RULE.match(fact[2]) for _module, fact in routes)


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
            row = project.funcs.get(func[1]) or ()
            status = str(row[4]) if len(row) > 4 else status
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
    if not regs:
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
                where=f"line {getattr(later.node, 'lineno', 0)}",
                name=_handler_name(first),
            )
    replaced = project.replaced_elsewhere()
    for reg in regs:
        later_at = replaced.get((ctx.model.module, getattr(reg.node, "lineno", 0)))
        if later_at is None:
            continue
        atom = next(iter(project.atoms(reg.key)))
        scope_text = _registration_call(reg).rpartition(".")[0] or "app"
        if reg.method == "app_errorhandler":
            scope_text = f"the app (through {scope_text}.app_errorhandler)"
        ctx.report(
            DUPLICATE_ERRORHANDLER,
            reg.node,
            key=describe_atom(atom),
            scope=scope_text,
            where=f"{later_at[0]} line {later_at[1]}",
            name=_handler_name(reg),
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
