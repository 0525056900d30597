"""Metamorphic testing of flask-lint: source rewrites and what they must do
to the findings (used by ``tests/test_metamorphic.py``).

Every fixture is read as it is when the test runs, parsed and printed back
with :func:`ast.unparse` (the *baseline*: comments are gone, so the expected
findings are flask-lint's own answers on that text, never the ``# expect:``
marks).  A rewrite is an ``ast`` transform of the baseline; its findings are
compared with the baseline's by identity, not by line: (code, qualified name
of the enclosing function or class, message with line numbers, module
locations and renamed names normalised), as multisets.

* A *preserving* rewrite (``Rewrite.preserving``) must keep the findings of
  the rules it declares exactly: a lost or gained finding is a flask-lint bug.
* A *changing* rewrite must remove the findings it targets
  (``Rewritten.gone``) and leave the findings of its rules outside the
  scopes it touched alone.

Names are resolved by scope (:class:`Scopes`), never by text: a rename only
touches the occurrences that Python would bind to the renamed binding.
"""

from __future__ import annotations

import ast
import copy
import os
import re
import shutil
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Dict, FrozenSet, Iterable, Iterator, List, Optional, Sequence, Set, Tuple, Union

from flask_lint import batch, index
from flask_lint.config import Config
from flask_lint.families import all_rules
from flask_lint.registry import Finding
from flask_lint.source import is_test_module

ALL_CODES: FrozenSet[str] = frozenset(r.code for r in all_rules())
ROOT_MARKERS = ("setup.cfg", "pyproject.toml", "setup.py", "tox.ini", ".flake8")
FuncNode = Union[ast.FunctionDef, ast.AsyncFunctionDef]
FUNCS = (ast.FunctionDef, ast.AsyncFunctionDef)
COMPS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
Key = Tuple[str, str, str]  # code, enclosing qualname, normalised message
Binding = Tuple[int, str]  # id(scope node), name

# =============================================================== scopes


@dataclass(eq=False)
class Scope:
    node: ast.AST
    kind: str  # module / function / lambda / class / comprehension
    parent: Optional[Scope]
    bound: Dict[str, List[str]] = field(default_factory=dict)  # name -> binding kinds
    params: Set[str] = field(default_factory=set)
    globals: Set[str] = field(default_factory=set)
    nonlocals: Set[str] = field(default_factory=set)

    def bind(self, name: str, kind: str) -> None:
        self.bound.setdefault(name, []).append(kind)

    @property
    def is_function_like(self) -> bool:
        return self.kind in ("function", "lambda", "comprehension")


@dataclass
class Occurrence:
    node: ast.AST  # Name, arg, alias, ExceptHandler, Global, Nonlocal, Match*, FunctionDef, ClassDef
    scope: Scope
    name: str
    binding: bool


class Scopes:
    """Python's scoping rules over one module: every occurrence of a name
    with the scope whose binding it refers to."""

    def __init__(self, tree: ast.Module) -> None:
        self.tree = tree
        self.module = Scope(tree, "module", None)
        self.by_node: Dict[int, Scope] = {id(tree): self.module}
        self.occurrences: List[Occurrence] = []
        self._body(tree.body, self.module)

    # ------------------------------------------------------------ building
    def _new(self, node: ast.AST, kind: str, parent: Scope) -> Scope:
        scope = Scope(node, kind, parent)
        self.by_node[id(node)] = scope
        return scope

    def _occ(self, node: ast.AST, scope: Scope, name: str, binding: bool, kind: str = "") -> None:
        self.occurrences.append(Occurrence(node, scope, name, binding))
        if binding:
            scope.bind(name, kind)

    def _body(self, stmts: Iterable[ast.AST], scope: Scope) -> None:
        for stmt in stmts:
            self._visit(stmt, scope)

    def _arguments(self, args: ast.arguments, outer: Scope, inner: Scope) -> None:
        for default in list(args.defaults) + [d for d in args.kw_defaults if d is not None]:
            self._visit(default, outer)
        for arg in args.posonlyargs + args.args + args.kwonlyargs + [a for a in (args.vararg, args.kwarg) if a]:
            if arg.annotation is not None:
                self._visit(arg.annotation, outer)
            inner.params.add(arg.arg)
            self._occ(arg, inner, arg.arg, True, "param")

    def _visit(self, node: ast.AST, scope: Scope) -> None:
        if isinstance(node, FUNCS):
            for dec in node.decorator_list:
                self._visit(dec, scope)
            if node.returns is not None:
                self._visit(node.returns, scope)
            self._occ(node, scope, node.name, True, "def")
            inner = self._new(node, "function", scope)
            self._arguments(node.args, scope, inner)
            self._body(node.body, inner)
        elif isinstance(node, ast.Lambda):
            inner = self._new(node, "lambda", scope)
            self._arguments(node.args, scope, inner)
            self._visit(node.body, inner)
        elif isinstance(node, ast.ClassDef):
            for expr in node.decorator_list + node.bases + [k.value for k in node.keywords]:
                self._visit(expr, scope)
            self._occ(node, scope, node.name, True, "class")
            inner = self._new(node, "class", scope)
            self._body(node.body, inner)
        elif isinstance(node, COMPS):
            self._visit(node.generators[0].iter, scope)
            inner = self._new(node, "comprehension", scope)
            for number, gen in enumerate(node.generators):
                self._visit(gen.target, inner)
                if number:
                    self._visit(gen.iter, inner)
                for cond in gen.ifs:
                    self._visit(cond, inner)
            if isinstance(node, ast.DictComp):
                self._visit(node.key, inner)
                self._visit(node.value, inner)
            else:
                self._visit(node.elt, inner)
        elif isinstance(node, ast.Name):
            binding = not isinstance(node.ctx, ast.Load)
            self._occ(node, scope, node.id, binding, "assign" if binding else "")
        elif isinstance(node, ast.NamedExpr):
            target_scope = scope
            while target_scope.kind == "comprehension" and target_scope.parent is not None:
                target_scope = target_scope.parent
            assert isinstance(node.target, ast.Name)
            self._occ(node.target, target_scope, node.target.id, True, "assign")
            self._visit(node.value, scope)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                if alias.name == "*":
                    continue
                name = alias.asname or alias.name.split(".")[0]
                self._occ(alias, scope, name, True, "import")
        elif isinstance(node, ast.ExceptHandler):
            if node.type is not None:
                self._visit(node.type, scope)
            if node.name:
                self._occ(node, scope, node.name, True, "assign")
            self._body(node.body, scope)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            target = scope.globals if isinstance(node, ast.Global) else scope.nonlocals
            target.update(node.names)
            for name in node.names:
                self._occ(node, scope, name, False)
        elif isinstance(node, (ast.MatchAs, ast.MatchStar)) and node.name:
            self._occ(node, scope, node.name, True, "assign")
            for child in ast.iter_child_nodes(node):
                self._visit(child, scope)
        elif isinstance(node, ast.MatchMapping) and node.rest:
            self._occ(node, scope, node.rest, True, "assign")
            for child in ast.iter_child_nodes(node):
                self._visit(child, scope)
        else:
            for child in ast.iter_child_nodes(node):
                self._visit(child, scope)

    # ----------------------------------------------------------- resolving
    def resolve(self, scope: Scope, name: str) -> Optional[Scope]:
        """The scope whose binding ``name`` refers to in ``scope`` (None: a
        builtin or an undefined name)."""
        if name in scope.globals:
            return self.module if name in self.module.bound else None
        if name in scope.nonlocals:
            return self._enclosing_function_binding(scope.parent, name)
        if name in scope.bound:
            return scope
        if scope.kind == "module":
            return None
        return self._enclosing_function_binding(scope.parent, name, free=True)

    def _enclosing_function_binding(self, scope: Optional[Scope], name: str, free: bool = False) -> Optional[Scope]:
        while scope is not None:
            if scope.kind == "class":
                scope = scope.parent
                continue
            if scope.kind == "module":
                return scope if free and name in scope.bound else None
            if name in scope.bound and name not in scope.globals:
                return scope
            if name in scope.globals:
                return self.module if free and name in self.module.bound else None
            scope = scope.parent
        return None

    def binding_of(self, occ: Occurrence) -> Optional[Binding]:
        target = self.resolve(occ.scope, occ.name)
        return (id(target.node), occ.name) if target is not None else None

    def uses(self, binding: Binding) -> List[Occurrence]:
        return [o for o in self.occurrences if self.binding_of(o) == binding]

    def scope_of(self, node: ast.AST) -> Scope:
        return self.by_node[id(node)]


def rename(scopes: Scopes, mapping: Dict[Binding, str]) -> None:
    """Rename every occurrence that resolves to a binding in ``mapping``."""
    for occ in scopes.occurrences:
        binding = scopes.binding_of(occ)
        if binding not in mapping:
            continue
        new = mapping[binding]
        node = occ.node
        if isinstance(node, ast.Name):
            node.id = new
        elif isinstance(node, ast.arg):
            node.arg = new
        elif isinstance(node, ast.alias):
            if node.asname is None and "." in node.name:
                raise ValueError(f"cannot alias dotted import {node.name}")
            node.asname = new
        elif isinstance(node, ast.ExceptHandler):
            node.name = new
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            node.names = [new if n == occ.name else n for n in node.names]
        elif isinstance(node, (ast.MatchAs, ast.MatchStar)):
            node.name = new
        elif isinstance(node, ast.MatchMapping):
            node.rest = new
        else:
            raise ValueError(f"cannot rename a {type(node).__name__}")


# ============================================================ small helpers


def identifiers(tree: ast.AST) -> Set[str]:
    """Every identifier a module spells (names, attributes, parameters,
    keywords, imports, definitions): fresh names must avoid them all."""
    out: Set[str] = set()
    for node in ast.walk(tree):
        for attr in ("id", "attr", "arg", "name", "asname"):
            value = getattr(node, attr, None)
            if isinstance(value, str):
                out.update(value.split("."))
    return out


STRING_NAME_RE = re.compile(r"\{([A-Za-z_]\w*)|%\(([A-Za-z_]\w*)\)")


def names_in_strings(tree: ast.AST) -> Set[str]:
    """Names a string may refer to: a whole string that is an identifier
    (``__all__``, ``getattr(x, "name")``) and ``{name}`` / ``%(name)s``
    placeholders."""
    out: Set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
            if text.isidentifier():
                out.add(text)
            for match in STRING_NAME_RE.finditer(text):
                out.add(match.group(1) or match.group(2))
    return out


INTROSPECTION = frozenset({"locals", "vars", "eval", "exec", "globals", "dir"})


def uses_introspection(node: ast.AST) -> bool:
    return any(
        isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in INTROSPECTION for n in ast.walk(node)
    )


def walk_own(node: ast.AST) -> Iterator[ast.AST]:
    """The nodes of a function body, without nested functions, classes and lambdas."""
    stack = list(ast.iter_child_nodes(node))
    while stack:
        child = stack.pop()
        yield child
        if not isinstance(child, FUNCS + (ast.ClassDef, ast.Lambda)):
            stack.extend(ast.iter_child_nodes(child))


def is_generator(func: FuncNode) -> bool:
    return any(isinstance(n, (ast.Yield, ast.YieldFrom)) for n in walk_own(func))


def parse_stmts(text: str) -> List[ast.stmt]:
    return ast.parse(text).body


def insert_after_imports(tree: ast.Module, stmts: Sequence[ast.stmt]) -> None:
    """Put ``stmts`` after the module docstring and ``from __future__`` imports."""
    position = 0
    for number, stmt in enumerate(tree.body):
        if number == 0 and isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
            position = 1
        elif isinstance(stmt, ast.ImportFrom) and stmt.module == "__future__":
            position = number + 1
    tree.body[position:position] = list(stmts)


class FreshNames:
    """Names no file of the project spells.  ``like(old)`` gives one of the
    same length when it can (messages cut long quotes at a fixed width, so a
    rename must not move the cut)."""

    def __init__(self, taken: Iterable[str], prefix: str) -> None:
        self.taken = set(taken)
        self.prefix = prefix
        self.count = 0

    def __call__(self) -> str:
        while True:
            self.count += 1
            name = f"{self.prefix}{self.count}"
            if name not in self.taken:
                self.taken.add(name)
                return name

    def like(self, old: str) -> str:
        size = len(old)
        if size >= 4:
            candidates: Iterable[str] = (f"mt{n:0{size - 2}d}" for n in range(1, 10 ** (size - 2)))
        elif size == 3:
            candidates = (f"Mt{c}" for c in "ABCDEFGHJKLMNPQRSTUVWXYZ")
        elif size == 2:
            candidates = (f"Q{c}" for c in "ABCDEFGHJKLMNPRSTUVWXYZ")
        else:
            candidates = iter("QZXJKVWY")
        for name in candidates:
            if name not in self.taken:
                self.taken.add(name)
                return name
        return self()


def dotted(expr: ast.AST) -> Optional[str]:
    if isinstance(expr, ast.Name):
        return expr.id
    if isinstance(expr, ast.Attribute):
        head = dotted(expr.value)
        return f"{head}.{expr.attr}" if head else None
    return None


def import_map(tree: ast.Module) -> Dict[str, str]:
    """Module-level import bindings: local name -> dotted name imported."""
    out: Dict[str, str] = {}
    for stmt in tree.body:
        if isinstance(stmt, ast.Import):
            for alias in stmt.names:
                if alias.asname:
                    out[alias.asname] = alias.name
                else:
                    out[alias.name.split(".")[0]] = alias.name.split(".")[0]
        elif isinstance(stmt, ast.ImportFrom) and stmt.module and not stmt.level:
            for alias in stmt.names:
                out[alias.asname or alias.name] = f"{stmt.module}.{alias.name}"
    return out


def canonical(expr: ast.AST, imports: Dict[str, str]) -> Optional[str]:
    name = dotted(expr)
    if name is None:
        return None
    head, _, rest = name.partition(".")
    if head not in imports:
        return None
    return imports[head] + ("." + rest if rest else "")


# =============================================================== projects


@dataclass
class Project:
    """A fixture as the baseline sees it: unparsed source of every file."""

    name: str
    files: Dict[str, str]  # relative path -> source
    others: Dict[str, bytes]  # non-Python files, copied as they are
    options: Dict[str, str]

    @property
    def single(self) -> bool:
        return not self.name.startswith("projects/")

    def trees(self) -> Dict[str, ast.Module]:
        """Fresh trees, for a rewrite to mutate."""
        return {rel: ast.parse(text) for rel, text in self.files.items()}

    def is_package_dir(self, rel_dir: str) -> bool:
        return os.path.join(rel_dir, "__init__.py").lstrip("/") in self.files or (
            rel_dir == "" and "__init__.py" in self.files
        )


OPTIONS_RE = re.compile(r"^#\s*options:\s*(.+)$", re.MULTILINE)


def load_project(name: str, source: str) -> Project:
    """Read a fixture (a file or a project folder) as it is now."""
    texts: Dict[str, str] = {}
    others: Dict[str, bytes] = {}
    if os.path.isdir(source):
        for folder, dirs, files in os.walk(source):
            dirs[:] = sorted(d for d in dirs if d not in ("__pycache__", ".flask-lint-cache"))
            for base in sorted(files):
                path = os.path.join(folder, base)
                rel = os.path.relpath(path, source)
                if base.endswith(".py"):
                    with open(path, encoding="utf-8") as handle:
                        texts[rel] = handle.read()
                elif not base.endswith(".pyc"):
                    with open(path, "rb") as handle:
                        others[rel] = handle.read()
    else:
        with open(source, encoding="utf-8") as handle:
            texts[os.path.basename(source)] = handle.read()
    options: Dict[str, str] = {}
    for text in texts.values():
        for match in OPTIONS_RE.finditer(text):
            for item in match.group(1).split():
                key, _, value = item.partition("=")
                options[key] = value
    return Project(name, texts, others, options)


def unparsed(project: Project) -> Project:
    files = {rel: ast.unparse(ast.parse(text)) + "\n" for rel, text in project.files.items()}
    return Project(project.name, files, project.others, project.options)


# ================================================================ linting


@dataclass(frozen=True)
class Located:
    rel: str
    finding: Finding
    qualname: str  # enclosing function or class, "<module>" at module level


def scope_spans(tree: ast.Module) -> List[Tuple[int, int, str]]:
    """(first line, last line, qualname) of every def and class, decorators included."""
    spans: List[Tuple[int, int, str]] = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, FUNCS + (ast.ClassDef,)):
                qual = prefix + child.name
                start = min([child.lineno] + [d.lineno for d in child.decorator_list])
                spans.append((start, child.end_lineno or child.lineno, qual))
                visit(child, qual + ".")
            else:
                visit(child, prefix)

    visit(tree, "")
    return spans


def enclosing(spans: List[Tuple[int, int, str]], line: int) -> str:
    best: Optional[Tuple[int, int, str]] = None
    for span in spans:
        if span[0] <= line <= span[1] and (best is None or span[0] >= best[0]):
            best = span
    return best[2] if best else "<module>"


class LintError(Exception):
    pass


def lint(files: Dict[str, str], others: Dict[str, bytes], options: Dict[str, str], workdir: str) -> List[Located]:
    """Every finding of every rule over a project written to a fresh root."""
    root = tempfile.mkdtemp(dir=workdir)
    try:
        for rel, data in others.items():
            path = os.path.join(root, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as handle:
                handle.write(data)
        for rel, text in files.items():
            path = os.path.join(root, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as handle:
                handle.write(text)
        if not any(os.path.exists(os.path.join(root, m)) for m in ROOT_MARKERS):
            open(os.path.join(root, "setup.cfg"), "w").close()
        config = Config(enabled=ALL_CODES).with_options(options)
        paths = [os.path.join(root, rel) for rel in sorted(files)]
        index.clear_indexes()
        results = batch.lint_files(paths, config, use_cache=False)
        index.clear_indexes()
        out: List[Located] = []
        for result in results:
            if result.error is not None:
                raise LintError(f"{os.path.relpath(result.path, root)}: {type(result.error).__name__}: {result.error}")
            rel = os.path.relpath(result.path, root)
            spans = scope_spans(ast.parse(files[rel]))
            for finding in result.findings or []:
                out.append(Located(rel, finding, enclosing(spans, finding.line)))
        return out
    finally:
        shutil.rmtree(root, ignore_errors=True)


LINE_RE = re.compile(r"(?:[\w.]+ )?\blines? \d+(?:(?:, | and |-)\d+)*")
MODULE_LOCATION_RE = re.compile(r"[\w./]+:\d+\b")


DOTTED_IN_PARENS_RE = re.compile(r"\((?:[A-Za-z_]\w*\.)+[A-Za-z_]\w*\)|\(line <n>\)")


def normalise(message: str, renames: Dict[str, str]) -> str:
    """Line numbers and module locations out (``pkg.views:12``, ``(line 5)``,
    ``(pkg.helpers line 5)``, ``(pkg.STATE)``), renamed names back."""
    message = MODULE_LOCATION_RE.sub("<loc>", message)
    message = LINE_RE.sub("line <n>", message)
    message = DOTTED_IN_PARENS_RE.sub("(<loc>)", message)
    if renames:
        pattern = re.compile(r"\b(" + "|".join(sorted(map(re.escape, renames), key=len, reverse=True)) + r")\b")
        message = pattern.sub(lambda m: renames[m.group(1)], message)
    return message


def key_of(located: Located, renames: Optional[Dict[str, str]] = None, qualmap: Optional[Callable[[str], str]] = None) -> Key:
    qual = qualmap(located.qualname) if qualmap else located.qualname
    return (located.finding.code, qual, normalise(located.finding.message, renames or {}))


def describe_keys(keys: Counter) -> str:
    return "; ".join(
        f"{code} in {qual}: {msg[:160]}" + (f" (x{n})" if n > 1 else "") for (code, qual, msg), n in sorted(keys.items())
    )


# =============================================================== rewrites


@dataclass
class Rewritten:
    files: Dict[str, str]
    touched: Set[str]  # top-level qualnames (of the baseline) whose code changed; "*" for all
    renames: Dict[str, str] = field(default_factory=dict)  # new name -> old name, for messages
    qualmap: Optional[Callable[[str], str]] = None  # rewritten qualname -> baseline qualname
    gone: Counter = field(default_factory=Counter)  # baseline keys that must disappear


@dataclass(frozen=True)
class Rewrite:
    name: str
    preserving: bool
    rules: FrozenSet[str]  # the codes whose findings the rewrite is checked on
    apply: Callable[[Project, List[Located]], Optional[Rewritten]]
    doc: str = ""


def top(qualname: str) -> str:
    return qualname.split(".")[0]


Problem = Tuple[str, Key, int]  # direction (lost / gained / kept), finding key, count


def compare(rewrite: Rewrite, base: List[Located], found: List[Located], result: Rewritten) -> List[Problem]:
    """The discrepancies between the baseline's findings and the rewritten
    project's, for the rules ``rewrite`` is checked on.

    Preserving: every finding lost or gained.  Changing: a targeted finding
    that stayed (``kept``), and any finding lost or gained outside the
    top-level scopes the rewrite touched (where a targeted finding went, the
    rule may report the next thing it finds instead: those scopes are not
    compared)."""
    rules = rewrite.rules
    before = Counter(key_of(loc) for loc in base if loc.finding.code in rules)
    after = Counter(key_of(loc, result.renames, result.qualmap) for loc in found if loc.finding.code in rules)
    problems: List[Problem] = []
    if rewrite.preserving:
        problems += [("lost", k, n) for k, n in (before - after).items()]
        problems += [("gained", k, n) for k, n in (after - before).items()]
        return problems
    for key, count in result.gone.items():
        if after[key] > before[key] - count:
            problems.append(("kept", key, after[key] - (before[key] - count)))
    targeted = {(code, qual) for code, qual, _msg in result.gone}

    def outside(keys: Counter) -> Counter:
        return Counter({k: n for k, n in keys.items() if top(k[1]) not in result.touched and k[:2] not in targeted})

    outside_before, outside_after = outside(before), outside(after)
    problems += [("lost", k, n) for k, n in (outside_before - outside_after).items()]
    problems += [("gained", k, n) for k, n in (outside_after - outside_before).items()]
    return problems


def emit(trees: Dict[str, ast.Module]) -> Dict[str, str]:
    return {rel: ast.unparse(ast.fix_missing_locations(tree)) + "\n" for rel, tree in trees.items()}


def qualnames(tree: ast.Module) -> Dict[int, str]:
    """id(def or class node) -> qualified name (as scope_spans spells it)."""
    out: Dict[int, str] = {}

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, FUNCS + (ast.ClassDef,)):
                out[id(child)] = prefix + child.name
                visit(child, prefix + child.name + ".")
            else:
                visit(child, prefix)

    visit(tree, "")
    return out


def top_level_of(tree: ast.Module) -> Dict[int, str]:
    """id(node) -> the top-level qualname of the statement holding it
    ("<module>" for statements that are not defs or classes)."""
    out: Dict[int, str] = {}
    for stmt in tree.body:
        owner = stmt.name if isinstance(stmt, FUNCS + (ast.ClassDef,)) else "<module>"
        for node in ast.walk(stmt):
            out[id(node)] = owner
    return out


def innermost_function(tree: ast.Module, line: int) -> Optional[FuncNode]:
    best: Optional[FuncNode] = None
    for node in ast.walk(tree):
        if isinstance(node, FUNCS):
            if not hasattr(node, "lineno"):
                continue  # added by a rewrite
            start = min([node.lineno] + [getattr(d, "lineno", node.lineno) for d in node.decorator_list])
            if start <= line <= (node.end_lineno or node.lineno) and (best is None or node.lineno >= best.lineno):
                best = node
    return best


def project_identifiers(trees: Dict[str, ast.Module]) -> Set[str]:
    out: Set[str] = set()
    for tree in trees.values():
        out |= identifiers(tree)
    return out


def project_strings(trees: Dict[str, ast.Module]) -> Set[str]:
    out: Set[str] = set()
    for tree in trees.values():
        out |= names_in_strings(tree)
    return out


# ------------------------------------------------------------ renaming


def rename_locals(project: Project, baseline: List[Located]) -> Optional[Rewritten]:
    """Rename every local variable of every function, consistently and by
    scope: never parameters (URL rules name them), defs and classes (their
    __name__ is the endpoint), imports, globals/nonlocals, names a string
    refers to, nor anything in a function that calls locals()/vars()/eval."""
    trees = project.trees()
    fresh = FreshNames(project_identifiers(trees), "mtv")
    renames: Dict[str, str] = {}
    touched: Set[str] = set()
    for tree in trees.values():
        scopes = Scopes(tree)
        quals = qualnames(tree)
        stringy = names_in_strings(tree)
        mapping: Dict[Binding, str] = {}
        for scope in scopes.by_node.values():
            if scope.kind != "function" or uses_introspection(scope.node):
                continue
            for name, kinds in scope.bound.items():
                if name in scope.params or name in scope.globals or name in scope.nonlocals:
                    continue
                if set(kinds) - {"assign"} or name in stringy or name.startswith("__"):
                    continue
                new = fresh.like(name)
                mapping[(id(scope.node), name)] = new
                renames[new] = name
                touched.add(top(quals[id(scope.node)]))
        rename(scopes, mapping)
    if not renames:
        return None
    return Rewritten(emit(trees), touched, renames)


def _project_modules(project: Project) -> Set[str]:
    """Top-level names of the project's own modules and packages."""
    return {
        rel.split(os.sep)[0][:-3] if rel.endswith(".py") and os.sep not in rel else rel.split(os.sep)[0] for rel in project.files
    }


def _imported_from_project(project: Project, trees: Dict[str, ast.Module], rel: str) -> Set[str]:
    """Names other files import from a project module (conservatively: from
    any project module): aliasing them in ``rel`` would break those imports."""
    own = _project_modules(project)
    folder, base = os.path.split(rel)
    stem = os.path.basename(folder) if base == "__init__.py" else base[:-3]
    out: Set[str] = set()
    for other, tree in trees.items():
        if other == rel:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").split(".")[0] in own):
                out.update(a.name for a in node.names)
                if any(a.name == "*" for a in node.names) and (node.module or "").split(".")[-1] in (stem, ""):
                    # a star import may re-export every public name of rel
                    out.update(n for n in identifiers(trees[rel]) if not n.startswith("_"))
    return out


def alias_imports(project: Project, baseline: List[Located]) -> Optional[Rewritten]:
    """``from flask import request`` -> ``from flask import request as mta1``,
    ``import flask`` -> ``import flask as mta2`` (module level and inside
    functions), every use that Python binds to the import rewritten; uses
    shadowed by a local binding are left alone."""
    trees = project.trees()
    fresh = FreshNames(project_identifiers(trees), "mta")
    stringy = project_strings(trees)
    renames: Dict[str, str] = {}
    touched: Set[str] = set()
    for rel, tree in trees.items():
        scopes = Scopes(tree)
        exported = _imported_from_project(project, trees, rel)
        declared_global = set().union(*(s.globals for s in scopes.by_node.values()))
        owner = top_level_of(tree)
        mapping: Dict[Binding, str] = {}
        for scope in scopes.by_node.values():
            if scope.kind not in ("module", "function"):
                continue
            for name, kinds in scope.bound.items():
                if kinds != ["import"] or name in stringy or name.startswith("__"):
                    continue
                if scope.kind == "module" and (name in declared_global or name in exported or uses_introspection(tree)):
                    continue
                alias = next(o.node for o in scopes.occurrences if o.binding and o.scope is scope and o.name == name)
                assert isinstance(alias, ast.alias)
                if alias.asname is None and "." in alias.name:
                    continue
                statement = next(
                    n for n in ast.walk(scope.node) if isinstance(n, (ast.Import, ast.ImportFrom)) and alias in n.names
                )
                if isinstance(statement, ast.ImportFrom) and statement.module == "__future__":
                    continue
                new = fresh.like(name)
                mapping[(id(scope.node), name)] = new
                renames[new] = name
        for occ in scopes.occurrences:
            if scopes.binding_of(occ) in mapping:
                touched.add(owner.get(id(occ.node), "<module>"))
        rename(scopes, mapping)
    if not renames:
        return None
    return Rewritten(emit(trees), touched, renames)


# ------------------------------------------------------------ decorators

ROUTE_METHODS = frozenset({"route", "get", "post", "put", "delete", "patch"})


def route_decorator_index(func: FuncNode) -> Optional[int]:
    found = None
    for number, dec in enumerate(func.decorator_list):
        if isinstance(dec, ast.Call) and isinstance(dec.func, ast.Attribute) and dec.func.attr in ROUTE_METHODS:
            found = number
    return found


PASSTHROUGH = """
import functools as {functools}


def {sync}(view):

    @{functools}.wraps(view)
    def {sync}_inner(*args, **kwargs):
        return view(*args, **kwargs)
    return {sync}_inner


def {coro}(view):

    @{functools}.wraps(view)
    async def {coro}_inner(*args, **kwargs):
        return await view(*args, **kwargs)
    return {coro}_inner
"""


def passthrough_decorator(project: Project, baseline: List[Located]) -> Optional[Rewritten]:
    """A functools.wraps pass-through decorator right under every route
    decorator (an async one for async views)."""
    trees = project.trees()
    fresh = FreshNames(project_identifiers(trees), "mtp")
    touched: Set[str] = set()
    out: Dict[str, ast.Module] = {}
    for rel, tree in trees.items():
        names = {"functools": fresh(), "sync": fresh(), "coro": fresh()}
        owner = top_level_of(tree)
        changed = False
        for node in ast.walk(tree):
            if isinstance(node, FUNCS):
                position = route_decorator_index(node)
                if position is None or (isinstance(node, ast.AsyncFunctionDef) and is_generator(node)):
                    continue  # (an async generator cannot be awaited: the wrapper would break it)
                wrapper = names["coro"] if isinstance(node, ast.AsyncFunctionDef) else names["sync"]
                node.decorator_list.insert(position + 1, ast.Name(wrapper, ast.Load()))
                touched.add(owner[id(node)])
                changed = True
        if changed:
            insert_after_imports(tree, parse_stmts(PASSTHROUGH.format(**names)))
        out[rel] = tree
    if not touched:
        return None
    return Rewritten(emit(out), touched)


# ----------------------------------------------------------------- moving


def _module_of(project: Project, rel: str) -> Tuple[bool, str]:
    """(in a package, the name a sibling module imports it by)."""
    folder, base = os.path.split(rel)
    package = os.path.join(folder, "__init__.py") in project.files
    stem = base[:-3]
    return package, stem


def _import_from(package: bool, module: str, names: Sequence[ast.alias]) -> ast.ImportFrom:
    """``from .module import names`` in a package, ``from module import
    names`` beside a script; ``module`` "__init__" is the package itself."""
    if package:
        if module == "__init__":
            return ast.ImportFrom(None, list(names), 1)
        return ast.ImportFrom(module, list(names), 1)
    return ast.ImportFrom(module, list(names), 0)


REGISTRATION_HEADS = ("route", "get", "post", "put", "delete", "patch", "errorhandler", "app_errorhandler")


def move_functions(registered: bool) -> Callable[[Project, List[Located]], Optional[Rewritten]]:
    """Move top-level functions to a module of their own beside their file
    and import them back at the very place the def was (so registrations keep
    their order): helpers (no decorators) or registered functions (views,
    handlers, hooks: decorated).  A module-level name the function uses is
    imported the way the file imports it, or from the file itself when the
    file binds it (only names bound once, before the def, never declared
    global: the moved module sees the same object)."""

    def apply(project: Project, baseline: List[Located]) -> Optional[Rewritten]:
        trees = project.trees()
        taken = project_identifiers(trees) | {os.path.basename(r)[:-3] for r in project.files}
        fresh = FreshNames(taken, "mt_moved_")
        files: Dict[str, str] = {}
        touched: Set[str] = set()
        for rel, tree in list(trees.items()):
            package, stem = _module_of(project, rel)
            if not stem.isidentifier():
                continue  # nothing can import it by name
            if is_test_module(rel[:-3].replace("/", ".")):
                continue  # a test moved out of its test module is no longer a test
            scopes = Scopes(tree)
            module = scopes.module
            declared_global = set().union(*(s.globals for s in scopes.by_node.values()))
            future = [s for s in tree.body if isinstance(s, ast.ImportFrom) and s.module == "__future__"]
            # the import statement (a copy holding only that alias) binding each module-level name
            import_of: Dict[str, ast.stmt] = {}
            for stmt in tree.body:
                if isinstance(stmt, (ast.Import, ast.ImportFrom)) and stmt not in future:
                    for alias in stmt.names:
                        if alias.name == "*":
                            continue
                        name = alias.asname or alias.name.split(".")[0]
                        single = copy.deepcopy(stmt)
                        single.names = [copy.deepcopy(alias)]
                        import_of[name] = single
            stmt_of: Dict[int, int] = {}
            for number, stmt in enumerate(tree.body):
                for node in ast.walk(stmt):
                    stmt_of[id(node)] = number
            loads: Dict[int, Set[str]] = {}
            for occ in scopes.occurrences:
                if not occ.binding and scopes.resolve(occ.scope, occ.name) is module:
                    loads.setdefault(stmt_of.get(id(occ.node), -1), set()).add(occ.name)
            bound_before: Set[str] = set()
            new_body: List[ast.stmt] = []
            for number, stmt in enumerate(tree.body):
                if isinstance(stmt, FUNCS) and bool(stmt.decorator_list) == registered and _try_move(
                    stmt, number, loads.get(number, set()), bound_before, module, declared_global,
                    import_of, future, package, stem, rel, fresh, files, new_body,
                ):
                    touched.add(stmt.name)
                else:
                    new_body.append(stmt)
                for occ in scopes.occurrences:
                    if occ.binding and occ.scope is module and stmt_of.get(id(occ.node)) == number:
                        bound_before.add(occ.name)
            tree.body = new_body
        if not touched:
            return None
        # functions that call a moved one are touched too
        for tree in trees.values():
            owner = top_level_of(tree)
            for node in ast.walk(tree):
                if isinstance(node, ast.Name) and node.id in touched:
                    touched.add(owner.get(id(node), "<module>"))
        out = emit(trees)
        out.update(files)
        return Rewritten(out, touched)

    return apply


def _try_move(
    func: FuncNode,
    number: int,
    free: Set[str],
    bound_before: Set[str],
    module: Scope,
    declared_global: Set[str],
    import_of: Dict[str, ast.stmt],
    future: Sequence[ast.stmt],
    package: bool,
    stem: str,
    rel: str,
    fresh: FreshNames,
    files: Dict[str, str],
    new_body: List[ast.stmt],
) -> bool:
    if registered_needs_object(func) is False and func.decorator_list:
        return False
    if any(isinstance(n, (ast.Global, ast.Nonlocal)) for n in ast.walk(func)) or uses_introspection(func):
        return False
    if any(isinstance(n, ast.Name) and n.id in ("__name__", "__file__", "__spec__") for n in ast.walk(func)):
        return False
    header: List[ast.stmt] = [copy.deepcopy(s) for s in future]
    if os.environ.get("MT_FLASK_IMPORT") and "flask" not in free:
        # diagnostic: a module importing something from Flask is indexed in full
        header += parse_stmts("import flask as _mt_flask")
    from_file: List[str] = []
    for name in sorted(free - {func.name}):
        if len(module.bound.get(name, [])) != 1 or name in declared_global or name not in bound_before:
            return False
        if name in import_of:
            header.append(copy.deepcopy(import_of[name]))
        else:
            from_file.append(name)
    if from_file:
        header.append(_import_from(package, stem, [ast.alias(n) for n in from_file]))
    target = fresh()
    folder = os.path.dirname(rel)
    moved = ast.Module(header + [func], [])
    files[os.path.join(folder, target + ".py")] = ast.unparse(ast.fix_missing_locations(moved)) + "\n"
    back = _import_from(package, target, [ast.alias(func.name)])
    ast.copy_location(back, func)
    new_body.append(back)
    return True


def registered_needs_object(func: FuncNode) -> Optional[bool]:
    """Whether the decorators register the function on some object (route,
    errorhandler, before_request...: any attribute call or attribute)."""
    if not func.decorator_list:
        return None
    return any(
        isinstance(d, ast.Attribute) or (isinstance(d, ast.Call) and isinstance(d.func, ast.Attribute))
        for d in func.decorator_list
    )


# ---------------------------------------------------------------- factory

APP_CLASSES = frozenset({"flask.Flask", "apiflask.APIFlask", "flask.app.Flask"})
FACTORY_PREFIX = "mt_create_"


def module_apps(tree: ast.Module, scopes: Scopes) -> List[Tuple[int, str]]:
    """(statement index, name) of every module-level ``name = Flask(...)``."""
    imports = import_map(tree)
    out = []
    for number, stmt in enumerate(tree.body):
        if (
            isinstance(stmt, ast.Assign)
            and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], ast.Name)
            and isinstance(stmt.value, ast.Call)
            and canonical(stmt.value.func, imports) in APP_CLASSES
            and scopes.module.bound.get(stmt.targets[0].id) == ["assign"]
        ):
            out.append((number, stmt.targets[0].id))
    return out


def _statement_names(tree: ast.Module, scopes: Scopes) -> Tuple[Dict[int, Set[str]], Dict[int, Set[str]]]:
    """Module-level names each top-level statement loads and binds."""
    stmt_of: Dict[int, int] = {}
    for number, stmt in enumerate(tree.body):
        for node in ast.walk(stmt):
            stmt_of[id(node)] = number
    loads: Dict[int, Set[str]] = {n: set() for n in range(len(tree.body))}
    binds: Dict[int, Set[str]] = {n: set() for n in range(len(tree.body))}
    for occ in scopes.occurrences:
        found = stmt_of.get(id(occ.node))
        if found is None or scopes.resolve(occ.scope, occ.name) is not scopes.module:
            continue
        number = found
        if occ.binding and occ.scope is scopes.module:
            binds[number].add(occ.name)
        elif not occ.binding:
            loads[number].add(occ.name)
    return loads, binds


def _closure(
    start: int, name: str, tree: ast.Module, loads: Dict[int, Set[str]], binds: Dict[int, Set[str]]
) -> Tuple[Set[int], Set[str]]:
    """The statements that must move into the factory with the app: every
    statement that uses a name the moved statements bind, to a fixpoint."""
    moved, names = {start}, {name} | binds[start]
    changed = True
    while changed:
        changed = False
        for number, stmt in enumerate(tree.body):
            if number in moved or isinstance(stmt, (ast.Import, ast.ImportFrom)):
                continue
            if (loads[number] | binds[number]) & names:
                moved.add(number)
                names |= binds[number]
                changed = True
    return moved, names


BLUEPRINT_ROUTE_ATTRS = frozenset({"route", "get", "post", "put", "delete", "patch", "add_url_rule"})


def wrap_in_factory(blueprint: bool) -> Callable[[Project, List[Located]], Optional[Rewritten]]:
    """Every module-level app of a one-file fixture created in a factory
    ``def mt_create_<app>(): app = Flask(...); ...; return app`` holding every
    statement that uses the app (views, handlers, extensions...), called by a
    WSGI module ``mt_wsgi.py``.  With ``blueprint``, the app's routes go on a
    module-level blueprint instead, registered in the factory.  An app used
    under ``if __name__ == "__main__":`` stays as it is (the script would no
    longer run it)."""

    def apply(project: Project, baseline: List[Located]) -> Optional[Rewritten]:
        if not project.single:
            return None
        (rel, tree), = project.trees().items()
        scopes = Scopes(tree)
        apps = module_apps(tree, scopes)
        if not apps:
            return None
        fresh = FreshNames(identifiers(tree), "mt_bp")
        blueprints: Dict[str, str] = {}
        if blueprint:
            for _number, name in apps:
                bp = fresh()
                blueprints[name] = bp
                binding = (id(tree), name)
                for occ in scopes.occurrences:
                    if occ.binding or scopes.binding_of(occ) != binding:
                        continue
                    parent = _parent_attribute(tree, occ.node)
                    if parent is not None and parent.attr in BLUEPRINT_ROUTE_ATTRS:
                        assert isinstance(occ.node, ast.Name)
                        occ.node.id = bp
            scopes = Scopes(tree)
        loads, binds = _statement_names(tree, scopes)
        declared_global = set().union(*(s.globals for s in scopes.by_node.values() if s.kind != "module"))
        taken: Dict[int, str] = {}
        factories: List[Tuple[str, str, Set[int]]] = []
        for number, name in apps:
            moved, names = _closure(number, name, tree, loads, binds)
            if names & declared_global or any(n in taken for n in moved):
                continue
            if any(_is_main_guard(tree.body[n]) for n in moved):
                # ``if __name__ == "__main__": app.run(debug=True)`` runs when
                # the file is a script; in a factory only a WSGI module calls,
                # it would never run: not the same program.
                continue
            for n in moved:
                taken[n] = name
            factories.append((name, FACTORY_PREFIX + name, moved))
        if not factories:
            return None
        body: List[ast.stmt] = []
        touched: Set[str] = set()
        bp_import = fresh() if blueprint else ""
        for number, stmt in enumerate(tree.body):
            owner = taken.get(number)
            if owner is None:
                body.append(stmt)
            else:
                touched.add(stmt.name if isinstance(stmt, FUNCS + (ast.ClassDef,)) else "<module>")
            if blueprint and owner is not None and number == next(n for n, a in apps if a == owner):
                body.extend(parse_stmts(f"{blueprints[owner]} = {bp_import}({blueprints[owner]!r}, __name__)"))
        for name, factory, moved in factories:
            inner: List[ast.stmt] = []
            for number in sorted(moved):
                inner.append(tree.body[number])
                if blueprint and isinstance(tree.body[number], ast.Assign) and number == next(n for n, a in apps if a == name):
                    inner.extend(parse_stmts(f"{name}.register_blueprint({blueprints[name]})"))
            inner.extend(parse_stmts(f"return {name}"))
            body.append(ast.FunctionDef(factory, ast.arguments([], [], None, [], [], None, []), inner, [], None, None))
        tree.body = body
        if blueprint:
            insert_after_imports(tree, parse_stmts(f"from flask import Blueprint as {bp_import}"))
        prefixes = [f for _n, f, _m in factories]

        def qualmap(qual: str) -> str:
            for prefix in prefixes:
                if qual == prefix:
                    return "<module>"
                if qual.startswith(prefix + "."):
                    return qual[len(prefix) + 1:]
            return qual

        # Someone must call the factory (a factory nothing calls is dead code
        # to Flask, unless the CLI finds it by name): a WSGI module does.
        stem = rel[:-3]
        if not stem.isidentifier():
            return None
        factory_names = [f for _n, f, _m in factories]
        caller = f"from {stem} import {', '.join(factory_names)}\n" + "".join(f"{n} = {f}()\n" for n, f, _m in factories)
        files = emit({rel: tree})
        files["mt_wsgi.py"] = caller
        return Rewritten(files, touched, qualmap=qualmap)

    return apply


def _is_main_guard(stmt: ast.stmt) -> bool:
    """``if __name__ == "__main__":`` (either way round)."""
    if not isinstance(stmt, ast.If) or not isinstance(stmt.test, ast.Compare) or len(stmt.test.comparators) != 1:
        return False
    sides = [stmt.test.left, stmt.test.comparators[0]]
    return isinstance(stmt.test.ops[0], ast.Eq) and any(isinstance(x, ast.Name) and x.id == "__name__" for x in sides) and any(
        isinstance(x, ast.Constant) and x.value == "__main__" for x in sides
    )


def _parent_attribute(tree: ast.Module, node: ast.AST) -> Optional[ast.Attribute]:
    for candidate in ast.walk(tree):
        if isinstance(candidate, ast.Attribute) and candidate.value is node:
            return candidate
    return None


# ================================================== semantics-changing rewrites

CONTEXT_LOCALS = ("request", "session", "g", "current_app")
SHADOW_RULES = frozenset({"FLK111", "FLK308", "FLK401", "FLK402", "FLK403", "FLK404", "FLK405", "FLK409"})

PLAIN_CLASS = """
class {plain}:
    '''A plain value, not Flask's.'''

    def __getattr__(self, name):
        return {{}}
"""


def _enclosing_functions(tree: ast.Module) -> Dict[int, FuncNode]:
    """id(node) -> the innermost def holding it."""
    out: Dict[int, FuncNode] = {}

    def visit(node: ast.AST, func: Optional[FuncNode]) -> None:
        for child in ast.iter_child_nodes(node):
            if func is not None:
                out[id(child)] = func
            visit(child, child if isinstance(child, FUNCS) else func)

    visit(tree, None)
    return out


def _body_start(func: FuncNode) -> int:
    first = func.body[0]
    docstring = isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str)
    return 1 if docstring else 0


def module_names(project: Project) -> Dict[str, str]:
    """Dotted module name -> relative path, as Python names the files."""
    out: Dict[str, str] = {}
    for rel in project.files:
        parts = rel[:-3].split(os.sep)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        folder = os.path.dirname(rel)
        # the package chain ends at the first folder without __init__.py
        depth = 0
        while folder and os.path.join(folder, "__init__.py") in project.files:
            depth += 1
            folder = os.path.dirname(folder)
        keep = depth + (0 if rel.endswith("__init__.py") else 1)
        out[".".join(parts[len(parts) - keep:]) if keep else ""] = rel
    return out


USE_LINE_RE = re.compile(r"\((?:([\w.]+) )?line (\d+)\)")


def shadow(local: str) -> Callable[[Project, List[Located]], Optional[Rewritten]]:
    """In every function that uses Flask's ``local`` (under whatever name the
    module imports it, or as ``flask.<local>``), a local of that name holding
    a plain object.  The findings whose use of the proxy (the part of the
    message before the fix, at the line it cites or at the finding) lies in
    such a function must go."""

    def apply(project: Project, baseline: List[Located]) -> Optional[Rewritten]:
        trees = project.trees()
        fresh = FreshNames(project_identifiers(trees), "MtPlain")
        touched: Set[str] = set()
        spelled: Set[str] = set()
        bodies: Dict[str, List[Tuple[int, int]]] = {}  # rel -> body line spans of shadowed functions
        for rel, tree in trees.items():
            scopes = Scopes(tree)
            imports = import_map(tree)
            names = {n for n, target in imports.items() if target == f"flask.{local}"}
            modules = {n for n, target in imports.items() if target == "flask"}
            spelled |= names
            inner = _enclosing_functions(tree)
            owner = top_level_of(tree)
            parents = {id(child): node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
            targets: Dict[int, Tuple[FuncNode, Set[str]]] = {}
            for occ in scopes.occurrences:
                if occ.binding or scopes.resolve(occ.scope, occ.name) is not scopes.module:
                    continue
                parent = parents.get(id(occ.node))
                if occ.name in names or (
                    occ.name in modules and isinstance(parent, ast.Attribute) and parent.attr == local
                ):
                    func = inner.get(id(occ.node))
                    if func is not None:
                        targets.setdefault(id(func), (func, set()))[1].add(occ.name)
            if not targets:
                continue
            plain = fresh()
            for func, used in targets.values():
                bodies.setdefault(rel, []).append((func.body[0].lineno, func.end_lineno or func.lineno))
                at = _body_start(func)
                func.body[at:at] = parse_stmts("\n".join(f"{n} = {plain}()" for n in sorted(used)))
                touched.add(owner[id(func)])
            insert_after_imports(tree, parse_stmts(PLAIN_CLASS.format(plain=plain)))
        if not touched:
            return None
        mentions = re.compile(rf"\bflask\.{local}\b" + "".join(rf"|(?<![\w.]){n}[.\[(`]" for n in sorted(spelled)))
        modules_by_name = module_names(project)
        gone: Counter = Counter()
        for loc in baseline:
            head = loc.finding.message.split("; ")[0]
            if loc.finding.code not in SHADOW_RULES or not mentions.search(head):
                continue
            cited = USE_LINE_RE.search(head)
            rel, line = (loc.rel, loc.finding.line)
            if cited:
                rel = modules_by_name.get(cited.group(1), "") if cited.group(1) else loc.rel
                line = int(cited.group(2))
            if any(first <= line <= last for first, last in bodies.get(rel, [])):
                gone[key_of(loc)] += 1
        if not gone:
            return None
        return Rewritten(emit(trees), touched, gone=gone)

    return apply


def _located_trees(
    trees: Dict[str, ast.Module], baseline: List[Located], codes: Set[str]
) -> Iterator[Tuple[Located, ast.Module]]:
    for loc in baseline:
        if loc.finding.code in codes:
            yield loc, trees[loc.rel]


def _returns_at(func: FuncNode, line: int) -> List[ast.Return]:
    return [n for n in walk_own(func) if isinstance(n, ast.Return) and n.lineno == line]


def _replace_stmt(func: FuncNode, old: ast.stmt, new: List[ast.stmt]) -> bool:
    for node in [func] + list(walk_own(func)):
        for attr in ("body", "orelse", "finalbody", "handlers"):
            block = getattr(node, attr, None)
            if isinstance(block, list) and old in block:
                at = block.index(old)
                block[at:at + 1] = new
                return True
        if isinstance(node, ast.match_case) and old in node.body:
            at = node.body.index(old)
            node.body[at:at + 1] = new
            return True
    return False


def add_guard(style: str) -> Callable[[Project, List[Located]], Optional[Rewritten]]:
    """FLK107/FLK109: make every flagged function return a response on every path.

    ``final``: a last ``return ''`` (``return <response parameter>`` for an
    after-request function) and flagged ``return``s given a value; ``abort``:
    a last ``abort(404)`` and flagged returns turned into ``abort(404)``;
    ``else``: an ``else: abort(404)`` on a final if/elif chain."""

    def apply(project: Project, baseline: List[Located]) -> Optional[Rewritten]:
        trees = project.trees()
        fresh = FreshNames(project_identifiers(trees), "mt_abort")
        abort_names: Dict[str, str] = {}
        gone: Counter = Counter()
        touched: Set[str] = set()
        for loc, tree in _located_trees(trees, baseline, {"FLK107", "FLK109"} if style == "final" else {"FLK107"}):
            func = innermost_function(tree, loc.finding.line)
            if func is None:
                continue
            hook = loc.finding.code == "FLK109"
            if hook and not func.args.args:
                continue
            value = func.args.args[0].arg if hook else "''"
            abort = abort_names.setdefault(loc.rel, fresh())
            at_end = loc.finding.line < func.body[0].lineno
            if at_end:
                if style == "final":
                    func.body.append(parse_stmts(f"return {value}")[0])
                elif style == "abort":
                    func.body.extend(parse_stmts(f"{abort}(404)"))
                else:
                    last = func.body[-1]
                    while isinstance(last, ast.If) and len(last.orelse) == 1 and isinstance(last.orelse[0], ast.If):
                        last = last.orelse[0]
                    if not isinstance(last, ast.If) or last.orelse:
                        continue
                    last.orelse = parse_stmts(f"{abort}(404)")
            else:
                if style == "else":
                    continue
                returns = _returns_at(func, loc.finding.line)
                if len(returns) != 1:
                    continue
                new = parse_stmts(f"return {value}" if style == "final" else f"{abort}(404)")
                if not _replace_stmt(func, returns[0], new):
                    continue
            gone[key_of(loc)] += 1
            touched.add(top(loc.qualname))
        if not gone:
            return None
        for rel, name in abort_names.items():
            insert_after_imports(trees[rel], parse_stmts(f"from flask import abort as {name}"))
        return Rewritten(emit(trees), touched, gone=gone)

    return apply


HANDOVER_RE = re.compile(r"in (a new thread|an executor thread|a new greenlet|a Socket\.IO background task) with no")


def copy_context(project: Project, baseline: List[Located]) -> Optional[Rewritten]:
    """FLK401: the callable handed to a thread wrapped with
    copy_current_request_context, so it runs in a copy of the request context."""
    trees = project.trees()
    fresh = FreshNames(project_identifiers(trees), "mt_copy")
    names: Dict[str, str] = {}
    gone: Counter = Counter()
    touched: Set[str] = set()
    for loc, tree in _located_trees(trees, baseline, {"FLK401"}):
        if not HANDOVER_RE.search(loc.finding.message) or " started by " in loc.finding.message:
            continue
        call = next(
            (
            n
            for n in ast.walk(tree)
            if isinstance(n, ast.Call) and getattr(n, "lineno", 0) == loc.finding.line and n.col_offset == loc.finding.col
        ),
            None,
        )
        if call is None:
            continue
        name = names.setdefault(loc.rel, fresh())
        keyword = next((k for k in call.keywords if k.arg == "target"), None)
        if keyword is not None:
            keyword.value = ast.Call(ast.Name(name, ast.Load()), [keyword.value], [])
        else:
            position = next((i for i, a in enumerate(call.args) if not isinstance(a, ast.Constant)), None)
            if position is None:
                continue
            call.args[position] = ast.Call(ast.Name(name, ast.Load()), [call.args[position]], [])
        gone[key_of(loc)] += 1
        touched.add(top(loc.qualname))
    if not gone:
        return None
    for rel, name in names.items():
        insert_after_imports(trees[rel], parse_stmts(f"from flask import copy_current_request_context as {name}"))
    return Rewritten(emit(trees), touched, gone=gone)


METHOD_RE = re.compile(r"'(PUT|PATCH|DELETE)'")


def sibling_post_route(project: Project, baseline: List[Located]) -> Optional[Rewritten]:
    """FLK308: the same view also registered for POST on the same rule."""
    trees = project.trees()
    gone: Counter = Counter()
    touched: Set[str] = set()
    done: Set[int] = set()
    for loc, tree in _located_trees(trees, baseline, {"FLK308"}):
        func = innermost_function(tree, loc.finding.line)
        if func is None:
            continue
        position = route_decorator_index(func)
        if position is None:
            continue
        route = func.decorator_list[position]
        assert isinstance(route, ast.Call) and isinstance(route.func, ast.Attribute)
        if not route.args or id(func) in done:
            continue
        methods = ["POST"] + sorted(set(METHOD_RE.findall(loc.finding.message)))
        sibling = ast.Call(
            ast.Attribute(copy.deepcopy(route.func.value), "route", ast.Load()),
            [copy.deepcopy(route.args[0])],
            [ast.keyword("methods", ast.List([ast.Constant(m) for m in methods], ast.Load()))],
        )
        func.decorator_list.insert(0, sibling)
        done.add(id(func))
        touched.add(top(loc.qualname))
        gone.update(
            key_of(other)
            for other in baseline
            if other.finding.code == "FLK308" and other.qualname == loc.qualname and other.rel == loc.rel
        )
    if not gone:
        return None
    return Rewritten(emit(trees), touched, gone=gone)


def register_blueprint(project: Project, baseline: List[Located]) -> Optional[Rewritten]:
    """FLK303 (one-file fixtures): ``app.register_blueprint(bp)`` at the end."""
    if not project.single:
        return None
    (rel, tree), = project.trees().items()
    apps = module_apps(tree, Scopes(tree))
    if not apps:
        return None
    gone: Counter = Counter()
    for loc in baseline:
        if loc.finding.code != "FLK303":
            continue
        stmt = next((s for s in tree.body if s.lineno == loc.finding.line), None)
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            tree.body.extend(parse_stmts(f"{apps[0][1]}.register_blueprint({stmt.targets[0].id})"))
            gone[key_of(loc)] += 1
    if not gone:
        return None
    return Rewritten(emit({rel: tree}), {"<module>"}, gone=gone)


ERROR_HANDLERS = {
    "FLK201": ("500", "def {h}(error):\n    return 'server error', 500", ""),
    "FLK202": (
        "{exc}",
        "def {h}(error):\n    return {jsonify}(error=error.description), error.code",
        "from flask import jsonify as {jsonify}\nfrom werkzeug.exceptions import HTTPException as {exc}",
    ),
}


def add_error_handler(project: Project, baseline: List[Located]) -> Optional[Rewritten]:
    """FLK201/FLK202: the flagged app gets the handler the rule asks for,
    registered right after the ``app = Flask(...)`` statement."""
    trees = project.trees()
    fresh = FreshNames(project_identifiers(trees), "mt_handler")
    gone: Counter = Counter()
    touched: Set[str] = set()
    headers: Dict[str, List[ast.stmt]] = {}
    for loc, tree in _located_trees(trees, baseline, {"FLK201", "FLK202"}):
        found = None
        for node in ast.walk(tree):
            for attr in ("body", "orelse"):
                block = getattr(node, attr, None)
                if not isinstance(block, list):
                    continue
                for stmt in block:
                    if isinstance(stmt, ast.Assign) and stmt.lineno == loc.finding.line and isinstance(stmt.targets[0], ast.Name):
                        found = (block, stmt)
        if found is None:
            continue
        block, stmt = found
        names = {"h": fresh(), "exc": fresh(), "jsonify": fresh()}
        key, handler, imports = ERROR_HANDLERS[loc.finding.code]
        headers.setdefault(loc.rel, []).extend(parse_stmts(imports.format(**names)) + parse_stmts(handler.format(**names)))
        assert isinstance(stmt.targets[0], ast.Name)
        at = block.index(stmt) + 1
        block[at:at] = parse_stmts(f"{stmt.targets[0].id}.register_error_handler({key.format(**names)}, {names['h']})")
        gone[key_of(loc)] += 1
        touched.add(top(loc.qualname))
    if not gone:
        return None
    for rel, stmts in headers.items():
        insert_after_imports(trees[rel], stmts)
    return Rewritten(emit(trees), touched, gone=gone)
