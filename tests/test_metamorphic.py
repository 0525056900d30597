"""Metamorphic tests: rewrites of every fixture that must keep (or must
remove) flask-lint's findings.

Every fixture (``tests/fixtures/FLKnnn.py`` and the projects) is printed back
with :func:`ast.unparse` (the *baseline*) and rewritten by the ``ast``
transforms of ``tests/metamorphic.py``.  *Preserving* rewrites do not change
what the code does under Python and Flask (aliased imports, renamed locals,
helpers or registered functions moved to a module of their own, a
``functools.wraps`` pass-through decorator, the app built in a factory): the
findings must stay, compared by (code, enclosing qualified name, message with
line numbers, module locations and renamed names normalised).  *Changing*
rewrites make the code right on purpose (a plain local shadowing ``request``,
a final ``return``, ``copy_current_request_context``, the missing
``register_blueprint`` or error handler): the targeted findings must go and
nothing else may move.

A ``(case, rewrite)`` pair listed in :data:`KNOWN_FAILURES` is an open
flask-lint bug (the rewrite was checked to preserve behaviour): it is marked
``xfail(strict=True)``, so the fix that makes it pass turns it into a failure
until its entry is removed.  Any other discrepancy fails, and the rewritten
project is kept under the pytest tmp dir (``.../metamorphic0/failures/``).
``MT_FLASK_IMPORT=1`` adds ``import flask`` to every moved module: a loss
that then goes away comes from the index keeping only an outline of modules
that import nothing from Flask.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from typing import Dict, Iterator, List, Tuple

import pytest
from harness import discover
from metamorphic import (
    ALL_CODES,
    SHADOW_RULES,
    Key,
    LintError,
    Located,
    Problem,
    Project,
    Rewrite,
    Rewritten,
    add_error_handler,
    add_guard,
    alias_imports,
    compare,
    copy_context,
    describe_keys,
    key_of,
    lint,
    load_project,
    move_functions,
    passthrough_decorator,
    register_blueprint,
    rename_locals,
    shadow,
    sibling_post_route,
    top,
    unparsed,
    wrap_in_factory,
)

from flask_lint import index

IMPORT_TIME = frozenset({"FLK405", "FLK408"})  # about what runs when the module is imported
STRUCTURE = frozenset({"FLK301", "FLK302"})  # about which module registers routes on which app
VIEW_BODY = frozenset(
    {f"FLK1{n:02d}" for n in range(1, 13)}
    | {"FLK306", "FLK307", "FLK308"}
    | {"FLK401", "FLK402", "FLK403", "FLK404", "FLK406", "FLK407", "FLK409", "FLK410"}
)

REWRITES: List[Rewrite] = [
    # semantics-preserving: the findings of these rules must stay
    Rewrite("rename-locals", True, ALL_CODES, rename_locals),
    Rewrite("alias-imports", True, ALL_CODES, alias_imports),
    Rewrite("passthrough-decorator", True, ALL_CODES, passthrough_decorator),
    Rewrite("move-helpers", True, ALL_CODES - STRUCTURE, move_functions(registered=False)),
    Rewrite("move-registered", True, ALL_CODES - STRUCTURE, move_functions(registered=True)),
    Rewrite("app-factory", True, ALL_CODES - IMPORT_TIME - {"FLK302"}, wrap_in_factory(blueprint=False)),
    Rewrite("factory-blueprint", True, VIEW_BODY, wrap_in_factory(blueprint=True)),
    # semantics-changing: the targeted findings must go
    *[Rewrite(f"shadow-{name}", False, SHADOW_RULES, shadow(name)) for name in ("request", "session", "g", "current_app")],
    Rewrite("guard-final-return", False, frozenset({"FLK107", "FLK109"}), add_guard("final")),
    Rewrite("guard-final-abort", False, frozenset({"FLK107"}), add_guard("abort")),
    Rewrite("guard-else-abort", False, frozenset({"FLK107"}), add_guard("else")),
    Rewrite("copy-request-context", False, frozenset({"FLK401"}), copy_context),
    Rewrite("sibling-post-route", False, frozenset({"FLK308"}), sibling_post_route),
    Rewrite("register-blueprint", False, frozenset({"FLK303"}), register_blueprint),
    Rewrite("add-error-handler", False, frozenset({"FLK201", "FLK202"}), add_error_handler),
]

# (case, rewrite) -> the open flask-lint bug that makes the pair fail; the
# reason names the rules whose discrepancies it excuses.  Remove an entry when
# its bug is fixed (the pair then XPASSes, which fails).
KNOWN_FAILURES: Dict[Tuple[str, str], str] = {
    ("FLK209", "move-helpers"): "FLK209 follows a view's swallowing decorator only when the decorator is defined "
    "in the view's module: a decorator moved to a module of its own is not followed yet (it needs the views it "
    "wraps, with what they raise, in the errors summary)",
    ("FLK209", "move-registered"): "FLK209 follows a view's swallowing decorator only when the decorator is "
    "defined in the view's module: a view moved away from its decorator's module is not followed yet",
}

CASES = {case.name: case.source for case in discover()}
_BASELINES: Dict[str, Tuple[Project, List[Located]]] = {}
_BROKEN: Dict[str, str] = {}  # fixture -> why its baseline could not be linted
PAIRS: Counter = Counter()  # rewrite -> (finding, rewrite) pairs checked
RAN: Counter = Counter()


class KnownDiscrepancy(AssertionError):
    """The discrepancies of a KNOWN_FAILURES pair, all on the rules its reason
    names: the expected failure.  A discrepancy on another rule (or a crash)
    fails the test outright even for a listed pair."""


def _params(rewrites: List[Rewrite]) -> Iterator[object]:
    for case in sorted(CASES):
        for rewrite in rewrites:
            reason = KNOWN_FAILURES.get((case, rewrite.name))
            marks = [pytest.mark.xfail(strict=True, raises=KnownDiscrepancy, reason=reason)] if reason else []
            yield pytest.param(case, rewrite, marks=marks, id=f"{case}-{rewrite.name}")


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(tmp_path_factory.mktemp("metamorphic"))


@pytest.fixture(autouse=True)
def fresh_indexes() -> Iterator[None]:
    yield
    index.clear_indexes()


def baseline(name: str, workdir: str) -> Tuple[Project, List[Located]]:
    """The fixture as it is now, unparsed, and flask-lint's findings on it."""
    if name in _BROKEN:
        pytest.fail(_BROKEN[name], pytrace=False)
    if name not in _BASELINES:
        project = unparsed(load_project(name, CASES[name]))
        try:
            _BASELINES[name] = (project, lint(project.files, project.others, project.options, workdir))
        except LintError as exc:
            _BROKEN[name] = f"flask-lint crashes on the baseline of {name}: {exc}"
            pytest.fail(_BROKEN[name], pytrace=False)
    return _BASELINES[name]


def _fail(case: str, rewrite: str, problems: List[Problem], kept: str = "") -> None:
    lines = [f"{direction}: {describe_keys(Counter({key: count}))}" for direction, key, count in problems]
    where = f"\n(rewritten project kept in {kept})" if kept else ""
    message = f"{rewrite} on {case}:\n" + "\n".join(lines) + where
    known = set(re.findall(r"FLK\d{3}", KNOWN_FAILURES.get((case, rewrite), "")))
    if known and all(direction != "error" and key[0] in known for direction, key, _count in problems):
        raise KnownDiscrepancy(message)
    pytest.fail(message, pytrace=False)


def _keep_failure(workdir: str, case: str, rewrite: str, files: Dict[str, str]) -> str:
    folder = os.path.join(workdir, "failures", f"{case.replace('/', '__')}__{rewrite}")
    for rel, text in files.items():
        path = os.path.join(folder, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
    return folder


@pytest.mark.parametrize("case", sorted(CASES))
def test_unparse_keeps_findings(case: str, workdir: str) -> None:
    """ast.unparse (comments dropped, code reformatted) changes nothing."""
    _project, base = baseline(case, workdir)
    original = load_project(case, CASES[case])
    found = lint(original.files, original.others, original.options, workdir)
    before = Counter(key_of(loc) for loc in found)
    after = Counter(key_of(loc) for loc in base)
    problems: List[Problem] = [("lost", k, n) for k, n in (before - after).items()]
    problems += [("gained", k, n) for k, n in (after - before).items()]
    PAIRS["unparse"] += sum(before.values())
    RAN["unparse"] += 1
    if problems:
        _fail(case, "unparse", problems)


@pytest.mark.parametrize("case, rewrite", list(_params(REWRITES)))
def test_rewrite(case: str, rewrite: Rewrite, workdir: str) -> None:
    project, base = baseline(case, workdir)
    result = rewrite.apply(project, base)
    RAN[rewrite.name] += 1
    if result is None:
        return  # nothing in this fixture for the rewrite to work on
    try:
        found = lint(result.files, project.others, project.options, workdir)
    except LintError as exc:
        kept = _keep_failure(workdir, case, rewrite.name, result.files)
        _fail(case, rewrite.name, [("error", ("error", "<module>", str(exc)), 1)], kept)
        return
    if rewrite.preserving:
        PAIRS[rewrite.name] += sum(1 for loc in base if loc.finding.code in rewrite.rules and top(loc.qualname) in result.touched)
    else:
        PAIRS[rewrite.name] += sum(result.gone.values())
    problems = compare(rewrite, base, found, result)
    if problems:
        _fail(case, rewrite.name, problems, _keep_failure(workdir, case, rewrite.name, result.files))


def test_known_failures_are_current() -> None:
    """Every KNOWN_FAILURES entry names a fixture and a rewrite that exist,
    and the rules whose discrepancies it excuses."""
    names = {r.name for r in REWRITES}
    stale = [pair for pair in KNOWN_FAILURES if pair[0] not in CASES or pair[1] not in names]
    assert not stale, f"KNOWN_FAILURES entries for no fixture or rewrite: {stale}"
    vague = [pair for pair, reason in KNOWN_FAILURES.items() if not re.search(r"FLK\d{3}", reason)]
    assert not vague, f"KNOWN_FAILURES reasons that name no rule: {vague}"


# A view that can end without a return (FLK107) and reads the request.
NOT_VACUOUS = '''\
from flask import Flask, request

app = Flask(__name__)


@app.route("/maybe")
def maybe():
    if request.args:
        return "ok"
'''


def test_comparison_sees_a_changing_rewrite(workdir: str) -> None:
    """The comparison is not vacuous: a rewrite that changes what the code
    does (a final ``return`` in a view that could end without one) is seen,
    as a lost finding when it is checked as if it preserved behaviour, while
    a rewrite that does preserve it (aliased imports) is not."""
    project = unparsed(Project("not_vacuous", {"app.py": NOT_VACUOUS}, {}, {}))
    base = lint(project.files, project.others, project.options, workdir)
    target: Key = next(key_of(loc) for loc in base if loc.finding.code == "FLK107")
    changing = Rewrite("guard-final-return", False, frozenset({"FLK107"}), add_guard("final"))
    result = changing.apply(project, base)
    assert isinstance(result, Rewritten) and result.gone == Counter({target: 1})
    found = lint(result.files, project.others, project.options, workdir)
    assert compare(changing, base, found, result) == []
    as_if_preserving = Rewrite(changing.name, True, changing.rules, changing.apply)
    assert ("lost", target, 1) in compare(as_if_preserving, base, found, result)
    # and the same view aliased (flask imported as something else) keeps it
    aliased = Rewrite("alias-imports", True, frozenset({"FLK107"}), alias_imports)
    renamed = aliased.apply(project, base)
    assert renamed is not None and "request as" in renamed.files["app.py"]
    assert compare(aliased, base, lint(renamed.files, {}, {}, workdir), renamed) == []


def test_zz_report_pairs() -> None:
    """Prints how many (finding, rewrite) pairs the run checked (pytest -s)."""
    if not RAN:
        pytest.skip("no metamorphic case ran")
    total = sum(PAIRS.values())
    lines = [f"{name:24s} {PAIRS[name]:5d} pairs over {RAN[name]} fixtures" for name in sorted(RAN)]
    print("\nmetamorphic pairs checked:\n" + "\n".join(lines) + f"\ntotal {total}")
    assert total > 0
