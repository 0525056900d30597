"""FLK3xx: routing and blueprints."""

from __future__ import annotations

import ast

from ..engine import FileContext
from ..registry import rule

UNREGISTERED_BLUEPRINT = rule(
    "FLK303",
    "unregistered-blueprint",
    "blueprint {name} is never registered on an app or blueprint in this project, so all its routes 404; "
    "call app.register_blueprint({var}) in the app factory",
    summary="a Blueprint that nothing registers",
)


def check(ctx: FileContext) -> None:
    _check_unregistered_blueprints(ctx)


def _check_unregistered_blueprints(ctx: FileContext) -> None:
    mine = {key for key, module, _line in ctx.index.objects("blueprint") if module == ctx.model.module}
    if not mine:
        return
    registered, unknown = ctx.index.registered_blueprints()
    if unknown:
        return  # some registration could reach any blueprint: stay silent
    for creation in ctx.model.creations:
        if creation.key in mine and creation.key not in registered:
            name_node = creation.node.args[0] if creation.node.args else None
            name = repr(name_node.value) if isinstance(name_node, ast.Constant) else "(unnamed)"
            ctx.report(UNREGISTERED_BLUEPRINT, creation.node, name=name, var=_bound_name(ctx, creation.node))


def _bound_name(ctx: FileContext, call: object) -> str:
    for name, bindings in ctx.model.module_scope.bindings.items():
        for binding in bindings:
            if binding.kind == "assign" and binding.node is call:
                return name
    return "bp"
