"""The application's URL map, read from the code (the ``flask-lint routes``
command prints it; rules that need an app's full URLs read it too).

Like ``flask routes``, without importing the application: the map is built
from the project index (:mod:`flask_lint.index`), following what Flask does
when the code runs:

* the ``static`` route that ``Flask(...)`` adds unless ``static_folder=None``
  (``<static_url_path>/<path:filename>``), and a blueprint's own
  ``bp.static`` route when it has a ``static_folder``;
* blueprint prefixes: ``register_blueprint(url_prefix=...)`` wins over
  ``Blueprint(url_prefix=...)``; nested blueprints join their prefixes and
  their names (``parent.child.view``); ``name=`` renames a registration;
* methods: ``methods=`` or the shortcut's method (``bp.post``), else the view
  class's ``methods`` (a ``MethodView``'s handlers), else ``GET``; then
  ``OPTIONS`` unless ``provide_automatic_options=False`` and ``HEAD``
  wherever ``GET`` is;
* endpoints: ``endpoint=``, else the view function's name (``as_view("name")``
  for class-based views), qualified by the blueprint's name.

What the code does not say (a rule built at run time, a blueprint found by
``importlib``, routes added by extensions) is left out and named in a note,
never guessed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Dict, Iterator, List, Optional, Set, Tuple

from .index import NOTHING, PER_CALL, Obj, ProjectIndex, made_by
from .names import APP_CLASSES, ROUTE_SHORTCUTS

_HTTP_FUNCS = ("get", "post", "head", "options", "delete", "put", "trace", "patch")
_METHOD_VIEW_BASES = frozenset({"flask.views.MethodView", "apiflask.views.MethodView", "apiflask.MethodView"})
_MAX_DEPTH = 20


@dataclass(frozen=True)
class Route:
    """One rule of the URL map (the fields of ``--format json``)."""

    rule: str
    methods: Optional[List[str]]  # None when the code does not say
    endpoint: str
    view: Optional[str]  # dotted name of the view function or class
    location: Optional[str]  # "path:line" of the view's def / class
    blueprint: Optional[str]  # dotted name of the (nested) blueprint
    url_prefix: Optional[str]
    app: str  # how ``flask --app`` would name the app: "pkg:create_app()"


# A route with the registration that made it: the module and its summary
# fact (None for the static routes Flask adds itself).
PlacedRoute = Tuple[Route, Optional[str], Optional[tuple]]


@dataclass
class _State:
    """Flask's BlueprintSetupState for one registration of a blueprint."""

    name: str  # dotted, nested names included
    url_prefix: Optional[str]
    depth: int


class RouteMapper:
    """Builds the URL map of every app in a project index."""

    def __init__(self, index: ProjectIndex, display_root: Optional[str] = None) -> None:
        self.index = index
        self.display_root = display_root or os.getcwd()
        self.notes: List[str] = []
        self.unlisted = 0  # notes about routes left out because the code does not say them
        self._imported: Optional[Set[str]] = None
        self._paths: Dict[str, str] = {}
        for rel in sorted(index.by_path, reverse=True):
            self._paths[index.by_path[rel]["module"]] = rel

    # ------------------------------------------------------------- public

    def apps(self) -> List[Tuple[str, str, int]]:
        """(key, module, line) of every app created in the project."""
        return list(self.index.objects("app"))

    def routes(self, app_key: str, module: str, line: int) -> List[Route]:
        return [route for route, _module, _fact in self.placed_routes(app_key, module, line)]

    def placed_routes(self, app_key: str, module: str, line: int) -> List[PlacedRoute]:
        """The app's routes, each with the registration that made it."""
        app = ("app", app_key)
        spec = self.app_spec(app_key, module, line)
        start = spec.split(":", 1)[0]
        self._imported = self._imported_with({start, module})
        out: List[PlacedRoute] = []
        args = self._ctor_args(module, app_key)
        callee = self._ctor_callee(module, app_key)
        if callee and callee not in APP_CLASSES:
            self._note(module, line, f"{callee} may add routes of its own that are not listed")
        static = self._static_rule(args, default_folder="static", folder_pos="2", url_pos="1", where=(module, line))
        if static is not None:
            out.append((Route(static, ["GET", "HEAD", "OPTIONS"], "static", None, None, None, None, spec), None, None))
        self._collect(app, _State("", None, 0), spec, out, {app})
        return out

    def app_spec(self, key: str, module: str, line: int) -> str:
        """``module:name`` or ``module:factory()``, as ``flask --app`` takes it.

        A module-level name bound to the app where it is made (``app =
        Flask(...)``, or ``app = create_app()`` in a ``wsgi.py``) wins over
        the factory; test modules come last."""
        target = ("app", key)
        candidates = []
        for name_module, summary in self.index.modules.items():
            for name, value in summary.get("exports", {}).items():
                if isinstance(value, tuple) and value[:1] in (("new",), ("m",), ("q",)) and self.index.evaluate(value) == target:
                    rank = (name_module != module, "test" in name_module, name_module.count("."), name_module, name)
                    candidates.append((rank, f"{name_module}:{name}"))
        if candidates:
            return min(candidates)[1]
        for qual in sorted(self.index.functions):
            owner, info = self.index.functions[qual]
            local = qual[len(owner) + 1 :]
            if not qual.startswith(owner + ".") or "." in local:
                continue
            if any(self.index.evaluate(value) == target for value in info.get("returns", ())):
                return f"{owner}:{local}()"
        return f"{module}:{line}"

    # ---------------------------------------------------------- internals

    def _note(self, module: str, line: int, text: str) -> None:
        if "not listed" in text:
            self.unlisted += 1
        note = f"{self._location(module, line)}: {text}"
        if note not in self.notes:
            self.notes.append(note)

    def _location(self, module: str, line: int) -> str:
        rel = self._paths.get(module)
        if rel is None:
            return f"{module}:{line}"
        path = os.path.relpath(os.path.join(self.index.root, rel), self.display_root)
        return f"{path}:{line}"

    def _ctor_args(self, module: str, key: str) -> Dict[str, Any]:
        key = made_by(key)
        created_in = key.rsplit(":", 2)[0]
        summary = self.index.modules.get(created_in) or self.index.modules.get(module, {})
        args = summary.get("ctor_args", {}).get(key)
        return dict(args) if isinstance(args, dict) else {}

    def _ctor_callee(self, module: str, key: str) -> Optional[str]:
        key = made_by(key)
        created_in = key.rsplit(":", 2)[0]
        summary = self.index.modules.get(created_in) or self.index.modules.get(module, {})
        for fact in summary.get("creations", ()):
            if fact[0] == key:
                obj = self.index.evaluate(fact[1])
                if obj[0] == "external":
                    return str(obj[1])
                if obj[0] == "class":
                    bases = self.index.base_qualnames(obj[1])
                    return next((b for b in bases if b in APP_CLASSES), None)
        return None

    def _static_rule(
        self, args: Dict[str, Any], default_folder: Optional[str], folder_pos: str, url_pos: str, where: Tuple[str, int]
    ) -> Optional[str]:
        folder = args.get("static_folder", args.get(folder_pos, default_folder))
        url_path = args.get("static_url_path", args.get(url_pos))
        if folder is None:
            return None
        if not isinstance(folder, str) or (url_path is not None and not isinstance(url_path, str)):
            self._note(*where, "static_folder or static_url_path is not a literal; its static route is not listed")
            return None
        if url_path is None:
            url_path = f"/{os.path.basename(folder.rstrip('/'))}".rstrip("/")
        return f"{url_path}/<path:filename>"

    def _imported_with(self, start: Set[str]) -> Optional[Set[str]]:
        """The project modules that importing ``start`` imports (packages
        above a module included), or None when a dynamic import could import
        any of them."""
        seen: Set[str] = set()
        stack = sorted(start)
        while stack:
            name = stack.pop()
            if name in seen:
                continue
            seen.add(name)
            parts = name.split(".")
            stack.extend(".".join(parts[:i]) for i in range(1, len(parts)))
            summary = self.index.modules.get(name)
            if summary is None:
                continue
            if summary.get("dynamic"):
                return None
            stack.extend(m for m in summary.get("imports", ()) if m in self.index.modules or "." in m)
        return {m for m in seen if m in self.index.modules}

    def _facts(self, obj: Obj, kind: str) -> Iterator[Tuple[str, tuple]]:
        seen: Set[Tuple[Any, ...]] = set()
        for module, fact in self.index.registrations_on(obj).get(kind, ()):
            key = (module, fact[1], fact[2], fact[3], fact[5] if len(fact) > 5 else None, repr(fact[4]))
            if key in seen:
                continue
            seen.add(key)
            if self._imported is not None and module not in self._imported:
                self._note(module, fact[5] if kind == "routes" else fact[4], "not imported when the app is built; left out")
                continue
            yield module, fact

    def _collect(self, obj: Obj, state: _State, spec: str, out: List[PlacedRoute], path: Set[Obj]) -> None:
        for module, fact in self._facts(obj, "routes"):
            route = self._route(module, fact, state, spec)
            if route is not None:
                out.append((route, module, fact))
        for module, fact in self._facts(obj, "bp_regs"):
            arg = self.index.blueprint_arg(fact[1])
            children, unresolved = arg.keys, not arg.complete or arg.external
            if unresolved:
                self._note(module, fact[4], "a blueprint registered here could not be resolved; its routes are not listed")
            for child_key in children:
                child = ("blueprint", child_key)
                if child in path or state.depth >= _MAX_DEPTH:
                    continue
                child_state = self._register(module, fact, child_key, state)
                if child_state is None:
                    continue
                child_args = self._ctor_args(module, child_key)
                where = self._creation_site(child_key)
                static = self._static_rule(child_args, None, "2", "3", where)
                if static is not None:
                    route = Route(
                        _join(child_state.url_prefix, static),
                        ["GET", "HEAD", "OPTIONS"],
                        f"{child_state.name}.static",
                        None,
                        None,
                        child_state.name,
                        child_state.url_prefix,
                        spec,
                    )
                    out.append((route, None, None))
                self._collect(child, child_state, spec, out, path | {child})

    def _creation_site(self, key: str) -> Tuple[str, int]:
        # a blueprint a factory builds per call is where the factory is called
        module, line, _col = key.rpartition(PER_CALL)[2].rsplit(":", 2)
        return module, int(line) if line.isdigit() else 0

    def _register(self, module: str, fact: tuple, child_key: str, parent: _State) -> Optional[_State]:
        """Flask's Blueprint.register: the child's name and url_prefix."""
        args = self._ctor_args(module, child_key)
        keywords = fact[5] if len(fact) > 5 else ()
        where = self._creation_site(child_key)
        bp_name = args.get("name", args.get("0"))
        if not isinstance(bp_name, str):
            self._note(*where, "the blueprint's name is not a literal; its routes are not listed")
            return None
        own_prefix = args.get("url_prefix", args.get("5"))
        if own_prefix is not None and not isinstance(own_prefix, str):
            self._note(*where, "the blueprint's url_prefix is not a literal; its routes are not listed")
            return None
        if "**" in keywords or ("url_prefix" in keywords and fact[3] is None) or ("name" in keywords and fact[2] is None):
            self._note(module, fact[4], "register_blueprint() options are not literals; the blueprint's routes are not listed")
            return None
        option_prefix: Optional[str] = fact[3]
        name = f"{parent.name}.{fact[2] or bp_name}".lstrip(".")
        if parent.depth == 0:
            prefix = option_prefix if option_prefix is not None else own_prefix
        else:
            bp_prefix = option_prefix if option_prefix is not None else own_prefix
            if parent.url_prefix is not None and bp_prefix is not None:
                prefix = parent.url_prefix.rstrip("/") + "/" + bp_prefix.lstrip("/")
            elif bp_prefix is not None:
                prefix = bp_prefix
            else:
                prefix = parent.url_prefix
        return _State(name, prefix, parent.depth + 1)

    def _route(self, module: str, fact: tuple, state: _State, spec: str) -> Optional[Route]:
        method, rule, endpoint, view_value, line = fact[1], fact[2], fact[3], fact[4], fact[5]
        extra = list(fact[7:11]) + [None] * (11 - len(fact))
        methods_fact, view_name, endpoint_dynamic, automatic = extra[0], extra[1], extra[2], extra[3]
        if method == "add_resource":
            self._note(module, line, "resources added through an Api object are not listed")
            return None
        if not isinstance(rule, str):
            self._note(module, line, "the URL rule is not a literal string; this route is not listed")
            return None
        view_obj = self._view_object(view_value)
        view_qual, location, class_methods = self._view_facts(view_obj)
        # Methods, as Flask.add_url_rule and werkzeug's Rule compute them.
        methods: Optional[Set[str]]
        if method in ROUTE_SHORTCUTS:
            methods = {method.upper()}
        elif methods_fact == "?":
            methods = None
        elif methods_fact is not None:
            methods = {m.upper() for m in methods_fact}
        elif class_methods == "?":
            methods = None
        else:
            methods = set(class_methods) if class_methods else {"GET"}
        if methods is None:
            self._note(module, line, "methods= is not a literal list; the route's methods are not listed")
        else:
            if automatic is not False and "OPTIONS" not in methods:
                methods.add("OPTIONS")
            if "GET" in methods:
                methods.add("HEAD")
        # Endpoint: endpoint=, else the view function's __name__.
        if endpoint is None:
            if endpoint_dynamic:
                endpoint = None
            elif isinstance(view_name, str) and view_name != "?":
                endpoint = view_name
            elif view_name is None and view_qual is not None and view_obj[0] in ("function", "method", "class"):
                endpoint = view_qual.rsplit(".", 1)[1]
        if endpoint is None:
            self._note(module, line, "the endpoint is not known statically; shown as '?'")
            endpoint = "?"
        if state.name:
            endpoint = f"{state.name}.{endpoint}"
        full_rule = _join(state.url_prefix, rule)
        if location is None:
            location = self._location(module, line)
        return Route(
            full_rule,
            sorted(methods) if methods is not None else None,
            endpoint,
            view_qual,
            location,
            state.name or None,
            state.url_prefix,
            spec,
        )

    def _view_object(self, value: Any) -> Obj:
        """The function or class behind a view value (``X.as_view(...)`` -> X)."""
        if isinstance(value, tuple) and value and value[0] == "new":
            callee = value[1]
            if callee[0] == "q" and callee[1].endswith(".as_view"):
                return self.index.evaluate(("q", callee[1][: -len(".as_view")]))
            if callee[0] == "m" and callee[2] == "as_view":
                return self.index.evaluate(callee[1])
            return NOTHING
        return self.index.evaluate(value) if value else NOTHING

    def _view_facts(self, obj: Obj) -> Tuple[Optional[str], Optional[str], Any]:
        """(dotted name, "path:line", methods of a view class or None)."""
        if obj[0] in ("function", "method") and obj[1] in self.index.functions:  # a method: ``self.index``, bound
            owner, info = self.index.functions[obj[1]]
            return obj[1], self._location(owner, info.get("line", 0)), None
        if obj[0] == "class" and obj[1] in self.index.classes:
            owner, info = self.index.classes[obj[1]]
            return obj[1], self._location(owner, info.get("line", 0)), self._class_methods(obj[1], set())
        return None, None, None

    def _class_methods(self, qual: str, seen: Set[str]) -> Any:
        """``View.methods`` as ``View.__init_subclass__`` computes it."""
        if qual in seen or qual not in self.index.classes:
            return None
        seen.add(qual)
        _owner, info = self.index.classes[qual]
        own = info.get("view_methods")
        if own == "?":
            return "?"
        if own is not None:
            return {m.upper() for m in own}
        project_bases = []
        for base in info.get("bases", ()):
            obj = self.index.evaluate(base)
            if obj[0] == "class":
                project_bases.append(obj[1])
        inherited: Set[str] = set()
        for base in project_bases:
            found = self._class_methods(base, seen)
            if found == "?":
                return "?"
            if found:
                inherited |= found
        if not _METHOD_VIEW_BASES & set(self.index.base_qualnames(qual)):
            return inherited or None
        for name in _HTTP_FUNCS:
            if self.index.find_method(qual, name):
                inherited.add(name.upper())
        return inherited or None


def _join(prefix: Optional[str], rule: str) -> str:
    """BlueprintSetupState.add_url_rule's prefixing."""
    if prefix is None:
        return rule
    if rule:
        return "/".join((prefix.rstrip("/"), rule.lstrip("/")))
    return prefix


__all__ = ["Route", "RouteMapper", "PlacedRoute"]
