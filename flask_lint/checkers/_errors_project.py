"""FLK2xx project answers: what a whole app has (:class:`ProjectErrors`,
computed once per index): every handler that reaches it, its views, and
whether the index can see enough to be sure (``uncertain``) or an extension
answers errors for it (``handled``)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any, Dict, FrozenSet, Iterable, Iterator, List, Optional, Set, Tuple

from ..index import NOTHING, Obj, ProjectIndex
from ..model import UNKNOWN, Value
from ..names import WERKZEUG_ERROR_CODES, werkzeug_exception_code
from ..source import is_test_module
from ._errors_keys import (
    ALL_HTTP,
    CUSTOM_HANDLING_METHODS,
    ERROR_HANDLING_PACKAGES,
    ERROR_NEUTRAL_PACKAGES,
    EXC_ATOM,
    FLASK_METHODS,
    HTTP_EXCEPTION,
    RESOURCE_ONLY_APIS,
    SCRIPT_FOLDERS,
    SERVER_ERROR_ATOMS,
    SERVER_PACKAGES,
    UNKNOWN_KEY,
    Atom,
    dotted_root,
    flatten,
    key_atoms,
)
from ._errors_summary import EXTENSION

# --------------------------------------------------------------------------
# Project-wide facts, computed once per index
# --------------------------------------------------------------------------


@dataclass
class ScopeErrors:
    """What reaches one app (or one blueprint)."""

    key: str
    module: str = ""
    app_atoms: List[FrozenSet[Atom]] = field(default_factory=list)  # app-wide handlers
    bp_atoms: List[FrozenSet[Atom]] = field(default_factory=list)  # blueprint-level handlers
    exception_handlers: List[Obj] = field(default_factory=list)  # functions registered for Exception
    wide_exception_handlers: List[Obj] = field(default_factory=list)  # ... on the app, or app-wide by a blueprint
    views: Dict[str, Optional[str]] = field(default_factory=dict)  # view -> what it answers
    blueprints: Set[str] = field(default_factory=set)
    uncertain: List[str] = field(default_factory=list)  # the index cannot see everything
    handled: List[str] = field(default_factory=list)  # an extension answers errors
    crash_paths: int = 0  # views and request hooks an exception can leave
    covered_blueprints: List[str] = field(default_factory=list)  # with a catch-all of their own

    def has(self, wanted: FrozenSet[Atom], app_wide_only: bool = True) -> bool:
        groups = self.app_atoms if app_wide_only else self.app_atoms + self.bp_atoms
        return any(atoms & wanted for atoms in groups)

    def codes(self, app_wide_only: bool = False) -> Set[int]:
        groups = self.app_atoms if app_wide_only else self.app_atoms + self.bp_atoms
        found: Set[int] = set()
        for atoms in groups:
            for atom in atoms:
                if atom[0] == "code":
                    found.add(atom[1])
                elif atom == ALL_HTTP:
                    found.update(WERKZEUG_ERROR_CODES)
        return found


class ProjectErrors:
    def __init__(self, index: ProjectIndex) -> None:
        self.index = index
        self.ext: Dict[str, Dict[str, Any]] = {}
        self.light_modules: Set[str] = set()  # modules that never mention Flask: their defs' own facts only
        self.funcs: Dict[str, Tuple[Any, ...]] = {}
        self.pure: Set[str] = set()  # pass-through decorators
        self.aborts: Dict[str, FrozenSet[int]] = {}  # the statuses a project function aborts with
        self.tops: Dict[str, List[List[Any]]] = {}  # module-level imports and registrations, in order
        for module, data in index.extension(EXTENSION):
            if not isinstance(data, dict):
                continue
            if data.get("light"):
                self.light_modules.add(module)
            else:
                self.ext[module] = data
            for qual, row in (data.get("funcs") or {}).items():
                if isinstance(row, (list, tuple)) and len(row) >= 3:
                    self.funcs[qual] = tuple(row)
            self.pure.update(data.get("pure") or ())
            for qual, codes in (data.get("aborts") or {}).items():
                self.aborts[qual] = frozenset(codes)
            if data.get("top"):
                self.tops[module] = data["top"]
        self.custom: List[Obj] = []
        for data in self.ext.values():
            for value in data.get("custom") or ():
                self.custom.extend(flatten(index.evaluate(value)))
        self.handlers: List[Tuple[str, tuple]] = []
        self.handlers_by_func: Dict[str, List[Tuple[str, tuple]]] = {}
        self.hooks_by_func: Dict[str, List[Tuple[str, Value, str]]] = {}  # (kind, target, module)
        self.creations: Dict[str, Tuple[str, Value]] = {}
        for module, summary in index.iter_modules():
            for fact in summary.get("handlers", ()):
                self.handlers.append((module, fact))
                func = index.evaluate(fact[3]) if fact[3] != UNKNOWN else NOTHING
                if func[0] == "function":
                    self.handlers_by_func.setdefault(func[1], []).append((module, fact))
            for fact in summary.get("hooks", ()):
                func = index.evaluate(fact[2]) if fact[2] != UNKNOWN else NOTHING
                if func[0] == "function":
                    self.hooks_by_func.setdefault(func[1], []).append((fact[1], fact[0], module))
            for key, callee, _args, _line in summary.get("creations", ()):
                self.creations[key] = (module, callee)
        self._atoms: Dict[Any, FrozenSet[Atom]] = {}
        self._sources: Dict[Tuple[str, str], Tuple[FrozenSet[Obj], bool]] = {}
        self._apps: Dict[str, ScopeErrors] = {}
        self._blueprints: Dict[str, ScopeErrors] = {}
        self._orphans: Optional[FrozenSet[Atom]] = None
        self._bp_apps: Optional[Dict[str, Set[str]]] = None
        self._reached: Optional[Set[str]] = None
        self._replaced: Optional[Dict[Tuple[str, int], Tuple[str, int]]] = None
        self._apis: Optional[Dict[Obj, List[str]]] = None
        self._imported: Optional[Set[str]] = None
        self.guarded_dispatch: Set[str] = set()
        for data in self.ext.values():
            self.guarded_dispatch.update(data.get("guarded_dispatch") or ())

    # ------------------------------------------------ apps that never serve

    def reached_functions(self) -> Set[str]:
        """Module-level functions some running code calls or hands over:
        from module-level code, methods, decorated functions (a CLI command,
        a fixture, a route), test modules and the factories ``flask run``
        looks for (``create_app``, ``make_app``), through the call graph."""
        if self._reached is not None:
            return self._reached
        index = self.index
        edges: Dict[str, Set[str]] = {}
        roots: Set[str] = set()
        for module, data in self.ext.items():
            roots.add(module)
            for runner, value in data.get("uses") or ():
                for obj in flatten(index.evaluate(value)):
                    if obj[0] in ("function", "class"):
                        edges.setdefault(runner, set()).add(obj[1])
        for module, summary in index.iter_modules():
            for value in (summary.get("exports") or {}).values():  # imported or aliased elsewhere
                if value and value[0] == "q":
                    obj = index.evaluate(value)
                    if obj[0] == "function":
                        roots.add(obj[1])
            if is_test_module(module):
                roots.update(q for q in summary.get("functions") or () if q.startswith(module + "."))
            for name in ("create_app", "make_app"):
                roots.add(f"{module}.{name}")
        reached: Set[str] = set()
        stack = list(roots)
        while stack:
            current = stack.pop()
            if current in reached:
                continue
            reached.add(current)
            stack.extend(edges.get(current, ()))
        self._reached = reached
        return reached

    def imported_modules(self) -> Set[str]:
        if self._imported is None:
            found: Set[str] = set()
            for module, summary in self.index.iter_modules():
                found.update(m for m in summary.get("imports") or () if m != module)
            self._imported = found
        return self._imported

    def never_serves(self, key: str) -> Optional[str]:
        """Why the app created at ``key`` never answers a real client: built
        by a function nothing calls (a ``make_doc()`` for Sphinx), or in a
        script (a benchmark, a docs build) that no module imports and that
        only drives the app with its test client."""
        module = self.creations.get(key, ("", UNKNOWN))[0]
        data = self.ext.get(module) or {}
        outer = (data.get("created_in") or {}).get(key)
        if outer is not None and outer not in self.reached_functions():
            return f"{outer} is never called"
        if module in self.imported_modules():
            return None
        uses: Set[str] = set()
        for owner_module, other in self.ext.items():
            for value, attr in other.get("app_calls") or ():
                if value != UNKNOWN and ("app", key) in flatten(self.index.evaluate(value)):
                    uses.add(attr if owner_module == module else "elsewhere")
        if "run" in uses or "elsewhere" in uses:
            return None
        for callee, _written in self.index.unfollowed_callees(("app", key)):
            if dotted_root(callee) in SERVER_PACKAGES:
                return None
        path = self.index.path_of_module(module) or ""
        folders = set(path.replace("\\", "/").split("/")[:-1])
        if folders & SCRIPT_FOLDERS:
            return "it is built in a script folder and never run"
        if uses & {"test_client", "test_request_context"}:
            return "its own module only drives it with the test client"
        return None

    # ------------------------------------------- FLK208 across module imports

    def replaced_elsewhere(self) -> Dict[Tuple[str, int], Tuple[str, int]]:
        """(module, line) of a module-level registration -> (module, line)
        of the registration in another module that replaces it: the modules'
        unconditional top-level statements run in import order from the
        module that created the app or blueprint, and both modules are only
        ever imported that way (so nothing imports one of them earlier)."""
        if self._replaced is not None:
            return self._replaced
        found: Dict[Tuple[str, int], Tuple[str, int]] = {}
        index = self.index
        tops = self.tops
        importers: Dict[str, Set[str]] = {}
        for module, summary in index.iter_modules():
            for name in summary.get("imports") or ():
                if name in index.modules and name != module:
                    importers.setdefault(name, set()).add(module)
        top_importers: Dict[str, Set[str]] = {}
        for module, events in tops.items():
            for event in events:
                if event[0] == "import":
                    for name in event[1]:
                        top_importers.setdefault(name, set()).add(module)
        orderly = {m for m in tops if importers.get(m, set()) <= top_importers.get(m, set())}
        groups: Dict[Tuple[str, int], Tuple[Any, ...]] = {}  # (module, line) -> (object, app-wide, key)
        modules_of: Dict[Tuple[Any, ...], Set[str]] = {}
        for module, events in tops.items():
            for event in events:
                if event[0] != "reg":
                    continue
                _kind, target, method, key, _func, line = event
                atoms = self.atoms(key)
                objs = flatten(index.evaluate(target)) if target != UNKNOWN else [NOTHING]
                if len(atoms) != 1 or len(objs) != 1 or objs[0][0] not in ("app", "blueprint"):
                    continue
                atom = next(iter(atoms))
                if atom[0] in ("code", "exc"):
                    group = (objs[0], method == "app_errorhandler", atom)
                    groups[(module, int(line))] = group
                    modules_of.setdefault(group, set()).add(module)
        shared = {group for group, modules in modules_of.items() if len(modules) > 1}
        roots = {self.creations.get(group[0][1], ("", UNKNOWN))[0] for group in shared}
        for root in sorted(r for r in roots if r in tops):
            order: List[Tuple[str, List[Any]]] = []
            self._run_top_level(root, set(), order)
            last: Dict[Tuple[Any, ...], Tuple[str, List[Any]]] = {}
            for module, event in order:
                _kind, _target, _method, _key, func, line = event
                in_group = groups.get((module, int(line)))
                if in_group is None or in_group not in shared:
                    continue
                before = last.get(in_group)
                last[in_group] = (module, event)
                if before is None or before[0] == module or not {before[0], module} <= orderly | {root}:
                    continue
                if before[1][4] != UNKNOWN and before[1][4] == func:
                    continue  # the same function again
                found.setdefault((before[0], int(before[1][5])), (module, int(line)))
        self._replaced = found
        return found

    def _run_top_level(self, module: str, seen: Set[str], order: List[Tuple[str, List[Any]]]) -> None:
        """The registrations importing ``module`` runs, in order (depth first)."""
        seen.add(module)
        stack: List[Tuple[str, Iterator[Any]]] = [(module, iter(self.tops.get(module, ())))]
        while stack:
            current, events = stack[-1]
            event = next(events, None)
            if event is None:
                stack.pop()
            elif event[0] != "import":
                order.append((current, event))
            else:
                names = [n for n in event[1] if n in self.tops and n not in seen]
                if names:  # one module at a time: it may import the next one itself
                    stack[-1] = (current, itertools.chain([["import", names[1:]]], events))
                    seen.add(names[0])  # (Python marks a module imported before running it)
                    stack.append((names[0], iter(self.tops.get(names[0], ()))))

    # --------------------------------------------------- PROPAGATE_EXCEPTIONS

    def propagates(self, key: str) -> bool:
        """Whether the app's config may set PROPAGATE_EXCEPTIONS (literally
        true, or to a value that is not a literal): unhandled exceptions then
        go to the server and no 500 handler runs for them."""
        target: Obj = ("app", key)
        for _module, data in self.ext.items():
            for owner, flag in data.get("propagate") or ():
                if flag is not False and self._config_of(owner, target):
                    return True
            for owner, what in data.get("config_objects") or ():
                if self._config_of(owner, target) and self._object_propagates(what):
                    return True
        return False

    def _config_of(self, owner: Value, target: Obj) -> bool:
        if owner == UNKNOWN:
            return False
        for obj in flatten(self.index.evaluate(owner)):
            if obj == target:
                return True
            if obj[0] == "param":
                sources, _unknown = self.param_sources(obj[1], obj[2])
                if target in sources:
                    return True
        return False

    def _object_propagates(self, what: Value) -> bool:
        obj = self.index.evaluate(what) if what != UNKNOWN else NOTHING
        if obj[0] in ("class", "instance") and obj[1] in self.index.classes:
            quals = [obj[1]] + [q for q in self.index.base_qualnames(obj[1]) if q in self.index.classes]
            for qual in quals:
                module = self.index.classes[qual][0]
                flags = (self.ext.get(module) or {}).get("propagate_classes") or {}
                if qual in flags:
                    return flags[qual] is not False
            return False
        if obj[0] == "module":
            flag = (self.ext.get(obj[1]) or {}).get("module_propagate", False)
            return flag is not False
        return False

    # ------------------------------------------------------------ basics

    def atoms(self, key: Value) -> FrozenSet[Atom]:
        try:
            found = self._atoms.get(key)
        except TypeError:
            return frozenset({UNKNOWN_KEY})
        if found is None:
            found = key_atoms(self.index, key)
            self._atoms[key] = found
        return found

    def opaque(self, func_qual: str) -> bool:
        """Whether the module holding a function gives no facts (see the extension)."""
        entry = self.index.functions.get(func_qual)
        return entry is None or entry[0] not in self.ext

    def cannot_raise(self, func_qual: str, http_error: bool = False) -> bool:
        """Whether no exception but an HTTPException can leave the function
        (``http_error``: when it is given an HTTPException), its decorators
        being pure pass-throughs (see :func:`cannot_raise`)."""
        row = self.funcs.get(func_qual)
        flag = row[3] if row and len(row) > 3 else False
        if not isinstance(flag, (list, tuple)) or not flag or (flag[0] == "http" and not http_error):
            return False
        for value in flag[1:]:
            obj = self.index.evaluate(value)
            if obj[0] != "function" or obj[1] not in self.pure:
                return False
        return True

    def func_row(self, func_qual: str) -> Optional[Tuple[Any, ...]]:
        return self.funcs.get(func_qual)

    def http_passage(self, func: Obj) -> Optional[str]:
        if func[0] != "function":
            return None
        row = self.funcs.get(func[1])
        return row[1] if row else None

    def param_sources(self, func: str, param: str) -> Tuple[FrozenSet[Obj], bool]:
        """The objects a parameter receives (through other parameters too),
        and whether some caller passes something the index cannot see."""
        memo = self._sources.get((func, param))
        if memo is not None:
            return memo
        incoming = self.index.incoming()
        objs: Set[Obj] = set()
        unknown = False
        seen: Set[Tuple[str, str]] = set()
        stack = [(func, param)]
        while stack:
            current = stack.pop()
            if current in seen:
                continue
            seen.add(current)
            values = incoming.get(current)
            if not values:
                unknown = True
                continue
            for value in values:
                for obj in flatten(value):
                    if obj[0] == "param":
                        stack.append((obj[1], obj[2]))
                    elif obj == NOTHING or obj[0] == "elt":
                        unknown = True
                    else:
                        objs.add(obj)
        result = (frozenset(objs), unknown)
        self._sources[(func, param)] = result
        return result

    def callee_verdict(self, callee: Obj, written: Value = UNKNOWN, _depth: int = 0) -> str:
        """"ok" (cannot install error handling), "extension" (installs its
        own) or "unknown" for a callable the index cannot follow."""
        kind = callee[0]
        if callee == NOTHING:
            return self._method_verdict(written, _depth)
        if kind in ("external", "instance"):
            if any(str(callee[1]) == api or str(callee[1]).startswith(api + ".") for api in RESOURCE_ONLY_APIS):
                return "ok"  # Api(app): see _api_handling()
            root = dotted_root(callee)
            if root in ERROR_HANDLING_PACKAGES:
                return "extension"
            return "ok" if root in ERROR_NEUTRAL_PACKAGES else "unknown"
        if kind == "bound":
            if callee[2] in FLASK_METHODS:
                return "ok"
            owner = callee[1]
            if callee[2] == "init_app" and isinstance(owner, tuple) and owner[:1] == ("api",):
                # api.init_app(app): an Api that answers for its own
                # resources only (see _api_handling()), or for the whole app.
                return "ok" if self._resource_only_api(owner[1]) else "extension"
            return "unknown"
        if kind == "class":
            if RESOURCE_ONLY_APIS.intersection(self.index.base_qualnames(callee[1])):
                return "ok"
            if self.index.class_kind(callee[1]) == "api":
                return "extension"
            roots = {b.split(".", 1)[0] for b in self.index.base_qualnames(callee[1])}
            if roots & ERROR_HANDLING_PACKAGES:
                return "extension"
            return "ok" if roots <= ERROR_NEUTRAL_PACKAGES else "unknown"
        return "unknown"

    def _method_verdict(self, written: Value, depth: int) -> str:
        """A method the index does not resolve: ``db.init_app(app)`` on an
        instance of a project subclass of an extension class, or
        ``config[name].init_app(app)`` on a dict of project classes."""
        if depth > 3 or not written:
            return "unknown"
        if written[0] == "m":
            base, attr = written[1], written[2]
        elif written[0] == "q" and "." in written[1]:
            head, _, attr = written[1].rpartition(".")
            base = ("q", head)
        else:
            return "unknown"
        index = self.index
        owners = flatten(index.evaluate(base))
        verdicts: Set[str] = set()
        for owner in owners:
            if owner[0] in ("param", "app", "blueprint"):
                # app.register_blueprint(bp) inside register_blueprints(app)
                verdicts.add("ok" if attr in FLASK_METHODS else "unknown")
            elif owner[0] in ("class", "instance") and owner[1] in index.classes:
                method = index.find_method(owner[1], attr)
                if method:
                    verdicts.add(self._function_verdict(method, depth + 1))
                    continue
                roots = {b.split(".", 1)[0] for b in index.base_qualnames(owner[1])}
                if roots & ERROR_HANDLING_PACKAGES:
                    verdicts.add("extension")
                else:
                    verdicts.add("ok" if roots and roots <= ERROR_NEUTRAL_PACKAGES else "unknown")
            elif owner[0] in ("external", "instance"):
                verdicts.add(self.callee_verdict(("external", f"{owner[1]}.{attr}")))
            else:
                verdicts.add("unknown")
        for verdict in ("extension", "unknown"):
            if verdict in verdicts:
                return verdict
        return "ok" if verdicts else "unknown"

    def _function_verdict(self, func: str, depth: int) -> str:
        """A project function reached without the index linking its
        parameters: "ok" when none of them registers anything or escapes."""
        entry = self.index.functions.get(func)
        if entry is None or self.opaque(func):
            return "unknown"
        for param in entry[1].get("params", ()):
            holder: Obj = ("param", func, param)
            regs = self.index.registrations_on(holder)
            if regs.get("handlers") or regs.get("bp_regs"):
                return "unknown"
            for callee, written in self.index.unfollowed_callees(holder):
                verdict = self.callee_verdict(callee, written, depth + 1)
                if verdict != "ok":
                    return verdict
            reached, _ = self.index.object_reaches(holder)
            if any(self.opaque(f) for f, _p in reached):
                return "unknown"
        return "ok"

    def answers(self, func_qual: str) -> Optional[str]:
        row = self.funcs.get(func_qual)
        return row[2] if row else None

    def class_answers(self, class_qual: str) -> Optional[str]:
        kinds = set()
        for method in ("get", "post", "put", "patch", "delete"):
            found = self.index.find_method(class_qual, method)
            if found:
                kinds.add(self.answers(found))
        for kind in ("html", "json", "text"):
            if kind in kinds:
                return kind
        return None

    # ------------------------------------------------------- apps, blueprints

    def app(self, key: str) -> ScopeErrors:
        found = self._apps.get(key)
        if found is None:
            found = self._compute_app(key)
            self._apps[key] = found
        return found

    def all_apps(self) -> List[ScopeErrors]:
        return [self.app(key) for key, _module, _line in self.index.objects("app")]

    def _compute_app(self, key: str) -> ScopeErrors:
        index = self.index
        obj: Obj = ("app", key)
        module, callee = self.creations.get(key, ("", UNKNOWN))
        result = ScopeErrors(key, module)
        holders: List[Obj] = [obj]
        cls = index.evaluate(callee) if callee != UNKNOWN else NOTHING
        if cls[0] == "external":
            self._external_app_class(result, cls[1], module)
        elif cls[0] == "class":
            holders += self._project_app_class(result, cls[1])
        regs: Dict[str, List[Tuple[str, tuple]]] = {}
        for holder in holders:
            for kind, facts in index.registrations_on(holder).items():
                regs.setdefault(kind, []).extend(facts)
            self._check_escapes(result, holder)
            if holder in self.custom:
                result.handled.append("its error handling methods are replaced")
        self._api_handling(result, obj)
        self._add_handlers(result, regs.get("handlers", ()), app_level=True)
        self._add_views(result, regs.get("routes", ()))
        self._add_hooks(result, regs.get("hooks", ()))
        pending = list(regs.get("bp_regs", ()))
        while pending:
            _module, fact = pending.pop()
            keys, unknown = self._resolve_blueprints(index.evaluate(fact[1]) if fact[1] != UNKNOWN else NOTHING)
            if unknown:
                result.uncertain.append("a blueprint registered on it cannot be resolved")
            for bp_key in sorted(keys - result.blueprints):
                result.blueprints.add(bp_key)
                bp = self.blueprint(bp_key)
                result.app_atoms.extend(bp.app_atoms)
                result.bp_atoms.extend(bp.bp_atoms)
                result.exception_handlers.extend(bp.exception_handlers)
                result.wide_exception_handlers.extend(bp.wide_exception_handlers)
                result.views.update(bp.views)
                if any(atoms & SERVER_ERROR_ATOMS for atoms in bp.bp_atoms):
                    # bp.errorhandler(500) does catch crashes in that blueprint's views
                    result.covered_blueprints.append(bp_key)
                else:
                    result.crash_paths += bp.crash_paths
                result.uncertain.extend(bp.uncertain)
                result.handled.extend(bp.handled)
                pending.extend(index.registrations_on(("blueprint", bp_key)).get("bp_regs", ()))
        return result

    def blueprint(self, key: str) -> ScopeErrors:
        found = self._blueprints.get(key)
        if found is None:
            index = self.index
            obj: Obj = ("blueprint", key)
            found = ScopeErrors(key)
            regs = index.registrations_on(obj)
            self._add_handlers(found, regs.get("handlers", ()), app_level=False)
            self._add_views(found, regs.get("routes", ()))
            self._add_hooks(found, regs.get("hooks", ()))
            self._check_escapes(found, obj)
            self._api_handling(found, obj)
            self._blueprints[key] = found
        return found

    def apis_on(self, obj: Obj) -> List[str]:
        """Keys of the Api objects built on ``obj`` (``Api(app)``, ``api.init_app(app)``)."""
        if self._apis is None:
            table: Dict[Obj, List[str]] = {}
            for target, params in self.index.passed_to().items():
                for param in params:
                    if param[0] == "<api>":
                        table.setdefault(target, []).append(param[1])
            for _name, summary in self.index.iter_modules():
                for callee, args, _line, _scope in summary.get("calls", ()):
                    bound = self.index.evaluate(callee)
                    if bound[0] == "bound" and bound[1][0] == "api" and bound[2] == "init_app":
                        for arg in args.values():
                            for target in flatten(self.index.evaluate(arg)):
                                table.setdefault(target, []).append(bound[1][1])
            self._apis = table
        return self._apis.get(obj, [])

    def _api_handling(self, result: ScopeErrors, obj: Obj) -> None:
        """Flask-RESTful and Flask-RESTX answer the errors of their own
        resources only (and unknown URLs with ``catch_all_404s=True``): the
        other views of the app keep Flask's pages.  Other Api classes
        (flask-smorest registers an HTTPException handler on the app) answer
        for the whole app."""
        for api_key in self.apis_on(obj):
            if not self._resource_only_api(api_key):
                result.handled.append("an Api extension answers its errors")
                continue
            module = self.creations.get(api_key, ("", UNKNOWN))[0]
            summary = self.index.modules.get(module) or {}
            args = (summary.get("ctor_args") or {}).get(api_key) or {}
            catch_all = args.get("catch_all_404s", False)
            if catch_all is True:
                result.app_atoms.append(frozenset({("code", 404)}))
            elif catch_all is not False:
                result.uncertain.append("catch_all_404s= is not a literal")

    def _resource_only_api(self, api_key: str) -> bool:
        callee = self.creations.get(api_key, ("", UNKNOWN))[1]
        cls = self.index.evaluate(callee) if callee != UNKNOWN else NOTHING
        if cls[0] == "external":
            return cls[1] in RESOURCE_ONLY_APIS
        if cls[0] == "class":
            return bool(RESOURCE_ONLY_APIS.intersection(self.index.base_qualnames(cls[1])))
        return False

    def apps_of_blueprint(self, key: str) -> List[ScopeErrors]:
        if self._bp_apps is None:
            mapping: Dict[str, Set[str]] = {}
            for app in self.all_apps():
                for bp_key in app.blueprints:
                    mapping.setdefault(bp_key, set()).add(app.key)
            self._bp_apps = mapping
        return [self.app(k) for k in sorted(self._bp_apps.get(key, ()))]

    def _external_app_class(self, result: ScopeErrors, dotted: str, module: str) -> None:
        if dotted.split(".", 1)[0] not in ERROR_HANDLING_PACKAGES:
            return
        json_errors = (self.ext.get(module) or {}).get("json_errors") or {}
        if dotted == "apiflask.APIFlask" and result.key in json_errors:
            value = json_errors[result.key]
            if value is False:
                return  # APIFlask(json_errors=False): plain Flask error pages
            if value is not True:
                result.uncertain.append("json_errors= is not a literal")
                return
        result.handled.append(f"{dotted} answers HTTP errors itself")

    def _project_app_class(self, result: ScopeErrors, class_qual: str) -> List[Obj]:
        """A Flask subclass: handlers registered on ``self`` in its methods
        count, and overriding the error machinery means custom handling."""
        index = self.index
        holders: List[Obj] = []
        stack, seen = [class_qual], set()
        while stack:
            current = stack.pop()
            if current in seen or current not in index.classes:
                continue
            seen.add(current)
            info = index.classes[current][1]
            methods = list(info.get("methods", ()))
            if CUSTOM_HANDLING_METHODS.intersection(methods):
                result.handled.append(f"{current} overrides Flask's error handling")
            for method in methods:
                entry = index.functions.get(f"{current}.{method}")
                params = list(entry[1].get("params", ())) if entry else []
                if params:
                    holders.append(("param", f"{current}.{method}", params[0]))
            for base in info.get("bases", ()):
                base_obj = index.evaluate(base)
                if base_obj[0] == "class":
                    stack.append(base_obj[1])
                elif base_obj[0] == "external":
                    if base_obj[1].split(".", 1)[0] in ERROR_HANDLING_PACKAGES:
                        result.handled.append(f"{base_obj[1]} answers HTTP errors itself")
                else:
                    result.uncertain.append(f"a base class of {current} cannot be resolved")
        return holders

    def _check_escapes(self, result: ScopeErrors, holder: Obj) -> None:
        index = self.index
        for callee, written in index.unfollowed_callees(holder):
            verdict = self.callee_verdict(callee, written)
            if verdict == "extension":
                result.handled.append(f"it is passed to {callee[1:]}, which answers errors itself")
            elif verdict == "unknown":
                result.uncertain.append("it is passed to a callable the index cannot follow")
        reached, _ = index.object_reaches(holder)
        for func, _param in reached:
            if self.opaque(func):
                result.uncertain.append(f"it is passed to {func}, in a module the index sees only in part")

    def _add_handlers(self, result: ScopeErrors, facts: Iterable[Tuple[str, tuple]], app_level: bool) -> None:
        for _module, fact in facts:
            atoms = self.atoms(fact[2])
            func = self.index.evaluate(fact[3]) if fact[3] != UNKNOWN else NOTHING
            if not (func[0] == "function" and self.cannot_raise(func[1], self._http_only(atoms))):
                result.crash_paths += 1  # a handler that raises ends in the 500 page too
            if app_level or fact[1] == "app_errorhandler":
                result.app_atoms.append(atoms)
            else:
                result.bp_atoms.append(atoms)
            if EXC_ATOM in atoms or UNKNOWN_KEY in atoms:
                func = self.index.evaluate(fact[3]) if fact[3] != UNKNOWN else NOTHING
                result.exception_handlers.append(func)
                if app_level or fact[1] == "app_errorhandler":
                    result.wide_exception_handlers.append(func)

    def _http_only(self, atoms: FrozenSet[Atom]) -> bool:
        """Every key is an HTTP error: the handler only ever gets an HTTPException."""
        for kind, what in atoms:
            if kind == "code":
                continue
            if kind == "exc" and (
                what == HTTP_EXCEPTION
                or werkzeug_exception_code(what) is not None
                or HTTP_EXCEPTION in self.index.base_qualnames(what)
            ):
                continue
            return False
        return bool(atoms)

    def _add_views(self, result: ScopeErrors, facts: Iterable[Tuple[str, tuple]]) -> None:
        index = self.index
        for module, fact in facts:
            view = fact[4]
            obj = index.evaluate(view) if view != UNKNOWN else NOTHING
            if obj == NOTHING and view[0] == "new":  # SomeView.as_view("name")
                callee = view[1]
                if callee[0] == "m" and callee[2] == "as_view":
                    obj = index.evaluate(callee[1])
                elif callee[0] == "q" and callee[1].endswith(".as_view"):
                    obj = index.evaluate(("q", callee[1][: -len(".as_view")]))
            if obj[0] == "function":
                entry = index.functions.get(obj[1])
                opaque = self.opaque(obj[1]) and not (entry and entry[0] in self.light_modules)
                result.views[obj[1]] = None if opaque else self.answers(obj[1])
                if opaque or not self.cannot_raise(obj[1]):
                    result.crash_paths += 1
            elif obj[0] == "class":
                result.views[obj[1]] = self.class_answers(obj[1])
                dispatch = index.find_method(obj[1], "dispatch_request")
                if not (dispatch and dispatch.rpartition(".")[0] in self.guarded_dispatch):
                    result.crash_paths += 1  # (a project base's dispatch_request may answer every crash)
            else:
                result.views[f"{module}:{fact[5]}"] = None
                result.crash_paths += 1

    def _add_hooks(self, result: ScopeErrors, facts: Iterable[Tuple[str, tuple]]) -> None:
        # An exception in a before/after hook goes to the error handlers (one
        # in a teardown function does not), so such a hook can crash a request.
        # An after-request function that only sets headers cannot raise.
        for _module, fact in facts:
            kind = str(fact[1])
            if kind.startswith("teardown"):
                continue
            if kind.startswith("after"):
                func = self.index.evaluate(fact[2]) if fact[2] != UNKNOWN else NOTHING
                if func[0] == "function" and self.cannot_raise(func[1]):
                    continue
            result.crash_paths += 1

    def _resolve_blueprints(self, child: Obj) -> Tuple[Set[str], bool]:
        keys: Set[str] = set()
        unknown = False
        pending = [child]
        seen: Set[Obj] = set()
        while pending and len(seen) < 500:
            current = pending.pop()
            if current in seen:
                continue
            seen.add(current)
            kind = current[0]
            if kind == "blueprint":
                keys.add(current[1])
            elif kind == "seq":
                pending.extend(current[1])
            elif kind == "param":
                objs, missing = self.param_sources(current[1], current[2])
                pending.extend(objs)
                unknown = unknown or missing
            elif kind == "elt" and current[1][0] == "param":
                objs, missing = self.param_sources(current[1][1], current[1][2])
                for obj in objs:
                    pending.extend(obj[1] if obj[0] == "seq" else [obj])
                unknown = unknown or missing
            elif kind in ("external", "instance"):
                if dotted_root(current) not in ERROR_NEUTRAL_PACKAGES:
                    unknown = True
            else:
                unknown = True
        return keys, unknown

    # ------------------------------------------------------------ orphans

    def orphan_atoms(self) -> FrozenSet[Atom]:
        """Keys of handlers registered on something the index cannot tie to
        an app (``current_app``, a parameter nobody visible passes an app
        to, a blueprint registered nowhere it can see): any app may have them."""
        if self._orphans is None:
            registered: Set[str] = set()
            for app in self.all_apps():
                registered |= app.blueprints
            out: Set[Atom] = set()
            for _module, fact in self.handlers:
                atoms = self.atoms(fact[2])
                target = self.index.evaluate(fact[0]) if fact[0] != UNKNOWN else NOTHING
                for obj in flatten(target):
                    if self._is_orphan(obj, fact[1], registered):
                        out |= atoms
            self._orphans = frozenset(out)
        return self._orphans

    def _is_orphan(self, obj: Obj, method: str, registered: Set[str]) -> bool:
        kind = obj[0]
        if kind in ("app", "api", "namespace"):
            return False
        if kind == "blueprint":
            return method == "app_errorhandler" and obj[1] not in registered
        if kind == "param":
            owner = obj[1].rpartition(".")[0]
            if owner in self.index.classes and self.index.class_kind(owner) == "app":
                return False  # self in a Flask subclass: counted for each of its apps
            objs, unknown = self.param_sources(obj[1], obj[2])
            if unknown:
                return True
            return any(self._is_orphan(o, method, registered) for o in objs if o[0] != "param")
        if kind in ("external", "instance"):
            return dotted_root(obj) not in ERROR_NEUTRAL_PACKAGES or str(obj[1]).startswith("flask.current_app")
        return True


def project_errors(index: ProjectIndex) -> ProjectErrors:
    """The project facts, computed once per index state."""
    found = index.memoised("errors", ProjectErrors)
    assert isinstance(found, ProjectErrors)
    return found
