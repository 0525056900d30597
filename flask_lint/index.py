"""The project index: cross-file facts from every Python file under the root.

It never imports or runs project code: each file is read, filtered with a
cheap byte search (:func:`source.is_relevant`), parsed and summarised
(:mod:`summary`).  Summaries are cached on disk in ``<root>/.flask-lint-cache``
keyed by a hash of the file's bytes, so an edited file is always re-read.
One index per project root is kept per process.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from typing import Any, Dict, Iterable, Iterator, List, Optional, Set, Tuple

from . import __version__
from .model import UNKNOWN, FlaskModel, Value, known_class_kind
from .names import canonical
from .source import SourceError, is_relevant, read_source
from .summary import FORMAT_VERSION, empty_summary, freeze_summary, summarise

ROOT_MARKERS = ("pyproject.toml", "setup.cfg", "setup.py", "tox.ini", ".flake8", ".git")
SKIP_DIRS = frozenset(
    {
        ".git", ".hg", ".svn", ".venv", "venv", ".env", "env", ".tox", ".nox", "node_modules",
        "__pycache__", "build", "dist", ".eggs", ".mypy_cache", ".pytest_cache", ".ruff_cache",
        "site-packages", ".flask-lint-cache", ".idea", ".vscode", "htmlcov",
    }
)
CACHE_DIR = ".flask-lint-cache"
MAX_FILE_BYTES = 5 * 1024 * 1024  # generated monsters are linted, not indexed

Obj = tuple  # ("app", key) ("blueprint", key) ("function", qual) ... ("?",)
NOTHING: Obj = ("?",)


def find_root(path: str) -> str:
    """Nearest ancestor (or the folder itself) holding a project marker."""
    start = os.path.abspath(path)
    current = start if os.path.isdir(start) else os.path.dirname(start)
    while True:
        if any(os.path.exists(os.path.join(current, marker)) for marker in ROOT_MARKERS):
            return current
        parent = os.path.dirname(current)
        if parent == current:
            return start if os.path.isdir(start) else os.path.dirname(start)
        current = parent


def module_name(path: str, root: str) -> Tuple[str, bool]:
    """Dotted module name from the package folders (``__init__.py``) above."""
    path = os.path.abspath(path)
    folder, filename = os.path.split(path)
    stem = filename[:-3] if filename.endswith(".py") else filename
    is_package = stem == "__init__"
    parts: List[str] = [] if is_package else [stem]
    while os.path.isfile(os.path.join(folder, "__init__.py")):
        folder, package = os.path.split(folder)
        parts.insert(0, package)
        if not package:
            break
    if not parts:
        parts = [os.path.basename(folder) or "__main__"]
    return ".".join(p.replace("-", "_") for p in parts), is_package


def iter_python_files(root: str) -> Iterator[str]:
    """Python files whose nearest project root is ``root`` (sorted, no symlinks out)."""
    real_root = os.path.realpath(root)
    for folder, dirs, files in os.walk(root):
        kept = []
        for name in sorted(dirs):
            if name in SKIP_DIRS or name.endswith(".egg-info"):
                continue
            sub = os.path.join(folder, name)
            if os.path.islink(sub) or os.path.exists(os.path.join(sub, "pyvenv.cfg")):
                continue
            if any(os.path.exists(os.path.join(sub, marker)) for marker in ROOT_MARKERS):
                continue  # a project of its own
            kept.append(name)
        dirs[:] = kept
        for name in sorted(files):
            if not name.endswith(".py"):
                continue
            path = os.path.join(folder, name)
            if os.path.islink(path):
                target = os.path.realpath(path)
                if not target.startswith(real_root + os.sep) or not os.path.isfile(target):
                    continue
            yield path


def file_digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def summarise_bytes(path: str, root: str, data: bytes) -> Dict[str, Any]:
    module, is_package = module_name(path, root)
    if len(data) > MAX_FILE_BYTES:
        return empty_summary(module, is_package)
    relevant = is_relevant(data)
    try:
        source = read_source(path, data)
        summary = summarise(FlaskModel(source.tree, module, is_package, light=not relevant))
    except (SourceError, RecursionError, MemoryError):
        return empty_summary(module, is_package)
    summary["relevant"] = relevant
    return summary


class ProjectIndex:
    """Summaries of every module under one root, and questions about them."""

    def __init__(self, root: str, summaries: Dict[str, Dict[str, Any]]) -> None:
        self.root = root
        self.by_path: Dict[str, Dict[str, Any]] = {}
        for rel, summary in summaries.items():
            self.by_path[rel] = freeze_summary(summary)
        self._reset()

    # ------------------------------------------------------------ building

    @classmethod
    def build(cls, root: str, use_cache: bool = True) -> ProjectIndex:
        root = os.path.abspath(root)
        cached = _load_cache(root) if use_cache else {}
        entries: Dict[str, Dict[str, Any]] = {}
        fresh: Dict[str, Any] = {}
        changed = False
        for path in iter_python_files(root):
            rel = os.path.relpath(path, root)
            try:
                with open(path, "rb") as handle:
                    data = handle.read()
            except OSError:
                continue
            digest = file_digest(data)
            hit = cached.get(rel)
            if hit is not None and hit.get("hash") == digest:
                entries[rel] = hit["summary"]
                fresh[rel] = hit
                continue
            summary = summarise_bytes(path, root, data)
            entries[rel] = summary
            fresh[rel] = {"hash": digest, "summary": summary}
            changed = True
        if use_cache and (changed or set(fresh) != set(cached)):
            _save_cache(root, fresh)
        return cls(root, entries)

    def update_file(self, path: str, summary: Dict[str, Any]) -> None:
        """Replace one module's facts (the file being linted, as read now)."""
        rel = os.path.relpath(os.path.abspath(path), self.root)
        frozen = freeze_summary(summary)
        if self.by_path.get(rel) != frozen:
            self.by_path[rel] = frozen
            self._reset()

    def _reset(self) -> None:
        self.modules: Dict[str, Dict[str, Any]] = {}
        for rel in sorted(self.by_path):
            summary = self.by_path[rel]
            self.modules.setdefault(summary["module"], summary)
        self.functions: Dict[str, Tuple[str, Dict[str, Any]]] = {}
        self.classes: Dict[str, Tuple[str, Dict[str, Any]]] = {}
        for name, summary in self.modules.items():
            for qual, info in summary.get("functions", {}).items():
                self.functions[qual] = (name, info)
            for qual, info in summary.get("classes", {}).items():
                self.classes[qual] = (name, info)
        self._memo: Dict[Any, Obj] = {}
        self._class_kinds: Dict[str, Optional[str]] = {}
        self._targets: Optional[Dict[Obj, Dict[str, list]]] = None
        self._param_in: Optional[Dict[Tuple[str, str], List[Obj]]] = None
        self._objects: Optional[Dict[str, List[Tuple[str, str, int]]]] = None
        self._external_modules: Optional[Set[str]] = None

    # ---------------------------------------------------------- evaluation

    def evaluate(self, value: Value, _depth: int = 0) -> Obj:
        """The concrete object a symbolic value stands for (or ("?",))."""
        if _depth > 30 or not value:
            return NOTHING
        memo_key = value
        try:
            if memo_key in self._memo:
                return self._memo[memo_key]
        except TypeError:  # an unhashable payload from a damaged cache
            return NOTHING
        self._memo[memo_key] = NOTHING  # cycle guard
        result = self._evaluate(value, _depth)
        self._memo[memo_key] = result
        return result

    def _evaluate(self, value: Value, depth: int) -> Obj:
        kind = value[0]
        if kind == "q":
            return self.resolve_qualname(value[1], depth)
        if kind == "def":
            qual = value[1]
            if qual in self.functions:
                return ("function", qual)
            if qual in self.classes:
                return ("class", qual)
            return NOTHING
        if kind == "p":
            return ("param", value[1], value[2])
        if kind == "seq":
            return ("seq", tuple(self.evaluate(v, depth + 1) for v in value[1]))
        if kind == "elt":
            inner = self.evaluate(value[1], depth + 1)
            if inner[0] in ("seq", "param"):
                return ("elt", inner) if inner[0] == "param" else inner
            return NOTHING
        if kind == "m":
            return self.attribute(self.evaluate(value[1], depth + 1), value[2], depth)
        if kind == "new":
            return self._call_result(self.evaluate(value[1], depth + 1), value[2], depth)
        return NOTHING

    def resolve_qualname(self, qual: str, depth: int = 0) -> Obj:
        qual = canonical(qual) or qual
        if qual in self.functions:
            return ("function", qual)
        if qual in self.classes:
            return ("class", qual)
        if qual in self.modules:
            return ("module", qual)
        head, _, tail = qual.rpartition(".")
        attrs = [tail]
        while head:
            if head in self.modules:
                summary = self.modules[head]
                name = attrs.pop()
                exported = summary.get("exports", {}).get(name)
                if exported is None:
                    sub = f"{head}.{name}"
                    result = ("module", sub) if sub in self.modules else NOTHING
                else:
                    result = self.evaluate(exported, depth + 1)
                for attr in reversed(attrs):
                    result = self.attribute(result, attr, depth)
                return result
            head, _, tail = head.rpartition(".")
            attrs.append(tail)
        if qual.startswith("builtins."):
            return ("external", qual)
        return ("external", qual)

    def attribute(self, obj: Obj, attr: str, depth: int) -> Obj:
        kind = obj[0]
        if kind == "module":
            return self.resolve_qualname(f"{obj[1]}.{attr}", depth + 1)
        if kind == "external":
            return ("external", f"{obj[1]}.{attr}")
        if kind in ("class", "instance"):
            method = self.find_method(obj[1], attr)
            if method:
                return ("function", method) if kind == "class" else ("method", method)
            if kind == "instance" and obj[1] not in self.classes:
                return ("external", f"{obj[1]}.{attr}")
        if kind in ("app", "blueprint", "api", "namespace"):
            return ("bound", obj, attr)
        return NOTHING

    def find_method(self, class_qual: str, name: str, _seen: Optional[Set[str]] = None) -> Optional[str]:
        seen = _seen or set()
        if class_qual in seen or class_qual not in self.classes:
            return None
        seen.add(class_qual)
        _, info = self.classes[class_qual]
        if name in info.get("methods", ()):
            return f"{class_qual}.{name}"
        for base in info.get("bases", ()):
            base_obj = self.evaluate(base)
            if base_obj[0] == "class":
                found = self.find_method(base_obj[1], name, seen)
                if found:
                    return found
        return None

    def _call_result(self, callee: Obj, key: str, depth: int) -> Obj:
        kind = callee[0]
        if kind == "external":
            found = known_class_kind(callee[1])
            if found in ("app", "blueprint", "api", "namespace"):
                return (found, key)
            return ("instance", callee[1])
        if kind == "class":
            found = self.class_kind(callee[1])
            if found in ("app", "blueprint", "api", "namespace"):
                return (found, key)
            return ("instance", callee[1])
        if kind == "function":
            _, info = self.functions[callee[1]]
            results = {self.evaluate(r, depth + 1) for r in info.get("returns", ())}
            results.discard(NOTHING)
            results = {r for r in results if r[0] != "param"}
            if len(results) == 1:
                return results.pop()
        return NOTHING

    def class_kind(self, class_qual: str, _seen: Optional[Set[str]] = None) -> Optional[str]:
        """app / blueprint / api / namespace / view / exception... for a project class."""
        if class_qual in self._class_kinds:
            return self._class_kinds[class_qual]
        seen = _seen or set()
        if class_qual in seen or class_qual not in self.classes:
            return None
        seen.add(class_qual)
        result: Optional[str] = None
        _, info = self.classes[class_qual]
        for base in info.get("bases", ()):
            base_obj = self.evaluate(base)
            if base_obj[0] == "external":
                result = known_class_kind(base_obj[1])
            elif base_obj[0] == "class":
                result = self.class_kind(base_obj[1], seen)
            if result:
                break
        self._class_kinds[class_qual] = result
        return result

    def base_qualnames(self, class_qual: str) -> List[str]:
        """External base classes reachable from a project class (MRO order, roughly)."""
        out: List[str] = []
        stack = [class_qual]
        seen: Set[str] = set()
        while stack:
            current = stack.pop(0)
            if current in seen or current not in self.classes:
                continue
            seen.add(current)
            for base in self.classes[current][1].get("bases", ()):
                obj = self.evaluate(base)
                if obj[0] == "external":
                    out.append(obj[1])
                elif obj[0] == "class":
                    stack.append(obj[1])
        return out

    # ------------------------------------------------------ project facts

    def objects(self, kind: str) -> List[Tuple[str, str, int]]:
        """(key, module, line) of every app / blueprint / api object created."""
        if self._objects is None:
            found: Dict[str, List[Tuple[str, str, int]]] = {}
            for name, summary in self.modules.items():
                for key, callee, _args, line in summary.get("creations", ()):
                    obj = self.evaluate(("new", callee, key))
                    if obj[0] in ("app", "blueprint", "api", "namespace") and obj[1] == key:
                        found.setdefault(obj[0], []).append((key, name, line))
            self._objects = found
        return self._objects.get(kind, [])

    def facts_by_target(self) -> Dict[Obj, Dict[str, list]]:
        """Registrations grouped by the object (or parameter) they act on."""
        if self._targets is None:
            grouped: Dict[Obj, Dict[str, list]] = {}
            for name, summary in self.modules.items():
                for kind in ("routes", "handlers", "hooks", "bp_regs"):
                    for fact in summary.get(kind, ()):
                        for target in self._flatten(self.evaluate(fact[0])):
                            grouped.setdefault(target, {}).setdefault(kind, []).append((name, fact))
            self._targets = grouped
        return self._targets

    def _flatten(self, obj: Obj) -> List[Obj]:
        if obj[0] == "seq":
            out: List[Obj] = []
            for item in obj[1]:
                out.extend(self._flatten(item))
            return out
        return [obj]

    def incoming(self) -> Dict[Tuple[str, str], List[Obj]]:
        """For each project-function parameter, the objects passed to it."""
        if self._param_in is None:
            result: Dict[Tuple[str, str], List[Obj]] = {}
            for _name, summary in self.modules.items():
                for callee, args, _line, _scope in summary.get("calls", ()):
                    target = self.callable_params(self.evaluate(callee))
                    for arg_key, arg in args.items():
                        arg_obj = self.evaluate(arg)
                        if target is None:
                            result.setdefault(("<unknown>", ""), []).append(arg_obj)
                            continue
                        func, params = target
                        if arg_key.isdigit():
                            index = int(arg_key)
                            if index >= len(params):
                                continue
                            param = params[index]
                        else:
                            param = arg_key
                        result.setdefault((func, param), []).append(arg_obj)
                # Api(app) / Api(bp): the extension takes the object over.
                for key, callee, cargs, _line in summary.get("creations", ()):
                    obj = self.evaluate(("new", callee, key))
                    if obj[0] == "api" and cargs:
                        result.setdefault(("<api>", key), []).append(self.evaluate(cargs[0]))
            self._param_in = result
        return self._param_in

    def callable_params(self, obj: Obj) -> Optional[Tuple[str, List[str]]]:
        """(function qualname, positional parameter names as callers see them)."""
        kind = obj[0]
        if kind == "function":
            _, info = self.functions[obj[1]]
            return obj[1], list(info.get("params", ()))
        if kind == "method":
            _, info = self.functions[obj[1]]
            return obj[1], list(info.get("params", ()))[1:]
        if kind == "class":
            init = self.find_method(obj[1], "__init__")
            if init:
                _, info = self.functions[init]
                return init, list(info.get("params", ()))[1:]
        return None

    def object_reaches(self, obj: Obj) -> Tuple[Set[Tuple[str, str]], bool]:
        """Parameters ``obj`` is passed into (transitively), and whether it
        escapes into a project callable the index cannot follow."""
        reached: Set[Tuple[str, str]] = set()
        escapes = False
        incoming = self.incoming()
        frontier = {obj}
        seen_objs: Set[Obj] = set()
        while frontier:
            current = frontier.pop()
            if current in seen_objs:
                continue
            seen_objs.add(current)
            for param, values in incoming.items():
                if current in values:
                    if param[0] == "<unknown>":
                        escapes = True
                    elif param[0] != "<api>" and param not in reached:
                        reached.add(param)
                        frontier.add(("param", param[0], param[1]))
        return reached, escapes

    def registrations_on(self, obj: Obj) -> Dict[str, List[Tuple[str, tuple]]]:
        """Routes, handlers, hooks and blueprint registrations acting on
        ``obj`` directly or through the functions it is passed to."""
        grouped = self.facts_by_target()
        out: Dict[str, List[Tuple[str, tuple]]] = {}
        params, _ = self.object_reaches(obj)
        for target in [obj] + [("param", f, p) for f, p in sorted(params)]:
            for kind, facts in grouped.get(target, {}).items():
                out.setdefault(kind, []).extend(facts)
        return out

    def has_api_extension(self, obj: Obj) -> bool:
        for param, values in self.incoming().items():
            if param[0] == "<api>" and obj in values:
                return True
        for kind in ("calls",):
            for _name, summary in self.modules.items():
                for callee, args, _line, _scope in summary.get(kind, ()):
                    target = self.evaluate(callee)
                    if target[0] == "bound" and target[1][0] == "api" and target[2] == "init_app":
                        if any(self.evaluate(a) == obj for a in args.values()):
                            return True
        return False

    def registered_blueprints(self) -> Tuple[Set[str], bool]:
        """Keys of blueprints registered anywhere, and whether some
        registration (or a dynamic import) could register any blueprint."""
        keys: Set[str] = set()
        unknown = any(s.get("dynamic") for s in self.modules.values())
        incoming = self.incoming()
        for _name, summary in self.modules.items():
            for fact in summary.get("bp_regs", ()):
                pending = [self.evaluate(fact[1])]
                steps = 0
                while pending and steps < 200:
                    steps += 1
                    child = pending.pop()
                    kind = child[0]
                    if kind == "blueprint":
                        keys.add(child[1])
                    elif kind == "seq":
                        pending.extend(child[1])
                    elif kind == "param":
                        passed = incoming.get((child[1], child[2]))
                        if passed:
                            pending.extend(passed)
                        else:
                            unknown = True
                    elif kind == "elt" and child[1][0] == "param":
                        param = child[1]
                        for passed_obj in incoming.get((param[1], param[2]), ()):
                            pending.extend(passed_obj[1] if passed_obj[0] == "seq" else [passed_obj])
                        if not incoming.get((param[1], param[2])):
                            unknown = True
                    elif kind in ("external", "instance"):
                        continue
                    else:
                        unknown = True
        return keys, unknown

    def externally_registered_modules(self) -> Set[str]:
        """Modules with functions that other modules register as views,
        error handlers or hooks (they need checking even without a Flask import)."""
        if self._external_modules is None:
            found: Set[str] = set()
            for name, summary in self.modules.items():
                for kind, slot in (("routes", 4), ("handlers", 3), ("hooks", 2)):
                    for fact in summary.get(kind, ()):
                        obj = self.evaluate(fact[slot])
                        if obj[0] == "function":
                            owner = self.functions[obj[1]][0]
                            if owner != name:
                                found.add(owner)
            self._external_modules = found
        return self._external_modules

    def module_for_path(self, path: str) -> Optional[Dict[str, Any]]:
        rel = os.path.relpath(os.path.abspath(path), self.root)
        return self.by_path.get(rel)

    def extension(self, key: str) -> Iterator[Tuple[str, Any]]:
        """(module, data) for a family's summary extension."""
        for name, summary in self.modules.items():
            data = summary.get("x:" + key)
            if data is not None:
                yield name, data

    def iter_modules(self) -> Iterable[Tuple[str, Dict[str, Any]]]:
        return self.modules.items()


# ------------------------------------------------------------------ cache


def _cache_file(root: str) -> str:
    return os.path.join(root, CACHE_DIR, f"index-{FORMAT_VERSION}-{__version__}.json")


def _load_cache(root: str) -> Dict[str, Any]:
    if os.environ.get("FLASK_LINT_NO_CACHE"):
        return {}
    try:
        with open(_cache_file(root), encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError, UnicodeDecodeError, RecursionError):
        return {}  # missing, truncated or corrupt: rebuilt
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items() if isinstance(v, dict) and isinstance(v.get("summary"), dict)}


def _save_cache(root: str, entries: Dict[str, Any]) -> None:
    if os.environ.get("FLASK_LINT_NO_CACHE"):
        return
    folder = os.path.join(root, CACHE_DIR)
    try:
        os.makedirs(folder, exist_ok=True)
        ignore = os.path.join(folder, ".gitignore")
        if not os.path.exists(ignore):
            with open(ignore, "w", encoding="utf-8") as handle:
                handle.write("# Created by flask-lint\n*\n")
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".index-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(entries, handle, separators=(",", ":"))
            os.replace(tmp, _cache_file(root))  # atomic: readers see old or new
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise
    except (OSError, ValueError, TypeError, RecursionError):
        pass  # a read-only project still lints, without a cache


_INDEXES: Dict[Tuple[str, bool], ProjectIndex] = {}


def get_index(path: str, use_cache: bool = True) -> ProjectIndex:
    """The (process-wide) index of the project that holds ``path``."""
    root = find_root(path)
    key = (root, use_cache)
    index = _INDEXES.get(key)
    if index is None:
        index = ProjectIndex.build(root, use_cache=use_cache)
        _INDEXES[key] = index
    return index


def clear_indexes() -> None:
    _INDEXES.clear()


__all__ = ["ProjectIndex", "get_index", "find_root", "module_name", "iter_python_files", "UNKNOWN", "Obj"]
