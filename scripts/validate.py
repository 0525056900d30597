"""Rerun flask-lint over a folder of real Flask applications and print the
precision table of docs/validation.md.

Usage:
    python scripts/validate.py CHECKOUTS [--triage docs/validation-triage.json] [--flake8]

CHECKOUTS holds one folder per application (any name). For each one the
script runs ``flask-lint --select FLK --format json`` (and, with --flake8,
``flake8 --select FLK``, checking that both report the same findings), counts
files and lines of Python, and joins every finding with the verdicts in the
triage file: a JSON object mapping ``"app|path|line|code"`` to
``{"verdict": "true" | "false" | "debatable", "note": "..."}``. Findings
without a verdict are listed as "untriaged" so a refresh shows what is new.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections import Counter, defaultdict
from typing import Dict, List, Tuple

Finding = Tuple[str, int, str, str]  # path, line, code, message


def python_files(root: str) -> List[str]:
    skip = {".git", ".venv", "venv", "node_modules", "__pycache__", "build", "dist", ".tox"}
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in skip]
        found += [os.path.join(folder, f) for f in files if f.endswith(".py")]
    return found


def count_lines(files: List[str]) -> int:
    total = 0
    for path in files:
        try:
            with open(path, "rb") as handle:
                total += handle.read().count(b"\n")
        except OSError:
            pass
    return total


def run_cli(app_dir: str) -> Tuple[List[Finding], List[str]]:
    proc = subprocess.run(
        [sys.executable, "-m", "flask_lint.cli", "--select", "FLK", "--format", "json", "--no-cache", "."],
        cwd=app_dir, capture_output=True, text=True,
    )
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{app_dir}: flask-lint failed: {proc.stderr.strip()}")
    findings = [(os.path.normpath(f["path"]), f["line"], f["code"], f["message"]) for f in json.loads(proc.stdout)]
    return findings, [line for line in proc.stderr.splitlines() if line.strip()]


def run_flake8(app_dir: str) -> List[Tuple[str, int, str]]:
    proc = subprocess.run(
        [sys.executable, "-m", "flake8", "--isolated", "--select", "FLK", "--jobs", "1", "."],
        cwd=app_dir, capture_output=True, text=True, env=dict(os.environ, FLASK_LINT_NO_CACHE="1"),
    )
    out = []
    for line in proc.stdout.splitlines():
        path, number, _col, rest = line.split(":", 3)
        out.append((os.path.normpath(path), int(number), rest.strip().split(" ", 1)[0]))
    return out


def commit_of(app_dir: str) -> str:
    marker = os.path.join(app_dir, ".commit")
    if os.path.isfile(marker):
        return open(marker, encoding="utf-8").read().strip()[:12]
    proc = subprocess.run(["git", "rev-parse", "HEAD"], cwd=app_dir, capture_output=True, text=True)
    return proc.stdout.strip()[:12] if proc.returncode == 0 else "?"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("checkouts")
    parser.add_argument("--triage", default=os.path.join(os.path.dirname(__file__), "..", "docs", "validation-triage.json"))
    parser.add_argument("--flake8", action="store_true", help="also run flake8 and compare")
    parser.add_argument("--list", action="store_true", help="print every finding with its verdict")
    args = parser.parse_args()
    triage: Dict[str, Dict[str, str]] = {}
    if os.path.isfile(args.triage):
        with open(args.triage, encoding="utf-8") as handle:
            triage = json.load(handle)

    per_code: Dict[str, Counter] = defaultdict(Counter)
    print("| app | commit | files | lines | findings | true | false | debatable | untriaged | by code |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    totals: Counter = Counter()
    for app in sorted(os.listdir(args.checkouts)):
        app_dir = os.path.join(args.checkouts, app)
        if not os.path.isdir(app_dir):
            continue
        files = python_files(app_dir)
        findings, errors = run_cli(app_dir)
        if args.flake8:
            cli_keys = sorted((p, n, c) for p, n, c, _m in findings)
            flake8_keys = sorted(run_flake8(app_dir))
            if cli_keys != flake8_keys:
                print(f"<!-- {app}: flake8 and the CLI disagree: {sorted(set(cli_keys) ^ set(flake8_keys))[:5]} -->")
        verdicts: Counter = Counter()
        codes: Counter = Counter()
        for path, line, code, message in findings:
            verdict = triage.get(f"{app}|{path}|{line}|{code}", {}).get("verdict", "untriaged")
            verdicts[verdict] += 1
            codes[code] += 1
            per_code[code][verdict] += 1
            if args.list:
                print(f"<!-- {verdict:9} {app}|{path}|{line}|{code} {message} -->")
        by_code = ", ".join(f"{c} {n}" for c, n in sorted(codes.items())) or "-"
        print(
            f"| {app} | {commit_of(app_dir)} | {len(files)} | {count_lines(files)} | {len(findings)} | "
            f"{verdicts['true']} | {verdicts['false']} | {verdicts['debatable']} | {verdicts['untriaged']} | {by_code} |"
        )
        totals.update(verdicts)
        totals["findings"] += len(findings)
        totals["errors"] += len(errors)
    judged = totals["true"] + totals["false"] + totals["debatable"]
    if judged:
        print(f"\nprecision (true or debatable / judged): {(totals['true'] + totals['debatable']) / judged:.1%} of {judged}")
    print("\n| code | true | false | debatable | untriaged | precision |")
    print("|---|---|---|---|---|---|")
    for code in sorted(per_code):
        c = per_code[code]
        judged_code = c["true"] + c["false"] + c["debatable"]
        precision = f"{(c['true'] + c['debatable']) / judged_code:.0%}" if judged_code else "-"
        print(f"| {code} | {c['true']} | {c['false']} | {c['debatable']} | {c['untriaged']} | {precision} |")
    print(f"\nfiles reported as unanalysable: {totals['errors']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
