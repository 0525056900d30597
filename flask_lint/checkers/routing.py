"""FLK3xx: routing and blueprints.

The cross-file facts (methods, endpoints after decorators, blueprint names
and prefixes, view identities) come from :mod:`flask_lint.routing_facts`;
project-wide findings (FLK304, FLK305, FLK309) are computed once per index
and each file reports its share.
"""

from __future__ import annotations

import ast
import difflib
from dataclasses import dataclass
from typing import Any, Dict, Iterator, List, Optional, Set, Tuple

from .. import fixes
from ..engine import FileContext
from ..index import NOTHING, Obj, ProjectIndex
from ..model import ROUTE_METHODS, FunctionNode, RouteReg
from ..names import HTTP_METHODS, ROUTE_SHORTCUTS
from ..registry import Family, Rule, rule
from ..routing_facts import (
    ABSENT,
    LITERAL,
    ROUTING_FACTS,
    BlueprintRegFact,
    RouteFact,
    RoutingProject,
    exclusive,
    is_catch_all,
    literal_str,
    normalise_rule,
    routing_project,
    rule_may_match,
    rule_variables,
)
from ..source import is_test_module
from ..versions import UNKNOWN as UNKNOWN_VERSION
from ..versions import VersionRange

MONOLITHIC_APP = rule(
    "FLK301",
    "monolithic-app",
    "{count} routes are registered directly on this app ({modules}), more than max-app-routes={limit}; "
    "group them by feature into Blueprints registered with app.register_blueprint() "
    "(flask-lint explain FLK301 shows the refactoring)",
    severity="R",
    summary="an app with more routes directly on it than max-app-routes",
)
ROUTES_ON_IMPORTED_APP = rule(
    "FLK302",
    "routes-on-imported-app",
    "routes registered on app {name!r} imported from {source}: {why}; put them on a Blueprint here and "
    "register it where the app is created (flask-lint explain FLK302)",
    severity="R",
    summary="a module adding routes to an app imported from another module",
    # Off by default: Flask's own "larger applications" pattern; on real apps every
    # finding was right as stated and none was worth a change (docs/validation.md).
    default_enabled=False,
)
UNREGISTERED_BLUEPRINT = rule(
    "FLK303",
    "unregistered-blueprint",
    "blueprint {name} is never registered on an app or blueprint in this project, so all its routes 404; "
    "call app.register_blueprint({var}) in the app factory",
    summary="a Blueprint that nothing registers",
)
DUPLICATE_ENDPOINT = rule(
    "FLK304",
    "duplicate-endpoint",
    "endpoint {endpoint!r} on {owner} is already taken by {other}: AssertionError {when}; {fix}",
    severity="E",
    summary="two different views with one endpoint name on one app or blueprint",
)
DUPLICATE_ROUTE = rule(
    "FLK305",
    "duplicate-route",
    "rule {url!r} on {owner} is already registered for {methods} by {other}, which Flask matches first, "
    "so this view never gets those requests; change the rule or the methods, or merge the two views",
    summary="the same rule and methods registered twice for different views",
)
URL_VARIABLES_MISMATCH = rule(
    "FLK306",
    "url-variables-mismatch",
    "view {view}() {problem}: TypeError, a 500 whenever rule {url!r} matches a request; {fix}",
    severity="E",
    summary="URL variables the view cannot take, or view parameters no rule supplies",
)
INVALID_METHODS = rule(
    "FLK307",
    "invalid-methods",
    "{problem}; {fix}",
    severity="E",
    summary="methods= given as a string, with a non-HTTP name, or on app.get() and friends",
)
BODY_ON_GET_ONLY_ROUTE = rule(
    "FLK308",
    "body-on-get-only-route",
    "view {view}() only accepts {allowed}, yet {what}: {consequence}; {fix}",
    summary="a GET-only view that reads the request body or tests for POST",
)
BLUEPRINT_NAME_COLLISION = rule(
    "FLK309",
    "blueprint-name-collision",
    "blueprint name {name!r} is already registered on {owner} by {other}: {error} when the app starts; {fix}",
    severity="E",
    summary="two blueprint registrations with one name on one app or blueprint",
)


def check(ctx: FileContext) -> None:
    project = routing_project(ctx.index)
    _check_unregistered_blueprints(ctx, project)
    aligned = _aligned(ctx)
    _check_invalid_methods(ctx, project.routes_by_module.get(ctx.model.module, {}) if aligned else {})
    if not aligned:
        return  # another file shadows this module name: its project facts are not ours
    _check_monolithic_app(ctx, project)
    _check_routes_on_imported_app(ctx)
    _report_project_issues(ctx)
    _check_url_variables(ctx, project)
    _check_body_on_get_only(ctx, project)


def _aligned(ctx: FileContext) -> bool:
    """Whether the index's facts for this module are this file's."""
    mine = ctx.index.module_for_path(ctx.path)
    return mine is not None and mine is ctx.index.modules.get(ctx.model.module)


# --------------------------------------------------------------------------
# FLK303 unregistered-blueprint
# --------------------------------------------------------------------------


def _check_unregistered_blueprints(ctx: FileContext, project: RoutingProject) -> None:
    mine = {o.key for o in project.objects_by_module.get(ctx.model.module, ()) if o.kind == "blueprint"}
    if not mine or project.root_is_guess:
        return  # no blueprint here, or no project marker: the registration may be outside the index
    # The project's registrations, followed as ProjectIndex.registered_blueprints
    # does, plus the candidates of loops the model cannot pin down
    # (``for prefix, bp in X.items()``, a loop variable reused by two loops).
    registered = project.registered_keys
    if project.unknown_registrations:
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


# --------------------------------------------------------------------------
# FLK301 monolithic-app
# --------------------------------------------------------------------------


def _check_monolithic_app(ctx: FileContext, project: RoutingProject) -> None:
    if ctx.is_test_file:
        return  # an app of the tests (or a fake service they start) is not one to split up
    creations = {c.key: c for c in ctx.model.creations}
    limit = ctx.config.max_app_routes
    for info in project.objects_by_module.get(ctx.model.module, ()):
        key = info.key
        if info.kind != "app" or key not in creations:
            continue
        routes = [r for r in project.routes_by_object.get(("app", key), ()) if not is_test_module(r.module)]
        if len(routes) <= limit:
            continue
        modules = sorted({r.module for r in routes})
        shown = ", ".join(modules[:5]) + (f" and {len(modules) - 5} more modules" if len(modules) > 5 else "")
        ctx.report(MONOLITHIC_APP, creations[key].node, count=len(routes), modules=shown, limit=limit)


# --------------------------------------------------------------------------
# FLK302 routes-on-imported-app
# --------------------------------------------------------------------------


def _check_routes_on_imported_app(ctx: FileContext) -> None:
    module = ctx.model.module
    if is_test_module(module):
        return
    first: Optional[Tuple[RouteReg, Obj, str]] = None
    for route in ctx.model.routes:
        if route.method == "add_resource" or route.target[0] == "ctx":
            continue  # ctx: current_app in a module imported in the app's context, no import of the app
        obj = ctx.evaluate(route.target)
        if obj[0] != "app":
            continue
        source = _imported_from(ctx, route)
        if source is None:
            continue
        if source != module and obj[1].rsplit(":", 2)[0] == module:
            continue
        if first is None or _position(route.node) < _position(first[0].node):
            first = (route, obj, source)
    if first is not None:
        route, obj, source = first
        if source == module:
            # ``from <this module> import app``: started as a script, the
            # module runs twice and the routes land on the other copy's app.
            why = "started as a script, this module runs twice and these routes land on the other copy's app"
        else:
            why = "the app's module has to import this one for the routes to exist, a circular import"
        ctx.report(ROUTES_ON_IMPORTED_APP, route.node, name=_target_name(route), source=source, why=why)


def _imported_from(ctx: FileContext, route: RouteReg) -> Optional[str]:
    """The module the object a route is registered on was imported from
    (None when this module made it itself, e.g. ``app = create_app()``)."""
    model = ctx.model
    func = route.node.func if isinstance(route.node, ast.Call) else None
    expr: Optional[ast.AST] = func.value if isinstance(func, ast.Attribute) else None
    for _ in range(10):
        attrs: List[str] = []
        while isinstance(expr, ast.Attribute):
            attrs.insert(0, expr.attr)
            expr = expr.value
        if not isinstance(expr, ast.Name):
            return None
        found = model.lookup(expr.id, model.scope_of(expr))
        if found is None or len(found[1]) != 1:
            return None
        binding = found[1][0]
        if binding.kind == "import" and binding.qualname:
            full = ".".join([binding.qualname] + attrs)
            return full.rpartition(".")[0] or None
        if binding.kind != "assign" or attrs or not isinstance(binding.node, (ast.Name, ast.Attribute)):
            return None
        expr = binding.node
    return None


def _target_name(route: RouteReg) -> str:
    node = route.node.func if isinstance(route.node, ast.Call) else None
    if isinstance(node, ast.Attribute):
        try:
            return ast.unparse(node.value)
        except (AttributeError, ValueError):  # pragma: no cover - very old Pythons
            pass
    return "app"


def _position(node: ast.AST) -> Tuple[int, int]:
    return (getattr(node, "lineno", 0), getattr(node, "col_offset", 0))


# --------------------------------------------------------------------------
# FLK304 / FLK305 / FLK309: project-wide, computed once per index
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Issue:
    rule: Rule
    kind: str  # "route" or "bp_reg": which list of the module the position is in
    position: int
    args: Tuple[Tuple[str, Any], ...]


def _report_project_issues(ctx: FileContext) -> None:
    version = ctx.flask_version
    issues: Dict[str, List[Issue]] = ctx.index.memoised(
        f"routing-issues:{version.low}:{version.high}", lambda index: _project_issues(index, version)
    )
    for issue in issues.get(ctx.model.module, ()):
        if issue.kind == "route" and issue.rule is DUPLICATE_ENDPOINT:
            ctx._cache.setdefault("routing-failed-routes", set()).add(issue.position)
        regs: List[Any] = ctx.model.routes if issue.kind == "route" else ctx.model.blueprint_regs
        if issue.position < len(regs):
            ctx.report(issue.rule, regs[issue.position].node, **dict(issue.args))


def _project_issues(index: ProjectIndex, version: VersionRange = UNKNOWN_VERSION) -> Dict[str, List[Issue]]:
    project = routing_project(index)
    out: Dict[str, List[Issue]] = {}
    seen: Set[Tuple[str, str, int, str]] = set()

    def add(module: str, kind: str, position: int, issue_rule: Rule, **args: Any) -> None:
        key = (module, kind, position, issue_rule.code)
        if key not in seen:
            seen.add(key)
            out.setdefault(module, []).append(Issue(issue_rule, kind, position, tuple(sorted(args.items()))))

    endpoint_clash: Set[Tuple[str, int]] = set()
    for obj in sorted(project.routes_by_object, key=repr):
        routes = sorted(project.routes_by_object[obj], key=lambda r: r.order)
        owner = _owner(project, obj)
        for route, other, fix in _duplicate_endpoints(project, obj, routes):
            endpoint_clash.add((route.module, route.position))
            when = "when the module is imported" if obj[0] == "app" else "when the blueprint is registered"
            add(route.module, "route", route.position, DUPLICATE_ENDPOINT, endpoint=route.endpoint, owner=owner,
                other=other, when=when, fix=fix)
        for route, earlier, methods in _duplicate_rules(routes):
            if (route.module, route.position) in endpoint_clash:
                continue
            add(route.module, "route", route.position, DUPLICATE_ROUTE, url=route.rule, owner=owner,
                methods=methods, other=_describe_route(earlier))
    for reg, name, parent, other, error, fix in _blueprint_name_collisions(project, version):
        add(reg.module, "bp_reg", reg.position, BLUEPRINT_NAME_COLLISION, name=name, owner=_owner(project, parent),
            other=other, error=error, fix=fix)
    return out


def _owner(project: RoutingProject, obj: Obj) -> str:
    info = project.objects.get(obj[1])
    where = f" ({info.module}:{info.line})" if info else ""
    if obj[0] == "blueprint":
        name = project.blueprint_name(obj[1])
        return f"blueprint {name!r}{where}" if name else f"the blueprint{where}"
    return f"the app{where}"


def _view_label(route: RouteFact) -> str:
    if route.view[0] in ("function", "method", "class"):
        return f"{route.view[1].rsplit('.', 1)[-1]}()"
    kind = (route.entry.get("v") or ["?"])[0]
    if kind == "lambda":
        return "a lambda"
    if kind == "as_view":
        return "another as_view() view"
    return "another view"


def _describe_route(route: RouteFact) -> str:
    return f"{_view_label(route)} at {route.module}:{route.line}"


def _guarded(entry: Dict[str, Any], exception: str) -> bool:
    """Whether a try statement around the registration catches ``exception``."""
    caught = entry.get("g", ())
    return "*" in caught or exception in caught


def _same_view(a: Optional[Tuple[Any, ...]], b: Optional[Tuple[Any, ...]]) -> bool:
    """Whether two identities may be one function object (unknown: yes)."""
    if a is None or b is None:
        return True
    if a[0] == "def" and b[0] == "def":
        return a == b
    if a[0] == "def" or b[0] == "def":
        qual_a = a[1] if a[0] == "def" else (a[2] if a[0] == "obj" else None)
        qual_b = b[1] if b[0] == "def" else (b[2] if b[0] == "obj" else None)
        return qual_a == qual_b
    return a == b


def _exclusive(a: Any, b: Any) -> bool:
    """Registrations in one scope on two sides of an if/else or try/except
    (or that may be: one is made through current_app in a module imported in
    the app's context, whose branch and order are not known)."""
    if a.in_context or b.in_context:
        return True
    return a.module == b.module and a.scope_name == b.scope_name and exclusive(a.entry.get("br", ()), b.entry.get("br", ()))


def _duplicate_endpoints(
    project: RoutingProject, obj: Obj, routes: List[RouteFact]
) -> Iterator[Tuple[RouteFact, str, str]]:
    info = project.objects.get(obj[1])
    has_static = info.has_static if info else None
    by_endpoint: Dict[str, List[RouteFact]] = {}
    for route in routes:
        if route.endpoint is not None and route.identity is not None and not _guarded(route.entry, "AssertionError"):
            by_endpoint.setdefault(route.endpoint, []).append(route)
    for endpoint, group in by_endpoint.items():
        for position, route in enumerate(group):
            if endpoint == "static" and has_static:
                yield (
                    route,
                    "the static route Flask adds for the static folder",
                    "rename the view or pass endpoint=, or create it with static_folder=None",
                )
                continue
            for earlier in group[:position]:
                if _same_view(route.identity, earlier.identity) or _exclusive(route, earlier):
                    continue
                renamer = route.renamed_by or earlier.renamed_by
                if renamer:
                    fix = (
                        f"decorator {renamer} returns a wrapper without functools.wraps, so every view it wraps "
                        f"is named {endpoint!r}: add @functools.wraps(f) to its wrapper"
                    )
                else:
                    fix = "give one of them a distinct endpoint= or function name"
                yield route, _describe_route(earlier), fix
                break


def _expanded(methods: frozenset) -> Set[str]:
    out = set(methods)
    if "GET" in out:
        out.add("HEAD")
    return out


def _duplicate_rules(routes: List[RouteFact]) -> Iterator[Tuple[RouteFact, RouteFact, str]]:
    by_rule: Dict[str, List[RouteFact]] = {}
    for route in routes:
        entry = route.entry
        if (
            route.rule is None
            or route.methods is None
            or route.identity is None
            or "sub" in entry
            or entry.get("redir")
            or entry.get("kw")
        ):
            continue
        by_rule.setdefault(normalise_rule(route.rule), []).append(route)
    for group in by_rule.values():
        for position, route in enumerate(group):
            for earlier in group[:position]:
                assert route.methods is not None and earlier.methods is not None
                # Both answering OPTIONS (CORS routes list it everywhere) is harmless.
                overlap = (_expanded(route.methods) & _expanded(earlier.methods)) - {"OPTIONS"}
                if not overlap or _same_view(route.identity, earlier.identity) or _exclusive(route, earlier):
                    continue
                shown = [m for m in _METHOD_ORDER if m in overlap] + sorted(overlap - set(_METHOD_ORDER))
                yield route, earlier, "/".join(shown)
                break


_METHOD_ORDER = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT")


def _shadowed_routes(index: ProjectIndex) -> Set[Tuple[str, int]]:
    """(module, position) of registrations whose every method an earlier
    registration of the same rule on the same object (another view, not on
    the other side of an if/else) already answers: Flask never routes a
    request to them."""
    project = routing_project(index)
    out: Set[Tuple[str, int]] = set()
    for obj in project.routes_by_object:
        by_rule: Dict[str, List[RouteFact]] = {}
        for route in sorted(project.routes_by_object[obj], key=lambda r: r.order):
            entry = route.entry
            if route.rule is None or route.methods is None or route.identity is None or "sub" in entry or entry.get("kw"):
                continue
            by_rule.setdefault(normalise_rule(route.rule), []).append(route)
        for group in by_rule.values():
            for position, route in enumerate(group):
                assert route.methods is not None
                answered: Set[str] = set()
                for earlier in group[:position]:
                    assert earlier.methods is not None
                    if not _same_view(route.identity, earlier.identity) and not _exclusive(route, earlier):
                        answered |= _expanded(earlier.methods)
                if _expanded(route.methods) - {"OPTIONS"} <= answered:
                    out.add((route.module, route.position))
    return out


def _blueprint_name_collisions(
    project: RoutingProject, version: VersionRange = UNKNOWN_VERSION
) -> Iterator[Tuple[BlueprintRegFact, str, Obj, str, str, str]]:
    """Registrations whose name is taken on the same parent.  Flask 2.1+
    raises ValueError for both kinds; Flask 2.0 only warns when the same
    blueprint comes again, and Flask 1.x allows it, raises AssertionError
    for a different blueprint, and ignores name= (checked on 1.1.4, 2.0.3,
    3.1.3)."""
    same_raises = version.always_at_least((2, 1))
    if version.always_below((2, 0)):
        error, ignores_name = "AssertionError", True
        fix = "rename one Blueprint (Flask 1.x has no register_blueprint(name=))"
    else:
        error = "ValueError" if version.always_at_least((2, 0)) else "ValueError (AssertionError on Flask 1.x)"
        ignores_name = False
        fix = "pass a distinct name= to register_blueprint() (or rename one Blueprint)"
    expected = "AssertionError" if ignores_name else "ValueError"
    groups: Dict[Tuple[Obj, str], List[Tuple[BlueprintRegFact, str]]] = {}
    for reg in sorted(project.bp_regs, key=lambda r: project.load_key(r.module, r.line, r.col, r.position)):
        entry = reg.entry
        if not entry or entry.get("kw") or not reg.exact or _guarded(entry, expected):
            continue  # not one registration we know, or one whose error is caught
        if entry.get("bg"):
            continue  # only runs when the name is not in app.blueprints yet
        for child in reg.children:
            name = project.blueprint_name(child) if ignores_name else _registered_name(project, reg, child)
            if name is None:
                continue
            for parent in reg.parents:
                if parent[0] in ("app", "blueprint"):
                    groups.setdefault((parent, name), []).append((reg, child))
    for (parent, name), regs in groups.items():
        for position, (reg, child) in enumerate(regs):
            for earlier, earlier_child in regs[:position]:
                if earlier is reg and earlier_child == child:
                    continue
                if earlier is not reg and _exclusive(reg, earlier):
                    continue
                info = project.objects.get(earlier_child)
                made = f", created at {info.module}:{info.line}" if info else ""
                if earlier_child == child:
                    if not same_raises:
                        continue  # Flask before 2.1 registers it again (2.0 warns)
                    other = f"an earlier registration of the same blueprint at {earlier.module}:{earlier.line}"
                else:
                    other = f"another Blueprint{made} (registered at {earlier.module}:{earlier.line})"
                yield reg, name, parent, other, error, fix
                break


def _registered_name(project: RoutingProject, reg: BlueprintRegFact, child: str) -> Optional[str]:
    state = reg.entry.get("name")
    if state == LITERAL:
        summary = project.index.modules.get(reg.module)
        facts = summary.get("bp_regs", ()) if summary else ()
        if reg.position < len(facts) and isinstance(facts[reg.position][2], str):
            return facts[reg.position][2]
        return None
    if state == ABSENT:
        return project.blueprint_name(child)
    return None


# --------------------------------------------------------------------------
# FLK306 url-variables-mismatch
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Signature:
    """The parameters of a view function, from its def or from the index."""

    positional: Tuple[str, ...]
    defaults: int
    keyword_only: Tuple[Tuple[str, bool], ...]  # (name, has a default)
    kwargs: bool
    positional_only: bool

    @classmethod
    def of(cls, func: FunctionNode) -> Signature:
        args = func.args
        return cls(
            tuple(a.arg for a in args.posonlyargs + args.args),
            len(args.defaults),
            tuple((a.arg, default is not None) for a, default in zip(args.kwonlyargs, args.kw_defaults)),
            args.kwarg is not None,
            bool(args.posonlyargs),
        )

    @classmethod
    def from_facts(cls, facts: List[Any]) -> Optional[Signature]:
        try:
            positional, defaults, keyword_only, kwargs, positional_only = facts
            return cls(
                tuple(positional), int(defaults), tuple((n, bool(d)) for n, d in keyword_only), bool(kwargs),
                bool(positional_only),
            )
        except (TypeError, ValueError):
            return None

    @property
    def accepted(self) -> Set[str]:
        return set(self.positional) | {name for name, _default in self.keyword_only}

    @property
    def required(self) -> List[str]:
        names = list(self.positional[: len(self.positional) - self.defaults])
        return names + [name for name, default in self.keyword_only if not default]


def _check_url_variables(ctx: FileContext, project: RoutingProject) -> None:
    facts = project.routes_by_module.get(ctx.model.module, {})
    shadowed: Set[Tuple[str, int]] = ctx.index.memoised("routing-shadowed", _shadowed_routes)
    failed: Set[int] = ctx._cache.get("routing-failed-routes", set())  # see _report_project_issues
    for position, route in enumerate(ctx.model.routes):
        fact = facts.get(position)
        func = route.view_node
        if fact is None or route.rule is None or (ctx.model.module, position) in shadowed:
            continue  # shadowed: no request reaches the view through this rule (FLK305 says so)
        if position in failed:
            continue  # registering it raises (FLK304 says so): no request reaches it
        if fact.view_class is not None:
            _check_class_view(ctx, project, route, fact, fact.view_class)
            continue
        if isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
            info = ctx.model.function_info(func)
            if info is None or info.class_node is not None:
                continue
            name, signature = func.name, Signature.of(func)
        elif func is None and route.method == "add_url_rule" and fact.view[0] == "function":
            # A view defined in another module: its top-level def's parameters.
            facts_of = project.signature(fact.view[1])
            found = Signature.from_facts(facts_of) if facts_of is not None else None
            if found is None or (fact.entry.get("v") or ["?"])[0] != "name":
                continue
            name, signature = fact.view[1].rsplit(".", 1)[-1], found
        else:
            continue
        if route.method == "add_url_rule":
            decorators = (
                [d for d in project.function_decorators(fact.view[1]) if not d[2]] if fact.view[0] == "function" else None
            )
        else:
            decorators = list(fact.entry.get("d", ()))
        problem = _url_variable_problem(project, route, fact, signature, decorators)
        if problem is not None:
            ctx.report(URL_VARIABLES_MISMATCH, route.node, view=name, url=route.rule, problem=problem[0],
                       fix=problem[1])


def _check_class_view(ctx: FileContext, project: RoutingProject, route: RouteReg, fact: RouteFact, cls: str) -> None:
    """Each handler a request of the rule's methods reaches gets the URL
    values as keyword arguments, like a view function."""
    handlers = project.class_handlers(cls)
    if handlers is None:
        return
    methods = fact.entry.get("m")
    if methods is None:
        found = ctx.index.classes.get(cls)
        methods = found[1].get("view_methods") if found else None
    if methods is not None and not isinstance(methods, (list, tuple)):
        return  # computed methods: which handlers are reached is not known
    reached = {str(m).lower() for m in methods} if methods is not None else None
    own = {verb for verb, _qual in handlers}
    for verb, qual in handlers:
        if reached is not None and verb != "*" and verb not in reached:
            if not (verb == "get" and "head" in reached and "head" not in own):
                continue  # no request of the rule's methods calls it
        facts_of = project.signature(qual)
        signature = Signature.from_facts(facts_of) if facts_of is not None else None
        if signature is None or not signature.positional:
            continue
        bound = Signature(
            signature.positional[1:], min(signature.defaults, len(signature.positional) - 1),
            signature.keyword_only, signature.kwargs, signature.positional_only,
        )
        decorators = project.function_decorators(qual)
        problem = _url_variable_problem(project, route, fact, bound, decorators)
        if problem is not None:
            name = ".".join(qual.rsplit(".", 2)[-2:])
            ctx.report(URL_VARIABLES_MISMATCH, route.node, view=name, url=route.rule, problem=problem[0],
                       fix=problem[1])
            return


def _url_variable_problem(
    project: RoutingProject, route: RouteReg, fact: RouteFact, signature: Signature, decorators: Optional[List[Any]]
) -> Optional[Tuple[str, str]]:
    entry = fact.entry
    if not entry or entry.get("kw") or entry.get("redir") or signature.kwargs or signature.positional_only:
        return None
    class_view = fact.view_class is not None
    if route.method not in ROUTE_METHODS and route.method != "add_url_rule" and not (
        class_view and route.method == "add_resource"
    ):
        return None
    # Decorators between the route and the def see the arguments first.
    if decorators is None or not all(project.decorator_effect(d[0], d[1]).transparent for d in decorators):
        return None
    if any(project.is_preprocessed(t) for t in fact.targets):
        return None
    # A Resource mounted through an Api or a Namespace: the app and the
    # prefixes are the extension's, so only the rule's own variables are
    # known to reach the handler (and no preprocessor may pop them).
    extra_only = not fact.targets and class_view and fact.direct_target[0] in ("api", "namespace")
    if not fact.targets and not extra_only:
        return None
    if extra_only:
        if project.extension_decorates(fact.direct_target):
            return None
        hosts = project.api_hosts(fact.direct_target)
        if hosts and any(project.is_preprocessed(h) for h in hosts):
            return None
        if not hosts and (project.preprocessed or project.preprocessed_everywhere):
            return None  # the extension's app is not known: any preprocessor may be its
    names = rule_variables(route.rule)
    if names is None:
        return None
    accepted = signature.accepted
    defaults = entry.get("df")
    matching = entry.get("sub", ())
    supplied = set(names) | set(defaults or ()) | set(matching or ())
    extra = sorted(supplied - accepted)
    if extra:
        if set(extra) <= names:
            origin = "of the rule"
        elif set(extra) <= set(defaults or ()):
            origin = "given in defaults="
        else:
            origin = "of the route"
        return (
            f"has no parameter for URL variable {_names(extra)} {origin}",
            "add the parameter (or **kwargs), or rename the variable to match",
        )
    if extra_only:
        return None
    contexts: List[Tuple[frozenset, bool]] = []
    complete = defaults is not None and matching is not None
    for target in fact.targets:
        found = project.contexts(target)
        if found is None:
            complete = False
            continue
        contexts.extend(found)
    complete = complete and fact.targets_complete and bool(contexts)
    for added, _whole in contexts:
        extra = sorted(added - accepted)
        if extra:
            return (
                f"has no parameter for URL variable {_names(extra)} that its blueprint's url_prefix, "
                "subdomain or url_defaults adds",
                "add the parameter, or pop the value in a url_value_preprocessor",
            )
    if not complete:
        return None
    required = signature.required
    # Each registration whose URL variables are all known and that surely
    # happens: its URLs call the view without the parameter, whatever
    # registrations the index cannot follow add elsewhere.
    for added, whole in contexts:
        if not whole:
            continue
        missing = [name for name in required if name not in supplied | added]
        if missing:
            return (
                f"requires {_names(missing)}, which this rule does not supply",
                "give the parameter a default, or add defaults={...} to this route",
            )
    return None


def _names(names: List[str]) -> str:
    return ", ".join(repr(n) for n in names)


# --------------------------------------------------------------------------
# FLK307 invalid-methods
# --------------------------------------------------------------------------


def _check_invalid_methods(ctx: FileContext, facts: Dict[int, RouteFact]) -> None:
    for position, route in enumerate(ctx.model.routes):
        if route.method not in ROUTE_METHODS and route.method != "add_url_rule":
            continue
        fact = facts.get(position)
        kind = ctx.owner_kind(route.target)
        if not (kind in ("app", "blueprint", "param") or (kind == "unknown" and ctx.imports_flask)):
            continue
        call = route.node
        if not isinstance(call, ast.Call):
            continue
        found = _methods_problem(route, call)
        if found is None:
            continue
        expected = ("TypeError", "RuntimeError") if route.method in ROUTE_SHORTCUTS else ("TypeError",)
        if fact is not None and any(_guarded(fact.entry, name) for name in expected):
            continue  # inside pytest.raises(TypeError) or a try that catches it
        ctx.report(INVALID_METHODS, found[0], autofix=_methods_fix(route, call), problem=found[1], fix=found[2])


def _methods_problem(route: RouteReg, call: ast.Call) -> Optional[Tuple[ast.AST, str, str]]:
    for kw in call.keywords:
        if kw.arg == "method":
            return (
                call,
                "method= is not a route option: TypeError (unexpected keyword argument 'method') when the route "
                "is registered",
                "write methods=[...]",
            )
    node = route.methods_node
    if node is None:
        return None
    if route.method in ROUTE_SHORTCUTS:
        return (
            call,
            f"{route.method}() takes no methods= argument: the route fails to register (TypeError; RuntimeError "
            "with APIFlask)",
            f"use route(rule, methods=[...]) or drop methods= ({route.method}() already means {route.method.upper()})",
        )
    if isinstance(node, ast.JoinedStr) or (isinstance(node, ast.Constant) and isinstance(node.value, str)):
        text = literal_str(node)
        example = (
            "[" + ", ".join(repr(p.strip().upper()) for p in text.replace(",", " ").split()) + "]"
            if text and text.strip()
            else '["POST"]'
        )
        return (
            call,
            "methods= is a string, not a list: TypeError when the route is registered",
            f"write methods={example}",
        )
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        for element in node.elts:
            if isinstance(element, ast.Constant) and isinstance(element.value, str):
                name = element.value.upper()
                if name not in HTTP_METHODS:
                    close = difflib.get_close_matches(name, sorted(HTTP_METHODS), n=1)
                    fix = f"write {close[0]!r}" if close else "use GET, HEAD, POST, PUT, DELETE, PATCH or OPTIONS"
                    return (
                        element,
                        f"{element.value!r} is not an HTTP method: Flask accepts it silently and the view never "
                        "receives the method that was meant",
                        fix,
                    )
    return None


def _methods_fix(route: RouteReg, call: ast.Call) -> Optional[fixes.Fix]:
    """``methods="POST"`` as ``methods=["POST"]`` and ``method=[...]`` as
    ``methods=[...]``: only when every name in the string is an HTTP method
    (a misspelt one has no certain repair)."""
    named = [kw for kw in call.keywords if kw.arg in ("method", "methods")]
    if len(named) != 1 or route.method in ROUTE_SHORTCUTS:
        return None
    kw, value = named[0], named[0].value
    edits: List[fixes.Edit] = []
    if kw.arg == "method":
        edits.append(fixes.Edit(kw.lineno, kw.col_offset + len("method"), kw.lineno, kw.col_offset + len("method"), ("s",)))
    if isinstance(value, ast.Constant) and isinstance(value.value, str):
        parts = value.value.replace(",", " ").split()
        if not parts or any(p.upper() not in HTTP_METHODS for p in parts):
            return None
        edits.append(fixes.replace(value, "[" + ", ".join(f'"{p}"' for p in parts) + "]"))
    elif not (isinstance(value, (ast.List, ast.Tuple)) and kw.arg == "method"):
        return None
    return fixes.make(fixes.SAFE, "Pass the methods as a list", *edits)


# --------------------------------------------------------------------------
# FLK308 body-on-get-only-route
# --------------------------------------------------------------------------

_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _check_body_on_get_only(ctx: FileContext, project: RoutingProject) -> None:
    for view in ctx.views:
        if view.kind != "function":
            continue
        info = ctx.model.function_info(view.func)
        if info is None or info.class_node is not None:
            continue
        routes = project.routes_by_view.get(info.qualname)
        if not routes:
            continue
        allowed: Set[str] = set()
        known = True
        for route in routes:
            if route.methods is None or route.direct_target[0] not in ("app", "blueprint", "param"):
                known = False
                break
            allowed |= _expanded(route.methods)
        if not known or allowed - _SAFE_METHODS:
            continue
        # What a request with another method gets depends on every view
        # registered for the same rule on the same app or blueprint: a
        # sibling taking POST answers it, no 405.
        on_rule = _methods_on_rules(ctx.index, routes)
        found = _body_read(ctx, view.func, allowed, on_rule)
        if found is not None:
            node, what, consequence, fix = found
            shown = "/".join(m for m in _METHOD_ORDER if m in allowed and m != "OPTIONS")
            ctx.report(BODY_ON_GET_ONLY_ROUTE, node, view=view.func.name, allowed=shown, what=what,
                       consequence=consequence, fix=fix)


def _methods_on_rules(index: ProjectIndex, routes: List[RouteFact]) -> Optional[Set[str]]:
    """Every method some view answers on the URLs of ``routes``, or None
    when one of them is not known.  A POST to a GET-only view's URL gets no
    405 when another registration can take it: the same rule on the same
    app or blueprint (whichever view it was registered for), another rule of
    that object whose static parts match the URL (``/<name>`` for
    ``/about``), or a catch-all (``/<path:page>``) of an app or blueprint
    that ends up on the same app (any catch-all of the project when which
    app is not known)."""
    project = routing_project(index)
    table: Dict[Obj, Dict[str, Tuple[str, Optional[Set[str]]]]] = index.memoised("routing-rule-methods", _rule_methods)
    catch_alls: List[Tuple[Obj, Optional[Set[str]]]] = index.memoised("routing-catch-alls", _catch_alls)
    out: Set[str] = set()
    for route in routes:
        if route.rule is None or not route.targets or not route.targets_complete:
            return None
        own = normalise_rule(route.rule)
        for target in route.targets:
            rules = table.get(target, {})
            if own not in rules or rules[own][1] is None:
                return None
            for key, (written, methods) in rules.items():
                if key == own or rule_may_match(written, route.rule):
                    if methods is None:
                        return None
                    out |= methods
            apps = project.apps_of(target)
            for obj, methods in catch_alls:
                if obj == target:
                    continue  # its rules were matched above
                other = project.apps_of(obj) if obj != NOTHING else None
                if apps is None or other is None or apps & other:
                    if methods is None:
                        return None
                    out |= methods
    return out


def _rule_methods(index: ProjectIndex) -> Dict[Obj, Dict[str, Tuple[str, Optional[Set[str]]]]]:
    """Per app or blueprint, each of its rules (normalised): the rule as
    written once, and the methods its views answer (None: not known)."""
    project = routing_project(index)
    table: Dict[Obj, Dict[str, Tuple[str, Optional[Set[str]]]]] = {}
    for obj, routes in project.routes_by_object.items():
        rules = table.setdefault(obj, {})
        for route in routes:
            if route.rule is None:
                continue
            key = normalise_rule(route.rule)
            written, known = rules.get(key, (route.rule, set()))
            if known is None or route.methods is None:
                rules[key] = (written, None)
            else:
                rules[key] = (written, known | _expanded(route.methods))
    return table


def _catch_alls(index: ProjectIndex) -> List[Tuple[Obj, Optional[Set[str]]]]:
    """The catch-all rules of the project that may take a body method: the
    object each is registered on (NOTHING: not known) and its methods."""
    out: List[Tuple[Obj, Optional[Set[str]]]] = []
    for route in routing_project(index).routes:
        if not is_catch_all(route.rule):
            continue
        methods = None if route.methods is None else _expanded(route.methods)
        if methods is not None and not methods - _SAFE_METHODS:
            continue
        targets = route.targets if route.targets and route.targets_complete else route.targets + [NOTHING]
        out.extend((target, methods) for target in targets)
    return out


def _body_read(
    ctx: FileContext, func: FunctionNode, allowed: Set[str], on_rule: Optional[Set[str]]
) -> Optional[Tuple[ast.AST, str, str, str]]:
    """The most telling body read of a GET-only view: a dead method test
    first, then JSON reads, then form and file reads.  ``on_rule``: the
    methods its rules answer for any view (None: not known); the 405 a
    body method gets depends on them."""
    no_body_method = on_rule is not None and not (on_rule - _SAFE_METHODS)
    model = ctx.model
    add_post = "add methods=['GET', 'POST'] to the route"
    hits: List[Tuple[Tuple[int, int, int], Tuple[ast.AST, str, str, str]]] = []
    handed_over: Set[int] = set()  # request.form if request.method == "POST" else None
    parents: Dict[int, ast.AST] = {}
    # request.json if request.is_json else None: a GET without a JSON body never reads it
    typed = model.guarded_by(func, model.tests_content_type)
    for node in model.walk_function(func):
        parents.update((id(child), node) for child in ast.iter_child_nodes(node))
        if isinstance(node, ast.IfExp):
            handed_over.add(id(node.body))
    for node in model.walk_function(func):
        if isinstance(node, ast.Attribute) and node.attr in ("form", "files", "json"):
            qual = model.qualname(node)
            if qual in ("flask.request.form", "flask.request.files"):
                if id(node) in handed_over or not no_body_method or not _reads_fields(ctx, func, node, parents):
                    continue
                hits.append((_priority(2, node), (node, f"it reads {qual[6:]}",
                                               "clients send bodies with POST, which gets 405 here, so it is empty",
                                               f"{add_post}, or read request.args")))
            elif qual == "flask.request.json" and id(node) not in typed:
                hits.append((_priority(1, node), (node, "it reads request.json",
                                               "a GET without a JSON body gets 415 Unsupported Media Type",
                                               f"{add_post}, or use request.get_json(silent=True)")))
        elif isinstance(node, ast.Call) and model.qualname(node.func) == "flask.request.get_json":
            if id(node) in typed or any(kw.arg in ("silent", None) for kw in node.keywords) or len(node.args) >= 2:
                continue  # get_json(silent=...) is tolerant on purpose (or cannot be told)
            forced = any(kw.arg == "force" for kw in node.keywords)
            hits.append((_priority(1, node), (node, "it calls request.get_json()",
                                           "a GET without a JSON body gets "
                                           + ("400 Bad Request" if forced else "415 Unsupported Media Type"),
                                           f"{add_post}, or use request.get_json(silent=True)")))
        elif isinstance(node, ast.Compare):
            tested = _tested_methods(ctx, node)
            if tested and on_rule is not None and not (set(tested) & (allowed | on_rule)):
                shown = " / ".join(repr(m) for m in tested)
                hits.append((_priority(0, node), (node, f"it tests request.method against {shown}",
                                               "that branch is dead, those requests get 405 Method Not Allowed",
                                               f"add methods=['GET', {tested[0]!r}] to the route, "
                                               "or drop the branch")))
    if not hits:
        return None
    return min(hits, key=lambda hit: hit[0])[1]


# Calls that read every field of a mapping handed to them.
_READING_CALLS = frozenset({"flask.jsonify", "flask.json.jsonify", "flask.json.dumps", "json.dumps"})
_INSPECTING_BUILTINS = frozenset({"builtins.isinstance", "builtins.id", "builtins.type", "builtins.callable"})


def _reads_fields(ctx: FileContext, func: FunctionNode, node: ast.AST, parents: Dict[int, ast.AST]) -> bool:
    """Whether the view reads fields of the mapping ``node`` is
    (``request.form["x"]``, ``.get()``, ``.to_dict()``, iteration, ``in``,
    ``dict(...)``).  Handing the mapping itself to a call reads nothing
    here: ``LoginForm(request.form)`` renders an empty form on GET, and
    ``Handler(form_data=request.form)`` may only keep it.  A local alias
    (``data = request.form``) reads when one of its uses does."""
    if _handed_to_call(ctx, node, parents):
        return False
    parent = parents.get(id(node))
    target: Optional[ast.AST] = None
    if isinstance(parent, ast.Assign) and len(parent.targets) == 1 and parent.value is node:
        target = parent.targets[0]
    elif isinstance(parent, (ast.AnnAssign, ast.NamedExpr)) and parent.value is node:
        target = parent.target
    if not isinstance(target, ast.Name):
        return True
    model = ctx.model
    bound_in = model.scope_of(target)
    for use in model.walk_function(func):
        if not (isinstance(use, ast.Name) and isinstance(use.ctx, ast.Load) and use.id == target.id):
            continue
        found = model.lookup(use.id, model.scope_of(use))
        if found is not None and found[0] is bound_in and not _handed_to_call(ctx, use, parents):
            return True
    return False


def _handed_to_call(ctx: FileContext, node: ast.AST, parents: Dict[int, ast.AST]) -> bool:
    """``node`` is an argument of a call (through ``x if c else y``,
    ``x or y`` and ``name=x``), other than one that reads every field
    (``dict(x)``, ``len(x)``, ``jsonify(x)``, ``f(**x)``, ``f(*x)``)."""
    child, parent = node, parents.get(id(node))
    while (
        (isinstance(parent, ast.IfExp) and child is not parent.test)
        or isinstance(parent, ast.BoolOp)
        or (isinstance(parent, ast.keyword) and parent.arg is not None)
    ):
        child, parent = parent, parents.get(id(parent))
    if not isinstance(parent, ast.Call) or child is parent.func:
        return False
    callee = ctx.model.qualname(parent.func) or ""
    if callee in _READING_CALLS:
        return False
    return not callee.startswith("builtins.") or callee in _INSPECTING_BUILTINS


def _priority(rank: int, node: ast.AST) -> Tuple[int, int, int]:
    return (rank,) + _position(node)


def _tested_methods(ctx: FileContext, node: ast.Compare) -> Optional[List[str]]:
    """The method names in ``request.method == "POST"`` / ``in ("POST", ...)``."""
    if len(node.ops) != 1 or not isinstance(node.ops[0], (ast.Eq, ast.NotEq, ast.In, ast.NotIn)):
        return None
    left, right = node.left, node.comparators[0]
    if ctx.model.qualname(right) == "flask.request.method" and isinstance(node.ops[0], (ast.Eq, ast.NotEq)):
        left, right = right, left
    if ctx.model.qualname(left) != "flask.request.method":
        return None
    values = right.elts if isinstance(right, (ast.Tuple, ast.List, ast.Set)) else [right]
    names: List[str] = []
    for value in values:
        if not (isinstance(value, ast.Constant) and isinstance(value.value, str)):
            return None
        names.append(value.value.upper())
    return names or None


FAMILY = Family(
    "3",
    rules=(
        MONOLITHIC_APP,
        ROUTES_ON_IMPORTED_APP,
        UNREGISTERED_BLUEPRINT,
        DUPLICATE_ENDPOINT,
        DUPLICATE_ROUTE,
        URL_VARIABLES_MISMATCH,
        INVALID_METHODS,
        BODY_ON_GET_ONLY_ROUTE,
        BLUEPRINT_NAME_COLLISION,
    ),
    check=check,
    extensions=(ROUTING_FACTS,),
)


__all__ = ["check"]
