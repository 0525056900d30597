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
a response (``resp``) and, for decorators, whether the wrapper hands the
view's return value back unchanged (``deco``); facts that depend on functions
of other modules keep those as ``*_if`` dependencies the checker resolves
through the index.
"""

from __future__ import annotations

import ast
import re
from typing import Any, Callable, Dict, FrozenSet, Iterator, List, Mapping, Optional, Set, Tuple

from ..model import FlaskModel, FunctionInfo, FunctionNode
from ..summary import summary_extension

YES, NO, MAYBE = "yes", "no", "maybe"
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
PASSTHROUGH_DECORATOR = re.compile(
    r"^(?:\w*_required|required|requires?_\w+|requires|login_required|limit|limits|shared_limit|exempt"
    r"|\w*_exempt|cached|memoize|cache_page|cache_control|nocache|no_cache|cross_origin|doc|docs|input|arguments"
    r"|use_args|use_kwargs|expect|param|params|auth_required|authenticated|authenticate|check_\w+|permission\w*"
    r"|roles_\w+|has_role|timed|timer|trace|traced|instrument\w*|log_\w+|logged|retry|transactional|atomic"
    r"|throttle\w*|ratelimit|rate_limit\w*|deprecated|staticmethod|classmethod|abstractmethod|wraps"
    r"|ensure_sync|copy_current_request_context|route|get|post|put|patch|delete|errorhandler|app_errorhandler"
    r"|before_request|before_app_request|after_request|after_app_request|after_this_request|teardown_request|teardown_app_request|teardown_appcontext)$"
)


def raising_name(name: Optional[str]) -> bool:
    return bool(name) and _RAISING_NAME.search(name or "") is not None


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


def complementary(tests: List[ast.expr]) -> bool:
    seen: Dict[str, Set[bool]] = {}
    for test in tests:
        key, polarity = _condition_key(test)
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
    ) -> None:
        self.oracle = oracle
        self.method_tests = method_tests
        self.route_methods = route_methods
        self.suppressors = suppressors
        self.domains = domains

    def block(self, stmts: List[ast.stmt]) -> str:
        state = YES
        guards: List[ast.expr] = []
        for stmt in stmts:
            if isinstance(stmt, ast.If):
                result, tests = self._if(stmt, guards)
                if tests is not None:
                    guards.extend(tests)
            else:
                result = self.statement(stmt)
            if result == NO:
                return NO
            if result == MAYBE:
                state = MAYBE
        return state

    def unreachable(self, stmts: List[ast.stmt]) -> Set[int]:
        """ids of the statements no path reaches: those after a statement
        that never completes in the same block (``abort(401); return``),
        and everything inside them."""
        dead: Set[int] = set()
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
            return self.block(stmt.orelse) if stmt.orelse else YES
        if isinstance(stmt, (ast.For, ast.AsyncFor)):
            if _has_break(stmt):
                return YES
            return self.block(stmt.orelse) if stmt.orelse else YES
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
        call = statement_call(stmt)
        if call is not None:
            verdict = self.oracle(call)
            if verdict is True:
                return NO
            if verdict is None:
                return MAYBE
        return YES

    def _if(self, stmt: ast.If, guards: List[ast.expr]) -> Tuple[str, Optional[List[ast.expr]]]:
        """The result of an if/elif chain, and its tests when every branch
        leaves (so that later ifs may complete it)."""
        branches: List[str] = []
        tests: List[ast.expr] = []
        node: ast.stmt = stmt
        while True:
            assert isinstance(node, ast.If)
            truth = _truthy_constant(node.test)
            if truth is True:
                branches.append(self.block(node.body))
                return _combine(branches), None
            if truth is None:
                branches.append(self.block(node.body))
                tests.append(node.test)
            if len(node.orelse) == 1 and isinstance(node.orelse[0], ast.If):
                node = node.orelse[0]
                continue
            if node.orelse:
                branches.append(self.block(node.orelse))
                return _combine(branches), None
            break
        # No else: the implicit path falls through unless the conditions
        # (with earlier guards in the same block) cover every case.
        leaving = all(b != YES for b in branches)
        implicit = self._implicit_else(guards + tests) if leaving else YES
        return _combine(branches + [implicit]), (tests if leaving and all(b == NO for b in branches) else None)

    def _implicit_else(self, tests: List[ast.expr]) -> str:
        if not tests:
            return YES
        if complementary(tests):
            return NO
        if self.domains and covers_domain(tests, self.domains):
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
            # HEAD and OPTIONS are answered by Flask; GET-handling views get HEAD.
            if set(self.route_methods) - {"HEAD", "OPTIONS"} <= covered:
                return MAYBE
        return YES

    def _try(self, stmt: ast.stmt) -> str:
        finalbody: List[ast.stmt] = getattr(stmt, "finalbody", None) or []
        final = self.block(finalbody) if finalbody else YES
        if final == NO:
            return NO
        normal = self.block(stmt.body)  # type: ignore[attr-defined]
        if normal != NO and getattr(stmt, "orelse", None):
            after = self.block(stmt.orelse)  # type: ignore[attr-defined]
            normal = NO if after == NO else (MAYBE if MAYBE in (normal, after) else YES)
        handlers = [self.block(h.body) for h in getattr(stmt, "handlers", ())]
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
        return YES if YES in results else MAYBE


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
        local = self.by_qualname.get(self.model.qualname(call.func) or "")
        if local is not None:
            return self.passthrough_decorator(local, depth)  # depth: decorators may call each other in a cycle
        name = call_name(call)
        return True if name is not None and PASSTHROUGH_DECORATOR.match(name) else None

    def _passthrough_wrapper(self, wrapper: FunctionInfo, wrapped: str) -> bool:
        if wrapper.is_generator or not wrapper.returns:
            return False
        results: Set[str] = set()  # names bound to the wrapped function's result
        for node in self.model.walk_function(wrapper.node):
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                if self._calls_wrapped(node.value, wrapped):
                    results.add(node.targets[0].id)
        passed = False
        for ret in wrapper.returns:
            value = ret.value
            if self._calls_wrapped(value, wrapped) or (isinstance(value, ast.Name) and value.id in results):
                passed = True
                continue
            if value is not None and _mentions(value, {wrapped} | results):
                return False  # jsonify(f(...)), render_template(..., **f(...))
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
            name = call_name(inner)
            return name is not None and PASSTHROUGH_DECORATOR.match(name) is not None
        if self.model.qualname(value.func) == "flask.make_response" and len(value.args) == 1:
            return self._calls_wrapped(value.args[0], wrapped)
        return False


def _mentions(node: ast.AST, names: Set[str]) -> bool:
    return any(isinstance(n, ast.Name) and n.id in names for n in ast.walk(node))


@summary_extension(EXTENSION)
def summarise_responses(model: FlaskModel) -> Dict[str, Any]:
    facts = ModuleFacts(model)
    out: Dict[str, Any] = {}
    for info in model.functions.values():
        row: Dict[str, Any] = {}
        never, deps = facts.never_returns(info)
        if never:
            row["nr"] = sorted(deps)
        resp, resp_deps = facts.returns_response(info)
        if resp:
            row["resp"] = sorted(resp_deps)
        deco = facts.passthrough_decorator(info)
        if deco is not None:
            row["deco"] = deco
        if row:
            out[info.qualname] = row
    return out
