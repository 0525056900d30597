"""Worker processes (flask_lint/workers.py) give exactly the answers of one
process, whatever happens to the workers."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Callable, Iterator, List

import pytest
from harness import FIXTURES, PROJECTS
from test_batch import CONFIG, project_files

from flask_lint import batch, index, workers

pytestmark = pytest.mark.skipif(not workers.can_fork(), reason="worker processes need fork")


@pytest.fixture(autouse=True)
def fresh_indexes() -> Iterator[None]:
    index.clear_indexes()
    yield
    index.clear_indexes()


def _count_workers(monkeypatch: pytest.MonkeyPatch) -> List[int]:
    """The number of workers each run starts."""
    started: List[int] = []
    real = workers.Workers.summarise

    def summarise(self: workers.Workers, pending: list, here: Callable) -> dict:  # type: ignore[type-arg]
        done = real(self, pending, here)
        started.append(len(self.processes))
        return done

    monkeypatch.setattr(workers.Workers, "summarise", summarise)
    return started


@pytest.fixture()
def forks(monkeypatch: pytest.MonkeyPatch) -> List[int]:
    """Fork for any amount of source, one file per batch; the number of
    workers each run started."""
    monkeypatch.setattr(workers, "MIN_BYTES", 0)
    monkeypatch.setattr(workers, "BATCH_BYTES", 1)
    return _count_workers(monkeypatch)


def in_jobs(files: List[str], jobs: int, use_cache: bool) -> dict:  # type: ignore[type-arg]
    index.clear_indexes()
    out = {}
    for result in batch.lint_files(files, CONFIG, use_cache, jobs):
        out[result.path] = result.findings if result.error is None else f"{type(result.error).__name__}: {result.error}"
    return out


def _projects() -> List[str]:
    return sorted(os.listdir(PROJECTS)) + ["<single-file fixtures>"]


def _copy(name: str, tmp_path: Path) -> Path:
    root = tmp_path / "project"
    if name == "<single-file fixtures>":
        root.mkdir()
        (root / "setup.cfg").write_text("")
        for entry in os.listdir(FIXTURES):
            if entry.endswith(".py"):
                shutil.copy(os.path.join(FIXTURES, entry), root / entry)
    else:
        shutil.copytree(os.path.join(PROJECTS, name), root)
    return root


@pytest.mark.parametrize("name", _projects())
def test_two_jobs_answer_as_one(name: str, tmp_path: Path, forks: List[int], monkeypatch: pytest.MonkeyPatch) -> None:
    root = _copy(name, tmp_path)
    files = project_files(root)
    expected = in_jobs(files, 1, use_cache=False)
    for jobs in (2, 3):
        assert in_jobs(files, jobs, use_cache=False) == expected
        if len(files) > 1:
            assert forks[-1] == jobs - 1  # the workers really ran (the parent is one of the jobs)
    monkeypatch.delenv("FLASK_LINT_NO_CACHE", raising=False)
    assert in_jobs(files, 2, use_cache=True) == expected  # cold cache
    assert in_jobs(files, 2, use_cache=True) == expected  # warm: the parent answers


def _dies_on(monkeypatch: pytest.MonkeyPatch, name: str, stage: str) -> None:
    """A worker exits abruptly when it meets ``name`` at ``stage``."""
    target = workers.summarise_entry if stage == "summarise" else workers.check_file
    attr = "summarise_entry" if stage == "summarise" else "check_file"
    parent = os.getpid()

    def dying(path: str, *args: object, **kwargs: object) -> object:
        if os.getpid() != parent and os.path.basename(path) == name:
            os._exit(3)
        return target(path, *args, **kwargs)  # type: ignore[operator]

    monkeypatch.setattr(workers, attr, dying)


@pytest.mark.parametrize("stage", ["summarise", "check"])
def test_a_dead_worker_costs_time_not_answers(
    stage: str, tmp_path: Path, forks: List[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _copy("<single-file fixtures>", tmp_path)
    files = project_files(root)
    expected = in_jobs(files, 1, use_cache=False)
    _dies_on(monkeypatch, "FLK101.py", stage)
    assert in_jobs(files, 3, use_cache=False) == expected
    assert forks[-1] == 2


def test_too_little_source_stays_in_one_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _copy("factory", tmp_path)
    started = _count_workers(monkeypatch)
    in_jobs(project_files(root), 2, use_cache=False)
    assert started == [0]


@pytest.mark.parametrize("value", ["0", "-2", "many", ""])
def test_bad_jobs_value_is_a_usage_error(value: str, tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "flask_lint.cli", "--jobs", value, str(tmp_path)], capture_output=True, text=True
    )
    assert proc.returncode == 2
    assert "--jobs" in proc.stderr and "positive number or 'auto'" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_jobs_auto_and_numbers_are_accepted(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("from flask import Flask\napp = Flask(__name__)\n")
    for value in ("auto", "1", "3"):
        proc = subprocess.run(
            [sys.executable, "-m", "flask_lint.cli", "--no-cache", "--jobs", value, str(tmp_path)],
            capture_output=True,
            text=True,
        )
        assert proc.returncode == 0 and proc.stderr == "", (value, proc.stderr)


def test_hostile_files_answer_as_in_one_process(tmp_path: Path, forks: List[int]) -> None:
    (tmp_path / "setup.cfg").write_text("")
    (tmp_path / "app.py").write_text(
        "from flask import Flask\napp = Flask(__name__)\n\n@app.route('/')\ndef index():\n    return 'x', 700\n"
    )
    (tmp_path / "syntax.py").write_text("from flask import Flask\ndef broken(:\n")
    (tmp_path / "latin1_no_cookie.py").write_bytes(b"from flask import Flask\nx = '\xe9\xe8'\n")
    (tmp_path / "nul.py").write_bytes(b"import flask\nx = 1\x00\n")
    (tmp_path / "deep.py").write_text("import flask\nx = " + "(" * 150 + "1" + ")" * 150 + "\n")
    (tmp_path / "deep_list.py").write_text("import flask\nx = " + "[" * 5000 + "]" * 5000 + "\n")
    (tmp_path / "plain.py").write_text("def helper():\n    return 1\n")
    files = project_files(tmp_path)
    expected = in_jobs(files, 1, use_cache=False)
    assert in_jobs(files, 3, use_cache=False) == expected
    assert forks[-1] == 2
    answers = {os.path.basename(path): answer for path, answer in expected.items()}
    assert "FLK101" in str(answers["app.py"]) and "syntax error" in str(answers["syntax.py"])


def test_no_more_workers_than_the_source_is_worth(
    tmp_path: Path, forks: List[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _copy("<single-file fixtures>", tmp_path)
    files = project_files(root)
    size = sum(os.path.getsize(path) for path in files)
    expected = in_jobs(files, 1, use_cache=False)
    monkeypatch.setattr(workers, "MIN_BYTES", size // 2)  # two workers' worth
    assert in_jobs(files, 8, use_cache=False) == expected
    assert forks[-1] == 2
    monkeypatch.setattr(workers, "MIN_BYTES", 1)
    assert in_jobs(files, 64, use_cache=False) == expected
    assert forks[-1] == workers.MAX_WORKERS


@pytest.mark.parametrize(
    "owner, name",
    [
        (workers.Workers, "check"),  # in the parent: the pool itself fails while checking
        (workers, "_check_share"),  # in a worker, outside any one file: it must leave without a traceback
    ],
)
def test_a_failing_pool_costs_time_not_answers(
    owner: object, name: str, tmp_path: Path, forks: List[int], monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
) -> None:
    root = _copy("<single-file fixtures>", tmp_path)
    files = project_files(root)
    expected = in_jobs(files, 1, use_cache=False)

    def broken(*args: object) -> None:
        raise RuntimeError("pipe trouble")

    monkeypatch.setattr(owner, name, broken)
    assert in_jobs(files, 2, use_cache=False) == expected
    assert forks[-1] == 1
    assert "Traceback" not in capfd.readouterr().err
