"""The CLI's CI outputs: SARIF 2.1.0, GitHub annotations and stable JSON."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List, Tuple

import jsonschema
import pytest

from flask_lint.docs import DOCS_URL
from flask_lint.families import all_rules
from flask_lint.formats import github_annotations
from flask_lint.registry import Finding

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SCHEMA = os.path.join(HERE, "data", "sarif-schema-2.1.0.json")
FIXTURES = os.path.join(HERE, "fixtures")

APP = '''\
from flask import Blueprint, Flask

app = Flask(__name__)
orphan = Blueprint(
    "orphan",
    __name__,
)


@app.route("/")
def index():
    return {"message": "ça va, 東京"}, 999
'''
STATUS_LINE = 12
JSON_FIELDS = {"path", "line", "column", "end_line", "end_column", "code", "name", "message", "fix"}


def _run(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, FLASK_LINT_NO_CACHE="1")
    return subprocess.run(
        [sys.executable, "-m", "flask_lint.cli", "--select", "FLK101,FLK303", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "setup.cfg").write_text("")
    (tmp_path / "web").mkdir()
    (tmp_path / "web" / "app.py").write_text(APP, encoding="utf-8")
    return tmp_path


def _status_line_columns() -> Tuple[int, int]:
    """1-based start and end (exclusive) of the return statement, in characters."""
    line = APP.splitlines()[STATUS_LINE - 1]
    return line.index("return") + 1, len(line) + 1


def test_sarif_validates_against_the_official_schema(project: Path) -> None:
    proc = _run(project, "--format", "sarif", ".")
    assert proc.returncode == 1, proc.stderr
    log = json.loads(proc.stdout)
    with open(SCHEMA, encoding="utf-8") as handle:
        schema = json.load(handle)
    jsonschema.Draft4Validator.check_schema(schema)
    errors = sorted(jsonschema.Draft4Validator(schema).iter_errors(log), key=str)
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])
    assert log["version"] == "2.1.0"


def test_sarif_describes_every_rule(project: Path) -> None:
    log = json.loads(_run(project, "--format", "sarif", ".").stdout)
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["name"] == "flask-lint"
    by_id: Dict[str, Dict[str, Any]] = {r["id"]: r for r in driver["rules"]}
    assert list(by_id) == [r.code for r in all_rules()]
    levels = {"E": "error", "W": "warning", "C": "note", "R": "note", "I": "note"}
    for r in all_rules():
        descriptor = by_id[r.code]
        assert descriptor["name"] == r.name
        assert descriptor["shortDescription"]["text"] == (r.summary or r.message)
        assert descriptor["fullDescription"]["text"] and "\n" not in descriptor["fullDescription"]["text"]
        assert descriptor["helpUri"] == DOCS_URL.format(code=r.code)
        assert descriptor["helpUri"].endswith(f"docs/rules/{r.code}.md")
        assert descriptor["defaultConfiguration"] == {"enabled": r.default_enabled, "level": levels[r.severity]}


def test_sarif_results_have_precise_regions(project: Path) -> None:
    log = json.loads(_run(project, "--format", "sarif", ".").stdout)
    run = log["runs"][0]
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == project.resolve().as_uri() + "/"
    rules = run["tool"]["driver"]["rules"]
    results = {r["ruleId"]: r for r in run["results"]}
    assert set(results) == {"FLK101", "FLK303"}

    status = results["FLK101"]
    assert rules[status["ruleIndex"]]["id"] == "FLK101"
    assert status["level"] == "error"
    assert "999" in status["message"]["text"]
    location = status["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "web/app.py", "uriBaseId": "%SRCROOT%"}
    start, end = _status_line_columns()
    # Columns count characters (UTF-16 code units), not the UTF-8 bytes of "ç" and "東京".
    assert location["region"] == {"startLine": STATUS_LINE, "startColumn": start, "endLine": STATUS_LINE, "endColumn": end}

    blueprint = results["FLK303"]
    assert blueprint["level"] == "warning"
    assert blueprint["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 4,
        "startColumn": 10,
        "endLine": 7,
        "endColumn": 2,
    }


def test_sarif_without_findings_is_a_valid_empty_run(tmp_path: Path) -> None:
    (tmp_path / "setup.cfg").write_text("")
    (tmp_path / "ok.py").write_text("x = 1\n")
    proc = _run(tmp_path, "--format", "sarif", ".")
    assert proc.returncode == 0
    log = json.loads(proc.stdout)
    with open(SCHEMA, encoding="utf-8") as handle:
        jsonschema.validate(log, json.load(handle), cls=jsonschema.Draft4Validator)
    assert log["runs"][0]["results"] == []


def test_github_annotations(project: Path) -> None:
    proc = _run(project, "--format", "github", ".")
    assert proc.returncode == 1, proc.stderr
    lines = proc.stdout.splitlines()
    assert len(lines) == 2
    start, end = _status_line_columns()
    status = next(line for line in lines if "FLK101" in line)
    prefix = f"::error file=web/app.py,line={STATUS_LINE},col={start},endLine={STATUS_LINE},endColumn={end},"
    assert status.startswith(prefix + "title=FLK101 invalid-status-code::status 999 "), status
    # A region over several lines: GitHub takes columns only on one line.
    blueprint = next(line for line in lines if "FLK303" in line)
    assert blueprint.startswith("::warning file=web/app.py,line=4,endLine=7,title=FLK303 unregistered-blueprint::")


def test_github_annotations_escape_workflow_command_syntax() -> None:
    finding = Finding(3, 4, "FLK101", "50% off,\nreally: yes", 3, 9)
    (line,) = github_annotations([("odd,name:1.py", finding)])
    assert line == (
        "::error file=odd%2Cname%3A1.py,line=3,col=5,endLine=3,endColumn=10,"
        "title=FLK101 invalid-status-code::50%25 off,%0Areally: yes"
    )


def test_json_fields_are_stable(project: Path) -> None:
    proc = _run(project, "--format", "json", ".")
    payload: List[Dict[str, Any]] = json.loads(proc.stdout)
    assert {item["code"] for item in payload} == {"FLK101", "FLK303"}
    for item in payload:
        assert set(item) == JSON_FIELDS
    status = next(item for item in payload if item["code"] == "FLK101")
    assert status["path"] == os.path.join(".", "web", "app.py")
    assert (status["line"], status["column"], status["end_line"]) == (STATUS_LINE, 5, STATUS_LINE)
    assert status["name"] == "invalid-status-code"


def test_readme_documents_the_formats() -> None:
    readme = open(os.path.join(ROOT, "README.md"), encoding="utf-8").read()
    for field in JSON_FIELDS:
        assert f"`{field}`" in readme, field
    for text in ("--format sarif", "--format github", "github/codeql-action/upload-sarif", "security-events: write"):
        assert text in readme, text
    assert re.search(r"pip install [\"']?flake8-flask-lint", readme)


def test_every_message_is_one_line_for_editors(tmp_path: Path) -> None:
    """Editors show a finding as a tooltip or a problems-panel row."""
    shutil.copytree(FIXTURES, tmp_path / "fixtures", ignore=shutil.ignore_patterns("__pycache__", ".flask-lint-cache"))
    (tmp_path / "fixtures" / "setup.cfg").write_text("")
    env = dict(os.environ, FLASK_LINT_NO_CACHE="1")
    proc = subprocess.run(
        [sys.executable, "-m", "flask_lint.cli", "--select", "FLK", "--format", "json", "."],
        cwd=tmp_path / "fixtures",
        capture_output=True,
        text=True,
        env=env,
    )
    payload = json.loads(proc.stdout)
    assert {item["code"] for item in payload} >= {"FLK101", "FLK303"}
    for item in payload:
        message = item["message"]
        assert "\n" not in message and "\r" not in message and message == message.strip(), item


def _readme_yaml_blocks() -> List[Any]:
    import yaml

    readme = open(os.path.join(ROOT, "README.md"), encoding="utf-8").read()
    return [yaml.safe_load(block) for block in re.findall(r"```yaml\n(.*?)```", readme, re.DOTALL)]


def test_readme_workflow_uploads_the_sarif_it_writes(project: Path) -> None:
    """The documented GitHub Actions workflow, step by step."""
    (workflow,) = [b for b in _readme_yaml_blocks() if isinstance(b, dict) and "jobs" in b]
    assert workflow["permissions"]["security-events"] == "write"
    steps = workflow["jobs"]["flask-lint"]["steps"]
    runs = [step["run"] for step in steps if "run" in step]
    assert "pip install flake8-flask-lint" in runs
    (command,) = [r for r in runs if r.startswith("flask-lint ")]
    (upload,) = [step for step in steps if step.get("uses", "").startswith("github/codeql-action/upload-sarif@")]
    assert command.endswith(f"> {upload['with']['sarif_file']}")
    # The command, as the runner's shell runs it, from the repository root.
    env = dict(os.environ, FLASK_LINT_NO_CACHE="1", PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"])
    proc = subprocess.run(command, shell=True, cwd=project, capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr  # --exit-zero: the upload step runs
    log = json.loads((project / upload["with"]["sarif_file"]).read_text())
    with open(SCHEMA, encoding="utf-8") as handle:
        jsonschema.validate(log, json.load(handle), cls=jsonschema.Draft4Validator)
    assert {r["ruleId"] for r in log["runs"][0]["results"]} >= {"FLK101", "FLK303"}


def test_readme_pre_commit_snippets() -> None:
    hooks = {}
    for block in _readme_yaml_blocks():
        if isinstance(block, dict) and "repos" in block:
            for repo in block["repos"]:
                for hook in repo["hooks"]:
                    hooks[hook["id"]] = (repo["repo"], hook)
    assert set(hooks) >= {"flask-lint", "flake8", "pylint"}
    assert hooks["flask-lint"][0].endswith("/flask-lint")
    assert any("flake8-flask-lint" in dep for dep in hooks["flake8"][1]["additional_dependencies"])
    repo, pylint = hooks["pylint"]
    assert repo == "local" and pylint["language"] == "system" and pylint["require_serial"] is True
    assert "--load-plugins=flask_lint.pylint_plugin" in pylint["args"]
