"""FLK209's JSON reads under the Werkzeug release a file runs on (checked by
hand with Flask 1.1.4/Werkzeug 1.0.1, 2.0.3/2.0.3, 2.1.3/2.1.2, 2.2.5/2.2.3
and 3.1.3/3.1.9: the runtime oracle runs today's Werkzeug only).

``request.get_json()`` and ``request.json`` on a request whose content type
is not JSON: None before Werkzeug 2.1, 400 on 2.1 and 2.2, 415 from 2.3.  A
malformed body with a JSON content type: 400 on every release.
"""

from __future__ import annotations

from pathlib import Path
from typing import List

import pytest

from flask_lint import index, versions
from flask_lint.config import Config
from flask_lint.engine import analyse
from flask_lint.families import FAMILIES

APP = """\
from flask import Flask, jsonify, request

app = Flask(__name__)


@app.route("/orders", methods=["POST"])
def create_order():
    try:
        return jsonify(order=request.get_json()), 201
    except Exception:
        return jsonify(message="could not save"), 500


@app.route("/notes", methods=["POST"])
def create_note():
    try:
        return jsonify(note=request.json)
    except Exception:
        return jsonify(message="send JSON"), 400
"""
EXCEPT = 10


@pytest.fixture(autouse=True)
def fresh() -> None:
    versions.clear()
    index.clear_indexes()


def _findings(tmp_path: Path, requirement: str, code: str = "FLK209", source: str = APP) -> List[str]:
    (tmp_path / "setup.cfg").write_text("")
    if requirement:
        (tmp_path / "requirements.txt").write_text(requirement + "\n")
    path = tmp_path / "app.py"
    path.write_text(source)
    found = analyse(str(path), Config(enabled=frozenset({code})), families=FAMILIES)
    return [f"{f.line}: {f.message}" for f in found if f.code == code]


@pytest.mark.parametrize(
    "requirement, code, read",
    [
        ("", "415", "on a non-JSON request"),  # unknown: today's Werkzeug
        ("werkzeug==3.1.3", "415", "on a non-JSON request"),
        ("werkzeug==2.2.3", "400", "on a non-JSON request"),
        ("werkzeug==2.1.2", "400", "on a non-JSON request"),
        ("werkzeug>=2.2,<3", "400/415", "on a non-JSON request"),
        ("werkzeug==2.0.3", "400", "on a malformed JSON body"),
        ("flask==1.1.4", "400", "on a malformed JSON body"),  # Werkzeug 0.15 or later
        ("werkzeug>=2.0", "400", "on a malformed JSON body"),  # 2.0 allowed: None there
    ],
)
def test_the_status_a_json_read_raises_follows_werkzeug(tmp_path: Path, requirement: str, code: str, read: str) -> None:
    found = _findings(tmp_path, requirement)
    # Any 4xx answer keeps a client error a client error, on every release.
    assert [int(f.split(":")[0]) for f in found] == [EXCEPT]
    assert f"catches the {code} that request.get_json() ({read})" in found[0]
    assert f"instead of {code};" in found[0]


def test_the_findings_cache_follows_a_services_pins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A service's own requirements decide its messages; new pins, new answers."""
    from flask_lint import batch

    monkeypatch.delenv("FLASK_LINT_NO_CACHE", raising=False)
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "shop"\n')
    service = tmp_path / "services" / "api"
    service.mkdir(parents=True)
    (service / "app.py").write_text(APP)
    pins = service / "requirements.txt"
    config = Config(enabled=frozenset({"FLK209"}))

    def messages() -> List[str]:
        index.clear_indexes()
        results = batch.lint_files([str(service / "app.py")], config, use_cache=True)
        return [f.message for r in results for f in r.findings or ()]

    pins.write_text("werkzeug==2.2.3\n")
    assert "catches the 400 that request.get_json() (on a non-JSON request)" in messages()[0]
    assert "(on a non-JSON request)" in messages()[0], "the same answer from the cache"
    pins.write_text("werkzeug==2.0.3\n")
    assert "(on a malformed JSON body)" in messages()[0]
    pins.unlink()
    assert "catches the 415 that" in messages()[0], "the root names neither: today's Werkzeug"


# FLK203 on an HTTPException key: before Flask 1.0 a handler for an HTTP
# error is looked up under its status code only (0.10 handle_http_exception,
# 0.11/0.12 _find_error_handler, read in their sources), and HTTPException is
# filed under code None; from 1.0 the lookup walks the error's MRO (#2314).
HANDLERS = """\
from flask import Flask
from werkzeug.exceptions import HTTPException, NotFound

app = Flask(__name__)


def handler(error):
    return "error", 500


app.register_error_handler(HTTPException, handler)
app.register_error_handler(NotFound, handler)
app.register_error_handler(403, handler)
"""


@pytest.mark.parametrize(
    ("requirement", "flagged"),
    [
        ("flask==0.10.1", [11]),
        ("flask==0.11.1", [11]),
        ("flask==0.12.5", [11]),
        ("flask<1.0", [11]),
        ("flask>=0.11,<1.0", [11]),
        ("flask==1.0", []),
        ("flask>=0.11", []),  # allows 1.0 and later
        ("flask>=0.12,<2", []),
        ("", []),  # unknown: today's Flask
    ],
)
def test_an_httpexception_handler_never_matches_before_flask_1(
    tmp_path: Path, requirement: str, flagged: List[int]
) -> None:
    found = _findings(tmp_path, requirement, "FLK203", HANDLERS)
    assert [int(f.split(":")[0]) for f in found] == flagged
    assert all("never runs for a 404" in f and "requirements.txt" in f for f in found)
