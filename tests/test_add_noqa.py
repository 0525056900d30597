"""``flask-lint --add-noqa``: comments that silence today's findings for
flask-lint and flake8 alike, without breaking a file."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest
from harness import discover, materialise

APP = """\
from flask import Flask, abort

app = Flask(__name__)


@app.route("/")
def index():
    abort(302)  # noqa: E501
    abort(302)  # keep this comment
    abort(302); abort(302)
    return "x", 700
"""


def _env() -> dict:
    return dict(os.environ, FLASK_LINT_NO_CACHE="1")


def _cli(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "flask_lint.cli", *args], cwd=cwd, capture_output=True, text=True, env=_env(), timeout=600
    )


def _flake8(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "flake8", "--isolated", "--select", "FLK", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=_env(),
        timeout=600,
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "setup.cfg").write_text("")
    return tmp_path


def test_every_fixture_is_silenced_and_still_parses(tmp_path: Path) -> None:
    """The acceptance test of issue 18: --add-noqa over every fixture leaves
    code that parses and that neither flask-lint nor flake8 flags."""
    sandbox = tmp_path / "all"
    cases = [materialise(case, str(sandbox)) for case in discover()]
    before = _cli(sandbox, "--select", "FLK", ".")
    assert before.returncode == 1 and before.stdout.count(": FLK") > 100
    added = _cli(sandbox, "--select", "FLK", "--add-noqa", ".")
    assert added.returncode == 0, added.stdout + added.stderr
    assert added.stdout == ""
    assert added.stderr.startswith("flask-lint: added noqa comments to "), added.stderr
    for case in cases:
        for rel in case.files():
            ast.parse((Path(case.root) / rel).read_bytes(), filename=rel)
    after = _cli(sandbox, "--select", "FLK", ".")
    assert (after.returncode, after.stdout) == (0, ""), after.stdout[:3000]
    flake8 = _flake8(sandbox, ".")
    assert (flake8.returncode, flake8.stdout) == (0, ""), flake8.stdout[:3000]
    again = _cli(sandbox, "--select", "FLK", "--add-noqa", ".")
    assert again.returncode == 0 and "added noqa comments to 0 lines in 0 files" in again.stderr


def test_merges_into_noqa_comments_and_keeps_crlf(project: Path) -> None:
    (project / "app.py").write_bytes(APP.replace("\n", "\r\n").encode())
    proc = _cli(project, "--add-noqa", ".")
    assert proc.returncode == 0, proc.stdout
    assert proc.stderr == "flask-lint: added noqa comments to 4 lines in 1 file\n"
    data = (project / "app.py").read_bytes()
    assert data.count(b"\r\n") == APP.count("\n") and b"\n" not in data.replace(b"\r\n", b"")
    lines = data.decode().splitlines()
    assert lines[7] == "    abort(302)  # noqa: E501, FLK104"
    assert lines[8] == "    abort(302)  # keep this comment  # noqa: FLK104"
    assert lines[9] == "    abort(302); abort(302)  # noqa: FLK104"
    assert lines[10] == '    return "x", 700  # noqa: FLK101'
    assert _cli(project, ".").stdout == "" and _flake8(project, ".").stdout == ""


def test_keeps_the_encoding_and_byte_order_mark(project: Path) -> None:
    latin = "# -*- coding: latin-1 -*-\nfrom flask import abort\n\nNAME = 'café'\nabort(302)\n"
    (project / "latin.py").write_bytes(latin.encode("latin-1"))
    (project / "bom.py").write_bytes(b"\xef\xbb\xbffrom flask import abort\r\nabort(302)\r\n")
    assert _cli(project, "--add-noqa", ".").returncode == 0
    assert (project / "latin.py").read_bytes() == latin.replace("abort(302)", "abort(302)  # noqa: FLK104").encode("latin-1")
    assert (project / "bom.py").read_bytes() == b"\xef\xbb\xbffrom flask import abort\r\nabort(302)  # noqa: FLK104\r\n"


def test_a_line_that_cannot_take_a_comment_is_reported(project: Path) -> None:
    source = (
        "from flask import Flask, abort\n"
        "\n"
        "app = Flask(__name__)\n"
        "\n"
        "\n"
        '@app.route("/")\n'
        "def index():\n"
        "    return '''<p>\n"
        "%d</p>''' % abort(302), \\\n"
        "        700\n"
    )
    (project / "app.py").write_text(source)
    before = _cli(project, ".").stdout
    proc = _cli(project, "--add-noqa", ".")
    assert proc.returncode == 1
    reported = proc.stdout.splitlines()
    # FLK104 is on line 9, which continues with a backslash, and the
    # statement's first line ends inside the string: no line of it can take
    # a comment within the finding. FLK101 ends on line 10, which can.
    assert [line.split(" [")[0] for line in reported] == [line for line in before.splitlines() if "FLK104" in line]
    assert reported[0].endswith(
        "[no noqa comment added: its line cannot take a comment (inside a multi-line string or after a line continuation)]"
    )
    text = (project / "app.py").read_text()
    ast.parse(text)
    assert text == source.replace("        700\n", "        700  # noqa: FLK101\n")
    assert "FLK101" not in _cli(project, ".").stdout
    assert proc.stderr == "flask-lint: added noqa comments to 1 line in 1 file; 1 finding left\n"


def test_files_not_analysed_get_no_comment(project: Path) -> None:
    (project / "broken.py").write_text("def broken(:\n")
    proc = _cli(project, "--add-noqa", ".")
    assert proc.returncode == 1
    assert proc.stdout.endswith("[no noqa comment added: the file was not analysed: fix it or exclude it]\n")
    assert (project / "broken.py").read_text() == "def broken(:\n"


def test_add_noqa_refuses_stdin_and_write_baseline(project: Path) -> None:
    for args in (["--add-noqa", "-"], ["--add-noqa", "--write-baseline"]):
        proc = _cli(project, *args)
        assert proc.returncode == 2 and "--add-noqa edits files" in proc.stderr
