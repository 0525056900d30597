"""The rule engine: one model per file, every checker run over it.

All three frontends call :func:`analyse`; they differ only in how they get
the tree, how they read options and how they print.
"""

from __future__ import annotations

import ast
import os
import sys
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Optional, Sequence, Set, Tuple

from .config import Config
from .fixes import Fix, fstring_spans, inside_fstrings
from .index import MAX_FILE_BYTES, NOTHING, Obj, ProjectIndex, get_index, import_aliases, module_name
from .model import UNKNOWN, FlaskModel, FunctionNode, HandlerReg, HookReg, RouteReg, Value, View
from .registry import Family, Finding, Rule
from .source import SourceError, is_relevant_text, is_test_path, read_source
from .summary import summarise
from .versions import VersionRange
from .versions import resolve as resolve_versions

# Target kinds a route decorator may sit on for its function to be a view.
VIEW_OWNERS = frozenset({"app", "blueprint", "param", "namespace", "api"})


class AnalysisError(Exception):
    """The file could not be analysed; the message is one line, ``line`` and
    ``col`` where the problem is (FLK001 reports it there)."""

    def __init__(self, message: str, line: int = 1, col: int = 0) -> None:
        super().__init__(message)
        self.line = max(line, 1)
        self.col = max(col, 0)


@dataclass
class FileContext:
    """What a checker sees: the file's model, the project index, options."""

    path: str
    model: FlaskModel
    index: ProjectIndex
    config: Config
    findings: List[Finding] = field(default_factory=list)
    _cache: Dict[str, Any] = field(default_factory=dict)

    def report(self, rule: Rule, node: ast.AST, autofix: Optional[Fix] = None, **args: object) -> None:
        """``autofix``: the edits that repair the finding (flask_lint.fixes), built
        by the rule only where the repair is certain."""
        if autofix is not None and sys.version_info < (3, 12) and inside_fstrings(autofix, self._fstrings()):
            autofix = None
        self.findings.append(
            Finding(
                line=getattr(node, "lineno", 1),
                col=getattr(node, "col_offset", 0),
                code=rule.code,
                message=rule.format(**args),
                end_line=getattr(node, "end_lineno", None),
                end_col=getattr(node, "end_col_offset", None),
                fix=autofix,
            )
        )

    def _fstrings(self) -> List[Tuple[int, int, int, int]]:
        if "fstrings" not in self._cache:
            self._cache["fstrings"] = fstring_spans(self.model.tree)
        return self._cache["fstrings"]

    # ------------------------------------------------------------- objects

    @property
    def flask_version(self) -> VersionRange:
        """The Flask releases the file runs on (``flask-version``, else the
        metadata of its service or project; unknown: today's Flask)."""
        return self._versions()[0]

    @property
    def werkzeug_version(self) -> VersionRange:
        return self._versions()[1]

    def _versions(self) -> Tuple[VersionRange, VersionRange]:
        if "versions" not in self._cache:
            self._cache["versions"] = resolve_versions(self.index.root, self.config.flask_version, self.path)
        return self._cache["versions"]

    @property
    def is_test_file(self) -> bool:
        """A file of a test suite (:func:`flask_lint.source.is_test_path`)."""
        if "test-file" not in self._cache:
            self._cache["test-file"] = is_test_path(self.path, self.index.root)
        return bool(self._cache["test-file"])

    def evaluate(self, value: Value) -> Obj:
        return self.index.evaluate(value) if value != UNKNOWN else NOTHING

    def owner_kind(self, value: Value) -> str:
        """app / blueprint / api / namespace / param / unknown / other."""
        obj = self.evaluate(value)
        if obj[0] in ("app", "blueprint", "api", "namespace", "param"):
            return obj[0]
        if obj == ("external", "flask.current_app"):
            # ``current_app.errorhandler(...)`` (a module imported in the
            # factory's app context) registers on the app being built:
            # which one is not known, but it is a Flask app.
            return "app"
        if obj == NOTHING:
            return "unknown"
        return "other"

    def object_key(self, value: Value) -> Optional[Obj]:
        obj = self.evaluate(value)
        return obj if obj[0] in ("app", "blueprint", "api", "namespace") else None

    # ------------------------------------------------------ views & handlers

    @property
    def imports_flask(self) -> bool:
        if "imports_flask" not in self._cache:
            found = False
            for bindings in self.model.module_scope.bindings.values():
                for binding in bindings:
                    if binding.kind == "import" and binding.qualname and binding.qualname.split(".")[0] in _FLASK_ROOTS:
                        found = True
            self._cache["imports_flask"] = found
        return bool(self._cache["imports_flask"])

    def is_view_route(self, route: RouteReg) -> bool:
        kind = self.owner_kind(route.target)
        return kind in VIEW_OWNERS or (kind == "unknown" and self.imports_flask)

    @property
    def views(self) -> List[View]:
        """Every view function and view method in this file."""
        if "views" not in self._cache:
            self._cache["views"] = self._find_views()
        return self._cache["views"]

    def _find_views(self) -> List[View]:
        by_func: Dict[int, View] = {}
        order: List[int] = []

        def add(func: FunctionNode, route: Optional[RouteReg], kind: str, class_node: Optional[ast.ClassDef] = None) -> None:
            view = by_func.get(id(func))
            if view is None:
                view = View(func, [], kind, class_node)
                by_func[id(func)] = view
                order.append(id(func))
            if route is not None:
                view.routes.append(route)

        routed_classes: Set[int] = set()
        for route in self.model.routes:
            if not self.is_view_route(route):
                continue
            if isinstance(route.view_node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                add(route.view_node, route, "function")
            elif isinstance(route.view_node, ast.ClassDef):
                routed_classes.add(id(route.view_node))
        # Functions of this module registered as views from another module.
        external = self._externally_registered("routes", 4)
        for info in self.model.functions.values():
            if info.qualname in external:
                add(info.node, None, "function")
        for class_node, method in self.model.class_views(self._is_view_class):
            add(method, None, "method", class_node)
        for class_node, _scope in self.model.classes.values():
            if id(class_node) in routed_classes:
                for item in class_node.body:
                    if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and item.name in _HTTP_METHOD_NAMES:
                        add(item, None, "method", class_node)
        return [by_func[i] for i in order]

    def _is_view_class(self, value: Value) -> bool:
        obj = self.evaluate(value)
        if obj[0] == "external":
            from .model import known_class_kind

            return known_class_kind(obj[1]) == "view"
        if obj[0] == "class":
            return self.index.class_kind(obj[1]) == "view"
        return False

    def _externally_registered(self, kind: str, view_slot: int) -> Set[str]:
        key = f"external-{kind}"
        if key not in self._cache:
            # Functions under this module that other modules register (one
            # table per index, not a pass over the project per file).
            self._cache[key] = self.index.registered_elsewhere(self.model.module, kind, view_slot)
        return self._cache[key]

    @property
    def error_handlers(self) -> List[Tuple[FunctionNode, Optional[HandlerReg]]]:
        """Error handler functions defined in this file (with their local
        registration, or None when registered from another module)."""
        if "handlers" not in self._cache:
            found: List[Tuple[FunctionNode, Optional[HandlerReg]]] = []
            seen: Set[int] = set()
            for reg in self.model.handlers:
                if reg.func_node is not None and self.owner_kind(reg.target) != "other":
                    found.append((reg.func_node, reg))
                    seen.add(id(reg.func_node))
            external = self._externally_registered("handlers", 3)
            for info in self.model.functions.values():
                if info.qualname in external and id(info.node) not in seen:
                    found.append((info.node, None))
            self._cache["handlers"] = found
        return self._cache["handlers"]

    @property
    def hooks(self) -> List[HookReg]:
        return [h for h in self.model.hooks if self.owner_kind(h.target) != "other"]


_FLASK_ROOTS = frozenset({"flask", "werkzeug", "apiflask", "flask_restful", "flask_restx", "flask_smorest"})
_HTTP_METHOD_NAMES = frozenset({"get", "head", "post", "put", "delete", "patch", "options"})


def analyse(
    path: str,
    config: Optional[Config] = None,
    *,
    tree: Optional[ast.Module] = None,
    text: Optional[str] = None,
    index: Optional[ProjectIndex] = None,
    families: Optional[Sequence[Family]] = None,
    use_cache: bool = True,
) -> List[Finding]:
    """Findings for one file, sorted; raises AnalysisError for a bad file.
    The rule families are the index's, or ``families`` (``flask_lint.
    families.FAMILIES``) for the index of the file's project when no index
    is given."""
    if index is None and families is None:
        raise TypeError("analyse() needs the index or the rule families (flask_lint.families.FAMILIES)")
    config = config or Config()
    size = len(text) if text is not None else _file_size(path)
    if size > MAX_FILE_BYTES:
        # Generated monsters hold no hand-written views; the index skips them too.
        raise AnalysisError(f"skipped: {size / 1048576:.1f} MB is over the {MAX_FILE_BYTES // 1048576} MB analysis limit")
    if tree is None or text is None:
        try:
            source = read_source(path, text)
        except SourceError as exc:
            raise AnalysisError(str(exc), exc.line, exc.col) from None
        tree, text = source.tree, source.text
    try:
        index = index or get_index(path, families or (), use_cache=use_cache)
        module, is_package = module_name(path, index.root)
        relevant = is_relevant_text(text)
        if not relevant and module not in index.externally_registered_modules():
            return []
        aliases = import_aliases(path, index.root)
        model = FlaskModel(tree, module, is_package, aliases=aliases)
        if os.path.abspath(path).startswith(index.root + os.sep):
            # Summarised as the index does (a light model for a file that
            # does not mention Flask): a summary that differs resets every
            # project-wide answer, so only a file changed since must differ.
            facts = model if relevant else FlaskModel(tree, module, is_package, light=True, aliases=aliases)
            summary = summarise(facts, index.extensions)
            summary["relevant"] = relevant
            index.update_file(path, summary)
    except RecursionError:
        raise recursion_error(tree) from None
    return check_model(path, model, index, config)


DEEP_NESTING = 100  # AST levels: real code stays far below, generated monsters do not


def recursion_error(tree: ast.AST) -> AnalysisError:
    """What a RecursionError during analysis means: deeply nested code, or
    (on ordinary code) a runaway recursion in flask-lint, which is said as
    such instead of passing the file off as too deep."""
    deepest, stack = 0, [(tree, 1)]
    while stack and deepest < DEEP_NESTING:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    if deepest >= DEEP_NESTING:
        return AnalysisError("skipped: the code is nested too deeply to analyse")
    return AnalysisError("internal error (runaway recursion in flask-lint); please report it")


def _file_size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0  # read_source reports the real problem


def check_model(path: str, model: FlaskModel, index: ProjectIndex, config: Config) -> List[Finding]:
    """Every checker over a model the index already holds the summary of
    (what :func:`analyse` does once the file is parsed and summarised)."""
    model.use_reexports(index.reexports())
    try:
        ctx = FileContext(path, model, index, config)
        for family in index.families:
            family.check(ctx)
    except RecursionError:
        raise recursion_error(model.tree) from None
    findings = ctx.findings
    if config.enabled is not None:
        findings = [f for f in findings if f.code in config.enabled]
    return sorted(set(findings), key=Finding.sort_key)


__all__ = ["analyse", "check_model", "AnalysisError", "FileContext", "Iterable"]
