"""FLK202's catch-all case: a route that ends in a ``path`` variable outside
an app's JSON API (a single-page app's ``/<path:path>``) also matches every
unknown URL under the API's prefix, since no API rule does; Werkzeug then
hands ``/api/no-such-thing`` to that view, not to a 404.

Two layers:

- :class:`CatchAllFacts` (once per index): for every app that answers JSON
  under a static prefix (FLK202's own facts: what each view answers), the
  catch-all routes whose static part lies above that prefix, as the URL map
  (:class:`flask_lint.url_map.RouteMapper`) places them, when no route of
  the API catches its unknown URLs itself;
- :func:`page_answer` (on the file holding the route and its view): what the
  view answers for such a URL, following the tests it makes on the path.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple

from ..index import ProjectIndex
from ..model import FlaskModel, FunctionInfo
from ..routing_facts import ends_in_catch_all, path_tail
from ..source import is_test_module
from ..url_map import PlacedRoute, RouteMapper
from ._errors_project import project_errors


@dataclass(frozen=True)
class CatchAll:
    """A catch-all route an app's unknown API URLs reach."""

    position: int  # in its module's routes (summary and model alike)
    view: str  # qualname of the view function, defined in the same module
    var: str  # the path variable
    prefix: str  # the API's static prefix, "/api"
    path_value: str  # what the variable starts with for a URL under it: "api/"


class CatchAllFacts:
    def __init__(self, index: ProjectIndex) -> None:
        self.by_module: Dict[str, List[CatchAll]] = {}
        project = project_errors(index)
        mapper: Optional[RouteMapper] = None
        seen: set = set()
        if not self._may_have(index):
            return
        for key, module, line in index.objects("app"):
            if is_test_module(module):
                continue
            app = project.app(key)
            if app.uncertain or project.never_serves(key) is not None:
                continue
            if sum(1 for answer in app.views.values() if answer == "json") < 2:
                continue
            if mapper is None:
                mapper = RouteMapper(index)
            mapper.unlisted = 0
            placed = mapper.placed_routes(key, module, line)
            if mapper.unlisted:
                continue  # a route the map leaves out may be the API's own catch-all
            for found in _catch_alls(index, placed, app.views):
                if found not in seen:
                    seen.add(found)
                    self.by_module.setdefault(found[0], []).append(found[1])

    @staticmethod
    def _may_have(index: ProjectIndex) -> bool:
        """Cheap: some route of the project ends in a path variable."""
        for _name, summary in index.iter_modules():
            for fact in summary.get("routes", ()):
                if isinstance(fact[2], str) and path_tail(fact[2]) is not None:
                    return True
        return False


def _folder(rule: str) -> str:
    """The static folder of a rule: ``/api/users/<id>`` and ``/api/users/x`` -> ``/api/users``."""
    head = rule.split("<", 1)[0]
    return head[: head.rfind("/")] if "/" in head else ""


def _segments(folder: str) -> List[str]:
    return [part for part in folder.strip("/").split("/") if part]


def _json_prefixes(placed: List[PlacedRoute], views: Dict[str, Optional[str]]) -> List[str]:
    """Static prefixes (``/api``, ``/api/v1``) under which the app answers
    JSON: the common folder of the JSON views sharing a first segment, with
    at least two JSON views under it and twice as many as views answering
    pages or text (FLK202's measure of a JSON app)."""
    groups: Dict[str, List[List[str]]] = {}
    for route, _module, _fact in placed:
        if route.view is not None and views.get(route.view) == "json":
            parts = _segments(_folder(route.rule))
            if parts:
                groups.setdefault(parts[0], []).append(parts)
    out: List[Tuple[int, str]] = []
    for members in groups.values():
        common = members[0]
        for parts in members[1:]:
            size = 0
            while size < min(len(common), len(parts)) and common[size] == parts[size]:
                size += 1
            common = common[:size]
        prefix = "/" + "/".join(common)
        under = {r.view: views.get(r.view) for r, _m, _f in placed if r.view and r.rule.startswith(prefix + "/")}
        answers = list(under.values())
        json_views = answers.count("json")
        if json_views >= 2 and json_views >= 2 * (answers.count("html") + answers.count("text")):
            out.append((-json_views, prefix))
    return [prefix for _count, prefix in sorted(out)]


def _catch_alls(
    index: ProjectIndex, placed: List[PlacedRoute], views: Dict[str, Optional[str]]
) -> List[Tuple[str, CatchAll]]:
    prefixes = _json_prefixes(placed, views)
    if not prefixes:
        return []
    out: List[Tuple[str, CatchAll]] = []
    for route, module, fact in placed:
        tail = path_tail(route.rule)
        if module is None or fact is None or tail is None or route.view is None:
            continue
        if route.methods is None or "GET" not in route.methods:
            continue  # (an OPTIONS-only catch-all answers CORS preflights, as meant)
        entry = index.functions.get(route.view)
        if entry is None or entry[0] != module:
            continue  # the view's body is read where the route is reported
        static, var = tail
        above = static.rstrip("/")
        for prefix in prefixes:
            if not prefix.startswith(above + "/") or _api_catches(placed, route.rule, above, prefix):
                continue
            position = next((i for i, f in enumerate(index.modules[module].get("routes", ())) if f is fact), None)
            if position is not None:
                path_value = prefix[len(above) + 1 :] + "/"
                out.append((module, CatchAll(position, route.view, var, prefix, path_value)))
            break
    return out


def _api_catches(placed: List[PlacedRoute], rule: str, above: str, prefix: str) -> bool:
    """Whether another rule ending in a variable that may take slashes sits
    under the API prefix, or between it and the catch-all (``/api/<path:p>``
    answering the API's unknown URLs itself)."""
    for route, _module, _fact in placed:
        if route.rule == rule or not ends_in_catch_all(route.rule, project_converters=True):
            continue
        folder = _folder(route.rule)
        if (folder + "/").startswith(prefix + "/"):
            return True
        if (prefix + "/").startswith(folder + "/") and len(folder) > len(above):
            return True
    return False


def catch_all_facts(index: ProjectIndex) -> CatchAllFacts:
    found = index.memoised("errors-catch-all", CatchAllFacts)
    assert isinstance(found, CatchAllFacts)
    return found


# --------------------------------------------------------------------------
# What the view answers for an unknown API URL
# --------------------------------------------------------------------------

_FILE_SENDERS = frozenset({"flask.send_file", "flask.send_from_directory"})
_PAGES = frozenset({"flask.render_template", "flask.render_template_string"})
_ERROR = "error"
_OWN_FILE = "own-file"  # the file the URL names: a 404 when it does not exist
_SUCCESS = frozenset({"page", "file", "text"})
_OTHER_SUCCESS = "other-success"  # a success status other than 200, a redirect
_FILE_TESTS = frozenset({"os.path.exists", "os.path.isfile", "os.path.isdir"})
_OTHER_PATHS = ("flask.request.url", "flask.request.full_path", "flask.request.base_url")


_MATCH = getattr(ast, "Match", None)  # Python 3.10


def _is_wildcard(pattern: ast.AST) -> bool:
    return getattr(ast, "MatchAs", None) is not None and isinstance(pattern, ast.MatchAs) and pattern.pattern is None


class _Flow:
    """The view's paths for a URL whose path variable starts with
    ``path_value`` (and ``request.path`` with the API prefix): the tests
    on the path it can decide are decided, the others take both branches."""

    def __init__(self, model: FlaskModel, info: FunctionInfo, var: str, path_value: str, prefix: str) -> None:
        self.model = model
        self.info = info
        self.var = var
        self.known = {"var": path_value, "request": prefix + "/"}
        self.answers: List[ast.expr] = []
        # An undecided test on the path with a branch that answers no page
        # or file (abort(404), a helper's answer, a call that may raise).
        self.guarded = False

    def subject(self, node: ast.AST) -> Optional[str]:
        if isinstance(node, ast.Name) and self.model.value(node) == ("p", self.info.qualname, self.var):
            return "var"
        if self.model.is_name(node, "flask.request.path"):
            return "request"
        return None

    def mentions(self, node: ast.AST) -> bool:
        """Whether a test reads the URL's path, other than to ask whether a
        file of that name exists (which is no test of the API's prefix)."""
        if self._file_test(node):
            return False
        if self.subject(node) is not None or self.model.is_name(node, *_OTHER_PATHS):
            return True
        return any(self.mentions(child) for child in ast.iter_child_nodes(node))

    def _file_test(self, node: ast.AST) -> bool:
        if not isinstance(node, ast.Call):
            return False
        if self.model.call_qualname(node) in _FILE_TESTS:
            return True
        return isinstance(node.func, ast.Attribute) and node.func.attr in ("exists", "is_file", "is_dir", "isfile")

    def test(self, node: ast.expr) -> Optional[bool]:
        """True / False for every URL under the prefix, None when undecided."""
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            inner = self.test(node.operand)
            return None if inner is None else not inner
        if isinstance(node, ast.BoolOp):
            values = [self.test(v) for v in node.values]
            decisive = isinstance(node.op, ast.Or)  # True decides an or, False an and
            if decisive in values:
                return decisive
            return None if None in values else not decisive
        subject = self.subject(node)
        if subject is not None:
            return bool(self.known[subject])  # a non-empty path
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "startswith":
            subject = self.subject(node.func.value)
            if subject is None or len(node.args) != 1 or node.keywords:
                return None
            arg = node.args[0]
            options = arg.elts if isinstance(arg, ast.Tuple) else [arg]
            known = self.known[subject]
            verdicts = []
            for option in options:
                if not (isinstance(option, ast.Constant) and isinstance(option.value, str)):
                    return None
                text = option.value
                verdicts.append(True if known.startswith(text) else (None if text.startswith(known) else False))
            if True in verdicts:
                return True
            return None if None in verdicts else False
        if isinstance(node, ast.Compare) and len(node.ops) == 1:
            left, right = node.left, node.comparators[0]
            op = node.ops[0]
            if isinstance(op, (ast.In, ast.NotIn)) and isinstance(left, ast.Constant) and isinstance(left.value, str):
                subject = self.subject(right)
                if subject is not None and left.value in self.known[subject]:
                    return isinstance(op, ast.In)
            if isinstance(op, (ast.Eq, ast.NotEq)):
                for one, other in ((left, right), (right, left)):
                    subject = self.subject(one)
                    if subject is not None and isinstance(other, ast.Constant) and isinstance(other.value, str):
                        if not other.value.startswith(self.known[subject]):
                            return isinstance(op, ast.NotEq)  # the URL's path is never that text
        return None

    def walk(self, body: List[ast.stmt]) -> bool:
        """Record the answers of ``body``'s paths; whether one falls through."""
        for stmt in body:
            if isinstance(stmt, ast.Return):
                if stmt.value is not None:
                    self.answers.append(stmt.value)
                return False
            if isinstance(stmt, ast.Raise):
                return False
            if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
                if self.model.call_qualname(stmt.value) == "flask.abort":
                    return False
            if isinstance(stmt, ast.If):
                verdict = self.test(stmt.test)
                if verdict is True:
                    falls = self.walk(stmt.body)
                elif verdict is False:
                    falls = self.walk(stmt.orelse)
                else:
                    before = len(self.answers)
                    body_falls = self.walk(stmt.body)
                    body_answers = self.answers[before:]
                    middle = len(self.answers)
                    else_falls = self.walk(stmt.orelse)
                    else_answers = self.answers[middle:]
                    if self.mentions(stmt.test) and any(
                        branch and not self._succeeds(answers)
                        for branch, answers in ((stmt.body, body_answers), (stmt.orelse, else_answers))
                    ):
                        self.guarded = True  # may be a test for the API prefix we cannot read
                    falls = body_falls or else_falls
                if not falls:
                    return False
            elif isinstance(stmt, ast.Try):
                falls = self.walk(stmt.body)
                for handler in stmt.handlers:
                    falls = self.walk(handler.body) or falls
                if stmt.orelse:
                    falls = self.walk(stmt.orelse) if falls else falls
                if stmt.finalbody and not self.walk(stmt.finalbody):
                    return False
                if not falls:
                    return False
            elif _MATCH is not None and isinstance(stmt, _MATCH):
                falls = False
                for case in stmt.cases:
                    before = len(self.answers)
                    falls = self.walk(case.body) or falls
                    if self.mentions(stmt.subject) and not self._succeeds(self.answers[before:]):
                        self.guarded = True
                if not falls and not any(_is_wildcard(case.pattern) for case in stmt.cases):
                    falls = True  # no case may match
                if not falls:
                    return False
            elif isinstance(stmt, (ast.With, ast.AsyncWith)):
                if not self.walk(stmt.body):
                    return False
            elif isinstance(stmt, (ast.For, ast.AsyncFor, ast.While)):
                self.walk(stmt.body)  # may not run
                self.walk(stmt.orelse)
        return True

    def _succeeds(self, answers: List[ast.expr]) -> bool:
        """Whether a branch answers a page or a file: not one an undecided
        test on the path could use to send the API's URLs to a 404."""
        return any(self.answer(a) in _SUCCESS or self.answer(a) in (_OWN_FILE, _OTHER_SUCCESS) for a in answers)

    def answer(self, node: ast.expr) -> Optional[str]:
        """What a returned expression answers: "page" / "file" / "text" with
        200, _OTHER_SUCCESS with another success status or a redirect, _ERROR
        with an error status, _OWN_FILE for the file the URL names, None for
        anything else (JSON, a value it cannot read)."""
        model = self.model
        if isinstance(node, ast.Tuple) and node.elts:
            status = node.elts[1] if len(node.elts) > 1 else None
            if isinstance(status, ast.Constant) and isinstance(status.value, int) and not isinstance(status.value, bool):
                if status.value >= 400:
                    return _ERROR
                if status.value != 200:
                    return _OTHER_SUCCESS
            elif status is not None and not isinstance(status, ast.Dict):
                return None  # a status it computes, or headers
            return self.answer(node.elts[0])
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return "text"
        if not isinstance(node, ast.Call):
            return None
        name = model.call_qualname(node)
        if name in _PAGES:
            return "page"
        if name == "flask.redirect":
            return _OTHER_SUCCESS
        if name == "flask.make_response" and node.args:
            if len(node.args) > 1:
                return self.answer(ast.Tuple(elts=list(node.args), ctx=ast.Load()))
            return self.answer(node.args[0])
        if name in _FILE_SENDERS or (isinstance(node.func, ast.Attribute) and node.func.attr == "send_static_file"):
            named = list(node.args) + [k.value for k in node.keywords if k.arg in ("path", "filename")]
            if any(self.mentions(a) for a in named):
                return _OWN_FILE
            last = node.args[-1] if node.args else None
            if name == "flask.send_from_directory" and len(node.args) < 2:
                last = next((k.value for k in node.keywords if k.arg in ("path", "filename")), None)
            if isinstance(last, ast.Constant) and isinstance(last.value, str):
                return "file"
        return None


def page_answer(model: FlaskModel, info: FunctionInfo, found: CatchAll) -> Optional[ast.expr]:
    """The first answer with a success status and a page, a file or text
    that the view gives a URL under the API prefix, unless it tests the
    path in a way that may keep those URLs out."""
    flow = _Flow(model, info, found.var, found.path_value, found.prefix)
    flow.walk(list(info.node.body))
    if flow.guarded:
        return None
    for node in flow.answers:
        if flow.answer(node) in _SUCCESS:
            while isinstance(node, ast.Tuple) or (
                isinstance(node, ast.Call) and model.call_qualname(node) == "flask.make_response" and node.args
            ):
                node = node.elts[0] if isinstance(node, ast.Tuple) else node.args[0]
            return node
    return None
