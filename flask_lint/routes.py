"""``flask-lint routes [PATH]``: the application's URL map, read from the code.

The map itself is :class:`flask_lint.url_map.RouteMapper` (what Flask does
when the code runs, without importing the application); this module is the
command: what the code does not say is named in a note on stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import asdict
from typing import Dict, List, Optional, Sequence, TextIO, Tuple

from .config import OneLineParser
from .families import FAMILIES
from .index import get_index
from .url_map import Route, RouteMapper

# ---------------------------------------------------------------- command


def route_map(path: str, use_cache: bool = True, display_root: Optional[str] = None) -> Tuple[List[Route], List[str]]:
    """Every route of every app created under ``path``, and the notes."""
    index = get_index(path, FAMILIES, use_cache=use_cache)
    mapper = RouteMapper(index, display_root)
    target = os.path.abspath(path)
    routes: List[Route] = []
    for key, module, line in mapper.apps():
        rel = mapper._paths.get(module)
        where = os.path.join(index.root, rel) if rel else ""
        if target != index.root and not (where == target or where.startswith(target.rstrip(os.sep) + os.sep)):
            continue
        routes.extend(mapper.routes(key, module, line))
    return routes, mapper.notes


def _sorted(routes: List[Route], key: str) -> List[Route]:
    if key == "rule":
        return sorted(routes, key=lambda r: (r.app, r.rule, r.endpoint))
    return sorted(routes, key=lambda r: (r.app, r.endpoint, r.rule))


def _table(routes: List[Route], out: TextIO) -> None:
    headers = ("Endpoint", "Methods", "Rule", "Blueprint", "Prefix", "View")
    by_app: Dict[str, List[Route]] = {}
    for r in routes:
        by_app.setdefault(r.app, []).append(r)
    for number, (app, app_routes) in enumerate(by_app.items()):
        if len(by_app) > 1:
            out.write(("\n" if number else "") + f"app {app}\n")
        rows = [
            (
                r.endpoint,
                ", ".join(r.methods) if r.methods is not None else "?",
                r.rule,
                r.blueprint or "-",
                r.url_prefix if r.url_prefix is not None else "-",
                r.location or "-",
            )
            for r in app_routes
        ]
        widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(headers)]
        line = "  ".join(f"{{{i}:<{w}}}" for i, w in enumerate(widths))
        out.write(line.format(*headers).rstrip() + "\n")
        out.write(line.format(*("-" * w for w in widths)).rstrip() + "\n")
        for row in rows:
            out.write(line.format(*row).rstrip() + "\n")


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="flask-lint routes",
        description="Print the application's URL map, read from the code: the app is never imported.",
    )
    parser.add_argument("path", nargs="?", default=".", help="the project, or a package or file of it (default: .)")
    parser.add_argument("--format", choices=("table", "json"), default="table", help="output format (default: table)")
    parser.add_argument("--sort", choices=("endpoint", "rule"), default="endpoint", help="sort order (default: endpoint)")
    parser.add_argument("--no-cache", action="store_true", help="neither read nor write the project index cache")
    return parser


def main(argv: Sequence[str], out: TextIO) -> int:
    args = build_parser().parse_args(list(argv))
    if not os.path.exists(args.path):
        print(f"flask-lint: error: {args.path}: no such file or folder", file=sys.stderr)
        return 2
    routes, notes = route_map(args.path, use_cache=not args.no_cache)
    for note in notes:
        print(f"flask-lint: note: {note}", file=sys.stderr)
    if not routes:
        print(f"flask-lint: no Flask app found in {args.path}", file=sys.stderr)
        if args.format == "json":
            out.write("[]\n")
        return 1
    routes = _sorted(routes, args.sort)
    if args.format == "json":
        json.dump([asdict(r) for r in routes], out, indent=2)
        out.write("\n")
    else:
        _table(routes, out)
    return 0


__all__ = ["Route", "RouteMapper", "route_map", "main"]
