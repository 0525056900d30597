"""Project-wide context facts for the FLK4xx rules, computed once per index.

:class:`Project` gathers the ``context`` summary extension of every module and
answers "which context locals does this function use, directly or through the
project functions it calls", following calls across modules with the index.
"""

from __future__ import annotations

import weakref
from collections import deque
from typing import Any, Deque, Dict, Iterable, List, Optional, Sequence, Set, Tuple

from ..index import NOTHING, Obj, ProjectIndex
from ..model import FlaskModel, Value
from ..source import is_test_module
from ._context_facts import APP, COPY_WRAPPER, REQUEST, STREAM_WRAPPER, WITH_APPCONTEXT, context_facts

KNOWN_WRAPPERS = frozenset({COPY_WRAPPER, STREAM_WRAPPER, WITH_APPCONTEXT})

# (function qualname, use, context level the use runs under)
Found = Tuple[str, Tuple[Any, ...], int]

# Attributes of celery.Task itself: reading them is not an option of the project.
CELERY_TASK_ATTRS = frozenset(
    {
        "run", "request", "name", "app", "apply_async", "delay", "retry", "backend", "update_state", "subtask",
        "s", "si", "signature", "max_retries", "default_retry_delay", "bind", "acks_late", "ignore_result",
        "on_failure", "on_success", "on_retry", "after_return", "__call__", "__class__", "__self__", "__wrapped__",
    }
)


class Project:
    """The ``context`` facts of every module, and searches over them."""

    def __init__(self, index: ProjectIndex, overlay: Optional[Dict[str, Any]] = None) -> None:
        self.index = index
        self.facts: Dict[str, Dict[str, Any]] = {}
        for _module, data in index.extension("context"):
            if isinstance(data, dict):
                functions = data.get("f")
                if isinstance(functions, dict):
                    self.facts.update(functions)
        if overlay:
            self.facts.update(overlay)
        self._reach: Dict[Tuple[str, int, bool], List[Found]] = {}
        self._binding: Set[Tuple[str, int]] = set()  # bound reaches in progress (recursive helpers)
        self._decorator_push: Dict[str, int] = {}
        self._task_classes: Optional[Dict[str, Optional[Set[str]]]] = None
        self._runs_under: Optional[Dict[str, int]] = None
        self._plain: Dict[str, bool] = {}
        self._helpers: Optional[Set[str]] = None
        self._thread_classes: Optional[Set[str]] = None
        self._import_levels: Optional[Dict[str, int]] = None
        self.start_methods: Set[str] = set()  # what multiprocessing.set_start_method selects, project-wide
        for _module, data in index.extension("context"):
            if isinstance(data, dict):
                self.start_methods.update(str(m) for m in data.get("sm", ()))

    # ------------------------------------------------------------- facts

    def get(self, qual: str) -> Dict[str, Any]:
        return self.facts.get(qual) or {}

    def evaluate(self, value: Value) -> Obj:
        if not isinstance(value, tuple) or value == ("?",):
            return NOTHING
        return self.index.evaluate(value)

    def callees(self, value: Value) -> List[str]:
        """Project functions a call of ``value`` runs (a class runs its ``__init__``)."""
        obj = self.evaluate(value)
        if obj[0] in ("function", "method"):
            return [obj[1]]
        if obj[0] == "class" and self._plain_class(obj[1]):
            init = self.index.find_method(obj[1], "__init__")
            return [init] if init else []
        return []

    def _plain_class(self, class_qual: str) -> bool:
        """A class whose call surely runs its ``__init__``: no ``__new__`` and no
        third-party base (WTForms fields, for one, return an UnboundField)."""
        if class_qual not in self._plain:
            bases = self.index.base_qualnames(class_qual)
            new = self.index.find_method(class_qual, "__new__")
            self._plain[class_qual] = (new is None or self._makes_own_instance(new)) and all(
                b.startswith("builtins.") or b in ("abc.ABC", "object") for b in bases
            )
        return self._plain[class_qual]

    def _makes_own_instance(self, new: str) -> bool:
        """A ``__new__`` whose every return is ``object.__new__(cls)`` or
        ``super().__new__(cls)``: Python then runs ``__init__`` on it."""
        entry = self.index.functions.get(new)
        returns = list(entry[1].get("returns", ())) if entry else []
        if not returns:
            return False
        for value in returns:
            if not (isinstance(value, tuple) and len(value) > 1 and value[0] == "new"):
                return False
            callee = value[1]
            if callee == ("q", "builtins.object.__new__"):
                continue
            if (
                isinstance(callee, tuple) and len(callee) == 3 and callee[0] == "m" and callee[2] == "__new__"
                and isinstance(callee[1], tuple) and len(callee[1]) > 1 and callee[1][0] == "new"
                and callee[1][1] == ("q", "builtins.super")
            ):
                continue
            return False
        return True

    def module_of(self, qual: str) -> Optional[str]:
        entry = self.index.functions.get(qual)
        return entry[0] if entry else None

    def decorators(self, qual: str) -> List[Tuple[Obj, bool, Tuple[str, ...]]]:
        out = []
        for item in self.get(qual).get("d", ()):
            value, is_call, keywords = item[0], bool(item[1]), tuple(item[2])
            if isinstance(value, tuple) and len(value) == 2 and value[0] == "q" and value[1] in KNOWN_WRAPPERS:
                # By its canonical name: in a project that vendors Flask (or is
                # Flask) the index would resolve it to project code.
                out.append((("external", value[1]), is_call, keywords))
            else:
                out.append((self.evaluate(value), is_call, keywords))
        return out

    def has_decorator(self, qual: str, dotted: str) -> bool:
        return any(obj == ("external", dotted) for obj, _call, _kw in self.decorators(qual))

    def decorator_push(self, qual: str) -> int:
        """The context a function's decorators push around it (0: none)."""
        if qual not in self._decorator_push:
            level = 0
            for obj, _is_call, _kw in self.decorators(qual):
                if obj == ("external", WITH_APPCONTEXT):
                    level = max(level, APP)
                elif obj in (("external", COPY_WRAPPER), ("external", STREAM_WRAPPER)):
                    level = max(level, REQUEST)
                elif obj[0] == "function":
                    level = max(level, int(self.get(obj[1]).get("dp", 0) or 0))
            self._decorator_push[qual] = level
        return self._decorator_push[qual]

    def thread_class_names(self) -> Set[str]:
        """Names of project classes derived from ``threading.Thread`` or
        ``multiprocessing.Process`` (a cheap filter for their instantiation)."""
        if self._thread_classes is None:
            bases = ("threading.Thread", "multiprocessing.Process", "multiprocessing.context.Process")
            self._thread_classes = {
                qual.rpartition(".")[2]
                for qual in self.index.classes
                if any(b in bases for b in self.index.base_qualnames(qual))
            }
        return self._thread_classes

    def helpers(self) -> Set[str]:
        """Project functions that hand one of their parameters to another thread."""
        if self._helpers is None:
            self._helpers = {qual for qual, facts in self.facts.items() if facts.get("ho")}
        return self._helpers

    # ------------------------------------------------------------ search

    def reach(self, qual: str, level: int = 0, certain: bool = False) -> List[Found]:
        """Every context use of ``qual`` and the functions it calls, breadth first.

        ``level`` is the context the caller provides.  Each use comes with
        the level it runs under; guarded functions (``has_request_context()``)
        are skipped with their callees.  ``certain`` follows only what runs
        whenever the function runs (no branch, loop body or handler).  Complete and order-independent, so
        linting one file gives the answers the whole project gets.
        """
        key = (qual, level, certain)
        if key in self._reach:
            return self._reach[key]
        found: List[Found] = []
        start = (qual, max(level, self.decorator_push(qual)))
        seen: Set[Tuple[str, int]] = {start}
        queue: Deque[Tuple[str, int]] = deque([start])
        while queue:
            current, current_level = queue.popleft()
            facts = self.get(current)
            if facts.get("gd"):
                continue
            for use in facts.get("u", ()):
                if not (certain and len(use) > 7 and use[7]):
                    found.append((current, tuple(use), current_level))
            for call in facts.get("c", ()):
                value, _line, call_level = call[0], call[1], call[2]
                if certain and len(call) > 3 and call[3]:
                    continue
                for callee in self.callees(value):
                    state = (callee, max(current_level, int(call_level), self.decorator_push(callee)))
                    bound = self._call_binds(callee, call)
                    if bound and (callee, state[1]) not in self._binding:
                        # The literals this call passes switch some of the callee's uses off.
                        self._binding.add((callee, state[1]))
                        try:
                            found.extend(self.reach_bound(callee, state[1], bound))
                        finally:
                            self._binding.discard((callee, state[1]))
                    elif state not in seen:
                        seen.add(state)
                        queue.append(state)
        self._reach[key] = found
        return found

    def _call_binds(self, callee: str, call: Sequence[Any]) -> Dict[str, int]:
        """The truth values a recorded call's literal arguments give the
        callee's parameters ({} when it passes none).  A method's keyword
        arguments only: whether ``self`` takes the first position depends on
        how it was called (``obj.save(...)`` or ``Model.save(obj, ...)``)."""
        if len(call) <= 5 or not call[5]:
            return {}
        positional, keywords = call[5]
        sig = self.get(callee).get("sig")
        if not sig:
            return {}
        if sig[0] and sig[0][0] in ("self", "cls"):
            positional = None
        return self.bind_arguments(callee, positional, dict(keywords), False)

    def uses_from(self, roots: Iterable[Tuple[str, int]], bindings: Optional[Dict[str, Dict[str, int]]] = None) -> List[Found]:
        """Every use reached from ``roots``; ``bindings`` gives, per root, the
        truth values a hand-over binds its parameters to (see :meth:`reach_bound`)."""
        out: List[Found] = []
        for qual, level in roots:
            bound = bindings.get(qual) if bindings else None
            out.extend(self.reach_bound(qual, level, bound) if bound else self.reach(qual, level))
        return out

    def reach_bound(self, qual: str, level: int, bound: Dict[str, int]) -> List[Found]:
        """:meth:`reach` for a call that binds some of ``qual``'s parameters to
        literals (``helper(items, notify=False)`` handed to a thread): the uses
        and calls of ``qual`` guarded by a parameter test the literal fails
        (``if notify:``, ``if not notify: return``, ``notify and ...``) never run."""
        facts = self.get(qual)
        if not facts.get("sig"):
            return self.reach(qual, level)
        if facts.get("gd"):
            return []
        start = max(level, self.decorator_push(qual))

        def live(item: Sequence[Any], slot: int) -> bool:
            if len(item) <= slot:
                return True
            return all(bound.get(str(name), truth) == truth for name, truth in item[slot])

        found: List[Found] = [(qual, tuple(use), start) for use in facts.get("u", ()) if live(use, 8)]
        seen: Set[Tuple[str, int]] = set()
        for call in facts.get("c", ()):
            if not live(call, 4):
                continue
            for callee in self.callees(call[0]):
                state = (callee, max(start, int(call[2])))
                if callee != qual and state not in seen:
                    seen.add(state)
                    found.extend(self.reach(*state))
        return found

    def bind_arguments(
        self, qual: str, positional: Optional[List[Optional[int]]], keywords: Dict[str, Optional[int]], bound_method: bool
    ) -> Dict[str, int]:
        """The truth values a call binds ``qual``'s parameters to: literal
        arguments, and literal defaults of the parameters it leaves out when
        every argument is known (``positional`` None: some are not)."""
        sig = self.get(qual).get("sig")
        if not sig:
            return {}
        names = list(sig[0])[1:] if bound_method else list(sig[0])
        out: Dict[str, int] = {}
        passed: Set[str] = set()
        if positional is not None:
            if len(positional) > len(names) and not sig[3]:
                return {}  # a call Python would refuse
            for name, truth in zip(names, positional):
                passed.add(name)
                if truth is not None:
                    out[name] = truth
        for name, truth in keywords.items():
            passed.add(name)
            if truth is not None:
                out[name] = truth
        if positional is not None:
            for name, truth in dict(sig[2]).items():
                if name not in passed:
                    out[str(name)] = int(truth)
        return out

    # ---------------------------------------------------- import time

    def runs_under(self) -> Dict[str, int]:
        """The highest context each project function is called under anywhere:
        views, hooks and error handlers run in a request, a call inside
        ``with app.app_context()`` in an app context, and callees inherit it."""
        if self._runs_under is None:
            levels: Dict[str, int] = {}
            queue: Deque[str] = deque()

            def lift(qual: str, level: int) -> None:
                if level > levels.get(qual, 0):
                    levels[qual] = level
                    queue.append(qual)

            for _module, summary in self.index.iter_modules():
                for kind, slot in (("routes", 4), ("handlers", 3), ("hooks", 2)):
                    for fact in summary.get(kind, ()):
                        if len(fact) > slot:
                            obj = self.evaluate(fact[slot])
                            if obj[0] == "function":
                                lift(obj[1], REQUEST)
            for facts in self.facts.values():
                for call in facts.get("c", ()):
                    if int(call[2]) > 0:
                        for callee in self.callees(call[0]):
                            lift(callee, int(call[2]))
            while queue:
                qual = queue.popleft()
                level = levels[qual]
                for call in self.get(qual).get("c", ()):
                    for callee in self.callees(call[0]):
                        lift(callee, max(level, int(call[2])))
            self._runs_under = levels
        return self._runs_under

    def import_level(self, module: str) -> Optional[int]:
        """The context a module is imported under: 0 for none, None when
        nothing in the project says how it is imported.

        The highest over its import sites: a module-level import runs under
        the importing module's own level (and any ``with app.app_context()``
        around it), an import inside a function under the context that
        function runs in.  Alembic's ``env.py`` runs inside ``flask db``,
        with an app context.  When a module is imported in several ways the
        highest wins: flask-lint cannot know which import comes first.

        Without a context around any of its imports, a module is known to be
        imported without one (0) when it is an entry point (see
        :meth:`entry_modules`) or is imported by a module that is known, at
        its module level or in a function (and so are the packages above
        it, which Python imports first).  A module that only code outside
        the project imports, or the project only by a string
        (``import_string(current_app.config["CLIENT"])``,
        ``importlib.import_module(name)``, often in a request), gives None.
        """
        if self._import_levels is None:
            modules = self.index.modules
            runs = self.runs_under()
            levels: Dict[str, int] = {}
            edges: Dict[str, List[str]] = {}
            known_edges: Dict[str, List[str]] = {}  # importer -> modules it imports, where the context is known
            for name, data in self.index.extension("context"):
                if not isinstance(data, dict):
                    continue
                if _alembic_revision(modules.get(name) or {}):
                    levels[name] = max(levels.get(name, 0), APP)  # loaded by Alembic, see below
                for names, level in data.get("i", ()):
                    if any(n == "alembic" or n.startswith("alembic.") for n in names):
                        # env.py and revision files run inside `flask db`, in an app context.
                        levels[name] = max(levels.get(name, 0), APP)
                    for imported in names:
                        if imported in modules and imported != name:
                            levels[imported] = max(levels.get(imported, 0), int(level))
                            edges.setdefault(name, []).append(imported)
                            known_edges.setdefault(name, []).append(imported)
                # A test function's imports run under whatever its fixtures or
                # setUp pushed, which the index does not see: they tell nothing.
                in_test = is_test_module(name)
                for qual, facts in (data.get("f") or {}).items():
                    for names, level in facts.get("im", ()):
                        site = max(int(level), runs.get(qual, 0))
                        for imported in names:
                            if imported in modules and imported != name:
                                levels[imported] = max(levels.get(imported, 0), site)
                                if not in_test:
                                    known_edges.setdefault(name, []).append(imported)
            queue: Deque[str] = deque(m for m, level in levels.items() if level > 0)
            while queue:
                current = queue.popleft()
                for child in edges.get(current, ()):
                    if levels[current] > levels.get(child, 0):
                        levels[child] = levels[current]
                        queue.append(child)
            known: Set[str] = set()

            def spread(seeds: Iterable[str]) -> None:
                pending = list(seeds)
                while pending:
                    current = pending.pop()
                    if current in known:
                        continue
                    known.add(current)
                    pending.extend(known_edges.get(current, ()))
                    parent = current.rpartition(".")[0]
                    if parent in modules:
                        pending.append(parent)

            spread([m for m, level in levels.items() if level > 0] + sorted(self.entry_modules()))
            # What is still unknown may be a `wsgi.py` building the app at module level.
            spread(sorted(m for m in modules if m not in known and self._builds_app(m)))
            self._import_levels = {m: levels.get(m, 0) for m in known}
        return self._import_levels.get(module)

    def entry_modules(self) -> Set[str]:
        """Modules that are run rather than imported by the project, so
        without a context: scripts (a module outside any package, a
        ``__main__`` or one with an ``if __name__ == "__main__":`` block),
        test modules (pytest imports them), and the modules that create an
        app (``app = Flask(__name__)``, an app factory: what ``flask --app``
        and WSGI servers import).  :meth:`_builds_app` adds the modules that
        build one at module level."""
        found: Set[str] = {module for _key, module, _line in self.index.objects("app")}
        for name, summary in self.index.iter_modules():
            data = summary.get("x:context")
            if _alembic_revision(summary):
                continue  # Alembic loads it, from env.py: not a script of its own
            if isinstance(data, dict) and data.get("e"):
                found.add(name)
            elif "." not in name and not summary.get("package"):
                found.add(name)
            elif is_test_module(name):
                found.add(name)
        return found

    def _builds_app(self, module: str) -> bool:
        """A module-level name bound to a call that returns an app (a
        ``wsgi.py`` doing ``app = create_app()``)."""
        summary = self.index.modules.get(module) or {}
        for value in (summary.get("exports") or {}).values():
            if isinstance(value, tuple) and value[:1] == ("new",) and self.evaluate(value)[0] == "app":
                return True
        return False

    # ------------------------------------------------------------- tasks

    def request_pushing_classes(self) -> Dict[str, Optional[Set[str]]]:
        """Project classes with a method that pushes a request context.

        Maps each class (and its project subclasses) to the options its
        pushing method reads from ``self`` (None when the push does not
        depend on any: it is unconditional).
        """
        if self._task_classes is None:
            own: Dict[str, Optional[Set[str]]] = {}
            for class_qual, (_module, info) in self.index.classes.items():
                pushing = False
                options: Set[str] = set()
                for method in info.get("methods", ()):
                    facts = self.get(f"{class_qual}.{method}")
                    if int(facts.get("p", 0) or 0) >= REQUEST:
                        pushing = True
                        options |= set(facts.get("sa", ())) - CELERY_TASK_ATTRS
                if pushing:
                    own[class_qual] = options or None
            result: Dict[str, Optional[Set[str]]] = dict(own)
            if own:
                for class_qual in self.index.classes:
                    if class_qual not in result:
                        for ancestor in self._project_ancestors(class_qual):
                            if ancestor in own:
                                result[class_qual] = own[ancestor]
                                break
            self._task_classes = result
        return self._task_classes

    def is_task_class(self, class_qual: str) -> bool:
        """A Celery task base: derives from celery's Task, or is named like one."""
        if class_qual.rpartition(".")[2].endswith("Task"):
            return True
        return any(b.startswith("celery") or b.endswith("Task") for b in self.index.base_qualnames(class_qual))

    def _project_ancestors(self, class_qual: str) -> List[str]:
        out: List[str] = []
        stack = [class_qual]
        seen: Set[str] = set()
        while stack:
            current = stack.pop()
            if current in seen or current not in self.index.classes:
                continue
            seen.add(current)
            for base in self.index.classes[current][1].get("bases", ()):
                obj = self.evaluate(base)
                if obj[0] == "class":
                    out.append(obj[1])
                    stack.append(obj[1])
        return out


_PROJECTS: weakref.WeakKeyDictionary[ProjectIndex, Tuple[object, Project]] = weakref.WeakKeyDictionary()


def project_for(index: ProjectIndex, model: FlaskModel, path: str) -> Project:
    """The project facts for ``index``, memoised on it until it changes."""
    here = index.module_for_path(path)
    if here is None or "x:context" not in here or index.modules.get(model.module) is not here:
        # The file is outside the index, or shadowed by a namesake: its own facts on top.
        own = context_facts(model)
        alone = Project(index, own["f"])
        alone.start_methods.update(own.get("sm", ()))
        return alone
    memoised = getattr(index, "memoised", None)
    if memoised is not None:
        project: Project = memoised("context", Project)
        return project
    entry = _PROJECTS.get(index)  # an index without family memos: keyed on its module table
    if entry is not None and entry[0] is index.modules:
        return entry[1]
    fresh = Project(index)
    _PROJECTS[index] = (index.modules, fresh)
    return fresh


def modules_to_check(index: ProjectIndex) -> Set[str]:
    """Modules that never mention Flask but may hold a FLK4xx finding (the
    ``chk`` mark of the ``context`` extension): checked all the same."""
    found: Set[str] = set()
    for module, data in index.extension("context"):
        if isinstance(data, dict) and data.get("chk"):
            found.add(module)
    return found


def _alembic_revision(summary: Dict[str, Any]) -> bool:
    """An Alembic revision script (``revision``, ``down_revision`` and
    ``upgrade()`` at module level, in a ``versions/`` folder with no
    ``__init__.py``): Alembic loads it from ``env.py``, which Flask-Migrate's
    ``flask db`` runs inside an application context."""
    exports = summary.get("exports") or {}
    return "revision" in exports and "down_revision" in exports and "upgrade" in exports
