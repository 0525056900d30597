"""Linting many files at once (flask_lint/batch.py) gives exactly the
answers of linting them one by one, and the findings cache never serves a
stale answer."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import Dict, Iterator, List, Tuple

import pytest
from harness import PROJECTS

from flask_lint import batch, engine, filecheck, index
from flask_lint.cli import iter_files
from flask_lint.config import Config
from flask_lint.families import FAMILIES, all_rules

CONFIG = Config(enabled=frozenset(r.code for r in all_rules()))
Answers = Dict[str, object]

VIEWS = """\
from flask import Blueprint

bp = Blueprint("shop", __name__)


@bp.route("/")
def index():
    return "shop", 700
"""
APP = """\
from flask import Flask

from shop.views import bp

app = Flask(__name__)
app.register_blueprint(bp)
"""
HELPERS = "def slug(text):\n    return text.lower()\n"


@pytest.fixture(autouse=True)
def fresh_indexes() -> Iterator[None]:
    index.clear_indexes()
    yield
    index.clear_indexes()


def one_by_one(files: List[str]) -> Answers:
    """What the command did before: read, parse and analyse each file."""
    from flask_lint.source import read_source

    out: Answers = {}
    for path in files:
        try:
            source = read_source(path)
            out[path] = engine.analyse(path, CONFIG, tree=source.tree, text=source.text, families=FAMILIES, use_cache=False)
        except Exception as exc:  # noqa: B902
            out[path] = f"{type(exc).__name__}: {exc}"
    return out


def batched(files: List[str], use_cache: bool) -> Answers:
    out: Answers = {}
    for result in batch.lint_files(files, CONFIG, use_cache=use_cache):
        out[result.path] = result.findings if result.error is None else f"{type(result.error).__name__}: {result.error}"
    return out


def project_files(root: Path) -> List[str]:
    return list(iter_files([str(root)], []))


@pytest.mark.parametrize("name", sorted(os.listdir(PROJECTS)))
def test_batch_gives_the_answers_of_one_by_one(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / name
    shutil.copytree(os.path.join(PROJECTS, name), root)
    files = project_files(root)
    expected = one_by_one(files)
    index.clear_indexes()
    assert batched(files, use_cache=False) == expected
    monkeypatch.delenv("FLASK_LINT_NO_CACHE", raising=False)
    for _ in ("cold", "warm"):
        index.clear_indexes()
        assert batched(files, use_cache=True) == expected


def _project(tmp_path: Path) -> Path:
    (tmp_path / "setup.cfg").write_text("")
    (tmp_path / "shop").mkdir()
    (tmp_path / "shop" / "__init__.py").write_text("")
    (tmp_path / "shop" / "views.py").write_text(VIEWS)
    (tmp_path / "shop" / "helpers.py").write_text(HELPERS)
    (tmp_path / "app.py").write_text(APP)
    return tmp_path


def _counting(monkeypatch: pytest.MonkeyPatch) -> List[str]:
    """Paths the checkers run on (kept model or full analysis)."""
    checked: List[str] = []
    real_check, real_analyse = filecheck.check_model, filecheck.analyse

    def check_model(path: str, *args: object, **kwargs: object) -> List[object]:
        checked.append(os.path.basename(path))
        return real_check(path, *args, **kwargs)  # type: ignore[arg-type]

    def analyse(path: str, *args: object, **kwargs: object) -> List[object]:
        checked.append(os.path.basename(path))
        return real_analyse(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(filecheck, "check_model", check_model)
    monkeypatch.setattr(filecheck, "analyse", analyse)
    return checked


def _run(root: Path) -> List[Tuple[str, int, str]]:
    index.clear_indexes()
    out = []
    for result in batch.lint_files(project_files(root), CONFIG, use_cache=True):
        assert result.error is None, result.error
        out += [(os.path.basename(result.path), f.line, f.code) for f in result.findings or ()]
    return sorted(out)


def test_findings_cache_rechecks_only_what_can_change(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FLASK_LINT_NO_CACHE", raising=False)
    root = _project(tmp_path)
    checked = _counting(monkeypatch)
    first = _run(root)
    assert ("views.py", 8, "FLK101") in first
    assert sorted(checked) == ["app.py", "views.py"]  # helpers.py cannot involve Flask

    checked.clear()
    assert _run(root) == first and checked == []  # nothing changed: all from the cache

    # An edit that leaves the module's cross-file facts alone: only it is checked.
    (root / "app.py").write_text(APP + "# a comment\n")
    checked.clear()
    assert _run(root) == first and checked == ["app.py"]

    # Facts that move (a line inserted above them) keep their order: other
    # files whose messages cite none of those lines are not checked again.
    (root / "shop" / "views.py").write_text("# a comment\n" + VIEWS)
    checked.clear()
    moved = _run(root)
    assert checked == ["views.py"]
    assert moved == [(name, line + 1 if name == "views.py" else line, code) for name, line, code in first]

    # Facts whose order changes: every file is checked again.
    (root / "shop" / "views.py").write_text(VIEWS.replace("bp = Blueprint", "other = Blueprint('x', __name__)\nbp = Blueprint"))
    checked.clear()
    _run(root)
    assert sorted(checked) == ["app.py", "views.py"]


@pytest.mark.parametrize("name", sorted(os.listdir(PROJECTS)))
def test_moved_lines_never_leave_a_stale_finding(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Lines inserted at the top of any one file: the warm run answers as a
    cold one does, messages citing that file's lines included."""
    monkeypatch.delenv("FLASK_LINT_NO_CACHE", raising=False)
    root = tmp_path / name
    shutil.copytree(os.path.join(PROJECTS, name), root)
    files = project_files(root)
    index.clear_indexes()
    batched(files, use_cache=True)
    for path in files:
        with open(path, "rb") as handle:
            data = handle.read()
        with open(path, "wb") as handle:
            handle.write(b"# moved\n\n" + data)
        index.clear_indexes()
        assert batched(files, use_cache=True) == one_by_one(files), path


def test_a_change_elsewhere_reaches_cached_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FLASK_LINT_NO_CACHE", raising=False)
    root = _project(tmp_path)
    assert ("views.py", 3, "FLK303") not in _run(root)
    (root / "app.py").write_text(APP.replace("app.register_blueprint(bp)\n", ""))
    assert ("views.py", 3, "FLK303") in _run(root)  # views.py itself did not change


def test_cache_of_other_options_or_code_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FLASK_LINT_NO_CACHE", raising=False)
    root = _project(tmp_path)
    _run(root)
    checked = _counting(monkeypatch)
    other = Config(max_app_routes=1, enabled=CONFIG.enabled)
    index.clear_indexes()
    list(batch.lint_files(project_files(root), other, use_cache=True))
    assert sorted(checked) == ["app.py", "views.py"]
    checked.clear()
    monkeypatch.setattr(index, "_CODE_FINGERPRINT", ["another version of flask-lint"])
    _run(root)
    assert sorted(checked) == ["app.py", "views.py"]


def test_index_cache_is_keyed_by_the_summary_extensions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Summaries cached before an extension was added, or under another
    version of it, are made again: they lack its facts or hold old ones."""
    from dataclasses import replace

    from flask_lint.summary import Extension

    monkeypatch.delenv("FLASK_LINT_NO_CACHE", raising=False)
    root = _project(tmp_path)
    index.ProjectIndex.build(str(root), FAMILIES)
    calls: List[str] = []
    version = ["1"]

    def probe(model: object) -> str:
        calls.append("probe")
        return version[0]

    def build() -> object:
        extension = Extension("probe", probe, version=version[0])
        families = (*FAMILIES[:-1], replace(FAMILIES[-1], extensions=(*FAMILIES[-1].extensions, extension)))
        return index.ProjectIndex.build(str(root), families).summary_for("app.py")["x:probe"]  # type: ignore[index]

    assert build() == "1" and calls
    calls.clear()
    assert build() == "1" and not calls  # from the cache
    version[0] = "2"
    assert build() == "2" and calls


def test_damaged_findings_cache_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FLASK_LINT_NO_CACHE", raising=False)
    root = _project(tmp_path)
    expected = _run(root)
    cache = next((root / index.CACHE_DIR).glob("findings-*.json"))
    for damage in (b"", b"{not json", b'{"entries": {"app.py": [1, 2]}}', b'{"entries": {"shop/views.py": ["x", "y", 3]}}'):
        cache.write_bytes(damage)
        assert _run(root) == expected


def test_file_outside_the_index_and_broken_files(tmp_path: Path) -> None:
    root = _project(tmp_path)
    (root / "build").mkdir()  # the index skips build/, the command lints what it is given
    generated = "from flask import Flask\napp = Flask(__name__)\n@app.route('/')\ndef i():\n    return '', 1000\n"
    (root / "build" / "gen.py").write_text(generated)
    (root / "broken.py").write_text("from flask import Flask\ndef broken(:\n")
    files = project_files(root) + [str(root / "build" / "gen.py")]
    expected = one_by_one(files)
    index.clear_indexes()
    assert batched(files, use_cache=False) == expected
    assert "SourceError" in str(expected[str(root / "broken.py")])


def test_flake8_precomputed_answer_needs_the_same_bytes(tmp_path: Path) -> None:
    root = _project(tmp_path)
    path = str(root / "shop" / "views.py")
    table = {}
    for result in batch.lint_files([path], Config(), use_cache=False):
        table[os.path.abspath(path)] = (result.digest, result.findings)
    assert batch.precomputed_findings(table, path, VIEWS) == table[os.path.abspath(path)][1]
    assert batch.precomputed_findings(table, path, VIEWS + "\n") is None
    assert batch.precomputed_findings(table, str(root / "app.py"), APP) is None


def test_one_index_build_for_flake8_jobs(tmp_path: Path) -> None:
    """flake8 forks its workers after parse_options: the index is built there once."""
    import subprocess

    root = _project(tmp_path)
    for n in range(6):
        (root / "shop" / f"page{n}.py").write_text(VIEWS.replace('"shop"', f'"page{n}"'))
    probe = (
        "import sys, flask_lint.index as ix\n"
        "real = ix.ProjectIndex.build.__func__\n"
        "def build(cls, *a, **k):\n"
        "    print('BUILD', file=sys.stderr)\n"
        "    return real(cls, *a, **k)\n"
        "ix.ProjectIndex.build = classmethod(build)\n"
        "from flake8.main.cli import main\n"
        "sys.argv[0] = 'flake8'\n"
        "sys.exit(main())\n"
    )
    env = dict(os.environ, FLASK_LINT_NO_CACHE="1")
    proc = subprocess.run(
        [sys.executable, "-c", probe, "--isolated", "--select", "FLK", "--jobs", "2", "."],
        cwd=root, capture_output=True, text=True, env=env,
    )
    assert proc.stderr.count("BUILD") == 1, proc.stderr
    assert proc.stdout.count("FLK101") == 7, proc.stdout


def test_summary_ident_survives_only_order_keeping_line_moves() -> None:
    from flask_lint.summary import Line, freeze_summary, summary_ident

    def summary(first: int, second: int, key_line: int, status: int = 404) -> dict:  # type: ignore[type-arg]
        return {
            "module": "shop.views",
            "routes": [["a", Line(first), status], ["b", Line(second), 200]],
            "calls": [[("new", "flask.Blueprint", f"shop.views:{key_line:06d}:0004"), Line(key_line)]],
        }

    before = summary(10, 20, 3)
    ident = summary_ident(before, freeze_summary(before))
    previous = (ident, freeze_summary(before))

    def ident_of(after: dict) -> str:  # type: ignore[type-arg]
        return summary_ident(after, freeze_summary(after), previous)

    assert ident_of(summary(12, 22, 5)) == ident  # everything moved down
    assert ident_of(summary(10, 25, 3)) == ident  # lines added between the two routes
    assert ident_of(summary(20, 10, 3)) != ident  # the routes swapped places
    assert ident_of(summary(10, 20, 30)) != ident  # the blueprint moved below the routes
    assert ident_of(summary(10, 20, 3, status=500)) != ident  # a fact changed


def test_checking_a_view_module_without_flask_keeps_the_project_answers(tmp_path: Path) -> None:
    """A module that never mentions Flask, whose functions another module
    registers as views, is checked with the summary the index made of it:
    the project-wide answers stay computed (they were recomputed once per
    such file, most of a cold run on a large project)."""
    (tmp_path / "setup.cfg").write_text("")
    (tmp_path / "pages.py").write_text("def home():\n    return 'home', 700\n")
    (tmp_path / "app.py").write_text(
        "from flask import Flask\n\nfrom pages import home\n\napp = Flask(__name__)\n"
        "app.add_url_rule('/', view_func=home)\n"
    )
    index.clear_indexes()
    project = index.get_index(str(tmp_path / "app.py"), FAMILIES, use_cache=False)
    computed: List[int] = []
    project.memoised("probe", lambda _index: computed.append(1))
    findings = engine.analyse(str(tmp_path / "pages.py"), CONFIG, index=project)
    project.memoised("probe", lambda _index: computed.append(1))
    assert [f.code for f in findings] == ["FLK101"]
    assert computed == [1]
