"""FLK001 file-not-analysed: no file is skipped in silence.

A file the command cannot read, decode or parse is a finding in every
output format and in the exit status, unless it is excluded; flake8 and
pylint report a file they cannot parse themselves, so the plugins do not.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import List, Optional, Tuple

import jsonschema
import pytest

from flask_lint import engine
from flask_lint.flake8_plugin import Plugin
from flask_lint.source import NEWER_SYNTAX

HERE = os.path.dirname(os.path.abspath(__file__))
SARIF_SCHEMA = os.path.join(HERE, "data", "sarif-schema-2.1.0.json")
APP = 'from flask import Flask\n\napp = Flask(__name__)\n\n\n@app.route("/")\ndef index():\n    return "x", 700\n'

# A line of each syntax NEWER_SYNTAX knows, newest first.
SAMPLES = {
    (3, 14): "greeting = t'hello {name}'\n",
    (3, 13): "def first[T = int](items: list[T]) -> T:\n    return items[0]\n",
    (3, 12): "type UserId = int\n",
    (3, 11): "try:\n    pass\nexcept* ValueError:\n    pass\n",
}


def _newer_sample() -> Optional[Tuple[str, str]]:
    """Source using syntax newer than this Python, and the release it needs."""
    for version, text in SAMPLES.items():
        if version > sys.version_info[:2]:
            return text, f"{version[0]}.{version[1]}"
    return None


def _env() -> dict:
    return dict(os.environ, FLASK_LINT_NO_CACHE="1")


def _cli(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "flask_lint.cli", *args], cwd=cwd, capture_output=True, text=True, env=_env()
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text('[tool.flask-lint]\nexclude = ["legacy"]\n')
    (tmp_path / "web").mkdir()
    (tmp_path / "web" / "app.py").write_text(APP)
    (tmp_path / "web" / "broken.py").write_text("from flask import Flask\n\n\ndef broken(:\n    pass\n")
    (tmp_path / "legacy").mkdir()
    (tmp_path / "legacy" / "old.py").write_text("print 'python 2'\n")
    return tmp_path


def test_newer_syntax_exits_1_and_names_the_python_to_use(project: Path) -> None:
    sample = _newer_sample()
    if sample is None:
        pytest.skip("this Python parses every syntax flask-lint knows of")
    text, needed = sample
    (project / "web" / "models.py").write_text(text)
    proc = _cli(project, "web/models.py")
    assert proc.returncode == 1, proc.stderr
    (line,) = proc.stdout.splitlines()
    assert line.startswith("web/models.py:") and ": FLK001 file not analysed: syntax error (line " in line, line
    running = f"{sys.version_info[0]}.{sys.version_info[1]}"
    assert f"flask-lint runs on Python {running}: run flask-lint with Python {needed} or newer" in line, line
    assert proc.stderr == ""


@pytest.mark.parametrize("version", sorted(SAMPLES), ids=lambda v: f"{v[0]}.{v[1]}")
def test_every_sample_is_what_its_release_added(version: Tuple[int, int]) -> None:
    """The samples really are syntax of that release (checked where it is
    new), and NEWER_SYNTAX recognises each as what it is."""
    from flask_lint.source import SourceError, read_source

    text = SAMPLES[version]
    if sys.version_info[:2] >= version:
        ast.parse(text)
        return
    with pytest.raises(SourceError, match=rf"run flask-lint with Python {version[0]}\.{version[1]} or newer"):
        read_source("sample.py", text)
    assert {v for v, _what, _pattern in NEWER_SYNTAX} >= {version}


@pytest.mark.parametrize(
    "clause", ["except Exception, e:", "except socket.error, err:", "except (ValueError, KeyError), exc:"]
)
def test_python_2_except_is_named_python_2_not_a_newer_python(clause: str) -> None:
    """Python 2's ``except Error, name:`` is not 3.14's unparenthesised
    except: telling its owner to upgrade Python would be wrong advice."""
    from flask_lint.source import SourceError, read_source

    text = f"try:\n    pass\n{clause}\n    pass\n"
    if sys.version_info[:2] >= (3, 14) and "(" not in clause:
        ast.parse(text)  # 3.14 reads it as two exception types
        return
    with pytest.raises(SourceError, match="looks like Python 2 code") as raised:
        read_source("legacy.py", text)
    assert "run flask-lint with Python" not in str(raised.value)


def test_a_plain_syntax_error_says_where_without_a_python_hint(project: Path) -> None:
    proc = _cli(project, ".")
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    broken = [line for line in lines if "broken.py" in line]
    assert broken == [
        f"{os.path.join('.', 'web', 'broken.py')}:4:12: FLK001 file not analysed: syntax error (line 4): invalid syntax"
    ], lines
    # legacy/ is excluded: never read, never reported.
    assert not [line for line in lines if "legacy" in line]
    assert any("FLK101" in line for line in lines)


def test_not_analysed_is_reported_whatever_the_selection(project: Path) -> None:
    proc = _cli(project, "--select", "FLK3", "web/broken.py")
    assert proc.returncode == 1 and "FLK001" in proc.stdout
    proc = _cli(project, "--ignore", "FLK001", "web/broken.py")
    assert (proc.returncode, proc.stdout) == (0, "")


def test_a_named_excluded_file_is_exempt(project: Path) -> None:
    proc = _cli(project, "legacy/old.py")
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", "")


def test_every_format_includes_it(project: Path) -> None:
    payload = json.loads(_cli(project, "--format", "json", "web/broken.py").stdout)
    assert [(p["code"], p["name"], p["line"]) for p in payload] == [("FLK001", "file-not-analysed", 4)]

    proc = _cli(project, "--format", "sarif", "web/broken.py")
    assert proc.returncode == 1
    log = json.loads(proc.stdout)
    with open(SARIF_SCHEMA, encoding="utf-8") as handle:
        jsonschema.validate(log, json.load(handle), cls=jsonschema.Draft4Validator)
    (result,) = log["runs"][0]["results"]
    assert result["ruleId"] == "FLK001" and result["level"] == "error"
    assert log["runs"][0]["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == "FLK001"

    github = _cli(project, "--format", "github", "web/broken.py").stdout
    assert github.startswith("::error file=web/broken.py,line=4,col=12,title=FLK001 file-not-analysed::file not analysed")

    (issue,) = json.loads(_cli(project, "--format", "gitlab", "web/broken.py").stdout)
    assert (issue["check_name"], issue["severity"], issue["location"]["path"]) == ("FLK001", "critical", "web/broken.py")

    junit = _cli(project, "--format", "junit", "web/broken.py")
    assert junit.returncode == 1
    assert '<failure message="file not analysed: syntax error (line 4): invalid syntax" type="FLK001">' in junit.stdout


def test_rules_and_explain_list_it(project: Path) -> None:
    rules = _cli(project, "rules").stdout.splitlines()
    assert rules[0].split() == ["FLK001", "E9001", "file-not-analysed", "fix:none", "files"]
    assert _cli(project, "explain", "file-not-analysed").stdout.startswith("# FLK001 file-not-analysed\n")


def test_flake8_does_not_duplicate_e999(project: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "flake8", "--isolated", "--select", "E999,FLK", "web/broken.py"],
        cwd=project,
        capture_output=True,
        text=True,
        env=_env(),
    )
    assert proc.returncode == 1
    codes = [line.split()[1] for line in proc.stdout.splitlines()]
    assert codes == ["E999"], proc.stdout
    assert proc.stderr == ""


def test_pylint_reports_its_own_syntax_error(project: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "pylint", "--load-plugins=flask_lint.pylint_plugin", "--score=n", "--disable=all",
         "--enable=syntax-error,file-not-analysed", "web/broken.py"],
        cwd=project,
        capture_output=True,
        text=True,
        env=_env(),
    )  # fmt: skip
    assert "(syntax-error)" in proc.stdout and "file-not-analysed" not in proc.stdout, proc.stdout


def test_plugins_report_what_they_parsed_but_could_not_analyse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file flake8 parsed but flask-lint will not analyse (over the size
    limit) is FLK001, not a line on stderr."""
    (tmp_path / "setup.cfg").write_text("")
    path = tmp_path / "app.py"
    path.write_text(APP)
    monkeypatch.setattr(engine, "MAX_FILE_BYTES", 10)
    lines: List[str] = APP.splitlines(keepends=True)
    found = list(Plugin(ast.parse(APP), str(path), lines).run())
    assert [(line, text.split()[0]) for line, _col, text, _type in found] == [(1, "FLK001")]
    assert "over the 0 MB analysis limit" in found[0][2]


def test_project_templates_are_not_python(tmp_path: Path) -> None:
    """A cookiecutter template's ``.py`` files are Jinja until rendered:
    neither the command nor the index reads them, so no FLK001 for them."""
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "app.py").write_text(APP)
    template = tmp_path / "contrib" / "{{cookiecutter.project}}" / "{{cookiecutter.package}}"
    template.mkdir(parents=True)
    (template / "views.py").write_text("{% if cookiecutter.views %}\nfrom flask import Blueprint\n{% endif %}\n")
    (tmp_path / "contrib" / "{{cookiecutter.module}}.py").write_text("import {{cookiecutter.package}}\n")
    result = _cli(tmp_path, "--format", "json", ".")
    codes = [(f["path"], f["code"]) for f in json.loads(result.stdout)]
    assert codes == [("./app.py", "FLK101")], result.stderr
