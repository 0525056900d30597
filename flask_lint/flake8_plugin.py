"""flake8 frontend: ``flake8 --select FLK``.

flake8 owns file discovery, selection and ``# noqa``; this class only maps
its options onto :class:`Config` and the engine's findings onto flake8's
``(line, col, "FLKnnn message", type)`` tuples.
"""

from __future__ import annotations

import argparse
import ast
import sys
from typing import Any, Iterator, Sequence, Set, Tuple, Type

from . import __version__
from .config import OPTIONS, Config, ConfigError, OptionSpec


def _argparse_type(spec: OptionSpec) -> Any:
    def convert(raw: str) -> Any:
        try:
            return spec.parse(raw)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    convert.__name__ = spec.name
    return convert


class Plugin:
    name = "flask-lint"
    version = __version__
    config: Config = Config()
    _warned: Set[str] = set()

    def __init__(self, tree: ast.Module, filename: str, lines: Sequence[str]) -> None:
        self.tree = tree
        self.filename = filename
        self.lines = lines

    @classmethod
    def add_options(cls, option_manager: Any) -> None:
        from .registry import all_rules

        for spec in OPTIONS:
            option_manager.add_option(
                spec.flag,
                type=_argparse_type(spec),
                default=spec.default,
                metavar=spec.metavar,
                parse_from_config=True,
                help=f"{spec.help} (default: {spec.default})",
            )
        off = [r.code for r in all_rules() if not r.default_enabled]
        if off:
            option_manager.extend_default_ignore(off)

    @classmethod
    def parse_options(cls, options: argparse.Namespace) -> None:
        values = {}
        for spec in OPTIONS:
            raw = getattr(options, "flask_" + spec.attr, spec.default)
            values[spec.name] = raw
        try:
            cls.config = Config().with_options(values)
        except ConfigError as exc:
            print(f"flake8: flask-lint: {exc}", file=sys.stderr)
            raise SystemExit(2) from None

    def run(self) -> Iterator[Tuple[int, int, str, Type[Plugin]]]:
        from .engine import AnalysisError, analyse

        path = self.filename
        text = "".join(self.lines)
        if path in ("stdin", "-"):
            path = "stdin.py"
        try:
            findings = analyse(path, self.config, tree=self.tree, text=text)
        except AnalysisError as exc:
            if path not in self._warned:
                self._warned.add(path)
                print(f"{path}: flask-lint: {exc}", file=sys.stderr)
            return
        for finding in findings:
            yield finding.line, finding.col, finding.text, type(self)

