"""pylint frontend: ``pylint --load-plugins=flask_lint.pylint_plugin``.

astroid gives the module; the rules run on the stdlib ``ast`` of its
source, so pylint reports exactly what flake8 and the CLI report, under
pylint message ids (``FLK101`` -> ``E9101``) and symbols.

pylint wants one checker per message-id prefix, so each rule family is its
own checker; the first one to see a module runs the engine once and the
others take their share of the findings.  pylint has no way to apply
fixes: the findings' fixes are the ``flask-lint --fix`` command's.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Tuple

from pylint.checkers import BaseRawFileChecker

from .config import OPTIONS, OPTIONS_BY_NAME, Config, ConfigError
from .families import FAMILIES, all_rules
from .registry import FAMILY_TITLES, Finding, not_analysed

if TYPE_CHECKING:  # pragma: no cover
    from astroid import nodes
    from pylint.lint import PyLinter

    from .baseline import Baseline

_last: Dict[str, Any] = {"path": None, "findings": []}


def _options() -> Tuple[Tuple[str, Dict[str, Any]], ...]:
    return tuple(
        (
            spec.external,
            # pylint prints the default value itself: an option whose default is
            # read from the project shows that text, and _config() reads it as unset.
            {"default": spec.shown_default, "type": "string", "metavar": "<value>", "help": spec.help},
        )
        for spec in OPTIONS
    )


def _analyse_once(path: str, data: bytes, config: Config, baseline: Optional[Baseline] = None) -> Optional[List[Finding]]:
    """Run the engine for ``path`` unless the previous checker just did;
    without the findings ``baseline`` records."""
    key = (path, hash(data))
    if _last["path"] == key:
        return _last["findings"]
    from .engine import AnalysisError, analyse
    from .source import SourceError, decode

    _last["path"], _last["findings"] = key, None
    text = None
    try:
        text = decode(data)
        findings: List[Finding] = analyse(path, config, text=text, families=FAMILIES)
    except (AnalysisError, SourceError) as exc:
        # pylint reports a file it cannot parse itself (syntax-error) and
        # never gets here with it: what is left is FLK001, not a skip.
        findings = [not_analysed(exc)]
    if baseline is not None:
        from .baseline import not_in_baseline

        findings = not_in_baseline(baseline, path, findings, text=text)
    _last["findings"] = findings
    return findings


class _FamilyChecker(BaseRawFileChecker):
    family = ""

    def open(self) -> None:
        values = {spec.name: getattr(self.linter.config, spec.dest) for spec in OPTIONS}
        for name, value in list(values.items()):
            if OPTIONS_BY_NAME[name].default_text and value == OPTIONS_BY_NAME[name].default_text:
                values[name] = None
        try:
            self._config = Config().with_options(values, prefix="flask-")
            from .baseline import load_baseline

            self._baseline = load_baseline(self._config.baseline)
        except ConfigError as exc:
            # One line, and pylint's own exit status for a usage error (the
            # status it gives for an unknown option too).
            print(f"pylint: flask-lint: {exc}", file=sys.stderr)
            raise SystemExit(32) from None

    def process_module(self, node: nodes.Module) -> None:
        path = node.file
        if not path or not path.endswith(".py"):
            return
        try:
            with node.stream() as stream:
                data = stream.read()
        except OSError:
            return
        findings = _analyse_once(path, data, getattr(self, "_config", Config()), getattr(self, "_baseline", None))
        symbols = {r.code: r.name for r in all_rules()}
        for finding in findings or ():
            if finding.code[3] != self.family:
                continue
            self.add_message(
                symbols[finding.code],
                line=finding.line,
                col_offset=finding.col,
                end_lineno=finding.end_line,
                end_col_offset=finding.end_col,
                args=(finding.message,),
            )


def _checker_class(family: str, with_options: bool) -> type:
    rules = [r for r in all_rules() if r.code[3] == family]
    attrs: Dict[str, Any] = {
        "name": f"flask-lint-{FAMILY_TITLES[family].split()[0]}" if not with_options else "flask-lint",
        "family": family,
        "msgs": {r.msgid: ("%s", r.name, f"{r.code}: {r.summary or r.message}") for r in rules},
        "options": _options() if with_options else (),
    }
    return type(f"FlaskLint{family}xxChecker", (_FamilyChecker,), attrs)


def register(linter: PyLinter) -> None:
    first = True
    for family in sorted(FAMILY_TITLES):
        if not any(r.code[3] == family for r in all_rules()):
            continue
        linter.register_checker(_checker_class(family, with_options=first)(linter))
        first = False
    for r in all_rules():
        if not r.default_enabled:
            linter.disable(r.msgid)
    _reject_unknown_config_options(linter)


def _reject_unknown_config_options(linter: PyLinter) -> None:
    """pylint reports an unknown key of its configuration file as
    ``unrecognized-option`` and goes on, so a mistyped ``flask-*`` key would
    silently fall back to its default: stop with one line instead.  (Unknown
    command-line options already stop pylint, with exit status 32.)"""
    add_message = linter.add_message

    def checked_add_message(msgid: str, *args: Any, **kwargs: Any) -> None:
        if msgid in ("unrecognized-option", "E0015"):
            names = [n.strip() for n in str(kwargs.get("args", "")).split(",")]
            unknown = [n for n in names if n.startswith("flask-")]
            if unknown:
                known = ", ".join(spec.external for spec in OPTIONS)
                print(
                    f"pylint: flask-lint: unknown option {unknown[0]!r} in the pylint configuration; known options: {known}",
                    file=sys.stderr,
                )
                raise SystemExit(32)
        add_message(msgid, *args, **kwargs)

    linter.add_message = checked_add_message  # type: ignore[method-assign]
