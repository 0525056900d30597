"""FLK2xx: error handlers.

Three layers:

- what one function does with its error (:class:`FunctionFacts`): whether its
  returns carry a status, whether an ``Exception`` handler lets HTTP errors
  through, whether a view answers JSON.  Computed from the AST of the file
  being linted, and stored for other files by the ``errors`` summary
  extension;
- what a handler key means (:func:`key_atoms`): ``404``, ``NotFound``,
  ``Exception``, a loop over ``default_exceptions``...;
- what a whole app has (:class:`ProjectErrors`, computed once per index):
  every handler that reaches it (directly, through functions it is passed
  to, through blueprints registered on it), its views, and whether the index
  can see enough to be sure (``uncertain``) or an extension answers errors
  for it (``handled``).  FLK201, FLK202 and FLK207 stay silent unless the
  index is sure.
"""

from __future__ import annotations

import ast
from typing import Any, Dict, FrozenSet, List, Optional, Set, Tuple

from .. import fixes
from ..engine import FileContext
from ..index import NOTHING, Obj
from ..model import UNKNOWN, FlaskModel, FunctionInfo, FunctionNode, HandlerReg, Value, View, call_arg
from ..names import RESPONSE_CLASSES
from ..registry import Family, rule
from ..routing_facts import ends_in_catch_all
from ..source import is_test_module
from ..versions import non_json_statuses
from ._errors_catchall import catch_all_facts, page_answer
from ._errors_functions import FunctionFacts, HelperLookup, fixed_status
from ._errors_keys import (
    ALL_HTTP,
    CLIENT_ERROR_CODES,
    EXC_ATOM,
    HANDLER_METHODS,
    HTTP_ATOM,
    HTTP_COVER_ATOMS,
    NO_ARG_HOOKS,
    ONE_ARG_HOOKS,
    SERVER_ERROR_ATOMS,
    Atom,
    describe_atom,
    flatten,
)
from ._errors_payload import payload_validated
from ._errors_project import ProjectErrors, ScopeErrors, project_errors
from ._errors_summary import ERRORS_FACTS
from ._errors_swallow import (
    ClassOf,
    GuardDecorator,
    Raiser,
    codes_text,
    describe_catch,
    except_span,
    guard_decorator,
    guard_swallows,
    swallowed,
)
from ._responses_functions import project_facts

MISSING_SERVER_ERROR_HANDLER = rule(
    "FLK201",
    "missing-server-error-handler",
    "no handler anywhere in the project catches unhandled exceptions for the app created here{partly}, so a crash "
    "is answered with Werkzeug's bare HTML 500 page; register @{app}.errorhandler(500) "
    "(or an HTTPException/Exception handler) in the factory or an init_app(app) function",
    summary="an app with no 500 / InternalServerError / HTTPException / Exception handler anywhere in the project",
)
JSON_API_HTML_ERRORS = rule(
    "FLK202",
    "json-api-html-errors",
    "{problem}; {fix}",
    summary="a JSON app whose HTTP errors (400, 404, 405...) are still Werkzeug's HTML pages, or whose "
    "unknown API URLs a catch-all route answers with a page and 200",
)
INVALID_ERRORHANDLER_KEY = rule(
    "FLK203",
    "invalid-errorhandler-key",
    "{method}({key}): {problem}; {fix}",
    severity="E",
    summary="errorhandler key that Flask rejects (200, '404', NotFound(), a non-Exception class) or, "
    "before Flask 1.0, never matches (HTTPException)",
)
ERRORHANDLER_SUCCESS_STATUS = rule(
    "FLK204",
    "errorhandler-success-status",
    "error handler {name} answers with {what} and no status, so the error is served as 200 OK; "
    "return ({body}, {status}) or set the response's status_code",
    summary="an error handler returning a bare body (template, str, dict, jsonify) served as 200",
)
ERRORHANDLER_SIGNATURE = rule(
    "FLK205",
    "errorhandler-signature",
    "{kind} {name} {problem}, so Flask's call raises TypeError {when}; {fix}",
    severity="E",
    summary="an error handler that cannot take the error, or a request hook with the wrong arity",
)
BLUEPRINT_ROUTING_ERRORHANDLER = rule(
    "FLK206",
    "blueprint-routing-errorhandler",
    "{bp}.{method}({key}) never runs for an unknown URL or a wrong method under the blueprint (routing fails "
    "before a blueprint is chosen), only for abort({code}) in its own views; "
    "use {bp}.app_errorhandler({key}) or an app-level handler",
    summary="a blueprint errorhandler for 404/405, which routing errors never reach",
)
CATCH_ALL_SWALLOWS_HTTP_ERRORS = rule(
    "FLK207",
    "catch-all-swallows-http-errors",
    "errorhandler(Exception) handler {name} also receives every HTTPException and answers it with "
    "{status}, so clients get {status} instead of 404, 405, 401...; "
    "start it with `if isinstance(e, HTTPException): return e` or register an errorhandler(HTTPException)",
    summary="an errorhandler(Exception) that turns 404/405/... into 500 (or 200)",
)
DUPLICATE_ERRORHANDLER = rule(
    "FLK208",
    "duplicate-errorhandler",
    "this handler for {key} on {scope} is replaced by the one registered later for the same key ({where}), "
    "so {name} never runs; remove one of the two registrations",
    summary="the same error handler key registered twice on one app or blueprint",
)
VIEW_CATCH_ALL_SWALLOWS_HTTP_ERRORS = rule(
    "FLK209",
    "view-catch-all-swallows-http-errors",
    "{caught} in {name} also catches the {code} that {raiser} raises on line {line} and answers {status}, "
    "so the client gets {status} instead of {code}; put `except HTTPException: raise` before it, "
    "or catch only the exceptions you expect",
    summary="a view's except Exception / bare except that turns abort(404), get_or_404 or get_json's 415 "
    "into another status",
)


# --------------------------------------------------------------------------
# The checks
# --------------------------------------------------------------------------


def check(ctx: FileContext) -> None:
    project = project_errors(ctx.index)
    _check_whole_apps(ctx, project)
    _check_api_catch_alls(ctx)
    regs = [reg for reg in ctx.model.handlers if _is_flask_scope(ctx, project, reg.target, ctx.model.module)]
    _check_keys(ctx, project, regs)
    _check_handler_bodies(ctx, project)
    _check_signatures(ctx, project)
    _check_blueprint_routing(ctx, project, regs)
    _check_catch_all(ctx, project, regs)
    _check_duplicates(ctx, project, regs)
    _check_view_catch_alls(ctx, project)


# What the index resolves and is surely neither an app nor a blueprint: a
# class (``Plugin.errorhandler(404)(f)``, a project's own marker decorator;
# Flask's methods are not registrations when called on a class), a module or
# a function.
_NOT_SCOPE_KINDS = frozenset({"class", "module", "function"})


def _scope_objects(ctx: FileContext, project: ProjectErrors, target: Value) -> Tuple[List[Obj], bool]:
    """The apps/blueprints a registration target stands for, and whether
    some of it is unknown."""
    objs: List[Obj] = []
    unknown = False
    found = ctx.evaluate(target)
    for obj in flatten(found):
        if obj[0] in _NOT_SCOPE_KINDS:
            continue
        if obj[0] == "param":
            sources, missing = project.param_sources(obj[1], obj[2])
            objs.extend(o for o in sources if o[0] != "seq")
            unknown = unknown or missing
        elif obj == NOTHING or obj[0] not in ("app", "blueprint", "api", "namespace"):
            unknown = True
        else:
            objs.append(obj)
    return objs, unknown


def _is_flask_scope(ctx: FileContext, project: ProjectErrors, target: Value, module: str) -> bool:
    """A Flask app or blueprint (not a Flask-RESTX/RESTful Api, whose
    errorhandler works differently)."""
    objs, unknown = _scope_objects(ctx, project, target)
    kinds = {o[0] for o in objs}
    if kinds & {"api", "namespace"}:
        return False
    if kinds:
        return True
    return unknown and module in project.ext


def _source(node: Optional[ast.AST], default: str = "?", limit: int = 60) -> str:
    if node is None:
        return default
    try:
        text = ast.unparse(node)
    except Exception:  # pragma: no cover - unparse handles every parsed tree
        return default
    return text if len(text) <= limit else default


def _bound_name(ctx: FileContext, call: ast.AST) -> str:
    scopes = [ctx.model.module_scope] + [info.scope for info in ctx.model.functions.values()]
    for scope in scopes:
        for name, bindings in scope.bindings.items():
            for binding in bindings:
                if binding.kind == "assign" and binding.node is call:
                    return name
    for info in ctx.model.functions.values():  # ``self.app = Flask(...)``: an app owned by an object
        for node in ctx.model.walk_function(info.node):
            if isinstance(node, ast.Assign) and node.value is call and isinstance(node.targets[0], ast.Attribute):
                return ast.unparse(node.targets[0])
    return "app"


# ----------------------------------------------------------- FLK201, FLK202


def _check_whole_apps(ctx: FileContext, project: ProjectErrors) -> None:
    module = ctx.model.module
    mine = {key for key, owner, _line in ctx.index.objects("app") if owner == module}
    if not mine or is_test_module(module) or ctx.is_test_file:
        return
    orphans = project.orphan_atoms()
    for creation in ctx.model.creations:
        if creation.key not in mine:
            continue
        app = project.app(creation.key)
        if app.uncertain or app.handled or not app.views or project.never_serves(creation.key):
            continue
        name = _bound_name(ctx, creation.node)
        # (crash_paths == 0: every view catches its own exceptions, and no
        # hook can raise into Flask: nothing reaches Werkzeug's 500 page.)
        if (
            not app.has(SERVER_ERROR_ATOMS)
            and not orphans & SERVER_ERROR_ATOMS
            and app.crash_paths
            and not _single_page_app(app)
            and not project.propagates(creation.key)  # crashes go to the server, not to a 500 handler
        ):
            partly = ""
            if app.covered_blueprints:
                count = len(app.covered_blueprints)
                partly = f" beyond the {count} blueprint{'s' if count > 1 else ''} with {'their' if count > 1 else 'its'} own"
            ctx.report(MISSING_SERVER_ERROR_HANDLER, creation.node, app=name, partly=partly)
        _check_json_errors(ctx, project, app, creation.node, name, orphans)


def _single_page_app(app: ScopeErrors) -> bool:
    """One view, no blueprint, no error handler at all, not answering JSON:
    a hello-world or a one-endpoint receiver, for which a custom 500 page is
    rarely worth it (on real applications such findings were all judged
    low-value).  An app with a 404 page of its own but none for 500 is the
    very gap this rule is for."""
    return (
        len(app.views) == 1
        and not app.blueprints
        and not app.app_atoms
        and next(iter(app.views.values())) != "json"
    )


_JSON_RELEVANT_ORPHANS = HTTP_COVER_ATOMS | {EXC_ATOM} | {("code", c) for c in CLIENT_ERROR_CODES}


def _check_json_errors(
    ctx: FileContext, project: ProjectErrors, app: ScopeErrors, node: ast.AST, name: str, orphans: FrozenSet[Atom]
) -> None:
    answers = list(app.views.values())
    json_views = answers.count("json")
    other_views = answers.count("html") + answers.count("text")
    if json_views < 2 or json_views < 2 * other_views:
        return  # not a JSON app, or one that also serves pages
    # Only app-wide handlers: routing errors (an unknown URL, a wrong method)
    # never reach a blueprint's own handlers.
    if app.has(HTTP_COVER_ATOMS) or orphans & _JSON_RELEVANT_ORPHANS:
        return
    codes = app.codes(app_wide_only=True)
    missing = [code for code in CLIENT_ERROR_CODES if code not in codes]
    if not missing:
        return
    if any(project.http_passage(func) != "raw" for func in app.wide_exception_handlers):
        return  # an Exception handler answers HTTP errors (as JSON or otherwise)
    ctx.report(
        JSON_API_HTML_ERRORS,
        node,
        problem=f"the app created here answers JSON ({json_views} of {json_views + other_views} views) but no "
        f"handler turns HTTP errors into JSON, so clients get HTML error pages for {', '.join(map(str, missing))}",
        fix=f"register @{name}.errorhandler(HTTPException) returning jsonify(...), e.code",
    )


def _check_api_catch_alls(ctx: FileContext) -> None:
    """A catch-all route above the JSON API's prefix answers the API's
    unknown URLs with a page (see _errors_catchall)."""
    found = catch_all_facts(ctx.index).by_module.get(ctx.model.module)
    if not found or ctx.is_test_file:
        return
    infos = {info.qualname: info for info in ctx.model.functions.values()}
    for catch_all in found:
        if catch_all.position >= len(ctx.model.routes):
            continue
        route = ctx.model.routes[catch_all.position]
        info = infos.get(catch_all.view)
        if info is None or not isinstance(info.node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        if ctx.model.unbound_method(info):
            continue
        answer = page_answer(ctx.model, info, catch_all)
        if answer is None:
            continue
        what = _source(answer, "a page", 50)
        ctx.report(
            JSON_API_HTML_ERRORS,
            route.node,
            problem=f"unknown URLs under {catch_all.prefix}/ (the app's JSON API) reach this catch-all route, "
            f"and {info.node.name}() answers them with {what} and 200 instead of a JSON 404",
            fix=f"test the path for {catch_all.path_value!r} first and abort(404), or give the API its own "
            f"catch-all ({catch_all.prefix}/<path:rest> aborting 404)",
        )


# ------------------------------------------------------------------ FLK203

_BAD_KEY_TEXT = {
    "int": ("it is not an HTTP error code Werkzeug has an exception for", "ValueError"),
    "const": ("it is not an int code or an exception class", "TypeError"),
    "instance": ("it is an exception instance, not a class", "TypeError"),
    "class": ("it is not a subclass of Exception", "ValueError"),
}


def _expected_failures(model: FlaskModel) -> List[Tuple[int, int]]:
    """Line ranges of ``with pytest.raises(...)`` / ``self.assertRaises(...)``
    blocks: code there is meant to fail."""
    ranges: List[Tuple[int, int]] = []
    stack: List[ast.stmt] = list(model.tree.body)
    while stack:
        stmt = stack.pop()
        if isinstance(stmt, (ast.With, ast.AsyncWith)):
            for item in stmt.items:
                call = item.context_expr
                func = call.func if isinstance(call, ast.Call) else None
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if name in ("raises", "assertRaises", "assertRaisesRegex"):
                    ranges.append((stmt.lineno, getattr(stmt, "end_lineno", stmt.lineno) or stmt.lineno))
        for field_name in ("body", "orelse", "finalbody", "handlers"):
            stack.extend(getattr(stmt, field_name, None) or ())
    return ranges


def _check_keys(ctx: FileContext, project: ProjectErrors, regs: List[HandlerReg]) -> None:
    expected: Optional[List[Tuple[int, int]]] = None
    for reg in regs:
        for value in _key_values(reg.key):
            atoms = project.atoms(value)
            if not atoms or any(a[0] != "bad" for a in atoms):
                continue
            kind = value[0] if value[0] in ("int", "const", "instance") else "class"
            if kind == "const" and value[1] in ("True", "False"):
                kind = "int"  # a bool is an int to Flask
            problem, exc = _BAD_KEY_TEXT[kind]
            if expected is None:
                expected = _expected_failures(ctx.model)
            line = getattr(reg.node, "lineno", 0)
            if any(start <= line <= end for start, end in expected):
                break  # inside pytest.raises: failing is the point
            if reg.method == "app_errorhandler":
                when = "when the blueprint is registered (app.register_blueprint), not at import"
            else:
                when = "when this line runs (at import)"
            key_text = str(next(iter(atoms))[1]) if reg.key[0] == "seq" else _source(reg.key_node, str(next(iter(atoms))[1]))
            ctx.report(
                INVALID_ERRORHANDLER_KEY,
                reg.node,
                method=_registration_call(reg),
                key=key_text,
                problem=f"{problem}, so it raises {exc} {when}",
                fix=_KEY_FIX,
            )
    _check_old_flask_http_keys(ctx, project, regs)


_KEY_FIX = "register an HTTP error code Werkzeug knows (400-505, e.g. 404) or an Exception subclass"
# The release from which a handler for an exception class is found along the
# raised error's MRO whatever its code (pallets/flask#2314).
MRO_LOOKUP_SINCE = (1, 0)


def _check_old_flask_http_keys(ctx: FileContext, project: ProjectErrors, regs: List[HandlerReg]) -> None:
    """Before Flask 1.0 a handler for an HTTP error is looked up under the
    error's status code only (0.11/0.12 ``_find_error_handler``; 0.10
    ``handle_http_exception``), and ``HTTPException`` is filed under code
    None: it never runs for a 404, 500 or any HTTP error with a code."""
    version = ctx.flask_version
    if not version.always_below(MRO_LOOKUP_SINCE):
        return
    where = f"Flask {version.describe()}" + (f" (the project's {version.source})" if version.source else "")
    for reg in regs:
        if not any(project.atoms(value) == frozenset({HTTP_ATOM}) for value in _key_values(reg.key)):
            continue
        ctx.report(
            INVALID_ERRORHANDLER_KEY,
            reg.node,
            method=_registration_call(reg),
            key=_source(reg.key_node, "HTTPException"),
            problem=(
                f"on {where} a handler for an HTTP error is looked up by its status code only and "
                "HTTPException has none, so this handler never runs for a 404, a 500 or any other HTTP error "
                "(Flask 1.0 searches the error's classes)"
            ),
            fix="register it for each code (for code in default_exceptions: ...) or require Flask>=1.0",
        )


def _key_values(key: Value) -> List[Value]:
    if key and key[0] == "seq":
        out: List[Value] = []
        for item in key[1]:
            out.extend(_key_values(item))
        return out
    return [key]


def _registration_call(reg: HandlerReg) -> str:
    node = reg.node
    func = node.func if isinstance(node, ast.Call) else node
    if isinstance(func, ast.Call):  # app.errorhandler(404)(f)
        func = func.func
    if isinstance(func, ast.Attribute):
        return f"{_source(func.value, 'app', 30)}.{func.attr}"
    return reg.method


# ------------------------------------------------------------------ FLK204


def _handler_registrations(ctx: FileContext, project: ProjectErrors, info: FunctionInfo) -> List[Tuple[str, Value, Value]]:
    """(registering module, target, key) of every registration of a handler
    function defined in this file, local or from other modules."""
    out: List[Tuple[str, Value, Value]] = []
    seen: Set[Tuple[str, int]] = set()
    for reg in ctx.model.handlers:
        if reg.func_node is info.node:
            out.append((ctx.model.module, reg.target, reg.key))
            seen.add((ctx.model.module, getattr(reg.node, "lineno", 0)))
    for module, fact in project.handlers_by_func.get(info.qualname, ()):
        if (module, fact[4]) not in seen:
            out.append((module, fact[0], fact[2]))
    return out


def _flask_handler(ctx: FileContext, project: ProjectErrors, info: FunctionInfo) -> Optional[List[FrozenSet[Atom]]]:
    """The keys a Flask app or blueprint registers this function for (None
    when it is not a Flask error handler, or only registered with bad keys)."""
    keys: List[FrozenSet[Atom]] = []
    for module, target, key in _handler_registrations(ctx, project, info):
        if not _is_flask_scope(ctx, project, target, module):
            return None
        keys.append(project.atoms(key))
    if not keys or all(all(a[0] == "bad" for a in atoms) for atoms in keys):
        return None
    return keys


def _helper_lookup(ctx: FileContext, project: ProjectErrors) -> HelperLookup:
    replies = project_facts(ctx.index)

    def lookup(call: ast.Call) -> Optional[str]:
        obj = ctx.evaluate(ctx.model.value(call.func))
        if obj[0] == "function" and not project.opaque(obj[1]):
            row = project.func_row(obj[1])
            # A helper that may abort or raise answers its own way on that path.
            if row and row[0] and replies.reply(obj[1]) is not None:
                return "bare"
        return None

    return lookup


def _check_handler_bodies(ctx: FileContext, project: ProjectErrors) -> None:
    if is_test_module(ctx.model.module) or ctx.is_test_file:
        return  # handlers in tests answer whatever the assertions look at
    helper = _helper_lookup(ctx, project)
    seen: Set[int] = set()
    for func, _reg in ctx.error_handlers:
        info = ctx.model.function_info(func)
        if info is None or ctx.model.unbound_method(info) or id(func) in seen:
            continue
        seen.add(id(func))
        keys = _flask_handler(ctx, project, info)
        if keys is None:
            continue
        facts = FunctionFacts(ctx.model, info)
        status = _suggested_status(keys, facts.param)
        for ret, what in facts.bare_returns(helper):
            body = ret.value.elts[0] if isinstance(ret.value, ast.Tuple) else ret.value
            ctx.report(
                ERRORHANDLER_SUCCESS_STATUS, ret, autofix=_status_fix(ctx, ret, keys, status),
                name=func.name, what=what, body=_source(body, "body", 50), status=status,
            )


# Bodies that a status can follow in the returned tuple whatever they hold;
# a project helper's result may itself be a (body, headers) tuple.
_STATUSLESS_BUILDERS = frozenset(
    {"flask.render_template", "flask.render_template_string", "flask.jsonify", "json.dumps", "flask.make_response"}
)


def _status_fix(ctx: FileContext, ret: ast.Return, keys: List[FrozenSet[Atom]], status: str) -> Optional[fixes.Fix]:
    """``, status`` after the body: safe when the keys give the status (the
    literal code of the only key, ``e.code`` when every key is an HTTP
    error), unsafe when it is 500 for an ``Exception`` handler's (the
    handler may have meant something else), none when unknown."""
    if not (status.isdigit() or status.endswith(".code")):
        return None
    http_only = all(a[0] == "code" or a in (HTTP_ATOM, ALL_HTTP) for atoms in keys for a in atoms)
    applicability = fixes.SAFE if http_only else fixes.UNSAFE
    if status.endswith(".code") and not http_only:
        return None  # e.code on an exception that has none: AttributeError
    value = ret.value
    if isinstance(value, ast.Tuple) and len(value.elts) == 2:
        return fixes.make(applicability, f"Return status {status}", fixes.insert_after(value.elts[0], f", {status}"))
    plain = isinstance(value, (ast.Constant, ast.JoinedStr, ast.Dict, ast.List))
    if isinstance(value, ast.Call):
        qual = ctx.model.call_qualname(value)
        plain = qual in _STATUSLESS_BUILDERS or qual in RESPONSE_CLASSES
    if not plain or value is None:
        return None
    return fixes.make(applicability, f"Return status {status}", fixes.insert_after(value, f", {status}"))


def _suggested_status(keys: List[FrozenSet[Atom]], param: Optional[str]) -> str:
    codes = {a[1] for atoms in keys for a in atoms if a[0] == "code"}
    if len(codes) == 1 and len(keys) == 1:
        return str(codes.pop())
    if param and any(HTTP_ATOM in atoms or ALL_HTTP in atoms for atoms in keys):
        return f"{param}.code"
    if len(codes) > 1 and param:
        return f"{param}.code"
    return "500" if any(EXC_ATOM in atoms or ("code", 500) in atoms for atoms in keys) else "an error status"


# ------------------------------------------------------------------ FLK205


def _arity_problem(args: ast.arguments, wanted: int) -> Optional[str]:
    positional = args.posonlyargs + args.args
    required = len(positional) - len(args.defaults)
    kw_required = [a.arg for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is None]
    if kw_required:
        return f"requires the keyword-only argument {kw_required[0]}, which Flask never passes"
    if wanted == 0:
        if required > 0:
            return f"requires a parameter ({positional[0].arg}) but Flask calls it with none"
        return None
    if not positional and args.vararg is None:
        return "takes no parameter but Flask calls it with one"
    if required > wanted:
        return f"requires {required} parameters but Flask calls it with {wanted}"
    return None


_REGISTRATION_ATTRS = (
    frozenset(HANDLER_METHODS) | NO_ARG_HOOKS | ONE_ARG_HOOKS | {"route", "get", "post", "put", "patch", "delete"}
)


def _only_registration_decorators_below(func: FunctionNode, local: bool) -> bool:
    """Whether Flask registers ``func`` itself: no other decorator wraps it
    before a registration decorator sees it."""
    decorators = func.decorator_list
    if not local:
        return not decorators
    lowest = -1
    for position, decorator in enumerate(decorators):
        call = decorator.func if isinstance(decorator, ast.Call) else decorator
        if isinstance(call, ast.Attribute) and call.attr in _REGISTRATION_ATTRS:
            lowest = position
    if lowest < 0:
        return not decorators  # registered by a call: only an undecorated def is itself
    for decorator in decorators[lowest + 1:]:
        call = decorator.func if isinstance(decorator, ast.Call) else decorator
        if not (isinstance(call, ast.Attribute) and call.attr in _REGISTRATION_ATTRS):
            return False
    return True


def _check_signatures(ctx: FileContext, project: ProjectErrors) -> None:
    model = ctx.model
    seen: Set[int] = set()
    for func, _reg in ctx.error_handlers:
        info = model.function_info(func)
        if info is None or info.class_node is not None or id(func) in seen:
            continue
        seen.add(id(func))
        if _flask_handler(ctx, project, info) is None:
            continue
        local = any(r.func_node is func for r in model.handlers)
        if not _only_registration_decorators_below(func, local):
            continue
        problem = _arity_problem(func.args, 1)
        if problem:
            ctx.report(
                ERRORHANDLER_SIGNATURE, func, autofix=_parameter_fix(ctx, func, ("error", "e")),
                kind="error handler", name=func.name, problem=problem,
                when="each time the error occurs, and the client gets a 500 instead",
                fix=f"define it as def {func.name}(error)",
            )
    for reg in model.handlers:
        node = reg.node
        lam = call_arg(node, 1, "f") if reg.method == "register_error_handler" and isinstance(node, ast.Call) else None
        if reg.func_node is None and isinstance(node, ast.Call) and isinstance(node.func, ast.Call):
            lam = call_arg(node, 0, "f")
        if isinstance(lam, ast.Lambda) and _is_flask_scope(ctx, project, reg.target, model.module):
            problem = _arity_problem(lam.args, 1)
            if problem:
                ctx.report(
                    ERRORHANDLER_SIGNATURE, lam, autofix=_parameter_fix(ctx, lam, ("error", "e")),
                    kind="error handler", name="<lambda>", problem=problem,
                    when="each time the error occurs, and the client gets a 500 instead", fix="write lambda error: ...",
                )
    _check_hook_signatures(ctx, project)


def _check_hook_signatures(ctx: FileContext, project: ProjectErrors) -> None:
    model = ctx.model
    # (the def or lambda, hook kind, registered here by a decorator or call)
    hooks: List[Tuple[ast.AST, str, bool]] = []
    for hook in ctx.hooks:
        if not _is_flask_scope(ctx, project, hook.target, model.module):
            continue
        if hook.func_node is not None:
            hooks.append((hook.func_node, hook.kind, True))
        elif isinstance(hook.node, ast.Call) and hook.node.args and isinstance(hook.node.args[0], ast.Lambda):
            hooks.append((hook.node.args[0], hook.kind, True))
    local = {id(h.func_node) for h in ctx.hooks if h.func_node is not None}
    for info in model.functions.values():
        if id(info.node) not in local and info.class_node is None:
            for kind, hook_target, module in project.hooks_by_func.get(info.qualname, ()):
                if _is_flask_scope(ctx, project, hook_target, module):
                    hooks.append((info.node, kind, False))
    reported: Set[int] = set()
    for target, kind, registered_here in hooks:
        if id(target) in reported:
            continue
        wanted = 1 if kind in ONE_ARG_HOOKS else 0 if kind in NO_ARG_HOOKS else -1
        if wanted < 0:
            continue
        if isinstance(target, ast.Lambda):
            args, name = target.args, "<lambda>"
        elif isinstance(target, (ast.FunctionDef, ast.AsyncFunctionDef)):
            hook_info = model.function_info(target)
            if hook_info is None or hook_info.class_node is not None:
                continue
            if not _only_registration_decorators_below(target, registered_here):
                continue
            args, name = target.args, target.name
        else:
            continue
        problem = _arity_problem(args, wanted)
        if not problem:
            continue
        if kind.startswith("teardown"):
            when, fix = "at the end of every request, outside the error handlers", f"define it as def {name}(exc)"
        elif wanted == 1:
            when, fix = "on every request (a 500)", f"define it as def {name}(response) and return the response"
        else:
            when, fix = "on every request (a 500)", "remove the parameter or give it a default"
        reported.add(id(target))
        autofix = _parameter_fix(ctx, target, ("exc", "error")) if kind.startswith("teardown") else None
        ctx.report(
            ERRORHANDLER_SIGNATURE, target, autofix=autofix, kind=f"{kind} hook", name=name, problem=problem, when=when, fix=fix
        )


def _parameter_fix(ctx: FileContext, func: ast.AST, names: Tuple[str, ...]) -> Optional[fixes.Fix]:
    """The one parameter Flask passes, for a function that takes none: named
    after the first of ``names`` its body does not use, and only when this
    file never calls the function itself (such a call would lose it)."""
    if not isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
        return None
    args = func.args
    if args.posonlyargs or args.args or args.vararg or args.kwonlyargs or args.kwarg or getattr(func, "type_params", None):
        return None
    used = {n.id for n in ast.walk(func) if isinstance(n, ast.Name)}
    name = next((n for n in names if n not in used), None)
    if name is None:
        return None
    if isinstance(func, ast.Lambda):
        at = func.col_offset + len("lambda")
        edit = fixes.Edit(func.lineno, at, func.lineno, at, (f" {name}",))
    else:
        for call, _scope, _loop in ctx.model.calls:
            if isinstance(call.func, ast.Name) and call.func.id == func.name:
                return None
        edit = fixes.insert_after_token(func, "(", name)  # the first ( after def name
    return fixes.make(fixes.SAFE, f"Add the parameter {name}", edit)


# ------------------------------------------------------------------ FLK206

_ROUTING_ATOMS = {("code", 404): 404, ("code", 405): 405}


def _check_blueprint_routing(ctx: FileContext, project: ProjectErrors, regs: List[HandlerReg]) -> None:
    for reg in regs:
        if reg.method == "app_errorhandler":
            continue
        objs, unknown = _scope_objects(ctx, project, reg.target)
        if unknown or not objs or any(o[0] != "blueprint" for o in objs):
            continue
        for value in _key_values(reg.key):
            for atom in sorted(project.atoms(value) & _ROUTING_ATOMS.keys()):
                code = _ROUTING_ATOMS[atom]
                if code == 404 and all(_has_catch_all_route(project, obj) for obj in objs):
                    continue  # a catch-all hands the unknown URLs under it to the blueprint
                key_text = str(code) if reg.key[0] == "seq" else _source(reg.key_node, str(code))
                node = reg.node.func if isinstance(reg.node, ast.Call) else reg.node
                if isinstance(node, ast.Call):
                    node = node.func
                bp = _source(node.value, "bp", 30) if isinstance(node, ast.Attribute) else "bp"
                autofix = None
                if isinstance(node, ast.Attribute) and node.attr == "errorhandler" and not reg.in_loop:
                    if _app_wide_is_free(project, objs, atom):
                        # Unsafe: the handler then answers for the whole app.
                        end = (node.end_lineno or node.lineno, node.end_col_offset or 0)
                        edit = fixes.Edit(end[0], end[1] - len("errorhandler"), *end, ("app_errorhandler",))
                        autofix = fixes.make(fixes.UNSAFE, "Register it with app_errorhandler", edit)
                ctx.report(
                    BLUEPRINT_ROUTING_ERRORHANDLER, reg.node, autofix=autofix, bp=bp, method=reg.method, key=key_text,
                    code=code,
                )


def _app_wide_is_free(project: ProjectErrors, objs: Any, atom: Atom) -> bool:
    """Whether the blueprint's handler for ``atom`` can become app-wide
    without meeting another: every app the blueprints are registered on is
    known, has no app-wide handler for it (nor for every HTTP error), and
    no other blueprint-level handler for it."""
    apps = [app for obj in objs for app in project.apps_of_blueprint(obj[1])]
    if not apps:
        return False
    for app in apps:
        if app.uncertain or app.handled or app.has(frozenset({atom, HTTP_ATOM, ALL_HTTP})):
            return False
        if sum(1 for atoms in app.bp_atoms if atom in atoms or HTTP_ATOM in atoms or ALL_HTTP in atoms) > 1:
            return False
    return True


def _has_catch_all_route(project: ProjectErrors, obj: Obj) -> bool:
    """Whether the blueprint has a catch-all route (``/<path:p>``,
    ``/api/<path:p>``): the unknown URLs under it reach the blueprint's own
    view, whose ``abort(404)`` its handler answers.  A wrong method is
    still a routing error (405): a Flask rule always lists its methods."""
    routes = project.index.registrations_on(obj).get("routes", ())
    return any(ends_in_catch_all(fact[2], project_converters=True) for _module, fact in routes if isinstance(fact[2], str))


# ------------------------------------------------------------------ FLK207


def _check_catch_all(ctx: FileContext, project: ProjectErrors, regs: List[HandlerReg]) -> None:
    if is_test_module(ctx.model.module) or ctx.is_test_file:
        return  # an app of the tests (or a fake they run) serves no client
    orphans = project.orphan_atoms()
    if orphans & HTTP_COVER_ATOMS:
        return
    for reg in regs:
        if project.atoms(reg.key) != frozenset({EXC_ATOM}):
            continue
        name = "<handler>"
        status = "a fixed status"
        if reg.func_node is not None:
            info = ctx.model.function_info(reg.func_node)
            if info is None or ctx.model.unbound_method(info):
                continue
            facts = FunctionFacts(ctx.model, info)
            if facts.http_passage() != "fixed":
                continue
            name = reg.func_node.name
            status = fixed_status(facts)
        else:
            func = ctx.evaluate(reg.func)
            if project.http_passage(func) != "fixed":
                continue
            name = func[1].rpartition(".")[2]
            row = project.funcs.get(func[1]) or ()
            status = str(row[4]) if len(row) > 4 else status
        objs, unknown = _scope_objects(ctx, project, reg.target)
        if unknown or not objs or not all(_swallows_on(project, obj) for obj in objs):
            continue
        ctx.report(CATCH_ALL_SWALLOWS_HTTP_ERRORS, reg.node, name=name, status=status)


def _swallows_on(project: ProjectErrors, obj: Obj) -> bool:
    """No HTTPException handler on this app/blueprint (or the apps it is
    registered on), and the index sees everything that could add one."""
    if obj[0] == "app":
        app = project.app(obj[1])
        if project.never_serves(obj[1]) is not None:
            return False  # built for the docs or a script's test client: no client to mislead
        return not (app.uncertain or app.handled or app.has(HTTP_COVER_ATOMS))
    if obj[0] == "blueprint":
        bp = project.blueprint(obj[1])
        if bp.uncertain or bp.handled or bp.has(HTTP_COVER_ATOMS, app_wide_only=False):
            return False
        apps = project.apps_of_blueprint(obj[1])
        return bool(apps) and all(_swallows_on(project, ("app", app.key)) for app in apps)
    return False


# ------------------------------------------------------------------ FLK208


def _statement_positions(model: FlaskModel) -> Dict[int, Tuple[int, int]]:
    """For expression statements and defs: (id of their statement list, index)."""
    out: Dict[int, Tuple[int, int]] = {}
    stack: List[List[ast.stmt]] = [model.tree.body]
    while stack:
        body = stack.pop()
        for position, stmt in enumerate(body):
            if isinstance(stmt, ast.Expr):
                out[id(stmt.value)] = (id(body), position)
            elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                out[id(stmt)] = (id(body), position)
            for name in ("body", "orelse", "finalbody"):
                inner = getattr(stmt, name, None)
                if isinstance(inner, list) and inner and isinstance(inner[0], ast.stmt):
                    stack.append(inner)
            for handler in getattr(stmt, "handlers", None) or ():
                stack.append(handler.body)
    return out


def _check_duplicates(ctx: FileContext, project: ProjectErrors, regs: List[HandlerReg]) -> None:
    if not regs:
        return
    positions = _statement_positions(ctx.model)
    groups: Dict[Tuple[Any, ...], List[Tuple[Tuple[int, int], HandlerReg]]] = {}
    for reg in regs:
        if reg.in_loop:
            continue
        atoms = project.atoms(reg.key)
        if len(atoms) != 1:
            continue
        atom = next(iter(atoms))
        if atom[0] not in ("code", "exc"):
            continue
        targets = flatten(ctx.evaluate(reg.target))
        if len(targets) != 1 or targets[0][0] not in ("app", "blueprint", "param"):
            continue
        anchor = reg.func_node if reg.node in getattr(reg.func_node, "decorator_list", ()) else reg.node
        where = positions.get(id(anchor))
        if where is None:
            continue
        # Same block, same object and the same spelling: two apps made by one
        # factory share an object key but are different apps.
        spelling = _registration_call(reg).rpartition(".")[0]
        group = (where[0], targets[0], reg.method == "app_errorhandler", atom, spelling)
        groups.setdefault(group, []).append(((where[1], getattr(reg.node, "lineno", 0)), reg))
    for group, members in groups.items():
        members.sort(key=lambda item: item[0])
        for (_pos, first), (_later_pos, later) in zip(members, members[1:]):
            if _same_function(ctx, first, later):
                continue
            scope_text = _registration_call(first).rpartition(".")[0] or "app"
            if group[2]:
                scope_text = f"the app (through {scope_text}.app_errorhandler)"
            ctx.report(
                DUPLICATE_ERRORHANDLER,
                first.node,
                key=describe_atom(group[3]),
                scope=scope_text,
                where=f"line {getattr(later.node, 'lineno', 0)}",
                name=_handler_name(first),
            )
    replaced = project.replaced_elsewhere()
    for reg in regs:
        later_at = replaced.get((ctx.model.module, getattr(reg.node, "lineno", 0)))
        if later_at is None:
            continue
        atom = next(iter(project.atoms(reg.key)))
        scope_text = _registration_call(reg).rpartition(".")[0] or "app"
        if reg.method == "app_errorhandler":
            scope_text = f"the app (through {scope_text}.app_errorhandler)"
        ctx.report(
            DUPLICATE_ERRORHANDLER,
            reg.node,
            key=describe_atom(atom),
            scope=scope_text,
            where=f"{later_at[0]} line {later_at[1]}",
            name=_handler_name(reg),
        )


def _same_function(ctx: FileContext, first: HandlerReg, later: HandlerReg) -> bool:
    if first.func_node is not None and first.func_node is later.func_node:
        return True
    return first.func != UNKNOWN and first.func == later.func


# ------------------------------------------------------------------ FLK209


def _check_view_catch_alls(ctx: FileContext, project: ProjectErrors) -> None:
    if is_test_module(ctx.model.module) or ctx.is_test_file:
        return  # test suites break views on purpose
    model = ctx.model

    def helper(call: ast.Call) -> Optional[FrozenSet[int]]:
        obj = ctx.evaluate(model.value(call.func))
        return project.aborts.get(obj[1]) if obj[0] == "function" else None

    def class_of(kind: ast.expr) -> Optional[str]:
        obj = ctx.evaluate(model.value(kind))
        return obj[1] if obj[0] in ("class", "external") else None

    # What a JSON read raises on a request that is not JSON, on the file's Werkzeug.
    non_json = non_json_statuses(ctx.werkzeug_version)
    seen: Set[int] = set()
    guards = _Guards(ctx, class_of)
    for view in ctx.views:
        info = model.function_info(view.func)
        if info is None or id(view.func) in seen:
            continue
        seen.add(id(view.func))
        name = view.func.name if view.class_node is None else f"{view.class_node.name}.{view.func.name}"
        json_read = None if payload_validated(model, view, ctx.evaluate) else non_json
        for found in swallowed(model, info, class_of, helper, json_read):
            _report_swallow(ctx, found.handler, f"view {name}()", found.raiser, found.status)
        for decorator in _wrapping_decorators(view):
            guard = guards.of(decorator)
            if guard is None or id(guard.handler) in guards.reported:
                continue
            raiser = guard_swallows(model, guard, info, helper, json_read)
            if raiser is not None:
                guards.reported.add(id(guard.handler))
                where = f"decorator {ast.unparse(decorator)}() around view {name}()"
                _report_swallow(ctx, guard.handler, where, raiser, min(guard.statuses))


def _report_swallow(ctx: FileContext, handler: ast.ExceptHandler, where: str, raiser: Raiser, status: int) -> None:
    ctx.report(
        VIEW_CATCH_ALL_SWALLOWS_HTTP_ERRORS,
        except_span(handler),
        caught=describe_catch(handler),
        name=where,
        code=codes_text(raiser.codes),
        raiser=raiser.what,
        line=getattr(raiser.node, "lineno", 0),
        status=str(status) if status != 200 else "200 OK",
    )


# Class attributes whose decorators wrap every method of a class-based view:
# Flask-RESTful/RESTX ``Resource.method_decorators`` (around the method
# dispatch calls) and ``View.decorators`` (around the function as_view makes).
_CLASS_DECORATOR_LISTS = frozenset({"method_decorators", "decorators"})


def _wrapping_decorators(view: View) -> List[ast.expr]:
    """The decorators around what a request calls: for a function, those
    below its route decorators (one above a route decorator wraps nothing
    registered); for a method, its class's own decorator lists."""
    if view.class_node is None:
        decorators = view.func.decorator_list
        routed = [i for i, d in enumerate(decorators) if any(r.node is d for r in view.routes)]
        return list(decorators[max(routed) + 1:] if routed else decorators)
    out: List[ast.expr] = []
    for stmt in view.class_node.body:
        if isinstance(stmt, ast.Assign) and isinstance(stmt.value, (ast.List, ast.Tuple)):
            if any(isinstance(t, ast.Name) and t.id in _CLASS_DECORATOR_LISTS for t in stmt.targets):
                out.extend(stmt.value.elts)
    return out


class _Guards:
    """The swallowing decorators (:func:`guard_decorator`) defined in this
    module, by the decorator expression that names them."""

    def __init__(self, ctx: FileContext, class_of: ClassOf) -> None:
        self.ctx = ctx
        self.class_of = class_of
        self.reported: Set[int] = set()
        self._by_qualname: Dict[str, Optional[GuardDecorator]] = {}
        self._infos = {info.qualname: info for info in ctx.model.functions.values()}

    def of(self, decorator: ast.expr) -> Optional[GuardDecorator]:
        if not isinstance(decorator, (ast.Name, ast.Attribute)):
            return None  # a decorator factory's call: not followed
        obj = self.ctx.evaluate(self.ctx.model.value(decorator))
        if obj[0] != "function":
            return None
        if obj[1] not in self._by_qualname:
            info = self._infos.get(obj[1])
            self._by_qualname[obj[1]] = guard_decorator(self.ctx.model, info, self.class_of) if info else None
        return self._by_qualname[obj[1]]


def _handler_name(reg: HandlerReg) -> str:
    if reg.func_node is not None:
        return reg.func_node.name
    if isinstance(reg.node, ast.Call):
        position = 0 if isinstance(reg.node.func, ast.Call) else 1
        return _source(call_arg(reg.node, position, "f"), "the first handler", 40)
    return "the first handler"


FAMILY = Family(
    "2",
    rules=(
        MISSING_SERVER_ERROR_HANDLER,
        JSON_API_HTML_ERRORS,
        INVALID_ERRORHANDLER_KEY,
        ERRORHANDLER_SUCCESS_STATUS,
        ERRORHANDLER_SIGNATURE,
        BLUEPRINT_ROUTING_ERRORHANDLER,
        CATCH_ALL_SWALLOWS_HTTP_ERRORS,
        DUPLICATE_ERRORHANDLER,
        VIEW_CATCH_ALL_SWALLOWS_HTTP_ERRORS,
    ),
    check=check,
    extensions=(ERRORS_FACTS,),
)
