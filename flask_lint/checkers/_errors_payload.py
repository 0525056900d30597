"""Views whose JSON body an extension reads and validates before they run.

Flask-RESTX's (and Flask-RESTPlus's) ``Resource.dispatch_request`` calls
``validate_payload(meth)`` before the method: when the method's
``__apidoc__`` says ``validate`` (``@ns.expect(model, validate=True)``),
every expected model (``model``, or ``[model]`` on RESTX) is checked against
``request.get_json()``, so a request that is not JSON, a malformed body or
one the model rejects is answered (415/400) before the method runs, and the
method's own ``request.get_json()`` / ``request.json`` then reads the body
that already parsed.  A ``RequestParser`` passed to ``expect`` is not
checked there.  Only the literal ``validate=True`` on the method counts:
``Api(validate=True)``, ``Namespace(validate=True)`` and the
``RESTX_VALIDATE`` setting depend on which Api serves the resource and on
configuration, which the rule does not follow."""

from __future__ import annotations

import ast
from typing import Callable, FrozenSet

from ..index import NOTHING, Obj
from ..model import FlaskModel, Value, View

RESOURCE_CLASSES = frozenset({"flask_restx.Resource", "flask_restplus.Resource"})
_PACKAGES = ("flask_restx.", "flask_restplus.")
# The ModelBase classes validate_payload checks (Namespace.model() and
# friends build them); a RequestParser (Namespace.parser(), .copy()) is not one.
_MODEL_CLASSES = frozenset({"Model", "OrderedModel", "SchemaModel"})
_PARSER_FACTORIES = frozenset({"parser", "copy"})

Evaluate = Callable[[Value], Obj]


def payload_validated(model: FlaskModel, view: View, evaluate: Evaluate) -> bool:
    """The view is a RESTX/RESTPlus Resource method decorated with
    ``expect(<model>, validate=True)``: its JSON body was read and validated
    before it ran."""
    cls = view.class_node
    if cls is None:
        return False
    bases = {evaluate(model.value(base)) for base in cls.bases}
    if not bases & _RESOURCE_OBJS:
        return False
    # Flask-RESTPlus (0.13) checks isinstance(expect, Model) only: no [model],
    # no OrderedModel or SchemaModel.
    restplus = ("external", "flask_restplus.Resource") in bases
    models = frozenset({"Model"}) if restplus else _MODEL_CLASSES
    for stmt in cls.body:
        # method_decorators wrap the method before validate_payload reads its
        # __apidoc__: a wrapper without functools.wraps loses it.
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [getattr(stmt, "target", None)]
        if any(isinstance(t, ast.Name) and t.id == "method_decorators" for t in targets):
            return False
    for decorator in view.func.decorator_list:
        if not (isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute)):
            continue
        if decorator.func.attr != "expect" or not _validates(decorator):
            continue
        if not _api_like(evaluate(model.value(decorator.func.value))):
            continue
        if any(_is_model(model, arg, evaluate, models, not restplus) for arg in decorator.args):
            return True
    return False


_RESOURCE_OBJS = frozenset(("external", name) for name in RESOURCE_CLASSES)


def _api_like(obj: Obj) -> bool:
    """An Api or Namespace, or what the index cannot name (a Namespace a
    project function hands back); a name bound twice is each of its values."""
    options = obj[1] if obj[0] == "seq" else (obj,)
    return all(o[0] in ("api", "namespace") or o == NOTHING for o in options)


def _validates(call: ast.Call) -> bool:
    return any(
        k.arg == "validate" and isinstance(k.value, ast.Constant) and k.value.value is True for k in call.keywords
    )


def _is_model(model: FlaskModel, arg: ast.expr, evaluate: Evaluate, models: FrozenSet[str], lists: bool) -> bool:
    """``arg`` may be a model validate_payload checks: a Model instance
    (``Model(...)``, ``ns.model(...)``: see ``names.API_FACTORIES``), or an
    object the index cannot name that is not built as a RequestParser."""
    if lists and isinstance(arg, ast.List) and len(arg.elts) == 1:
        arg = arg.elts[0]  # [model]: a list of them (RESTX)
    if not isinstance(arg, (ast.Name, ast.Attribute, ast.Call)):
        return False  # a tuple, a literal, *args: not what validate_payload checks
    obj = evaluate(model.value(arg))
    if obj[0] == "instance":
        name = str(obj[1])
        return name.startswith(_PACKAGES) and name.rpartition(".")[2] in models
    if obj != NOTHING:
        return False
    # parser() / copy() of an object the index cannot name.
    return not (isinstance(arg, ast.Call) and isinstance(arg.func, ast.Attribute) and arg.func.attr in _PARSER_FACTORIES)
