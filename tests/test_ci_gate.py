"""The command as a CI gate: baselines, --statistics, the GitLab and JUnit
reports, unknown codes and standard input (issue 18)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import List, Set, Tuple

import jsonschema
import pytest
from junitparser import Failure, JUnitXml

from flask_lint.cli import FORMATS as CLI_FORMATS
from flask_lint.formats import FORMATS

HERE = os.path.dirname(os.path.abspath(__file__))
PROJECTS = os.path.join(HERE, "fixtures", "projects")
GITLAB_SCHEMA = os.path.join(HERE, "data", "gitlab-code-quality-report.schema.json")
Found = Set[Tuple[str, int, str]]
LINE_RE = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<code>FLK\d{3}) ")


def _env() -> dict:
    return dict(os.environ, FLASK_LINT_NO_CACHE="1")


def _run(cwd: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, capture_output=True, text=True, env=_env(), input=stdin, timeout=300
    )


def _cli(cwd: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return _run(cwd, "-m", "flask_lint.cli", *args, stdin=stdin)


def _found(output: str) -> Found:
    found: Found = set()
    for line in output.splitlines():
        if line.startswith(("[*] ", "No fixes available")):
            continue  # the closing count of fixable findings (see README, "Fixes")
        match = LINE_RE.match(line)
        assert match, f"not a finding line: {line!r}"
        found.add((os.path.normpath(match.group("path")), int(match.group("line")), match.group("code")))
    return found


def _flake8(cwd: Path, *args: str) -> Found:
    proc = _run(cwd, "-m", "flake8", "--isolated", "--select", "FLK", *args, ".")
    assert proc.returncode in (0, 1) and "Traceback" not in proc.stderr, proc.stderr
    return _found(proc.stdout)


def _pylint(cwd: Path, *args: str) -> Found:
    from flask_lint.families import all_rules

    names = ",".join(r.name for r in all_rules() if r.default_enabled)
    proc = _run(
        cwd, "-m", "pylint", "--load-plugins=flask_lint.pylint_plugin", "--disable=all", f"--enable={names}",
        "--score=n", "--msg-template={path}:{line}:{column}: {symbol} ", *args, "shop",
    )  # fmt: skip
    assert proc.returncode & 32 == 0 and "Traceback" not in proc.stderr, proc.stderr
    codes = {r.name: r.code for r in all_rules()}
    found: Found = set()
    for line in proc.stdout.splitlines():
        match = re.match(r"^(.+?):(\d+):\d+: ([a-z-]+) $", line)
        if match:
            found.add((os.path.normpath(match.group(1)), int(match.group(2)), codes[match.group(3)]))
    return found


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    """A copy of a fixture project with findings in several files."""
    root = tmp_path / "shop-project"
    shutil.copytree(os.path.join(PROJECTS, "responses_crossfile"), root, ignore=shutil.ignore_patterns("__pycache__"))
    return root


def _insert_lines_at_top(path: Path, count: int = 5) -> None:
    text = path.read_text()
    path.write_text("".join(f"# a comment that moves every line down ({n})\n" for n in range(count)) + text)


def _add_line_after(path: Path, anchor: str, new: str) -> int:
    """Insert ``new`` after the line holding ``anchor``; its line number."""
    lines = path.read_text().splitlines(keepends=True)
    (index,) = [i for i, line in enumerate(lines) if anchor in line]
    lines.insert(index + 1, new)
    path.write_text("".join(lines))
    return index + 2


# ------------------------------------------------------------------ baseline


def test_baseline_hides_todays_findings_and_reports_new_ones(shop: Path) -> None:
    before = _cli(shop, ".")
    assert before.returncode == 1
    today = _found(before.stdout)
    assert len(today) >= 8

    written = _cli(shop, "--write-baseline")
    assert written.returncode == 0, written.stderr
    assert written.stdout == ""
    assert written.stderr.startswith(f"flask-lint: wrote {len(today)} findings (")
    assert written.stderr.rstrip().endswith(" to .flask-lint-baseline.json")
    baseline = shop / ".flask-lint-baseline.json"

    clean = _cli(shop, "--baseline", baseline.name, ".")
    assert (clean.returncode, clean.stdout, clean.stderr) == (0, "", "")

    # Moving code keeps it hidden: never matched by line.
    for path in sorted(shop.rglob("*.py")):
        _insert_lines_at_top(path)
    moved = _cli(shop, "--baseline", baseline.name, ".")
    assert (moved.returncode, moved.stdout, moved.stderr) == (0, "", "")

    # One new bug, a second abort(302) in the function that has one: reported alone.
    views = shop / "shop" / "views.py"
    line = _add_line_after(views, "abort(302)  # expect: FLK104", "    abort(302)\n")
    new = _cli(shop, "--baseline", baseline.name, ".")
    assert new.returncode == 1
    assert _found(new.stdout) == {(os.path.join("shop", "views.py"), line, "FLK104")}

    # flake8 and pylint with --flask-baseline agree.
    assert _flake8(shop, f"--flask-baseline={baseline.name}") == {(os.path.join("shop", "views.py"), line, "FLK104")}
    assert _pylint(shop, f"--flask-baseline={baseline.name}") == {(os.path.join("shop", "views.py"), line, "FLK104")}
    # ... and without it they report everything, as before.
    assert len(_flake8(shop)) == len(today) + 1


def test_fixed_findings_are_summed_up_and_dropped_by_write_baseline(shop: Path) -> None:
    assert _cli(shop, "--write-baseline", "ci-baseline.json").returncode == 0
    entries = json.loads((shop / "ci-baseline.json").read_text())["findings"]
    views = shop / "shop" / "views.py"
    views.write_text(views.read_text().replace("abort(302)  # expect: FLK104", "abort(403)"))
    proc = _cli(shop, "--baseline", "ci-baseline.json", ".")
    assert (proc.returncode, proc.stdout) == (0, "")
    assert proc.stderr.splitlines() == [
        "flask-lint: 1 baselined finding no longer found (fixed?): "
        "'flask-lint --write-baseline ci-baseline.json' drops them"
    ]
    # A run over other files does not call their entries stale.
    proc = _cli(shop, "--baseline", "ci-baseline.json", "shop/auth.py")
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", "")

    assert _cli(shop, "--write-baseline", "ci-baseline.json").returncode == 0
    after = json.loads((shop / "ci-baseline.json").read_text())["findings"]
    assert [e for e in entries if e not in after] == [e for e in entries if e["code"] == "FLK104"]
    assert _cli(shop, "--baseline", "ci-baseline.json", ".").stderr == ""


def test_baseline_file_is_sorted_and_stable(shop: Path) -> None:
    assert _cli(shop, "--write-baseline").returncode == 0
    path = shop / ".flask-lint-baseline.json"
    first = path.read_bytes()
    data = json.loads(first)
    assert data["flask-lint-baseline"] == 1
    rows = data["findings"]
    assert rows == sorted(rows, key=lambda r: (r["file"], r["code"], r["scope"], r["message"]))
    assert all(set(r) == {"file", "code", "scope", "message", "count"} for r in rows)
    assert {r["file"] for r in rows} >= {"shop/views.py", "shop/hooks.py"}
    assert {"notes", "add_headers", "test_email"} <= {r["scope"] for r in rows}
    assert not any(re.search(r"\bline\b|\d+:\d+", json.dumps(r["scope"])) for r in rows)
    # Written again (lines moved, another order of arguments): the same bytes.
    for p in sorted(shop.rglob("*.py")):
        _insert_lines_at_top(p, 2)
    assert _cli(shop, "shop", ".", "--write-baseline").returncode == 0
    assert path.read_bytes() == first


@pytest.mark.parametrize("target", ["shop/views.py", "shop", "setup.cfg"])
def test_write_baseline_never_overwrites_what_is_not_a_baseline(shop: Path, target: str) -> None:
    before = {p: p.read_bytes() for p in shop.rglob("*") if p.is_file()}
    proc = _cli(shop, "--write-baseline", target, ".")
    assert proc.returncode == 2 and proc.stdout == ""
    (line,) = proc.stderr.splitlines()
    assert line.startswith(f"flask-lint: error: --write-baseline {target}: not a baseline file; not overwritten")
    assert {p: p.read_bytes() for p in shop.rglob("*") if p.is_file()} == before


def test_baseline_from_pyproject_with_a_partial_rewrite(shop: Path) -> None:
    (shop / "ci").mkdir()
    (shop / "pyproject.toml").write_text('[tool.flask-lint]\nbaseline = "ci/flask-lint.json"\n')
    # --write-baseline writes the configured file; the path is the pyproject's.
    assert _cli(shop, "--write-baseline").returncode == 0
    full = json.loads((shop / "ci" / "flask-lint.json").read_text())["findings"]
    sub = shop / "shop"
    proc = _cli(sub, ".")  # run from a subfolder: the same baseline applies
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", "")
    # Rewriting from one file keeps the other files' entries.
    assert _cli(shop, "shop/hooks.py", "--write-baseline").returncode == 0
    assert json.loads((shop / "ci" / "flask-lint.json").read_text())["findings"] == full


@pytest.mark.parametrize(
    "content, message",
    [
        (None, "cannot read the baseline: No such file or directory"),
        ("{", "not a flask-lint baseline: invalid JSON"),
        ('{"findings": []}', "not a flask-lint baseline (write one with --write-baseline)"),
        ('{"flask-lint-baseline": 1, "findings": [{"file": 1}]}', "not a flask-lint baseline: bad entry"),
    ],
)
def test_a_bad_baseline_is_one_line_in_every_frontend(shop: Path, content: str, message: str) -> None:
    if content is not None:
        (shop / "base.json").write_text(content)
    for proc, prefix, status in (
        (_cli(shop, "--baseline", "base.json", "."), "flask-lint: error: base.json: ", 2),
        (_run(shop, "-m", "flake8", "--flask-baseline", "base.json", "."), "flake8: flask-lint: base.json: ", 2),
        (_run(shop, "-m", "pylint", "--load-plugins=flask_lint.pylint_plugin", "--flask-baseline", "base.json", "shop"),
         "pylint: flask-lint: base.json: ", 32),
    ):  # fmt: skip
        assert proc.returncode == status, proc.stderr
        (line,) = proc.stderr.strip().splitlines()
        assert line.startswith(prefix) and message in line, line


def test_not_analysed_is_never_baselined(shop: Path) -> None:
    (shop / "shop" / "newer.py").write_text("def broken(:\n")
    assert _cli(shop, "--write-baseline").returncode == 0
    rows = json.loads((shop / ".flask-lint-baseline.json").read_text())["findings"]
    assert "FLK001" not in {r["code"] for r in rows}
    proc = _cli(shop, "--baseline", ".flask-lint-baseline.json", ".")
    assert proc.returncode == 1 and [c for _p, _l, c in _found(proc.stdout)] == ["FLK001"]


# ---------------------------------------------------------------- statistics


def test_statistics_count_each_code(shop: Path) -> None:
    proc = _cli(shop, "--statistics", ".")
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    findings = [line for line in lines if LINE_RE.match(line)]
    assert lines[-1].startswith("No fixes available")  # the closing count of fixable findings, after the table
    stats = lines[len(findings):-1]
    assert stats == [
        "1     FLK104 abort-unknown-code",
        "3     FLK107 view-may-return-none",
        "1     FLK109 after-request-returns-none",
        "1     FLK110 before-request-returns-non-response",
        "2     FLK112 response-not-returned",
        f"{len(findings)} findings in 3 files",
    ]


def test_statistics_keep_machine_formats_valid(shop: Path) -> None:
    proc = _cli(shop, "--statistics", "--format", "json", ".")
    assert len(json.loads(proc.stdout)) == 8
    assert proc.stderr.splitlines()[-1] == "8 findings in 3 files"


def test_every_format_is_offered_by_the_command() -> None:
    assert CLI_FORMATS == FORMATS


# -------------------------------------------------------------------- gitlab


def _gitlab(cwd: Path) -> list:
    proc = _cli(cwd, "--format", "gitlab", ".")
    assert proc.returncode == 1, proc.stderr
    assert not proc.stdout.startswith("\ufeff")  # GitLab's parser rejects a byte order mark
    return json.loads(proc.stdout)


def test_gitlab_report_validates_against_the_documented_format(shop: Path) -> None:
    report = _gitlab(shop)
    with open(GITLAB_SCHEMA, encoding="utf-8") as handle:
        schema = json.load(handle)
    jsonschema.Draft7Validator.check_schema(schema)
    errors = list(jsonschema.Draft7Validator(schema).iter_errors(report))
    assert not errors, [e.message for e in errors[:5]]
    assert len(report) == 8
    hook = next(issue for issue in report if issue["check_name"] == "FLK109")
    assert hook["location"] == {"path": "shop/hooks.py", "lines": {"begin": 4, "end": 4}}
    assert hook["severity"] == "critical"
    assert hook["description"].startswith("FLK109 after-request-returns-none: ")
    assert len({issue["fingerprint"] for issue in report}) == len(report)


def test_gitlab_fingerprints_survive_moving_code(shop: Path) -> None:
    views = shop / "shop" / "views.py"
    _add_line_after(views, "abort(302)  # expect: FLK104", "    abort(302)\n")
    before = _gitlab(shop)
    for path in sorted(shop.rglob("*.py")):
        _insert_lines_at_top(path, 3)
    after = _gitlab(shop)
    assert [i["fingerprint"] for i in after] == [i["fingerprint"] for i in before]
    assert [i["location"]["lines"]["begin"] for i in after] == [i["location"]["lines"]["begin"] + 3 for i in before]
    # Two instances of one bug in one function: two fingerprints.
    aborts = [i["fingerprint"] for i in after if i["check_name"] == "FLK104"]
    assert len(aborts) == len(set(aborts)) == 2


# --------------------------------------------------------------------- junit


def test_junit_report_reads_in_junitparser(shop: Path, tmp_path: Path) -> None:
    proc = _cli(shop, "--format", "junit", ".")
    assert proc.returncode == 1
    report = tmp_path / "report.xml"
    report.write_text(proc.stdout, encoding="utf-8")
    xml = JUnitXml.fromfile(str(report))
    suites = list(xml)
    assert sorted(s.name for s in suites) == ["shop/auth.py", "shop/hooks.py", "shop/views.py"]
    cases = [(suite.name, case) for suite in suites for case in suite]
    assert len(cases) == 8 and xml.failures == 8 and xml.tests == 8
    for suite_name, case in cases:
        (failure,) = case.result
        assert isinstance(failure, Failure)
        assert failure.type == case.name.split()[0] and failure.message
        assert case.classname == suite_name
    abort = next(case for _s, case in cases if case.name.startswith("FLK104"))
    assert abort.name == "FLK104 abort-unknown-code at line 94, column 9"
    assert abort.result[0].text.startswith("shop/views.py:94:9: FLK104 ")


def test_junit_report_of_a_clean_run_has_one_passing_case(tmp_path: Path) -> None:
    (tmp_path / "setup.cfg").write_text("")
    (tmp_path / "ok.py").write_text("x = 1\n")
    proc = _cli(tmp_path, "--format", "junit", ".")
    assert proc.returncode == 0
    (tmp_path / "report.xml").write_text(proc.stdout)
    xml = JUnitXml.fromfile(str(tmp_path / "report.xml"))
    cases = [case for suite in xml for case in suite]
    assert len(cases) == 1 and cases[0].is_passed and xml.failures == 0


# ------------------------------------------------------ usage and standard input


@pytest.mark.parametrize("args", [["--select", "FLK999"], ["--extend-select", "FLK9"], ["--ignore", "FLK100"]])
def test_a_code_no_rule_has_is_a_usage_error(shop: Path, args: List[str]) -> None:
    proc = _cli(shop, *args, ".")
    assert (proc.returncode, proc.stdout) == (2, "")
    (line,) = proc.stderr.splitlines()
    assert line.startswith("flask-lint: error: unknown ") and repr(args[1]) in line and "'flask-lint rules'" in line


def test_a_code_no_rule_has_in_pyproject_is_a_usage_error(shop: Path) -> None:
    (shop / "pyproject.toml").write_text('[tool.flask-lint]\nselect = ["FLK1", "FLK999"]\n')
    proc = _cli(shop, ".")
    assert proc.returncode == 2 and "unknown rule code 'FLK999'" in proc.stderr


def test_stdin_is_linted_as_the_file_of_its_project(shop: Path) -> None:
    views = shop / "shop" / "views.py"
    edited = views.read_text().replace("abort(302)  # expect: FLK104", "abort(302)\n        abort(999)")
    proc = _cli(shop, "-", "--stdin-filename", "shop/views.py", stdin=edited)
    found = _found(proc.stdout)
    # The buffer's findings, under the name given; the blueprint it defines
    # is registered in another file of the project, as on disk.
    assert {(p, c) for p, _l, c in found} == {("shop/views.py", code) for code in ("FLK104", "FLK107", "FLK112")}
    assert len([c for _p, _l, c in found if c == "FLK104"]) == 2
    assert proc.returncode == 1 and proc.stderr == ""
    assert views.read_text() != edited  # nothing written


def test_stdin_options_and_exclusion(shop: Path) -> None:
    (shop / "pyproject.toml").write_text('[tool.flask-lint]\nexclude = ["generated"]\n')
    proc = _cli(shop, "-", "--stdin-filename", "generated/views.py", stdin="from flask import abort\nabort(302)\n")
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", "")
    proc = _cli(shop, "-", stdin="def broken(:\n")
    assert proc.returncode == 1 and proc.stdout.startswith("stdin:1:12: FLK001 file not analysed: syntax error")
    proc = _cli(shop, "-", "--format", "json", "--stdin-filename", "shop/x.py", stdin="from flask import abort\nabort(302)\n")
    assert [(p["path"], p["code"]) for p in json.loads(proc.stdout)] == [("shop/x.py", "FLK104")]
    for args in (["-", "shop"], ["--stdin-filename", "x.py", "shop"]):
        proc = _cli(shop, *args)
        assert proc.returncode == 2 and len(proc.stderr.splitlines()) == 1, proc.stderr


# -------------------------------------------------------------------- README


def test_readme_gitlab_job_writes_the_reports_it_declares(shop: Path) -> None:
    """The documented .gitlab-ci.yml job, its script run as the runner would."""
    import yaml

    readme = open(os.path.join(HERE, "..", "README.md"), encoding="utf-8").read()
    blocks = [yaml.safe_load(block) for block in re.findall(r"```yaml\n(.*?)```", readme, re.DOTALL)]
    (job,) = [b["flask-lint"] for b in blocks if isinstance(b, dict) and "artifacts" in b.get("flask-lint", {})]
    reports = job["artifacts"]["reports"]
    env = dict(_env(), PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"])
    statuses = []
    for command in job["script"]:
        if command.startswith("pip install"):
            continue
        proc = subprocess.run(command, shell=True, cwd=shop, capture_output=True, text=True, env=env)
        assert "Traceback" not in proc.stderr, proc.stderr
        statuses.append(proc.returncode)
    assert statuses == [0, 1]  # the report is always written; the second run fails the job on findings
    with open(GITLAB_SCHEMA, encoding="utf-8") as handle:
        jsonschema.validate(json.loads((shop / reports["codequality"]).read_text()), json.load(handle))
    xml = JUnitXml.fromfile(str(shop / reports["junit"]))
    assert xml.failures == 8


def test_readme_shows_the_baseline_workflow() -> None:
    readme = open(os.path.join(HERE, "..", "README.md"), encoding="utf-8").read()
    for text in ("--write-baseline", "--baseline .flask-lint-baseline.json", 'baseline = ".flask-lint-baseline.json"',
                 "--flask-baseline", "--statistics", "--format gitlab", "--format junit", "--add-noqa"):  # fmt: skip
        assert text in readme, text


def test_scopes_and_masked_line_numbers() -> None:
    from flask_lint.baseline import normal_message, scopes_of
    from flask_lint.registry import Finding

    source = (
        "import flask\n"                  # 1
        "\n"                              # 2
        "@decorate\n"                     # 3
        "def view():\n"                   # 4
        "    def inner():\n"              # 5
        "        return 1\n"              # 6
        "    return inner\n"              # 7
        "\n"                              # 8
        "class Api:\n"                    # 9
        "    @staticmethod\n"             # 10
        "    async def get():\n"          # 11
        "        pass\n"                  # 12
        "    x = 1\n"                     # 13
        "y = 2\n"                         # 14
    )  # fmt: skip
    findings = [Finding(line, 0, "FLK101", "m") for line in (1, 3, 4, 6, 7, 10, 12, 13, 14)]
    assert scopes_of(findings, source) == ["", "view", "view", "view.inner", "view", "Api.get", "Api.get", "Api", ""]
    assert scopes_of(findings, "def broken(:\n") == [""] * len(findings)
    assert normal_message("registered in pkg.views:12 and at pkg/app.py line 40 (line 3)") == (
        "registered in pkg.views:N and at pkg/app.py line N (line N)"
    )
