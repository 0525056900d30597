"""Fixes: ``flask-lint --fix``, ``--unsafe-fixes``, ``--diff`` and the fix
objects of the JSON and SARIF output.

Every fix is applied to every fixture (single files and projects): the fixed
code parses, the fixed findings are gone and no other finding appears, a
second ``--fix`` changes nothing, and ``--diff`` writes nothing.  The runtime
oracle then runs the fixed copies and no longer sees the effect the fixed
findings named.  The rest tests the machinery: encodings, BOM, line endings,
the final newline, overlapping fixes, a file changed between read and write.
"""

from __future__ import annotations

import ast
import io
import json
import os
import subprocess
import sys
from collections import Counter
from typing import Any, Dict, List, Tuple

import pytest
from harness import Case, discover, materialise

from flask_lint import cli, fixes
from flask_lint.docs import fix_kinds, rule_doc
from flask_lint.index import clear_indexes

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = discover()


def _run(root: str, options: Dict[str, str], *extra: str) -> Tuple[int, str]:
    out = io.StringIO()
    args = ["--select", "FLK", "--no-cache", "--jobs", "1", *extra]
    args += [f"--flask-{k}={v}" for k, v in options.items()]
    code = cli.lint(args + [root], out)
    return code, out.getvalue()


def _findings(root: str, options: Dict[str, str]) -> List[Dict[str, Any]]:
    _code, text = _run(root, options, "--format", "json")
    return json.loads(text)  # type: ignore[no-any-return]


def _snapshot(root: str) -> Dict[str, bytes]:
    out = {}
    for folder, _dirs, names in os.walk(root):
        for name in names:
            if name.endswith(".py"):
                with open(os.path.join(folder, name), "rb") as handle:
                    out[os.path.join(folder, name)] = handle.read()
    return out


def _fixed_copy(case: Case, sandbox: str) -> Tuple[Case, List[Dict[str, Any]]]:
    """The case copied and fixed (safe and unsafe fixes), with the findings
    it had before."""
    case = materialise(Case(case.name, case.source), sandbox)
    before = _findings(case.root, case.options)
    if any(f["fix"] for f in before):
        _run(case.root, case.options, "--fix", "--unsafe-fixes")
    return case, before


@pytest.mark.parametrize("name", [c.name for c in CASES])
def test_every_fix_on_every_fixture(name: str, tmp_path: Any) -> None:
    case = materialise(next(Case(c.name, c.source) for c in CASES if c.name == name), str(tmp_path))
    try:
        before = _findings(case.root, case.options)
        fixable = [f for f in before if f["fix"]]
        original = _snapshot(case.root)
        code, diff = _run(case.root, case.options, "--diff", "--unsafe-fixes")
        assert _snapshot(case.root) == original, "--diff wrote to a file"
        assert code == (1 if fixable else 0) and bool(diff) == bool(fixable), diff
        if not fixable:
            return
        for f in fixable:
            assert f["fix"]["applicability"] in ("safe", "unsafe") and f["fix"]["edits"], f
            documented = fix_kinds(rule_doc(f["code"]))
            assert f["fix"]["applicability"] in documented.split(", "), f"{f['code']}'s Fix section says {documented}"
        _run(case.root, case.options, "--fix", "--unsafe-fixes")
        fixed = _snapshot(case.root)
        assert fixed != original
        for path, data in fixed.items():
            ast.parse(data, filename=path)
        after = _findings(case.root, case.options)
        left = Counter(f["code"] for f in before if not f["fix"])
        assert Counter(f["code"] for f in after) == left, json.dumps(after, indent=1)
        assert not any(f["fix"] for f in after), "a fix offered again after --fix"
        code, diff = _run(case.root, case.options, "--diff", "--unsafe-fixes")
        assert code == 0 and not diff, diff
        _run(case.root, case.options, "--fix", "--unsafe-fixes")
        assert _snapshot(case.root) == fixed, "a second --fix changed the code"
    finally:
        clear_indexes()


# ------------------------------------------------------------------ oracle


def _oracle(path: str, project: bool) -> Dict[str, Any]:
    runner = os.path.join(HERE, "oracle", "run.py")
    command = [sys.executable, runner] + (["--project", path] if project else [path])
    cwd = path if project else os.path.dirname(path)
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    proc = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=600, env=env)
    assert proc.returncode == 0 and proc.stdout.strip(), proc.stderr[-3000:]
    return json.loads(proc.stdout)  # type: ignore[no-any-return]


# The fixtures whose findings carry a fix (FLK206's has none: its app has
# app-wide 404/405 handlers already; test_blueprint_handler_fix_under_flask
# covers it), and the fixture projects that have some.
FIXED_FIXTURES = [
    "FLK102", "FLK104", "FLK105", "FLK106", "FLK108", "FLK111", "FLK112", "FLK204", "FLK205", "FLK307", "FLK403",
    "projects/context_services", "projects/errors_factory_flagged", "projects/responses_crossfile",
]


def _line_map(old: str, new: str) -> Dict[int, int]:
    """Old line number -> new one, for the lines a fix kept or rewrote in
    place (an added import line shifts the lines below it)."""
    import difflib

    out: Dict[int, int] = {}
    matcher = difflib.SequenceMatcher(None, old.splitlines(), new.splitlines(), autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal" or (tag == "replace" and i2 - i1 == j2 - j1):
            out.update({i1 + k + 1: j1 + k + 1 for k in range(i2 - i1)})
    return out


@pytest.mark.parametrize("name", FIXED_FIXTURES)
def test_oracle_shows_the_repaired_behaviour(name: str, tmp_path: Any) -> None:
    """The fixed copy of a fixture, run under Flask: no line a fix repaired
    shows its rule's effect any more (the handler answers its 404, the view
    its status, the route registers, the stream keeps its context), and no
    line shows an effect it did not show before."""
    case = next(c for c in CASES if c.name == name)
    project = name.startswith("projects/")
    try:
        fixed, before = _fixed_copy(case, str(tmp_path))
    finally:
        clear_indexes()
    source_root = case.source if project else os.path.dirname(case.source)
    maps: Dict[str, Dict[int, int]] = {}
    for rel in fixed.files():
        original = os.path.join(source_root, rel)
        if os.path.exists(original):
            with open(original, encoding="utf-8") as old, open(os.path.join(fixed.root, rel), encoding="utf-8") as new:
                maps[rel] = _line_map(old.read(), new.read())

    def moved(where: str) -> str:
        rel, _, line = where.rpartition(":")
        return f"{rel}:{maps.get(rel, {}).get(int(line), -1)}"

    target = os.path.join(fixed.root, os.path.basename(case.source)) if not project else fixed.root
    old_report = _oracle(case.source, project=project)
    new_report = _oracle(target, project=project)
    repaired = [(f["code"], f"{os.path.relpath(f['path'], fixed.root)}:{f['line']}") for f in before if f["fix"]]
    assert repaired, f"{name} has no fixed finding"
    shown_before = [(code, where) for code, where in repaired if where in old_report["observed"].get(code, {})]
    assert shown_before, f"Flask showed none of the effects the fixes of {name} repair"
    for code, where in shown_before:
        assert moved(where) not in new_report["observed"][code], f"Flask still shows {code}'s effect at {where}"
    shown = {moved(line) for lines in old_report["observed"].values() for line in lines}
    for other, lines in new_report["observed"].items():
        appeared = sorted(set(lines) - shown)
        assert not appeared, f"after the fixes, Flask shows {other}'s effect on new lines: {appeared}"


BLUEPRINT_APP = (
    "from flask import Blueprint, Flask, jsonify\n"
    "\n"
    "app = Flask(__name__)\n"
    "api = Blueprint('api', __name__, url_prefix='/api')\n"
    "\n"
    "\n"
    "@api.errorhandler(404)\n"
    "def api_not_found(error):\n"
    "    return jsonify(error='not found'), 404\n"
    "\n"
    "\n"
    "@api.get('/items')\n"
    "def items():\n"
    "    return jsonify(items=[])\n"
    "\n"
    "\n"
    "@app.errorhandler(500)\n"
    "def server_error(error):\n"
    "    return jsonify(error='server error'), 500\n"
    "\n"
    "\n"
    "app.register_blueprint(api)\n"
)


def test_blueprint_handler_fix_under_flask(tmp_path: Any) -> None:
    """FLK206's unsafe fix: the blueprint's 404 handler made app-wide now
    answers an unknown URL under the prefix; the oracle sees it."""
    path = _write(tmp_path, "FLK206.py", BLUEPRINT_APP.encode())
    before = _oracle(path, project=False)["observed"]["FLK206"]
    assert "FLK206.py:7" in before
    try:
        assert cli.lint(["--no-cache", "--select", "FLK206", "--fix", path], io.StringIO()) == 1  # unsafe: not applied
        assert cli.lint(["--no-cache", "--select", "FLK206", "--fix", "--unsafe-fixes", path], io.StringIO()) == 0
    finally:
        clear_indexes()
    with open(path, encoding="utf-8") as handle:
        assert "@api.app_errorhandler(404)\n" in handle.read()
    assert _oracle(path, project=False)["observed"]["FLK206"] == {}


# ----------------------------------------------------------------- machinery


def _write(tmp_path: Any, name: str, data: bytes) -> str:
    (tmp_path / "setup.cfg").write_text("")
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


APP = (
    "from flask import Flask, jsonify\n"
    "\n"
    "app = Flask(__name__)\n"
    "\n"
    "\n"
    "@app.route('/a', methods='POST')\n"
    "def a():\n"
    "    return jsonify({'error': 'bad'}, 400)\n"
)
FIXED = APP.replace("methods='POST'", 'methods=["POST"]').replace(
    "jsonify({'error': 'bad'}, 400)", "jsonify({'error': 'bad'}), 400"
)


@pytest.mark.parametrize(
    "encode",
    [
        lambda text: text.encode("utf-8"),
        lambda text: b"\xef\xbb\xbf" + text.encode("utf-8"),
        lambda text: text.replace("\n", "\r\n").encode("utf-8"),
        lambda text: text.rstrip("\n").encode("utf-8"),
        lambda text: ("# -*- coding: latin-1 -*-\n# caf\xe9\n" + text).encode("latin-1"),
    ],
    ids=["utf8", "bom", "crlf", "no-final-newline", "latin-1"],
)
def test_fix_keeps_encoding_bom_line_endings_and_final_newline(tmp_path: Any, encode: Any) -> None:
    path = _write(tmp_path, "app.py", encode(APP))
    try:
        cli.lint(["--no-cache", "--fix", path], io.StringIO())
    finally:
        clear_indexes()
    with open(path, "rb") as handle:
        assert handle.read() == encode(FIXED)


def test_diff_writes_nothing_and_exits_1(tmp_path: Any) -> None:
    path = _write(tmp_path, "app.py", APP.encode())
    out = io.StringIO()
    try:
        assert cli.lint(["--no-cache", "--diff", path], out) == 1
    finally:
        clear_indexes()
    with open(path, "rb") as handle:
        assert handle.read() == APP.encode()
    assert "-@app.route('/a', methods='POST')" in out.getvalue()
    assert '+@app.route(\'/a\', methods=["POST"])' in out.getvalue()


def test_fix_exit_status_and_fixable_lines(tmp_path: Any) -> None:
    source = APP + "\n\n@app.get('/b')\ndef b():\n    return redirect('/', code=200)\n"
    source = source.replace("jsonify\n", "jsonify, redirect\n", 1)
    path = _write(tmp_path, "app.py", source.encode())
    out = io.StringIO()
    try:
        assert cli.lint(["--no-cache", "--ignore", "FLK201", path], out) == 1
        text = out.getvalue()
        assert "FLK307 [*] methods=" in text and "FLK105 redirect()" in text
        assert text.endswith(
            "[*] 2 fixable with the `--fix` option (1 hidden fix can be enabled with the `--unsafe-fixes` option).\n"
        )
        out = io.StringIO()
        assert cli.lint(["--no-cache", "--ignore", "FLK201", "--fix", path], out) == 1  # the unsafe one is left
        assert out.getvalue().endswith("No fixes available (1 hidden fix can be enabled with the `--unsafe-fixes` option).\n")
        out = io.StringIO()
        assert cli.lint(["--no-cache", "--ignore", "FLK201", "--fix", "--unsafe-fixes", path], out) == 0
        assert out.getvalue() == ""
    finally:
        clear_indexes()
    with open(path, encoding="utf-8") as handle:
        assert "redirect('/', code=302)" in handle.read()


def test_overlapping_fixes_take_successive_passes() -> None:
    text = "x = f(a, b)\n"
    call = ast.parse(text).body[0].value  # type: ignore[attr-defined]
    outer = fixes.Fix("safe", "wrap", (fixes.insert_before(call, "g("), fixes.insert_after(call, ")")))
    first, second = call.args
    inner = fixes.Fix("safe", "swap", (fixes.replace(first, fixes.copy(second)), fixes.replace(second, fixes.copy(first))))
    whole = fixes.Fix("safe", "replace", (fixes.replace(call, "h()"),))
    new, count = fixes.apply_fixes(text, [whole, inner])
    assert (new, count) == ("x = h()\n", 1)  # the swap overlaps: next pass
    new, count = fixes.apply_fixes(text, [inner, outer])
    assert (new, count) == ("x = g(f(b, a))\n", 2)
    same = fixes.Fix("safe", "import", (fixes.Edit(1, 0, 1, 0, ("import os\n",)),))
    assert fixes.apply_fixes(text, [same, same]) == ("import os\nx = f(a, b)\n", 2)


def test_fix_passes_apply_what_overlapped_in_a_later_pass() -> None:
    text = "x = f(a, b)\n"

    class Found:
        def __init__(self, fix: fixes.Fix) -> None:
            self.fix = fix

    def findings(current: str) -> List[Found]:
        call = ast.parse(current).body[0].value  # type: ignore[attr-defined]
        out = []
        if isinstance(call.func, ast.Name) and call.func.id == "f":
            out.append(Found(fixes.Fix("safe", "rename", (fixes.replace(call.func, "k"),))))
        if isinstance(call.args[0], ast.Name) and call.args[0].id == "a":
            out.append(Found(fixes.Fix("safe", "all", (fixes.replace(call, "k(c, ", fixes.copy(call.args[1]), ")"),))))
        return out

    new, count = fixes.fix_passes(text, findings(text), findings, unsafe=False)
    assert new == "x = k(c, b)\n" and count == 2


def test_file_changed_between_read_and_write_is_left_alone(tmp_path: Any) -> None:
    path = _write(tmp_path, "app.py", APP.encode())
    with pytest.raises(fixes.FileChanged):
        fixes.write_atomic(path, b"something else", b"new")
    with open(path, "rb") as handle:
        assert handle.read() == APP.encode()


def test_fix_skips_a_file_changed_since_it_was_linted(tmp_path: Any, monkeypatch: Any, capsys: Any) -> None:
    path = _write(tmp_path, "app.py", APP.encode())
    real = cli._lint_files

    def lint_then_edit(*args: Any, **kwargs: Any) -> Any:
        results = list(real(*args, **kwargs))
        with open(path, "a", encoding="utf-8") as handle:
            handle.write("# edited by someone else\n")
        return iter(results)

    monkeypatch.setattr(cli, "_lint_files", lint_then_edit)
    try:
        cli.lint(["--no-cache", "--fix", path], io.StringIO())
    finally:
        clear_indexes()
    with open(path, "rb") as handle:
        assert handle.read() == APP.encode() + b"# edited by someone else\n"
    assert "changed since it was read; not fixed" in capsys.readouterr().err


def test_import_joins_from_flask_or_gets_its_own_line() -> None:
    joined = ast.parse("import os\nfrom flask import Flask, Response\n")
    edit = fixes.import_edit(joined, "flask", "stream_with_context")
    text = "import os\nfrom flask import Flask, Response\n"
    assert fixes.apply_fixes(text, [fixes.Fix("safe", "", (edit,))])[0] == (  # type: ignore[arg-type]
        "import os\nfrom flask import Flask, Response, stream_with_context\n"
    )
    text = '"""Doc."""\nimport flask\nimport os\n\nx = 1\n'
    edit = fixes.import_edit(ast.parse(text), "flask", "stream_with_context")
    assert fixes.apply_fixes(text, [fixes.Fix("safe", "", (edit,))])[0] == (  # type: ignore[arg-type]
        '"""Doc."""\nimport flask\nimport os\nfrom flask import stream_with_context\n\nx = 1\n'
    )


def test_stream_fix_adds_the_import(tmp_path: Any) -> None:
    source = (
        "from flask import Flask, Response, request\n"
        "\n"
        "app = Flask(__name__)\n"
        "\n"
        "\n"
        "@app.get('/csv')\n"
        "def csv():\n"
        "    def generate():\n"
        "        yield request.args.get('x', '')\n"
        "\n"
        "    return Response(generate())\n"
    )
    path = _write(tmp_path, "app.py", source.encode())
    try:
        assert cli.lint(["--no-cache", "--fix", path], io.StringIO()) == 0
    finally:
        clear_indexes()
    with open(path, encoding="utf-8") as handle:
        fixed = handle.read()
    assert fixed.startswith("from flask import Flask, Response, request, stream_with_context\n")
    assert "return Response(stream_with_context(generate()))" in fixed


def test_json_and_sarif_fix_objects(tmp_path: Any) -> None:
    # JSON columns count UTF-8 bytes (as its finding columns), SARIF's UTF-16 units.
    path = _write(tmp_path, "app.py", ("# caf\xe9\n" + APP.replace("'/a'", "'/\xe9'")).encode())
    try:
        out = io.StringIO()
        cli.lint(["--no-cache", "--format", "json", path], out)
        found = {f["code"]: f for f in json.loads(out.getvalue())}
        out = io.StringIO()
        cli.lint(["--no-cache", "--format", "sarif", path], out)
        sarif = json.loads(out.getvalue())
    finally:
        clear_indexes()
    assert found["FLK307"]["fix"] == {
        "applicability": "safe",
        "message": "Pass the methods as a list",
        "edits": [{"content": '["POST"]', "location": {"row": 7, "column": 27}, "end_location": {"row": 7, "column": 33}}],
    }
    assert found["FLK108"]["fix"]["edits"] == [
        {"content": "", "location": {"row": 9, "column": 36}, "end_location": {"row": 9, "column": 41}},
        {"content": ", 400", "location": {"row": 9, "column": 42}, "end_location": {"row": 9, "column": 42}},
    ]
    results = {r["ruleId"]: r for r in sarif["runs"][0]["results"]}
    (change,) = results["FLK307"]["fixes"][0]["artifactChanges"]
    assert change["artifactLocation"] == results["FLK307"]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert change["replacements"] == [
        {
            "deletedRegion": {"startLine": 7, "startColumn": 26, "endLine": 7, "endColumn": 32},
            "insertedContent": {"text": '["POST"]'},
        }
    ]
    assert results["FLK307"]["fixes"][0]["description"] == {"text": "Pass the methods as a list"}
    import jsonschema

    with open(os.path.join(HERE, "data", "sarif-schema-2.1.0.json"), encoding="utf-8") as handle:
        jsonschema.validate(sarif, json.load(handle), cls=jsonschema.Draft4Validator)


def test_rules_command_shows_the_fix_kinds() -> None:
    out = io.StringIO()
    cli.list_rules(out)
    lines = {line.split()[0]: line for line in out.getvalue().splitlines()}
    assert lines["FLK307"].split()[3] == "fix:safe" and lines["FLK105"].split()[3] == "fix:unsafe"
    assert lines["FLK204"].split()[3] == "fix:safe,unsafe" and lines["FLK107"].split()[3] == "fix:none"


def test_fixes_survive_the_findings_cache() -> None:
    from flask_lint.registry import Finding

    fix = fixes.Fix("unsafe", "m", (fixes.Edit(1, 2, 3, 4, ("a", (1, 0, 1, 3))), fixes.Edit(2, 0, 2, 0, ("(",), after="(")))
    finding = Finding(1, 0, "FLK105", "msg", 1, 5, fix)
    assert Finding.from_row(json.loads(json.dumps(finding.row()))) == finding
    assert Finding.from_row(json.loads(json.dumps(Finding(1, 0, "FLK105", "m").row()))).fix is None


# Findings whose repair is not certain: reported, without a fix.
NO_FIX = {
    "FLK112-generator": (
        "FLK112",
        "from flask import Flask, redirect\n\napp = Flask(__name__)\n\n\n@app.get('/')\ndef index():\n"
        "    redirect('/login')\n    yield 'x'\n",
    ),
    "FLK205-called-directly": (
        "FLK205",
        "from flask import Flask\n\napp = Flask(__name__)\n\n\n@app.errorhandler(404)\ndef not_found():\n"
        "    return 'missing', 404\n\n\n@app.get('/')\ndef index():\n    return not_found()\n",
    ),
    "FLK403-name-taken": (
        "FLK403",
        "from flask import Flask, Response, request\n\napp = Flask(__name__)\nstream_with_context = None\n\n\n"
        "@app.get('/')\ndef index():\n    def generate():\n        yield request.args.get('q', '')\n\n"
        "    return Response(generate())\n",
    ),
    "FLK111-bool": (
        "FLK111",
        "from flask import Flask, request\n\napp = Flask(__name__)\n\n\n@app.get('/')\ndef index():\n"
        "    return str(request.args.get('all', bool))\n",
    ),
    "FLK108-helper": (
        "FLK108",
        "from flask import Flask, jsonify\n\napp = Flask(__name__)\n\n\ndef error(message):\n"
        "    return jsonify({'error': message}, 400)\n\n\n@app.get('/')\ndef index():\n    return error('no')\n",
    ),
    "FLK204-variable": (
        "FLK204",
        "from flask import Flask, render_template\n\napp = Flask(__name__)\n\n\n@app.errorhandler(404)\n"
        "def not_found(error):\n    page = render_template('404.html')\n    return page\n",
    ),
    "FLK307-misspelt": (
        "FLK307",
        "from flask import Flask\n\napp = Flask(__name__)\n\n\n@app.route('/', methods='PSOT')\ndef index():\n"
        "    return 'x'\n",
    ),
    "FLK106-side-effect": (
        "FLK106",
        "from flask import Flask, jsonify\n\napp = Flask(__name__)\nITEMS = {}\n\n\n@app.delete('/<name>')\n"
        "def delete(name):\n    return jsonify(ITEMS.pop(name, None)), 204\n",
    ),
}


@pytest.mark.parametrize("case", sorted(NO_FIX))
def test_no_fix_where_the_repair_is_not_certain(case: str, tmp_path: Any) -> None:
    code, source = NO_FIX[case]
    path = _write(tmp_path, "app.py", source.encode())
    out = io.StringIO()
    try:
        cli.lint(["--no-cache", "--select", code, "--format", "json", path], out)
    finally:
        clear_indexes()
    found = [f for f in json.loads(out.getvalue()) if f["code"] == code]
    assert found and all(f["fix"] is None for f in found), found


def test_two_fixes_on_one_return_settle_over_passes(tmp_path: Any) -> None:
    """FLK204 (the handler's 404) and FLK108 (the 400 inside jsonify) both
    add a status after the same call: one is applied, and the other finding
    is gone in the next pass."""
    source = (
        "from flask import Flask, jsonify\n\napp = Flask(__name__)\n\n\n@app.errorhandler(404)\n"
        "def not_found(error):\n    return jsonify(error='missing', status=400)\n"
    )
    path = _write(tmp_path, "app.py", source.encode())
    try:
        assert cli.lint(["--no-cache", "--select", "FLK108,FLK204", "--fix", path], io.StringIO()) == 0
    finally:
        clear_indexes()
    with open(path, encoding="utf-8") as handle:
        fixed = handle.read()
    assert fixed.count(", 400") + fixed.count(", 404") == 1 and "status=400)," in fixed, fixed


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="f-string positions are exact from Python 3.12")
def test_no_fix_inside_an_fstring(tmp_path: Any) -> None:
    source = (
        "from flask import Flask, request\n\napp = Flask(__name__)\n\n\n@app.get('/')\ndef index():\n"
        "    return f\"{request.args.get('p', int)}\"\n"
    )
    path = _write(tmp_path, "app.py", source.encode())
    out = io.StringIO()
    try:
        cli.lint(["--no-cache", "--select", "FLK111", "--format", "json", path], out)
    finally:
        clear_indexes()
    (found,) = json.loads(out.getvalue())
    assert found["fix"] is None
