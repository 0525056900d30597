"""A differential fuzzing campaign: generated Flask apps, run under Flask and
linted by flask-lint, every disagreement written as a minimal reproducer.

    .venv/bin/python scripts/fuzz.py --seed 0 --count 10000 --jobs 2 --out fuzz-out

App N of a campaign is generated from seed + N, so any app can be made again
alone (``--seed S --count 1``).  For each disagreement (a finding Flask does
not confirm, or an effect flask-lint does not report) the features the app is
made of are dropped one by one while the disagreement remains, and what is
left is written to OUT/<kind>-<rule>-<seed>.py with the details on top.
A line every 1000 apps says how many were checked; ``kill -TERM`` stops the
campaign early.  The last line printed is a summary: apps checked, false
positives, missed effects and runs that failed, per rule.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from typing import List, Tuple

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "fuzz"))

from check import compare, minimise  # noqa: E402
from generator import application, seeded  # noqa: E402

Row = Tuple[int, str, str, int, str, str]  # seed, kind, rule, line, detail, reproducer ("" unless written)


def check_seed(seed: int, out: str) -> List[Row]:
    app = application(seeded(seed))
    outcome = compare(app)
    if outcome.error:
        return [(seed, "error", "-", 0, outcome.error, "")]
    rows: List[Row] = []
    written = set()
    for found in outcome.disagreements:
        key = (found.kind, found.rule)
        path = ""
        if key not in written:
            written.add(key)
            source, smallest = minimise(app, found)
            path = os.path.join(out, f"{found.kind.replace(' ', '-')}-{found.rule}-{seed}.py")
            with open(path, "w", encoding="utf-8") as handle:
                handle.write(f"# {found.kind}: {found.rule} on line {smallest.line} (seed {seed})\n")
                handle.write(f"# {smallest.detail}\n# line: {smallest.source_line.strip()}\n")
                handle.write(f"# (the app below starts on line 5; line numbers above are the app's own)\n\n{source}")
        rows.append((seed, found.kind, found.rule, found.line, found.detail, path))
    return rows


def _stop(_signum: int, _frame: object) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # once: the pool is shut down next
    raise KeyboardInterrupt


def _worker_start() -> None:
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--out", default="fuzz-out")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    seeds = range(args.seed, args.seed + args.count)
    counts: Counter = Counter()
    done = 0
    # Stopped (kill -TERM): the summary covers the apps checked so far.
    signal.signal(signal.SIGTERM, _stop)
    pool = ProcessPoolExecutor(args.jobs, initializer=_worker_start)
    try:
        for rows in pool.map(check_seed, seeds, [args.out] * len(seeds), chunksize=8):
            for seed, kind, rule, line, detail, path in rows:
                counts[(kind, rule)] += 1
                where = f" -> {path}" if path else ""
                print(f"seed {seed}: {kind} {rule} line {line}: {detail[:160]}{where}", flush=True)
            done += 1
            if done % 1000 == 0:
                print(f"{done} apps checked", flush=True)
    except KeyboardInterrupt:
        pool.shutdown(wait=False, cancel_futures=True)
        print(f"stopped after {done} apps", flush=True)
    else:
        pool.shutdown()
    summary = ", ".join(f"{kind} {rule}: {n}" for (kind, rule), n in sorted(counts.items())) or "no disagreement"
    print(f"{done} apps (seeds {args.seed}..{args.seed + done - 1}): {summary}")
    return 1 if any(kind != "missed" for kind, _rule in counts) else 0


if __name__ == "__main__":
    sys.exit(main())
