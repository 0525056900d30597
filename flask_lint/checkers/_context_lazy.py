"""Context used where it runs without one: streamed generators (FLK403)
and code that runs at import time (FLK405)."""

from __future__ import annotations

import ast
from typing import Any, Dict, Iterator, List, Optional

from .. import fixes
from ..engine import FileContext
from ..model import FunctionInfo, call_arg, child_nodes
from ..names import RESPONSE_CLASSES
from ._context_facts import (
    APP,
    COPY_WRAPPER,
    GUARDS,
    HELPER_NEED,
    LOCAL_NEED,
    REQUEST,
    STREAM_WRAPPER,
    Finding,
    callable_value,
    catches_runtime_error,
    flask_qualname,
    level_after,
    local_of,
    pushed_level,
    scan_nodes,
)
from ._context_handover import Resolver, Target, describe, first_most_needed, is_proxy
from ._context_project import Found, Project

# What builds a response from a generator it streams.
STREAMING_BUILDERS = RESPONSE_CLASSES | {"flask.make_response"}
STREAM_TEMPLATES = frozenset({"flask.stream_template", "flask.stream_template_string"})


# --------------------------------------------------------------------------
# FLK403: generators streamed after the view returned
# --------------------------------------------------------------------------


class StreamChecker:
    def __init__(self, ctx: FileContext, project: Project, resolver: Resolver) -> None:
        self.ctx = ctx
        self.project = project
        self.resolver = resolver

    def run(self) -> Iterator[Finding]:
        model = self.ctx.model
        views = {id(v.func) for v in self.ctx.views}
        for info in model.functions.values():
            is_view = id(info.node) in views
            for ret in info.returns:
                if ret.value is not None:
                    yield from self._returned(ret, ret.value, is_view)
            if is_view and info.is_generator and isinstance(info.node, ast.FunctionDef):
                yield from self._generator_view(info)

    def _returned(self, ret: ast.Return, expr: ast.expr, is_view: bool) -> Iterator[Finding]:
        if is_view and isinstance(expr, ast.Tuple) and expr.elts:
            expr = expr.elts[0]  # (body, status, headers)
        if isinstance(expr, ast.Call) and self._is_response(expr):
            body = call_arg(expr, 0, "response")
            found = self._generator(body, 0) if body is not None else None
            if found is not None:
                yield "FLK403", expr, dict(found, autofix=self._wrap_fix(body))
        elif is_view:
            found = self._generator(expr, 0)
            if found is not None:
                yield "FLK403", ret, dict(found, autofix=self._wrap_fix(expr))

    def _wrap_fix(self, generator: Optional[ast.expr]) -> Optional[fixes.Fix]:
        """``stream_with_context(gen())`` for a generator call or a variable
        holding one (a generator expression's own span may include the
        call's parentheses: no fix), importing the name unless it is bound to
        Flask's already; no fix when the name means something else here."""
        if not isinstance(generator, (ast.Call, ast.Name)):
            return None
        model = self.ctx.model
        scope = model.scope_of(generator.func if isinstance(generator, ast.Call) else generator)
        found = model.lookup(STREAM_WRAPPER.rsplit(".", 1)[1], scope)
        name = STREAM_WRAPPER.rsplit(".", 1)[1]
        imported: Optional[fixes.Edit] = None
        if found is None:
            imported = fixes.import_edit(model.tree, "flask", name)
            if imported is None:
                return None
        elif not all(b.kind == "import" and b.qualname == STREAM_WRAPPER for b in found[1]):
            return None
        edits = [fixes.insert_before(generator, f"{name}("), fixes.insert_after(generator, ")")]
        return fixes.make(fixes.SAFE, f"Wrap the generator in `{name}`", *edits, *([imported] if imported else []))

    def _is_response(self, call: ast.Call) -> bool:
        qual = self.ctx.model.call_qualname(call)
        if qual in STREAMING_BUILDERS:
            return True
        return isinstance(call.func, ast.Attribute) and call.func.attr == "response_class"

    def _generator(self, expr: ast.AST, depth: int) -> Optional[Dict[str, Any]]:
        """Message arguments when ``expr`` is a generator that needs a context."""
        model = self.ctx.model
        if depth > 5:
            return None
        if isinstance(expr, ast.GeneratorExp):
            nodes: List[ast.AST] = [expr.elt]
            for number, generator in enumerate(expr.generators):
                if number:
                    nodes.append(generator.iter)
                nodes.extend(generator.ifs)
            scan = scan_nodes(model, nodes)
            target = Target("expression", scan=scan, quoted=False)
            for value, _line, level, *_rest in scan.calls:
                for callee in self.project.callees(value):
                    target.roots.append((callee, int(level)))
            return self._uses(target)
        if isinstance(expr, ast.Call):
            qual = model.call_qualname(expr)
            if qual == STREAM_WRAPPER or qual in STREAM_TEMPLATES:
                return None
            target = self.resolver.target(expr.func)
            if target.wrap or not target.roots:
                return None
            qual_root = target.roots[0][0]
            if not self.project.get(qual_root).get("gen"):
                return None
            for arg in list(expr.args) + [k.value for k in expr.keywords]:
                local = is_proxy(self.ctx, arg)
                if local is not None:
                    return {"gen": target.shown, "use": f"gets the {local} proxy as an argument"}
            return self._uses(target)
        if isinstance(expr, ast.Name):
            found = model.lookup(expr.id, model.scope_of(expr))
            if found is not None:
                _where, bindings = found
                if len(bindings) == 1 and bindings[0].kind == "assign" and bindings[0].node is not None:
                    return self._generator(bindings[0].node, depth + 1)
        return None

    def _uses(self, target: Target) -> Optional[Dict[str, Any]]:
        found = [f for f in self.resolver.uses(target) if int(f[1][2]) > int(f[2])]
        if not found:
            return None
        return {"gen": target.shown, "use": describe(self.project, found[0], target, self.ctx.model.module)}

    def _generator_view(self, info: FunctionInfo) -> Iterator[Finding]:
        found = [f for f in self.project.reach(info.qualname, 0) if int(f[1][2]) > int(f[2])]
        if found:
            target = Target(info.node.name, own_quals={info.qualname})
            yield "FLK403", info.node, {
                "gen": f"view `{info.node.name}`",
                "use": describe(self.project, found[0], target, self.ctx.model.module),
            }


# --------------------------------------------------------------------------
# FLK405: context used at import time
# --------------------------------------------------------------------------


class ImportTimeChecker:
    """Walks what runs when the module is imported: module-level statements,
    class bodies, decorators and default values (never function bodies)."""

    def __init__(self, ctx: FileContext, project: Project) -> None:
        self.ctx = ctx
        self.model = ctx.model
        self.project = project
        self.findings: List[Finding] = []
        self.needs: List[int] = []

    def run(self) -> Iterator[Finding]:
        self.block(self.model.tree.body, 0, False)
        if not self.findings:
            return iter(())
        # A module imported under `with app.app_context()` (or from code that
        # runs in one) has that context at import time; one the project never
        # imports (only by a string, in a request) may well have one too.
        level = self.project.import_level(self.model.module)
        if level is None:
            if self.ctx.index.module_for_path(self.ctx.path) is not None:
                return iter(())
            level = 0  # a file outside the index: nothing to go by but the file
        return iter(f for f, need in zip(self.findings, self.needs) if need > level)

    # ------------------------------------------------------- statements

    def block(self, stmts: List[ast.stmt], level: int, protected: bool) -> None:
        pushed: List[int] = []
        for stmt in stmts:
            level = level_after(self.model, stmt, level, pushed)  # `ctx.push()` ... `ctx.pop()`
            self.statement(stmt, level, protected)

    def statement(self, node: ast.stmt, level: int, protected: bool) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            for decorator in node.decorator_list:
                if self.model.qualname(decorator) == COPY_WRAPPER:
                    if not protected:
                        self._add(("FLK405", decorator, _copy_args()), REQUEST)
                    continue
                self.expr(decorator, level, protected)
                if not isinstance(decorator, ast.Call):
                    self._call_of(decorator, decorator, level, protected)
            if isinstance(node, ast.ClassDef):
                for expr in list(node.bases) + [k.value for k in node.keywords]:
                    self.expr(expr, level, protected)
                self.block(node.body, level, protected)
            else:
                for default in list(node.args.defaults) + [d for d in node.args.kw_defaults if d is not None]:
                    self.expr(default, level, protected)
            return
        if isinstance(node, ast.If):
            if _is_main_guard(node.test):
                return
            guarded = _is_context_guard(self.model, node.test)
            self.expr(node.test, level, protected)
            if not guarded:
                self.block(node.body, level, protected)
            self.block(node.orelse, level, protected)
            return
        if isinstance(node, (ast.With, ast.AsyncWith)):
            inner = level
            for item in node.items:
                self.expr(item.context_expr, level, protected)
                inner = max(inner, pushed_level(self.model, item.context_expr))
            self.block(node.body, inner, protected)
            return
        if isinstance(node, (ast.For, ast.AsyncFor)):
            self._iterated(node.iter, level, protected)
            self.expr(node.iter, level, protected)
            self.block(node.body, level, protected)
            self.block(node.orelse, level, protected)
            return
        if isinstance(node, ast.While):
            self.expr(node.test, level, protected)
            self.block(node.body, level, protected)
            self.block(node.orelse, level, protected)
            return
        handlers = getattr(node, "handlers", None)
        if isinstance(handlers, list) and hasattr(node, "finalbody"):
            catches = catches_runtime_error(self.model, handlers)
            self.block(getattr(node, "body", []), level, protected or catches)
            for handler in handlers:
                self.block(handler.body, level, protected)
            self.block(getattr(node, "orelse", []), level, protected)
            self.block(getattr(node, "finalbody", []), level, protected)
            return
        for child in child_nodes(node):
            if isinstance(child, ast.expr):
                self.expr(child, level, protected)

    # ------------------------------------------------------ expressions

    def expr(self, root: ast.AST, level: int, protected: bool) -> None:
        model = self.model
        stack: List[ast.AST] = [root]
        while stack:
            node = stack.pop()
            if type(node) in _INERT:
                continue  # no branch below applies, nothing under it matters
            if isinstance(node, ast.Lambda):
                stack.extend(list(node.args.defaults) + [d for d in node.args.kw_defaults if d is not None])
                continue
            if isinstance(node, ast.GeneratorExp):
                stack.append(node.generators[0].iter)  # the rest runs lazily
                continue
            if isinstance(node, (ast.Attribute, ast.Subscript)):
                local = local_of(model, node.value)
                if local is not None:
                    self._use(local, node, level, protected)
                    if isinstance(node, ast.Subscript):
                        stack.append(node.slice)
                    continue
            elif isinstance(node, ast.Compare):
                for op, comparator in zip(node.ops, node.comparators):
                    local = local_of(model, comparator)
                    if isinstance(op, (ast.In, ast.NotIn)) and local is not None:
                        self._use(local, node, level, protected)
            elif isinstance(node, ast.Starred) or (isinstance(node, ast.keyword) and node.arg is None):
                local = local_of(model, node.value)
                if local is not None:
                    self._use(local, node, level, protected)
            elif isinstance(node, ast.comprehension):
                self._iterated(node.iter, level, protected)
            elif isinstance(node, ast.Call):
                qual = flask_qualname(model, node.func)
                if qual in GUARDS:
                    continue
                if qual == COPY_WRAPPER:
                    if not protected:
                        self._add(("FLK405", node, _copy_args()), REQUEST)
                    continue
                if qual in HELPER_NEED:
                    self._use(qual, node, level, protected)
                elif qual is None or qual.split(".", 1)[0] not in ("flask", "builtins", "werkzeug"):
                    self._call_of(node.func, node, level, protected)
            stack.extend(child_nodes(node))

    def _iterated(self, node: ast.AST, level: int, protected: bool) -> None:
        local = local_of(self.model, node)
        if local is not None:
            self._use(local, node, level, protected)

    def _use(self, local: str, node: ast.AST, level: int, protected: bool) -> None:
        need = LOCAL_NEED.get(local) or HELPER_NEED.get(local, APP)
        if protected or need <= level:
            return
        shown = f"`{ast.unparse(node)}`" if hasattr(ast, "unparse") else local
        if len(shown) > 50:
            shown = f"`{local}`"
        if local in HELPER_NEED:
            shown = f"`{local.rpartition('.')[2]}()`"
        self._add(("FLK405", node, _args(shown, need)), need)

    def _call_of(self, func: ast.AST, node: ast.AST, level: int, protected: bool) -> None:
        """A project function called at import time: what it uses, transitively."""
        if protected:
            return
        value = callable_value(self.model, func)
        callees = self.project.callees(value)
        found: List[Found] = []
        for callee in callees:
            # Uses on error paths (except blocks) or under `except Exception` do
            # not crash the import.
            found.extend(
                f
                for f in self.project.reach(callee, level, certain=True)
                if int(f[1][2]) > int(f[2]) and not any(f[1][5:7])  # not on an error path, not caught
            )
        if not found:
            return
        first = first_most_needed(found)
        label = ast.unparse(func) if hasattr(ast, "unparse") else "function"
        target = Target(label, own_quals=set(callees))
        use = describe(self.project, first, target, self.model.module)
        self._add(("FLK405", node, _args(f"`{label}()`, which {use},", int(first[1][2]))), int(first[1][2]))

    def _add(self, finding: Finding, need: int) -> None:
        self.findings.append(finding)
        self.needs.append(need)


# Names, constants and contexts: ImportTimeChecker.expr() finds nothing in them.
_INERT = frozenset({ast.Name, ast.Constant, ast.Load, ast.Store, ast.Del})


def _args(what: str, need: int) -> Dict[str, Any]:
    if need >= REQUEST:
        context = "request context"
        fix = "move it into a view or a function called from one"
    else:
        context = "application context"
        fix = "move it into a function that runs in a request, or under `with app.app_context()`"
    return {"what": what, "context": context, "fix": fix}


def _copy_args() -> Dict[str, Any]:
    return {
        "what": "@copy_current_request_context",
        "context": "request context",
        "fix": "apply it inside the view, to the function you hand to the thread",
    }


def _is_main_guard(test: ast.AST) -> bool:
    return (
        isinstance(test, ast.Compare)
        and isinstance(test.left, ast.Name)
        and test.left.id == "__name__"
        and len(test.comparators) == 1
        and isinstance(test.comparators[0], ast.Constant)
        and test.comparators[0].value == "__main__"
    )


def _is_context_guard(model: Any, test: ast.AST) -> bool:
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        test = test.operand
    if isinstance(test, ast.Call) and model.qualname(test.func) in GUARDS:
        return True
    return local_of(model, test) is not None
