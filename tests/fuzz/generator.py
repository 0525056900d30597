"""Small Flask applications built from the idioms the rules reason about.

An application is a list of independent *features* (a view with branches, a
thread started from a view, a blueprint registered or not...), each with its
own URL prefix and names, so that dropping any feature leaves a valid app:
that is how a disagreement is minimised.  Every choice goes through a
:class:`Chooser`, so the same generator serves hypothesis (``data.draw``,
which shrinks) and a seeded campaign (``random.Random``).

Each feature also writes the requests that cover its whole input space as
``# oracle:`` hints (its inputs are two query arguments with four values each
and the methods its routes take), so the oracle's answer is the ground truth
for every path, not a sample.
"""

from __future__ import annotations

import ast
import random
from dataclasses import dataclass, field
from typing import Callable, List, Optional, Sequence, Set, Tuple, TypeVar

T = TypeVar("T")

# absent, and one value nothing in the app knows (``DATA[a]`` raises KeyError
# only for such a value: without it, a path Flask really takes for ``?a=x``
# would go unprobed and a true finding would look false).  Every literal the
# helpers and the view compare an argument with is added per view (see
# :func:`literals`): ``is_even(a)`` is true for ``'2'`` and nothing else sends it.
ARG_VALUES: Tuple[Optional[str], ...] = (None, "x")


class Chooser:
    """Where choices come from."""

    def __init__(self, pick: Callable[[Sequence[object]], object]) -> None:
        self._pick = pick

    def one(self, options: Sequence[T]) -> T:
        return self._pick(options)  # type: ignore[return-value]

    def maybe(self, chance: float = 0.5) -> bool:
        steps = max(1, round(1 / chance)) if chance > 0 else 1
        return self.one(list(range(steps))) == 0

    def count(self, low: int, high: int) -> int:
        return self.one(list(range(low, high + 1)))


def seeded(seed: int) -> Chooser:
    rng = random.Random(seed)
    return Chooser(lambda options: rng.choice(list(options)))


@dataclass
class Feature:
    kind: str
    code: List[str]  # module-level lines
    rules: Set[str]  # the rules whose claim this feature can show or not
    imports: Set[str] = field(default_factory=set)  # "from flask import abort", ...


@dataclass
class App:
    features: List[Feature]
    request_alias: str = "request"  # how the module names flask.request
    flask_import: str = "from flask import Flask"

    def source(self, keep: Optional[Sequence[int]] = None) -> str:
        chosen = [f for i, f in enumerate(self.features) if keep is None or i in keep]
        imports = {self.flask_import, "from werkzeug.exceptions import NotFound"}
        for feature in chosen:
            imports |= feature.imports
        lines = sorted(imports) + ["", "app = Flask(__name__)", "", "", "@app.errorhandler(500)",
                                   "def server_error(error):", "    return 'server error', 500", ""]
        lines += HELPERS
        for feature in chosen:
            lines += [""] + feature.code
        return "\n".join(lines) + "\n"

    def rules(self) -> Set[str]:
        out: Set[str] = set()
        for feature in self.features:
            out |= feature.rules
        return out


# Project helpers some conditions call: one that returns True or raises, one
# that raises when its argument is falsy, one with an unknown answer.
HELPERS = [
    "DATA = {'0': 'zero', '1': 'one'}",
    "",
    "",
    "def ensure_allowed():",
    "    if DATA.get('locked'):",
    "        raise NotFound()",
    "    return True",
    "",
    "",
    "def ensure(value):",
    "    if not value:",
    "        raise NotFound()",
    "    return value",
    "",
    "",
    "def is_even(value):",
    "    return value is not None and value in ('0', '2')",
    "",
]


# ------------------------------------------------------------- view bodies


class Flow:
    """Builds the body of one view: statements over the query arguments
    ``a`` and ``b``, locals, project helpers and ``request.method``."""

    def __init__(self, choose: Chooser, req: str, methods: Sequence[str]) -> None:
        self.choose = choose
        self.req = req
        self.methods = methods
        self.flags: List[str] = []  # locals holding a condition
        self.maybe_set: List[str] = []  # locals set only under a condition (else None)
        self.imports: Set[str] = set()

    def condition(self) -> str:
        options = ["arg", "arg_eq", "not_arg", "helper", "unknown"]
        if self.flags:
            options.append("flag")
        if self.maybe_set:
            options.append("maybe_set")
        if len(self.methods) > 1:
            options.append("method")
        kind = self.choose.one(options)
        name = self.choose.one(["a", "b"])
        if kind == "arg":
            return f"{self.req}.args.get({name!r})"
        if kind == "arg_eq":
            return f"{self.req}.args.get({name!r}) == {self.choose.one(['0', '1'])!r}"
        if kind == "not_arg":
            return f"not {self.req}.args.get({name!r})"
        if kind == "helper":
            return "ensure_allowed()"
        if kind == "unknown":
            return f"is_even({self.req}.args.get({name!r}))"
        if kind == "flag":
            return self.choose.one(self.flags)
        if kind == "maybe_set":
            var = self.choose.one(self.maybe_set)
            return self.choose.one([var, f"not {var}", f"{var} is None", f"{var} is not None"])
        method = self.choose.one([m for m in self.methods if m != "HEAD"])
        return self.choose.one([f"{self.req}.method == {method!r}", f"{self.req}.method != {method!r}"])

    def response(self) -> str:
        return self.choose.one(["'ok'", "jsonify(ok=1)", "('made', 201)", "make_response('ok')"])

    def statements(self, depth: int, indent: str) -> List[str]:
        out: List[str] = []
        for _ in range(self.choose.count(0, 3)):
            out += self.statement(depth, indent)
        return out

    def statement(self, depth: int, indent: str) -> List[str]:
        options = ["if_return", "if_else_return", "if_abort", "flag", "set_under", "loop", "call", "log"]
        if depth < 2:
            options += ["nested_if", "try"]
        if self.maybe_set:
            options.append("early_not")
        kind = self.choose.one(options)
        inner = indent + "    "
        if kind == "if_return":
            value = self.response() if not self.choose.maybe(0.15) else "None"
            return [f"{indent}if {self.condition()}:", f"{inner}return {value}"]
        if kind == "if_else_return":
            return [f"{indent}if {self.condition()}:", f"{inner}return {self.response()}", f"{indent}else:",
                    f"{inner}return {self.response()}"]
        if kind == "if_abort":
            self.imports.add("from flask import abort")
            return [f"{indent}if {self.condition()}:", f"{inner}abort(404)"]
        # Locals bound at the top level only: a later use is never unbound.
        if kind == "flag":
            name = f"flag{len(self.flags)}_{depth}_{len(indent)}"
            line = f"{indent}{name} = {self.condition()}"
            if depth == 0:
                self.flags.append(name)
            return [line]
        if kind == "set_under":
            name = f"found{len(self.maybe_set)}_{depth}_{len(indent)}"
            lines = [f"{indent}{name} = None", f"{indent}if {self.condition()}:", f"{inner}{name} = {self.response()}"]
            if depth == 0:
                self.maybe_set.append(name)
            return lines
        if kind == "early_not":
            var = self.choose.one(self.maybe_set)
            return [f"{indent}if not {var}:", f"{inner}return {self.response()}"]
        if kind == "loop":
            items = self.choose.one(["['0', '1']", "[]", "list(DATA)", "[v for v in DATA if v == 'x']"])
            guard = self.choose.maybe(0.3)
            lines = [f"{indent}items = {items}"]
            if guard:
                lines += [f"{indent}if not items:", f"{inner}return {self.response()}"]
            body = self.choose.one(["return", "match", "break"])
            lines.append(f"{indent}for item in items:")
            if body == "return":
                lines.append(f"{inner}return {self.response()}")
            elif body == "match":
                lines += [f"{inner}if item == {self.req}.args.get('a'):", f"{inner}    return {self.response()}"]
            else:
                lines += [f"{inner}if item == {self.req}.args.get('b'):", f"{inner}    break"]
            return lines
        if kind == "call":
            return [f"{indent}ensure({self.req}.args.get({self.choose.one(['a', 'b'])!r}))"]
        if kind == "log":
            return [f"{indent}print('visited')"]
        if kind == "nested_if":
            body = self.statements(depth + 1, inner) or [f"{inner}pass"]
            lines = [f"{indent}if {self.condition()}:"] + body
            if self.choose.maybe(0.5):
                lines += [f"{indent}else:"] + (self.statements(depth + 1, inner) or [f"{inner}pass"])
            return lines
        # try
        lines = [f"{indent}try:", f"{inner}value = DATA[{self.req}.args[{self.choose.one(['a', 'b'])!r}]]"]
        if self.choose.maybe(0.5):
            lines.append(f"{inner}return {self.response()}")
        lines += [f"{indent}except KeyError:"]
        lines.append(f"{inner}return {self.response()}" if self.choose.maybe(0.5) else f"{inner}pass")
        return lines

    def ending(self, indent: str) -> List[str]:
        kind = self.choose.one(["none", "return", "abort", "raise"])
        if kind == "return":
            return [f"{indent}return {self.response()}"]
        if kind == "abort":
            self.imports.add("from flask import abort")
            return [f"{indent}abort(404)"]
        if kind == "raise":
            return [f"{indent}raise NotFound()"]
        return []


def _is_method(node: ast.expr) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "method"


def _strings(node: ast.expr) -> Set[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return {e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)}
    return set()


def literals(code: Sequence[str]) -> Set[str]:
    """Every string an argument can be compared with, directly or not, in
    ``code`` (module-level lines): operands of comparisons (``== '1'``,
    ``in ('0', '2')``), the items of literal lists a loop matches an argument
    against, and the keys of dict literals (``DATA[a]``).  Comparisons of
    ``request.method`` are left out: the methods are probed one by one."""
    out: Set[str] = set()
    for node in ast.walk(ast.parse("\n".join(code))):
        if isinstance(node, ast.Compare):
            operands = [node.left] + list(node.comparators)
            if not any(_is_method(o) for o in operands):
                for operand in operands:
                    out |= _strings(operand)
        elif isinstance(node, (ast.For, ast.comprehension)):
            out |= _strings(node.iter)
        elif isinstance(node, ast.Dict):
            out |= {k.value for k in node.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)}
        elif isinstance(node, ast.Assign) and isinstance(node.value, (ast.List, ast.Tuple)):
            out |= _strings(node.value)  # ``items = ['0', '1']`` iterated later
    return out


def _hints(path: str, methods: Sequence[str], code: Sequence[str]) -> List[str]:
    """Every combination of the values that matter for ``a`` and ``b``, with
    every method the route answers: HEAD too when it takes GET, since Flask
    dispatches HEAD to the view with ``request.method == 'HEAD'`` (a test
    ``request.method != 'GET'`` is true for it)."""
    values = list(ARG_VALUES) + sorted(literals(list(HELPERS) + list(code)) - {"x"})
    out = []
    for method in list(methods) + (["HEAD"] if "GET" in methods and "HEAD" not in methods else []):
        for a in values:
            for b in values:
                query = "&".join(f"{k}={v}" for k, v in (("a", a), ("b", b)) if v is not None)
                out.append(f"# oracle: {method} {path}{'?' + query if query else ''}")
    return out


def flow_view(choose: Chooser, number: int, req: str) -> Feature:
    """A view whose paths may or may not all return (FLK107)."""
    methods = choose.one([["GET"], ["GET", "POST"], ["POST"]])
    flow = Flow(choose, req, methods + (["HEAD"] if "GET" in methods else []))
    body = flow.statements(0, "    ")
    body += flow.ending("    ")
    if not body:
        body = ["    print('empty')"]
    path = f"/f{number}"
    decorator = f"@app.route({path!r}, methods={methods!r})" if methods != ["GET"] else f"@app.route({path!r})"
    view = [decorator, f"def view{number}():"] + body
    code = _hints(path, methods, view) + view
    imports = {f"from flask import request as {req}" if req != "request" else "from flask import request",
               "from flask import jsonify", "from flask import make_response"} | flow.imports
    return Feature("flow", code, {"FLK107"}, imports)


FEATURES = {"flow": flow_view}


def application(choose: Chooser) -> App:
    req = choose.one(["request", "request", "rq"])
    count = choose.count(1, 4)
    features = [FEATURES[choose.one(sorted(FEATURES))](choose, number, req) for number in range(count)]
    return App(features, req)


__all__ = ["App", "Chooser", "Feature", "application", "seeded"]
