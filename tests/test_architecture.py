"""Rules resolve names through the model's scopes, never by their text.

``len(x)`` in a checker's reasoning means the builtin only while nothing
shadows ``len``; ``module_scope.bindings["VISITS"]`` means the module's
``VISITS`` even where a local of that name hides it (the FLK407 false
positives of issue 14).  ``model.qualname(node)`` ("builtins.len") and
``model.lookup(name, scope)`` answer both questions correctly, so the
checkers and the route facts must use them.
"""

from __future__ import annotations

import ast
import builtins
from pathlib import Path
from typing import List

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "flask_lint"
RULE_CODE = sorted([*PACKAGE.joinpath("checkers").glob("*.py"), PACKAGE / "routing_facts.py"])
BUILTIN_NAMES = frozenset(name for name in dir(builtins) if not name.startswith("__"))


def text_comparisons(source: str) -> List[str]:
    """``node.id == "len"`` / ``func.id in ("zip", "map")``: a builtin named
    by the text of an identifier."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Compare) or not isinstance(node.left, ast.Attribute):
            continue
        if node.left.attr != "id":
            continue
        for op, right in zip(node.ops, node.comparators):
            names = right.elts if isinstance(right, (ast.Tuple, ast.List, ast.Set)) else [right]
            for name in names:
                if isinstance(name, ast.Constant) and name.value in BUILTIN_NAMES and isinstance(
                    op, (ast.Eq, ast.NotEq, ast.In, ast.NotIn)
                ):
                    found.append(f"line {node.lineno}: identifier compared with builtin {name.value!r}")
    return found


def module_binding_reads(source: str) -> List[str]:
    """``model.module_scope.bindings[name]`` / ``.bindings.get(name)``: a
    name looked up in the module whatever scope it was written in."""
    found = []
    for node in ast.walk(ast.parse(source)):
        target = None
        if isinstance(node, ast.Subscript):
            target = node.value
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get":
            target = node.func.value
        if (
            isinstance(target, ast.Attribute)
            and target.attr == "bindings"
            and isinstance(target.value, ast.Attribute)
            and target.value.attr == "module_scope"
        ):
            found.append(f"line {node.lineno}: module bindings read by name")
    return found


@pytest.mark.parametrize("path", RULE_CODE, ids=lambda p: p.name)
def test_rules_resolve_names_through_scopes(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    problems = text_comparisons(source) + module_binding_reads(source)
    assert not problems, f"{path.name}: use model.qualname / model.lookup:\n" + "\n".join(problems)


def test_the_checks_see_what_they_forbid() -> None:
    """Both detectors fire on the shapes they exist for (and not on their
    replacements), so the test above cannot pass vacuously."""
    bad = (
        "if call.func.id == 'len': pass\n"
        "if f.id in ('zip', 'enumerate'): pass\n"
        "b = model.module_scope.bindings['VISITS']\n"
        "c = model.module_scope.bindings.get(name)\n"
    )
    assert len(text_comparisons(bad)) == 3  # one per builtin named
    assert len(module_binding_reads(bad)) == 2
    good = (
        "if model.qualname(call.func) == 'builtins.len': pass\n"
        "if test.left.id == '__name__': pass\n"
        "found = model.lookup(name, scope)\n"
        "for name, b in model.module_scope.bindings.items(): pass\n"
    )
    assert text_comparisons(good) == [] and module_binding_reads(good) == []


# ----------------------------------------------------------- import cycles


def _package_imports() -> dict:
    """Module -> the package modules it imports, at any level (a
    function-level import is an edge too)."""
    modules = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    edges: dict = {name: set() for name in modules}
    for name, path in modules.items():
        package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                base = ".".join(package[: len(package) - node.level + 1] + ([node.module] if node.module else []))
                base = base if node.level else (node.module or "")
                targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
            elif isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                continue
            edges[name].update(t for t in targets if t in modules and t != name)
    return edges


def _cycles(edges: dict) -> List[List[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    order: dict = {}
    low: dict = {}
    stack: List[str] = []
    found: List[List[str]] = []

    def visit(node: str) -> None:
        order[node] = low[node] = len(order)
        stack.append(node)
        for other in sorted(edges[node]):
            if other not in order:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], order[other])
        if low[node] == order[node]:
            component = []
            while True:
                top = stack.pop()
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in order:
            visit(node)
    return found


def test_no_import_cycles() -> None:
    """Layers a reader can follow: rule families import the engine and the
    index, never the other way round (flask_lint.families lists them)."""
    assert _cycles(_package_imports()) == []


def test_the_cycle_finder_finds_cycles() -> None:
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(edges) == [["a", "b", "c"]]
