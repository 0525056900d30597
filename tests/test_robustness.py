"""Bad input gets one clear line and the run goes on; the analyser never
crashes, never runs the code it reads, and always gives the same answers."""

from __future__ import annotations

import marshal
import os
import random
import stat
import subprocess
import sys
import sysconfig
from pathlib import Path
from typing import List, Tuple

import pytest

from flask_lint.engine import AnalysisError, analyse
from flask_lint.families import FAMILIES
from flask_lint.index import CACHE_DIR, ProjectIndex, _load_cache, clear_indexes, code_fingerprint

EXTENSIONS = [ext for family in FAMILIES for ext in family.extensions]
FINGERPRINT = code_fingerprint(EXTENSIONS)

VIEW_WITH_BUG = """\
from flask import Flask

app = Flask(__name__)


@app.route("/")
def index():
    return "x", 700
"""


def run_cli(cwd: Path, *args: str, env_extra: dict = None) -> Tuple[int, str, str]:  # type: ignore[assignment]
    env = dict(os.environ)
    env.pop("FLASK_LINT_NO_CACHE", None)
    env.update(env_extra or {})
    proc = subprocess.run(
        [sys.executable, "-m", "flask_lint.cli", *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=300
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    assert "internal error" not in proc.stderr, proc.stderr
    return proc.returncode, proc.stdout, proc.stderr


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "setup.cfg").write_text("")
    (tmp_path / "app.py").write_text(VIEW_WITH_BUG)
    return tmp_path


def test_hostile_files_get_one_line_each_and_the_run_goes_on(project: Path) -> None:
    (project / "syntax.py").write_text("from flask import Flask\ndef broken(:\n")
    (project / "latin1_no_cookie.py").write_bytes(b"from flask import Flask\nx = '\xe9\xe8'\n")
    (project / "latin1_cookie.py").write_bytes(b"# -*- coding: latin-1 -*-\nfrom flask import Flask\nx = '\xe9'\n")
    (project / "bad_cookie.py").write_bytes(b"# -*- coding: no-such-codec -*-\nimport flask\n")
    (project / "nul.py").write_bytes(b"import flask\nx = 1\x00\n")
    (project / "deep.py").write_text("import flask\nx = " + "(" * 150 + "1" + ")" * 150 + "\n")
    (project / "chain.py").write_text("import flask\nx = " + " + ".join(["1"] * 20000) + "\n")
    (project / "deep_list.py").write_text("import flask\nx = " + "[" * 5000 + "]" * 5000 + "\n")
    code, out, err = run_cli(project, "--no-cache", ".")
    assert code == 1
    assert "app.py:8:5: FLK101" in out
    # Each file that could not be analysed is one FLK001 finding, saying why.
    for name, why in (
        ("syntax.py", "syntax error (line 2)"),
        ("latin1_no_cookie.py", "cannot decode as utf-8"),
        ("bad_cookie.py", "cannot decode"),
        ("nul.py", "null bytes"),
    ):
        (line,) = [line for line in out.splitlines() if name in line]
        assert ": FLK001 file not analysed: " in line and why in line, line
    # latin-1 with its cookie decodes fine: no complaint.
    assert "latin1_cookie.py" not in out + err
    assert err == ""


def test_unreadable_file_and_symlinks(project: Path) -> None:
    if os.geteuid() == 0:
        secret = None  # root reads everything; still check symlinks
    else:
        secret = project / "secret.py"
        secret.write_text("import flask\n")
        secret.chmod(0)
    (project / "loop").mkdir()
    os.symlink(project / "loop", project / "loop" / "again")
    outside = project.parent / f"{project.name}-outside"
    outside.mkdir()
    (outside / "far.py").write_text(VIEW_WITH_BUG)
    os.symlink(outside, project / "link_out")
    os.symlink(outside / "far.py", project / "far_link.py")
    os.symlink(project / "missing.py", project / "dangling.py")
    code, out, err = run_cli(project, "--no-cache", ".")
    assert code == 1
    assert "far.py" not in out and "link_out" not in out
    if secret is not None:
        assert len([line for line in out.splitlines() if "secret.py: FLK001 file not analysed: cannot read" in line]) == 1
        secret.chmod(stat.S_IRUSR | stat.S_IWUSR)


def test_big_generated_file(project: Path) -> None:
    body = "".join(f"def f{i}(x):\n    return x + {i}\n\n\n" for i in range(280000))
    big = project / "generated.py"
    big.write_text("import flask\n" + body)
    assert big.stat().st_size > 10 * 1024 * 1024  # a 10 MB generated module
    code, out, err = run_cli(project, "--no-cache", ".")
    assert code == 1 and "app.py" in out
    assert [line for line in out.splitlines() if "generated.py:1:1: FLK001 file not analysed: skipped:" in line and "MB" in line]


CYCLIC_DECORATORS = """\
from flask import Flask

app = Flask(__name__)


def ping(view):
    return pong(view)


def pong(view):
    return ping(view)


def itself(view):
    return itself(view)


@app.route("/a")
@ping
def a():
    return "x", 700


@app.route("/b")
@itself
def b():
    return "x", 700
"""


def test_decorators_calling_each_other_in_a_cycle_are_analysed(project: Path) -> None:
    # Once taken for "nested too deeply": the whole file went unanalysed.
    (project / "app.py").write_text(CYCLIC_DECORATORS)
    code, out, err = run_cli(project, "--no-cache", ".")
    assert err == ""
    assert "app.py:21:5: FLK101" in out and "app.py:27:5: FLK101" in out


def test_blueprint_registered_inside_a_lambda(project: Path) -> None:
    # Once an internal error: the guard search read a lambda's body as statements.
    (project / "app.py").write_text(
        "from flask import Blueprint, Flask\n\napp = Flask(__name__)\nbp = Blueprint('bp', __name__)\n"
        "register = lambda: app.register_blueprint(bp)\nregister()\n\n\n@bp.route('/')\ndef index():\n"
        "    return 'x', 700\n"
    )
    code, out, err = run_cli(project, "--no-cache", ".")
    assert err == "" and "internal error" not in out
    assert "app.py:11:5: FLK101" in out


def test_module_level_global_statement(project: Path) -> None:
    # Once an endless loop: `global x` at module level (legal, meaningless)
    # sent every lookup of x from the module scope back to the module scope.
    (project / "app.py").write_text(
        "from flask import Flask\n\nglobal started\nstarted = 1\nLIMIT = started + 1\n"
        "app = Flask(__name__)\n\n\n@app.route('/')\ndef index():\n    return 'x', 700\n"
    )
    code, out, err = run_cli(project, "--no-cache", ".")
    assert err == ""
    assert "app.py:11:5: FLK101" in out


def test_bad_cli_usage_is_one_line_exit_2(project: Path) -> None:
    for args in (["--select", "XYZ1"], ["--flask-max-app-routes", "zero"], ["no/such/path"]):
        code, _out, err = run_cli(project, *args)
        assert code == 2 and len(err.strip().splitlines()) == 1, (args, err)
    (project / "pyproject.toml").write_text("[tool.flask-lint]\nno-such-option = 1\n")
    code, _out, err = run_cli(project, ".")
    assert code == 2 and "no-such-option" in err and len(err.strip().splitlines()) == 1
    (project / "pyproject.toml").write_text("[tool.flask-lint\n")
    code, _out, err = run_cli(project, ".")
    assert code == 2 and "invalid TOML" in err


def test_analysis_never_executes_code(tmp_path: Path) -> None:
    marker = tmp_path / "executed.txt"
    (tmp_path / "setup.cfg").write_text("")
    payload = f"open({str(marker)!r}, 'w').write('ran')\n"
    (tmp_path / "evil.py").write_text("from flask import Flask\n" + payload + "app = Flask(__name__)\n")
    (tmp_path / "conftest.py").write_text(payload)
    (tmp_path / "setup.py").write_text(payload)
    run_cli(tmp_path, "--no-cache", ".")
    subprocess.run([sys.executable, "-m", "flake8", "--select", "FLK", "."], cwd=tmp_path, capture_output=True)
    assert not marker.exists()


# ------------------------------------------------------------------ cache


@pytest.fixture
def with_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FLASK_LINT_NO_CACHE", raising=False)


def _findings(root: Path) -> List[str]:
    clear_indexes()
    findings = analyse(str(root / "app.py"), index=ProjectIndex.build(str(root), FAMILIES))
    return [f.text for f in findings if f.code == "FLK101"]


def test_corrupt_or_truncated_cache_is_rebuilt(project: Path, with_cache: None) -> None:
    expected = _findings(project)
    cache = next((project / CACHE_DIR).glob("index-*"))
    header = cache.read_bytes().split(b"\n", 1)[0] + b"\n"
    for damage in (
        b"",
        b"{not json",
        header,  # the right code, no data
        header + b"\xff\xfe\x00",  # the right code, corrupt data
        header + marshal.dumps({"app.py": (1, 2, [])}),  # the right code, wrong shapes
        header + marshal.dumps([1, 2, 3]),
        cache.read_bytes()[:-40],  # truncated
    ):
        cache.write_bytes(damage)
        assert _findings(project) == expected
    assert _load_cache(str(project), FINGERPRINT)  # rewritten whole


def test_edited_file_is_never_served_stale(project: Path, with_cache: None) -> None:
    assert _findings(project)
    source = project / "app.py"
    stat_before = source.stat()
    source.write_text(VIEW_WITH_BUG.replace("700", "200"))
    os.utime(source, ns=(stat_before.st_atime_ns, stat_before.st_mtime_ns))  # same mtime
    assert _findings(project) == []


def test_blueprint_registration_added_elsewhere_is_seen(tmp_path: Path) -> None:
    (tmp_path / "setup.cfg").write_text("")
    (tmp_path / "views.py").write_text("from flask import Blueprint\nbp = Blueprint('v', __name__)\n")
    (tmp_path / "app.py").write_text("from flask import Flask\napp = Flask(__name__)\n")
    code, out, _ = run_cli(tmp_path, ".")
    assert code == 1 and "FLK303" in out
    registering = "from flask import Flask\nfrom views import bp\napp = Flask(__name__)\napp.register_blueprint(bp)\n"
    (tmp_path / "app.py").write_text(registering)
    code, out, _ = run_cli(tmp_path, ".")
    assert "FLK303" not in out


def test_read_only_project_still_lints(project: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root can write anywhere")
    project.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        code, out, _err = run_cli(project, ".")
        assert code == 1 and "FLK101" in out
    finally:
        project.chmod(stat.S_IRWXU)


def test_concurrent_cache_writers_leave_a_valid_cache(project: Path, with_cache: None) -> None:
    for i in range(20):
        (project / f"mod{i}.py").write_text(VIEW_WITH_BUG.replace("app = Flask", f"app{i} = Flask"))
    env = dict(os.environ)
    env.pop("FLASK_LINT_NO_CACHE", None)
    procs = [
        subprocess.Popen([sys.executable, "-m", "flask_lint.cli", "."], cwd=project, env=env, stdout=subprocess.PIPE)
        for _ in range(4)
    ]
    outputs = {p.communicate()[0] for p in procs}
    assert len(outputs) == 1
    assert len(_load_cache(str(project), FINGERPRINT)) == 21  # a whole, valid cache
    assert not list((project / CACHE_DIR).glob("*.tmp"))


# ------------------------------------------------------------ determinism


def test_runs_are_byte_identical_and_jobs_agree() -> None:
    fixtures = Path(__file__).parent / "fixtures" / "projects" / "factory"
    env = dict(os.environ, FLASK_LINT_NO_CACHE="1")
    outputs = set()
    for jobs in ("1", "2", "1"):
        proc = subprocess.run(
            [sys.executable, "-m", "flake8", "--isolated", "--select", "FLK", f"--jobs={jobs}", "."],
            cwd=fixtures, capture_output=True, text=True, env=env,
        )
        outputs.add(proc.stdout)
    assert len(outputs) == 1 and "FLK303" in outputs.pop()
    first = run_cli(fixtures, "--no-cache", ".")[1]
    assert first == run_cli(fixtures, "--no-cache", ".")[1]


# ------------------------------------------------------------- no crash


def _stdlib_sample(count: int) -> List[str]:
    stdlib = sysconfig.get_paths()["stdlib"]
    files = []
    for folder, dirs, names in os.walk(stdlib):
        dirs[:] = [d for d in dirs if d not in ("site-packages", "test", "tests", "idlelib")]
        files += [os.path.join(folder, n) for n in names if n.endswith(".py")]
    random.Random(1).shuffle(files)
    return sorted(files[:count])


def test_stdlib_sample_never_crashes() -> None:
    from flask_lint.index import summarise_bytes

    for path in _stdlib_sample(150):
        folder = os.path.dirname(path)
        with open(path, "rb") as handle:
            summarise_bytes(path, folder, handle.read(), EXTENSIONS)  # what the index does
        try:
            # An empty index: the stdlib has no project marker, and indexing
            # its whole tree per sampled folder would dominate the suite.
            analyse(path, index=ProjectIndex(folder, {}, families=FAMILIES))
        except AnalysisError as exc:
            # A one-line, reported failure is fine; an exception is not, nor
            # a runaway recursion on ordinary code (once passed off as
            # "nested too deeply", now reported as an internal error).
            assert "internal error" not in str(exc), (path, exc)


hypothesmith = pytest.importorskip("hypothesmith")


@pytest.mark.filterwarnings("ignore::SyntaxWarning")
def test_generated_programs_never_crash(tmp_path: Path) -> None:
    from hypothesis import HealthCheck, given, settings

    (tmp_path / "setup.cfg").write_text("")
    target = tmp_path / "gen.py"

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
    @given(hypothesmith.from_grammar())
    def check(code: str) -> None:
        text = "from flask import Flask, request, Blueprint\n" + code
        try:
            analyse(str(target), text=text, index=ProjectIndex(str(tmp_path), {}, families=FAMILIES))
        except AnalysisError as exc:
            assert "internal error" not in str(exc), exc

    check()
