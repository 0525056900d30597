"""The project index: cross-file facts from every Python file under the root.

It never imports or runs project code: each file is read, filtered with a
cheap byte search (:func:`source.is_relevant`), parsed and summarised
(:mod:`summary`).  Summaries are cached on disk in ``<root>/.flask-lint-cache``
keyed by a hash of the file's bytes, so an edited file is always re-read.
One index per project root is kept per process.
"""

from __future__ import annotations

import contextlib
import gc
import json
import marshal
import os
import sys
from collections import deque
from typing import Any, Callable, Dict, FrozenSet, Iterable, Iterator, List, NamedTuple, Optional, Sequence, Set, Tuple

from . import __version__, versions
from .model import UNKNOWN, FlaskModel, Value, known_class_kind
from .names import API_FACTORIES, VENDORABLE_PACKAGES, canonical
from .registry import Family
from .source import ROOT_MARKERS, SourceError, forget_test_subprojects, is_relevant, read_source, skipped_path_part
from .summary import (
    FORMAT_VERSION,
    Extension,
    _blake2b,
    empty_summary,
    extensions_identity,
    freeze_summary,
    summarise,
    summary_ident,
)

CACHE_DIR = ".flask-lint-cache"
MAX_FILE_BYTES = 5 * 1024 * 1024  # generated monsters are linted, not indexed

Obj = tuple  # ("app", key) ("blueprint", key) ("function", qual) ... ("?",)
NOTHING: Obj = ("?",)
CURRENT_APP: Obj = ("external", "flask.current_app")  # the proxy, its app unknown
# Joins the key of a blueprint a factory function creates and the key of one
# call of that factory: the blueprint that call made (see _call_result).
PER_CALL = "@"


def made_by(key: str) -> str:
    """The creation inside the factory for a per-call blueprint key."""
    return key.partition(PER_CALL)[0]


def find_root(path: str) -> str:
    """Nearest ancestor (or the folder itself) holding a project marker;
    without one, the folder the folder's top-level package sits in (what
    must be on sys.path to import it: a checkout without ``.git`` is still
    one project, not one per package folder)."""
    start = os.path.abspath(path)
    folder = start if os.path.isdir(start) else os.path.dirname(start)
    return _nearest_marked(folder) or _package(folder, "")[1]


# folder -> the nearest folder at or above it holding a project marker (None:
# none), while the indexes live: the folders of one project share the walk.
_MARKED: Dict[str, Optional[str]] = {}


def _nearest_marked(folder: str) -> Optional[str]:
    walked: List[str] = []
    current = folder
    while current not in _MARKED:
        walked.append(current)
        if any(os.path.exists(os.path.join(current, marker)) for marker in ROOT_MARKERS) and not _setup_module_only(
            current
        ):
            found: Optional[str] = current
            break
        parent = os.path.dirname(current)
        if parent == current:
            found = None
            break
        current = parent
    else:
        found = _MARKED[current]
    for each in walked:
        _MARKED[each] = found
    return found


def module_name(path: str, root: str) -> Tuple[str, bool]:
    """Dotted module name from the package folders (``__init__.py``) above.

    A top-level name that several folders of the project define (two
    services' ``main.py``, two ``board`` packages) is prefixed with the
    folder it lives in (``svc_a/main``): each module keeps facts of its own,
    and an import of the bare name, which could mean either, resolves to
    nothing (see ``ProjectIndex.resolve_qualname``)."""
    parts, anchor, is_package = _module_parts(os.path.abspath(path), root)
    name = ".".join(parts)
    if parts[0] in _AMBIGUOUS.get(root, ()):
        name = f"{_folder_prefix(anchor, root)}/{name}"
    return name, is_package


def import_aliases(path: str, root: str) -> Dict[str, str]:
    """Ambiguous top-level names as a module of ``path``'s folder imports
    them: its own folder comes first on ``sys.path`` (``svc_a/main.py``'s
    ``import views`` is ``svc_a/views.py``)."""
    ambiguous = _AMBIGUOUS.get(root)
    if not ambiguous:
        return {}
    _parts, anchor, _ = _module_parts(os.path.abspath(path), root)
    prefix = _folder_prefix(anchor, root)
    return {name: f"{prefix}/{name}" for name, anchors in ambiguous.items() if anchor in anchors}


def _folder_prefix(anchor: str, root: str) -> str:
    where = os.path.relpath(anchor, root)
    return "(root)" if where == os.curdir else where.replace(os.sep, "/").replace(".", "_")


def _module_parts(path: str, root: str) -> Tuple[List[str], str, bool]:
    """(dotted parts, the folder the top-level module sits in, is a package)."""
    folder, filename = os.path.split(path)
    stem = filename[:-3] if filename.endswith(".py") else filename
    is_package = stem == "__init__"
    package, anchor = _package(folder, os.path.abspath(root))
    parts = list(package) if is_package else [*package, stem]
    if not parts:
        parts = [os.path.basename(anchor) or "__main__"]
    return [p.replace("-", "_") for p in parts], anchor, is_package


# (folder, root) -> (the dotted parts of the package it is, or (); the folder
# its top-level package sits in), for the index being built: every module of
# a folder shares the stat calls that find its packages.
_PACKAGES: Dict[Tuple[str, str], Tuple[Tuple[str, ...], str]] = {}


def _package(folder: str, root: str) -> Tuple[Tuple[str, ...], str]:
    """A folder with ``__init__.py`` is a package; one without it inside a
    package of the project (``webapp/endpoints/`` under ``webapp/``) is a
    namespace portion of it (PEP 420): ``webapp.endpoints.publisher`` is
    what Python imports, with the project's root on ``sys.path``.  A folder
    without ``__init__.py`` and no package above it starts a new top-level
    name (a script's folder, ``src/``); ``ProjectIndex.module_alias`` gives
    the names a module has from the other folders that can be on sys.path.
    ``root`` bounds the namespace folders (a project's root may sit inside
    another package, such as a test fixture); "" leaves them unbounded."""
    found = _PACKAGES.get((folder, root))
    if found is None:
        parent, name = os.path.split(folder)
        if os.path.isfile(os.path.join(folder, "__init__.py")):
            if not name:  # the filesystem root is a package
                found = (("",), parent)
            else:
                above, anchor = _package(parent, root)
                found = ((*above, name), anchor)
        elif name.isidentifier() and (not root or folder.startswith(root + os.sep)):
            above, anchor = _package(parent, root)
            found = ((*above, name), anchor) if above else ((), folder)
        else:
            found = ((), folder)
        _PACKAGES[(folder, root)] = found
    return found


# root -> top-level module names defined in more than one folder of it ->
# those folders
_AMBIGUOUS: Dict[str, Dict[str, FrozenSet[str]]] = {}


def _note_ambiguous_names(root: str, paths: List[str]) -> None:
    anchors: Dict[str, Set[str]] = {}
    for path in paths:
        parts, anchor, _ = _module_parts(path, root)
        anchors.setdefault(parts[0], set()).add(anchor)
    _AMBIGUOUS[root] = {name: frozenset(where) for name, where in anchors.items() if len(where) > 1}


def iter_python_files(root: str) -> Iterator[str]:
    """Python files whose nearest project root is ``root`` (sorted, no symlinks out)."""
    real_root = os.path.realpath(root)
    top = True
    for folder, dirs, files in os.walk(root):  # never into symlinked folders
        if not top and _own_project(folder, dirs, files):
            dirs[:] = []
            continue  # a virtualenv, or a project of its own
        top = False
        dirs[:] = sorted(name for name in dirs if not skipped_path_part(name))
        for name in sorted(files):
            if not name.endswith(".py") or skipped_path_part(name):
                continue
            path = os.path.join(folder, name)
            if os.path.islink(path):
                target = os.path.realpath(path)
                if not target.startswith(real_root + os.sep) or not os.path.isfile(target):
                    continue
            yield path


def _own_project(folder: str, dirs: List[str], files: List[str]) -> bool:
    """Whether a folder holds a virtualenv or a project marker (looked up in
    the listing os.walk already made: no stat per marker and folder)."""
    names = set(dirs)
    names.update(files)
    return any(
        marker in names and os.path.exists(os.path.join(folder, marker)) for marker in ("pyvenv.cfg",) + ROOT_MARKERS
    ) and not _setup_module_only(folder)


def _setup_module_only(folder: str) -> bool:
    """A package's own module named ``setup.py`` (``handlers/setup.py`` beside
    ``__init__.py``) is code, not a project marker: only that marker here."""
    if not os.path.exists(os.path.join(folder, "__init__.py")):
        return False
    others = [m for m in ROOT_MARKERS if m != "setup.py"] + ["pyvenv.cfg"]
    return not any(os.path.exists(os.path.join(folder, marker)) for marker in others)


def relative_to(path: str, root: str) -> str:
    """``os.path.relpath(os.path.abspath(path), root)`` for an absolute,
    normalised ``root``, without its cost when ``path`` is under it."""
    absolute = os.path.abspath(path)
    prefix = root if root.endswith(os.sep) else root + os.sep
    if absolute.startswith(prefix) and len(absolute) > len(prefix):
        return absolute[len(prefix):]
    return os.path.relpath(absolute, root)


def file_digest(data: bytes) -> str:
    return _blake2b(data, digest_size=16).hexdigest()


def summarise_bytes(path: str, root: str, data: bytes, extensions: Sequence[Extension]) -> Dict[str, Any]:
    return summarise_file(path, root, data, extensions)[0]


def summarise_file(
    path: str, root: str, data: bytes, extensions: Sequence[Extension]
) -> Tuple[Dict[str, Any], Optional[FlaskModel]]:
    """The module's summary, and the model it came from (None when the file
    was not parsed: too big, undecodable, a syntax error, too deep)."""
    module, is_package = module_name(path, root)
    if len(data) > MAX_FILE_BYTES:
        return empty_summary(module, is_package), None
    relevant = is_relevant(data)
    try:
        source = read_source(path, data)
        model = FlaskModel(source.tree, module, is_package, light=not relevant, aliases=import_aliases(path, root))
        summary = summarise(model, extensions)
    except (SourceError, RecursionError, MemoryError):
        return empty_summary(module, is_package), None
    summary["relevant"] = relevant
    return summary, model


def _fresh_entry(
    path: str,
    rel: str,
    root: str,
    digest: str,
    data: bytes,
    on_model: Optional[ModelSink],
    previous: Previous,
    extensions: Sequence[Extension],
) -> Dict[str, Any]:
    """The index (and cache) entry of a file summarised now."""
    ident, summary, model = summarise_entry(path, root, data, previous, extensions)
    if model is not None and on_model is not None and not model.light:
        on_model(rel, digest, model, len(data))
    return {"hash": digest, "ident": ident, "summary": summary}


def summarise_entry(
    path: str, root: str, data: bytes, previous: Previous, extensions: Sequence[Extension]
) -> Tuple[str, Dict[str, Any], Optional[FlaskModel]]:
    """The ident and frozen summary of a file (as the index and its cache
    keep them), and the model (see :func:`summarise_file`)."""
    summary, model = summarise_file(path, root, data, extensions)
    frozen = freeze_summary(summary)
    return summary_ident(summary, frozen, previous), frozen, model


# The cached (ident, frozen summary) of an earlier version of a file, if any.
Previous = Optional[Tuple[str, Dict[str, Any]]]
# A file the cache does not answer: (rel, path, hash, bytes, previous).  A
# ``summarise_many(pending, here)`` function returns {rel: (ident, frozen
# summary)}; ``here(item)`` gives that pair, summarised in this process.
Pending = Tuple[str, str, str, bytes, Previous]
SummariseMany = Callable[
    [List[Pending], Callable[[Pending], Tuple[str, Dict[str, Any]]]], Dict[str, Tuple[str, Dict[str, Any]]]
]

# What the index knows of a file it read: the hash of its bytes and whether
# it was parsed as a module that can involve Flask (True), parsed with a light
# summary (False) or not parsed at all (None: too big or broken).
FileFacts = Tuple[str, Optional[bool]]
ModelSink = Callable[[str, str, FlaskModel, int], None]  # rel, digest, model, size in bytes


def _file_facts(digest: str, summary: Dict[str, Any]) -> FileFacts:
    if "exports" not in summary:  # empty_summary(): never parsed
        return digest, None
    return digest, bool(summary.get("relevant"))


class BlueprintArg(NamedTuple):
    """What a ``register_blueprint()`` argument stands for."""

    keys: List[str]  # blueprint keys, in the order first reached
    complete: bool  # every part resolved (third-party objects aside)
    via_param: bool  # reached through a function parameter
    external: bool  # a third-party object among them


class ProjectIndex:
    """Summaries of every module under one root, and questions about them."""

    def __init__(
        self,
        root: str,
        summaries: Dict[str, Dict[str, Any]],
        *,
        families: Sequence[Family],
        lazy: bool = False,
        files: Optional[Dict[str, FileFacts]] = None,
        idents: Optional[Dict[str, str]] = None,
    ) -> None:
        """``summaries`` are frozen (freeze_summary), by file; build() also
        gives the FileFacts of every file read and the ident of each summary
        (see fingerprint()), as state() returns them.  ``families`` are the
        rule families whose summary extensions the summaries hold and whose
        checkers run over the project (``flask_lint.families.FAMILIES``)."""
        self.root = root
        self.families: Tuple[Family, ...] = tuple(families)
        self.extensions: Tuple[Extension, ...] = tuple(ext for family in self.families for ext in family.extensions)
        self.files: Dict[str, FileFacts] = files if files is not None else {}
        self._idents: Dict[str, str] = idents if idents is not None else {}
        self._fingerprint: Optional[str] = None
        self._module_paths: Optional[Dict[str, str]] = None
        # A lazy index sets up its tables on first use: a run answered from
        # the findings cache never needs them.
        self._raw: Optional[Dict[str, Dict[str, Any]]] = dict(summaries)
        if not lazy:
            self._materialise()

    def _materialise(self) -> None:
        raw = self.__dict__.get("_raw")
        if raw is None:
            return
        self._raw = None
        self.by_path: Dict[str, Dict[str, Any]] = raw  # frozen already (freeze_summary)
        self._reset()

    def __getattr__(self, name: str) -> Any:
        # Only called for attributes not set yet: those _materialise() sets.
        if self.__dict__.get("_raw") is None:
            raise AttributeError(name)
        self._materialise()
        return getattr(self, name)

    # ------------------------------------------------------------ building

    @classmethod
    def build(
        cls,
        root: str,
        families: Sequence[Family],
        use_cache: bool = True,
        on_model: Optional[ModelSink] = None,
        summarise_many: Optional[SummariseMany] = None,
    ) -> ProjectIndex:
        """Summarise every file under ``root`` (from the cache when its hash
        matches).  ``on_model(rel, digest, model, size)`` receives the full model
        of each module parsed that can involve Flask, so that a caller
        linting the project need not parse it again.  ``summarise_many``,
        given the files the cache does not answer, may summarise them
        elsewhere (worker processes, see workers.py): the files it leaves
        out are summarised here."""
        with fewer_collections():
            return cls._build(root, tuple(families), use_cache, on_model, summarise_many)

    @classmethod
    def _build(
        cls,
        root: str,
        families: Tuple[Family, ...],
        use_cache: bool,
        on_model: Optional[ModelSink],
        summarise_many: Optional[SummariseMany],
    ) -> ProjectIndex:
        root = os.path.abspath(root)
        _PACKAGES.clear()  # package folders may have come or gone since the last build
        extensions = tuple(ext for family in families for ext in family.extensions)
        fingerprint = code_fingerprint(extensions)
        cached = _load_cache(root, fingerprint) if use_cache else {}
        fresh: Dict[str, Any] = {}  # rel -> {"hash", "ident", "summary"}, in path order
        pending: List[Pending] = []
        paths = list(iter_python_files(root))
        _note_ambiguous_names(root, paths)  # before any module is named
        for path in paths:
            rel = relative_to(path, root)
            try:
                with open(path, "rb") as handle:
                    data = handle.read()
            except OSError:
                continue
            digest = file_digest(data)
            hit = cached.get(rel)
            if (
                hit is not None
                and hit.get("hash") == digest
                # names and imports move when another folder adds a module of the same name
                and hit["summary"].get("module") == module_name(path, root)[0]
                and hit["summary"].get("aliases", {}) == import_aliases(path, root)
            ):
                fresh[rel] = hit
                continue
            previous = (hit["ident"], hit["summary"]) if hit is not None else None
            if summarise_many is not None:
                fresh[rel] = None  # keeps the path order
                pending.append((rel, path, digest, data, previous))
            else:
                fresh[rel] = _fresh_entry(path, rel, root, digest, data, on_model, previous, extensions)
        def here(item: Pending) -> Tuple[str, Dict[str, Any]]:
            entry = _fresh_entry(item[1], item[0], root, item[2], item[3], on_model, item[4], extensions)
            return entry["ident"], entry["summary"]

        done = summarise_many(pending, here) if summarise_many is not None and pending else {}
        for rel, path, digest, data, previous in pending:
            if rel in done:
                ident, summary = done[rel]
                fresh[rel] = {"hash": digest, "ident": ident, "summary": summary}
            else:
                fresh[rel] = _fresh_entry(path, rel, root, digest, data, on_model, previous, extensions)
        changed = any(entry is not cached.get(rel) for rel, entry in fresh.items())
        if use_cache and (changed or set(fresh) != set(cached)):
            _save_cache(root, fresh, fingerprint)
        return cls(
            root,
            {rel: entry["summary"] for rel, entry in fresh.items()},
            families=families,
            lazy=True,
            files={rel: _file_facts(entry["hash"], entry["summary"]) for rel, entry in fresh.items()},
            idents={rel: entry["ident"] for rel, entry in fresh.items()},
        )

    def state(self) -> Tuple[Dict[str, Dict[str, Any]], Dict[str, FileFacts], Dict[str, str]]:
        """Summaries, FileFacts and idents, as marshal data: what
        ``ProjectIndex(root, summaries, files=..., idents=...)`` takes back."""
        return self.summaries(), self.files, self._idents

    def summaries(self) -> Dict[str, Dict[str, Any]]:
        """Every summary held, by file (without setting up a lazy index)."""
        raw = self.__dict__.get("_raw")
        return raw if raw is not None else self.by_path

    def update_file(self, path: str, summary: Dict[str, Any]) -> None:
        """Replace one module's facts (the file being linted, as read now)."""
        rel = os.path.relpath(os.path.abspath(path), self.root)
        frozen = freeze_summary(summary)
        old = self.by_path.get(rel)
        if old != frozen:
            ident = self._idents.get(rel)
            self._idents[rel] = summary_ident(summary, frozen, (ident, old) if ident is not None and old is not None else None)
            self.by_path[rel] = frozen
            self.files.pop(rel, None)  # the summary no longer comes from the bytes read
            self._reset()

    def _reset(self) -> None:
        self.ambiguous = frozenset(_AMBIGUOUS.get(self.root, ()))
        self.modules: Dict[str, Dict[str, Any]] = {}
        for rel in sorted(self.by_path):
            summary = self.by_path[rel]
            if summary["module"].partition(".")[0] not in VENDORABLE_PACKAGES:
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
        self._unfollowed: Optional[Dict[Obj, List[Tuple[Obj, Value]]]] = None
        self._family_memo: Dict[str, Any] = {}
        self._passed_to: Optional[Dict[Obj, List[Tuple[str, str]]]] = None
        self._api_init_args: Optional[Set[Obj]] = None
        self._registered_by_prefix: Dict[Tuple[str, int], Dict[str, Dict[str, Set[str]]]] = {}
        self._fingerprint = None
        self._module_paths = None
        self._aliases: Optional[Dict[str, str]] = None
        self._registered_bps: Optional[Tuple[Set[str], bool]] = None
        self._calls_by_function: Optional[Dict[str, Set[str]]] = None
        self._context_apps: Optional[Dict[str, Obj]] = None

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
        if kind == "ctx":
            return self.context_app(value[1])
        return NOTHING

    def context_app(self, module: str) -> Obj:
        """What ``current_app`` is at the module level of ``module``: the one
        app (or app parameter) whose ``app_context()`` the project imports
        it in, directly or through the module-level imports of modules
        imported so (a module that uses ``current_app`` at import time
        cannot have been imported outside a context first: that raises).
        Imported in no such context, or in the contexts of several objects:
        Flask's proxy, as before (which app is not known)."""
        if self._context_apps is None:
            self._context_apps = {}  # a cycle through here sees the proxy
            found: Dict[str, Set[Obj]] = {}
            for _name, summary in self.modules.items():
                for owner, modules in summary.get("ctx_imports", ()):
                    obj = self.evaluate(owner)
                    for imported in modules:
                        target = self.module_named(imported)
                        if target is not None:
                            found.setdefault(target, set()).add(obj)
            pending = deque(found)
            while pending:  # what a module imported in a context imports at its top runs there too
                name = pending.popleft()
                for imported in self.modules[name].get("top_imports", ()):
                    target = self.module_named(imported)
                    if target is None or target == name:
                        continue
                    objs = found.setdefault(target, set())
                    if not found[name] <= objs:
                        objs |= found[name]
                        pending.append(target)
            self._context_apps = {
                name: next(iter(objs))
                for name, objs in found.items()
                if len(objs) == 1 and next(iter(objs))[0] in ("app", "param")
            }
        return self._context_apps.get(module, CURRENT_APP)

    def resolve_qualname(self, qual: str, depth: int = 0) -> Obj:
        qual = canonical(qual) or qual
        if qual.partition(".")[0] in self.ambiguous:
            return NOTHING  # ``import main`` where two folders have a main.py
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
                    if sub in self.modules:
                        result = ("module", sub)
                    elif summary.get("stars"):
                        result = self._star_export(head, name, depth)
                    else:
                        result = NOTHING
                else:
                    result = self.evaluate(exported, depth + 1)
                for attr in reversed(attrs):
                    result = self.attribute(result, attr, depth)
                return result
            head, _, tail = head.rpartition(".")
            attrs.append(tail)
        if depth <= 30:
            aliased = self._aliased(qual)
            if aliased is not None:
                return self.resolve_qualname(aliased, depth + 1)
        return ("external", qual)

    def module_named(self, name: str) -> Optional[str]:
        """The project module an absolute import of ``name`` means: the
        module of that name, else the one module that answers to it as an
        alias (see ``module_alias``); None for a third-party module."""
        if name in self.modules:
            return name
        return self.module_alias(name)

    def module_alias(self, name: str) -> Optional[str]:
        """The one project module that ``name`` means when ``name`` is not a
        module's own name: a module is also named from every folder above it
        that has no ``__init__.py`` (PEP 420), because any of them can be on
        sys.path: the project's root (``flask run`` from there), a script's
        folder (``cd web && python server.py`` imports ``blueprints.root``
        from ``web/blueprints/root.py``).  A package's folder is never put on
        sys.path.  A name that several modules answer to means none."""
        if self._aliases is None:
            self._aliases = self._alias_table()
        return self._aliases.get(name)

    def _alias_table(self) -> Dict[str, str]:
        packages = {os.path.dirname(rel) for rel in self.by_path if os.path.basename(rel) == "__init__.py"}
        found: Dict[str, Set[str]] = {}
        for rel, summary in self.by_path.items():
            module = summary.get("module", "")
            if self.modules.get(module) is not summary:
                continue  # a vendored copy, or a second file of the same name
            parts = os.path.splitext(rel)[0].split(os.sep)
            if parts[-1] == "__init__":
                parts.pop()
            for start in range(len(parts)):
                if os.sep.join(parts[:start]) in packages:
                    continue
                tail = parts[start:]
                if all(part.isidentifier() for part in tail):
                    found.setdefault(".".join(tail), set()).add(module)
        return {
            alias: next(iter(modules))
            for alias, modules in found.items()
            if len(modules) == 1 and alias not in self.modules and alias.partition(".")[0] not in self.ambiguous
        }

    def _aliased(self, qual: str) -> Optional[str]:
        """``qual`` with its longest prefix that is a module alias replaced by
        the module's own name (None: no prefix is one)."""
        head, rest = qual, ""
        while head:
            module = self.module_alias(head)
            if module is not None:
                return module + rest
            head, dot, tail = head.rpartition(".")
            rest = f"{dot}{tail}{rest}"
        return None

    def _star_export(self, module: str, name: str, depth: int) -> Obj:
        """``name`` that ``module`` does not bind itself but re-exports with
        ``from .sub import *``: what the one star-imported project module
        that has it binds (none or several: unknown)."""
        found = {
            self.evaluate(("q", f"{imported}.{name}"), depth + 1)
            for imported in self.modules[module].get("stars", ())
            if imported != module and imported in self.modules
        }
        found.discard(NOTHING)
        return found.pop() if len(found) == 1 else NOTHING

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
            if kind == "instance":
                # ``server.app``: what the class's __init__ bound it to for good
                owned = self.classes[obj[1]][1].get("owned", {}).get(attr)
                if owned is not None:
                    return self.evaluate(owned, depth + 1)
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
        if kind == "bound" and callee[1][0] in ("api", "namespace") and callee[2] in API_FACTORIES:
            # api.namespace(...), ns.model(...), ns.parser()
            if callee[2] == "namespace":
                return ("namespace", key) if callee[1][0] == "api" else NOTHING
            return ("instance", API_FACTORIES[callee[2]])
        if kind == "function":
            _, info = self.functions[callee[1]]
            returns = info.get("returns", ())
            results = {self.evaluate(r, depth + 1) for r in returns}
            results.discard(NOTHING)
            results = {r for r in results if r[0] != "param"}
            if len(results) == 1:
                result = results.pop()
                if (
                    result[0] == "blueprint"
                    and all(r[0] == "new" for r in returns)
                    and len(self._call_sites().get(callee[1], ())) > 1
                ):
                    # A project function that builds a new Blueprint on every
                    # call (make_api_blueprint("users")), called from several
                    # places: each call site is a blueprint of its own.
                    return (result[0], f"{result[1]}{PER_CALL}{key}")
                return result
        return NOTHING

    def _call_sites(self) -> Dict[str, Set[str]]:
        """Project function -> the keys of the calls whose result is kept
        (module bindings, registration arguments): found in the summaries,
        without evaluating anything."""
        if self._calls_by_function is None:
            found: Dict[str, Set[str]] = {}
            pending: List[Any] = list(self.modules.values())
            while pending:
                item = pending.pop()
                if isinstance(item, dict):
                    pending.extend(item.values())
                elif isinstance(item, (tuple, list)):
                    if (
                        len(item) == 3
                        and item[0] == "new"
                        and isinstance(item[1], (tuple, list))
                        and len(item[1]) == 2
                        and item[1][0] == "q"
                    ):
                        function = self._function_named(item[1][1])
                        if function is not None:
                            found.setdefault(function, set()).add(item[2])
                    pending.extend(x for x in item if isinstance(x, (tuple, list, dict)))
            self._calls_by_function = found
        return self._calls_by_function

    def _function_named(self, qual: str) -> Optional[str]:
        """A project function's qualname from the dotted name a call uses,
        directly or through one re-export (``from .base import make``)."""
        qual = canonical(qual) or qual
        if qual in self.functions:
            return qual
        module, _, name = qual.rpartition(".")
        exported = self.modules.get(module, {}).get("exports", {}).get(name)
        if exported and exported[0] in ("q", "def") and exported[1] in self.functions:
            return str(exported[1])
        return None

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
            for target, facts in list(grouped.items()):
                if target[0] == "blueprint" and PER_CALL in target[1]:
                    # what the factory registers on the blueprint it builds
                    # holds for the blueprint of every call
                    for kind, made in grouped.get(("blueprint", made_by(target[1])), {}).items():
                        facts[kind] = made + facts.get(kind, [])
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

    def passed_to(self) -> Dict[Obj, List[Tuple[str, str]]]:
        """``incoming()`` inverted: for each object, the parameters (and the
        ``("<unknown>", "")`` / ``("<api>", key)`` slots) it is passed to."""
        if self._passed_to is None:
            inverted: Dict[Obj, List[Tuple[str, str]]] = {}
            for param, values in self.incoming().items():
                for value in values:
                    params = inverted.setdefault(value, [])
                    if not params or params[-1] != param:
                        params.append(param)
            self._passed_to = inverted
        return self._passed_to

    def object_reaches(self, obj: Obj) -> Tuple[Set[Tuple[str, str]], bool]:
        """Parameters ``obj`` is passed into (transitively), and whether it
        escapes into a project callable the index cannot follow."""
        reached: Set[Tuple[str, str]] = set()
        escapes = False
        passed_to = self.passed_to()
        frontier = {obj}
        seen_objs: Set[Obj] = set()
        while frontier:
            current = frontier.pop()
            if current in seen_objs:
                continue
            seen_objs.add(current)
            for param in passed_to.get(current, ()):
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
        if any(param[0] == "<api>" for param in self.passed_to().get(obj, ())):
            return True
        if self._api_init_args is None:
            found: Set[Obj] = set()  # what api.init_app(...) is given, anywhere
            for _name, summary in self.modules.items():
                for callee, args, _line, _scope in summary.get("calls", ()):
                    target = self.evaluate(callee)
                    if target[0] == "bound" and target[1][0] == "api" and target[2] == "init_app":
                        found.update(self.evaluate(a) for a in args.values())
            self._api_init_args = found
        return obj in self._api_init_args

    def registered_blueprints(self) -> Tuple[Set[str], bool]:
        """Keys of blueprints registered anywhere, and whether some
        registration (or a dynamic import) could register any blueprint."""
        if self._registered_bps is None:
            self._registered_bps = self._registered_blueprints()
        keys, unknown = self._registered_bps
        return set(keys), unknown  # a copy: callers may change theirs

    def _registered_blueprints(self) -> Tuple[Set[str], bool]:
        keys: Set[str] = set()
        unknown = any(s.get("dynamic") for s in self.modules.values())
        for _name, summary in self.modules.items():
            for fact in summary.get("bp_regs", ()):
                arg = self.blueprint_arg(fact[1])
                keys.update(arg.keys)
                # registering one call's blueprint registers what the factory builds
                keys.update(made_by(key) for key in arg.keys)
                unknown = unknown or not arg.complete
        return keys, unknown

    def blueprint_arg(self, value: Value) -> BlueprintArg:
        """The blueprints a ``register_blueprint()`` argument stands for,
        through lists, tuples, loops and the parameters of the functions it
        is passed through (every reader of registrations goes through here)."""
        incoming = self.incoming()
        keys: Dict[str, None] = {}  # in the order first reached
        complete, via_param, external = True, False, False
        pending = deque([self.evaluate(value) if value != UNKNOWN else NOTHING])
        steps = 0
        while pending and steps < 200:
            steps += 1
            child = pending.popleft()
            kind = child[0]
            if kind == "blueprint":
                keys[child[1]] = None
            elif kind == "seq":
                pending.extend(child[1])
            elif kind == "param" or (kind == "elt" and child[1][0] == "param"):
                via_param = True
                param = child if kind == "param" else child[1]
                passed = incoming.get((param[1], param[2]))
                if not passed:
                    complete = False
                elif kind == "param":
                    pending.extend(passed)
                else:
                    for obj in passed:  # for bp in blueprints: the elements of what was passed
                        pending.extend(obj[1] if obj[0] == "seq" else [obj])
            elif kind in ("external", "instance"):
                external = True
            else:
                complete = False
        return BlueprintArg(list(keys), complete and not pending, via_param, external)

    def externally_registered_modules(self) -> Set[str]:
        """Modules with functions that other modules register as views,
        error handlers or hooks (they need checking even without a Flask import),
        and those a rule family asks for (``Family.checked_anyway``)."""
        if self._external_modules is None:
            found: Set[str] = set()
            for family in self.families:
                for provider in family.checked_anyway:
                    found |= provider(self)
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

    def registered_elsewhere(self, module: str, kind: str, slot: int) -> Set[str]:
        """Functions under ``module`` (qualnames starting with ``module.``)
        that a fact of ``kind`` ("routes", "handlers", "hooks") in another
        module registers through its value at ``slot``."""
        key = (kind, slot)
        table = self._registered_by_prefix.get(key)
        if table is None:
            # qualname prefix -> qualname -> modules whose facts register it
            table = {}
            for name, summary in self.modules.items():
                for fact in summary.get(kind, ()):
                    obj = self.evaluate(fact[slot])
                    if obj[0] != "function":
                        continue
                    qual = obj[1]
                    parts = qual.split(".")
                    for end in range(1, len(parts)):
                        table.setdefault(".".join(parts[:end]), {}).setdefault(qual, set()).add(name)
            self._registered_by_prefix[key] = table
        return {qual for qual, owners in table.get(module, {}).items() if owners - {module}}

    def fingerprint(self) -> str:
        """A hash of the ident of every summary the index holds now (their
        content, not the files'; a summary whose lines only moved keeps its
        ident: see :func:`summary.summary_ident`).  Two indexes with the same
        fingerprint give the same answers, except for the lines of other
        files that messages cite."""
        if self._fingerprint is None:
            summaries = self.summaries()
            digest = _blake2b(digest_size=16)
            digest.update(f"{self.root}\0".encode())
            for rel in sorted(summaries):
                ident = self._idents.get(rel)
                if ident is None:
                    ident = self._idents[rel] = summary_ident(summaries[rel], summaries[rel])
                digest.update(f"{rel}\0{ident}\0".encode("utf-8", "surrogatepass"))
            self._fingerprint = digest.hexdigest()
        return self._fingerprint

    def path_of_module(self, module: str) -> Optional[str]:
        """The file (relative to the root) the index reads ``module`` from."""
        if self._module_paths is None:
            summaries = self.summaries()
            self._module_paths = {}
            for rel in sorted(summaries):
                self._module_paths.setdefault(summaries[rel].get("module", ""), rel)
        return self._module_paths.get(module)

    def summary_for(self, rel: str) -> Optional[Dict[str, Any]]:
        """The summary held for ``rel`` (without setting up a lazy index)."""
        return self.summaries().get(rel)

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

    def reexports(self) -> Dict[str, str]:
        """Names that project modules import from outside the project, as
        other modules may import them through it: ``pkg.api.jsonify`` ->
        ``flask.jsonify`` when ``pkg/api.py`` says ``from flask import
        jsonify`` (through chains of project modules too)."""
        return self.memoised("reexports", _reexports)

    def memoised(self, key: str, compute: Callable[[ProjectIndex], Any]) -> Any:
        """A rule family's project-wide aggregate, computed once and kept
        until the index changes (``update_file`` with new facts)."""
        if key not in self._family_memo:
            self._family_memo[key] = compute(self)
        return self._family_memo[key]

    def unfollowed_callees(self, obj: Obj) -> List[Tuple[Obj, Value]]:
        """The callees ``obj`` (or a parameter it reaches) is passed to that
        the index cannot follow, evaluated and as written: ``("?",)`` when
        the callee is unknown, ``("external", name)`` for a third-party
        callable, ``("bound", o, attr)`` for a method of an app or blueprint.
        A refinement of ``object_reaches(obj)[1]`` for rules that know some
        third-party callables (``db.init_app(app)``) cannot matter to them."""
        if self._unfollowed is None:
            table: Dict[Obj, List[Tuple[Obj, Value]]] = {}
            for _name, summary in self.modules.items():
                for callee, args, _line, _scope in summary.get("calls", ()):
                    target = self.evaluate(callee)
                    if self.callable_params(target) is not None:
                        continue
                    for arg in args.values():
                        for arg_obj in self._flatten(self.evaluate(arg)):
                            table.setdefault(arg_obj, []).append((target, callee))
            self._unfollowed = table
        reached, _ = self.object_reaches(obj)
        out: List[Tuple[Obj, Value]] = []
        for holder in [obj] + [("param", f, p) for f, p in sorted(reached)]:
            out.extend(self._unfollowed.get(holder, ()))
        return out


# ------------------------------------------------------------------ cache


def _cache_file(root: str) -> str:
    return os.path.join(root, CACHE_DIR, f"index-{FORMAT_VERSION}-{__version__}.marshal")


_CODE_FINGERPRINT: List[str] = []


_WITH_EXTENSIONS: Dict[Tuple[str, str], str] = {}


def code_fingerprint(extensions: Sequence[Extension]) -> str:
    """Names, sizes and mtimes of flask-lint's own modules, and the summary
    extensions the index computes: a cache written by other code (an edited
    checkout, another version, another set or version of extensions) is
    never trusted."""
    files = _code_files_fingerprint()
    identity = extensions_identity(extensions)
    key = (files, identity)
    found = _WITH_EXTENSIONS.get(key)
    if found is None:
        digest = _blake2b(digest_size=16)
        digest.update(f"{files}\0{identity}\0".encode("utf-8", "surrogatepass"))
        # Extensions defined outside flask-lint (edits there change no file above).
        for name in sorted({getattr(ext.func, "__module__", "") for ext in extensions}):
            path = getattr(sys.modules.get(name), "__file__", None)
            if path and not name.startswith(__package__ + "."):
                try:
                    st = os.stat(path)
                except OSError:
                    continue
                digest.update(f"{path}\0{st.st_size}\0{st.st_mtime_ns}\0".encode("utf-8", "surrogatepass"))
        found = _WITH_EXTENSIONS[key] = digest.hexdigest()
    return found


def _code_files_fingerprint() -> str:
    if not _CODE_FINGERPRINT:
        package = os.path.dirname(os.path.abspath(__file__))
        digest = _blake2b(digest_size=16)
        digest.update(f"{__version__}\0{FORMAT_VERSION}\0".encode())
        for folder in (package, os.path.join(package, "checkers")):
            try:
                entries = sorted(os.scandir(folder), key=lambda e: e.name)
            except OSError:
                continue
            for entry in entries:
                if entry.name.endswith(".py"):
                    st = entry.stat()
                    digest.update(f"{entry.path}\0{st.st_size}\0{st.st_mtime_ns}\0".encode("utf-8", "surrogatepass"))
        _CODE_FINGERPRINT.append(digest.hexdigest())
    return _CODE_FINGERPRINT[0]


def cache_disabled() -> bool:
    return bool(os.environ.get("FLASK_LINT_NO_CACHE"))


def read_cache_file(root: str, name: str) -> Any:
    """The JSON data of ``<root>/.flask-lint-cache/<name>``, or None."""
    try:
        with open(os.path.join(root, CACHE_DIR, name), encoding="utf-8") as handle:
            return json.load(handle)
    except (OSError, ValueError, UnicodeDecodeError, RecursionError):
        return None  # missing, truncated or corrupt: rebuilt


def write_cache_file(root: str, name: str, data: Any) -> None:
    """Write ``<root>/.flask-lint-cache/<name>`` atomically (readers see
    the old or the new file); a read-only project is left alone."""
    try:
        text = json.dumps(data, separators=(",", ":"))  # dumps: the C encoder (dump is Python)
    except (ValueError, TypeError, RecursionError):
        return
    write_cache_text(root, name, [text])


def write_cache_text(root: str, name: str, chunks: Iterable[str]) -> None:
    """Write the text ``chunks`` make up (see write_cache_file)."""
    write_cache_bytes(root, name, (chunk.encode("utf-8", "surrogatepass") for chunk in chunks))


def write_cache_bytes(root: str, name: str, chunks: Iterable[bytes]) -> None:
    """Write the bytes ``chunks`` make up (see write_cache_file)."""
    folder = os.path.join(root, CACHE_DIR)
    try:
        os.makedirs(folder, exist_ok=True)
        ignore = os.path.join(folder, ".gitignore")
        if not os.path.exists(ignore):
            with open(ignore, "w", encoding="utf-8") as handle:
                handle.write("# Created by flask-lint\n*\n")
        tmp = os.path.join(folder, f".{name}-{os.getpid()}-{id(chunks):x}-{_tmp_counter()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        try:
            with os.fdopen(fd, "wb") as handle:
                for chunk in chunks:
                    handle.write(chunk)
            os.replace(tmp, os.path.join(folder, name))
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise
    except (OSError, ValueError, TypeError, RecursionError):
        pass  # a read-only project still lints, without a cache


_TMP_COUNT: List[int] = [0]


def _tmp_counter() -> int:
    _TMP_COUNT[0] += 1
    return _TMP_COUNT[0]


def _load_cache(root: str, fingerprint: str) -> Dict[str, Any]:
    """The cached entries (``{"hash", "ident", "summary"}`` per file), or {}.

    The file is the fingerprint of the code that wrote it, a newline, then a
    ``marshal`` of ``{rel: (hash, ident, frozen summary)}``: marshal keeps
    the tuples of a frozen summary, so loading needs no JSON decoding and no
    freezing (most of a warm run once).  Only a file whose first line is this
    very code's fingerprint (names, sizes and mtimes of flask-lint's files)
    is unmarshalled: data from elsewhere is never read."""
    if cache_disabled():
        return {}
    try:
        with open(_cache_file(root), "rb") as handle:
            header = handle.readline()
            if header.rstrip(b"\n") != fingerprint.encode("ascii"):
                return {}
            data = marshal.loads(handle.read())
    except (OSError, EOFError, ValueError, TypeError):
        return {}  # missing, truncated or corrupt: rebuilt
    if not isinstance(data, dict):
        return {}
    entries: Dict[str, Any] = {}
    for rel, entry in data.items():
        if (
            isinstance(rel, str)
            and isinstance(entry, tuple)
            and len(entry) == 3
            and isinstance(entry[0], str)
            and isinstance(entry[1], str)
            and isinstance(entry[2], dict)
        ):
            entries[rel] = {"hash": entry[0], "ident": entry[1], "summary": entry[2]}
    return entries


def _save_cache(root: str, entries: Dict[str, Any], fingerprint: str) -> None:
    """Write the index cache (see _load_cache)."""
    if cache_disabled():
        return
    payload = {rel: (entry["hash"], entry["ident"], entry["summary"]) for rel, entry in entries.items()}
    try:
        data = marshal.dumps(payload)
    except (ValueError, TypeError):
        return  # an unexpected value in a summary: no cache rather than a bad one
    header = fingerprint.encode("ascii") + b"\n"
    write_cache_bytes(root, os.path.basename(_cache_file(root)), [header, data])


_INDEXES: Dict[Tuple[str, bool, Tuple[Family, ...]], ProjectIndex] = {}


@contextlib.contextmanager
def fewer_collections() -> Iterator[None]:
    """Parsing allocates millions of objects, none of them in reference
    cycles, and each of Python's default collections (every 700 allocations)
    walks them again: that was a third of a run.  Collect far less often
    while indexing and linting (as mypy does), then put the thresholds back."""
    before = gc.get_threshold()
    gc.set_threshold(max(before[0], 50_000), max(before[1], 20), max(before[2], 100))
    try:
        yield
    finally:
        gc.set_threshold(*before)


_ROOTS: Dict[str, str] = {}  # folder -> its project root, while the indexes live


def root_of(path: str) -> str:
    """``find_root(path)``, remembered per folder (one lookup per folder
    when a whole project is linted file by file)."""
    absolute = os.path.abspath(path)
    folder = absolute if os.path.isdir(absolute) else os.path.dirname(absolute)
    root = _ROOTS.get(folder)
    if root is None:
        root = _ROOTS[folder] = find_root(folder)
    return root


def get_index(path: str, families: Sequence[Family], use_cache: bool = True) -> ProjectIndex:
    """The (process-wide) index of the project that holds ``path``, for
    these rule families."""
    root = root_of(path)
    key = (root, use_cache, tuple(families))
    index = _INDEXES.get(key)
    if index is None:
        index = ProjectIndex.build(root, families, use_cache=use_cache)
        _INDEXES[key] = index
    return index


def clear_indexes() -> None:
    versions.clear()
    _INDEXES.clear()
    _PACKAGES.clear()
    _MARKED.clear()
    _ROOTS.clear()
    _AMBIGUOUS.clear()
    forget_test_subprojects()


__all__ = ["ProjectIndex", "get_index", "find_root", "module_name", "iter_python_files", "UNKNOWN", "Obj"]


def _reexports(index: ProjectIndex) -> Dict[str, str]:
    imported: Dict[str, str] = {}
    for module, summary in index.modules.items():
        for name, value in (summary.get("exports") or {}).items():
            if value and value[0] == "q" and isinstance(value[1], str):
                imported[f"{module}.{name}"] = value[1]
    roots = {module.split(".", 1)[0] for module in index.modules}
    found: Dict[str, str] = {}
    for name, origin in imported.items():
        for _hop in range(8):  # a chain of re-exports; a cycle gives up
            if origin.split(".", 1)[0] not in roots:
                found[name] = origin
                break
            following = imported.get(origin)
            if following is None:
                break
            origin = following
    return found
