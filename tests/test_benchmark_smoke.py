"""The benchmark script runs (on a tiny generated project, one round): a
smoke test only, nothing here is timed or compared."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "benchmarks", "bench.py")


def test_benchmark_runs_on_a_tiny_synthetic_project(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    proc = subprocess.run(
        [sys.executable, BENCH, "--synthetic", "12", "--rounds", "1", "--json", str(out)],
        capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert "| floor" in proc.stdout and "| cli cold" in proc.stdout and "| flake8+FLK -j2 cold" in proc.stdout
    data = json.loads(out.read_text())
    run = data["runs"][0]
    assert run["files"] == 12 and set(run["medians"]) >= {"floor", "cli cold", "cli warm (append)", "flake8"}
    assert "cli warm output identical to cold: True" in proc.stdout
    assert "same as the CLI's: True" in proc.stdout


def test_synthetic_project_has_the_size_asked(tmp_path: Path) -> None:
    sys.path.insert(0, os.path.dirname(BENCH))
    try:
        import synthetic
    finally:
        sys.path.pop(0)
    for size in (4, 37, 250):
        files = synthetic.generate(str(tmp_path / str(size)), size)
        assert len(files) == size
