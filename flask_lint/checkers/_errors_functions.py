"""FLK2xx facts: what one function does with its error, from its AST
(:class:`FunctionFacts`): whether its returns carry a status, whether an
``Exception`` handler lets HTTP errors through, whether a view answers JSON."""

from __future__ import annotations

import ast
from typing import Any, Callable, Dict, List, Optional, Set, Tuple

from ..model import UNKNOWN, FlaskModel, FunctionInfo, FunctionNode, Value, call_arg, child_nodes
from ..names import RESPONSE_CLASSES, WERKZEUG_ERROR_CODES, werkzeug_exception_code
from ..source import RELEVANT_TEXT_RE
from ._errors_keys import HTTP_EXCEPTION, JSONIFY, NON_SUCCESS_CALLS, RENDER_FUNCTIONS, ROUTE_ATTRS

# --------------------------------------------------------------------------
# What one function does (from its AST)
# --------------------------------------------------------------------------

Verdict = Tuple[str, str]  # ("bare", what) / ("status", "") / ("unknown", "")
STATUS: Verdict = ("status", "")
UNSURE: Verdict = ("unknown", "")
HelperLookup = Callable[[ast.Call], Optional[str]]  # "bare" when a project helper returns bare bodies

_STR_WRAPPERS = frozenset({"str", "repr", "type", "len", "format", "isinstance", "print"})


def _formats_text(node: ast.AST) -> bool:
    """``"failed: %s" % e`` or ``"failed: {}".format(e)``: a string literal
    formatted with the error is text, like an f-string."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        return isinstance(node.left, ast.Constant) and isinstance(node.left.value, str)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        target = node.func.value
        return isinstance(target, ast.Constant) and isinstance(target.value, str)
    return False


class FunctionFacts:
    """Facts about one function's returns.  The body is walked (once) only
    when a question needs more than the returned expressions."""

    def __init__(self, model: FlaskModel, info: FunctionInfo) -> None:
        self.model = model
        self.info = info
        self.func = info.node
        self.param = error_param(info)
        self._walked = False
        self._assigned: Dict[str, List[ast.expr]] = {}
        self._status_set: Dict[str, List[ast.expr]] = {}
        self._rebound: Set[str] = set()
        self._mutated: Set[str] = set()  # names whose attributes are set or methods called
        self._raises = False

    @property
    def assigned(self) -> Dict[str, List[ast.expr]]:
        self._walk()
        return self._assigned

    @property
    def status_set(self) -> Dict[str, List[ast.expr]]:
        self._walk()
        return self._status_set

    @property
    def rebound(self) -> Set[str]:
        self._walk()
        return self._rebound

    @property
    def mutated(self) -> Set[str]:
        self._walk()
        return self._mutated

    @property
    def raises(self) -> bool:
        self._walk()
        return self._raises

    def _walk(self) -> None:
        """One pass over the body's statements (expressions are not entered:
        names bound inside them, by a walrus, are treated as unknown)."""
        if self._walked:
            return
        self._walked = True
        stack: List[ast.stmt] = list(self.info.node.body)
        while stack:
            node = stack.pop()
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                self._rebound.add(node.name)
                continue
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    self._bind(target, node.value)
            elif isinstance(node, ast.AnnAssign) and node.value is not None:
                self._bind(node.target, node.value)
            elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
                self._rebound.add(node.target.id)
            elif isinstance(node, (ast.For, ast.AsyncFor)):
                self._rebind(node.target)
            elif isinstance(node, (ast.With, ast.AsyncWith)):
                for item in node.items:
                    if item.optional_vars is not None:
                        self._rebind(item.optional_vars)
            elif isinstance(node, ast.Raise):
                self._raises = True
            elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
                func = node.value.func
                if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
                    self._mutated.add(func.value.id)  # response.set_data(...)
            for name in ("body", "orelse", "finalbody", "handlers", "cases"):
                inner = getattr(node, name, None)
                if inner:
                    stack.extend(inner)
            if isinstance(node, ast.ExceptHandler) and node.name:
                self._rebound.add(node.name)

    def _rebind(self, target: ast.AST) -> None:
        for name in ast.walk(target):
            if isinstance(name, ast.Name):
                self._rebound.add(name.id)

    def _bind(self, target: ast.AST, value: ast.expr) -> None:
        if isinstance(target, ast.Name):
            self._assigned.setdefault(target.id, []).append(value)
        elif isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name):
            if target.attr in ("status_code", "status"):
                self._status_set.setdefault(target.value.id, []).append(value)
            else:
                self._mutated.add(target.value.id)
        elif isinstance(target, ast.Subscript) and isinstance(target.value, ast.Attribute):
            if isinstance(target.value.value, ast.Name):
                self._mutated.add(target.value.value.id)  # resp.headers["X"] = ...
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                for name in ast.walk(element):
                    if isinstance(name, ast.Name):
                        self._rebound.add(name.id)

    def _values_of(self, name: str) -> Optional[List[ast.expr]]:
        """What a local name is assigned in this function (None if bound in
        some other way or not at all)."""
        if name in self.rebound or name not in self.assigned:
            return None
        return self.assigned[name]

    # ------------------------------------------------------ FLK204: status

    def response_status(self, expr: Optional[ast.expr], helper: Optional[HelperLookup] = None, _depth: int = 0) -> Verdict:
        """Whether a returned expression carries an error status."""
        if expr is None or _depth > 8:
            return UNSURE
        model = self.model
        if isinstance(expr, ast.Tuple):
            if len(expr.elts) == 2 and isinstance(expr.elts[1], (ast.Dict, ast.DictComp, ast.List)):
                return self.response_status(expr.elts[0], helper, _depth + 1)  # (body, headers)
            return STATUS if len(expr.elts) >= 2 else UNSURE
        if isinstance(expr, ast.Constant) and isinstance(expr.value, (str, bytes)):
            return ("bare", "a string")
        if isinstance(expr, ast.JoinedStr):
            return ("bare", "an f-string")
        if isinstance(expr, ast.BinOp) and isinstance(expr.op, (ast.Add, ast.Mod)) and (
            _is_str_literal(expr.left) or (isinstance(expr.op, ast.Add) and _is_str_literal(expr.right))
        ):
            return ("bare", "a string")
        if isinstance(expr, (ast.Dict, ast.DictComp)):
            return ("bare", "a dict")
        if isinstance(expr, (ast.List, ast.ListComp)):
            return ("bare", "a list")
        if isinstance(expr, ast.IfExp):
            for branch in (expr.body, expr.orelse):
                verdict = self.response_status(branch, helper, _depth + 1)
                if verdict[0] == "bare":
                    return verdict
            return UNSURE
        if isinstance(expr, ast.Name):
            if expr.id == self.param:
                return STATUS  # return e
            if expr.id in self.status_set:
                return STATUS
            values = self._values_of(expr.id)
            if not values:
                return UNSURE
            verdicts = [self.response_status(v, helper, _depth + 1) for v in values]
            if all(v[0] == "bare" for v in verdicts):
                return verdicts[0]
            return UNSURE
        if isinstance(expr, ast.Call):
            qual = model.call_qualname(expr)
            if qual in RENDER_FUNCTIONS:
                return ("bare", RENDER_FUNCTIONS[qual])
            if qual in JSONIFY:
                return ("bare", "jsonify(...)")
            if qual == "json.dumps":
                return ("bare", "a JSON string")
            if qual == "flask.make_response":
                if any(isinstance(a, ast.Starred) for a in expr.args) or expr.keywords:
                    return UNSURE
                if len(expr.args) >= 2:
                    return STATUS
                if not expr.args:
                    return ("bare", "make_response()")
                inner = self.response_status(expr.args[0], helper, _depth + 1)
                return ("bare", "make_response(...) of a bare body") if inner[0] == "bare" else inner
            if qual in RESPONSE_CLASSES or (isinstance(expr.func, ast.Attribute) and expr.func.attr == "response_class"):
                if any(isinstance(a, ast.Starred) for a in expr.args) or any(k.arg is None for k in expr.keywords):
                    return UNSURE
                if call_arg(expr, 1, "status") is not None:
                    return STATUS
                return ("bare", "Response(...)")
            if qual in NON_SUCCESS_CALLS:
                return STATUS
            if isinstance(expr.func, ast.Attribute) and expr.func.attr in ("get_response", "send_static_file"):
                return STATUS
            if helper is not None and helper(expr) == "bare":
                name = expr.func.attr if isinstance(expr.func, ast.Attribute) else getattr(expr.func, "id", "helper")
                return ("bare", f"{name}(...), a helper's bare body,")
        return UNSURE

    def bare_returns(self, helper: Optional[HelperLookup] = None) -> List[Tuple[ast.Return, str]]:
        out = []
        for ret in self.info.returns:
            if ret.value is None:
                continue
            verdict = self.response_status(ret.value, helper)
            if verdict[0] == "bare":
                out.append((ret, verdict[1]))
        return out

    def all_bare(self) -> bool:
        """Every return is a plain body without a status: a template, a
        string, a dict, ``jsonify(...)``.  Helpers that build a response
        object (``Response(html, mimetype=...)``) are generic senders, also
        used on purpose for 200 answers: they do not count."""
        values = [r.value for r in self.info.returns]
        if not values:
            return False
        # Returned names need the body walked: look at the others first.
        values.sort(key=lambda v: isinstance(v, ast.Name))
        for value in values:
            verdict = self.response_status(value) if value is not None else UNSURE
            if verdict[0] != "bare" or verdict[1].startswith(("Response", "make_response")):
                return False
        return True

    # ------------------------------------------- FLK207: HTTP errors through

    def http_passage(self) -> Optional[str]:
        """For an ``Exception`` handler: "fixed" when no return's status
        depends on the error (HTTP errors are swallowed), "raw" when HTTP
        errors are returned as they are (``return e``, ``e.get_response()``:
        Werkzeug's HTML page), None when unsure or passing them through."""
        if self.param is None or not self.info.returns:
            return None
        outcomes = {self._passes(r.value) for r in self.info.returns}
        if "pass" in outcomes or self.raises:
            return None
        return "fixed" if outcomes == {"fixed"} else "raw"

    def _passes(self, expr: Optional[ast.expr], _depth: int = 0) -> str:
        """"raw", "pass" (the status depends on the error) or "fixed"."""
        param = self.param
        if expr is None or param is None:
            return "fixed"
        if _depth > 8:
            return "pass"
        if isinstance(expr, ast.Name):
            if expr.id == param:
                return "raw"
            if any(self._refers(v) for v in self.status_set.get(expr.id, ())):
                return "pass"
            values = self._values_of(expr.id)
            if values is None:
                return "pass"  # bound elsewhere: unsure
            outcomes = {self._passes(v, _depth + 1) for v in values}
            if "pass" in outcomes or ("raw" in outcomes and expr.id in self.mutated):
                return "pass"  # e.get_response() with its body replaced
            return "raw" if "raw" in outcomes else "fixed"
        if isinstance(expr, ast.Tuple):
            if len(expr.elts) == 2 and isinstance(expr.elts[1], (ast.Dict, ast.DictComp, ast.List)):
                return self._passes(expr.elts[0], _depth + 1)
            return "pass" if any(self._refers(e) for e in expr.elts[1:]) else "fixed"
        if isinstance(expr, ast.IfExp):
            outcomes = {self._passes(expr.body, _depth + 1), self._passes(expr.orelse, _depth + 1)}
            if "pass" in outcomes:
                return "pass"
            return "raw" if "raw" in outcomes else "fixed"
        if isinstance(expr, ast.Call):
            func = expr.func
            if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == param:
                return "raw" if func.attr == "get_response" and not expr.args else "pass"
            qual = self.model.call_qualname(expr)
            if qual in JSONIFY or qual in RENDER_FUNCTIONS or qual == "json.dumps" or qual in NON_SUCCESS_CALLS:
                return "fixed"
            if qual == "flask.make_response":
                if len(expr.args) >= 2:
                    return "pass" if any(self._refers(a) for a in expr.args[1:]) else "fixed"
                return self._passes(expr.args[0], _depth + 1) if len(expr.args) == 1 and not expr.keywords else "pass"
            if qual in RESPONSE_CLASSES or (isinstance(func, ast.Attribute) and func.attr == "response_class"):
                status = call_arg(expr, 1, "status")
                return "pass" if status is not None and self._refers(status) else "fixed"
            return "pass" if self._refers(expr) else "fixed"
        return "pass" if self._refers(expr) else "fixed"

    def _refers(self, expr: ast.AST, _seen: Optional[Set[str]] = None) -> bool:
        """Whether ``expr`` uses the error other than as text (str(e), f"{e}"),
        directly or through local variables."""
        param = self.param
        seen = _seen if _seen is not None else set()
        stack: List[ast.AST] = [expr]
        while stack:
            node = stack.pop()
            if isinstance(node, ast.Name):
                if node.id == param or node.id in self.rebound:
                    return True
                if node.id not in seen and node.id in self.assigned:
                    seen.add(node.id)
                    stack.extend(self.assigned[node.id])
                    stack.extend(self.status_set.get(node.id, ()))
                continue
            if isinstance(node, ast.JoinedStr) or _formats_text(node):
                continue
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _STR_WRAPPERS:
                continue
            if isinstance(node, (ast.Lambda, ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            stack.extend(child_nodes(node))
        return False

    # ---------------------------------------------- FLK202: what a view answers

    def answers(self) -> Optional[str]:
        values = [r.value for r in self.info.returns if r.value is not None]
        kinds = {self._body_kind(v) for v in values if not isinstance(v, ast.Name)}
        if not kinds - {None}:  # only then resolve returned names (a walk of the body)
            kinds |= {self._body_kind(v) for v in values if isinstance(v, ast.Name)}
        for kind in ("html", "json", "text"):
            if kind in kinds:
                return kind
        return None

    def _body_kind(self, expr: Optional[ast.expr], _depth: int = 0) -> Optional[str]:
        if expr is None or _depth > 6:
            return None
        if isinstance(expr, ast.Tuple):
            return self._body_kind(expr.elts[0], _depth + 1) if expr.elts else None
        if isinstance(expr, (ast.Dict, ast.DictComp, ast.List, ast.ListComp)):
            return "json"
        if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
            return "html" if expr.value.lstrip().startswith("<") else "text"
        if isinstance(expr, ast.JoinedStr):
            first = expr.values[0] if expr.values else None
            literal = first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else ""
            return "html" if literal.lstrip().startswith("<") else "text"
        if isinstance(expr, ast.IfExp):
            kinds = {self._body_kind(expr.body, _depth + 1), self._body_kind(expr.orelse, _depth + 1)}
            for kind in ("html", "json", "text"):
                if kind in kinds:
                    return kind
            return None
        if isinstance(expr, ast.Name):
            values = self._values_of(expr.id)
            if values and len(values) == 1:
                return self._body_kind(values[0], _depth + 1)
            return None
        if isinstance(expr, ast.Call):
            qual = self.model.call_qualname(expr)
            if qual in JSONIFY:
                return "json"
            if qual in RENDER_FUNCTIONS:
                return "html"
            if qual == "flask.make_response" and expr.args:
                return self._body_kind(expr.args[0], _depth + 1)
            if qual in RESPONSE_CLASSES:
                for keyword in ("mimetype", "content_type"):
                    value = call_arg(expr, 99, keyword)
                    if isinstance(value, ast.Constant) and isinstance(value.value, str):
                        return "json" if "json" in value.value else None
                first = call_arg(expr, 0, "response")
                if isinstance(first, ast.Call) and self.model.call_qualname(first) == "json.dumps":
                    return "json"
        return None


def _is_str_literal(node: ast.AST) -> bool:
    return (isinstance(node, ast.Constant) and isinstance(node.value, str)) or isinstance(node, ast.JoinedStr)


def error_param(info: FunctionInfo) -> Optional[str]:
    """The parameter that receives the error (None if there is none)."""
    args = info.node.args
    positional = [a.arg for a in args.posonlyargs + args.args]
    if info.class_node is not None and not _has_decorator(info.node, "staticmethod"):
        positional = positional[1:]
    if positional:
        return positional[0]
    return args.vararg.arg if args.vararg is not None else None


def _has_decorator(func: FunctionNode, name: str) -> bool:
    return any(isinstance(d, ast.Name) and d.id == name for d in func.decorator_list)


def visible_to_index(model: FlaskModel) -> bool:
    """True when the index surely holds this module's full summary (it
    imports Flask, or a name in it matches the index's relevance filter),
    so other files may rely on its facts whichever file is linted."""
    if _imports_flask(model):
        return True
    scopes = [model.module_scope] + [info.scope for info in model.functions.values()]
    scopes += [scope for _node, scope in model.classes.values()]
    for scope in scopes:
        for name in scope.bindings:
            if RELEVANT_TEXT_RE.search(name):  # names are in the text as they are
                return True
    for call, _scope, _loop in model.calls:
        if isinstance(call.func, ast.Attribute) and RELEVANT_TEXT_RE.search("." + call.func.attr):
            return True
    return False


def _imports_flask(model: FlaskModel) -> bool:
    own_root = model.module.split(".", 1)[0]
    scopes = [model.module_scope] + [info.scope for info in model.functions.values()]
    for scope in scopes:
        for bindings in scope.bindings.values():
            for binding in bindings:
                if binding.kind == "import" and binding.qualname:
                    root = binding.qualname.split(".", 1)[0]
                    if root in ("flask", "werkzeug", "apiflask"):
                        return True
                    # flask_sqlalchemy... but not the project's own package
                    # (a relative import's text need not say "flask").
                    if root.startswith("flask_") and root != own_root:
                        return True
    return False


_CATCH_ALL_NAMES = frozenset({"Exception", "BaseException"})


def _catches_all(handler: ast.ExceptHandler) -> bool:
    kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any(k is None or (isinstance(k, ast.Name) and k.id in _CATCH_ALL_NAMES) for k in kinds)


def _raises_within(body: List[ast.stmt]) -> bool:
    stack: List[ast.AST] = list(body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Raise):
            return True
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            stack.extend(child_nodes(node))
    return False


_REGISTERING_ATTRS = ROUTE_ATTRS | {"errorhandler", "app_errorhandler"}


def cannot_raise(model: FlaskModel, func: FunctionNode, param: Optional[str] = None) -> Any:
    """Whether no exception other than an HTTPException (which Flask answers
    with its own status) can leave the function: its body is a few
    request-parsing assignments (``data = request.get_json()``: they can only
    raise 400/415) followed by one ``try`` with an ``except Exception`` (or
    bare) clause, every clause ending in a ``return`` and none raising, by a
    ``return`` of a literal answer (``return jsonify(status="ok")``,
    ``return "ok"``) or by ``abort(404)``.  An app made only of such views
    never shows Werkzeug's 500 page.

    The summary keeps ``False`` or ``[kind, decorator values...]``: ``kind``
    is ``"all"``, or ``"http"`` when the answer reads ``param.code``,
    ``.description`` or ``.name`` (safe for an HTTPException only: an error
    handler registered for HTTP errors); the values are the decorators
    (other than route ones) that wrap it, which must be pure pass-throughs
    (:func:`pure_decorator`, checked by the project)."""
    decorators: List[Value] = []
    for decorator in func.decorator_list:
        call = decorator.func if isinstance(decorator, ast.Call) else decorator
        if isinstance(call, ast.Attribute) and call.attr in _REGISTERING_ATTRS:
            continue  # Flask keeps the function itself
        if isinstance(decorator, ast.Call):
            return False
        value = model.value(decorator)
        if value == UNKNOWN:
            return False
        decorators.append(value)
    if guarded_body(model, func.body) or _sets_headers_only(model, func):
        return ["all"] + decorators
    if param is not None and guarded_body(model, func.body, param):
        return ["http"] + decorators
    return False


# What an after-request function may read to fill a header without raising.
_SAFE_REQUEST_READS = frozenset(
    {"flask.request.environ.get", "flask.request.headers.get", "flask.request.args.get", "flask.request.cookies.get"}
)
_SAFE_REQUEST_ATTRS = frozenset(
    {"flask.request.method", "flask.request.path", "flask.request.url", "flask.request.host", "flask.request.scheme",
     "flask.request.remote_addr", "flask.request.origin", "flask.request.endpoint"}
)
_HEADER_METHODS = frozenset({"set", "add", "setdefault"})


def _sets_headers_only(model: FlaskModel, func: FunctionNode) -> bool:
    """``def f(response)``: sets headers of its response from literals and
    request fields, maybe under a test of those, and returns it (the
    after-request functions that add CORS or cache headers)."""
    args = func.args
    if args.posonlyargs or args.vararg or args.kwonlyargs or args.kwarg or len(args.args) != 1:
        return False
    param = args.args[0].arg
    body = _without_docstring(func.body)
    last = body[-1] if body else None
    if not (isinstance(last, ast.Return) and isinstance(last.value, ast.Name) and last.value.id == param):
        return False
    return _header_statements(model, body[:-1], param)


def _header_statements(model: FlaskModel, body: List[ast.stmt], param: str) -> bool:
    for stmt in body:
        if isinstance(stmt, ast.If):
            if not (_safe_read(model, stmt.test) and _header_statements(model, stmt.body, param)):
                return False
            if not _header_statements(model, stmt.orelse, param):
                return False
        elif isinstance(stmt, ast.Assign):
            target = stmt.targets[0]
            if not (
                len(stmt.targets) == 1
                and isinstance(target, ast.Subscript)
                and _is_headers_of(target.value, param)
                and isinstance(target.slice, ast.Constant)
                and _safe_read(model, stmt.value)
            ):
                return False
        elif isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
            call = stmt.value
            if not (
                isinstance(call.func, ast.Attribute)
                and call.func.attr in _HEADER_METHODS
                and _is_headers_of(call.func.value, param)
                and not call.keywords
                and all(_safe_read(model, arg) for arg in call.args)
            ):
                return False
        else:
            return False
    return True


def _is_headers_of(node: ast.expr, param: str) -> bool:
    if not (isinstance(node, ast.Attribute) and node.attr == "headers"):
        return False
    return isinstance(node.value, ast.Name) and node.value.id == param


def _safe_read(model: FlaskModel, expr: ast.expr) -> bool:
    """Literals, request fields and ``.get()`` lookups, and tests of them."""
    if isinstance(expr, ast.Constant):
        return True
    if isinstance(expr, ast.JoinedStr):
        return all(_safe_read(model, value) for value in expr.values)
    if isinstance(expr, ast.FormattedValue):
        return expr.format_spec is None and _safe_read(model, expr.value)
    if isinstance(expr, (ast.Tuple, ast.List, ast.Set)):
        return all(_safe_read(model, item) for item in expr.elts)
    if isinstance(expr, ast.BoolOp):
        return all(_safe_read(model, value) for value in expr.values)
    if isinstance(expr, ast.UnaryOp) and isinstance(expr.op, ast.Not):
        return _safe_read(model, expr.operand)
    if isinstance(expr, ast.Compare):
        return all(isinstance(op, (ast.Eq, ast.NotEq, ast.Is, ast.IsNot, ast.In, ast.NotIn)) for op in expr.ops) and all(
            _safe_read(model, item) for item in [expr.left, *expr.comparators]
        )
    if isinstance(expr, ast.Attribute):
        return model.qualname(expr) in _SAFE_REQUEST_ATTRS or _is_enum_value(expr)
    if isinstance(expr, ast.Call):
        return (
            model.call_qualname(expr) in _SAFE_REQUEST_READS
            and not expr.keywords
            and all(isinstance(arg, ast.Constant) for arg in expr.args)
        )
    return False


def _is_enum_value(expr: ast.Attribute) -> bool:
    """``HTTPMethod.GET.value``: a member's value (an enum of constants)."""
    return expr.attr == "value" and isinstance(expr.value, ast.Attribute) and isinstance(expr.value.value, ast.Name)


def pure_decorator(model: FlaskModel, func: FunctionNode) -> bool:
    """``def deco(view): return view``, or a ``functools.wraps`` wrapper
    whose whole body is ``return view(*args, **kwargs)`` (``await``-ed for a
    coroutine): it adds nothing that can raise."""
    args = func.args
    if func.decorator_list or len(args.args) != 1 or args.posonlyargs or args.kwonlyargs or args.vararg or args.kwarg:
        return False
    param = args.args[0].arg
    body = _without_docstring(func.body)
    if len(body) == 1:
        return isinstance(body[0], ast.Return) and isinstance(body[0].value, ast.Name) and body[0].value.id == param
    if len(body) != 2 or not isinstance(body[0], (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    inner, last = body[0], body[1]
    if not (isinstance(last, ast.Return) and isinstance(last.value, ast.Name) and last.value.id == inner.name):
        return False
    for decorator in inner.decorator_list:
        if not (
            isinstance(decorator, ast.Call)
            and model.qualname(decorator.func) == "functools.wraps"
            and len(decorator.args) == 1
            and isinstance(decorator.args[0], ast.Name)
            and decorator.args[0].id == param
        ):
            return False
    inner_args = inner.args
    if inner_args.args or inner_args.posonlyargs or inner_args.kwonlyargs or not inner_args.vararg or not inner_args.kwarg:
        return False
    inner_body = _without_docstring(inner.body)
    if len(inner_body) != 1 or not isinstance(inner_body[0], ast.Return):
        return False
    call = inner_body[0].value
    if isinstance(call, ast.Await) and isinstance(inner, ast.AsyncFunctionDef):
        call = call.value
    return (
        isinstance(call, ast.Call)
        and isinstance(call.func, ast.Name)
        and call.func.id == param
        and len(call.args) == 1
        and isinstance(call.args[0], ast.Starred)
        and isinstance(call.args[0].value, ast.Name)
        and call.args[0].value.id == inner_args.vararg.arg
        and len(call.keywords) == 1
        and call.keywords[0].arg is None
        and isinstance(call.keywords[0].value, ast.Name)
        and call.keywords[0].value.id == inner_args.kwarg.arg
    )


def _without_docstring(body: List[ast.stmt]) -> List[ast.stmt]:
    if body and isinstance(body[0], ast.Expr) and _is_str_literal(body[0].value):
        return body[1:]
    return body


def guarded_body(model: FlaskModel, body: List[ast.stmt], param: Optional[str] = None) -> bool:
    body = _without_docstring(body)
    while body and _parsing_only(model, body[0]):
        body = body[1:]
    if len(body) != 1:
        return False
    stmt = body[0]
    if isinstance(stmt, ast.Return):
        return stmt.value is not None and _literal_answer(model, stmt.value, param)
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):  # abort(404)
        call = stmt.value
        return (
            model.call_qualname(call) == "flask.abort"
            and not call.keywords
            and len(call.args) in (1, 2)
            and all(isinstance(a, ast.Constant) for a in call.args)
            and call.args[0].value in WERKZEUG_ERROR_CODES  # type: ignore[attr-defined]
        )
    if not isinstance(stmt, ast.Try):
        return False
    if stmt.orelse or stmt.finalbody or not any(_catches_all(h) for h in stmt.handlers):
        return False
    clauses = [stmt.body] + [h.body for h in stmt.handlers]
    return all(c and isinstance(c[-1], ast.Return) for c in clauses) and not any(
        _raises_within(h.body) for h in stmt.handlers
    )


def guarded_dispatch(model: FlaskModel, body: List[ast.stmt]) -> bool:
    """A ``dispatch_request`` that answers every crash of the view it runs:
    after set-up that only calls the class's own methods (``headers =
    self.get_headers()``), one ``try`` whose body returns, with a catch-all
    handler, every handler returning on all its paths or re-raising an
    HTTPException (which Flask answers with its own status, not a crash)."""
    if guarded_body(model, body):
        return True
    body = _without_docstring(body)
    while body and (_parsing_only(model, body[0]) or _own_setup(body[0])):
        body = body[1:]
    if len(body) != 1 or not isinstance(body[0], ast.Try):
        return False
    stmt = body[0]
    if stmt.orelse or stmt.finalbody or not _always_returns(stmt.body):
        return False
    for handler in stmt.handlers:
        if _reraises_http_error(model, handler):
            continue
        if _raises_within(handler.body) or not _always_returns(handler.body):
            return False
        if _catches_all(handler):
            return True
    return False


_SETUP_NODES = (ast.Name, ast.Attribute, ast.Constant, ast.BoolOp, ast.IfExp, ast.expr_context, ast.boolop, ast.keyword)


def _own_setup(stmt: ast.stmt) -> bool:
    """``name = ...`` built from constants, names and calls of ``self``'s
    own methods: the class's hooks, not the work that may crash."""
    if not isinstance(stmt, ast.Assign) or not all(isinstance(t, ast.Name) for t in stmt.targets):
        return False
    for node in ast.walk(stmt.value):
        if isinstance(node, ast.Call):
            func = node.func
            if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "self"):
                return False
        elif not isinstance(node, _SETUP_NODES):
            return False
    return True


def _always_returns(body: List[ast.stmt]) -> bool:
    if not body:
        return False
    last = body[-1]
    if isinstance(last, ast.Return):
        return last.value is not None
    if isinstance(last, ast.If):
        return _always_returns(last.body) and _always_returns(last.orelse)
    return False


def _reraises_http_error(model: FlaskModel, handler: ast.ExceptHandler) -> bool:
    """``except HTTPException: raise``: Flask answers those with their status."""
    if len(handler.body) != 1 or not isinstance(handler.body[0], ast.Raise) or handler.body[0].exc is not None:
        return False
    kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return all(
        kind is not None
        and (model.qualname(kind) == HTTP_EXCEPTION or werkzeug_exception_code(model.qualname(kind) or "") is not None)
        for kind in kinds
    )


_LITERAL_RESPONSE_CALLS = frozenset({"flask.jsonify", "flask.json.jsonify", "flask.make_response"}) | RESPONSE_CLASSES
_REQUEST_DATA = frozenset(
    {"flask.request.args", "flask.request.form", "flask.request.files", "flask.request.values", "flask.request.headers",
     "flask.request.cookies"}
)
_SAFE_TYPES = frozenset({"builtins.int", "builtins.float", "builtins.str"})


_HTTP_ERROR_ATTRS = frozenset({"code", "description", "name"})


def _literal_answer(model: FlaskModel, expr: ast.expr, param: Optional[str] = None, _depth: int = 0) -> bool:
    """An answer built from literals only (and, with ``param``, the HTTP
    error's own ``code``/``description``/``name``): nothing in it can raise."""
    if _depth > 6:
        return False
    if isinstance(expr, ast.Constant):
        return True
    if isinstance(expr, ast.Attribute) and param is not None:
        return isinstance(expr.value, ast.Name) and expr.value.id == param and expr.attr in _HTTP_ERROR_ATTRS
    if isinstance(expr, (ast.Tuple, ast.List, ast.Set)):
        return all(_literal_answer(model, e, param, _depth + 1) for e in expr.elts)
    if isinstance(expr, ast.Dict):
        return all(k is not None and _literal_answer(model, k, param, _depth + 1) for k in expr.keys) and all(
            _literal_answer(model, v, param, _depth + 1) for v in expr.values
        )
    if isinstance(expr, ast.Call) and model.call_qualname(expr) in _LITERAL_RESPONSE_CALLS:
        return all(
            not isinstance(a, ast.Starred) and _literal_answer(model, a, param, _depth + 1) for a in expr.args
        ) and all(k.arg is not None and _literal_answer(model, k.value, param, _depth + 1) for k in expr.keywords)
    return False


def _parsing_only(model: FlaskModel, stmt: ast.stmt) -> bool:
    """``name = <request parsing>`` whose only failures are HTTPExceptions:
    ``request.get_json()`` (400/415), ``request.json``, ``request.form["k"]``
    (400), ``request.args.get("k", type=int)`` (the default on a bad value)."""
    if not isinstance(stmt, ast.Assign) or not all(isinstance(t, ast.Name) for t in stmt.targets):
        return False
    value = stmt.value
    if isinstance(value, ast.Subscript):
        return model.qualname(value.value) in _REQUEST_DATA and isinstance(value.slice, ast.Constant)
    if isinstance(value, ast.Attribute):
        return model.qualname(value) in ("flask.request.json", "flask.request.data")
    if not isinstance(value, ast.Call) or any(isinstance(a, ast.Starred) for a in value.args):
        return False
    qual = model.call_qualname(value)
    if qual in ("flask.request.get_json", "flask.request.get_data"):
        return all(isinstance(a, ast.Constant) for a in value.args) and all(
            isinstance(k.value, ast.Constant) for k in value.keywords
        )
    if qual is None or qual.rpartition(".")[0] not in _REQUEST_DATA or qual.rpartition(".")[2] not in ("get", "getlist"):
        return False
    if not all(isinstance(a, ast.Constant) for a in value.args):
        return False
    for keyword in value.keywords:
        if keyword.arg == "type":
            if model.qualname(keyword.value) not in _SAFE_TYPES:
                return False
        elif not isinstance(keyword.value, ast.Constant):
            return False
    return True


def fixed_status(facts: FunctionFacts) -> str:
    found: Set[str] = set()
    for ret in facts.info.returns:
        value = ret.value
        if isinstance(value, ast.Tuple) and len(value.elts) >= 2 and isinstance(value.elts[1], ast.Constant):
            found.add(str(value.elts[1].value))
        elif value is not None and facts.response_status(value)[0] == "bare":
            found.add("200")
        else:
            return "a fixed status"
    return found.pop() if len(found) == 1 else "a fixed status"
