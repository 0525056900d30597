"""flask-smorest's ``abort``, as flask-smorest 0.46 defines it (it is
webargs' ``flaskparser.abort``): Flask's abort, with the keywords attached to
the HTTPException.  Checked against the real package: ``abort(303)`` raises
``LookupError: no exception for 303`` and the client gets a 500.  Anything
else of the package but ``Blueprint`` (a Flask Blueprint, below) is an unknown stub."""

from typing import Any, NoReturn, Optional

import flask
from werkzeug.exceptions import HTTPException


def abort(http_status_code: int, exc: Optional[Exception] = None, **kwargs: Any) -> NoReturn:
    try:
        flask.abort(http_status_code)
    except HTTPException as err:
        err.data = kwargs  # type: ignore[attr-defined]
        err.exc = exc  # type: ignore[attr-defined]
        raise err


class Blueprint(flask.Blueprint):
    """flask-smorest's Blueprint is a ``flask.Blueprint`` subclass (plus
    argument/response/pagination mixins): routing, ``errorhandler`` and
    ``register_error_handler`` are Flask's own."""


def __getattr__(name: str) -> Any:
    if name.startswith("__"):
        raise AttributeError(name)
    from runtime import Unknown

    return Unknown(f"flask_smorest.{name}")
