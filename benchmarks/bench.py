"""How much flask-lint costs, side by side with the parse floor and flake8.

    python benchmarks/bench.py PATH [PATH ...]     # any folders of Python code
    python benchmarks/bench.py --synthetic 1000    # a generated Flask project, no network
    python benchmarks/bench.py --scaling 100,1000,10000

Run it with the interpreter flask-lint and flake8 are installed in. Every
measurement is a separate process timed from the outside (wall clock,
``time.perf_counter``). Peak memory comes from one more run of each command
that samples every 20 ms the proportional set size of all its processes
together, worker processes included (Linux's /proc; elsewhere the peak RSS of
the largest process, from ``os.wait4``). Each round runs every command once, in an order that
rotates from round to round, and the report gives medians and ratios to the
parse floor measured in the same rounds. The code under test is copied
(Python files and project markers only) into a temporary folder first, so
nothing in your tree is touched.

Commands:

floor          read + ``ast.parse`` every file the CLI would lint: the floor for any AST linter
flake8         ``flake8 --isolated --jobs 1`` with flask-lint's plugin removed (see below)
flake8+FLK     the same with the plugin, no cache on disk (cold) / a cache from a previous run (warm)
cli cold       ``flask-lint --exit-zero PATH`` with no cache on disk (``--jobs auto``: every core)
cli cold -j1   the same in one process (``--jobs 1``)
cli warm       the same with the cache of a previous run and one file edited (a line appended)
cli cold -j1 @REV  with --baseline REV: ``cli cold -j1`` running flask_lint as it was at git
               revision REV, in the same rounds (what a change added to a cold run)
flake8 -j2     ``flake8 --jobs 2`` without / with FLK (cold)

How flake8 runs without the plugin: both flake8 commands go through the same
small wrapper (:data:`FLAKE8_WRAPPER`) that calls ``flake8.main.cli.main``;
for the runs without FLK it drops the ``flake8-flask-lint`` distribution from
the plugins flake8 discovers (``flake8.plugins.finder.find_plugins``), so
the same interpreter, flake8, pyflakes, pycodestyle and mccabe run in both.
``flake8 --version`` through the wrapper lists the plugins of each mode.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import synthetic  # noqa: E402

PYTHON = sys.executable
PLUGIN_DIST = "flake8-flask-lint"
CACHE_DIR = ".flask-lint-cache"
ROOT_MARKERS = ("pyproject.toml", "setup.cfg", "setup.py", "tox.ini", ".flake8")

FLOOR = """\
import ast, sys, warnings
warnings.simplefilter("ignore")
with open(sys.argv[1], encoding="utf-8") as listing:
    files = listing.read().splitlines()
for path in files:
    with open(path, "rb") as handle:
        data = handle.read()
    try:
        ast.parse(data, path)
    except (SyntaxError, ValueError):
        pass
"""

FLAKE8_WRAPPER = f"""\
import sys
from flake8.plugins import finder

mode = sys.argv.pop(1)
if mode == "without":
    _find = finder.find_plugins

    def find_plugins(cfg, opts):
        return [p for p in _find(cfg, opts) if p.package != {PLUGIN_DIST!r}]

    finder.find_plugins = find_plugins
from flake8.main.cli import main

sys.argv[0] = "flake8"
sys.exit(main())
"""

PLUGIN_IMPORT = """\
import time
import flake8.checker, flake8.main.application, pyflakes.checker, pycodestyle, mccabe
t0 = time.perf_counter()
import flask_lint.flake8_plugin
t1 = time.perf_counter()
import flask_lint.engine, flask_lint.checkers
t2 = time.perf_counter()
print(t1 - t0, t2 - t1)
"""


# ---------------------------------------------------------------- running


@dataclass
class Run:
    seconds: float  # wall clock
    cpu: float  # user + system time of the process and the children it waited for
    peak_mb: float
    code: int


@dataclass
class Command:
    name: str
    argv: List[str]
    prepare: Optional[Callable[[], None]] = None
    cleanup: Optional[Callable[[], None]] = None
    env: Dict[str, str] = field(default_factory=dict)
    runs: List[Run] = field(default_factory=list)
    stdout_path: Optional[str] = None

    def median(self) -> float:
        return statistics.median(r.seconds for r in self.runs)

    def median_cpu(self) -> float:
        return statistics.median(r.cpu for r in self.runs)

    memory_mb: Optional[float] = None  # all its processes together (see measure_memory)

    def peak(self) -> float:
        """Peak memory: of all its processes together when measured, else of
        the largest process."""
        return self.memory_mb if self.memory_mb is not None else max(r.peak_mb for r in self.runs)


BYTECODE: Dict[str, str] = {}  # PYTHONPYCACHEPREFIX for the runs (set in main)


def child_env(extra: Optional[Dict[str, str]] = None) -> Dict[str, str]:
    env = dict(os.environ)
    env.pop("FLASK_LINT_NO_CACHE", None)
    # Installed packages run from cached bytecode: let every run do so too,
    # with the bytecode kept in the temporary folder, not next to the code.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update(BYTECODE)
    env.update(extra or {})
    return env


def run_once(argv: Sequence[str], cwd: str, env_extra: Dict[str, str], stdout_path: Optional[str] = None) -> Run:
    env = child_env(env_extra)
    out = open(stdout_path, "wb") if stdout_path else subprocess.DEVNULL
    try:
        start = time.perf_counter()
        proc = subprocess.Popen(list(argv), cwd=cwd, env=env, stdout=out, stderr=subprocess.DEVNULL)
        _pid, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
    finally:
        if stdout_path:
            out.close()  # type: ignore[union-attr]
    # ru_maxrss is in KiB on Linux, bytes on macOS.
    peak = usage.ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)
    return Run(seconds, usage.ru_utime + usage.ru_stime, peak, proc.returncode)


def run_rounds(commands: List[Command], rounds: int, cwd: str, verbose: bool = True) -> None:
    """Every command once per round; the order rotates so none always goes first."""
    for number in range(rounds):
        shift = number % len(commands)
        order = commands[shift:] + commands[:shift]
        for command in order:
            if command.prepare:
                command.prepare()
            try:
                result = run_once(command.argv, cwd, command.env, command.stdout_path)
            finally:
                if command.cleanup:
                    command.cleanup()
            if result.code not in (0, 1):
                raise SystemExit(f"{command.name} failed with exit status {result.code}: {' '.join(command.argv)}")
            command.runs.append(result)
        if verbose:
            summary = "  ".join(f"{c.name}={c.runs[-1].seconds:.2f}s" for c in commands)
            print(f"  round {number + 1}/{rounds}: {summary}", file=sys.stderr)


def tree_memory_kb(pid: int) -> Optional[int]:
    """The proportional set size (PSS: shared pages split between their
    sharers) of ``pid`` and its descendants, from Linux's /proc; None elsewhere."""
    total, stack, found = 0, [pid], False
    while stack:
        current = stack.pop()
        try:
            with open(f"/proc/{current}/smaps_rollup", encoding="ascii") as handle:
                for line in handle:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
                        found = True
                        break
            with open(f"/proc/{current}/task/{current}/children", encoding="ascii") as handle:
                stack.extend(int(child) for child in handle.read().split())
        except (OSError, ValueError):
            continue
    return total if found else None


def measure_memory(commands: List[Command], cwd: str) -> None:
    """One more run of each command, sampling the memory of all its
    processes (worker processes included) every 20 ms: the timed runs are
    not sampled, so that sampling does not slow them down."""
    for command in commands:
        if command.prepare:
            command.prepare()
        try:
            proc = subprocess.Popen(
                command.argv, cwd=cwd, env=child_env(command.env), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            peak: Optional[int] = None
            while proc.poll() is None:
                sample = tree_memory_kb(proc.pid)
                if sample is not None:
                    peak = max(peak or 0, sample)
                time.sleep(0.02)
        finally:
            if command.cleanup:
                command.cleanup()
        if peak is not None:
            command.memory_mb = peak / 1024


# --------------------------------------------------------------- the tree


def copy_tree(sources: Sequence[str], dest: str) -> List[str]:
    """Copy the Python files and project markers of ``sources`` into ``dest``."""
    roots = []
    for source in sources:
        source = os.path.abspath(source)
        target = os.path.join(dest, os.path.basename(source.rstrip(os.sep)) or "root")
        roots.append(target)
        for folder, dirs, files in os.walk(source):
            dirs[:] = [d for d in dirs if d not in (".git", ".hg", "node_modules", CACHE_DIR, "__pycache__")]
            rel = os.path.relpath(folder, source)
            out = os.path.normpath(os.path.join(target, rel))
            if os.path.isdir(os.path.join(folder, ".git")):
                os.makedirs(os.path.join(out, ".git"), exist_ok=True)  # a root marker, empty
            for name in files:
                if name.endswith(".py") or name in ROOT_MARKERS:
                    os.makedirs(out, exist_ok=True)
                    shutil.copy2(os.path.join(folder, name), os.path.join(out, name))
    return roots


def lintable_files(paths: Sequence[str]) -> List[str]:
    """The files the CLI lints (its own discovery and [tool.flask-lint] excludes)."""
    from flask_lint.cli import iter_files
    from flask_lint.config import find_pyproject, read_pyproject_section, split_section

    files: List[str] = []
    for path in paths:
        pyproject = find_pyproject(path)
        exclude = split_section(read_pyproject_section(pyproject), pyproject)[1].get("exclude", []) if pyproject else []
        files += [os.path.abspath(f) for f in iter_files([path], exclude)]
    return files


def count_lines(files: Sequence[str]) -> int:
    total = 0
    for path in files:
        with open(path, "rb") as handle:
            total += handle.read().count(b"\n")
    return total


def pick_file_to_edit(files: Sequence[str]) -> str:
    """The largest file that mentions Flask: the kind of file people edit."""
    from flask_lint.source import is_relevant

    best, size = files[0], -1
    for path in files:
        with open(path, "rb") as handle:
            data = handle.read()
        if is_relevant(data) and len(data) > size:
            best, size = path, len(data)
    return best


def cache_dirs(base: str) -> List[str]:
    found = []
    for folder, dirs, _files in os.walk(base):
        if CACHE_DIR in dirs:
            found.append(os.path.join(folder, CACHE_DIR))
            dirs.remove(CACHE_DIR)
    return found


class CacheState:
    """Delete every cache under ``base``, or put back a saved copy of them."""

    def __init__(self, base: str, store: str) -> None:
        self.base = base
        self.store = store
        self.saved: Dict[str, str] = {}

    def clear(self) -> None:
        for folder in cache_dirs(self.base):
            shutil.rmtree(folder, ignore_errors=True)

    def save(self, label: str) -> None:
        target = os.path.join(self.store, label)
        shutil.rmtree(target, ignore_errors=True)
        for folder in cache_dirs(self.base):
            shutil.copytree(folder, os.path.join(target, os.path.relpath(folder, self.base)))
        self.saved[label] = target

    def restore(self, label: str) -> None:
        self.clear()
        source = self.saved[label]
        for folder in cache_dirs(source):
            shutil.copytree(folder, os.path.join(self.base, os.path.relpath(folder, source)))


class Editor:
    """Edits one file (a new comment line each time) and undoes it.

    ``append`` adds the line at the end: the module's cross-file facts stay
    the same.  ``insert`` adds it after the first two lines (after any coding
    cookie): every line below moves, and with it the lines of the module's
    facts, which keep their order: only the files whose messages cite one of
    those lines are checked again with it."""

    def __init__(self, path: str) -> None:
        self.path = path
        with open(path, "rb") as handle:
            self.original = handle.read()
        self.count = 0

    def _write(self, data: bytes) -> None:
        with open(self.path, "wb") as handle:
            handle.write(data)

    def append(self) -> None:
        self.count += 1
        self._write(self.original + f"\n# benchmark edit {self.count}\n".encode())

    def insert(self) -> None:
        self.count += 1
        lines = self.original.splitlines(keepends=True)
        self._write(b"".join(lines[:2] + [f"# benchmark edit {self.count}\n".encode()] + lines[2:]))

    def undo(self) -> None:
        with open(self.path, "wb") as handle:
            handle.write(self.original)


# -------------------------------------------------------------- the tools


def flake8(mode: str, *args: str) -> List[str]:
    return [PYTHON, "-c", FLAKE8_WRAPPER, mode, "--isolated", "--exit-zero", *args]


def cli(*args: str) -> List[str]:
    script = os.path.join(os.path.dirname(PYTHON), "flask-lint")
    base = [script] if os.path.isfile(script) else [PYTHON, "-m", "flask_lint.cli"]
    return base + ["--exit-zero", *args]


def check_wrapper() -> None:
    for mode, present in (("without", False), ("with", True)):
        out = subprocess.run(flake8(mode, "--version"), capture_output=True, text=True, env=child_env()).stdout
        if (PLUGIN_DIST in out) != present:
            raise SystemExit(f"flake8 wrapper ({mode}): unexpected plugin list: {out.strip()}")


# ----------------------------------------------------------------- report


def ratio(command: Command, floor: Command, cpu: bool = False) -> float:
    """Median of the per-round ratios (each measured in the same round)."""
    if cpu:
        return statistics.median(r.cpu / f.cpu for r, f in zip(command.runs, floor.runs))
    return statistics.median(r.seconds / f.seconds for r, f in zip(command.runs, floor.runs))


def paired(a: Command, b: Command, cpu: bool = False) -> float:
    """Median over the rounds of a/b - 1 (each pair measured in the same round)."""
    if cpu:
        return statistics.median(x.cpu / y.cpu - 1 for x, y in zip(a.runs, b.runs))
    return statistics.median(x.seconds / y.seconds - 1 for x, y in zip(a.runs, b.runs))


def table(rows: List[List[str]], header: List[str]) -> str:
    widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(len(header))]
    lines = ["| " + " | ".join(h.ljust(w) for h, w in zip(header, widths)) + " |"]
    lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    lines += ["| " + " | ".join(str(c).ljust(w) for c, w in zip(r, widths)) + " |" for r in rows]
    return "\n".join(lines)


def startup(work: str, rounds: int) -> Dict[str, float]:
    """Start-up costs on a one-file project, and the plugin's import time."""
    tiny = os.path.join(work, "tiny")
    os.makedirs(tiny, exist_ok=True)
    with open(os.path.join(tiny, "setup.cfg"), "w") as handle:
        handle.write("")
    with open(os.path.join(tiny, "hello.py"), "w") as handle:
        handle.write("from flask import Flask\n\napp = Flask(__name__)\n")
    commands = [
        Command("python -c pass", [PYTHON, "-c", "pass"]),
        Command("flask-lint --version", cli("--version")),
        Command("flask-lint (1 file)", cli("--no-cache", ".")),
        Command("flake8 (1 file)", flake8("without", "--jobs", "1", ".")),
        Command("flake8+FLK (1 file)", flake8("with", "--jobs", "1", ".")),
    ]
    for command in commands:  # once unmeasured: bytecode is written, files are in the page cache
        run_once(command.argv, tiny, command.env)
    subprocess.run([PYTHON, "-c", PLUGIN_IMPORT], capture_output=True, check=True, env=child_env())
    run_rounds(commands, rounds, tiny, verbose=False)
    imports: List[Tuple[float, float]] = []
    for _ in range(rounds):
        out = subprocess.run(
            [PYTHON, "-c", PLUGIN_IMPORT], capture_output=True, text=True, check=True, env=child_env()
        ).stdout.split()
        imports.append((float(out[0]), float(out[1])))
    result = {c.name: c.median() for c in commands}
    result["plugin import"] = statistics.median(i[0] for i in imports)
    result["engine import"] = statistics.median(i[1] for i in imports)
    return result


BASELINE: Dict[str, str] = {}  # with --baseline: the revision and the folder holding its flask_lint


def export_baseline(revision: str, work: str) -> None:
    """``flask_lint/`` as it was at ``revision``, importable from a folder of its own."""
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    folder = os.path.join(work, "baseline")
    os.makedirs(folder)
    archive = subprocess.run(
        ["git", "-C", repo, "archive", revision, "flask_lint"], capture_output=True, check=False
    )
    if archive.returncode != 0:
        raise SystemExit(f"--baseline {revision}: {archive.stderr.decode(errors='replace').strip()}")
    subprocess.run(["tar", "-x", "-C", folder], input=archive.stdout, check=True)
    BASELINE.update(revision=revision, path=folder)


def benchmark(paths: Sequence[str], rounds: int, work: str, label: str, with_flake8: bool = True) -> Dict[str, object]:
    files = lintable_files(paths)
    if not files:
        raise SystemExit(f"no Python files under {', '.join(paths)}")
    lines = count_lines(files)
    listing = os.path.join(work, f"{label}-files.txt")
    with open(listing, "w", encoding="utf-8") as handle:
        handle.write("\n".join(files) + "\n")
    base = os.path.commonpath([os.path.abspath(p) for p in paths])
    cwd = base if os.path.isdir(base) else os.path.dirname(base)
    targets = [os.path.relpath(os.path.abspath(p), cwd) for p in paths]
    caches = CacheState(cwd, os.path.join(work, f"{label}-caches"))
    editor = Editor(pick_file_to_edit(files))
    outputs = {name: os.path.join(work, f"{label}-{name}.out") for name in ("cold", "warm", "flake8")}

    # Prime the caches once: what a previous run leaves behind.
    caches.clear()
    run_once(cli(*targets), cwd, {})
    caches.save("cli")
    commands = [Command("floor", [PYTHON, "-c", FLOOR, listing])]
    commands.append(Command("cli cold", cli(*targets), prepare=caches.clear, stdout_path=outputs["cold"]))
    commands.append(Command("cli cold -j1", cli("--jobs", "1", *targets), prepare=caches.clear))
    baseline_name = f"cli cold -j1 @{BASELINE.get('revision')}"
    if BASELINE:  # PYTHONPATH comes before site-packages: the same script imports the old package
        commands.append(Command(baseline_name, cli("--jobs", "1", *targets), prepare=caches.clear,
                                env={"PYTHONPATH": BASELINE["path"]}))

    def warm_append() -> None:
        caches.restore("cli")
        editor.append()

    def warm_insert() -> None:
        caches.restore("cli")
        editor.insert()

    commands += [
        Command("cli warm (append)", cli(*targets), prepare=warm_append, cleanup=editor.undo, stdout_path=outputs["warm"]),
        Command("cli warm (insert)", cli(*targets), prepare=warm_insert, cleanup=editor.undo),
    ]
    if with_flake8:
        check_wrapper()
        caches.clear()
        run_once(flake8("with", "--jobs", "1", *targets), cwd, {})
        caches.save("flake8")
        commands += [
            Command("flake8", flake8("without", "--jobs", "1", *targets)),
            Command("flake8+FLK cold", flake8("with", "--jobs", "1", *targets), prepare=caches.clear,
                    stdout_path=outputs["flake8"]),
            Command("flake8+FLK warm", flake8("with", "--jobs", "1", *targets), prepare=lambda: caches.restore("flake8")),
            Command("flake8 -j2", flake8("without", "--jobs", "2", *targets)),
            Command("flake8+FLK -j2 cold", flake8("with", "--jobs", "2", *targets), prepare=caches.clear),
        ]
    print(f"{label}: {len(files)} files, {lines} lines, {rounds} rounds", file=sys.stderr)
    run_rounds(commands, rounds, cwd)
    measure_memory(commands, cwd)
    by_name = {c.name: c for c in commands}
    floor = by_name["floor"]
    rows = []
    for command in commands:
        median = command.median()
        rows.append([
            command.name, f"{median:.3f}", f"{ratio(command, floor):.2f}x",
            f"{command.median_cpu():.3f}", f"{ratio(command, floor, cpu=True):.2f}x",
            f"{len(files) / median:,.0f}", f"{lines / median:,.0f}", f"{command.peak():.0f}",
        ])
    result: Dict[str, object] = {
        "label": label, "files": len(files), "lines": lines, "rounds": rounds,
        "edited": os.path.relpath(editor.path, cwd),
        "medians": {c.name: c.median() for c in commands},
        "ratios": {c.name: ratio(c, floor) for c in commands},
        "cpu_medians": {c.name: c.median_cpu() for c in commands},
        "cpu_ratios": {c.name: ratio(c, floor, cpu=True) for c in commands},
        "peak_mb": {c.name: c.peak() for c in commands},
    }
    with open(outputs["cold"], encoding="utf-8") as cold, open(outputs["warm"], encoding="utf-8") as warm:
        cold_text, warm_text = cold.read(), warm.read()
    notes = [f"findings: {len(cold_text.splitlines())} (cli warm output identical to cold: {cold_text == warm_text})"]
    if BASELINE:
        added, added_cpu = (paired(by_name["cli cold -j1"], by_name[baseline_name], cpu=cpu) for cpu in (False, True))
        result["added vs baseline"], result["added cpu vs baseline"] = added, added_cpu
        result["baseline"] = BASELINE["revision"]
        notes.append(f"cli cold -j1 vs {BASELINE['revision']}: {added:+.1%} wall, {added_cpu:+.1%} cpu"
                     " (medians of paired rounds)")
    if with_flake8:
        flk = sorted(line for line in open(outputs["flake8"], encoding="utf-8") if ": FLK" in line)
        notes.append(f"flake8 FLK findings: {len(flk)} (same as the CLI's: {sorted(cold_text.splitlines(True)) == flk})")
        for name, stock in (("flake8+FLK cold", "flake8"), ("flake8+FLK warm", "flake8"), ("flake8+FLK -j2 cold", "flake8 -j2")):
            added = paired(by_name[name], by_name[stock])
            added_cpu = paired(by_name[name], by_name[stock], cpu=True)
            result[f"added {name}"] = added
            result[f"added cpu {name}"] = added_cpu
            notes.append(f"{name} vs {stock}: {added:+.1%} wall, {added_cpu:+.1%} cpu (medians of paired rounds)")
    print(f"\n### {label}: {len(files)} files, {lines:,} lines (medians of {rounds} rounds)\n")
    print(table(rows, ["command", "wall s", "vs floor", "cpu s", "cpu vs floor", "files/s", "lines/s", "peak MB"]))
    print()
    for note in notes:
        print(f"- {note}")
    print(f"- cli cold: --jobs auto ({os.cpu_count()} cores here); cli cold -j1: one process")
    print(f"- cli warm: the cache of a previous run, then one comment line appended to {result['edited']} (its facts")
    print("  stay the same: only it is checked again) or inserted near its top (its facts move but keep their order:")
    print("  only it, and the files whose messages cite its lines, are checked again)")
    return result


def scaling(sizes: Sequence[int], rounds: int, work: str) -> List[Dict[str, object]]:
    rows = []
    results = []
    for size in sizes:
        root = os.path.join(work, f"synthetic-{size}")
        synthetic.generate(root, size)
        files = lintable_files([root])
        lines = count_lines(files)
        listing = os.path.join(work, f"scaling-{size}.txt")
        with open(listing, "w", encoding="utf-8") as handle:
            handle.write("\n".join(files) + "\n")
        caches = CacheState(root, os.path.join(work, f"scaling-{size}-caches"))
        editor = Editor(pick_file_to_edit(files))
        caches.clear()
        run_once(cli("."), root, {})
        caches.save("cli")

        def append(caches: CacheState = caches, editor: Editor = editor) -> None:
            caches.restore("cli")
            editor.append()

        def insert(caches: CacheState = caches, editor: Editor = editor) -> None:
            caches.restore("cli")
            editor.insert()

        index = (
            "from flask_lint.families import FAMILIES; from flask_lint.index import ProjectIndex; "
            "index = ProjectIndex.build('.', FAMILIES, use_cache=False); "
            "index.externally_registered_modules(); index.registered_blueprints()"
        )
        commands = [
            Command("floor", [PYTHON, "-c", FLOOR, listing]),
            Command("index", [PYTHON, "-c", index]),
            Command("cli cold", cli("."), prepare=caches.clear),
            Command("cli warm (append)", cli("."), prepare=append, cleanup=editor.undo),
            Command("cli warm (insert)", cli("."), prepare=insert, cleanup=editor.undo),
        ]
        print(f"scaling: {size} modules, {lines} lines", file=sys.stderr)
        run_rounds(commands, rounds, root)
        measure_memory([commands[2]], root)  # cli cold: all its processes together
        floor, cold = commands[0], commands[2]
        entry: Dict[str, object] = {"modules": size, "lines": lines}
        row = [f"{size:,}", f"{lines:,}"]
        for command in commands:
            entry[command.name] = command.median()
            entry[command.name + " cpu"] = command.median_cpu()
            row.append(f"{command.median():.2f} s ({command.median() / size * 1000:.2f} ms)")
        row.append(f"{ratio(cold, floor):.2f}x / {ratio(cold, floor, cpu=True):.2f}x")
        row.append(f"{cold.peak():.0f}")
        rows.append(row)
        entry["cli cold peak MB"] = cold.peak()
        results.append(entry)
        shutil.rmtree(root, ignore_errors=True)
    print(f"\n### Scaling: the synthetic project (wall clock, medians of {rounds} rounds; per module in brackets)\n")
    header = ["modules", "lines", "floor", "index (cold)", "cli cold", "cli warm (append)", "cli warm (insert)"]
    print(table(rows, header + ["cli cold / floor (wall / cpu)", "cli cold peak MB"]))
    return results


def targets(results: Dict[str, Any]) -> List[List[str]]:
    """Issue #8's targets against this run's figures (ratios from the same rounds)."""
    rows: List[List[str]] = []

    def row(target: str, where: str, value: float, limit: float, shown: str) -> None:
        rows.append([target, where, shown, "met" if value <= limit else "gap"])

    starts = results.get("startup", {})
    if "plugin import" in starts:
        row("plugin import < 5 ms", "", starts["plugin import"], 0.005, f"{starts['plugin import'] * 1000:.1f} ms")
    if "flask-lint --version" in starts:
        seconds = starts["flask-lint --version"]
        row("CLI start-up < 50 ms", "--version", seconds, 0.050, f"{seconds * 1000:.0f} ms")
    for run in results.get("runs", []):
        label, ratios = run["label"], run["ratios"]
        row("CLI cold <= 2x floor", label, ratios["cli cold"], 2.0, f"{ratios['cli cold']:.2f}x")
        if "cli cold -j1" in ratios:  # for the record: no target is set for one process
            rows.append(["(CLI cold, one process)", label, f"{ratios['cli cold -j1']:.2f}x", ""])
        row("CLI warm, 1 file edited <= 0.3x floor", label, ratios["cli warm (append)"], 0.3,
            f"{ratios['cli warm (append)']:.2f}x")
        if "added vs baseline" in run:  # issue 16: recall may add at most 5% to a cold run
            wall, cpu = run["added vs baseline"], run["added cpu vs baseline"]
            row(f"CLI cold adds <= 5% vs {run['baseline']}", label, wall, 0.05, f"{wall:+.1%} wall, {cpu:+.1%} cpu")
        for name, limit in (("flake8+FLK warm", 0.05), ("flake8+FLK cold", 0.10)):
            if f"added {name}" in run:
                wall, cpu = run[f"added {name}"], run[f"added cpu {name}"]
                row(f"{name} adds <= {limit:.0%}", label, wall, limit, f"{wall:+.1%} wall, {cpu:+.1%} cpu")
    scaled = results.get("scaling", [])
    if len(scaled) > 1:
        # The two largest sizes: at the smallest, start-up hides the per-module cost.
        small, large = scaled[-2], scaled[-1]
        sizes = f"{small['modules']:,} -> {large['modules']:,}"
        for name in ("cli cold", "index", "cli warm (append)"):
            growth = (large[name] / large["modules"]) / (small[name] / small["modules"])
            row(f"linear: {name} cost per module", sizes, growth, 1.15, f"x{growth:.2f}")
        peak = scaled[-1]["cli cold peak MB"]
        row("CLI peak memory < 500 MB", f"{scaled[-1]['modules']:,} modules", peak, 500, f"{peak:.0f} MB")
    return rows


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description="flask-lint benchmarks (see the module docstring)")
    parser.add_argument("paths", nargs="*", help="folders of Python code to measure (copied first)")
    parser.add_argument("--synthetic", type=int, metavar="N", help="also measure a generated project of N modules")
    parser.add_argument("--scaling", metavar="SIZES", help="comma-separated module counts, e.g. 100,1000,10000")
    parser.add_argument("--rounds", type=int, default=5, help="rounds per command (default: 5)")
    parser.add_argument("--no-flake8", action="store_true", help="only the parse floor and the CLI")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument(
        "--snapshot", action="store_true",
        help="run a copy of flask_lint taken at the start (edits to the tree during a long run are not measured)",
    )
    parser.add_argument(
        "--baseline", metavar="REV",
        help="also time a cold one-process run of flask_lint as it was at git revision REV, in the same rounds",
    )
    args = parser.parse_args(argv)
    if not args.paths and not args.synthetic and not args.scaling:
        parser.error("give PATHs, --synthetic N or --scaling SIZES")
    work = tempfile.mkdtemp(prefix="flask-lint-bench-")
    BYTECODE["PYTHONPYCACHEPREFIX"] = os.path.join(work, "bytecode")
    if args.snapshot:
        import flask_lint

        code = os.path.join(work, "code")
        shutil.copytree(os.path.dirname(flask_lint.__file__), os.path.join(code, "flask_lint"),
                        ignore=shutil.ignore_patterns("__pycache__"))
        BYTECODE["PYTHONPATH"] = os.pathsep.join(p for p in (code, os.environ.get("PYTHONPATH")) if p)
    results: Dict[str, Any] = {"python": sys.version.split()[0], "cpus": os.cpu_count(), "runs": []}
    try:
        print(f"Python {results['python']}, {results['cpus']} CPUs; every row is a separate process, wall clock.")
        starts = startup(work, args.rounds)
        results["startup"] = starts
        if args.baseline:
            export_baseline(args.baseline, work)
        print("\n### Start-up (one-file project) and imports\n")
        print(table([[name, f"{seconds * 1000:.1f} ms"] for name, seconds in starts.items()], ["what", "median"]))
        runs: List[Dict[str, object]] = []
        for path in args.paths:
            copied = copy_tree([path], os.path.join(work, f"copy-{len(runs)}"))
            runs.append(benchmark(copied, args.rounds, work, os.path.basename(os.path.abspath(path)), not args.no_flake8))
        if args.synthetic:
            root = os.path.join(work, "synthetic")
            synthetic.generate(root, args.synthetic)
            runs.append(benchmark([root], args.rounds, work, f"synthetic-{args.synthetic}", not args.no_flake8))
        results["runs"] = runs
        if args.scaling:
            sizes = [int(s) for s in args.scaling.split(",") if s.strip()]
            results["scaling"] = scaling(sizes, args.rounds, work)
        checked = targets(results)
        if checked:
            print("\n### Targets (issue #8)\n")
            print(table(checked, ["target", "where", "measured", ""]))
        if args.json:
            with open(args.json, "w", encoding="utf-8") as handle:
                json.dump(results, handle, indent=2)
    finally:
        if args.keep:
            print(f"\nkept {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
