"""The per-file Flask model, built in one walk and shared by every checker.

The model answers "what is this name" with *values*: small JSON-friendly
tuples that stay symbolic until the project index evaluates them, because the
object behind a name often lives in another file:

=========================  ==================================================
``("q", "pkg.mod.name")``  a dotted name: an import or a module-level global
``("new", callee, key)``   what calling ``callee`` at ``key`` (module:line:col)
                           returns: an app, a blueprint, an instance...
``("p", func, "app")``     parameter ``app`` of project function ``func``
``("seq", (v, ...))``      a list/tuple/set literal
``("elt", v)``             an element of iterable ``v`` (a loop variable)
``("m", v, "attr")``       attribute ``attr`` of a value that is not a name
``("ctx", "pkg.mod")``     ``current_app`` registered on at the module level
                           of ``pkg.mod``: the app whose context imports it
``("?",)``                 unknown
=========================  ==================================================

Names that a local variable, parameter, loop variable or local import shadows
resolve to whatever shadows them, never to the Flask object.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Callable, Dict, Iterator, List, Optional, Set, Tuple, Union, cast

from .names import (
    API_CLASSES,
    APP_CLASSES,
    BLUEPRINT_CLASSES,
    NAMESPACE_CLASSES,
    ROUTE_SHORTCUTS,
    VIEW_BASE_CLASSES,
    canonical,
)

Value = tuple  # see the module docstring
UNKNOWN: Value = ("?",)
_CURRENT_APP: Value = ("q", "flask.current_app")

FunctionNode = Union[ast.FunctionDef, ast.AsyncFunctionDef]

ROUTE_METHODS = frozenset({"route"}) | ROUTE_SHORTCUTS
HANDLER_METHODS = frozenset({"errorhandler", "app_errorhandler", "register_error_handler"})
HOOK_METHODS = frozenset(
    {
        "before_request",
        "before_app_request",
        "after_request",
        "after_app_request",
        "teardown_request",
        "teardown_app_request",
        "teardown_appcontext",
        "before_first_request",
        "before_app_first_request",
    }
)
DYNAMIC_IMPORTERS = frozenset(
    {
        "importlib.import_module",
        "__import__",
        "werkzeug.utils.import_string",
        "werkzeug.utils.find_modules",
        "pkgutil.iter_modules",
        "pkgutil.walk_packages",
        "importlib.metadata.entry_points",
        "pkg_resources.iter_entry_points",
    }
)


def node_key(module: str, node: ast.AST) -> str:
    """The identity of the object a node creates.  Line and column are
    zero-padded so that keys sort as their positions do, whatever
    summary.summary_ident() counts as lines that only moved."""
    return f"{module}:{getattr(node, 'lineno', 0):06d}:{getattr(node, 'col_offset', 0):04d}"


# --------------------------------------------------------------------------
# Scopes and bindings
# --------------------------------------------------------------------------


_CONTENT_TYPE_ATTRS = frozenset(
    {"flask.request.is_json", "flask.request.mimetype", "flask.request.content_type", "flask.request.mimetype_params"}
)


@dataclass
class Binding:
    kind: str  # import, assign, param, def, class, for, other
    node: Optional[ast.AST] = None  # the value / iterable / def node
    qualname: Optional[str] = None  # for imports


@dataclass
class Scope:
    kind: str  # module, function, class, lambda, comprehension
    node: ast.AST
    parent: Optional[Scope]
    qualname: str
    bindings: Dict[str, List[Binding]] = field(default_factory=dict)
    global_names: Set[str] = field(default_factory=set)
    params: List[str] = field(default_factory=list)

    def bind(self, name: str, binding: Binding) -> None:
        self.bindings.setdefault(name, []).append(binding)


@dataclass
class FunctionInfo:
    node: FunctionNode
    scope: Scope
    qualname: str
    class_node: Optional[ast.ClassDef]
    returns: List[ast.Return] = field(default_factory=list)
    is_generator: bool = False


# --------------------------------------------------------------------------
# Flask facts
# --------------------------------------------------------------------------


@dataclass
class Creation:
    """A call whose result is kept: a candidate app, blueprint or Api object."""

    node: ast.Call
    key: str
    callee: Value
    args: List[Value]
    scope: Scope


@dataclass
class RouteReg:
    node: ast.AST  # the decorator call or the add_url_rule call
    target: Value
    method: str  # route, get, post, ..., add_url_rule, add_resource
    rule: Optional[str]
    rule_node: Optional[ast.expr]
    methods_node: Optional[ast.expr]
    endpoint: Optional[str]
    endpoint_node: Optional[ast.expr]
    view: Value
    view_node: Optional[ast.AST]  # the def/class when known locally
    defaults_node: Optional[ast.expr]
    scope: Scope
    in_loop: bool = False
    # The expression standing for the view when it is not the call's own
    # argument: a row of the literal data a loop registers (see loop_rows()).
    view_expr: Optional[ast.expr] = None
    called: bool = False  # ``app.route("/")(view)``: the decorator called on a function


@dataclass
class HandlerReg:
    node: ast.AST
    target: Value
    method: str  # errorhandler, app_errorhandler, register_error_handler
    key_node: Optional[ast.expr]
    key: Value  # ("int", n) / qualname value / UNKNOWN
    func: Value
    func_node: Optional[FunctionNode]
    scope: Scope
    in_loop: bool = False


@dataclass
class HookReg:
    node: ast.AST
    target: Value
    kind: str
    func: Value
    func_node: Optional[FunctionNode]
    scope: Scope


@dataclass
class BlueprintReg:
    node: ast.Call
    parent: Value
    child: Value
    name: Optional[str]
    url_prefix: Optional[str]
    scope: Scope


@dataclass
class CallFact:
    """A call that hands a parameter or object to another callable."""

    node: ast.Call
    callee: Value
    args: Dict[str, Value]  # "0", "1"... for positionals, names for keywords
    scope: Scope


@dataclass
class ContextImport:
    """Imports run inside ``with <owner>.app_context():`` (or after
    ``<owner>.app_context().push()``): the modules they name (see
    ``FlaskModel.import_targets``)."""

    node: ast.stmt
    owner: Value
    modules: List[str]


@dataclass
class View:
    func: FunctionNode
    routes: List[RouteReg]
    kind: str  # function, method
    class_node: Optional[ast.ClassDef] = None


ClassKind = Callable[[Value], Optional[str]]


def _literal_str(node: Optional[ast.AST]) -> Optional[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _inside(node: ast.AST, loop: ast.AST) -> bool:
    """Whether a node lies within a loop's body (by position: one scope)."""
    body = getattr(loop, "body", None)
    if not body or not hasattr(node, "lineno"):
        return False
    start, end = (body[0].lineno, body[0].col_offset), (body[-1].end_lineno or 0, body[-1].end_col_offset or 0)
    here = (getattr(node, "lineno", 0), getattr(node, "col_offset", 0))
    return start <= here <= end


def call_arg(call: ast.Call, position: int, keyword: Optional[str] = None) -> Optional[ast.expr]:
    """The argument at ``position`` or passed as ``keyword`` (None if absent)."""
    if keyword is not None:
        for kw in call.keywords:
            if kw.arg == keyword:
                return kw.value
    if position < len(call.args) and not any(isinstance(a, ast.Starred) for a in call.args[: position + 1]):
        return call.args[position]
    return None


class FlaskModel:
    """Everything Flask-shaped in one module."""

    def __init__(
        self,
        tree: ast.Module,
        module: str,
        is_package: bool = False,
        light: bool = False,
        aliases: Optional[Dict[str, str]] = None,
    ) -> None:
        self.tree = tree
        self.module = module
        self.is_package = is_package
        # Top-level names this module's absolute imports mean in its project
        # (``views`` -> ``svc_a/views`` when several folders have a views.py).
        self.aliases = aliases or {}
        # A light model (for files that never mention Flask) only records
        # module-level bindings, defs and classes: what other modules import.
        self.light = light
        self.module_scope = Scope("module", tree, None, module)
        self.functions: Dict[int, FunctionInfo] = {}
        self.classes: Dict[int, Tuple[ast.ClassDef, Scope]] = {}
        self.class_by_qualname: Dict[str, ast.ClassDef] = {}
        self.calls: List[Tuple[ast.Call, Scope, bool]] = []
        self._name_scope: Dict[int, Scope] = {}
        self._values: Dict[Tuple[int, int], Value] = {}
        self.dynamic_imports = False
        self.star_imports: List[str] = []  # modules of ``from x import *`` at module level
        self.routes: List[RouteReg] = []
        self.handlers: List[HandlerReg] = []
        self.hooks: List[HookReg] = []
        self.blueprint_regs: List[BlueprintReg] = []
        self.creations: List[Creation] = []
        self.call_facts: List[CallFact] = []
        self.context_imports: List[ContextImport] = []
        # Bindings of the names a for loop unpacks: id(binding) -> (loop, position, width).
        self._unpacked: Dict[int, Tuple[ast.AST, int, int]] = {}
        self._walks: Dict[Tuple[int, bool], Tuple[ast.AST, List[ast.AST]]] = {}  # see walk_function()
        self._qualnames: Dict[Tuple[int, int], Tuple[ast.AST, Optional[Scope], Optional[str]]] = {}  # see qualname()
        # Dotted names that reach a third-party name through a project module
        # (``pkg.api.jsonify`` -> ``flask.jsonify``); see use_reexports().
        self.reexports: Dict[str, str] = {}
        self._owned_cache: Dict[int, Optional[Dict[str, Tuple[str, ast.AST, Scope]]]] = {}  # see _owned_attributes()
        self._parents_of_stores: Optional[Dict[int, ast.AST]] = None
        self._foreign_attrs: Set[str] = set()
        self._bound: Set[int] = set()  # methods registered as ``self.method``
        self._full: Optional[FlaskModel] = None  # see full()
        _Walker(self).run()
        self._extract()

    def full(self) -> FlaskModel:
        """The module's full model: itself, or for a light model one built
        from the same tree, once, for every summary extension that reads
        function bodies."""
        if not self.light:
            return self
        if self._full is None:
            self._full = FlaskModel(self.tree, self.module, self.is_package, aliases=self.aliases)
        return self._full

    # ---------------------------------------------------------------- names

    def scope_of(self, node: ast.AST) -> Scope:
        """The scope a Name (or an expression built on one) is evaluated in."""
        base = node
        while True:
            if isinstance(base, ast.Name):
                return self._name_scope.get(id(base), self.module_scope)
            if isinstance(base, ast.Attribute):
                base = base.value
            elif isinstance(base, ast.Call):
                base = base.func
            elif isinstance(base, ast.Subscript):
                base = base.value
            else:
                return self.module_scope

    def lookup(self, name: str, scope: Scope) -> Optional[Tuple[Scope, List[Binding]]]:
        current: Optional[Scope] = scope
        while current is not None:
            if current.kind == "class" and current is not scope:
                current = current.parent
                continue
            if name in current.global_names:
                current = self.module_scope
                continue
            if name in current.bindings:
                return current, current.bindings[name]
            current = current.parent
        return None

    def aliased(self, dotted: str) -> str:
        """An absolute import's module as this project names it (see ``aliases``)."""
        if not self.aliases:
            return dotted
        head, dot, rest = dotted.partition(".")
        alias = self.aliases.get(head)
        return f"{alias}{dot}{rest}" if alias else dotted

    def use_reexports(self, reexports: Dict[str, str]) -> None:
        """Resolve imports of names that project modules re-export from
        third-party packages (the project index knows them) to their origin:
        ``from .api import jsonify`` is ``flask.jsonify`` when api.py
        imports it from Flask."""
        if reexports == self.reexports:
            return  # nothing changes: keep the names already resolved
        self.reexports = reexports
        self._qualnames.clear()

    def qualname(self, node: ast.AST, scope: Optional[Scope] = None) -> Optional[str]:
        """The canonical dotted name an expression refers to through imports.

        ``req.args`` after ``from flask import request as req`` gives
        ``flask.request.args``; a shadowed or local name gives None.
        """
        key = (id(node), id(scope))
        hit = self._qualnames.get(key)  # rules ask about the same calls again and again
        if hit is not None and hit[0] is node and hit[1] is scope:
            return hit[2]
        found = self._qualname(node, scope)
        self._qualnames[key] = (node, scope, found)  # holding node and scope: their ids stay theirs
        return found

    def _qualname(self, node: ast.AST, scope: Optional[Scope]) -> Optional[str]:
        parts: List[str] = []
        base = node
        while isinstance(base, ast.Attribute):
            parts.append(base.attr)
            base = base.value
        if not isinstance(base, ast.Name):
            return None
        found = self.lookup(base.id, scope or self.scope_of(base))
        if found is None:
            head = f"builtins.{base.id}" if base.id in _BUILTIN_NAMES else None
        else:
            where, bindings = found
            head = None
            if all(b.kind == "import" for b in bindings):
                quals = {b.qualname for b in bindings}
                if len(quals) == 1:
                    head = quals.pop()
            elif where is self.module_scope and len(bindings) == 1 and bindings[0].kind in ("def", "class"):
                head = f"{self.module}.{base.id}"
        if head is None:
            return None
        if self.reexports and found is not None:
            dotted = [head] + parts[::-1]
            for size in range(len(dotted), 0, -1):
                origin = self.reexports.get(".".join(dotted[:size]))
                if origin is not None:
                    return canonical(".".join([origin] + dotted[size:]))
        return canonical(".".join([head] + parts[::-1]))

    def is_name(self, node: ast.AST, *qualnames: str) -> bool:
        return self.qualname(node) in qualnames

    def call_qualname(self, node: ast.AST) -> Optional[str]:
        return self.qualname(node.func) if isinstance(node, ast.Call) else None

    # ---------------------------------------------------------------- values

    def value(self, node: Optional[ast.AST], scope: Optional[Scope] = None, _depth: int = 0) -> Value:
        """The symbolic value of an expression (see the module docstring)."""
        if node is None or _depth > 20:
            return UNKNOWN
        scope = scope or self.scope_of(node)
        # Memoised: names bound several times to expressions that mention
        # them again (``x = [x, x]``) would otherwise branch exponentially.
        memo_key = (id(node), id(scope))
        cached = self._values.get(memo_key)
        if cached is not None:
            return cached
        self._values[memo_key] = UNKNOWN  # a cycle evaluates to unknown
        result = self._value(node, scope, _depth)
        self._values[memo_key] = result
        return result

    def _value(self, node: ast.AST, scope: Scope, _depth: int) -> Value:
        if isinstance(node, ast.Name):
            return self._name_value(node.id, scope, _depth)
        if isinstance(node, ast.Attribute):
            if type(node.value) is ast.Name:
                owned = self._instance_attribute(node.value.id, node.attr, scope, _depth)
                if owned is not None:
                    return owned
            base = self.value(node.value, scope, _depth + 1)
            if base[0] == "q":
                return ("q", canonical(f"{base[1]}.{node.attr}"))
            if base == UNKNOWN:
                return UNKNOWN
            return ("m", base, node.attr)
        if isinstance(node, ast.Subscript):
            base = self.value(node.value, scope, _depth + 1)
            return UNKNOWN if base == UNKNOWN else ("elt", base)
        if isinstance(node, ast.Call):
            passthrough = self._collection_passthrough(node)
            if passthrough is not None:
                return self.value(passthrough, scope, _depth + 1)
            callee = self.value(node.func, scope, _depth + 1)
            if callee == UNKNOWN:
                return UNKNOWN
            return ("new", callee, node_key(self.module, node))
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            return ("seq", tuple(self.value(e, scope, _depth + 1) for e in node.elts))
        if isinstance(node, ast.Dict):
            return ("seq", tuple(self.value(v, scope, _depth + 1) for v in node.values))
        return UNKNOWN

    def _collection_passthrough(self, node: ast.Call) -> Optional[ast.expr]:
        """``d.values()``, ``list(x)``, ``sorted(x)``: the same elements as ``x``."""
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in ("values", "copy") and not node.args:
            return func.value
        if (
            isinstance(func, ast.Name)
            and func.id in ("list", "tuple", "set", "sorted", "reversed", "frozenset")
            and len(node.args) == 1
            and self.lookup(func.id, self.scope_of(func)) is None
        ):
            return node.args[0]
        return None

    def _name_value(self, name: str, scope: Scope, depth: int) -> Value:
        found = self.lookup(name, scope)
        if found is None:
            return ("q", f"builtins.{name}") if name in _BUILTIN_NAMES else UNKNOWN
        where, bindings = found
        if where is self.module_scope:
            quals = {b.qualname for b in bindings if b.kind == "import"}
            if len(quals) == 1 and len(bindings) == 1:
                return ("q", canonical(quals.pop()))
            # Other module globals are evaluated by the index, which sees the
            # module's final bindings (and other modules importing them).
            return ("q", f"{self.module}.{name}")
        if len(bindings) != 1:
            values = {self._binding_value(b, name, where, depth) for b in bindings}
            return values.pop() if len(values) == 1 else UNKNOWN
        return self._binding_value(bindings[0], name, where, depth)

    def _binding_value(self, binding: Binding, name: str, where: Scope, depth: int) -> Value:
        if binding.kind == "import":
            return ("q", binding.qualname)
        if binding.kind == "param" and where.kind == "function":
            return ("p", where.qualname, name)
        if binding.kind == "assign":
            return self.value(binding.node, where, depth + 1)
        if binding.kind == "for":
            inner = self.value(binding.node, where, depth + 1)
            return UNKNOWN if inner == UNKNOWN else ("elt", inner)
        if binding.kind in ("def", "class"):
            return ("q", f"{where.qualname}.{name}")
        return UNKNOWN

    # ------------------------------------------------- objects of a class

    def self_class(self, name: str, scope: Scope) -> Optional[Scope]:
        """The class scope whose instance ``name`` is in ``scope``: the first
        parameter of a method of that class (not a staticmethod or a
        classmethod), seen from the method or a function nested in it."""
        found = self.lookup(name, scope)
        if found is None:
            return None
        where, bindings = found
        parent = where.parent
        if (
            where.kind != "function"
            or parent is None
            or parent.kind != "class"
            or len(bindings) != 1
            or bindings[0].kind != "param"
            or not where.params
            or where.params[0] != name
        ):
            return None
        if any(self.qualname(d, parent) in _NOT_BOUND for d in where.node.decorator_list):  # type: ignore[attr-defined]
            return None
        return parent

    def _instance_attribute(self, name: str, attr: str, scope: Scope, depth: int) -> Optional[Value]:
        """``self.attr`` when the class settles it for every method: a plain
        method of the class (its def), or an attribute bound once, in
        ``__init__``, and never rebound (the value ``__init__`` gave it)."""
        if self.light:
            return None
        class_scope = self.self_class(name, scope)
        if class_scope is None:
            return None
        facts = self._owned_attributes(class_scope)
        if facts is None:
            return None
        owned = facts.get(attr)
        if owned is None:
            return None
        kind, node, where = owned
        if attr in self._foreign_stores():
            return None  # ``server.app = other`` somewhere in this module
        if kind == "method":
            qual = f"{class_scope.qualname}.{attr}"
            if any(self.qualname(d, class_scope) == "builtins.staticmethod" for d in node.decorator_list):  # type: ignore[attr-defined]
                return ("q", qual)  # a plain function, reached through the instance
            # Bound: the index makes it ("method", qual), whose callers pass
            # no first argument.
            return ("m", ("new", ("q", class_scope.qualname), f"{class_scope.qualname}:self"), attr)
        return self.value(node, where, depth + 1)

    def _owned_attributes(self, class_scope: Scope) -> Optional[Dict[str, Tuple[str, ast.AST, Scope]]]:
        """attr -> ("method", def, class scope) / ("init", value, __init__'s
        scope) for the attributes of a class that the index can follow, or
        None when the class escapes (bases, metaclass, decorators, setattr,
        a subclass in this module)."""
        cache = self._owned_cache
        key = id(class_scope.node)
        if key in cache:
            return cache[key]
        cache[key] = None
        class_node = cast(ast.ClassDef, class_scope.node)
        plain = all(self.qualname(b, class_scope.parent) == "builtins.object" for b in class_node.bases)
        if not plain or class_node.keywords or class_node.decorator_list or self._subclassed(class_scope):
            return None
        out: Dict[str, Tuple[str, ast.AST, Scope]] = {}
        stores: Dict[str, List[Tuple[ast.AST, Optional[ast.expr], Scope]]] = {}
        for item in class_node.body:
            if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                methods = class_scope.bindings.get(item.name, [])
                decorated = [self.qualname(d, class_scope) for d in item.decorator_list]
                if len(methods) == 1 and all(d in _NOT_BOUND for d in decorated):
                    out[item.name] = ("method", item, class_scope)
                info = self.functions.get(id(item))
                if info is None:
                    return None
                if not self._attribute_stores(item, info.scope, stores):
                    return None
        for attr, found in stores.items():
            defaults = class_scope.bindings.get(attr, [])
            if not all(_is_none_default(b) for b in defaults):
                out.pop(attr, None)  # a method or class attribute shadowed per instance
                continue
            if len(found) != 1:
                continue
            method, value, where = found[0]
            if value is not None and getattr(method, "name", "") == "__init__":
                out[attr] = ("init", value, where)
        cache[key] = out
        return out

    def _attribute_stores(
        self, method: FunctionNode, scope: Scope, stores: Dict[str, List[Tuple[ast.AST, Optional[ast.expr], Scope]]]
    ) -> bool:
        """Record what a method stores on its instance; False when it stores
        in ways that cannot be followed (``setattr(self, name, ...)``,
        ``self.__dict__``, ``vars(self)``)."""
        if not scope.params:
            return True
        me = scope.params[0]
        for node in self.walk_function(method, into_nested=True):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == me:
                if node.attr == "__dict__":
                    return False
                if not isinstance(node.ctx, ast.Load):
                    value: Optional[ast.expr] = None
                    parent = self._store_parents.get(id(node))
                    if isinstance(parent, ast.Assign) and len(parent.targets) == 1 and parent.targets[0] is node:
                        value = parent.value
                    elif isinstance(parent, ast.AnnAssign) and parent.target is node:
                        value = parent.value
                    stores.setdefault(node.attr, []).append((method, value, scope))
            elif isinstance(node, ast.Call) and self.qualname(node.func) in _INSTANCE_WRITERS:
                if node.args and isinstance(node.args[0], ast.Name) and node.args[0].id == me:
                    return False
        return True

    @property
    def _store_parents(self) -> Dict[int, ast.AST]:
        """Assignment statement of every attribute target in the module."""
        if self._parents_of_stores is None:
            found: Dict[int, ast.AST] = {}
            foreign: Set[str] = set()
            for node in walk_nodes(self.tree):
                if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign, ast.Delete)):
                    targets = node.targets if isinstance(node, (ast.Assign, ast.Delete)) else [node.target]
                    for target in targets:
                        for part in ast.walk(target):
                            if isinstance(part, ast.Attribute) and not isinstance(part.ctx, ast.Load):
                                found[id(part)] = node
                                if not (isinstance(part.value, ast.Name) and self._is_self(part.value)):
                                    foreign.add(part.attr)
                elif isinstance(node, (ast.For, ast.AsyncFor, ast.With, ast.AsyncWith, ast.NamedExpr)):
                    for part in ast.walk(node):
                        if isinstance(part, ast.Attribute) and isinstance(part.ctx, ast.Store) and id(part) not in found:
                            found[id(part)] = node
                            foreign.add(part.attr)
            self._parents_of_stores = found
            self._foreign_attrs = foreign
        return self._parents_of_stores

    def _foreign_stores(self) -> Set[str]:
        """Attributes stored in this module on anything but a method's own instance."""
        _ = self._store_parents
        return self._foreign_attrs

    def _is_self(self, name: ast.Name) -> bool:
        return self.self_class(name.id, self.scope_of(name)) is not None

    def _subclassed(self, class_scope: Scope) -> bool:
        """A class of this module derives from it (and may override or rebind)."""
        mine = ("q", class_scope.qualname)
        for other, scope in self.classes.values():
            if other is not class_scope.node and any(
                self.value(b, scope.parent or self.module_scope) == mine for b in other.bases
            ):
                return True
        return False

    def init_attributes(self, class_scope: Scope) -> Dict[str, Value]:
        """attr -> value of the attributes ``__init__`` binds once for good
        (``self.app = Flask(...)``): what ``instance.attr`` is in other
        modules (``app = server.app``)."""
        facts = self._owned_attributes(class_scope) if not self.light else None
        if not facts:
            return {}
        out: Dict[str, Value] = {}
        for attr, (kind, node, where) in sorted(facts.items()):
            if kind == "init" and attr not in self._foreign_stores():
                value = self.value(node, where)
                if value != UNKNOWN:
                    out[attr] = value
        return out

    def method_def(self, value: Value) -> Optional[FunctionNode]:
        """The def of this module that a method value of
        ``_instance_attribute`` names (bound, or a staticmethod's ``("q", ...)``)."""
        if value[0] == "m" and value[1][0] == "new" and value[1][1][0] == "q":
            owner, attr = str(value[1][1][1]), str(value[2])
        elif value[0] == "q":
            owner, _, attr = str(value[1]).rpartition(".")
        else:
            return None
        class_node = self.class_by_qualname.get(owner)
        entry = self.classes.get(id(class_node)) if class_node is not None else None
        if entry is None:
            return None
        facts = self._owned_attributes(entry[1])
        owned = facts.get(attr) if facts else None
        if owned is None or owned[0] != "method":
            return None
        return cast(FunctionNode, owned[1])

    def export_value(self, name: str) -> Value:
        """What a module-level name is bound to, for other modules."""
        bindings = self.module_scope.bindings.get(name, [])
        if not bindings:
            return UNKNOWN
        values = set()
        for binding in bindings:
            if binding.kind == "import":
                values.add(("q", binding.qualname))
            elif binding.kind == "assign":
                values.add(self.value(binding.node, self.module_scope))
            elif binding.kind == "for":
                inner = self.value(binding.node, self.module_scope)
                values.add(UNKNOWN if inner == UNKNOWN else ("elt", inner))
            elif binding.kind in ("def", "class"):
                values.add(("def", f"{self.module}.{name}"))
            else:
                values.add(UNKNOWN)
        if len(values) == 1:
            return values.pop()
        # try/except ImportError fallbacks and re-assignments: keep the
        # candidates that are not plain unknowns; several of them (a loop
        # variable reused by two loops) stand for "any of these".
        known = sorted((v for v in values if v != UNKNOWN), key=repr)
        if not known:
            return UNKNOWN
        return known[0] if len(known) == 1 else ("seq", tuple(known))

    # ---------------------------------------------------------- extraction

    def _extract(self) -> None:
        self._find_context_imports(self.tree.body, None)
        for call, scope, in_loop in self.calls:
            self._extract_call(call, scope, in_loop)
        for info in self.functions.values():
            for decorator in info.node.decorator_list:
                self._extract_decorator(decorator, info.node, info.scope.parent or self.module_scope)
        for class_node, scope in self.classes.values():
            for decorator in class_node.decorator_list:
                self._extract_decorator(decorator, class_node, scope.parent or self.module_scope)

    def _extract_decorator(self, decorator: ast.expr, target: ast.AST, scope: Scope) -> None:
        call = decorator if isinstance(decorator, ast.Call) else None
        func = call.func if call is not None else decorator
        if not isinstance(func, ast.Attribute):
            return
        method = func.attr
        owner = self._import_time_owner(self.value(func.value, scope), scope)
        if owner == UNKNOWN or _is_external_non_flask(owner):
            return
        view_value = self._def_value(target)
        if method in ROUTE_METHODS and call is not None:
            rule_node = call_arg(call, 0, "rule")
            self.routes.append(
                RouteReg(
                    node=call,
                    target=owner,
                    method=method,
                    rule=_literal_str(rule_node),
                    rule_node=rule_node,
                    methods_node=call_arg(call, 99, "methods"),
                    endpoint=_literal_str(call_arg(call, 99, "endpoint")),
                    endpoint_node=call_arg(call, 99, "endpoint"),
                    view=view_value,
                    view_node=target,
                    defaults_node=call_arg(call, 99, "defaults"),
                    scope=scope,
                )
            )
        elif method in ("errorhandler", "app_errorhandler") and isinstance(target, (ast.FunctionDef, ast.AsyncFunctionDef)):
            key_node = call_arg(call, 0, "code_or_exception") if call is not None else None
            self.handlers.append(
                HandlerReg(decorator, owner, method, key_node, self._key_value(key_node, scope), view_value, target, scope)
            )
        elif method in HOOK_METHODS and isinstance(target, (ast.FunctionDef, ast.AsyncFunctionDef)):
            self.hooks.append(HookReg(decorator, owner, method, view_value, target, scope))

    def _extract_call(self, call: ast.Call, scope: Scope, in_loop: bool) -> None:
        func = call.func
        if isinstance(func, ast.Attribute):
            method = func.attr
            interesting = (
                method in ("add_url_rule", "register_error_handler", "register_blueprint", "add_resource")
                or method in HOOK_METHODS
            )
            if interesting:
                owner = self._import_time_owner(self.value(func.value, scope), scope)
                if owner != UNKNOWN and not _is_external_non_flask(owner):
                    self._extract_registration(call, method, owner, scope, in_loop)
        elif (
            isinstance(func, ast.Call)
            and isinstance(func.func, ast.Attribute)
            and func.func.attr in ("errorhandler", "app_errorhandler")
        ):
            # The call form of the decorator: app.errorhandler(404)(not_found).
            self._extract_handler_call(call, func, func.func, scope, in_loop)
        elif isinstance(func, ast.Call) and isinstance(func.func, ast.Attribute) and func.func.attr in ROUTE_METHODS:
            self._extract_route_call(call, func, func.func, scope, in_loop)
        callee = self.value(func, scope)
        if callee == UNKNOWN:
            return
        if callee[0] == "q" and callee[1].rpartition(".")[2][:1].isupper():
            # Class-like callee: a candidate app, blueprint or Api object.
            positional = [self.value(a, scope) for a in call.args[:2] if not isinstance(a, ast.Starred)]
            app_kw = call_arg(call, 99, "app")
            if app_kw is not None:
                positional.append(self.value(app_kw, scope))
            self.creations.append(Creation(call, node_key(self.module, call), callee, positional, scope))
        if isinstance(callee, tuple) and callee[0] == "q" and callee[1] in DYNAMIC_IMPORTERS:
            self.dynamic_imports = True
        if callee == ("q", "builtins.getattr") and len(call.args) >= 2 and _literal_str(call.args[1]) is None:
            self.dynamic_imports = True
        args: Dict[str, Value] = {}
        for position, arg in enumerate(call.args):
            if isinstance(arg, ast.Starred):
                break
            # Literals and operators have no value (the most frequent arguments).
            args[str(position)] = UNKNOWN if type(arg) in _VALUELESS else self.value(arg, scope)
        for kw in call.keywords:
            if kw.arg is not None:
                args[kw.arg] = UNKNOWN if type(kw.value) in _VALUELESS else self.value(kw.value, scope)
        if any(_carries_object(v) for v in args.values()):
            self.call_facts.append(CallFact(call, callee, args, scope))

    def _add_row_route(
        self,
        call: ast.Call,
        owner: Value,
        method: str,
        scope: Scope,
        in_loop: bool,
        rule_node: Optional[ast.expr],
        endpoint_node: Optional[ast.expr],
        view_expr: Optional[ast.expr],
        methods_node: Optional[ast.expr],
        defaults_node: Optional[ast.expr],
    ) -> None:
        """One route of an ``add_url_rule``/``add_resource`` call (one per
        row when the call registers the rows of literal data)."""
        self.routes.append(
            RouteReg(
                node=call,
                target=owner,
                method=method,
                rule=_literal_str(rule_node),
                rule_node=rule_node,
                methods_node=methods_node,
                endpoint=_literal_str(endpoint_node),
                endpoint_node=endpoint_node,
                view=self.value(view_expr, scope) if view_expr is not None else UNKNOWN,
                view_node=self._local_def(view_expr, scope),
                defaults_node=defaults_node,
                scope=scope,
                in_loop=in_loop,
                view_expr=view_expr,
            )
        )

    def _extract_registration(self, call: ast.Call, method: str, owner: Value, scope: Scope, in_loop: bool) -> None:
        if method == "add_url_rule":
            written = [
                call_arg(call, 0, "rule"),
                call_arg(call, 1, "endpoint"),
                call_arg(call, 2, "view_func"),
                call_arg(call, 99, "methods"),
            ]
            rows = (self.loop_rows(call, scope, written) if in_loop else None) or [written]
            for rule_node, endpoint_node, view_node_expr, methods_node in rows:
                self._add_row_route(
                    call, owner, method, scope, in_loop, rule_node, endpoint_node, view_node_expr, methods_node,
                    call_arg(call, 99, "defaults"),
                )
        elif method == "add_resource":
            given: List[Optional[ast.expr]] = [call_arg(call, 0, "resource")]
            for arg in call.args[1:]:
                if isinstance(arg, ast.Starred):
                    break
                given.append(arg)
            for row in (self.loop_rows(call, scope, given) if in_loop else None) or [given]:
                resource = row[0]
                for url in row[1:]:
                    self._add_row_route(
                        call, owner, method, scope, in_loop, url, call_arg(call, 99, "endpoint"), resource, None, None
                    )
        elif method == "register_error_handler":
            key_node = call_arg(call, 0, "code_or_exception")
            func_node = call_arg(call, 1, "f")
            local = self._local_def(func_node, scope)
            self.handlers.append(
                HandlerReg(
                    call,
                    owner,
                    method,
                    key_node,
                    self._key_value(key_node, scope),
                    self.value(func_node, scope),
                    local if isinstance(local, (ast.FunctionDef, ast.AsyncFunctionDef)) else None,
                    scope,
                    in_loop,
                )
            )
        elif method == "register_blueprint":
            child = call_arg(call, 0, "blueprint")
            self.blueprint_regs.append(
                BlueprintReg(
                    call,
                    owner,
                    self.value(child, scope),
                    _literal_str(call_arg(call, 99, "name")),
                    _literal_str(call_arg(call, 99, "url_prefix")),
                    scope,
                )
            )
        elif method in HOOK_METHODS and call.args:
            func_node = call.args[0]
            local = self._local_def(func_node, scope)
            self.hooks.append(
                HookReg(
                    call,
                    owner,
                    method,
                    self.value(func_node, scope),
                    local if isinstance(local, (ast.FunctionDef, ast.AsyncFunctionDef)) else None,
                    scope,
                )
            )

    def _extract_handler_call(
        self, call: ast.Call, decorator: ast.Call, func: ast.Attribute, scope: Scope, in_loop: bool
    ) -> None:
        owner = self._import_time_owner(self.value(func.value, scope), scope)
        if owner == UNKNOWN or _is_external_non_flask(owner):
            return
        func_node = call_arg(call, 0, "f")
        local = self._local_def(func_node, scope)
        key_node = call_arg(decorator, 0, "code_or_exception")
        self.handlers.append(
            HandlerReg(
                call,
                owner,
                func.attr,
                key_node,
                self._key_value(key_node, scope),
                self.value(func_node, scope) if func_node is not None else UNKNOWN,
                local if isinstance(local, (ast.FunctionDef, ast.AsyncFunctionDef)) else None,
                scope,
                in_loop,
            )
        )

    def _extract_route_call(
        self, call: ast.Call, decorator: ast.Call, func: ast.Attribute, scope: Scope, in_loop: bool
    ) -> None:
        """``app.route("/")(view)`` (``self.app.route("/")(self.index)``)."""
        owner = self._import_time_owner(self.value(func.value, scope), scope)
        view_expr = call_arg(call, 0)
        if owner == UNKNOWN or _is_external_non_flask(owner) or view_expr is None or len(call.args) != 1 or call.keywords:
            return
        rule_node = call_arg(decorator, 0, "rule")
        self.routes.append(
            RouteReg(
                node=decorator,
                target=owner,
                method=func.attr,
                rule=_literal_str(rule_node),
                rule_node=rule_node,
                methods_node=call_arg(decorator, 99, "methods"),
                endpoint=_literal_str(call_arg(decorator, 99, "endpoint")),
                endpoint_node=call_arg(decorator, 99, "endpoint"),
                view=self.value(view_expr, scope),
                view_node=self._local_def(view_expr, scope),
                defaults_node=call_arg(decorator, 99, "defaults"),
                scope=scope,
                in_loop=in_loop,
                called=True,
            )
        )

    def _loop_literal_keys(self, node: ast.Name, scope: Scope) -> Optional[Tuple[Value, ...]]:
        """``for code in (400, 404, 500):`` (or over a name bound to such a
        literal): the handler keys the loop variable takes, else None."""
        found = self.lookup(node.id, scope)
        if found is None:
            return None
        where, bindings = found
        # A name reused by several loops: the nearest loop above the use.
        placed = [b for b in bindings if b.node is not None and hasattr(b.node, "lineno")]
        if len(placed) != len(bindings):
            return None
        before = [b for b in placed if b.node.lineno <= getattr(node, "lineno", 0)]  # type: ignore[union-attr]
        if not before:
            return None
        binding = max(before, key=lambda b: (b.node.lineno, b.node.col_offset))  # type: ignore[union-attr]
        if binding.kind != "for":
            return None
        iterable = binding.node
        if isinstance(iterable, ast.Name):
            named = self.lookup(iterable.id, where)
            if named is None or len(named[1]) != 1 or named[1][0].kind != "assign":
                return None
            where, iterable = named[0], named[1][0].node
        if isinstance(iterable, ast.Dict) and all(k is not None for k in iterable.keys):
            return tuple(self._key_value(k, where) for k in iterable.keys)
        if not isinstance(iterable, (ast.List, ast.Tuple, ast.Set)) or any(
            isinstance(e, ast.Starred) for e in iterable.elts
        ):
            return None
        return tuple(self._key_value(e, where) for e in iterable.elts)

    def _key_value(self, node: Optional[ast.expr], scope: Scope) -> Value:
        if isinstance(node, ast.Name):
            keys = self._loop_literal_keys(node, scope)
            if keys is not None:
                return ("seq", keys)
        if isinstance(node, ast.Constant):
            if isinstance(node.value, bool):
                return ("const", repr(node.value))
            if isinstance(node.value, int):
                return ("int", node.value)
            return ("const", repr(node.value))
        if isinstance(node, ast.Call):
            return ("instance", self.value(node.func, scope))
        qual = self.qualname(node, scope) if node is not None else None
        if qual and qual.startswith("http.HTTPStatus."):
            from http import HTTPStatus

            member = qual.rsplit(".", 1)[1]
            if member in HTTPStatus.__members__:
                return ("int", int(HTTPStatus[member]))
        return self.value(node, scope) if node is not None else UNKNOWN

    def _def_value(self, node: ast.AST) -> Value:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            info = self.functions.get(id(node))
            return ("q", info.qualname) if info else UNKNOWN
        if isinstance(node, ast.ClassDef):
            entry = self.classes.get(id(node))
            return ("q", entry[1].qualname) if entry else UNKNOWN
        return UNKNOWN

    # ------------------------------------------------ imports in an app context

    def import_targets(self, node: Union[ast.Import, ast.ImportFrom]) -> List[str]:
        """The modules an import statement names (``from pkg import name``
        names ``pkg`` and ``pkg.name``, which may be a submodule)."""
        if isinstance(node, ast.Import):
            return [self.aliased(alias.name) for alias in node.names]
        if node.level:
            package = self.module if self.is_package else self.module.rpartition(".")[0]
            parts = package.split(".") if package else []
            parts = parts[: max(0, len(parts) - (node.level - 1))]
            base = ".".join(parts + ([node.module] if node.module else []))
        else:
            base = self.aliased(node.module or "")
        found = [base] if base else []
        found += [f"{base}.{alias.name}" if base else alias.name for alias in node.names if alias.name != "*"]
        return found

    def context_calls(self, expr: ast.expr) -> List[ast.Call]:
        """The ``X.app_context()``-like calls ``expr`` stands for: the call
        itself, or the calls a name is bound to (``ctx = app.app_context()``),
        resolved through the scopes.  Callers tell which calls push what."""
        if isinstance(expr, ast.Call):
            return [expr]
        if isinstance(expr, ast.Name):
            found = self.lookup(expr.id, self.scope_of(expr))
            if found is not None:
                return [b.node for b in found[1] if b.kind == "assign" and isinstance(b.node, ast.Call)]
        return []

    def pushed_calls(self, stmt: ast.stmt) -> List[ast.Call]:
        """What a statement pushes: ``X.app_context().push()``, ``ctx.push()``,
        ``stack.enter_context(X.test_request_context())`` (an ``ExitStack``)."""
        if not (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call)):
            return []
        call = stmt.value
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr == "enter_context" and len(call.args) == 1:
            return [call.args[0]] if isinstance(call.args[0], ast.Call) else []
        if isinstance(func, ast.Attribute) and func.attr == "push" and not call.args:
            return self.context_calls(func.value)
        return []

    def popped_calls(self, stmt: ast.stmt) -> List[ast.Call]:
        """What ``ctx.pop()`` pops (``ctx`` bound to a context call)."""
        if not (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call)):
            return []
        func = stmt.value.func
        if isinstance(func, ast.Attribute) and func.attr == "pop" and isinstance(func.value, ast.Name):
            return self.context_calls(func.value)
        return []

    def _find_context_imports(self, body: List[ast.stmt], pushed: Optional[Value]) -> None:
        """Record the imports a statement list runs inside an app context:
        under ``with app.app_context():``, or after ``app.app_context().push()``
        (also ``ctx = app.app_context()``, ``ctx.push()``) until ``pop()``.
        A def's body runs later, in its caller's context: not counted.  A
        light model (a file that never mentions Flask: ``wsgi.py`` pushing
        the context of ``create_app()``) knows the names of its module level
        only: its defs and classes are not read."""

        def owner_of(calls: List[ast.Call]) -> Optional[Value]:
            return next((o for o in map(self._app_context_owner, calls) if o is not None), None)

        for stmt in body:
            if isinstance(stmt, (ast.Import, ast.ImportFrom)):
                if pushed is not None:
                    self.context_imports.append(ContextImport(stmt, pushed, self.import_targets(stmt)))
            elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                if not self.light:
                    self._find_context_imports(stmt.body, pushed if isinstance(stmt, ast.ClassDef) else None)
            elif isinstance(stmt, ast.Expr):
                owner = owner_of(self.pushed_calls(stmt))
                if owner is not None:
                    pushed = owner
                elif owner_of(self.popped_calls(stmt)) is not None:
                    pushed = None
            elif isinstance(stmt, (ast.With, ast.AsyncWith)):
                inner = pushed
                for item in stmt.items:
                    inner = owner_of(self.context_calls(item.context_expr)) or inner
                self._find_context_imports(stmt.body, inner)
            else:
                for attr in ("body", "orelse", "finalbody"):
                    children = getattr(stmt, attr, None)
                    if isinstance(children, list):
                        self._find_context_imports(children, pushed)
                for part in list(getattr(stmt, "handlers", ())) + list(getattr(stmt, "cases", ())):
                    self._find_context_imports(part.body, pushed)

    def _app_context_owner(self, expr: ast.expr) -> Optional[Value]:
        """The value of ``X`` in ``X.app_context()`` (None: not such a call)."""
        if (
            isinstance(expr, ast.Call)
            and isinstance(expr.func, ast.Attribute)
            and expr.func.attr == "app_context"
            and not expr.args
            and not expr.keywords
        ):
            owner = self.value(expr.func.value)
            return None if owner == UNKNOWN else owner
        return None

    def _import_time_owner(self, owner: Value, scope: Scope) -> Value:
        """``current_app`` at module level is the app in whose context the
        module is imported: ``("ctx", module)``, which the index evaluates
        (see ``ProjectIndex.context_app``).  Inside a function it is whatever
        app is current when the function runs: left as it is."""
        if owner == _CURRENT_APP and scope is self.module_scope:
            return ("ctx", self.module)
        return owner

    def loop_rows(
        self, call: ast.Call, scope: Scope, written: List[Optional[ast.expr]]
    ) -> Optional[List[List[Optional[ast.expr]]]]:
        """Views registered from data: for a call in the body of ``for rule,
        endpoint, view in ROWS:`` over a literal list or tuple of tuples (or
        ``for rule, view in ROUTES.items()`` over a literal dict), directly or
        through a name bound once, ``written`` (the call's arguments) as each
        row gives them: a loop variable becomes the row's element, anything
        else stays.  None when no argument is such a loop variable or the
        data is not literal."""
        loop: Optional[ast.AST] = None
        picks: List[Optional[int]] = []
        width = 0
        for expr in written:
            pick: Optional[int] = None
            if isinstance(expr, ast.Name):
                found = self.lookup(expr.id, scope)
                # Bound by a loop of this very scope around the call (not a
                # closure's late binding), and nowhere else inside that loop.
                unpacked = self._enclosing_unpack(call, found[1]) if found is not None and found[0] is scope else None
                if unpacked is not None:
                    if loop is not None and unpacked[0] is not loop:
                        return None
                    loop, pick, width = unpacked
            picks.append(pick)
        if loop is None or not isinstance(loop, (ast.For, ast.AsyncFor)):
            return None
        rows = self._literal_rows(loop.iter, scope, width)
        if rows is None:
            return None
        return [[row[pick] if pick is not None else expr for pick, expr in zip(picks, written)] for row in rows]

    def _enclosing_unpack(self, call: ast.Call, bindings: List[Binding]) -> Optional[Tuple[ast.AST, int, int]]:
        chosen: Optional[Tuple[ast.AST, int, int]] = None
        for binding in bindings:
            unpacked = self._unpacked.get(id(binding))
            if unpacked is not None and _inside(call, unpacked[0]):
                if chosen is not None:
                    return None
                chosen = unpacked
        if chosen is None:
            return None
        for binding in bindings:
            if self._unpacked.get(id(binding)) is chosen:
                continue
            where = self._unpacked[id(binding)][0] if id(binding) in self._unpacked else binding.node
            if where is None or not hasattr(where, "lineno") or _inside(where, chosen[0]):
                return None  # rebound inside the loop, or somewhere unknown
        return chosen

    def _literal_rows(self, iterable: ast.expr, scope: Scope, width: int) -> Optional[List[List[ast.expr]]]:
        items = False
        if isinstance(iterable, ast.Call) and isinstance(iterable.func, ast.Attribute) and not iterable.args:
            items = iterable.func.attr == "items"
            if not items:
                return None
            iterable = iterable.func.value
        for _ in range(3):  # a name bound once to the literal (ROUTES = [...])
            if not isinstance(iterable, ast.Name):
                break
            found = self.lookup(iterable.id, scope)
            if found is None or len(found[1]) != 1 or found[1][0].kind != "assign" or found[1][0].node is None:
                return None
            scope, iterable = found[0], found[1][0].node  # type: ignore[assignment]
        if items:
            if not isinstance(iterable, ast.Dict) or width != 2 or any(k is None for k in iterable.keys):
                return None
            return [[k, v] for k, v in zip(iterable.keys, iterable.values) if k is not None]
        if not isinstance(iterable, (ast.List, ast.Tuple)):
            return None
        rows: List[List[ast.expr]] = []
        for element in iterable.elts:
            if (
                not isinstance(element, (ast.Tuple, ast.List))
                or len(element.elts) != width
                or any(isinstance(e, ast.Starred) for e in element.elts)
            ):
                return None
            rows.append(list(element.elts))
        return rows

    def _local_def(self, node: Optional[ast.AST], scope: Scope) -> Optional[ast.AST]:
        """The def or class statement in this file that ``node`` names."""
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "as_view":
            return self._local_def(node.func.value, scope)
        if isinstance(node, ast.Name):
            found = self.lookup(node.id, scope)
            if found:
                _, bindings = found
                if len(bindings) == 1 and bindings[0].kind in ("def", "class"):
                    return bindings[0].node
        if isinstance(node, ast.Attribute) and type(node.value) is ast.Name:
            method = self.method_def(self.value(node, scope))  # ``self.index``: the method, bound
            if method is not None:
                self._bound.add(id(method))
            return method
        return None

    # ---------------------------------------------------------- for checkers

    def function_info(self, node: ast.AST) -> Optional[FunctionInfo]:
        return self.functions.get(id(node))

    def unbound_method(self, info: FunctionInfo) -> bool:
        """A method never registered through its instance (``self.on_error``,
        called bound, so its first parameter is no error or URL variable):
        rules that read a handler's or view's parameters cannot tell what
        Flask passes it."""
        return info.class_node is not None and id(info.node) not in self._bound

    def function_by_qualname(self, qualname: str) -> Optional[FunctionInfo]:
        for info in self.functions.values():
            if info.qualname == qualname:
                return info
        return None

    def class_views(self, is_view_class: Callable[[Value], bool]) -> Iterator[Tuple[ast.ClassDef, FunctionNode]]:
        """HTTP-method handlers of class-based views and Resources."""
        for class_node, scope in self.classes.values():
            if not any(is_view_class(self.value(base, scope.parent or self.module_scope)) for base in class_node.bases):
                continue
            for item in class_node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and (
                    item.name.upper() in _VIEW_METHOD_NAMES or item.name == "dispatch_request"
                ):
                    yield class_node, item

    def walk_function(self, func: FunctionNode, into_nested: bool = False) -> Iterator[ast.AST]:
        """Nodes of a function body, not descending into nested defs/classes/lambdas.

        Rules walk the same functions many times: the nodes are listed once
        per function and model."""
        key = (id(func), into_nested)
        hit = self._walks.get(key)
        if hit is None or hit[0] is not func:
            hit = self._walks[key] = (func, self._walk_function(func, into_nested))
        return iter(hit[1])

    def tests_content_type(self, test: ast.expr) -> bool:
        """A condition on the request's content type (``request.is_json``,
        ``request.mimetype == ...``, ``request.headers.get("Content-Type")``)."""
        headers = False
        for node in ast.walk(test):
            if isinstance(node, ast.Attribute):
                qual = self.qualname(node)
                if qual in _CONTENT_TYPE_ATTRS:
                    return True
                headers = headers or qual == "flask.request.headers"
        return headers and any(
            isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.lower() == "content-type"
            for node in ast.walk(test)
        )

    def guarded_by(self, func: FunctionNode, is_guard: Callable[[ast.expr], bool]) -> Set[int]:
        """ids of the nodes of ``func`` (not nested defs) that run only as a
        test ``is_guard`` accepts decides: both branches of an ``if``,
        ``while`` or conditional expression on it, the operands of ``and`` /
        ``or`` after it, and the statements after an ``if`` on it whose body
        always leaves (``if not request.is_json: abort(415)``)."""
        out: Set[int] = set()

        def mark(nodes: List[ast.AST]) -> None:
            for node in nodes:
                out.add(id(node))
                out.update(id(n) for n in ast.walk(node) if n is not node)

        for node in self.walk_function(func):
            if isinstance(node, (ast.If, ast.While, ast.IfExp)) and is_guard(node.test):
                mark(list(node.body) if isinstance(node.body, list) else [node.body])
                mark(list(node.orelse) if isinstance(node.orelse, list) else [node.orelse])
            elif isinstance(node, ast.BoolOp):
                for position, operand in enumerate(node.values):
                    if is_guard(operand):
                        mark(list(node.values[position + 1:]))
                        break
            for block in ("body", "orelse", "finalbody"):
                stmts = getattr(node, block, None)
                if type(stmts) is not list:
                    continue
                for position, stmt in enumerate(stmts):
                    if isinstance(stmt, ast.If) and is_guard(stmt.test) and self._leaves(stmt.body):
                        mark(list(stmts[position + 1:]))
                        break
        for position, stmt in enumerate(func.body):
            if isinstance(stmt, ast.If) and is_guard(stmt.test) and self._leaves(stmt.body):
                mark(list(func.body[position + 1:]))
                break
        return out

    def _leaves(self, body: List[ast.stmt]) -> bool:
        last = body[-1] if body else None
        if isinstance(last, (ast.Return, ast.Raise, ast.Continue, ast.Break)):
            return True
        return isinstance(last, ast.Expr) and self.call_qualname(last.value) in ("flask.abort", "sys.exit")

    def _walk_function(self, func: FunctionNode, into_nested: bool) -> List[ast.AST]:
        # Pre-order, children in field order: built as a list (no generator).
        out: List[ast.AST] = []
        stack: List[ast.AST] = list(reversed(func.body))
        stop = frozenset() if into_nested else _NESTED_DEFS
        while stack:
            node = stack.pop()
            out.append(node)
            if type(node) in stop:
                continue
            children = child_nodes(node)
            if children:
                children.reverse()
                stack += children
        return out


_NESTED_DEFS = frozenset({ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda})


def walk_nodes(node: ast.AST) -> List[ast.AST]:
    """``list(ast.walk(node))``, in the same order, without its generators
    and deque: for the facts that walk whole modules."""
    out: List[ast.AST] = [node]
    position = 0
    while position < len(out):
        out += child_nodes(out[position])
        position += 1
    return out


def child_nodes(node: ast.AST) -> List[ast.AST]:
    """``list(ast.iter_child_nodes(node))``, without its generators."""
    out: List[ast.AST] = []
    for name in node._fields:
        value = getattr(node, name, None)
        if type(value) is list:  # a loop, not a comprehension: most lists are short
            for item in value:
                if isinstance(item, ast.AST):
                    out.append(item)
        elif isinstance(value, ast.AST):
            out.append(value)
    return out


# Decorators that keep a method's def its value on the instance (the first
# parameter of a staticmethod is no instance; a classmethod's is the class).
_NOT_BOUND = frozenset({"builtins.staticmethod", "builtins.classmethod"})
def _is_none_default(binding: Binding) -> bool:
    """``app = None`` in a class body: a default that ``__init__`` replaces."""
    return binding.kind == "assign" and isinstance(binding.node, ast.Constant) and binding.node.value is None


# Calls that may store any attribute on the instance they are given.
_INSTANCE_WRITERS = frozenset({"builtins.setattr", "builtins.delattr", "builtins.vars"})
_VIEW_METHOD_NAMES = frozenset({"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"})
_BUILTIN_NAMES = frozenset(dir(__import__("builtins")))
_NON_FLASK_FRAMEWORKS = ("fastapi", "starlette", "quart", "sanic", "bottle", "aiohttp", "django", "litestar", "typer", "click")


def _is_external_non_flask(value: Value) -> bool:
    """Objects of other web frameworks share method names such as ``route``."""
    root = value
    while root[0] in ("new", "m", "elt"):
        root = root[1]
    return root[0] == "q" and root[1].split(".", 1)[0] in _NON_FLASK_FRAMEWORKS


def _carries_object(value: Value) -> bool:
    kind = value[0]
    if kind in ("p", "new"):
        return True
    if kind == "q":
        return not value[1].startswith("builtins.")
    return False


def known_class_kind(qualname: str) -> Optional[str]:
    """app / blueprint / api / namespace / view for known third-party classes."""
    if qualname in APP_CLASSES:
        return "app"
    if qualname in BLUEPRINT_CLASSES:
        return "blueprint"
    if qualname in API_CLASSES:
        return "api"
    if qualname in NAMESPACE_CLASSES:
        return "namespace"
    if qualname in VIEW_BASE_CLASSES:
        return "view"
    return None


# --------------------------------------------------------------------------
# The walk
# --------------------------------------------------------------------------


class _Walker:
    """One pass over the tree: scopes, bindings, functions, classes, calls."""

    def __init__(self, model: FlaskModel) -> None:
        self.model = model
        self.package = model.module if model.is_package else model.module.rpartition(".")[0]
        self._current_functions: List[FunctionInfo] = []
        self.light = model.light

    def run(self) -> None:
        for stmt in self.model.tree.body:
            self.visit(stmt, self.model.module_scope, False)

    def _aliased(self, dotted: str) -> str:
        return self.model.aliased(dotted)

    def _absolute(self, module: Optional[str], level: int) -> str:
        if level == 0:
            return module or ""
        parts = self.package.split(".") if self.package else []
        if level > 1:
            parts = parts[: max(0, len(parts) - (level - 1))]
        base = ".".join(parts)
        if module:
            return f"{base}.{module}" if base else module
        return base

    def bind_target(self, target: ast.AST, scope: Scope, binding: Binding) -> None:
        if isinstance(target, ast.Name):
            owner = self.model.module_scope if target.id in scope.global_names else scope
            owner.bind(target.id, binding)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self.bind_target(element, scope, Binding("other"))
        elif isinstance(target, ast.Starred):
            self.bind_target(target.value, scope, Binding("other"))

    def _note_unpacked(self, loop: ast.AST, scope: Scope) -> None:
        """Remember which loop and tuple position bound each plain name of
        ``for a, b in ...`` (the bindings are the ones bind_target just made)."""
        target = loop.target  # type: ignore[attr-defined]
        width = len(target.elts)
        for position, element in enumerate(target.elts):
            if isinstance(element, ast.Name):
                owner = self.model.module_scope if element.id in scope.global_names else scope
                bindings = owner.bindings.get(element.id)
                if bindings:
                    self.model._unpacked[id(bindings[-1])] = (loop, position, width)

    def visit(self, node: ast.AST, scope: Scope, in_loop: bool) -> None:
        model = self.model
        if self.light and not isinstance(node, _LIGHT_NODES):
            return
        # Fast paths for the most frequent nodes (exact types: ast.parse makes
        # no subclasses).  A type handled by a branch below must never be in
        # _PLAIN_NODES: tests/test_model_walk.py checks the two walks agree.
        kind = type(node)
        if kind is ast.Name:
            model._name_scope[id(node)] = scope
            return
        if kind is ast.Attribute:  # its one child that matters, without the field loop
            value = node.value  # type: ignore[attr-defined]
            if type(value) is ast.Name:
                model._name_scope[id(value)] = scope
            else:
                self.visit(value, scope, in_loop)
            return
        if kind in _PLAIN_NODES:
            self._visit_children(node, scope, in_loop)
            return
        if kind is ast.Call:
            model.calls.append((cast(ast.Call, node), scope, in_loop))
            self._visit_children(node, scope, in_loop)
            return
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for decorator in node.decorator_list:
                self.visit(decorator, scope, in_loop)
            self._visit_arguments_defaults(node.args, scope, in_loop)
            if node.returns is not None:
                self.visit(node.returns, scope, in_loop)
            qualname = f"{scope.qualname}.{node.name}"
            inner = Scope("function", node, scope, qualname)
            self._bind_params(node.args, inner)
            class_node = scope.node if scope.kind == "class" else None
            info = FunctionInfo(node, inner, qualname, class_node)  # type: ignore[arg-type]
            model.functions[id(node)] = info
            self.bind_target(ast.Name(id=node.name), scope, Binding("def", node))
            if self.light:
                return
            self._current_functions.append(info)
            for stmt in node.body:
                self.visit(stmt, inner, False)
            self._current_functions.pop()
            return
        if isinstance(node, ast.ClassDef):
            for decorator in node.decorator_list:
                self.visit(decorator, scope, in_loop)
            for base in node.bases:
                self.visit(base, scope, in_loop)
            for kw in node.keywords:
                self.visit(kw.value, scope, in_loop)
            qualname = f"{scope.qualname}.{node.name}"
            inner = Scope("class", node, scope, qualname)
            model.classes[id(node)] = (node, inner)
            model.class_by_qualname[qualname] = node
            self.bind_target(ast.Name(id=node.name), scope, Binding("class", node))
            for stmt in node.body:
                self.visit(stmt, inner, False)
            return
        if isinstance(node, ast.Lambda):
            self._visit_arguments_defaults(node.args, scope, in_loop)
            inner = Scope("lambda", node, scope, f"{scope.qualname}.<lambda>")
            self._bind_params(node.args, inner)
            self.visit(node.body, inner, in_loop)
            return
        if isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
            inner = Scope("comprehension", node, scope, scope.qualname)
            first = True
            for generator in node.generators:
                # The first iterable is evaluated in the enclosing scope.
                self.visit(generator.iter, scope if first else inner, in_loop)
                first = False
                self.bind_target(generator.target, inner, Binding("for", generator.iter))
                self.visit(generator.target, inner, in_loop)
                for condition in generator.ifs:
                    self.visit(condition, inner, in_loop)
            if isinstance(node, ast.DictComp):
                self.visit(node.key, inner, in_loop)
                self.visit(node.value, inner, in_loop)
            else:
                self.visit(node.elt, inner, in_loop)
            return
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    scope.bind(alias.asname, Binding("import", qualname=self._aliased(alias.name)))
                else:
                    top = alias.name.split(".", 1)[0]
                    scope.bind(top, Binding("import", qualname=self._aliased(top)))
            return
        if isinstance(node, ast.ImportFrom):
            source_module = self._absolute(node.module, node.level)
            if not node.level:
                source_module = self._aliased(source_module)
            for name_alias in node.names:
                if name_alias.name == "*":
                    if scope is self.model.module_scope and source_module:
                        self.model.star_imports.append(source_module)  # names the index looks up there
                    continue
                qual = f"{source_module}.{name_alias.name}" if source_module else name_alias.name
                scope.bind(name_alias.asname or name_alias.name, Binding("import", qualname=qual))
            return
        if isinstance(node, (ast.Global, ast.Nonlocal)):
            if isinstance(node, ast.Global) and scope is not self.model.module_scope:
                # `global x` at module level is legal and means nothing: recording
                # it would send lookup() from the module scope back to itself
                scope.global_names.update(node.names)
            return
        if isinstance(node, ast.Assign):
            self.visit(node.value, scope, in_loop)
            for target in node.targets:
                self.bind_target(target, scope, Binding("assign", node.value))
                self.visit(target, scope, in_loop)
            return
        if isinstance(node, ast.AnnAssign):
            if node.value is not None:
                self.visit(node.value, scope, in_loop)
                self.bind_target(node.target, scope, Binding("assign", node.value))
            elif scope.kind != "class" and isinstance(node.target, ast.Name):
                scope.bind(node.target.id, Binding("other"))
            self.visit(node.annotation, scope, in_loop)
            self.visit(node.target, scope, in_loop)
            return
        if isinstance(node, ast.NamedExpr):
            self.visit(node.value, scope, in_loop)
            owner = scope
            while owner.kind == "comprehension" and owner.parent is not None:
                owner = owner.parent
            self.bind_target(node.target, owner, Binding("assign", node.value))
            return
        if isinstance(node, ast.AugAssign):
            self.bind_target(node.target, scope, Binding("other"))
        elif isinstance(node, (ast.For, ast.AsyncFor)):
            self.visit(node.iter, scope, in_loop)
            self.bind_target(node.target, scope, Binding("for", node.iter))
            if isinstance(node.target, (ast.Tuple, ast.List)):
                self._note_unpacked(node, scope)
            self.visit(node.target, scope, in_loop)
            for stmt in node.body:
                self.visit(stmt, scope, True)
            for stmt in node.orelse:
                self.visit(stmt, scope, in_loop)
            return
        elif isinstance(node, ast.While):
            self.visit(node.test, scope, in_loop)
            for stmt in node.body:
                self.visit(stmt, scope, True)
            for stmt in node.orelse:
                self.visit(stmt, scope, in_loop)
            return
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                if item.optional_vars is not None:
                    self.bind_target(item.optional_vars, scope, Binding("other"))
        elif isinstance(node, ast.ExceptHandler):
            if node.name:
                scope.bind(node.name, Binding("other"))
        elif isinstance(node, ast.Delete):
            for target in node.targets:
                self.bind_target(target, scope, Binding("other"))
        elif isinstance(node, ast.Return):
            if self._current_functions:
                self._current_functions[-1].returns.append(node)
        elif isinstance(node, (ast.Yield, ast.YieldFrom)):
            if self._current_functions:
                self._current_functions[-1].is_generator = True
        elif _MATCH_AS is not None and isinstance(node, _MATCH_AS):  # pragma: no cover - 3.10+
            name = getattr(node, "name", None)
            if name:
                scope.bind(name, Binding("other"))
        self._visit_children(node, scope, in_loop)

    def _visit_children(self, node: ast.AST, scope: Scope, in_loop: bool) -> None:
        """``visit`` every child (``ast.iter_child_nodes`` order), skipping
        leaves that carry nothing (contexts, operators, constants)."""
        visit = self.visit
        # A Name child is recorded here, as visit() would (the most frequent node).
        name_scope = None if self.light else self.model._name_scope
        for name in node._fields:
            value = getattr(node, name, None)
            if isinstance(value, list):
                for item in value:
                    if type(item) is ast.Name:
                        if name_scope is not None:
                            name_scope[id(item)] = scope
                    elif isinstance(item, ast.AST) and type(item) not in _LEAF_NODES:
                        visit(item, scope, in_loop)
            elif isinstance(value, ast.AST):
                kind = type(value)
                if kind is ast.Name:
                    if name_scope is not None:
                        name_scope[id(value)] = scope
                elif kind not in _LEAF_NODES:
                    visit(value, scope, in_loop)

    def _visit_arguments_defaults(self, args: ast.arguments, scope: Scope, in_loop: bool) -> None:
        for default in list(args.defaults) + [d for d in args.kw_defaults if d is not None]:
            self.visit(default, scope, in_loop)
        for arg in args.posonlyargs + args.args + args.kwonlyargs + [a for a in (args.vararg, args.kwarg) if a]:
            if arg.annotation is not None:
                self.visit(arg.annotation, scope, in_loop)

    def _bind_params(self, args: ast.arguments, scope: Scope) -> None:
        positional = args.posonlyargs + args.args
        for arg in positional + args.kwonlyargs + [a for a in (args.vararg, args.kwarg) if a]:
            scope.bind(arg.arg, Binding("param"))
        scope.params = [a.arg for a in positional]


_MATCH_AS: Optional[type] = getattr(ast, "MatchAs", None)
# Expressions FlaskModel.value() always finds UNKNOWN (no branch in _value).
_VALUELESS = frozenset(
    {
        ast.Constant, ast.JoinedStr, ast.BinOp, ast.BoolOp, ast.Compare, ast.UnaryOp, ast.Lambda, ast.IfExp,
        ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp,
    }
)
# Nodes the walk only descends through (no branch in _Walker.visit), and
# leaves it can skip (no children, nothing to record).
_PLAIN_NODES = frozenset(
    {
        ast.Expr, ast.Attribute, ast.Constant, ast.keyword, ast.BinOp, ast.BoolOp, ast.Compare, ast.UnaryOp,
        ast.Subscript, ast.Slice, ast.Dict, ast.List, ast.Tuple, ast.Set, ast.Starred, ast.JoinedStr,
        ast.FormattedValue, ast.IfExp, ast.If, ast.Raise, ast.Assert, ast.Pass, ast.Break, ast.Continue,
        ast.Await, ast.Try, ast.withitem,
    }
)
_LEAF_NODES = frozenset(
    leaf for base in (ast.expr_context, ast.operator, ast.boolop, ast.cmpop, ast.unaryop) for leaf in base.__subclasses__()
) | {ast.Constant}
# What a light walk visits: bindings and the statements that hold them.
_LIGHT_NODES = (
    ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Import, ast.ImportFrom, ast.Assign,
    ast.AnnAssign, ast.If, ast.Try, ast.With, ast.Global, ast.For,
) + tuple(t for t in (getattr(ast, "TryStar", None),) if t is not None)

__all__ = [
    "FlaskModel",
    "Value",
    "UNKNOWN",
    "View",
    "RouteReg",
    "HandlerReg",
    "HookReg",
    "BlueprintReg",
    "Creation",
    "CallFact",
    "FunctionInfo",
    "call_arg",
    "node_key",
    "known_class_kind",
]
