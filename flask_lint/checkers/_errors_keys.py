"""FLK2xx facts: the names the error-handler rules know, and what a handler
key means (:func:`key_atoms`: ``404``, ``NotFound``, ``Exception``, a loop
over ``default_exceptions``...)."""

from __future__ import annotations

import builtins
from typing import Any, FrozenSet, List, Optional, Set, Tuple

from ..index import NOTHING, Obj, ProjectIndex
from ..model import UNKNOWN, Value
from ..names import WERKZEUG_ERROR_CODES, werkzeug_exception_code

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


def flatten(obj: Obj) -> List[Obj]:
    if obj[0] == "seq":
        out: List[Obj] = []
        for item in obj[1]:
            out.extend(flatten(item))
        return out
    return [obj]


def dotted_root(obj: Obj) -> Optional[str]:
    if obj[0] in ("external", "instance") and isinstance(obj[1], str):
        return obj[1].split(".", 1)[0]
    return None



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
