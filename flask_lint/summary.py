"""Per-module summaries: the cross-file facts the project index keeps.

A summary is plain JSON data derived from a :class:`FlaskModel`.  Rule
families that need more cross-file facts register a :data:`SUMMARY_EXTENSIONS`
function; its result is stored under its own key and read back with
``ProjectIndex.extension(key)``.
"""

from __future__ import annotations

import ast
from typing import Any, Callable, Dict, List

from .model import FlaskModel, Value

FORMAT_VERSION = 1

SummaryExtension = Callable[[FlaskModel], Any]
SUMMARY_EXTENSIONS: Dict[str, SummaryExtension] = {}


def summary_extension(key: str) -> Callable[[SummaryExtension], SummaryExtension]:
    """Decorator for a family's extra per-module facts (must be JSON data)."""

    def register(func: SummaryExtension) -> SummaryExtension:
        SUMMARY_EXTENSIONS[key] = func
        return func

    return register


def _line(node: ast.AST) -> int:
    return getattr(node, "lineno", 0)


def summarise(model: FlaskModel) -> Dict[str, Any]:
    exports = {name: model.export_value(name) for name in model.module_scope.bindings}
    functions: Dict[str, Any] = {}
    for info in model.functions.values():
        functions[info.qualname] = {
            "params": info.scope.params,
            "returns": [model.value(r.value, info.scope) for r in info.returns if r.value is not None],
            "line": info.node.lineno,
        }
    classes: Dict[str, Any] = {}
    for class_node, scope in model.classes.values():
        outer = scope.parent or model.module_scope
        classes[scope.qualname] = {
            "bases": [model.value(base, outer) for base in class_node.bases],
            "line": class_node.lineno,
            "methods": [
                item.name for item in class_node.body if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))
            ],
        }
    summary: Dict[str, Any] = {
        "v": FORMAT_VERSION,
        "module": model.module,
        "package": model.is_package,
        "relevant": True,
        "exports": exports,
        "functions": functions,
        "classes": classes,
        "creations": [[c.key, c.callee, c.args, _line(c.node)] for c in model.creations],
        "routes": [
            [r.target, r.method, r.rule, r.endpoint, r.view, _line(r.node), r.scope.qualname] for r in model.routes
        ],
        "handlers": [[h.target, h.method, h.key, h.func, _line(h.node), h.in_loop] for h in model.handlers],
        "hooks": [[h.target, h.kind, h.func, _line(h.node)] for h in model.hooks],
        "bp_regs": [[b.parent, b.child, b.name, b.url_prefix, _line(b.node)] for b in model.blueprint_regs],
        "calls": [[c.callee, c.args, _line(c.node), c.scope.qualname] for c in model.call_facts],
        "dynamic": model.dynamic_imports,
    }
    if not model.light:
        for key, extension in SUMMARY_EXTENSIONS.items():
            summary["x:" + key] = extension(model)
    return summary


def empty_summary(module: str, is_package: bool) -> Dict[str, Any]:
    """A module that cannot involve Flask (or could not be parsed)."""
    return {"v": FORMAT_VERSION, "module": module, "package": is_package, "relevant": False}


def tuplify(data: Any) -> Any:
    """JSON turns value tuples into lists; turn them back (dict keys stay)."""
    if isinstance(data, list):
        return tuple(tuplify(item) for item in data)
    if isinstance(data, dict):
        return {key: tuplify(item) for key, item in data.items()}
    return data


def freeze_summary(summary: Dict[str, Any]) -> Dict[str, Any]:
    return {key: tuplify(item) for key, item in summary.items()}


ValueList = List[Value]
