"""The model's walk takes shortcuts for frequent nodes: they must never
change what the model records (a node type given its own branch in
_Walker.visit must leave _PLAIN_NODES)."""

from __future__ import annotations

import ast
import os
from typing import Any, List

import pytest
from harness import FIXTURES

from flask_lint import model as model_module
from flask_lint.families import FAMILIES
from flask_lint.model import FlaskModel
from flask_lint.source import SourceError, read_source
from flask_lint.summary import summarise

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _sources() -> List[str]:
    out = []
    for base in (FIXTURES, os.path.join(ROOT, "flask_lint"), os.path.join(ROOT, "examples")):
        for folder, _dirs, files in os.walk(base):
            out += [os.path.join(folder, name) for name in sorted(files) if name.endswith(".py")]
    return sorted(out)


def _state(tree: ast.Module, light: bool) -> Any:
    model = FlaskModel(tree, "pkg.mod", light=light)

    def where(node: ast.AST) -> Any:
        return (type(node).__name__, getattr(node, "lineno", 0), getattr(node, "col_offset", 0))

    scopes = {id(model.module_scope): model.module_scope}
    scopes.update((id(i.scope), i.scope) for i in model.functions.values())
    scopes.update((id(s), s) for _n, s in model.classes.values())
    return (
        repr(summarise(model, [ext for family in FAMILIES for ext in family.extensions])),
        [(where(c), s.qualname, loop) for c, s, loop in model.calls],
        sorted(where(n) + (model._name_scope[id(n)].qualname,) for n in ast.walk(tree) if id(n) in model._name_scope),
        [(i.qualname, [where(r) for r in i.returns], i.is_generator) for i in model.functions.values()],
        sorted(
            (s.qualname, s.kind, sorted((k, [b.kind for b in v]) for k, v in s.bindings.items()), sorted(s.global_names))
            for s in scopes.values()
        ),
    )


def test_shortcuts_record_what_the_full_walk_records(monkeypatch: pytest.MonkeyPatch) -> None:
    trees = []
    for path in _sources():
        try:
            trees.append(read_source(path).tree)
        except SourceError:
            continue
    assert len(trees) > 20
    fast = [_state(tree, light) for tree in trees for light in (False, True)]
    monkeypatch.setattr(model_module, "_PLAIN_NODES", frozenset())
    monkeypatch.setattr(model_module, "_LEAF_NODES", frozenset())
    assert [_state(tree, light) for tree in trees for light in (False, True)] == fast


def test_walk_function_is_the_same_every_time() -> None:
    tree = ast.parse("def f(x):\n    def g():\n        return 1\n    return [y for y in x if g()]\n")
    model = FlaskModel(tree, "m")
    func = tree.body[0]
    assert isinstance(func, ast.FunctionDef)
    first = list(model.walk_function(func))
    assert list(model.walk_function(func)) == first
    assert len(list(model.walk_function(func, into_nested=True))) > len(first)
