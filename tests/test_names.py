"""Canonical names: what the model calls ``flask.request`` however it was
imported (a regression once recursed forever on self-mapped aliases)."""

from __future__ import annotations

import pytest

from flask_lint.names import canonical


@pytest.mark.parametrize(
    ("written", "canonical_name"),
    [
        ("flask.globals.request.args", "flask.request.args"),
        ("flask.views.MethodView.as_view", "flask.views.MethodView.as_view"),  # an alias of itself
        ("flask_restful.Resource.method_decorators", "flask_restful.Resource.method_decorators"),
        ("six.moves.http_client", "http.client"),
        ("six.moves.http_client.INTERNAL_SERVER_ERROR", "http.HTTPStatus.INTERNAL_SERVER_ERROR"),
        ("http.client.NOT_FOUND", "http.HTTPStatus.NOT_FOUND"),
        ("http.client.HTTPConnection", "http.client.HTTPConnection"),
        ("mypackage.views.index", "mypackage.views.index"),
    ],
)
def test_canonical(written: str, canonical_name: str) -> None:
    assert canonical(written) == canonical_name
