"""Per-module summaries: the cross-file facts the project index keeps.

A summary is plain JSON data derived from a :class:`FlaskModel`.  Rule
families that need more cross-file facts declare an :class:`Extension`; its
result is stored under its own key and read back with
``ProjectIndex.extension(key)``.
"""

from __future__ import annotations

import ast
import marshal
import re
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional, Sequence, Set, Tuple

try:  # the builtin module: importing hashlib would load OpenSSL (3 ms)
    from _blake2 import blake2b as _blake2b
except ImportError:  # pragma: no cover - other interpreters
    from hashlib import blake2b as _blake2b

from .model import UNKNOWN, FlaskModel, RouteReg, Value, call_arg

FORMAT_VERSION = 2


@dataclass(frozen=True)
class Extension:
    """A rule family's extra per-module facts: ``func(model)`` returns JSON
    data, stored in the summary under ``"x:" + key`` and read back with
    ``ProjectIndex.extension(key)``.  Bump ``version`` when the facts change
    shape or meaning: the index cache key covers every extension the index
    is given (:func:`extensions_identity`), so summaries cached with another
    set of extensions are not reused.  ``light``: it also runs on the light
    models of files that never mention Flask (it must then read only what a
    light walk records: module-level bindings, defs and classes, and the
    defs' own AST)."""

    key: str
    func: Callable[[FlaskModel], Any]
    version: str = "1"
    light: bool = False


def extensions_identity(extensions: Sequence[Extension]) -> str:
    """Key, function and version of every extension."""
    parts = []
    for ext in sorted(extensions, key=lambda e: e.key):
        func = ext.func
        name = f"{getattr(func, '__module__', '?')}:{getattr(func, '__qualname__', type(func).__name__)}"
        parts.append(f"{ext.key}={name}@{ext.version}{'+light' if ext.light else ''}")
    return "\n".join(parts)


class Line(int):
    """A line number in a summary.  A module's summary keeps its ident in the
    index fingerprint when an edit only moves its lines (:func:`summary_ident`),
    which leaves the cached findings of the other files alone."""

    __slots__ = ()


def _line(node: ast.AST) -> int:
    return Line(getattr(node, "lineno", 0))


# ------------------------------------------------- facts for the route map
# Literal arguments are kept as they are; anything else is UNKNOWN ("?",).


def _literal(node: Optional[ast.AST]) -> Any:
    if isinstance(node, ast.Constant) and (node.value is None or isinstance(node.value, (str, bool, int))):
        return node.value
    return UNKNOWN


def _literal_args(call: ast.Call) -> Dict[str, Any]:
    """A constructor's literal arguments: "0", "1"... and keywords ("**" for **kwargs)."""
    out: Dict[str, Any] = {}
    for position, arg in enumerate(call.args):
        if isinstance(arg, ast.Starred):
            out["*"] = UNKNOWN
            break
        out[str(position)] = _literal(arg)
    for kw in call.keywords:
        out[kw.arg if kw.arg is not None else "**"] = _literal(kw.value)
    return out


def _keywords(call: ast.Call) -> List[str]:
    return [kw.arg if kw.arg is not None else "**" for kw in call.keywords]


def _str_list(node: Optional[ast.AST]) -> Any:
    """None when absent, the strings of a literal list/tuple/set, else "?"."""
    if node is None:
        return None
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)) and all(
        isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts
    ):
        return [e.value for e in node.elts if isinstance(e, ast.Constant)]
    return "?"


def _route_map_facts(r: RouteReg) -> List[Any]:
    """Appended to a route fact: methods (None / [names] / "?"), the name of
    the view function when it is not a def (``X.as_view("name")``,
    ``<lambda>``), whether ``endpoint=`` is given but not a literal, and a
    literal ``provide_automatic_options``."""
    view_name: Optional[str] = None
    call = r.node if isinstance(r.node, ast.Call) else None
    if call is not None and r.method == "add_url_rule":
        view = r.view_expr if r.view_expr is not None else call_arg(call, 2, "view_func")
        if isinstance(view, ast.Lambda):
            view_name = "<lambda>"
        elif isinstance(view, ast.Call) and isinstance(view.func, ast.Attribute) and view.func.attr == "as_view":
            name = _literal(call_arg(view, 0, "name"))
            view_name = name if isinstance(name, str) else "?"
    automatic = _literal(call_arg(call, 99, "provide_automatic_options")) if call is not None else None
    return [
        _str_list(r.methods_node),
        view_name,
        r.endpoint_node is not None and r.endpoint is None,
        automatic if isinstance(automatic, bool) else None,
    ]


def _imported_modules(model: FlaskModel) -> Tuple[List[str], List[str]]:
    """Every module an import statement of this module names, at any depth
    (``from pkg import name`` names ``pkg`` and ``pkg.name``, which may be a
    submodule): what importing this module may import in turn; and those
    its module level imports (outside defs and classes): what importing it
    does import, in the same app context (``ProjectIndex.context_app``)."""
    found: Set[str] = set()
    top: Set[str] = set()
    # Imports are statements: walk statement lists only, not expressions.
    stack: List[Tuple[ast.AST, bool]] = [(stmt, True) for stmt in model.tree.body]
    while stack:
        node, at_top = stack.pop()
        if type(node) in _SIMPLE_STATEMENTS:
            continue  # most statements: no block under them, not an import
        inner = at_top and not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
        for attr in ("body", "orelse", "finalbody", "handlers", "cases"):
            children = getattr(node, attr, None)
            if isinstance(children, list):
                stack.extend((child, inner) for child in children)
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names = model.import_targets(node)
            found.update(names)
            if at_top:
                top.update(names)
    return sorted(found), sorted(top)


# Statements that hold no statement list and import nothing.
_SIMPLE_STATEMENTS = frozenset(
    {
        ast.Expr, ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Return, ast.Raise, ast.Assert, ast.Delete, ast.Pass,
        ast.Break, ast.Continue, ast.Global, ast.Nonlocal,
    }
)


def _class_methods_attr(class_node: ast.ClassDef) -> Any:
    """A view class's own ``methods = [...]`` (None when absent, "?" when not literal)."""
    found: Any = None
    for item in class_node.body:
        if isinstance(item, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "methods" for t in item.targets):
            found = _str_list(item.value)
        elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name) and item.target.id == "methods":
            found = _str_list(item.value) if item.value is not None else found
    return found


def summarise(model: FlaskModel, extensions: Sequence[Extension]) -> Dict[str, Any]:
    exports = {name: model.export_value(name) for name in model.module_scope.bindings}
    functions: Dict[str, Any] = {}
    for info in model.functions.values():
        functions[info.qualname] = {
            "params": info.scope.params,
            "returns": [model.value(r.value, info.scope) for r in info.returns if r.value is not None],
            "line": Line(info.node.lineno),
        }
    classes: Dict[str, Any] = {}
    for class_node, scope in model.classes.values():
        outer = scope.parent or model.module_scope
        classes[scope.qualname] = {
            "bases": [model.value(base, outer) for base in class_node.bases],
            "line": Line(class_node.lineno),
            "methods": [
                item.name for item in class_node.body if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))
            ],
            "view_methods": _class_methods_attr(class_node),
        }
        owned = model.init_attributes(scope)
        if owned:
            classes[scope.qualname]["owned"] = owned
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
            [r.target, r.method, r.rule, r.endpoint, r.view, _line(r.node), r.scope.qualname] + _route_map_facts(r)
            for r in model.routes
        ],
        "handlers": [[h.target, h.method, h.key, h.func, _line(h.node), h.in_loop] for h in model.handlers],
        "hooks": [[h.target, h.kind, h.func, _line(h.node)] for h in model.hooks],
        "bp_regs": [
            [b.parent, b.child, b.name, b.url_prefix, _line(b.node), _keywords(b.node)] for b in model.blueprint_regs
        ],
        "calls": [[c.callee, c.args, _line(c.node), c.scope.qualname] for c in model.call_facts],
        "dynamic": model.dynamic_imports,
        "ctor_args": {c.key: _literal_args(c.node) for c in model.creations},
    }
    summary["imports"], top_imports = _imported_modules(model)
    if top_imports:
        summary["top_imports"] = top_imports
    if model.context_imports:  # imports run in an app context: [owner of app_context(), [modules]]
        summary["ctx_imports"] = [[c.owner, c.modules] for c in model.context_imports]
    if model.aliases:
        summary["aliases"] = dict(model.aliases)  # a cached summary is only valid with these
    if model.star_imports:
        summary["stars"] = list(model.star_imports)
    for extension in extensions:
        if not model.light or extension.light:
            summary["x:" + extension.key] = extension.func(model)
    return summary


def empty_summary(module: str, is_package: bool) -> Dict[str, Any]:
    """A module that cannot involve Flask (or could not be parsed)."""
    return {"v": FORMAT_VERSION, "module": module, "package": is_package, "relevant": False}


def tuplify(data: Any) -> Any:
    """JSON turns value tuples into lists; turn them back (dict keys stay)."""
    kind = type(data)
    if kind is list:  # the exact types first: this runs over every summary
        return tuple([item if type(item) in _AS_IS else tuplify(item) for item in data])
    if kind is dict:
        return {key: item if type(item) in _AS_IS else tuplify(item) for key, item in data.items()}
    if kind is Line:
        return int(data)
    if isinstance(data, list):
        return tuple(tuplify(item) for item in data)
    if isinstance(data, dict):
        return {key: tuplify(item) for key, item in data.items()}
    return data


_AS_IS = frozenset({str, int, float, bool, type(None), tuple})  # what tuplify() returns unchanged


def freeze_summary(summary: Dict[str, Any]) -> Dict[str, Any]:
    return {key: tuplify(item) for key, item in summary.items()}


def summary_ident(summary: Dict[str, Any], frozen: Dict[str, Any], previous: Optional[Tuple[str, Any]] = None) -> str:
    """What the index fingerprint counts a module's summary as.

    ``frozen`` is ``freeze_summary(summary)``.  A summary equal to the
    ``previous`` one of the same file (its ident and frozen summary) but for
    line numbers that keep their order keeps its ident, so an edit that
    moves code leaves the other files' cached findings alone: every answer
    the index gives is the same for two such summaries, except messages
    that cite a line of another file (batch.py keeps those apart).  Any
    other summary is counted by its content."""
    if previous is not None and _same_but_lines(previous[1], summary):
        return previous[0]
    try:
        body = marshal.dumps(frozen, 0)  # version 0: no references, no interning, the same bytes for equal data
    except ValueError:  # not marshal data (never produced by summarise)
        body = repr(frozen).encode("utf-8", "surrogatepass")
    return _blake2b(body, digest_size=16).hexdigest()


# An object key (model.node_key): module, zero-padded line and column.
_OBJECT_KEY = re.compile(r"(.+):(\d{6}):(\d{4})")


def _same_but_lines(old: Any, new: Any) -> bool:
    """Whether ``new`` (a summary as summarise() built it) is ``old`` (a
    frozen summary) but for its :class:`Line` values and the lines inside
    object keys, mapped from the old lines by an order-preserving function.
    A line number not marked as a Line must be equal: unmarked lines can
    only make this answer False more often."""
    pairs: List[Tuple[int, int]] = []

    def same(o: Any, n: Any) -> bool:
        kind = type(n)
        if kind is Line:
            if type(o) is not int:
                return False
            pairs.append((o, int(n)))
            return True
        if kind is list or kind is tuple:
            return type(o) is tuple and len(o) == len(n) and all(same(a, b) for a, b in zip(o, n))
        if kind is dict:
            return (
                type(o) is dict
                and len(o) == len(n)
                and all(same(a, b) for a, b in zip(o, n))  # the keys, in order
                and all(same(a, b) for a, b in zip(o.values(), n.values()))
            )
        if type(o) is not kind:
            return False
        if o == n:
            return True
        if kind is str:
            a, b = _OBJECT_KEY.fullmatch(o), _OBJECT_KEY.fullmatch(n)
            if a is not None and b is not None and a.group(1, 3) == b.group(1, 3):
                pairs.append((int(a.group(2)), int(b.group(2))))
                return True
        return False

    if not same(old, new):
        return False
    mapped: Dict[int, int] = {}
    for before, after in pairs:
        if mapped.setdefault(before, after) != after:
            return False
    ordered = sorted(mapped.items())
    return all(a[1] < b[1] for a, b in zip(ordered, ordered[1:]))


ValueList = List[Value]
