"""flake8 frontend: ``flake8 --select FLK``.

flake8 owns file discovery, selection and ``# noqa``; this class only maps
its options onto :class:`Config` and the engine's findings onto flake8's
``(line, col, "FLKnnn message", type)`` tuples.  flake8 has no way to
apply fixes: the findings' fixes are the ``flask-lint --fix`` command's.
"""

from __future__ import annotations

import argparse
import ast
import logging
import sys
from typing import TYPE_CHECKING, Any, Dict, Iterator, List, Optional, Sequence, Tuple, Type

from . import __version__
from .config import OPTIONS, Config, ConfigError

if TYPE_CHECKING:  # pragma: no cover
    from .baseline import Baseline
    from .registry import Finding


class _IgnoredOptions(logging.Filter):
    """flake8 drops the keys of its configuration that no option claims,
    with a debug log line, so a mistyped ``flask-*`` key would silently fall
    back to its default.  This filter on flake8's config logger collects
    them for parse_options, and lets through only what flake8's own log
    level shows."""

    def __init__(self) -> None:
        super().__init__()
        self.names: List[str] = []
        self.shown_level = logging.NOTSET

    def filter(self, record: logging.LogRecord) -> bool:
        if "is not registered" in str(record.msg) and isinstance(record.args, tuple) and record.args:
            name = str(record.args[0])
            if name.replace("_", "-").startswith("flask-") and name not in self.names:
                self.names.append(name)
        return record.levelno >= self.shown_level


_IGNORED = _IgnoredOptions()


def _watch_flake8_config() -> None:
    logger = logging.getLogger("flake8.options.config")
    _IGNORED.names.clear()  # a new run in the same process
    if _IGNORED in logger.filters:
        return
    _IGNORED.shown_level = logger.getEffectiveLevel()
    logger.addFilter(_IGNORED)
    if _IGNORED.shown_level > logging.DEBUG:
        logger.setLevel(logging.DEBUG)  # debug records are only made when enabled


def _precompute(options: argparse.Namespace, config: Config) -> Dict[str, Any]:
    """Lint every file flake8 is about to check, here in its parent process:
    flake8 forks its ``--jobs`` workers after ``parse_options``, so they all
    share one project index instead of each building its own, and unchanged
    files come from the findings cache.  ``run`` uses an answer only for the
    very bytes it was computed from; anything else is analysed as before."""
    try:
        from .batch import flake8_precompute

        return flake8_precompute(options, config)
    except Exception:  # noqa: B902 - an optimisation only: run() analyses file by file
        return {}


class Plugin:
    name = "flask-lint"
    version = __version__
    config: Config = Config()
    _precomputed: Dict[str, Any] = {}  # see _precompute()
    _baseline: Optional[Baseline] = None  # --flask-baseline

    def __init__(self, tree: ast.Module, filename: str, lines: Sequence[str]) -> None:
        self.tree = tree
        self.filename = filename
        self.lines = lines

    @classmethod
    def add_options(cls, option_manager: Any) -> None:
        from .families import all_rules

        _watch_flake8_config()
        for spec in OPTIONS:
            # Values stay strings here and are validated in parse_options,
            # which reports a bad one in one line.
            option_manager.add_option(
                spec.flag,
                default=spec.default,
                metavar=spec.metavar,
                parse_from_config=True,
                help=f"{spec.help} (default: {spec.shown_default})",
            )
        off = [r.code for r in all_rules() if not r.default_enabled]
        if off:
            option_manager.extend_default_ignore(off)

    @classmethod
    def parse_options(cls, options: argparse.Namespace) -> None:
        """``--flask-*`` options, also ``flask-* =`` under ``[flake8]``."""
        values = {spec.name: getattr(options, spec.dest, spec.default) for spec in OPTIONS}
        try:
            for name in _IGNORED.names:
                known = ", ".join(spec.flag[2:] for spec in OPTIONS)
                raise ConfigError(f"unknown option {name!r} in the [flake8] configuration; known options: {known}")
            cls.config = Config().with_options(values, prefix="flask-")
            from .baseline import load_baseline

            cls._baseline = load_baseline(cls.config.baseline)
        except ConfigError as exc:
            print(f"flake8: flask-lint: {exc}", file=sys.stderr)
            raise SystemExit(2) from None
        cls._precomputed = _precompute(options, cls.config)

    def run(self) -> Iterator[Tuple[int, int, str, Type[Plugin]]]:
        path = self.filename
        text = "".join(self.lines)
        if path in ("stdin", "-"):
            path = "stdin.py"
        findings = self._findings(path, text)
        if self._baseline is not None:
            from .baseline import not_in_baseline

            findings = not_in_baseline(self._baseline, path, findings, tree=self.tree)
        for finding in findings:
            yield finding.line, finding.col, finding.text, type(self)

    def _findings(self, path: str, text: str) -> List[Finding]:
        from .engine import AnalysisError, analyse
        from .families import FAMILIES

        if self._precomputed and path != "stdin.py":
            from .batch import precomputed_findings

            found = precomputed_findings(self._precomputed, path, text)
            if found is not None:
                return found
        try:
            findings = analyse(path, self.config, tree=self.tree, text=text, families=FAMILIES)
        except AnalysisError as exc:
            # flake8 reports a file it cannot parse itself (E999) and never
            # calls a tree plugin for it: what is left is a file too large or
            # too deeply nested for flask-lint, which is FLK001, not a skip.
            from .registry import not_analysed

            findings = [not_analysed(exc)]
        return findings

