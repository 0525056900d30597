"""Options shared by the flake8 plugin, the pylint plugin and the CLI.

Every analysis option is declared once in :data:`OPTIONS`; the frontends only
map their own option syntax onto :class:`Config`:

* flake8: ``--flask-<name>`` (also ``flask-<name> =`` in ``.flake8``/``setup.cfg``)
* pylint: ``--flask-<name>`` (also ``flask-<name> =`` in ``[tool.pylint.flask-lint]``)
* CLI and ``[tool.flask-lint]`` in ``pyproject.toml``: ``<name>``

A name that already starts with ``flask-`` (``flask-version``) is spelled the
same everywhere.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Dict, FrozenSet, List, Mapping, NoReturn, Optional, Sequence, Tuple

DEFAULT_BASELINE = ".flask-lint-baseline.json"


class ConfigError(Exception):
    """A bad option value or an unknown option: reported in one line, exit 2."""


def _positive_int(raw: object) -> int:
    if isinstance(raw, bool):
        raise ValueError("expected a positive integer")
    try:
        value = int(str(raw).strip()) if not isinstance(raw, int) else raw
    except ValueError:
        raise ValueError(f"expected a positive integer, got {raw!r}") from None
    if value < 1:
        raise ValueError(f"expected a positive integer, got {raw!r}")
    return value


def _yes_no(raw: object) -> bool:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return False
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in ("yes", "y", "true", "on", "1"):
        return True
    if text in ("no", "n", "false", "off", "0"):
        return False
    raise ValueError(f"expected yes or no, got {raw!r}")


class OneLineParser(argparse.ArgumentParser):
    """argparse, with its usage errors in one line (exit status 2)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


@dataclass(frozen=True)
class OptionSpec:
    name: str  # kebab-case, as written in pyproject.toml
    parse: Callable[[object], Any]
    default: Any
    help: str
    metavar: str = "N"
    default_text: str = ""  # how help texts show the default, when not the value itself

    @property
    def shown_default(self) -> str:
        return self.default_text or str(self.default)

    @property
    def attr(self) -> str:
        return self.name.replace("-", "_")

    @property
    def external(self) -> str:
        """The name in flake8's and pylint's configuration: ``flask-<name>``
        (``flask-version`` stays as it is)."""
        return self.name if self.name.startswith("flask-") else f"flask-{self.name}"

    @property
    def flag(self) -> str:
        return f"--{self.external}"

    @property
    def dest(self) -> str:
        """The attribute argparse (flake8, pylint) stores the flag in."""
        return self.external.replace("-", "_")


def _flask_version(raw: object) -> Optional[tuple]:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    text = str(raw).strip()
    if not re.fullmatch(r"\d+(\.\d+){0,2}", text):
        raise ValueError(f"expected a Flask release such as 2.3, got {raw!r}")
    parts = [int(p) for p in text.split(".")]
    return (parts[0], parts[1] if len(parts) > 1 else 0)


def _path(raw: object) -> Optional[str]:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if not isinstance(raw, str):
        raise ValueError(f"expected a file name, got {raw!r}")
    return raw.strip()


OPTIONS: List[OptionSpec] = [
    OptionSpec(
        "max-app-routes",
        _positive_int,
        10,
        "FLK301: most routes allowed directly on an app object before blueprints are asked for",
    ),
    OptionSpec(
        "report-envelopes",
        _yes_no,
        False,
        "FLK103: also report a failure answered with 200 in a success-flag envelope (success/ok/status) "
        "whose success value the same module answers too: the app's own clients read that flag on purpose",
        metavar="yes|no",
        default_text="no",
    ),
    OptionSpec(
        "flask-version",
        _flask_version,
        None,
        "the Flask release the project runs on (e.g. 2.2), for the rules whose claim depends on it; "
        "read from its lock files and requirements when not set, else the newest Flask",
        metavar="X.Y",
        default_text="from the project's metadata",
    ),
    OptionSpec(
        "baseline",
        _path,
        None,
        "report only the findings not recorded in this baseline file (written by flask-lint --write-baseline)",
        metavar="FILE",
        default_text="none",
    ),
]

OPTIONS_BY_NAME = {spec.name: spec for spec in OPTIONS}
# Options that choose what is reported rather than what is found: they are
# not part of the findings cache's key.
REPORTING_OPTIONS = frozenset({"baseline"})

# Keys of [tool.flask-lint] that are about rule selection rather than analysis.
SELECTION_KEYS = ("select", "ignore", "extend-select", "exclude")


@dataclass(frozen=True)
class Config:
    max_app_routes: int = 10
    report_envelopes: bool = False
    flask_version: Optional[Tuple[int, int]] = None
    baseline: Optional[str] = None
    # Codes the CLI reports; flake8 and pylint filter with their own machinery.
    enabled: Optional[FrozenSet[str]] = None
    exclude: Sequence[str] = field(default_factory=tuple)

    def with_options(self, values: Mapping[str, object], prefix: str = "") -> Config:
        """Validate raw option values (from any frontend) into a new Config.

        ``prefix`` is how the frontend spells the option in messages
        (``flask-`` for flake8 and pylint)."""
        changes: Dict[str, Any] = {}

        def shown(spec: OptionSpec) -> str:
            return spec.external if prefix else spec.name

        for name, raw in values.items():
            spec = OPTIONS_BY_NAME.get(name)
            if spec is None:
                known = ", ".join(shown(s) for s in OPTIONS)
                raise ConfigError(f"unknown option {prefix + name!r}; known options: {known}")
            try:
                changes[spec.attr] = spec.parse(raw)
            except ValueError as exc:
                raise ConfigError(f"bad value for {shown(spec)}: {exc}") from None
        return replace(self, **changes)


def load_toml_text(text: str, path: str) -> Dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.9/3.10 only
        import tomli as tomllib
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None


def _load_toml(path: str) -> Dict[str, Any]:
    with open(path, "rb") as handle:
        raw = handle.read()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: invalid TOML: not UTF-8") from None
    return load_toml_text(text, path)


def find_pyproject(start: str) -> Optional[str]:
    """The nearest pyproject.toml at or above ``start``."""
    current = os.path.abspath(start)
    if not os.path.isdir(current):
        current = os.path.dirname(current)
    while True:
        candidate = os.path.join(current, "pyproject.toml")
        if os.path.isfile(candidate):
            return candidate
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


def read_pyproject_section(path: str) -> Dict[str, Any]:
    """The ``[tool.flask-lint]`` table (``[tool.flask_lint]`` is accepted too)."""
    tool = _load_toml(path).get("tool", {})
    section = tool.get("flask-lint", tool.get("flask_lint", {}))
    if not isinstance(section, dict):
        raise ConfigError(f"{path}: [tool.flask-lint] must be a table")
    return section


def split_section(section: Mapping[str, Any], origin: str) -> tuple[Dict[str, Any], Dict[str, List[str]]]:
    """Separate analysis options from selection lists, rejecting unknown keys."""
    options: Dict[str, Any] = {}
    selection: Dict[str, List[str]] = {}
    for key, value in section.items():
        normal = key.replace("_", "-")
        if normal in SELECTION_KEYS:
            if isinstance(value, str):
                value = [part.strip() for part in value.split(",") if part.strip()]
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ConfigError(f"{origin}: {key} must be a list of strings")
            selection[normal] = value
        elif normal in OPTIONS_BY_NAME:
            try:
                OPTIONS_BY_NAME[normal].parse(value)
            except ValueError as exc:
                raise ConfigError(f"{origin}: bad value for {key} in [tool.flask-lint]: {exc}") from None
            options[normal] = value
        else:
            known = ", ".join(list(SELECTION_KEYS) + list(OPTIONS_BY_NAME))
            raise ConfigError(f"{origin}: unknown option {key!r} in [tool.flask-lint]; known: {known}")
    return options, selection
