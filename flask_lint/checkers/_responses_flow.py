"""FLK1xx helpers: control flow, and the ``responses`` summary extension.

:class:`Flow` answers "can execution reach the end of these statements?" with
one of three values, statement by statement, without walking expressions:

- ``YES``: some path ends normally (conditions are assumed satisfiable);
- ``NO``: every path returns, raises, aborts or loops forever;
- ``MAYBE``: it depends on something the linter cannot see (a ``match``
  without a wildcard, an if/elif chain on ``request.method`` covering the
  route's methods, a call to an unknown ``fail(...)`` helper).  Rules stay
  silent on ``MAYBE``.

Calls used as statements are judged by an *oracle* (``True``: never returns,
``False``: returns, ``None``: cannot tell).  The summary extension records,
for every project function, whether it never returns (``nr``), always returns
a response (``resp``), returns a truthy literal or raises (``true``) and, for decorators, whether the wrapper hands the
view's return value back unchanged (``deco``); facts that depend on functions
of other modules keep those as ``*_if`` dependencies the checker resolves
through the index.
"""

from __future__ import annotations

import ast
import itertools
import re
from typing import (
    AbstractSet,
    Any,
    Callable,
    Dict,
    FrozenSet,
    Hashable,
    Iterator,
    List,
    Mapping,
    Optional,
    Sequence,
    Set,
    Tuple,
    TypeVar,
    Union,
    cast,
)

from ..model import FlaskModel, FunctionInfo, FunctionNode, child_nodes, walk_nodes
from ..names import EXTENSION_DECORATORS, RESPONSE_CLASSES
from ..summary import Extension, Line
from ._responses_values import status_number

YES, NO, MAYBE = "yes", "no", "maybe"
_T = TypeVar("_T")
Oracle = Callable[[ast.Call], Optional[bool]]

EXTENSION = "responses"

# Calls that never return (they raise or end the process).
NORETURN_CALLS = frozenset(
    {
        "flask.abort",
        "flask_restful.abort",
        "flask_restx.abort",
        "flask_restx.errors.abort",
        "flask_restplus.abort",
        "flask_restplus.errors.abort",
        "flask_smorest.abort",
        "apiflask.abort",
        "apiflask.exceptions.abort",
        "sys.exit",
        "builtins.exit",
        "builtins.quit",
        "os._exit",
        "os.abort",
        "typing.assert_never",
        "typing_extensions.assert_never",
        "pytest.fail",
        "pytest.skip",
        "pytest.exit",
    }
)
NORETURN_ANNOTATIONS = frozenset(
    {"typing.NoReturn", "typing.Never", "typing_extensions.NoReturn", "typing_extensions.Never"}
)
# Calls that build a response.
RESPONSE_BUILDERS = frozenset(
    {
        "flask.redirect",
        "flask.make_response",
        "flask.jsonify",
        "flask.render_template",
        "flask.render_template_string",
        "flask.stream_template",
        "flask.stream_template_string",
        "flask.Response",
        "werkzeug.Response",
        "flask.send_file",
        "flask.send_from_directory",
        "werkzeug.utils.send_file",
        "werkzeug.utils.send_from_directory",
    }
)
# Roots of dotted names that are never project functions.
_EXTERNAL_ROOTS = frozenset(
    {
        "flask", "werkzeug", "builtins", "os", "sys", "logging", "typing", "typing_extensions", "json", "re",
        "time", "datetime", "math", "random", "itertools", "functools", "collections", "subprocess", "shutil",
        "threading", "asyncio", "pytest", "jinja2", "sqlalchemy", "flask_sqlalchemy", "requests",
    }
)
# The name of an unknown callee that probably raises (an ``api.abort``,
# ``raise_error``, ``fail``...): flow through it is MAYBE.
_RAISING_NAME = re.compile(
    r"(?:^|_)(?:abort|aborts|raise|raises|throw|throws|fail|fails|fatal|die|panic|exit|reject|deny|forbid|forbidden"
    r"|unauthori[sz]ed|not_?found|bad_?request|error_?out|halt)(?:_|$)",
    re.IGNORECASE,
)

# Decorators (by their last name) that hand the view's return value back
# unchanged: access control, rate limits, caching, request parsing, docs.
# The well-known extensions' decorators are names.EXTENSION_DECORATORS (read
# first, see passthrough_name); these are the names project and less common
# decorators of that kind go by.
PASSTHROUGH_DECORATOR = re.compile(
    r"^(?:\w*_required|required|requires?_\w+|requires|limits"
    r"|\w*_exempt|cache_page|cache_control|nocache|no_cache|docs|input|arguments"
    r"|use_args|use_kwargs|params|authenticated|authenticate|check_\w+|permission\w*"
    r"|roles_\w+|has_role|timed|timer|trace|traced|instrument\w*|log_\w+|logged|retry|transactional|atomic"
    r"|throttle\w*|ratelimit|rate_limit\w*|deprecated|staticmethod|classmethod|abstractmethod|wraps"
    r"|ensure_sync|copy_current_request_context|route|get|post|put|patch|delete|errorhandler|app_errorhandler"
    r"|before_request|before_app_request|after_request|after_app_request|after_this_request|teardown_request|teardown_app_request|teardown_appcontext)$"
)


def raising_name(name: Optional[str]) -> bool:
    return bool(name) and _RAISING_NAME.search(name or "") is not None


def decorator_name(model: FlaskModel, callee: ast.expr) -> Optional[str]:
    """The name a decorator is known by: the last part of what it resolves
    to through the model (``login_required`` for ``mt001`` after ``from
    flask_login import login_required as mt001``), else the name written
    (a parameter, an attribute of an unknown object)."""
    qual = model.qualname(callee)
    if qual:
        return qual.rsplit(".", 1)[-1]
    if isinstance(callee, ast.Attribute):
        return callee.attr
    if isinstance(callee, ast.Name):
        return callee.id
    return None


def passthrough_name(model: FlaskModel, callee: ast.expr) -> bool:
    """A decorator whose name says it hands the view's value back."""
    return passthrough_decorator_name(decorator_name(model, callee))


def passthrough_decorator_name(name: Optional[str]) -> bool:
    """:func:`passthrough_name` for the name a decorator is known by."""
    if name is None:
        return False
    known = EXTENSION_DECORATORS.get(name)
    if known is not None:
        return known.result
    return PASSTHROUGH_DECORATOR.match(name) is not None


def call_name(call: ast.Call) -> Optional[str]:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def is_project_candidate(qual: Optional[str]) -> bool:
    return bool(qual) and (qual or "").split(".", 1)[0] not in _EXTERNAL_ROOTS


def statement_call(stmt: ast.stmt) -> Optional[ast.Call]:
    """The call of ``f(...)`` or ``await f(...)`` used as a statement."""
    if isinstance(stmt, ast.Expr):
        value = stmt.value
        if isinstance(value, ast.Await):
            value = value.value
        if isinstance(value, ast.Call):
            return value
    return None


def is_stub(func: FunctionNode) -> bool:
    """A placeholder body: only a docstring, ``pass``, ``...`` and at most a
    final ``return`` / ``return None``."""
    body = list(func.body)
    if body and isinstance(body[-1], ast.Return) and returns_none(body[-1]):
        body.pop()
    for stmt in body:
        if isinstance(stmt, ast.Pass):
            continue
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, (str, type(...))):
            continue
        return False
    return True


def returns_none(ret: ast.Return) -> bool:
    return ret.value is None or (isinstance(ret.value, ast.Constant) and ret.value.value is None)


def child_statements(stmt: ast.stmt) -> Iterator[List[ast.stmt]]:
    """The statement lists directly inside a compound statement (not defs)."""
    for name in ("body", "orelse", "finalbody"):
        block = getattr(stmt, name, None)
        if isinstance(block, list) and block and isinstance(block[0], ast.stmt):
            yield block
    for handler in getattr(stmt, "handlers", ()) or ():
        yield handler.body
    for case in getattr(stmt, "cases", ()) or ():
        yield case.body


def iter_statements(body: List[ast.stmt]) -> Iterator[Tuple[ast.stmt, Tuple[ast.stmt, ...]]]:
    """Every statement of a body with its enclosing compound statements,
    not entering nested functions and classes."""
    stack: List[Tuple[List[ast.stmt], Tuple[ast.stmt, ...]]] = [(body, ())]
    while stack:
        block, parents = stack.pop()
        for stmt in block:
            yield stmt, parents
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                continue
            for inner in child_statements(stmt):
                stack.append((inner, parents + (stmt,)))


# --------------------------------------------------------------------------
# Conditions
# --------------------------------------------------------------------------

_NEGATED_OPS = {ast.Eq: ast.NotEq, ast.Is: ast.IsNot, ast.In: ast.NotIn, ast.Lt: ast.GtE, ast.Gt: ast.LtE}


def _condition_key(test: ast.expr) -> Tuple[str, bool]:
    """A normal form of a condition and its polarity: ``not x`` and ``x``
    share a key with opposite polarities, as do ``is``/``is not``,
    ``==``/``!=``, ``in``/``not in``, ``<``/``>=`` and ``>``/``<=``."""
    polarity = True
    while isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        test = test.operand
        polarity = not polarity
    if isinstance(test, ast.Compare) and len(test.ops) == 1:
        op = type(test.ops[0])
        for positive, negative in _NEGATED_OPS.items():
            if op is negative:
                canonical = ast.Compare(left=test.left, ops=[positive()], comparators=test.comparators)
                return ast.dump(canonical), not polarity
    return ast.dump(test), polarity


Normaliser = Callable[[ast.expr], Optional[ast.expr]]


def condition_key(test: ast.expr, normalise: Optional[Normaliser] = None) -> Tuple[str, bool]:
    """:func:`_condition_key` after ``normalise`` rewrote the test into an
    equivalent one (``current_user.is_anonymous`` into ``not
    current_user.is_authenticated``), so that both spellings share a key."""
    if normalise is not None:
        polarity = True
        inner = test
        while isinstance(inner, ast.UnaryOp) and isinstance(inner.op, ast.Not):
            inner = inner.operand
            polarity = not polarity
        rewritten = normalise(inner)
        if rewritten is not None:
            key, inner_polarity = _condition_key(rewritten)
            return key, inner_polarity == polarity
    return _condition_key(test)


def _membership(test: ast.expr) -> Optional[Tuple[str, ast.expr, Tuple[Any, ...], bool]]:
    """``(subject key, subject, values, positive)`` for ``E == c``, ``c ==
    E``, ``E in (c1, c2)``, ``E is None`` and their negations (``!=``, ``not in``, ``not``):
    the test holds exactly when ``E`` is one of ``values`` (``positive``) or
    none of them (not ``positive``); None for any other test."""
    positive = True
    while isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        test = test.operand
        positive = not positive
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1):
        return None
    op, left, right = test.ops[0], test.left, test.comparators[0]
    if isinstance(op, (ast.Is, ast.IsNot)):
        # ``E is None``: E is the one None there is.
        if not (isinstance(right, ast.Constant) and right.value is None) or isinstance(left, ast.Constant):
            return None
        return ast.dump(left), left, (None,), positive == isinstance(op, ast.Is)
    if isinstance(op, (ast.Eq, ast.NotEq)):
        if isinstance(left, ast.Constant) and not isinstance(right, ast.Constant):
            left, right = right, left
        if not isinstance(right, ast.Constant) or isinstance(left, ast.Constant):
            return None
        return ast.dump(left), left, (right.value,), positive == isinstance(op, ast.Eq)
    if isinstance(op, (ast.In, ast.NotIn)) and isinstance(right, (ast.Tuple, ast.List, ast.Set)):
        if isinstance(left, ast.Constant) or not all(isinstance(e, ast.Constant) for e in right.elts):
            return None
        values = tuple(e.value for e in right.elts if isinstance(e, ast.Constant))
        return ast.dump(left), left, values, positive == isinstance(op, ast.In)
    return None


def _binder(bound: Dict[str, Any]) -> NameValue:
    """The values of a function's parameters, for :func:`evaluate`."""

    def value(name: ast.Name) -> Any:
        return bound.get(name.id, UNKNOWN)

    return value


def _one_of(subject: ast.expr, values: Sequence[Any]) -> ast.expr:
    """The test ``subject in (values...)``."""
    items: List[ast.expr] = [ast.Constant(value=v) for v in values]
    return ast.Compare(left=subject, ops=[ast.In()], comparators=[ast.Tuple(elts=items, ctx=ast.Load())])


def leaving_conditions(tests: List[ast.expr]) -> List[ast.expr]:
    """The tests under which a chain leaves, with each operand of an ``or``:
    leaving whenever ``a or b`` holds is leaving whenever ``a`` holds."""
    out: List[ast.expr] = []
    stack = list(tests)
    while stack:
        test = stack.pop()
        out.append(test)
        if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.Or):
            stack.extend(test.values)
    return out


def complementary(tests: List[ast.expr], normalise: Optional[Normaliser] = None) -> bool:
    seen: Dict[str, Set[bool]] = {}
    for test in tests:
        key, polarity = condition_key(test, normalise)
        seen.setdefault(key, set()).add(polarity)
    return any(len(p) == 2 for p in seen.values())


def _tested_values(test: ast.expr, out: Dict[str, Set[object]]) -> None:
    """Record the literals a test compares a plain name with for equality
    (``x == 0``, ``0 == x``, ``x in (1, 2)``, and ``or`` of those)."""
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.Or):
        for value in test.values:
            _tested_values(value, out)
        return
    if not isinstance(test, ast.Compare) or len(test.ops) != 1:
        return
    left, right, op = test.left, test.comparators[0], test.ops[0]
    if isinstance(op, ast.Eq) and isinstance(left, ast.Constant) and isinstance(right, ast.Name):
        left, right = right, left
    if not isinstance(left, ast.Name):
        return
    if isinstance(op, ast.Eq) and isinstance(right, ast.Constant):
        out.setdefault(left.id, set()).add(right.value)
    elif isinstance(op, ast.In) and isinstance(right, (ast.Tuple, ast.List, ast.Set)):
        if all(isinstance(e, ast.Constant) for e in right.elts):
            out.setdefault(left.id, set()).update(e.value for e in right.elts if isinstance(e, ast.Constant))


def covers_domain(tests: List[ast.expr], domains: Mapping[str, FrozenSet[object]]) -> bool:
    """Whether the tests compare a name with every value it can hold
    (``c = random.randint(0, 1)`` then ``if c == 0`` / ``elif c == 1``)."""
    seen: Dict[str, Set[object]] = {}
    for test in tests:
        _tested_values(test, seen)
    return any(name in domains and domains[name] <= values for name, values in seen.items())


def guarded_domains(
    leaving: List[ast.expr], integers: FrozenSet[str], once: FrozenSet[str]
) -> Dict[str, FrozenSet[object]]:
    """The values names bound only once (``once``) can hold when every test
    in ``leaving`` is known false (guards that left): ``x not in (1, 2)``
    leaves 1 and 2; for a name that holds an int, ``not (1 <= x <= 4)`` or
    ``x < 1`` / ``x > 4`` leave 1 to 4."""
    out: Dict[str, FrozenSet[object]] = {}
    low: Dict[str, int] = {}
    high: Dict[str, int] = {}

    def bound(name: str, op: ast.cmpop, value: int) -> None:
        # ``name op value`` holds
        if isinstance(op, (ast.Gt, ast.GtE)):
            low[name] = max(low.get(name, value), value + (1 if isinstance(op, ast.Gt) else 0))
        elif isinstance(op, (ast.Lt, ast.LtE)):
            high[name] = min(high.get(name, value), value - (1 if isinstance(op, ast.Lt) else 0))

    for test in leaving:
        holds = test.operand if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not) else None
        if holds is not None and isinstance(holds, ast.Compare):
            operands = [holds.left, *holds.comparators]
            for left, op, right in zip(operands, holds.ops, operands[1:]):
                _bound_pair(left, op, right, integers, bound)
        elif isinstance(test, ast.Compare) and len(test.ops) == 1:
            left, op, right = test.left, test.ops[0], test.comparators[0]
            if isinstance(op, ast.NotIn) and isinstance(left, ast.Name) and left.id in once and isinstance(right, _DISPLAYS):
                if right.elts and all(isinstance(e, ast.Constant) for e in right.elts):
                    out[left.id] = frozenset(e.value for e in right.elts if isinstance(e, ast.Constant))
            elif type(op) in _NEGATED:
                _bound_pair(left, _NEGATED[type(op)](), right, integers, bound)
    for name in set(low) & set(high):
        if 0 < high[name] - low[name] + 1 <= 64:
            out.setdefault(name, frozenset(range(low[name], high[name] + 1)))
    return out


_DISPLAYS = (ast.Tuple, ast.List, ast.Set)
_NEGATED: Dict[type, Callable[[], ast.cmpop]] = {ast.Lt: ast.GtE, ast.LtE: ast.Gt, ast.Gt: ast.LtE, ast.GtE: ast.Lt}
_FLIPPED: Dict[type, Callable[[], ast.cmpop]] = {ast.Lt: ast.Gt, ast.LtE: ast.GtE, ast.Gt: ast.Lt, ast.GtE: ast.LtE}


def _bound_pair(
    left: ast.expr, op: ast.cmpop, right: ast.expr, integers: FrozenSet[str], bound: Callable[[str, ast.cmpop, int], None]
) -> None:
    """``left op right`` holds: a bound when one side is an int name and the
    other an int literal."""
    if type(op) not in _FLIPPED:
        return
    if isinstance(left, ast.Name) and left.id in integers and isinstance(right, ast.Constant) and type(right.value) is int:
        bound(left.id, op, right.value)
    elif isinstance(right, ast.Name) and right.id in integers and isinstance(left, ast.Constant) and type(left.value) is int:
        bound(right.id, _FLIPPED[type(op)](), left.value)


# --------------------------------------------------------------------------
# Control flow
# --------------------------------------------------------------------------


def _combine(results: List[str]) -> str:
    if any(r == YES for r in results):
        return YES
    if all(r == NO for r in results):
        return NO
    return MAYBE


def _truthy_constant(test: ast.expr) -> Optional[bool]:
    if isinstance(test, ast.Constant) and not isinstance(test.value, str):
        return bool(test.value)
    return None


def _has_break(loop: ast.stmt) -> bool:
    """A ``break`` that leaves this loop (not an inner one)."""
    stack: List[ast.stmt] = list(getattr(loop, "body", []))
    while stack:
        stmt = stack.pop()
        if isinstance(stmt, ast.Break):
            return True
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        if isinstance(stmt, (ast.For, ast.AsyncFor, ast.While)):
            stack.extend(stmt.orelse)  # a break in an inner loop's else leaves ours
            continue
        for block in child_statements(stmt):
            stack.extend(block)
    return False


def _has_continue(loop: ast.stmt) -> bool:
    """A ``continue`` of this loop (not of an inner one)."""
    stack: List[ast.stmt] = list(getattr(loop, "body", []))
    while stack:
        stmt = stack.pop()
        if isinstance(stmt, ast.Continue):
            return True
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        if isinstance(stmt, (ast.For, ast.AsyncFor, ast.While)):
            stack.extend(stmt.orelse)
            continue
        for block in child_statements(stmt):
            stack.extend(block)
    return False


def _is_len_of(resolve: Optional[Resolver], call: ast.Call, wanted: str) -> bool:
    return (
        resolve is not None
        and resolve(call.func) == "builtins.len"
        and len(call.args) == 1
        and not call.keywords
        and ast.dump(call.args[0]) == wanted
    )


def _emptiness_test(test: ast.expr) -> Tuple[Optional[str], bool]:
    """``not x`` gives ("x", False), ``x is None`` gives ("x", True)."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not) and isinstance(test.operand, ast.Name):
        return test.operand.id, False
    if (
        isinstance(test, ast.Compare)
        and len(test.ops) == 1
        and isinstance(test.ops[0], ast.Is)
        and isinstance(test.left, ast.Name)
        and isinstance(test.comparators[0], ast.Constant)
        and test.comparators[0].value is None
    ):
        return test.left.id, True
    return None, False


def _assigns_directly(stmt: ast.stmt, name: str) -> bool:
    """``name = value`` (or ``name: T = value``) as the statement itself."""
    if isinstance(stmt, ast.Assign):
        return len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name) and stmt.targets[0].id == name
    if isinstance(stmt, ast.AnnAssign):
        return isinstance(stmt.target, ast.Name) and stmt.target.id == name and stmt.value is not None
    return False


def _assigns(stmts: List[ast.stmt], name: str) -> bool:
    """Some statement (nested ones too, not inner functions) binds or deletes ``name``."""
    for stmt, _parents in iter_statements(stmts):
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            if stmt.name == name:
                return True
            continue
        if isinstance(stmt, (ast.Global, ast.Nonlocal)) and name in stmt.names:
            return True
        nodes = _own_expressions(stmt) if isinstance(stmt, _COMPOUND) else ast.walk(stmt)
        for node in nodes:
            if isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, (ast.Store, ast.Del)):
                return True
    return False


_COMPOUND = tuple(
    getattr(ast, name)
    for name in ("If", "For", "AsyncFor", "While", "With", "AsyncWith", "Try", "TryStar", "Match")
    if hasattr(ast, name)
)


def _own_expressions(stmt: ast.stmt) -> Iterator[ast.AST]:
    """The nodes of a compound statement's own expressions (its test,
    target, iterable, context managers), not of its inner statements."""
    for field_name, value in ast.iter_fields(stmt):
        if field_name in ("body", "orelse", "finalbody", "handlers", "cases"):
            if field_name == "handlers":
                for handler in value:
                    if handler.name:
                        yield ast.Name(id=handler.name, ctx=ast.Store())
            if field_name == "cases":
                for case in value:
                    yield from ast.walk(case.pattern)
            continue
        items = value if isinstance(value, list) else [value]
        for item in items:
            if isinstance(item, ast.AST):
                yield from ast.walk(item)


def _chain_setters(stmt: ast.stmt, name: str) -> Optional[List[ast.expr]]:
    """The tests of the branches of an if/elif chain that bind ``name``
    (None when an ``else`` binds it, or when the statement is not an if)."""
    if not isinstance(stmt, ast.If):
        return None
    out: List[ast.expr] = []
    node = stmt
    while True:
        if _assigns([ast.Expr(value=node.test)], name):
            return None
        if _assigns(node.body, name):
            out.append(node.test)
        if len(node.orelse) == 1 and isinstance(node.orelse[0], ast.If):
            node = node.orelse[0]
            continue
        if _assigns(node.orelse, name):
            return None
        return out


def _mentions_name(node: ast.AST, name: str) -> bool:
    return any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(node))


# --------------------------------------------------------------------------
# Values computed from literals
# --------------------------------------------------------------------------

# What :func:`evaluate` gives when it cannot tell.
UNKNOWN: Any = object()
_MAX_ITEMS = 64
# Builders of Response objects, which are always truthy (render_template's
# str may be empty).
_RESPONSE_OBJECTS = RESPONSE_BUILDERS - {
    "flask.render_template", "flask.render_template_string", "flask.stream_template", "flask.stream_template_string",
}
# Reads of the request that give a str, or None when the key is absent.
_TEXT_GETTERS = frozenset(
    f"flask.request.{table}.get" for table in ("args", "form", "values", "cookies", "headers")
)
_PURE_CALLS = frozenset({"builtins.len", "builtins.isinstance", "builtins.bool", "builtins.str", "builtins.int"})
_COLLECTORS: Dict[str, Callable[..., Any]] = {"builtins.list": list, "builtins.tuple": tuple, "builtins.sorted": sorted}
NameValue = Callable[[ast.Name], Any]
# (parameters, expression) of a pure one-expression function.
Predicate = Tuple[List[str], ast.expr]
Resolver = Callable[[ast.expr], Optional[str]]


def evaluate(node: Optional[ast.AST], names: NameValue, resolve: Resolver, _local: Optional[Dict[str, Any]] = None) -> Any:
    """The value of an expression made of literals, names ``names`` knows
    (locals bound to such values, module constants), ``list()``/``tuple()``/
    ``sorted()``/``len()`` of those and comprehensions filtering them;
    :data:`UNKNOWN` otherwise.  ``['0', '1']``, ``list(DATA)`` of a module
    dict and ``[v for v in DATA if v == 'x']`` all have a known length."""
    local = _local or {}
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, (ast.List, ast.Tuple)):
        items = [evaluate(e, names, resolve, local) for e in node.elts]
        if len(items) > _MAX_ITEMS or any(i is UNKNOWN or isinstance(e, ast.Starred) for i, e in zip(items, node.elts)):
            return UNKNOWN
        return items if isinstance(node, ast.List) else tuple(items)
    if isinstance(node, ast.Dict):
        if len(node.keys) > _MAX_ITEMS or any(k is None for k in node.keys):
            return UNKNOWN
        keys = [evaluate(k, names, resolve, local) for k in node.keys]
        values = [evaluate(v, names, resolve, local) for v in node.values]
        if any(k is UNKNOWN or v is UNKNOWN for k, v in zip(keys, values)):
            return UNKNOWN
        try:
            return dict(zip(keys, values))
        except TypeError:
            return UNKNOWN
    if isinstance(node, ast.Name):
        if node.id in local:
            return local[node.id]
        return names(node)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        value = evaluate(node.operand, names, resolve, local)
        return UNKNOWN if value is UNKNOWN else not value
    if isinstance(node, ast.BoolOp):
        values = [evaluate(v, names, resolve, local) for v in node.values]
        if any(v is UNKNOWN for v in values):
            return UNKNOWN
        if isinstance(node.op, ast.And):
            return all(values)
        return any(values)
    if isinstance(node, ast.Compare) and len(node.ops) == 1:
        return _compare(node, names, resolve, local)
    if isinstance(node, ast.Call) and not node.keywords and len(node.args) <= 1:
        if any(isinstance(a, ast.Starred) for a in node.args):
            return UNKNOWN
        qual = resolve(node.func)
        if qual not in _COLLECTORS and qual != "builtins.len":
            return UNKNOWN
        if not node.args:
            return UNKNOWN if qual in ("builtins.len", "builtins.sorted") else _COLLECTORS[qual or ""]()
        arg = node.args[0]
        value = _comprehension(arg, names, resolve, local) if isinstance(arg, ast.GeneratorExp) else (
            evaluate(arg, names, resolve, local)
        )
        if not isinstance(value, (list, tuple, dict, str)):
            return UNKNOWN  # a set's order is not known; anything else is not a collection we know
        if qual == "builtins.len":
            return len(value)
        try:
            return _COLLECTORS[qual or ""](value)
        except TypeError:
            return UNKNOWN
    if isinstance(node, ast.ListComp):
        return _comprehension(node, names, resolve, local)
    return UNKNOWN


def _compare(node: ast.Compare, names: NameValue, resolve: Resolver, local: Dict[str, Any]) -> Any:
    left = evaluate(node.left, names, resolve, local)
    right = evaluate(node.comparators[0], names, resolve, local)
    if left is UNKNOWN or right is UNKNOWN:
        return UNKNOWN
    op = node.ops[0]
    try:
        if isinstance(op, ast.Eq):
            return left == right
        if isinstance(op, ast.NotEq):
            return left != right
        if isinstance(op, ast.In):
            return left in right
        if isinstance(op, ast.NotIn):
            return left not in right
        if isinstance(op, ast.Is) and right is None:
            return left is None
        if isinstance(op, ast.IsNot) and right is None:
            return left is not None
        if isinstance(op, ast.Lt):
            return left < right
        if isinstance(op, ast.LtE):
            return left <= right
        if isinstance(op, ast.Gt):
            return left > right
        if isinstance(op, ast.GtE):
            return left >= right
    except TypeError:
        return UNKNOWN
    return UNKNOWN


def _comprehension(node: ast.expr, names: NameValue, resolve: Resolver, local: Dict[str, Any]) -> Any:
    """``[elt for target in known if known-test]`` as a list."""
    if not isinstance(node, (ast.ListComp, ast.GeneratorExp)) or len(node.generators) != 1:
        return UNKNOWN
    generator = node.generators[0]
    if generator.is_async or not isinstance(generator.target, ast.Name):
        return UNKNOWN
    source = evaluate(generator.iter, names, resolve, local)
    if not isinstance(source, (list, tuple, dict, str)) or len(source) > _MAX_ITEMS:
        return UNKNOWN
    out: List[Any] = []
    for item in source:
        inner = dict(local)
        inner[generator.target.id] = item
        tests = [evaluate(t, names, resolve, inner) for t in generator.ifs]
        if any(t is UNKNOWN for t in tests):
            return UNKNOWN
        if all(tests):
            value = evaluate(node.elt, names, resolve, inner)
            if value is UNKNOWN:
                return UNKNOWN
            out.append(value)
    return out


_MUTATORS = frozenset(
    {"append", "extend", "insert", "remove", "pop", "popitem", "clear", "update", "setdefault", "add", "discard",
     "difference_update", "intersection_update", "symmetric_difference_update", "sort", "reverse", "__setitem__",
     "__delitem__"}
)
_CONSTANTS: Dict[int, Tuple[FlaskModel, NameValue, Optional[Callable[[str], Any]]]] = {}


# Builtins that neither change nor keep the objects passed to them.
_SAFE_ARGUMENT_CALLS = frozenset(
    {"builtins.len", "builtins.list", "builtins.tuple", "builtins.sorted", "builtins.bool", "builtins.str",
     "builtins.repr", "builtins.isinstance", "builtins.print", "builtins.any", "builtins.all", "builtins.set",
     "builtins.frozenset", "builtins.min", "builtins.max", "builtins.sum", "builtins.enumerate", "builtins.reversed",
     "builtins.dict", "builtins.int", "builtins.float"}
)


def escaping_names(
    node: ast.AST, resolve: Optional[Resolver], attributes: bool = True, among: Optional[AbstractSet[str]] = None
) -> Set[str]:
    """Names whose object the code may change in place, or hand to code
    that may: the base of an attribute (``x.clear()``; with ``attributes``
    False only of the known mutating methods) or of a stored subscript,
    an argument of a call other than a few builtins, and a name stored
    elsewhere as it is (``y = x``, ``[x]``).  With ``among``, only those
    names are asked about: a call that passes none of them is not resolved."""
    out: Set[str] = set()
    for inner in walk_nodes(node):
        if isinstance(inner, ast.Attribute) and isinstance(inner.value, ast.Name):
            if attributes or inner.attr in _MUTATORS or not isinstance(inner.ctx, ast.Load):
                out.add(inner.value.id)
        elif isinstance(inner, ast.Subscript) and isinstance(inner.ctx, (ast.Store, ast.Del)):
            base = inner.value
            while isinstance(base, (ast.Subscript, ast.Attribute)):
                base = base.value
            if isinstance(base, ast.Name):
                out.add(base.id)
        elif isinstance(inner, ast.Call):
            passed = [
                value.id
                for value in (
                    arg.value if isinstance(arg, ast.Starred) else arg
                    for arg in list(inner.args) + [k.value for k in inner.keywords]
                )
                if isinstance(value, ast.Name) and (among is None or value.id in among)
            ]
            # Names already out need no callee resolved (a module walk passes
            # the same few names to thousands of calls).
            if passed and not out.issuperset(passed) and (
                resolve(inner.func) if resolve is not None else None
            ) not in _SAFE_ARGUMENT_CALLS:
                out.update(passed)
        elif isinstance(inner, (ast.Assign, ast.AnnAssign, ast.NamedExpr, ast.Return)) and isinstance(
            inner.value, ast.Name
        ):
            out.add(inner.value.id)
        elif isinstance(inner, (ast.List, ast.Tuple, ast.Set)):
            out.update(e.id for e in inner.elts if isinstance(e, ast.Name))
        elif isinstance(inner, ast.Dict):
            out.update(v.id for v in inner.values if isinstance(v, ast.Name))
        elif isinstance(inner, ast.AugAssign) and isinstance(inner.target, ast.Name):
            out.add(inner.target.id)
    return out


def _may_evaluate(node: ast.expr, resolve: Resolver) -> bool:
    """False for an expression :func:`evaluate` gives UNKNOWN without
    reading any name (``logging.getLogger(__name__)``, ``f(x=1)``)."""
    if isinstance(node, ast.Call):
        if node.keywords or len(node.args) > 1 or any(isinstance(a, ast.Starred) for a in node.args):
            return False
        qual = resolve(node.func)
        return qual in _COLLECTORS or qual == "builtins.len"
    if isinstance(node, ast.Compare):
        return len(node.ops) == 1
    if isinstance(node, ast.UnaryOp):
        return isinstance(node.op, ast.Not)
    return isinstance(node, (ast.Constant, ast.List, ast.Tuple, ast.Dict, ast.Name, ast.BoolOp, ast.ListComp))


def module_constants(model: FlaskModel, imported: Optional[Callable[[str], Any]] = None) -> NameValue:
    """The value of a name that refers to a module-level constant: bound
    once, to a value :func:`evaluate` knows, and never changed in place in
    the module (no ``DATA.clear()``, ``DATA[k] = v``, ``del DATA[k]``);
    ``imported(qualname)`` gives the value of one another module defines
    (``from .config import SIZES``)."""
    hit = _CONSTANTS.get(id(model))
    if hit is not None and hit[0] is model and hit[2] == imported:
        return hit[1]
    # Asked only of the module's own names, and only once one is looked up.
    changes: List[Set[str]] = []

    def changed(name: str) -> bool:
        if not changes:
            changes.append(escaping_names(model.tree, model.qualname, False, model.module_scope.bindings.keys()))
        return name in changes[0]

    values: Dict[str, Any] = {}

    def resolve(expr: ast.expr) -> Optional[str]:
        return model.qualname(expr)

    def constant(name: ast.Name, _depth: int = 0) -> Any:
        found = model.lookup(name.id, model.scope_of(name))
        if found is None or found[0] is not model.module_scope or _depth > 4:
            return UNKNOWN
        bindings = found[1]
        if len(bindings) == 1 and bindings[0].kind == "import" and bindings[0].qualname and imported is not None:
            return UNKNOWN if changed(name.id) else imported(bindings[0].qualname)
        if len(bindings) != 1 or bindings[0].kind != "assign" or not isinstance(bindings[0].node, ast.expr):
            return UNKNOWN
        # The module is walked (changed) only for a value evaluate() may know.
        if not _may_evaluate(bindings[0].node, resolve) or changed(name.id):
            return UNKNOWN
        if name.id not in values:
            values[name.id] = UNKNOWN  # a cycle
            values[name.id] = evaluate(bindings[0].node, lambda inner: constant(inner, _depth + 1), resolve)
        return values[name.id]

    if len(_CONSTANTS) > 16:
        _CONSTANTS.clear()
    _CONSTANTS[id(model)] = (model, constant, imported)
    return constant


def assigned_names(stmt: ast.stmt) -> Set[str]:
    """Every name a statement binds or deletes, nested statements included
    (not inside nested functions and classes, whose own name counts)."""
    out: Set[str] = set()
    for inner, _parents in iter_statements([stmt]):
        if isinstance(inner, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            out.add(inner.name)
            continue
        if isinstance(inner, (ast.Global, ast.Nonlocal)):
            out.update(inner.names)
            continue
        nodes = _own_expressions(inner) if isinstance(inner, _COMPOUND) else walk_nodes(inner)
        for node in nodes:
            if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
                out.add(node.id)
    return out


def _operands(test: ast.expr, op: type) -> List[ast.expr]:
    """The operands of a chain of ``op`` (``a and b and c``), flattened."""
    if isinstance(test, ast.BoolOp) and isinstance(test.op, op):
        return [part for value in test.values for part in _operands(value, op)]
    return [test]


def _names_in(node: ast.AST) -> FrozenSet[str]:
    return frozenset(n.id for n in walk_nodes(node) if isinstance(n, ast.Name))


# Reads of the request that give the same immutable value all through a
# request (a str, a bool or None).
_IMMUTABLE_REQUEST_ATTRIBUTES = frozenset(
    f"flask.request.{name}"
    for name in ("method", "path", "full_path", "script_root", "url", "base_url", "url_root", "host_url", "host",
                 "scheme", "remote_addr", "content_type", "mimetype", "is_json", "is_secure", "endpoint", "blueprint")
)
_REQUEST_TABLES = frozenset(f"flask.request.{table}" for table in ("args", "form", "values", "cookies", "headers"))


class _Alias:
    """What :attr:`Flow.env` holds for a local bound to a stable expression
    whose value is immutable (``flag = request.args.get('b')``, ``wanted =
    request.args.get('a') == '1'``): while neither the local nor a name the
    expression reads is rebound, the local *is* the expression, so a fact
    learnt about one holds for the other.  ``expr`` is written in terms of
    the expression's own names (aliases inside it substituted)."""

    __slots__ = ("expr", "reads")

    def __init__(self, expr: ast.expr) -> None:
        self.expr = expr
        self.reads = _names_in(expr)


class _Unless:
    """What :attr:`Flow.env` holds for a local an if/elif chain may have
    rebound (``found = None``, then ``if c1: found = ...``): it still holds
    ``value`` when every test of a branch that binds it (``tests``) is
    false, while none of the names those tests read is rebound.  ``others``
    are the literals those branches bind it to, when they bind nothing else:
    it holds ``value`` or one of them."""

    __slots__ = ("value", "tests", "reads", "others", "required")

    def __init__(
        self, value: Any, tests: List[ast.expr], others: Optional[List[Any]] = None,
        required: Optional[List[ast.expr]] = None,
    ) -> None:
        self.value = value
        self.tests = tests
        # Tests true on every path that rebinds it (``if db == 'x': found =
        # ...`` in each branch): once it no longer holds ``value``, they hold.
        self.required = required or []
        self.reads: FrozenSet[str] = frozenset().union(*(_names_in(t) for t in tests + self.required))
        self.others = others


# The test of a chain whose ``else`` rebinds the local too: it may hold
# anything after the chain, but what it required still follows.
_ANY_BRANCH = ast.Constant(value=True)


def _binding_paths(stmts: List[ast.stmt], name: str, path: List[ast.expr], out: List[List[ast.expr]]) -> None:
    """For each statement of ``stmts`` that binds ``name``, the tests that
    are true on the way to it (the ``if`` tests whose body holds it)."""
    for stmt in stmts:
        if isinstance(stmt, ast.If):
            if _assigns([ast.Expr(value=stmt.test)], name):
                out.append(path)
            _binding_paths(stmt.body, name, path + [stmt.test], out)
            _binding_paths(stmt.orelse, name, path, out)
        elif isinstance(stmt, _COMPOUND):
            if any(isinstance(n, ast.Name) and n.id == name and not isinstance(n.ctx, ast.Load)
                   for n in _own_expressions(stmt)):
                out.append(path)
            for block in child_statements(stmt):
                _binding_paths(block, name, path, out)
        elif _assigns([stmt], name):
            out.append(path)


def _required_tests(stmt: ast.stmt, name: str, normalise: Optional[Normaliser]) -> List[ast.expr]:
    """The tests true on every path of ``stmt`` that binds ``name``."""
    paths: List[List[ast.expr]] = []
    _binding_paths([stmt], name, [], paths)
    if not paths:
        return []
    common = {condition_key(t, normalise): t for t in paths[0] if condition_key(t, normalise)[1]}
    for path in paths[1:]:
        keys = {condition_key(t, normalise) for t in path}
        common = {key: t for key, t in common.items() if key in keys}
    return list(common.values())


def _immutable_held(held: Any) -> bool:
    """An alias, or a value kept under tests that no code can change in place."""
    if isinstance(held, _Unless):
        held = held.value
    return isinstance(held, _Alias) or held is None or isinstance(held, (bool, int, float, str, bytes))


# Builders of a response that raise nothing when given constants.
_SIMPLE_RESPONSES = frozenset(
    {"flask.jsonify", "flask.make_response", "flask.redirect", "flask.Response", "werkzeug.Response"}
)


# Nodes that bind names of their own: aliases are not substituted inside them.
_OWN_SCOPES = (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp, ast.NamedExpr)


def _substitute(node: ast.AST, aliases: Mapping[str, ast.expr]) -> ast.AST:
    """``node`` with each local of ``aliases`` it reads replaced by the
    expression it stands for (``node`` itself when none is read); the nodes
    are shared, never changed."""
    if isinstance(node, ast.Name):
        return aliases.get(node.id, node) if isinstance(node.ctx, ast.Load) else node
    if isinstance(node, _OWN_SCOPES):
        return node
    fields: Dict[str, Any] = {}
    changed = False
    for field_name, value in ast.iter_fields(node):
        if isinstance(value, list):
            new_items = [_substitute(item, aliases) if isinstance(item, ast.AST) else item for item in value]
            changed = changed or any(a is not b for a, b in zip(new_items, value))
            fields[field_name] = new_items
        elif isinstance(value, ast.AST):
            fields[field_name] = _substitute(value, aliases)
            changed = changed or fields[field_name] is not value
        else:
            fields[field_name] = value
    if not changed:
        return node
    return ast.copy_location(type(node)(**fields), node)


# How many sets of facts one of which holds Flow keeps at most.
_MAX_ALTERNATIVES = 8


class Flow:
    """Reachability of the end of a block.

    ``oracle`` judges calls used as statements; ``method_tests`` says which
    HTTP methods a condition tests when it is only a ``request.method``
    comparison (None otherwise); ``route_methods`` are the methods the view
    accepts (None when unknown); ``domains`` maps local names to every value
    they can hold, so that an ``if``/``elif`` chain testing each one is
    exhaustive.
    """

    def __init__(
        self,
        oracle: Oracle,
        method_tests: Optional[Callable[[ast.expr], Optional[FrozenSet[str]]]] = None,
        route_methods: Optional[FrozenSet[str]] = None,
        suppressors: Optional[Callable[[ast.expr], bool]] = None,
        domains: Optional[Mapping[str, FrozenSet[object]]] = None,
        known: Optional[Callable[[ast.expr], Optional[bool]]] = None,
        normalise: Optional[Normaliser] = None,
        constants: Optional[NameValue] = None,
        resolve: Optional[Resolver] = None,
        checked: Optional[Callable[[ast.Call], List[ast.expr]]] = None,
        predicate: Optional[Callable[[ast.Call], Optional[Predicate]]] = None,
        integers: FrozenSet[str] = frozenset(),
        once: FrozenSet[str] = frozenset(),
    ) -> None:
        self.oracle = oracle
        self.method_tests = method_tests
        self.route_methods = route_methods
        # Judge request.method tests as if HEAD were handled: tells whether
        # a path falls off only for HEAD.
        self.ignore_head = False
        self.suppressors = suppressors
        self.domains = domains
        self.integers = integers  # locals that can only hold an int (see guarded_domains)
        self.once = once  # locals bound once: an earlier guard still speaks of their value
        self.known = known  # the truth of a test, when the caller knows it
        self.normalise = normalise
        # Values and truths known at the statement being judged (see block):
        # locals bound to values computed from literals and module
        # constants (``constants``: a module-level name's value, or
        # UNKNOWN), and the conditions an enclosing branch or an earlier
        # guard that always leaves settled, with the names they read.
        self.constants = constants
        self.resolve = resolve
        self.checked = checked  # the arguments a call returns only when they are truthy
        # (parameters, expression) of a call of a pure predicate (see predicate_expression)
        self.predicate = predicate
        # A local's value, or the _Alias of the stable expression it stands for.
        self.env: Dict[str, Any] = {}
        # Names declared global or nonlocal anywhere in the function (nested
        # functions too): code elsewhere may rebind them, so they stand for
        # no expression (see shared(); the body is the first block judged).
        self._shared: Optional[FrozenSet[str]] = None
        self._body: Optional[List[ast.stmt]] = None
        self.truths: Dict[str, Tuple[bool, FrozenSet[str]]] = {}
        # A test of each key of ``truths`` (equivalent tests share a key):
        # what the key is about, for the facts one settled test implies on
        # another (see _implied_membership).
        self.settled_tests: Dict[str, ast.expr] = {}
        # What an if/elif chain judged last leaves known (see _if): the
        # branch its known conditions take, the condition one-sided
        # branches settle.
        self.chain_after: Dict[int, Tuple[Optional[List[ast.stmt]], List[Tuple[ast.expr, bool]]]] = {}
        # What is known at the end of the block judged last, and at the end
        # of the only branch of an if/else that completes.
        self.exit_state: Tuple[Dict[str, Any], Dict[str, Tuple[bool, FrozenSet[str]]]] = ({}, {})
        self.branch_exit: Dict[int, Tuple[Dict[str, Any], Dict[str, Tuple[bool, FrozenSet[str]]]]] = {}
        # After an if/elif chain several branches of which complete, what
        # each of them leaves known (``alternatives``: one of them holds; see
        # _narrow), never changed in place; ``branch_alternatives`` hands
        # them from _if to _block.
        self.alternatives: List[Dict[str, Tuple[bool, FrozenSet[str]]]] = []
        self.branch_alternatives: Dict[int, List[Dict[str, Tuple[bool, FrozenSet[str]]]]] = {}
        # ids of the statements some judgement found no path to (a branch
        # whose condition is known false, the rest of a block after a
        # statement that never completes).
        self.dead: Set[int] = set()

    # ------------------------------------------------------------ known facts

    def _value(self, node: ast.expr) -> Any:
        if self.resolve is None:
            return UNKNOWN
        return evaluate(node, self._name_value, self.resolve)

    def _name_value(self, name: ast.Name) -> Any:
        if name.id in self.env:
            value = self.env[name.id]
            if isinstance(value, _Unless):
                if all(self._truth(test) is False for test in value.tests):
                    return value.value
                return self._only_value(name.id, value)
            return UNKNOWN if isinstance(value, _Alias) else value
        return self.constants(name) if self.constants is not None else UNKNOWN

    def _only_value(self, name: str, held: _Unless) -> Any:
        """The one value among those ``held`` allows that agrees with what
        is settled about ``name`` alone (``label = None``, ``if c: label =
        'small'``, then ``label`` known falsy: it is None); else UNKNOWN."""
        if held.others is None or self.resolve is None:
            return UNKNOWN
        candidates = [held.value] + held.others
        for key, (truth, reads) in self.truths.items():
            test = self.settled_tests.get(key)
            if reads != {name} or test is None:
                continue
            holds = truth == condition_key(test, self.normalise)[1]
            answers = [evaluate(test, _binder({name: v}), self.resolve) for v in candidates]
            candidates = [v for v, a in zip(candidates, answers) if a is UNKNOWN or bool(a) == holds]
        if candidates and all(type(v) is type(candidates[0]) and v == candidates[0] for v in candidates):
            return candidates[0]
        return UNKNOWN

    def _bound_literals(self, stmt: ast.If, name: str) -> Optional[List[Any]]:
        """The literals a chain binds ``name`` to, when every binding of it
        there is ``name = literal``; None otherwise."""
        out: List[Any] = []
        for inner, _parents in iter_statements([stmt]):
            if isinstance(inner, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Global, ast.Nonlocal)):
                if name in (inner.names if isinstance(inner, (ast.Global, ast.Nonlocal)) else [inner.name]):
                    return None
                continue
            if _assigns_directly(inner, name) and self.resolve is not None:
                value = evaluate(getattr(inner, "value", None), lambda _name: UNKNOWN, self.resolve)
                if value is UNKNOWN:
                    return None
                out.append(value)
            elif inner is not stmt and _assigns([inner] if not isinstance(inner, _COMPOUND) else [], name):
                return None
            elif isinstance(inner, _COMPOUND) and any(
                isinstance(n, ast.Name) and n.id == name and not isinstance(n.ctx, ast.Load) for n in _own_expressions(inner)
            ):
                return None
        return out

    def _canon(self, node: ast.expr) -> ast.expr:
        """``node`` with every local that stands for an expression here
        replaced by it (``flag`` after ``flag = request.args.get('b')``):
        the form under which facts about either are shared."""
        aliases = {name: value.expr for name, value in self.env.items() if isinstance(value, _Alias)}
        if not aliases:
            return node
        out = _substitute(node, aliases)
        assert isinstance(out, ast.expr)
        return out

    def _alias(self, value: ast.expr, target: str) -> Optional[_Alias]:
        """The alias ``target = value`` makes: ``value`` (in canonical form)
        is stable, gives an immutable value, and does not read ``target``."""
        expr = self._canon(value)
        if isinstance(expr, ast.Constant) or not self._stable(expr) or not self._immutable(expr):
            return None
        if target in self.shared():
            return None
        alias = _Alias(expr)
        return None if target in alias.reads else alias

    def _immutable(self, expr: ast.expr) -> bool:
        """An expression whose value cannot change in place: a comparison,
        a ``not``, a constant, ``len()``/``bool()``/``int()``/``str()``/
        ``isinstance()``, a request argument, header or cookie (a str or
        None), a str or bool attribute of the request, a pure predicate
        whose expression is one of those, and ``and``/``or`` of them."""
        if isinstance(expr, (ast.Compare, ast.Constant)):
            return True
        if isinstance(expr, ast.UnaryOp):
            return isinstance(expr.op, ast.Not)
        if isinstance(expr, ast.BoolOp):
            return all(self._immutable(value) for value in expr.values)
        if self.resolve is None:
            return False
        if isinstance(expr, ast.Attribute):
            return self.resolve(expr) in _IMMUTABLE_REQUEST_ATTRIBUTES
        if isinstance(expr, ast.Subscript):
            return (
                isinstance(expr.slice, ast.Constant)
                and isinstance(expr.slice.value, str)
                and self.resolve(expr.value) in _REQUEST_TABLES
            )
        if isinstance(expr, ast.Call):
            if self._text_or_none(expr) or self.resolve(expr.func) in _PURE_CALLS:
                return True
            if (
                isinstance(expr.func, ast.Attribute)
                and expr.func.attr == "get"
                and self.resolve(expr.func.value) in _REQUEST_TABLES
                and len(expr.args) == 2
                and not expr.keywords
                and isinstance(expr.args[1], ast.Constant)
            ):
                return True  # request.args.get('k', '') is a str or the constant
            predicate = self._predicate(expr)
            return predicate is not None and self._immutable(predicate[1])
        return False

    def _with_canonical(self, tests: List[ast.expr]) -> List[ast.expr]:
        """``tests`` and, for those that read a local standing for an
        expression, the same test written with the expression."""
        out = list(tests)
        for test in tests:
            canon = self._canon(test)
            if canon is not test:
                out.append(canon)
        return out

    def _stable(self, test: ast.expr) -> bool:
        """A condition whose value stays the same while the names it reads
        are not rebound: it calls nothing but reads of the request and a few
        pure builtins."""
        if self.resolve is None:
            return False
        for node in ast.walk(test):
            if isinstance(node, (ast.NamedExpr, ast.Await, ast.Lambda, ast.Yield, ast.YieldFrom)):
                return False
            if isinstance(node, ast.Call):
                qual = self.resolve(node.func) or ""
                if not (qual.startswith("flask.request.") or qual in _PURE_CALLS or self._predicate(node) is not None):
                    return False
        return True

    def _settle(self, test: ast.expr, truth: bool) -> None:
        """From here on (in this block and the blocks inside it) ``test`` is
        known to be ``truth``, until one of the names it reads is rebound;
        written with the expressions the locals it reads stand for, too
        (``if flag:`` after ``flag = request.args.get('b')`` settles
        ``request.args.get('b')``, which stays known after ``flag`` is
        rebound)."""
        for form in self._with_canonical([test]):
            if not self._stable(form):
                continue
            key, polarity = condition_key(form, self.normalise)
            self.truths[key] = (truth == polarity, _names_in(form))
            self.settled_tests.setdefault(key, form)
        self._settle_setter(test, truth)

    def _settle_setter(self, test: ast.expr, truth: bool) -> None:
        """``found = None``, ``if c: found = ...``, then ``found`` known
        truthy (or not None): it no longer holds None, so the one branch
        that binds it ran, and ``c`` holds (see _Unless)."""
        names = _names_in(test)
        if len(names) != 1:
            return
        name = next(iter(names))
        held = self.env.get(name)
        if not isinstance(held, _Unless) or self.resolve is None:
            return
        if len(held.tests) != 1 and not held.required:
            return
        before = evaluate(test, _binder({name: held.value}), self.resolve)
        if before is not UNKNOWN and bool(before) != truth:
            if len(held.tests) == 1 and held.tests[0] is not _ANY_BRANCH:
                self._settle(held.tests[0], True)
            for required in held.required:
                self._settle(required, True)

    def _truth(self, test: ast.expr) -> Optional[bool]:
        """The truth of ``test`` here, when known; a test that reads a local
        standing for an expression is also judged as written with it."""
        truth = self._written_truth(test)
        if truth is None:
            canon = self._canon(test)
            if canon is not test:
                truth = self._written_truth(canon)
        return truth

    def _written_truth(self, test: ast.expr) -> Optional[bool]:
        truth = _truthy_constant(test)
        if truth is None and self.known is not None:
            truth = self.known(test)
        if truth is None and self.truths:
            key, polarity = condition_key(test, self.normalise)
            settled = self.truths.get(key)
            if settled is not None:
                truth = settled[0] == polarity
        if truth is None and self.truths:
            truth = self._implied_membership(test)
        if truth is None and self.predicate is not None:
            truth = self._predicate_truth(test)
        if truth is None and self.truths:
            truth = self._implied_truthiness(test)
        if truth is None and isinstance(test, ast.BoolOp):
            # ``a or b`` is false when each operand is, true when one is
            # (and the other way round for ``and``).
            parts = [self._truth(part) for part in test.values]
            decisive = isinstance(test.op, ast.Or)
            if decisive in parts:
                truth = decisive
            elif all(part is (not decisive) for part in parts):
                truth = not decisive
        if truth is None:
            value = self._value(test)
            if value is not UNKNOWN:
                truth = bool(value)
        return truth

    def _predicate(self, call: ast.Call) -> Optional[Predicate]:
        """The predicate a call runs, when its arguments bind its parameters
        one to one."""
        if self.predicate is None or call.keywords or any(isinstance(a, ast.Starred) for a in call.args):
            return None
        predicate = self.predicate(call)
        if predicate is None or len(predicate[0]) != len(call.args):
            return None
        return predicate

    def _predicate_truth(self, test: ast.expr) -> Optional[bool]:
        """``is_even(x)`` where every value ``x`` can hold here is known
        (``if x == '0':``, or ``x`` is a request argument known falsy: None
        or ''), and the predicate answers the same for each of them."""
        negated = False
        while isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            test, negated = test.operand, not negated
        if not isinstance(test, ast.Call) or self.resolve is None:
            return None
        predicate = self._predicate(test)
        if predicate is None:
            return None
        params, expr = predicate
        choices: List[List[Any]] = []
        for argument in test.args:
            values = self._possible(argument)
            if values is None:
                return None
            choices.append(values)
        answers: Set[bool] = set()
        for combination in itertools.product(*choices):
            value = evaluate(expr, _binder(dict(zip(params, combination))), self.resolve)
            if value is UNKNOWN:
                return None
            answers.add(bool(value))
        if len(answers) != 1:
            return None
        return answers.pop() != negated

    def _possible(self, argument: ast.expr) -> Optional[List[Any]]:
        """Every value ``argument`` can hold here, when a few are known."""
        value = self._value(argument)
        if value is not UNKNOWN:
            return [value]
        if not self._stable(argument):
            return None
        subject = ast.dump(argument)
        for key, (truth, _names) in self.truths.items():
            other = self.settled_tests.get(key)
            known = _membership(other) if other is not None else None
            if truth and known is not None and known[0] == subject:
                return list(known[2])
        key, polarity = condition_key(argument, self.normalise)
        settled = self.truths.get(key)
        if settled is not None and settled[0] != polarity and self._text_or_none(argument):
            return [None, ""]
        return None

    def _lookup_key(self, node: Optional[ast.expr]) -> Optional[Tuple[ast.expr, Tuple[Any, ...]]]:
        """(the key, as a stable expression, None when absent; the keys of the
        table) of ``TABLE[key]`` on a dict whose keys are known, where ``key``
        is a stable expression or ``request.args['k']`` (read as
        ``request.args.get('k')``: a missing argument raises a KeyError too,
        werkzeug's BadRequestKeyError)."""
        if not isinstance(node, ast.Subscript) or not isinstance(node.ctx, ast.Load):
            return None
        table = self._value(node.value)
        if not isinstance(table, dict) or None in table:
            return None
        key = node.slice
        if isinstance(key, ast.Subscript) and isinstance(key.slice, ast.Constant) and isinstance(key.slice.value, str):
            getter = ast.Call(
                func=ast.Attribute(value=key.value, attr="get", ctx=ast.Load()), args=[key.slice], keywords=[]
            )
            if not self._text_or_none(getter):
                return None
            key = getter
        if not self._stable(key):
            return None
        return key, tuple(table)

    def _lookup_fails(self, node: Optional[ast.expr]) -> bool:
        """``DATA[key]`` where ``key`` is known to be none of the table's
        keys: it always raises KeyError."""
        if node is None:
            return False
        return any(self._written_lookup_fails(form) for form in self._with_canonical([node]))

    def _written_lookup_fails(self, node: ast.expr) -> bool:
        lookup = self._lookup_key(node)
        if lookup is None:
            return False
        key, keys = lookup
        truth = self._implied_membership(_one_of(key, keys)) if keys else False
        if truth is None and self.predicate is not None:
            values = self._possible(key)
            truth = None if values is None else any(v in keys for v in values if isinstance(v, Hashable))
        return truth is False

    def _lookup_succeeds(self, node: ast.expr) -> bool:
        """``DATA[key]`` where ``key`` is known to be one of the table's keys."""
        for form in self._with_canonical([node]):
            lookup = self._lookup_key(form)
            if lookup is None or not lookup[1]:
                continue
            key, keys = lookup
            truth = self._implied_membership(_one_of(key, keys))
            if truth is None and self.predicate is not None:
                values = self._possible(key)
                if values is not None and all(isinstance(v, Hashable) for v in values):
                    truth = all(v in keys for v in values)
            if truth is True:
                return True
        return False

    def _raises_no_key_error(self, body: List[ast.stmt]) -> bool:
        """A ``try`` body that cannot raise KeyError: a lookup known to
        succeed (judged where the ``try`` starts), then only returns and
        assignments of constants, names and responses built from them."""
        first = body[0] if body else None
        if not isinstance(first, (ast.Assign, ast.Expr)) or not self._lookup_succeeds(first.value):
            return False
        if isinstance(first, ast.Assign) and not all(isinstance(t, ast.Name) for t in first.targets):
            return False
        for stmt in body[1:]:
            if isinstance(stmt, ast.Return):
                value = stmt.value
            elif isinstance(stmt, ast.Assign) and all(isinstance(t, ast.Name) for t in stmt.targets):
                value = stmt.value
            else:
                return False
            if value is not None and not self._raises_nothing(value):
                return False
        return True

    def _raises_nothing(self, expr: ast.expr) -> bool:
        """A constant, a name, a tuple or list of those, or a response that
        ``jsonify``/``make_response``/``redirect``/``Response`` builds from them."""
        if isinstance(expr, (ast.Constant, ast.Name)):
            return True
        if isinstance(expr, (ast.Tuple, ast.List)):
            return all(self._raises_nothing(e) for e in expr.elts)
        if isinstance(expr, ast.Call) and self.resolve is not None and self.resolve(expr.func) in _SIMPLE_RESPONSES:
            return all(
                not isinstance(a, ast.Starred) and self._raises_nothing(a) for a in expr.args
            ) and all(k.arg is not None and self._raises_nothing(k.value) for k in expr.keywords)
        return False

    def _text_or_none(self, expr: ast.expr) -> bool:
        """``request.args.get('a')`` (a str, or None when absent)."""
        if not (isinstance(expr, ast.Call) and len(expr.args) == 1 and not expr.keywords and self.resolve is not None):
            return False
        return self.resolve(expr.func) in _TEXT_GETTERS

    def _implied_truthiness(self, test: ast.expr) -> Optional[bool]:
        """The truth of ``E`` (or ``not E``) when the values ``E`` can hold
        here are known and agree (``if a == '0':`` then ``if not a:``), or
        when ``E`` is a request argument and a settled predicate rules out
        its falsy values (``if is_even(b):`` then ``if not b:``)."""
        negated = False
        while isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            test, negated = test.operand, not negated
        if isinstance(test, (ast.Compare, ast.BoolOp, ast.Constant)) or not self._stable(test):
            return None
        values = self._possible(test)
        if values is not None and len({bool(v) for v in values}) == 1:
            return bool(values[0]) != negated
        if values is None and self._text_or_none(test) and self._excluded(test, [None, ""]):
            return not negated
        return None

    def _excluded(self, subject: ast.expr, values: Sequence[Any]) -> bool:
        """Whether a settled predicate (``is_even(b)`` known true or false)
        answers otherwise for each of ``values`` of ``subject``."""
        if self.predicate is None or self.resolve is None or not values:
            return False
        wanted = ast.dump(subject)
        for key, (truth, _names) in self.truths.items():
            other = self.settled_tests.get(key)
            if other is None:
                continue
            call = other
            while isinstance(call, ast.UnaryOp) and isinstance(call.op, ast.Not):
                call = call.operand
            if not isinstance(call, ast.Call):
                continue
            predicate = self._predicate(call)
            if predicate is None or not any(ast.dump(a) == wanted for a in call.args):
                continue
            params, expr = predicate
            # truths hold the truth of the canonical form: the call itself.
            holds = truth
            choices: List[List[Any]] = []
            for argument in call.args:
                if ast.dump(argument) == wanted:
                    choices.append(list(values))
                    continue
                possible = self._possible(argument)
                if possible is None:
                    choices = []
                    break
                choices.append(possible)
            if not choices:
                continue
            contradicts = True
            for combination in itertools.product(*choices):
                answer = evaluate(expr, _binder(dict(zip(params, combination))), self.resolve)
                if answer is UNKNOWN or bool(answer) == holds:
                    contradicts = False
                    break
            if contradicts:
                return True
        return False

    def _implied_membership(self, test: ast.expr) -> Optional[bool]:
        """``E == c``, ``E in (c1, c2)`` (or their negations) decided by what
        is settled about the stable expression ``E``: it is one of some
        values (``if a == '0':`` then ``if a == '1':``), none of some values
        (after ``for item in ('0', '1'): if item == a: return ...``), or its
        truth differs from that of every value (``if a: return ...`` then
        ``if a == '1':``)."""
        membership = _membership(test)
        if membership is None:
            return None
        subject, operand, values, positive = membership
        wanted = set(values)
        for key, (truth, _names) in self.truths.items():
            other = self.settled_tests.get(key)
            known = _membership(other) if other is not None else None
            if known is None or known[0] != subject:
                continue
            # A key's truth is that of its canonical form: ``E == c`` or ``E in (...)``.
            among = set(known[2])
            if truth and not among & wanted:
                return not positive
            if truth and among <= wanted:
                return positive
            if not truth and wanted <= among:
                return not positive
        key, polarity = condition_key(operand, self.normalise)
        settled = self.truths.get(key)
        if settled is not None and all(bool(v) != (settled[0] == polarity) for v in values):
            return not positive
        if self._excluded(operand, values):
            return not positive
        return None

    def _forget(self, names: Set[str]) -> None:
        if not names:
            return
        for name in names:
            self.env.pop(name, None)
        self._drop_aliases(names)
        for key in [k for k, (_truth, read) in self.truths.items() if read & names]:
            del self.truths[key]
        if self.alternatives:
            self.alternatives = [
                {key: fact for key, fact in alternative.items() if not fact[1] & names}
                for alternative in self.alternatives
            ]

    def _drop_aliases(self, names: Set[str]) -> None:
        """Locals no longer stand for expressions that read ``names``, nor
        keep values under tests that read them."""
        for name in [n for n, v in self.env.items() if isinstance(v, (_Alias, _Unless)) and v.reads & names]:
            del self.env[name]

    def _kept_values(self, stmt: ast.If) -> Dict[str, _Unless]:
        """The locals with a known value before an if/elif chain that only
        some of its branches rebind, each with the tests of those branches
        (see _Unless); computed before the chain is learnt."""
        out: Dict[str, _Unless] = {}
        bound = assigned_names(stmt)
        for name in bound:
            before = self.env.get(name, UNKNOWN)
            if before is UNKNOWN or isinstance(before, _Alias):
                continue
            required = [
                test for test in _required_tests(stmt, name, self.normalise)
                if self._stable(test) and not _names_in(test) & bound
            ]
            setters = _chain_setters(stmt, name)
            if setters is None and required:
                setters = [_ANY_BRANCH]  # an else rebinds it too
            if not setters or any(
                test is not _ANY_BRANCH and (not self._stable(test) or _names_in(test) & bound) for test in setters
            ):
                continue
            others = self._bound_literals(stmt, name) if setters[0] is not _ANY_BRANCH else None
            if isinstance(before, _Unless):
                joined = None if before.others is None or others is None else before.others + others
                earlier = {condition_key(t, self.normalise) for t in before.required}
                both = [t for t in required if condition_key(t, self.normalise) in earlier]
                out[name] = _Unless(before.value, before.tests + setters, joined, both)
            else:
                out[name] = _Unless(before, setters, others, required)
        return out

    def _learn(self, stmt: ast.stmt, tests: Optional[List[ast.expr]]) -> None:
        """What a judged statement leaves known: a local bound to a known
        value; after an if/elif chain every branch of which leaves, each of
        its tests is false."""
        value = UNKNOWN
        target: Optional[str] = None
        alias: Optional[_Alias] = None
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            target, value = stmt.targets[0].id, self._value(stmt.value)
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.value is not None:
            target, value = stmt.target.id, self._value(stmt.value)
        if target is not None and value is UNKNOWN and isinstance(stmt, (ast.Assign, ast.AnnAssign)):
            # Read before the binding: ``flag = flag == '1'`` is about the old flag.
            alias = self._alias(stmt.value, target) if stmt.value is not None else None
        # Locals that stand for an expression, or keep an immutable value
        # (None, a str...), hold immutable values: handing them on changes
        # nothing; changing what the expression (the tests) read does.
        # With nothing known there is nothing to forget: skip the walks (most
        # flows, a never-returns one always, know nothing).
        if self.env or self.truths or self.alternatives:
            values = {name for name, held in self.env.items() if not _immutable_held(held)}
            self._forget(assigned_names(stmt) | (self._escaping(stmt) & values if values else set()))
        if any(isinstance(held, (_Alias, _Unless)) for held in self.env.values()):
            self._drop_aliases(escaping_names(stmt, self.resolve, attributes=False))
        if target is not None and value is not UNKNOWN:
            self.env[target] = value
        elif alias is not None:
            self.env[target or ""] = alias
        if target is not None and value is UNKNOWN and isinstance(stmt, (ast.Assign, ast.AnnAssign)) and (
            self._truthy_value(stmt.value)
        ):
            self._settle(ast.Name(id=target, ctx=ast.Load()), True)
        for test in leaving_conditions(tests or []):
            self._settle(test, False)
        for fact, truth in self._ruled_out(stmt):
            self._settle(fact, truth)
        call = statement_call(stmt)
        if call is not None and self.checked is not None:
            for argument in self.checked(call):
                self._settle(argument, True)

    def _truthy_value(self, value: Optional[ast.expr]) -> bool:
        """A value that is truthy whatever it holds: a non-empty display
        (``('made', 201)``), a Response object (``jsonify(ok=1)``) or what a
        helper that returns True or raises returns."""
        if isinstance(value, (ast.Tuple, ast.List, ast.Set)):
            return bool(value.elts)
        if isinstance(value, ast.Dict):
            return bool(value.keys)
        if isinstance(value, ast.Call) and self.known is not None and self.known(value) is True:
            return True  # ``check_access()``: returns True or raises
        if isinstance(value, ast.Call) and self.resolve is not None:
            return self.resolve(value.func) in _RESPONSE_OBJECTS
        return False

    def _ruled_out(self, stmt: ast.stmt) -> List[Tuple[ast.expr, bool]]:
        """Tests ``E in (values)`` known true or false once ``stmt`` completed:

        * ``try: x = DATA[key]; return ...`` ``except KeyError: ...``: the
          lookup raised, the key is none of the table's;
        * ``try: x = DATA[key]`` ``except KeyError: return ...``: the lookup
          succeeded, the key is one of the table's;
        * ``for item in ('0', '1'): if item == key: return ...``: the loop
          ran out, the key is none of the items.
        """
        if isinstance(stmt, ast.Try) and stmt.body and not stmt.orelse and not stmt.finalbody:
            first, rest = stmt.body[0], stmt.body[1:]
            if (
                isinstance(first, (ast.Assign, ast.Expr))
                and not rest
                and stmt.handlers
                and all(self._catches_key_error(h) and self.block(h.body) == NO for h in stmt.handlers)
            ):
                lookup = self._lookup_key(first.value)
                if lookup is not None and lookup[1]:
                    return [(_one_of(*lookup), True)]
            if (
                isinstance(first, (ast.Assign, ast.Expr))
                and rest
                # A return that may raise KeyError too (``return SHADES[code]``)
                # would reach the handler with the lookup done.
                and all(isinstance(r, ast.Return) and (r.value is None or self._raises_nothing(r.value)) for r in rest)
                and all(self._catches_key_error(h) for h in stmt.handlers)
            ):
                lookup = self._lookup_key(first.value)
                if lookup is not None and lookup[1]:
                    return [(_one_of(*lookup), False)]
        if (
            isinstance(stmt, ast.For)
            and isinstance(stmt.target, ast.Name)
            and not stmt.orelse
            and len(stmt.body) == 1
            and isinstance(stmt.body[0], ast.If)
            and not stmt.body[0].orelse
        ):
            items = self._value(stmt.iter)
            test = stmt.body[0].test
            if (
                isinstance(items, (list, tuple))
                and items
                and all(isinstance(i, Hashable) for i in items)
                and isinstance(test, ast.Compare)
                and len(test.ops) == 1
                and isinstance(test.ops[0], ast.Eq)
            ):
                sides = [test.left, test.comparators[0]]
                loop_var = [s for s in sides if isinstance(s, ast.Name) and s.id == stmt.target.id]
                others = [s for s in sides if s not in loop_var]
                if (
                    len(loop_var) == 1
                    and len(others) == 1
                    and not _mentions_name(others[0], stmt.target.id)
                    and self._stable(others[0])
                    and not _has_break(stmt)
                    and not _has_continue(stmt)
                    and self.block(stmt.body[0].body) == NO
                ):
                    return [(_one_of(others[0], items), False)]
        return []

    def _catches_key_error(self, handler: ast.ExceptHandler) -> bool:
        if handler.type is None or self.resolve is None:
            return False
        return self.resolve(handler.type) in ("builtins.KeyError", "builtins.LookupError")

    def _escaping(self, stmt: ast.stmt) -> Set[str]:
        """Names whose object a statement may change in place or hand to
        code that may: ``x.clear()``, ``x[k] = v``, ``fill(x)``, ``y = x``."""
        return escaping_names(stmt, self.resolve)

    def _scrubbed(self, stmt: ast.stmt, run: Callable[[], str]) -> str:
        """``run()`` with nothing known about the names ``stmt`` binds: a
        loop's body sees what a later iteration bound, a handler what the
        ``try`` body bound before it raised."""
        saved = self.env, self.truths, self.alternatives
        self.env, self.truths = dict(self.env), dict(self.truths)
        self._forget(assigned_names(stmt))
        try:
            return run()
        finally:
            self.env, self.truths, self.alternatives = saved

    def _under(self, settled: List[Tuple[ast.expr, bool]], body: List[ast.stmt]) -> str:
        """A branch's body, judged with its condition (and the failed
        conditions of the branches before it) known."""
        return self._assuming(settled, lambda: self.block(body))

    def _truth_under(self, settled: List[Tuple[ast.expr, bool]], test: ast.expr) -> Optional[bool]:
        """The truth of an ``elif`` test where the tests before it failed."""
        if not settled:
            return self._truth(test)
        return self._assuming(settled, lambda: self._truth(test))

    def _split_truth(self, settled: List[Tuple[ast.expr, bool]], test: ast.expr) -> Optional[bool]:
        """The truth of a test that each alternative decides, the same way
        (``if is_even(b): pass`` / ``elif b: return ...``, then ``if b ==
        '1':`` is false after either branch that completes)."""
        answers: Set[Optional[bool]] = set()
        saved = self.truths, self.alternatives
        try:
            for alternative in saved[1]:
                self.truths, self.alternatives = {**alternative, **saved[0]}, []
                answers.add(self._truth_under(settled, test))
                if None in answers or len(answers) > 1:
                    return None
        finally:
            self.truths, self.alternatives = saved
        return answers.pop() if answers else None

    def _assuming(self, settled: List[Tuple[ast.expr, bool]], run: Callable[[], _T]) -> _T:
        """``run()`` with the ``settled`` conditions known, then forgotten."""
        saved = self.env, self.truths, self.alternatives
        self.env, self.truths = dict(self.env), dict(self.truths)
        try:
            self._assume(settled)
            return run()
        finally:
            self.env, self.truths, self.alternatives = saved

    def _assume(self, settled: List[Tuple[ast.expr, bool]]) -> None:
        before = dict(self.truths) if self.alternatives else {}  # what holds before the conditions
        for test, truth in settled:
            self._settle(test, truth)
            # not (a or b): neither holds; a and b: both hold.
            parts = _operands(test, ast.And if truth else ast.Or)
            for part in parts if len(parts) > 1 else ():
                self._settle(part, truth)
        if self.alternatives:
            self._narrow(before, settled)

    def _narrow(self, before: Dict[str, Tuple[bool, FrozenSet[str]]], settled: List[Tuple[ast.expr, bool]]) -> None:
        """Under the ``settled`` conditions, keep only the alternatives they
        do not contradict (``if not b: ...`` / ``else: if a: return ...``,
        then ``if b == '0':``: only the else branch got here, a is falsy),
        and learn what all those left agree on."""
        settled_truths = self.truths
        remaining: List[Dict[str, Tuple[bool, FrozenSet[str]]]] = []
        try:
            for alternative in self.alternatives:
                self.truths = {**alternative, **before}
                if not any(self._truth(test) is (not truth) for test, truth in settled):
                    remaining.append(alternative)
        finally:
            self.truths = settled_truths
        if not remaining or len(remaining) == len(self.alternatives):
            return
        self.alternatives = remaining
        for key, fact in remaining[0].items():
            if key not in self.truths and all(other.get(key) == fact for other in remaining[1:]):
                self.truths[key] = fact

    def shared(self) -> FrozenSet[str]:
        """The names declared global or nonlocal in the function, walked
        for only when a local might stand for an expression."""
        if self._shared is None:
            self._shared = frozenset(
                name
                for node in ast.walk(ast.Module(body=self._body or [], type_ignores=[]))
                if isinstance(node, (ast.Global, ast.Nonlocal))
                for name in node.names
            )
        return self._shared

    def block(self, stmts: List[ast.stmt]) -> str:
        if self._body is None:
            self._body = stmts  # the first block judged is the function's body
        saved = self.env, self.truths, self.alternatives
        self.env, self.truths = dict(self.env), dict(self.truths)
        try:
            return self._block(stmts)
        finally:
            # What is known where the block ends (see _if).
            self.exit_state = self.env, self.truths
            self.env, self.truths, self.alternatives = saved

    def _block(self, stmts: List[ast.stmt]) -> str:
        state = YES
        guards: List[ast.expr] = []
        # Sets of conditions one of which holds from here on (see _implied_cases).
        cases: List[FrozenSet[Tuple[str, bool]]] = []
        for position, stmt in enumerate(stmts):
            tests: Optional[List[ast.expr]] = None
            if isinstance(stmt, ast.If):
                result, tests = self._if(stmt, guards, cases)
                if tests is not None:
                    guards.extend(self._with_canonical(tests))
                    implied = self._implied_cases(stmts[:position], tests)
                    if implied is not None:
                        cases.append(implied)
            elif isinstance(stmt, (ast.For, ast.AsyncFor)):
                result = self._for(stmt, guards)
            else:
                result = self.statement(stmt)
            if result != NO and isinstance(stmt, (ast.For, ast.Try)):
                # What completing it would prove contradicts what is known
                # (a loop that returns on each item, over items the key is
                # known to be among): it never completes.
                if any(self._truth(fact) is (not truth) for fact, truth in self._ruled_out(stmt)):
                    result = NO
            if result == NO:
                self._kill(stmts[position + 1:])
                return NO
            if result == MAYBE:
                state = MAYBE
            after = self.chain_after.pop(id(stmt), None) if isinstance(stmt, ast.If) else None
            if after is not None and after[0] == []:
                continue  # no branch runs: only (known, pure) tests were evaluated
            exit_state = self.branch_exit.pop(id(stmt), None) if isinstance(stmt, ast.If) else None
            if exit_state is not None:
                # Only one branch completes: what is known after the if/else
                # is what is known where that branch ends.
                self.env, self.truths = dict(exit_state[0]), dict(exit_state[1])
                self.alternatives = []
                continue
            kept = self._kept_values(stmt) if isinstance(stmt, ast.If) else {}
            self._learn(stmt, tests)
            self.env.update(kept)
            alternatives = self.branch_alternatives.pop(id(stmt), None) if isinstance(stmt, ast.If) else None
            if alternatives is not None:
                # One branch of this chain and one of the earlier alternatives
                # (what the chain did not rebind of them) hold together.
                product = [{**old, **new} for old in self.alternatives or [{}] for new in alternatives]
                self.alternatives = product if len(product) <= _MAX_ALTERNATIVES else alternatives
            if after is not None:
                taken, holds = after
                # The only branch taken, when it is straight-line code: what
                # it binds is known after the chain as it is inside.
                if taken is not None and all(isinstance(t, (ast.Assign, ast.AnnAssign, ast.Expr, ast.Pass)) for t in taken):
                    for sub in taken:
                        self._learn(sub, None)
                for test, truth in holds:
                    if not _names_in(test) & assigned_names(stmt):
                        self._settle(test, truth)
        return state

    def _kill(self, stmts: List[ast.stmt]) -> None:
        self.dead.update(id(s) for s, _parents in iter_statements(stmts))

    def _for(self, loop: Union[ast.For, ast.AsyncFor], guards: List[ast.expr]) -> str:
        """A loop over an iterable known to be empty runs its ``else`` only;
        over one known (or proven by a guard) to be non-empty, it leaves
        when its body always does."""
        iterable = loop.iter
        value = self._value(iterable) if isinstance(loop, ast.For) else UNKNOWN
        if isinstance(value, (list, tuple, dict, str)) and not value:
            self._kill(loop.body)
            return self.block(loop.orelse) if loop.orelse else YES
        if (isinstance(value, (list, tuple, dict, str)) and value) or self._proven_non_empty(iterable, guards):
            return self._loop_always_leaves(loop)
        return self.statement(loop)

    def unreachable(self, stmts: List[ast.stmt]) -> Set[int]:
        """ids of the statements no path reaches: those after a statement
        that never completes in the same block (``abort(401); return``),
        those of a branch whose condition is known false (``if not q:
        abort(400)`` then ``if not q: return None``), and everything
        inside them."""
        self.dead = set()
        self.block(stmts)
        dead: Set[int] = set(self.dead)
        stack: List[List[ast.stmt]] = [stmts]
        while stack:
            block = stack.pop()
            gone = False
            for stmt in block:
                if gone:
                    dead.update(id(s) for s, _parents in iter_statements([stmt]))
                    continue
                if not isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    stack.extend(child_statements(stmt))
                if self.statement(stmt) == NO:
                    gone = True
        return dead

    def statement(self, stmt: ast.stmt) -> str:
        if isinstance(stmt, (ast.Return, ast.Raise, ast.Break, ast.Continue)):
            return NO
        if isinstance(stmt, ast.If):
            return self._if(stmt, [])[0]
        if isinstance(stmt, ast.While):
            truth = _truthy_constant(stmt.test)
            if truth is True:
                return YES if _has_break(stmt) else NO
            if truth is False:
                return self.block(stmt.orelse) if stmt.orelse else YES
            if _has_break(stmt):
                return YES
            return self._scrubbed(stmt, lambda: self.block(stmt.orelse)) if stmt.orelse else YES
        if isinstance(stmt, (ast.For, ast.AsyncFor)):
            if _has_break(stmt):
                return YES
            return self._scrubbed(stmt, lambda: self.block(stmt.orelse)) if stmt.orelse else YES
        if isinstance(stmt, (ast.With, ast.AsyncWith)):
            result = self.block(stmt.body)
            if result != YES and self.suppressors is not None:
                if any(self.suppressors(item.context_expr) for item in stmt.items):
                    return YES
            return result
        if isinstance(stmt, ast.Try) or type(stmt).__name__ == "TryStar":
            return self._try(stmt)
        if type(stmt).__name__ == "Match":
            return self._match(stmt)
        if isinstance(stmt, ast.Assert):
            return NO if _truthy_constant(stmt.test) is False else YES
        if isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.Expr)) and self._lookup_fails(stmt.value):
            return NO
        call = statement_call(stmt)
        if call is not None:
            # ``ensure(x)`` (returns only when ``x`` is truthy) where ``x`` is
            # known falsy, as after ``if x: return ...``: it always raises.
            if self.checked is not None and any(self._truth(arg) is False for arg in self.checked(call)):
                return NO
            verdict = self.oracle(call)
            if verdict is True:
                return NO
            if verdict is None:
                return MAYBE
        return YES

    def _proven_non_empty(self, iterable: ast.expr, guards: List[ast.expr]) -> bool:
        """An earlier ``if not items: return ...`` (or ``if len(items) == 0``)
        in the same block left whenever ``items`` is empty."""
        wanted = ast.dump(iterable)
        for guard in leaving_conditions(guards):
            if isinstance(guard, ast.UnaryOp) and isinstance(guard.op, ast.Not):
                operand = guard.operand
                if isinstance(operand, ast.Call) and _is_len_of(self.resolve, operand, wanted):
                    return True
                if ast.dump(operand) == wanted:
                    return True
            if (
                isinstance(guard, ast.Compare)
                and len(guard.ops) == 1
                and isinstance(guard.left, ast.Call)
                and _is_len_of(self.resolve, guard.left, wanted)
                and isinstance(guard.comparators[0], ast.Constant)
                and (
                    (isinstance(guard.ops[0], ast.Eq) and guard.comparators[0].value == 0)
                    or (isinstance(guard.ops[0], ast.Lt) and guard.comparators[0].value == 1)
                )
            ):
                return True
        return False

    def _loop_always_leaves(self, loop: ast.stmt) -> str:
        """A loop over a non-empty iterable whose body leaves the function on
        every path (no ``break``, no ``continue``) never completes."""
        if _has_break(loop) or _has_continue(loop):
            return self.statement(loop)
        if self._scrubbed(loop, lambda: self.block(getattr(loop, "body", []))) == NO:
            return NO
        return self.statement(loop)

    def _implied_cases(self, before: List[ast.stmt], tests: List[ast.expr]) -> Optional[FrozenSet[Tuple[str, bool]]]:
        """``target = None``, then ``if c1: target = ...`` / ``elif c2: target
        = ...``, then ``if not target: return ...``: past that guard target
        was set, so one of c1, c2 held (and holds again when tested later:
        the keys of those conditions are returned)."""
        for test in tests:
            name, wants_none = _emptiness_test(test)
            if name is None:
                continue
            setters: Optional[List[ast.expr]] = None
            for stmt in before:
                if _assigns_directly(stmt, name):
                    value = stmt.value if isinstance(stmt, (ast.Assign, ast.AnnAssign)) else None
                    initial = isinstance(value, ast.Constant) and (
                        value.value is None if wants_none else not value.value
                    )
                    setters = [] if initial else None
                elif setters is not None and _assigns([stmt], name):
                    found = _chain_setters(stmt, name)
                    setters = None if found is None else setters + found
            if setters and not any(_mentions_name(t, name) for t in setters):
                return frozenset(condition_key(t, self.normalise) for t in setters)
        return None

    def _if(
        self, stmt: ast.If, guards: List[ast.expr], cases: Optional[List[FrozenSet[Tuple[str, bool]]]] = None
    ) -> Tuple[str, Optional[List[ast.expr]]]:
        """The result of an if/elif chain, and its tests when every branch
        leaves (so that later ifs may complete it)."""
        # What an earlier judgement of this chain (another pass, other
        # facts) left must not be read after this one.
        self.chain_after.pop(id(stmt), None)
        self.branch_exit.pop(id(stmt), None)
        self.branch_alternatives.pop(id(stmt), None)
        branches: List[str] = []
        tests: List[ast.expr] = []
        failed: List[Tuple[ast.expr, bool]] = []  # the tests of the branches before, false in this one
        exits: List[Tuple[Dict[str, Any], Dict[str, Tuple[bool, FrozenSet[str]]]]] = []  # what each branch leaves known
        node: ast.stmt = stmt
        while True:
            assert isinstance(node, ast.If)
            truth = self._truth_under(failed, node.test)
            if truth is None and self.alternatives:
                truth = self._split_truth(failed, node.test)
            if truth is True:
                self._kill(node.orelse)
                branches.append(self._under(failed, node.body))
                if not branches[:-1]:
                    self.chain_after[id(stmt)] = (node.body, [])
                if all(branch == NO for branch in branches[:-1]):
                    # The only branch that runs, or completes: what is known
                    # after the chain is what is known where it ends.
                    self.branch_exit[id(stmt)] = self.exit_state
                return _combine(branches), None
            if truth is False:
                self._kill(node.body)
            if truth is None:
                branches.append(self._under(failed + [(node.test, True)], node.body))
                exits.append(self.exit_state)
                tests.append(node.test)
            failed.append((node.test, False))
            if len(node.orelse) == 1 and isinstance(node.orelse[0], ast.If):
                node = node.orelse[0]
                continue
            if node.orelse:
                branches.append(self._under(failed, node.orelse))
                exits.append(self.exit_state)
                if len(branches) == 1:
                    self.chain_after[id(stmt)] = (node.orelse, [])
                    self.branch_exit[id(stmt)] = exits[0]
                elif len(branches) == 2 and len(failed) == 1 and (NO in branches) and branches[0] != branches[1]:
                    # if/else with one side that always leaves: after it,
                    # the other side's condition holds.
                    self.chain_after[id(stmt)] = (None, [(stmt.test, branches[1] == NO)])
                    self.branch_exit[id(stmt)] = exits[0 if branches[1] == NO else 1]
                elif sum(branch != NO for branch in branches) == 1:
                    # The only branch that completes.
                    self.branch_exit[id(stmt)] = next(e for b, e in zip(branches, exits) if b != NO)
                else:
                    self._alternatives(stmt, branches, exits)
                return _combine(branches), None
            if not branches:
                self.chain_after[id(stmt)] = ([], [])
            break
        # No else: the implicit path falls through unless the conditions
        # (with earlier guards in the same block) cover every case.
        leaving = all(b != YES for b in branches)
        implicit = self._implicit_else(guards + self._with_canonical(tests), cases or []) if leaving else YES
        if branches and implicit != NO and any(b != NO for b in branches):
            self._under(failed, [])  # what the path through no branch leaves known
            self._alternatives(stmt, branches + [implicit], exits + [self.exit_state])
        return _combine(branches + [implicit]), (tests if leaving and all(b == NO for b in branches) else None)

    def _alternatives(
        self, stmt: ast.If, branches: List[str],
        exits: List[Tuple[Dict[str, Any], Dict[str, Tuple[bool, FrozenSet[str]]]]],
    ) -> None:
        """Record what each branch of a chain that completes leaves known,
        when several do (see _narrow)."""
        completing = [exit_state[1] for result, exit_state in zip(branches, exits) if result != NO]
        if len(completing) >= 2:
            self.branch_alternatives[id(stmt)] = completing

    def _implicit_else(self, tests: List[ast.expr], cases: List[FrozenSet[Tuple[str, bool]]]) -> str:
        if not tests:
            return YES
        tests = leaving_conditions(tests)
        if complementary(tests, self.normalise):
            return NO
        if cases:
            keys = {condition_key(test, self.normalise) for test in tests}
            if any(case <= keys for case in cases):
                return NO
        if self.domains and covers_domain(tests, self.domains):
            return NO
        narrowed = guarded_domains(tests, self.integers, self.once)
        if narrowed and covers_domain(tests, {**(self.domains or {}), **narrowed}):
            return NO
        if self.method_tests is not None:
            # Only pure request.method tests can cover every request; the
            # others (``not user``) do not matter for that.
            covered: Set[str] = set()
            for test in tests:
                covered |= self.method_tests(test) or frozenset()
            if not covered:
                return YES
            if self.route_methods is None:
                return MAYBE
            if self._required() <= covered:
                return MAYBE
        return YES

    def _try(self, stmt: ast.stmt) -> str:
        finalbody: List[ast.stmt] = getattr(stmt, "finalbody", None) or []
        final = self._scrubbed(stmt, lambda: self.block(finalbody)) if finalbody else YES
        if final == NO:
            return NO
        normal = self.block(stmt.body)  # type: ignore[attr-defined]
        if normal != NO and getattr(stmt, "orelse", None):
            after = self._scrubbed(stmt, lambda: self.block(stmt.orelse))  # type: ignore[attr-defined]
            normal = NO if after == NO else (MAYBE if MAYBE in (normal, after) else YES)
        caught = list(getattr(stmt, "handlers", ()))
        if isinstance(stmt, ast.Try) and caught and self._raises_no_key_error(stmt.body):
            if all(self._catches_key_error(h) for h in caught):
                # Only a KeyError gets there, and the body raises none.
                for handler in caught:
                    self._kill(handler.body)
                caught = []
        handlers = [
            self._scrubbed(stmt, lambda body=h.body: self.block(body))  # type: ignore[misc]
            for h in caught
        ]
        result = _combine([normal] + handlers)
        if result == NO:
            return NO
        return MAYBE if final == MAYBE else result

    def _match(self, stmt: ast.stmt) -> str:
        cases = getattr(stmt, "cases", [])
        results = [self.block(case.body) for case in cases]
        irrefutable = any(
            type(case.pattern).__name__ == "MatchAs" and getattr(case.pattern, "pattern", None) is None and case.guard is None
            for case in cases
        )
        if irrefutable:
            return _combine(results)
        if YES in results:
            return YES
        return self._method_match_misses(stmt)

    def _method_match_misses(self, stmt: ast.stmt) -> str:
        """YES when ``match request.method:`` has only unguarded method
        literals for cases and misses a method the route certainly accepts
        (HEAD on a GET route); MAYBE otherwise."""
        subject = getattr(stmt, "subject", None)
        if self.method_tests is None or self.route_methods is None or subject is None:
            return MAYBE
        covered: Set[str] = set()
        for case in getattr(stmt, "cases", []):
            values = _literal_alternatives(case.pattern)
            if values is None or case.guard is not None:
                return MAYBE
            for value in values:
                test = ast.Compare(left=subject, ops=[ast.Eq()], comparators=[ast.Constant(value=value)])
                methods = self.method_tests(test)
                if methods is None:
                    return MAYBE
                covered |= methods
        return MAYBE if self._required() <= covered else YES

    def _required(self) -> Set[str]:
        required = _required_methods(self.route_methods or frozenset())
        if self.ignore_head:
            required.discard("HEAD")
        return required


def _literal_alternatives(pattern: ast.AST) -> Optional[List[str]]:
    """The strings a ``case "GET":`` / ``case "GET" | "HEAD":`` pattern matches."""
    kind = type(pattern).__name__
    if kind == "MatchValue":
        value = getattr(pattern, "value", None)
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            return [value.value]
        return None
    if kind == "MatchOr":
        out: List[str] = []
        for alternative in getattr(pattern, "patterns", []):
            values = _literal_alternatives(alternative)
            if values is None:
                return None
            out += values
        return out
    return None


def _required_methods(route_methods: FrozenSet[str]) -> Set[str]:
    """The values ``request.method`` takes on a route: Flask sends HEAD to
    every view that takes GET (request.method is then "HEAD"), and answers
    OPTIONS itself unless the route lists it."""
    required = set(route_methods)
    if "GET" in required:
        required.add("HEAD")
    return required


# --------------------------------------------------------------------------
# The summary extension
# --------------------------------------------------------------------------


class ModuleFacts:
    """``nr`` / ``resp`` / ``deco`` facts of the functions of one module."""

    def __init__(self, model: FlaskModel) -> None:
        self.model = model
        self.by_qualname: Dict[str, FunctionInfo] = {}
        for info in model.functions.values():
            self.by_qualname.setdefault(info.qualname, info)
        self._nr: Dict[str, Tuple[bool, FrozenSet[str]]] = {}
        self._resp: Dict[str, Tuple[bool, FrozenSet[str]]] = {}
        # The decorators of other modules the last passthrough_decorator()
        # verdict relies on.
        self.deco_deps: Set[str] = set()

    # ------------------------------------------------------------ never returns

    def never_returns(self, info: FunctionInfo) -> Tuple[bool, FrozenSet[str]]:
        """(never returns, the functions of other modules that must never
        return too for this to hold)."""
        key = info.qualname
        if key in self._nr:
            return self._nr[key]
        self._nr[key] = (False, frozenset())  # cycle guard
        result = self._compute_nr(info)
        self._nr[key] = result
        return result

    def _compute_nr(self, info: FunctionInfo) -> Tuple[bool, FrozenSet[str]]:
        node = info.node
        if node.returns is not None and self._noreturn_annotation(node.returns):
            return True, frozenset()
        if info.is_generator or info.returns:
            return False, frozenset()
        strict = Flow(self._oracle(None))
        if strict.block(node.body) == NO:
            return True, frozenset()
        deps: Set[str] = set()
        lenient = Flow(self._oracle(deps))
        if lenient.block(node.body) == NO and deps:
            return True, frozenset(deps)
        return False, frozenset()

    def _noreturn_annotation(self, annotation: ast.expr) -> bool:
        if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
            return annotation.value.rsplit(".", 1)[-1] in ("NoReturn", "Never")
        return self.model.qualname(annotation) in NORETURN_ANNOTATIONS

    def _oracle(self, deps: Optional[Set[str]]) -> Oracle:
        def oracle(call: ast.Call) -> Optional[bool]:
            qual = self.model.qualname(call.func)
            if qual is None:
                return False
            if qual in NORETURN_CALLS:
                return True
            local = self.by_qualname.get(qual)
            if local is not None:
                never, local_deps = self.never_returns(local)
                if never and local_deps:
                    if deps is None:
                        return False
                    deps.update(local_deps)
                return never
            if deps is not None and is_project_candidate(qual):
                deps.add(qual)
                return True
            return False

        return oracle

    # --------------------------------------------------- returns True or raises

    def always_true(self, info: FunctionInfo) -> Tuple[bool, FrozenSet[str]]:
        """(every return hands back a truthy literal and the end is never
        reached, the functions of other modules that must never return for
        this to hold): ``if check_access():`` then always takes its branch."""
        node = info.node
        if info.is_generator or not info.returns or isinstance(node, ast.AsyncFunctionDef):
            return False, frozenset()
        for ret in info.returns:
            value = ret.value
            if not (isinstance(value, ast.Constant) and value.value and not isinstance(value.value, bytes)):
                return False, frozenset()
        if Flow(self._oracle(None)).block(node.body) == NO:
            return True, frozenset()
        deps: Set[str] = set()
        if Flow(self._oracle(deps)).block(node.body) == NO and deps:
            return True, frozenset(deps)
        return False, frozenset()

    # ------------------------------------------------ arguments it checks

    def guarded_params(self, info: FunctionInfo) -> List[List[Any]]:
        """[position, name] of the parameters the function checks first
        thing (``if not value: raise NotFound()``): when a call returns,
        what was passed for them is truthy."""
        node = info.node
        if info.class_node is not None or info.is_generator or isinstance(node, ast.AsyncFunctionDef):
            return []
        args = node.args
        positional = [a.arg for a in args.posonlyargs + args.args]
        out: List[List[Any]] = []
        strict = Flow(self._oracle(None))
        for stmt in node.body:
            if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
                continue  # a docstring
            if not isinstance(stmt, ast.If) or stmt.orelse:
                break
            test = stmt.test
            if not (isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not) and isinstance(test.operand, ast.Name)):
                break
            name = test.operand.id
            if name not in positional and name not in [a.arg for a in args.kwonlyargs]:
                break
            if strict.block(stmt.body) != NO:
                break
            out.append([positional.index(name) if name in positional else None, name])
        return out

    # ------------------------------------------------------ returns a response

    def returns_response(self, info: FunctionInfo) -> Tuple[bool, FrozenSet[str]]:
        key = info.qualname
        if key in self._resp:
            return self._resp[key]
        self._resp[key] = (False, frozenset())
        result = self._compute_resp(info)
        self._resp[key] = result
        return result

    def _compute_resp(self, info: FunctionInfo) -> Tuple[bool, FrozenSet[str]]:
        if info.is_generator or not info.returns:
            return False, frozenset()
        deps: Set[str] = set()
        for ret in info.returns:
            if not self._response_value(ret.value, deps):
                return False, frozenset()
        if not self._pure(info) or Flow(self._oracle(None)).block(info.node.body) != NO:
            return False, frozenset()
        return True, frozenset(deps)

    def _pure(self, info: FunctionInfo) -> bool:
        """No statement of the function is there for its side effects (a
        bare call, a store into an attribute or item, ``global``), so
        calling it as a statement can only be a forgotten ``return``.
        ``passive_login()`` that logs a user in and also returns a JSON
        answer is not pure: callers may want only the login."""
        for stmt, _parents in iter_statements(info.node.body):
            if isinstance(stmt, (ast.Expr, ast.Global, ast.Nonlocal, ast.Delete, ast.With, ast.AsyncWith)):
                if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
                    continue  # a docstring
                return False
            targets: List[ast.expr] = []
            if isinstance(stmt, ast.Assign):
                targets = list(stmt.targets)
            elif isinstance(stmt, (ast.AugAssign, ast.AnnAssign)):
                targets = [stmt.target]
            if any(isinstance(t, (ast.Attribute, ast.Subscript)) for t in targets):
                return False
        return True

    def _response_value(self, value: Optional[ast.expr], deps: Set[str]) -> bool:
        if isinstance(value, ast.Tuple) and value.elts:
            value = value.elts[0]
        if not isinstance(value, ast.Call):
            return False
        qual = self.model.qualname(value.func)
        if qual is None:
            return False
        if qual in RESPONSE_BUILDERS:
            return True
        local = self.by_qualname.get(qual)
        if local is not None:
            resp, local_deps = self.returns_response(local)
            deps.update(local_deps)
            return resp
        if is_project_candidate(qual):
            deps.add(qual)
            return True
        return False

    # -------------------------------------------------------------- decorators

    def passthrough_decorator(self, info: FunctionInfo, _depth: int = 0) -> Optional[bool]:
        """True when ``info`` is a decorator (or decorator factory) whose
        wrapper returns the decorated function's result unchanged (or a
        response of its own); False when it transforms it; None when it is
        not decorator-shaped."""
        if _depth > 3 or not info.returns:
            return None
        params = info.scope.params
        nested = {
            n.name: n
            for n in info.node.body
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
        }
        verdicts: List[Optional[bool]] = []
        for ret in info.returns:
            value = ret.value
            if returns_none(ret):
                continue  # ``if func is None: return None``
            if isinstance(value, ast.Call) and value.args and not value.keywords:
                # wraps(f)(wrapper), update_wrapper(wrapper, f)
                qual = self.model.qualname(value.func.func) if isinstance(value.func, ast.Call) else None
                if qual == "functools.wraps":
                    value = value.args[0]
                elif self.model.qualname(value.func) == "functools.update_wrapper":
                    value = value.args[0]
            if isinstance(value, ast.Name) and params and value.id == params[0] and len(params) == 1:
                verdicts.append(True)  # registers or annotates f and returns it
                continue
            if (
                isinstance(value, ast.Call)
                and len(params) == 1
                and len(value.args) == 1
                and not value.keywords
                and isinstance(value.args[0], ast.Name)
                and value.args[0].id == params[0]
            ):
                verdicts.append(self._decorator_call(value, _depth + 1))  # return other_decorator(f)
                continue
            if not isinstance(value, ast.Name) or value.id not in nested:
                return None
            inner = self.model.function_info(nested[value.id])
            if inner is None:
                return None
            # A factory returns the decorator; a decorator returns the wrapper.
            as_decorator = self.passthrough_decorator(inner, _depth + 1) if len(inner.scope.params) == 1 else None
            if as_decorator is not None:
                verdicts.append(as_decorator)
            elif params:
                verdicts.append(self._passthrough_wrapper(inner, params[0]))
            else:
                return None
        if not verdicts:
            return None
        return all(v is True for v in verdicts)

    def _decorator_call(self, call: ast.Call, depth: int) -> Optional[bool]:
        """``other_decorator(f)``: a decorator of this module, or one whose
        name says it hands the value back (``login_required``)."""
        qual = self.model.qualname(call.func) or ""
        local = self.by_qualname.get(qual)
        if local is not None:
            return self.passthrough_decorator(local, depth)  # depth: decorators may call each other in a cycle
        if passthrough_name(self.model, call.func):
            return True
        if is_project_candidate(qual):
            self.deco_deps.add(qual)  # another module's decorator: the index decides
            return True
        return None

    def _passthrough_wrapper(self, wrapper: FunctionInfo, wrapped: str) -> bool:
        if wrapper.is_generator or not wrapper.returns:
            return False
        results: Set[str] = set()  # names bound to the wrapped function's result
        rebound: Set[str] = set()  # names also bound to something else
        result_targets: Set[int] = set()
        for node in self.model.walk_function(wrapper.node):
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                if self._calls_wrapped(node.value, wrapped):
                    results.add(node.targets[0].id)
                    result_targets.add(id(node.targets[0]))
        for node in self.model.walk_function(wrapper.node):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store) and id(node) not in result_targets:
                rebound.add(node.id)
        # ``ret = f(); ret = serialize(ret); return ret`` hands back another value.
        rebound &= results
        results -= rebound
        after = _returns_after_call(wrapper.node.body, wrapped, False, set())
        passed = False
        for ret in wrapper.returns:
            value = ret.value
            if self._calls_wrapped(value, wrapped) or (isinstance(value, ast.Name) and value.id in results):
                passed = True
                continue
            if value is not None and _mentions(value, {wrapped} | results | rebound):
                return False  # jsonify(f(...)), render_template(..., **f(...))
            if id(ret) in after:
                # The view has returned and the wrapper answers something
                # else: ``if isinstance(ret, Response): return ret`` then
                # ``return Response(body)``, ``if ret is None: return "", 204``.
                return False
        # A wrapper that can itself fall off its end is its own bug: what
        # matters here is that the view's value reaches Flask unchanged.
        return passed

    def _calls_wrapped(self, value: Optional[ast.expr], wrapped: str) -> bool:
        """``f(...)``, ``await f(...)`` or ``make_response(f(...))``."""
        if isinstance(value, ast.Await):
            value = value.value
        if not isinstance(value, ast.Call):
            return False
        if isinstance(value.func, ast.Name) and value.func.id == wrapped:
            return True
        inner = value.func
        if (
            isinstance(inner, ast.Call)
            and len(inner.args) == 1
            and isinstance(inner.args[0], ast.Name)
            and inner.args[0].id == wrapped
        ):
            # login_required(f)(*args, **kwargs), app.ensure_sync(f)(...)
            return passthrough_name(self.model, inner.func)
        if self.model.qualname(value.func) == "flask.make_response" and len(value.args) == 1:
            return self._calls_wrapped(value.args[0], wrapped)
        return False


def _mentions(node: ast.AST, names: Set[str]) -> bool:
    return any(isinstance(n, ast.Name) and n.id in names for n in ast.walk(node))


def _returns_after_call(body: Sequence[ast.stmt], wrapped: str, called: bool, out: Set[int]) -> Set[int]:
    """ids of the ``return`` statements of a wrapper that may run after it
    called the wrapped function (a statement that mentions it), in order of
    the statements.  An ``except`` clause of a ``try`` whose body only
    ``return``s the call runs when the view raised, not after it returned."""
    _scan_after_call(body, wrapped, called, out)
    return out


def _scan_after_call(body: Sequence[ast.stmt], wrapped: str, called: bool, out: Set[int]) -> bool:
    names = {wrapped}
    for stmt in body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        if isinstance(stmt, ast.Return):
            if called:
                out.add(id(stmt))
            continue
        if isinstance(stmt, ast.Try) or type(stmt).__name__ == "TryStar":
            stmt = cast(ast.Try, stmt)
            body_called = _scan_after_call(stmt.body, wrapped, called, out)
            direct = all(isinstance(s, ast.Return) for s in stmt.body if _mentions(s, names))
            entry = called or (body_called and not direct)
            handled = [_scan_after_call(h.body, wrapped, entry, out) for h in stmt.handlers]
            rest = _scan_after_call(stmt.orelse, wrapped, body_called, out)
            done = body_called or rest or any(handled)
            called = _scan_after_call(stmt.finalbody, wrapped, done, out) or done
            continue
        blocks: List[Sequence[ast.stmt]] = []
        header = called
        for _field, value in ast.iter_fields(stmt):
            items = value if isinstance(value, list) else [value]
            for item in items:
                if isinstance(item, ast.stmt):
                    blocks.append(value)
                    break
                if isinstance(item, ast.match_case):
                    blocks.append(item.body)
                elif isinstance(item, ast.AST) and _mentions(item, names):
                    header = True
        if not blocks:
            called = header
            continue
        called = header
        for block in blocks:
            called = _scan_after_call(block, wrapped, header, out) or called
    return called


def predicate_expression(info: FunctionInfo) -> Optional[Tuple[List[str], str]]:
    """(parameters, expression) of a function whose body is one ``return``
    of an expression over its parameters and literals only (comparisons,
    ``and``/``or``/``not``, ``in`` a literal tuple): ``return value is not
    None and value in ('0', '2')``.  Its value for known arguments is known,
    and it is the same whenever its arguments are."""
    node = info.node
    if info.class_node is not None or info.is_generator or isinstance(node, ast.AsyncFunctionDef):
        return None
    args = node.args
    if args.vararg or args.kwarg or args.kwonlyargs or args.posonlyargs or args.defaults or node.decorator_list:
        return None
    params = [a.arg for a in args.args]
    body = [stmt for stmt in node.body if not (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant))]
    if len(body) != 1 or not isinstance(body[0], ast.Return) or body[0].value is None:
        return None
    expr = body[0].value
    allowed = (
        ast.Name, ast.Constant, ast.Compare, ast.BoolOp, ast.UnaryOp, ast.Tuple, ast.List,
        ast.Load, ast.cmpop, ast.boolop, ast.Not,
    )
    for sub in ast.walk(expr):
        if not isinstance(sub, allowed) or (isinstance(sub, ast.UnaryOp) and not isinstance(sub.op, ast.Not)):
            return None
        if isinstance(sub, ast.Name) and sub.id not in params:
            return None
        if isinstance(sub, ast.Compare) and len(sub.ops) != 1:
            return None
    return params, ast.unparse(expr)


# Helpers whose answer is described for their callers (``reply``): what a
# call of ``error_json(msg)`` or ``make_json_response(success=0, errormsg=m)``
# answers with, so that ``return helper(...)`` is judged as the response it is.
_JSON_VALUE = (str, int, float, bool, type(None))


class RaiseFacts:
    """Whether a function visibly raises or aborts: ``raise``, ``assert``,
    ``abort()``, a call of an unknown callable named like ``fail(...)``, or
    a function of the same module that does; and the project functions of
    other modules it calls, which the index judges."""

    def __init__(self, model: FlaskModel, by_qualname: Mapping[str, FunctionInfo]) -> None:
        self.model = model
        self.by_qualname = by_qualname
        self._memo: Dict[str, Tuple[bool, FrozenSet[str]]] = {}

    def of(self, info: FunctionInfo) -> Tuple[bool, FrozenSet[str]]:
        key = info.qualname
        if key in self._memo:
            return self._memo[key]
        self._memo[key] = (False, frozenset())  # cycle guard: the other calls decide
        deps: Set[str] = set()
        result: Tuple[bool, FrozenSet[str]] = (False, frozenset())
        for node in self.model.walk_function(info.node):
            if isinstance(node, (ast.Raise, ast.Assert)):
                result = (True, frozenset())
                break
            if not isinstance(node, ast.Call):
                continue
            qual = self.model.qualname(node.func)
            local = self.by_qualname.get(qual or "")
            if (qual is not None and qual in NORETURN_CALLS) or (
                # the name is a guess for what the index cannot judge
                local is None and not is_project_candidate(qual) and raising_name(call_name(node))
            ):
                result = (True, frozenset())
                break
            if local is not None:
                raises, local_deps = self.of(local)
                if raises:
                    result = (True, frozenset())
                    break
                deps.update(local_deps)
            elif qual is not None and is_project_candidate(qual):
                deps.add(qual)
        else:
            result = (False, frozenset(deps))
        self._memo[key] = result
        return result


def _param_spec(info: FunctionInfo, name: str) -> Optional[List[Any]]:
    """[name, position (None: keyword-only), default]: the default is a JSON
    literal, or "req" when the parameter has none; None for a default that
    is not a literal."""
    args = info.node.args
    positional = list(args.posonlyargs) + list(args.args)
    defaults: Dict[str, Optional[ast.expr]] = {}  # keyword-only without a default: None
    for arg, positional_default in zip(positional[len(positional) - len(args.defaults):], args.defaults):
        defaults[arg.arg] = positional_default
    for arg, keyword_default in zip(args.kwonlyargs, args.kw_defaults):
        defaults[arg.arg] = keyword_default
    names = [a.arg for a in positional]
    if name in names:
        position: Optional[int] = names.index(name)
    elif name in [a.arg for a in args.kwonlyargs]:
        position = None
    else:
        return None
    default = defaults.get(name)
    if default is None:
        return [name, position, "req"]
    if isinstance(default, ast.Constant) and isinstance(default.value, _JSON_VALUE):
        return [name, position, default.value]
    return None


def _reply_status(model: FlaskModel, info: FunctionInfo, node: Optional[ast.expr]) -> Any:
    """None (no status), an int, a parameter spec, or "?"."""
    if node is None:
        return None
    if isinstance(node, ast.Name) and node.id in info.scope.params:
        spec = _param_spec(info, node.id)
        if spec is None or not (spec[2] == "req" or spec[2] is None or isinstance(spec[2], int)):
            return "?"
        return spec
    number = status_number(model, node)
    return number if number is not None else "?"


def _reply_items(model: FlaskModel, info: FunctionInfo, body: ast.expr) -> Optional[List[List[Any]]]:
    """The keys and values of the JSON object a helper answers with:
    ``jsonify({"error": message})``, ``jsonify(error=message)`` or a dict
    literal; each value a parameter (``["p", spec]``), a literal (``["c",
    value]``), a string expression over the helper's names (``["e",
    source]``) or unknown (``["?"]``)."""
    pairs: List[Tuple[Optional[str], ast.expr]] = []
    if isinstance(body, ast.Call) and model.qualname(body.func) in ("flask.jsonify", "flask.json.jsonify"):
        if body.keywords and not body.args:
            pairs = [(kw.arg, kw.value) for kw in body.keywords]
        elif len(body.args) == 1 and not body.keywords and isinstance(body.args[0], ast.Dict):
            body = body.args[0]
        else:
            return None
    if isinstance(body, ast.Dict):
        for key, value in zip(body.keys, body.values):
            if key is None:
                pairs.append((None, value))
            elif isinstance(key, ast.Constant) and isinstance(key.value, str):
                pairs.append((key.value, value))
            else:
                return None
    if not pairs:
        return None
    items: List[List[Any]] = []
    for name, value in pairs:
        if name is None:
            return None  # ``**extra`` may set any key, the error too
        if isinstance(value, ast.Name) and value.id in info.scope.params:
            spec = _param_spec(info, value.id)
            items.append([name, ["p", spec] if spec is not None else ["?"]])
        elif isinstance(value, ast.Constant) and isinstance(value.value, _JSON_VALUE):
            items.append([name, ["c", value.value]])
        elif isinstance(value, ast.JoinedStr) or (
            isinstance(value, ast.BinOp)
            and isinstance(value.op, (ast.Mod, ast.Add))
            and isinstance(value.left, ast.Constant)
            and isinstance(value.left.value, str)
        ):
            items.append([name, ["e", ast.unparse(value)]])
        else:
            items.append([name, ["?"]])
    return items


# Builders whose response has no status of their own (200).
_STATUSLESS_BUILDERS = frozenset(
    {
        "flask.jsonify",
        "flask.json.jsonify",
        "flask.render_template",
        "flask.render_template_string",
        "flask.stream_template",
        "flask.stream_template_string",
    }
)


def _statusless_body(model: FlaskModel, body: ast.expr) -> bool:
    """A body Flask answers with 200 unless a status comes with it."""
    if isinstance(body, (ast.Dict, ast.JoinedStr, ast.List)):
        return True
    if isinstance(body, ast.Constant):
        return isinstance(body.value, (str, bytes))
    return isinstance(body, ast.Call) and model.qualname(body.func) in _STATUSLESS_BUILDERS


# Serialisers whose text is the JSON of their first argument.
_JSON_DUMPS = frozenset(
    {"json.dumps", "flask.json.dumps", "bson.json_util.dumps", "simplejson.dumps", "ujson.dumps", "orjson.dumps"}
)
_RESPONSE_PARAMS = ("response", "status", "headers", "mimetype", "content_type")


def _serialised_param(model: FlaskModel, info: FunctionInfo, body: ast.expr) -> Optional[Tuple[List[Any], Optional[ast.expr]]]:
    """A body that is the JSON of one of the helper's parameters, answered
    with the status of the response (None: 200): ``jsonify(data)``,
    ``Response(json.dumps(data), mimetype="application/json")``; the
    parameter's spec and the status expression."""
    if not isinstance(body, ast.Call) or any(isinstance(a, ast.Starred) for a in body.args):
        return None
    qual = model.qualname(body.func)
    source: Optional[ast.expr] = None
    status: Optional[ast.expr] = None
    if qual in ("flask.jsonify", "flask.json.jsonify"):
        if len(body.args) == 1 and not body.keywords:
            source = body.args[0]
    elif qual in RESPONSE_CLASSES:
        given: Dict[str, ast.expr] = dict(zip(_RESPONSE_PARAMS, body.args))
        for keyword in body.keywords:
            if keyword.arg not in _RESPONSE_PARAMS or keyword.arg in given:
                return None
            given[keyword.arg] = keyword.value
        kind = given.get("mimetype", given.get("content_type"))
        text = given.get("response")
        if (
            isinstance(kind, ast.Constant)
            and isinstance(kind.value, str)
            and "json" in kind.value
            and isinstance(text, ast.Call)
            and model.qualname(text.func) in _JSON_DUMPS
            and len(text.args) == 1
            and not isinstance(text.args[0], ast.Starred)
        ):
            source, status = text.args[0], given.get("status")
    if not (isinstance(source, ast.Name) and source.id in info.scope.params):
        return None
    spec = _param_spec(info, source.id)
    return (spec, status) if spec is not None else None


def reply_facts(model: FlaskModel, info: FunctionInfo, raise_facts: RaiseFacts) -> Optional[Dict[str, Any]]:
    """What every call of a plain helper answers with, when it always
    returns and never raises or aborts on its own: ``{"st": status}`` (None
    when it sets none, an int, a parameter spec, "?" when its returns
    differ), ``"items"`` for a single return of a JSON object, and
    ``"if"``: the functions of other modules it calls, which must not raise
    either.  None for generators, methods and decorated helpers."""
    node = info.node
    if (
        info.is_generator
        or not info.returns
        or info.class_node is not None
        or node.decorator_list
        or any(r.value is None for r in info.returns)
    ):
        return None
    raises, deps = raise_facts.of(info)
    if raises or Flow(lambda call: False).block(node.body) != NO:
        return None
    statuses: List[Any] = []
    bodies: List[ast.expr] = []
    for ret in info.returns:
        value = ret.value
        status: Optional[ast.expr] = None
        if isinstance(value, ast.Tuple):
            if len(value.elts) not in (2, 3) or any(isinstance(e, ast.Starred) for e in value.elts):
                return None
            if not (len(value.elts) == 2 and isinstance(value.elts[1], (ast.Dict, ast.List))):
                status = value.elts[1]
            value = value.elts[0]
        elif isinstance(value, ast.Call) and model.qualname(value.func) == "flask.make_response":
            if value.keywords or not value.args or any(isinstance(a, ast.Starred) for a in value.args):
                return None
            if len(value.args) >= 2 and not (len(value.args) == 2 and isinstance(value.args[1], (ast.Dict, ast.List))):
                status = value.args[1]
            value = value.args[0]
        assert value is not None
        serialised = _serialised_param(model, info, value) if status is None else None
        if serialised is not None:
            statuses.append(_reply_status(model, info, serialised[1]))
        elif status is None and not _statusless_body(model, value):
            statuses.append("?")  # a response object or another helper's: its own status
        else:
            statuses.append(_reply_status(model, info, status))
        bodies.append(value)
    first = statuses[0]
    out: Dict[str, Any] = {"st": first if all(s == first for s in statuses) else "?"}
    if len(bodies) == 1:
        items = _reply_items(model, info, bodies[0])
        serialised = _serialised_param(model, info, bodies[0])
        if items is not None:
            out["items"] = items
        elif serialised is not None:
            out["payload"] = serialised[0]
    if deps:
        out["if"] = sorted(deps)
    return out


# ------------------------------------------------ helpers whose None a view returns
# A view that ends with ``return helper(request.form)`` gives Flask what the
# helper gives it: a helper that falls off its end (or returns None) on some
# path crashes the view there (FLK107).  The view's module records the
# helpers its views return; the helper's module, when checked, judges the
# helpers some view returns with FLK107's own flow.

# Tests whose outcome the caller may guarantee by what it passes (a type, an
# attribute) or by its route (the request method): the path is not certain.
_CALLER_SETTLED_TESTS = frozenset(
    {"builtins.isinstance", "builtins.issubclass", "builtins.type", "builtins.hasattr", "builtins.callable",
     "builtins.getattr"}
)


def _tests_of(node: ast.AST) -> Optional[ast.expr]:
    if isinstance(node, (ast.If, ast.While, ast.IfExp, ast.Assert)):
        return node.test
    if isinstance(node, ast.Match):
        return node.subject
    if isinstance(node, ast.comprehension) and node.ifs:
        return ast.BoolOp(op=ast.And(), values=list(node.ifs))
    return None


def helper_tested_params(model: FlaskModel, info: FunctionInfo) -> Optional[Set[str]]:
    """For a plain helper that returns a value on some path and may return
    None on another, the parameters its conditions read (a caller that
    passes a literal for one may pick the path that answers).  None for
    methods, decorated helpers, generators, coroutines, stubs, helpers that
    end with their ``return`` and have no ``return None``, and helpers
    whose conditions test what a caller may guarantee: a type, an
    attribute's presence, the request method."""
    node = info.node
    if (
        info.is_generator
        or isinstance(node, ast.AsyncFunctionDef)
        or info.class_node is not None
        or node.decorator_list
        or not any(not returns_none(r) for r in info.returns)
        or is_stub(node)
    ):
        return None
    if isinstance(node.body[-1], (ast.Return, ast.Raise)) and not any(returns_none(r) for r in info.returns):
        return None  # cheap: most helpers end with their return
    params = set(info.scope.params)
    tested: Set[str] = set()
    for sub in model.walk_function(node):
        test = _tests_of(sub)
        if test is None:
            continue
        for inner in ast.walk(test):
            if isinstance(inner, ast.Name) and inner.id in params:
                tested.add(inner.id)
            elif isinstance(inner, ast.Call) and model.qualname(inner.func) in _CALLER_SETTLED_TESTS:
                return None
            elif isinstance(inner, ast.Attribute) and model.qualname(inner) == "flask.request.method":
                return None
    return tested


def returned_helpers(model: FlaskModel) -> Dict[str, Dict[str, Any]]:
    """For each function the module registers as a view, the project
    functions its returns hand back as they are (``return helper(...)``):
    ``{"r": [[callee, line, positional, keywords], ...], "d": [[qualname,
    name], ...]}``.  ``positional`` and ``keywords`` say of each argument
    whether it is opaque (1: a request attribute, a call, a URL variable)
    or may be a value the helper tests for (0: a literal, a local); calls
    with ``*args``/``**kwargs`` and returns under a condition on one of the
    arguments are left out.  ``d``: the view's decorators below its lowest
    registration, which must hand the value back."""
    out: Dict[str, Dict[str, Any]] = {}
    registrations = {id(reg.node) for reg in model.routes}
    for reg in model.routes:
        func = reg.view_node
        if not isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        info = model.function_info(func)
        if info is None or info.class_node is not None or info.qualname in out:
            continue
        params = set(info.scope.params)
        sites: List[List[Any]] = []
        for ret, parents in _returns_with_tests(func.body, []):
            call = ret.value
            if not isinstance(call, ast.Call):
                continue
            qual = model.qualname(call.func)
            if qual is None or not is_project_candidate(qual):
                continue
            if any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords):
                continue
            arguments = list(call.args) + [k.value for k in call.keywords]
            tests = [ast.dump(t) for t in parents]
            if any(ast.dump(a) in t for a in arguments for t in tests):
                continue  # the view picked this path by the very value it passes
            sites.append(
                [
                    qual,
                    Line(ret.lineno),
                    [_opaque(a, params) for a in call.args],
                    {str(k.arg): _opaque(k.value, params) for k in call.keywords},
                ]
            )
        if not sites:
            continue
        decorators = list(func.decorator_list)
        lowest = max((i for i, d in enumerate(decorators) if id(d) in registrations), default=None)
        below = decorators[lowest + 1 :] if lowest is not None else decorators
        shown: List[List[Any]] = []
        for decorator in below:
            callee = decorator.func if isinstance(decorator, ast.Call) else decorator
            shown.append([model.qualname(callee), decorator_name(model, callee)])
        row: Dict[str, Any] = {"r": sites}
        if shown:
            row["d"] = shown
        out[info.qualname] = row
    return out


def _returns_with_tests(body: List[ast.stmt], tests: List[ast.expr]) -> Iterator[Tuple[ast.Return, List[ast.expr]]]:
    """The returns of a body (not of nested defs) with the conditions of the
    branches and loops around them."""
    for stmt in body:
        if isinstance(stmt, ast.Return):
            yield stmt, tests
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        else:
            test = _tests_of(stmt)
            inner = tests + [test] if test is not None else tests
            for block in child_statements(stmt):
                yield from _returns_with_tests(block, inner)


def _opaque(arg: ast.expr, params: Set[str]) -> int:
    """1 for an argument that stands for request data or a computed value
    (``request.form``, ``get_user()``, a URL variable), 0 for a literal or a
    local, which may hold just the value that makes the helper return."""
    if isinstance(arg, (ast.Attribute, ast.Subscript, ast.Call)):
        return 1
    return 1 if isinstance(arg, ast.Name) and arg.id in params else 0


def summarise_responses(model: FlaskModel) -> Dict[str, Any]:
    """Also for the modules that never mention Flask (held as light
    models): a helper that raises, returns True or raises, or wraps a view
    means the same wherever it lives, so their defs are read in full."""
    if model.light:
        if not any(isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) for node in model.tree.body):
            return {}
        model = model.full()
    facts = ModuleFacts(model)
    raise_facts = RaiseFacts(model, facts.by_qualname)
    out: Dict[str, Any] = {}
    for info in model.functions.values():
        row: Dict[str, Any] = {}
        never, deps = facts.never_returns(info)
        if never:
            row["nr"] = sorted(deps)
        resp, resp_deps = facts.returns_response(info)
        if resp:
            row["resp"] = sorted(resp_deps)
        true, true_deps = facts.always_true(info)
        if true:
            row["true"] = sorted(true_deps)  # holds when each of these never returns
        facts.deco_deps = set()
        deco = facts.passthrough_decorator(info)
        if deco is not None:
            row["deco"] = deco
            if deco and facts.deco_deps:
                row["deco_if"] = sorted(facts.deco_deps)  # holds when each of these hands the value back
        guarded = facts.guarded_params(info)
        if guarded:
            row["guards"] = guarded
        predicate = predicate_expression(info)
        if predicate is not None:
            row["pred"] = [predicate[0], predicate[1]]
        raises, _deps = raise_facts.of(info)
        if raises:
            row["raises"] = True  # for the helpers of other modules that call it
        reply = reply_facts(model, info, raise_facts)
        if reply is not None:
            row["reply"] = reply
        if info.class_node is not None and info.node.name == "dispatch_request" and not _hands_result_back(model, info.node):
            row["changes"] = True  # what the view's methods return is not what Flask gets
        if row:
            out[info.qualname] = row
    for qual, returned in returned_helpers(model).items():
        out.setdefault(qual, {})["rc"] = returned
    constants = _exported_constants(model)
    if constants:
        out[CONSTANTS_KEY] = constants
    return out


def _hands_result_back(model: FlaskModel, func: FunctionNode) -> bool:
    """A ``dispatch_request`` override whose every ``return`` outside its
    ``except`` clauses is ``return super().dispatch_request(...)``: a method
    that returns None still gives Flask None (a crash answered by the
    override's handler is another matter: FLK201's)."""
    stack: List[ast.AST] = list(func.body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda, ast.ExceptHandler)):
            continue
        if isinstance(node, ast.Return):
            call = node.value
            if not (
                isinstance(call, ast.Call)
                and isinstance(call.func, ast.Attribute)
                and call.func.attr == "dispatch_request"
                and isinstance(call.func.value, ast.Call)
                and model.qualname(call.func.value.func) == "builtins.super"
            ):
                return False
        stack.extend(child_nodes(node))
    return True


# The key of a module's constants in its ``responses`` facts (no qualname
# has a space).
CONSTANTS_KEY = " constants"


def _json_exact(value: Any) -> bool:
    """A value JSON (and marshal) hands back as it is: no tuples, sets or
    non-string keys."""
    if value is None or isinstance(value, (str, bool, int, float)):
        return True
    if isinstance(value, list):
        return all(_json_exact(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _json_exact(v) for k, v in value.items())
    return False


def _exported_constants(model: FlaskModel) -> Dict[str, Any]:
    """Module-level constants (see :func:`module_constants`) whose values
    survive the summary, for the modules that import them."""
    constant = module_constants(model)
    out: Dict[str, Any] = {}
    for stmt in model.tree.body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            value = constant(stmt.targets[0])
            if value is not UNKNOWN and _json_exact(value) and len(repr(value)) <= 2000:
                out[stmt.targets[0].id] = value
    return out


# The per-module facts the project index computes for this family.
RESPONSES_FACTS = Extension(EXTENSION, summarise_responses, version="9", light=True)
