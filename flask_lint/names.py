"""Dotted names of the Flask, Werkzeug and ecosystem objects the model knows.

Import paths that name the same object are folded onto one canonical name, so
``flask.globals.request`` and ``flask.request`` compare equal.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Optional

_ALIASES = {
    "flask.app.Flask": "flask.Flask",
    "flask.blueprints.Blueprint": "flask.Blueprint",
    "flask.globals.request": "flask.request",
    "flask.globals.session": "flask.session",
    "flask.globals.g": "flask.g",
    "flask.globals.current_app": "flask.current_app",
    "flask.wrappers.Response": "flask.Response",
    "flask.wrappers.Request": "flask.Request",
    "flask.helpers.url_for": "flask.url_for",
    "flask.helpers.flash": "flask.flash",
    "flask.helpers.get_flashed_messages": "flask.get_flashed_messages",
    "flask.helpers.make_response": "flask.make_response",
    "flask.helpers.redirect": "flask.redirect",
    "flask.helpers.abort": "flask.abort",
    "flask.helpers.send_file": "flask.send_file",
    "flask.helpers.send_from_directory": "flask.send_from_directory",
    "flask.helpers.stream_with_context": "flask.stream_with_context",
    "flask.ctx.copy_current_request_context": "flask.copy_current_request_context",
    "flask.ctx.after_this_request": "flask.after_this_request",
    "flask.json.jsonify": "flask.jsonify",
    "flask.templating.render_template": "flask.render_template",
    "flask.templating.render_template_string": "flask.render_template_string",
    "flask.templating.stream_template": "flask.stream_template",
    "flask.templating.stream_template_string": "flask.stream_template_string",
    "six.moves.http_client": "http.client",
    "werkzeug.utils.redirect": "flask.redirect",
    "werkzeug.exceptions.abort": "flask.abort",
    "werkzeug.wrappers.Response": "werkzeug.Response",
    "werkzeug.wrappers.response.Response": "werkzeug.Response",
    "flask.views.MethodView": "flask.views.MethodView",
    "apiflask.app.APIFlask": "apiflask.APIFlask",
    "apiflask.blueprint.APIBlueprint": "apiflask.APIBlueprint",
    "flask_restx.namespace.Namespace": "flask_restx.Namespace",
    "flask_restx.api.Api": "flask_restx.Api",
    "flask_restful.Resource": "flask_restful.Resource",
    "flask_restx.resource.Resource": "flask_restx.Resource",
}

# Packages whose objects the model knows by name. A copy of one inside the
# project (vendored under libs/ and put on sys.path at run time) is still
# that package: the index never reads it as the project's own code, which
# would turn flask.Flask into a project class nobody knows is an app.
VENDORABLE_PACKAGES = frozenset(
    {
        "flask", "werkzeug", "apiflask", "flask_openapi3", "flask_restful", "flask_restx", "flask_restplus",
        "flask_smorest", "flask_login", "flask_jwt_extended", "flask_security", "flask_sqlalchemy",
        "flask_caching", "flask_limiter", "flask_cors", "flask_httpauth", "flask_socketio", "flask_celeryext",
        "flask_rq",
    }
)

APP_CLASSES = frozenset({"flask.Flask", "apiflask.APIFlask", "flask_openapi3.OpenAPI"})
BLUEPRINT_CLASSES = frozenset(
    {"flask.Blueprint", "flask_smorest.Blueprint", "apiflask.APIBlueprint", "flask_openapi3.APIBlueprint"}
)
# Extensions whose Api object installs its own error handling on the app.
API_CLASSES = frozenset(
    {"flask_restful.Api", "flask_restx.Api", "flask_restplus.Api", "flask_smorest.Api"}
)
NAMESPACE_CLASSES = frozenset({"flask_restx.Namespace", "flask_restplus.Namespace"})
# What Flask-RESTX's Api/Namespace factory methods build (Namespace.model()
# is Model(...) added to the namespace, parser() a RequestParser(), ...).
API_FACTORIES = {
    "namespace": "flask_restx.Namespace",
    "model": "flask_restx.Model",
    "clone": "flask_restx.Model",
    "inherit": "flask_restx.Model",
    "schema_model": "flask_restx.SchemaModel",
    "parser": "flask_restx.reqparse.RequestParser",
}
VIEW_BASE_CLASSES = frozenset(
    {
        "flask.views.View",
        "flask.views.MethodView",
        "flask_restful.Resource",
        "flask_restx.Resource",
        "flask_restplus.Resource",
        "apiflask.views.MethodView",
        "apiflask.MethodView",
    }
)

CONTEXT_LOCALS = frozenset({"flask.request", "flask.session", "flask.g", "flask.current_app"})
RESPONSE_CLASSES = frozenset({"flask.Response", "werkzeug.Response"})

HTTP_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT"})
ROUTE_SHORTCUTS = frozenset({"get", "post", "put", "delete", "patch"})

# Werkzeug's default_exceptions (421 only from Werkzeug 3.1).
WERKZEUG_ERROR_CODES = frozenset(
    {400, 401, 403, 404, 405, 406, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417, 418, 421,
     422, 423, 424, 428, 429, 431, 451, 500, 501, 502, 503, 504, 505}
)
# Codes Werkzeug gained after 2.x: (code, first release that has it).
WERKZEUG_NEWER_CODES = {421: (3, 1)}
WERKZEUG_EXCEPTIONS = {
    "BadRequest": 400, "Unauthorized": 401, "Forbidden": 403, "NotFound": 404,
    "MethodNotAllowed": 405, "NotAcceptable": 406, "RequestTimeout": 408, "Conflict": 409,
    "Gone": 410, "LengthRequired": 411, "PreconditionFailed": 412, "RequestEntityTooLarge": 413,
    "RequestURITooLarge": 414, "UnsupportedMediaType": 415, "RequestedRangeNotSatisfiable": 416,
    "ExpectationFailed": 417, "ImATeapot": 418, "MisdirectedRequest": 421, "UnprocessableEntity": 422,
    "Locked": 423, "FailedDependency": 424, "PreconditionRequired": 428, "TooManyRequests": 429,
    "RequestHeaderFieldsTooLarge": 431, "UnavailableForLegalReasons": 451,
    "InternalServerError": 500, "NotImplemented": 501, "BadGateway": 502,
    "ServiceUnavailable": 503, "GatewayTimeout": 504, "HTTPVersionNotSupported": 505,
}


def canonical(qualname: Optional[str]) -> Optional[str]:
    if qualname is None:
        return None
    if qualname in _ALIASES:
        return _ALIASES[qualname]
    # werkzeug.exceptions.NotFound and flask's re-exports stay as they are;
    # attribute chains below an alias keep the alias (flask.globals.request.args).
    head, _, tail = qualname.rpartition(".")
    while head:
        if head in _ALIASES:
            qualname = _ALIASES[head] + qualname[len(head):]
            break
        head, _, _ = head.rpartition(".")
    if qualname.startswith("http.client.") and qualname[12:] in HTTPStatus.__members__:
        # http.client re-exports every HTTPStatus member: http.client.NOT_FOUND
        return "http.HTTPStatus." + qualname[12:]
    return qualname


def werkzeug_exception_code(qualname: Optional[str]) -> Optional[int]:
    """The status of ``werkzeug.exceptions.X`` (None for anything else)."""
    if not qualname or not qualname.startswith("werkzeug.exceptions."):
        return None
    return WERKZEUG_EXCEPTIONS.get(qualname.rsplit(".", 1)[1])


# --------------------------------------------------------------------------
# Decorators of well-known extensions
# --------------------------------------------------------------------------
# The one list of third-party view decorators whose effect on a view is known,
# by the last name they are applied with (``@login_required``,
# ``@auth.login_required``, ``@limiter.limit("5/minute")``, ``@cache.cached()``).
# ``arguments``: the wrapper calls the view with the URL values it was called
# with, untouched (FLK306 still sees the view's parameters); ``result``: it
# hands the view's return value back (the FLK1xx rules still see the view's
# answer; an early refusal, such as a 401, is the decorator's own answer).
# A project function of the same name is never read from here: the index
# follows its body.  Each reason names the source it was checked against.


class KnownDecorator:
    __slots__ = ("arguments", "result", "reason")

    def __init__(self, arguments: bool, result: bool, reason: str) -> None:
        self.arguments = arguments
        self.result = result
        self.reason = reason


_BOTH = (True, True)
EXTENSION_DECORATORS = {
    name: KnownDecorator(*flags, reason)
    for name, flags, reason in (
        ("login_required", _BOTH,
         "Flask-Login utils.login_required: decorated_view(*args, **kwargs) returns "
         "current_app.ensure_sync(func)(*args, **kwargs) (or login_manager.unauthorized()); Flask-HTTPAuth "
         "HTTPAuth.login_required: decorated(*args, **kwargs) returns self.ensure_sync(f)(*args, **kwargs)"),
        ("fresh_login_required", _BOTH,
         "Flask-Login utils.fresh_login_required: as login_required, or login_manager.needs_refresh()"),
        ("cross_origin", _BOTH,
         "Flask-CORS decorator.cross_origin: wrapped_function(*args, **kwargs) returns "
         "make_response(current_app.ensure_sync(f)(*args, **kwargs)) with CORS headers added"),
        ("limit", _BOTH,
         "Flask-Limiter Limiter.limit: __inner(*a, **k) returns current_app.ensure_sync(obj)(*a, **k)"),
        ("shared_limit", _BOTH, "Flask-Limiter Limiter.shared_limit: the same wrapper as limit"),
        ("exempt", _BOTH,
         "Flask-Limiter Limiter.exempt and Flask-WTF CSRFProtect.exempt record the view and return it itself"),
        ("cached", _BOTH,
         "Flask-Caching Cache.cached: decorated_function(*args, **kwargs) returns "
         "self._call_fn(f, *args, **kwargs), or that value cached by an earlier request"),
        ("memoize", _BOTH, "Flask-Caching Cache.memoize: the same, keyed by the arguments"),
        ("roles_required", _BOTH,
         "Flask-Security decorators.roles_required: decorated_view(*args, **kwargs) returns "
         "current_app.ensure_sync(fn)(*args, **kwargs)"),
        ("roles_accepted", _BOTH, "Flask-Security decorators.roles_accepted: as roles_required"),
        ("permissions_required", _BOTH, "Flask-Security decorators.permissions_required: as roles_required"),
        ("permissions_accepted", _BOTH, "Flask-Security decorators.permissions_accepted: as roles_required"),
        ("auth_required", _BOTH, "Flask-Security decorators.auth_required: as roles_required"),
        ("auth_token_required", _BOTH, "Flask-Security decorators.auth_token_required: as roles_required"),
        ("http_auth_required", _BOTH, "Flask-Security decorators.http_auth_required: as roles_required"),
        ("jwt_required", _BOTH,
         "Flask-JWT-Extended view_decorators.jwt_required: decorator(*args, **kwargs) returns "
         "current_app.ensure_sync(fn)(*args, **kwargs)"),
        ("jwt_optional", _BOTH, "Flask-JWT-Extended 3.x jwt_optional: wrapper returns fn(*args, **kwargs)"),
        ("fresh_jwt_required", _BOTH, "Flask-JWT-Extended 3.x fresh_jwt_required: as jwt_optional"),
        ("jwt_refresh_token_required", _BOTH, "Flask-JWT-Extended 3.x jwt_refresh_token_required: as jwt_optional"),
        ("swag_from", _BOTH,
         "Flasgger utils.swag_from: wrapper(*args, **kwargs) validates if asked, then returns "
         "function(*args, **kwargs)"),
        ("doc", _BOTH, "Flask-RESTX Namespace.doc: sets __apidoc__ on the function and returns it"),
        ("expect", _BOTH, "Flask-RESTX Namespace.expect: Namespace.doc"),
        ("response", (True, False),
         "Flask-RESTX Namespace.response is Namespace.doc, but flask-smorest Blueprint.response dumps the "
         "value through its schema: the arguments pass, the value may not"),
        ("param", _BOTH, "Flask-RESTX Namespace.param: Namespace.doc"),
        ("header", _BOTH, "Flask-RESTX Namespace.header: Namespace.doc"),
        ("produces", _BOTH, "Flask-RESTX Namespace.produces: Namespace.doc"),
        ("marshal_with", (True, False),
         "Flask-RESTful and Flask-RESTX marshal_with: wrapper(*args, **kwargs) calls f(*args, **kwargs) and "
         "returns marshal(...) of its value, not the value"),
    )
}
