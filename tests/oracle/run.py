"""Execute one fixture under Flask and print, as JSON, on which lines each
rule's effect happened.

    python tests/oracle/run.py tests/fixtures/FLK107.py
    python tests/oracle/run.py --project tests/fixtures/projects/factory

Runs in a process of its own (the test session starts one per fixture):
the oracle patches Flask and threading and leaves threads behind.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import sys
import urllib.parse
import warnings
from typing import Dict, List, Set, Tuple

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from claims import CLAIMS, observed_lines  # noqa: E402
from runtime import REAL_EXIT, Run, _code_of, execute  # noqa: E402


def unreached_views(run: Run, base: str) -> List[str]:
    """Fixture functions serving a URL that no probe ever ran: their cases,
    flagged or silent, are not checked by Flask at all."""
    called = {(e.func[0], e.func[1]) for e in run.events("call") if e.probe >= 0}
    dispatched, elsewhere = _dispatched_or_shadowed(run)
    out = []
    for number, app in enumerate(run.loaded.apps):
        for endpoint, func in app.view_functions.items():
            if (number, endpoint) in dispatched or (number, endpoint) in elsewhere:
                continue
            code = _code_of(func)
            if code is None or code.co_filename not in run.recorder.files:
                continue
            key = run.recorder.func_key(code)
            if key not in called and key not in run.waived:
                out.append(f"{os.path.relpath(key[0], base)}:{key[1]} ({endpoint})")
    return sorted(set(out))


_SIGNATURE_ERROR = re.compile(r"^[\w.<>]+\(\) (got an unexpected keyword argument|missing \d+ required)")


def _dispatched_or_shadowed(run: Run) -> Tuple[Set[Tuple[int, str]], Set[Tuple[int, str]]]:
    """(app, endpoint) pairs whose view Flask called with arguments its
    signature refused (the call failed before the body could run: FLK306),
    and those whose every probe was matched by another endpoint's rule (no
    request can reach them: FLK305). Neither is a view the probes missed."""
    dispatched: Set[Tuple[int, str]] = set()
    probed: Dict[Tuple[int, str], bool] = {}
    for probe in run.probes:
        if probe.endpoint is None:
            continue
        key = (probe.app, probe.endpoint)
        exc = probe.request_exc
        if exc is not None and exc[0] == "TypeError" and _SIGNATURE_ERROR.match(exc[1]):
            dispatched.add(key)
        if probe.kind != "route":
            continue
        app = run.loaded.apps[probe.app]
        parts = urllib.parse.urlsplit(probe.url)
        try:
            rule, _args = app.url_map.bind("localhost").match(parts.path, method=probe.method, return_rule=True)
            other = rule.endpoint != probe.endpoint
        except Exception:
            other = False
        probed[key] = probed.get(key, True) and other
    return dispatched, {key for key, shadowed in probed.items() if shadowed}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("fixture", nargs="?", help="a single-file fixture")
    parser.add_argument("--project", help="a fixture project: its modules are imported by name")
    parser.add_argument("--verbose", action="store_true", help="also print every probe")
    args = parser.parse_args()
    # Fixture code prints: the report gets the real stdout, everything else stderr.
    report_out = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    warnings.simplefilter("ignore")
    logging.disable(logging.CRITICAL)  # Flask logs every 500 the probes cause
    if args.project:
        root = os.path.abspath(args.project)
        files = sorted(
            os.path.join(folder, name)
            for folder, _dirs, names in os.walk(root)
            for name in names
            if name.endswith(".py")
        )
        run = execute(files, root)
    else:
        run = execute([args.fixture])
    base = os.path.abspath(args.project) if args.project else os.path.dirname(os.path.abspath(args.fixture))

    def where(path: str, line: int) -> str:
        return f"{os.path.relpath(path, base)}:{line}"

    report = {
        "observed": {
            code: {where(*key): why for key, why in lines.items()} for code, lines in observed_lines(run, CLAIMS).items()
        },
        "waived": {where(*key): why for key, why in run.waived.items()},
        "load_errors": [
            {"line": e.line, "first_line": e.first_line, "file": e.file, "exc": f"{e.exc_type}: {e.exc_text}"}
            for e in run.loaded.errors
        ],
        "probes": len(run.probes),
        "stubbed_probes": sum(p.stubbed for p in run.probes),
        "apps": len(run.loaded.apps),
        "unreached_views": unreached_views(run, base),
    }
    if args.verbose:
        report["probe_log"] = [
            f"{p.kind} {p.method} {p.url} {p.detail} -> {p.status} "
            f"{p.request_exc or ''} {p.client_exc or ''} {p.stream_exc or ''}"
            for p in run.probes
        ]
    report_out.write(json.dumps(report, indent=1, sort_keys=True) + "\n")
    report_out.flush()
    REAL_EXIT(0)  # threads the fixture left behind must not keep the process alive


if __name__ == "__main__":
    sys.exit(main())
