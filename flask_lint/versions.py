"""Which Flask and Werkzeug versions a project runs on.

Some of Flask's behaviour changed between releases (registering a blueprint
twice, the status ``get_json()`` answers a non-JSON request with, the error
codes Werkzeug knows), so a rule that claims such a behaviour makes the claim
only for the versions where it holds.  The versions come from the option
``flask-version`` when it is set, else from the project's own metadata, read
as text and never executed: lock files first (``poetry.lock``, ``uv.lock``,
``Pipfile.lock``: the exact version), then the declared requirements
(``pyproject.toml``, ``setup.cfg``, ``setup.py``, ``requirements*.txt``
(pinned) before ``requirements*.in`` and ``requirements/*.txt``).  The
metadata read for a file is that of the nearest folder between the file and
the project root that names Flask or Werkzeug, else the root's: a monorepo's
services each pin their own releases (``services/api/requirements.txt``).
Unknown means today's Flask: every rule behaves as for the newest release.

Versions are ``(major, minor)`` pairs; a :class:`VersionRange` is the
half-open interval of the releases a project allows.
"""

from __future__ import annotations

import ast
import json
import os
import re
from typing import Dict, FrozenSet, Iterable, List, NamedTuple, Optional, Tuple

Version = Tuple[int, int]
PACKAGES = ("flask", "werkzeug")
# Werkzeug releases each Flask release requires at least (Flask's own pins).
WERKZEUG_FOR_FLASK: Dict[Version, Version] = {
    (3, 1): (3, 1), (3, 0): (3, 0), (2, 3): (2, 3), (2, 2): (2, 2), (2, 1): (2, 0), (2, 0): (2, 0),
    (1, 1): (0, 15), (1, 0): (0, 15), (0, 12): (0, 7),
}


class VersionRange(NamedTuple):
    """The releases ``[low, high)`` a project allows; None: no bound known."""

    low: Optional[Version] = None
    high: Optional[Version] = None
    source: str = ""  # where it was read, for messages and --show-settings

    @property
    def known(self) -> bool:
        return self.low is not None or self.high is not None

    def always_at_least(self, version: Version) -> bool:
        """Every allowed release is ``version`` or newer (unknown: yes, as
        today's release is)."""
        if self.low is not None:
            return self.low >= version
        return self.high is None or self.high > version

    def always_below(self, version: Version) -> bool:
        """Every allowed release is older than ``version``."""
        return self.high is not None and self.high <= version

    def describe(self) -> str:
        if self.low is not None and self.high is not None and _next_minor(self.low) == self.high:
            return f"{self.low[0]}.{self.low[1]}"
        parts = []
        if self.low is not None:
            parts.append(f">={self.low[0]}.{self.low[1]}")
        if self.high is not None:
            parts.append(f"<{self.high[0]}.{self.high[1]}")
        return ",".join(parts) or "any"


UNKNOWN = VersionRange()


def non_json_statuses(werkzeug: VersionRange) -> FrozenSet[int]:
    """What ``request.get_json()`` (and ``request.json``) raises on a request
    whose content type is not JSON, on every release ``werkzeug`` allows:
    415 from Werkzeug 2.3 (#2550), 400 on 2.1 and 2.2 (#2339), and nothing
    before 2.1, where it returns None (empty: some allowed release returns
    None).  A malformed body with a JSON content type is a 400 on every
    release."""
    if not werkzeug.always_at_least((2, 1)):
        return frozenset()
    if werkzeug.always_at_least((2, 3)):
        return frozenset({415})
    return frozenset({400}) if werkzeug.always_below((2, 3)) else frozenset({400, 415})
_SPEC_RE = re.compile(r"(===|==|~=|!=|>=|<=|>|<|\^|~|=)?\s*v?(\d+(?:\.\d+)*)(\.\*)?")


def _next_minor(version: Version) -> Version:
    return (version[0], version[1] + 1)


def _numbers(text: str) -> Tuple[int, ...]:
    return tuple(int(part) for part in text.split(".") if part.isdigit())


def parse_version(text: str) -> Optional[Version]:
    """``"2.3.1"`` -> (2, 3); ``"3"`` -> (3, 0); anything else: None."""
    numbers = _numbers(text.strip())
    if not numbers:
        return None
    return (numbers[0], numbers[1] if len(numbers) > 1 else 0)


def parse_specifier(spec: str, source: str = "") -> VersionRange:
    """A requirement's version constraints (PEP 440, or Poetry's ``^``/``~``)
    as the range of minor releases they allow."""
    low: Optional[Version] = None
    high: Optional[Version] = None
    for clause in re.split(r"[,|]", spec.split(";")[0]):
        match = _SPEC_RE.fullmatch(clause.strip())
        if not match:
            continue
        op, text, star = match.group(1) or "==", match.group(2), match.group(3)
        numbers = _numbers(text)
        version = (numbers[0], numbers[1] if len(numbers) > 1 else 0)
        if op == "!=":
            continue
        bounds: Tuple[Optional[Version], Optional[Version]]
        if op in ("==", "===", "="):
            bounds = (version, (numbers[0] + 1, 0) if star and len(numbers) == 1 else _next_minor(version))
        elif op in (">=", ">"):  # >2.2 still allows 2.2.1
            bounds = (version, None)
        elif op == "<":
            bounds = (None, version if len(numbers) <= 2 or numbers[2] == 0 else _next_minor(version))
        elif op == "<=":
            bounds = (None, _next_minor(version))
        elif op == "~=":
            bounds = (version, (numbers[0] + 1, 0) if len(numbers) <= 2 else _next_minor(version))
        elif op == "^":
            bounds = (version, (numbers[0] + 1, 0) if numbers[0] > 0 else _next_minor(version))
        else:  # poetry's ~
            bounds = (version, _next_minor(version) if len(numbers) > 1 else (numbers[0] + 1, 0))
        if bounds[0] is not None and (low is None or bounds[0] > low):
            low = bounds[0]
        if bounds[1] is not None and (high is None or bounds[1] < high):
            high = bounds[1]
    return VersionRange(low, high, source)


# ------------------------------------------------------------- metadata

_REQUIREMENT_RE = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(\(?[^;#@]*\)?)")


def _requirement(line: str) -> Optional[Tuple[str, str]]:
    """``Flask[async]>=2.2,<3 ; python_version>'3'`` -> ("flask", ">=2.2,<3")."""
    match = _REQUIREMENT_RE.match(line)
    if not match:
        return None
    name = re.sub(r"[-_.]+", "-", match.group(1)).lower()
    return name, match.group(3).strip().strip("()")


def _from_requirements(lines: Iterable[str], source: str) -> Dict[str, VersionRange]:
    found: Dict[str, VersionRange] = {}
    for raw in lines:
        line = raw.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        parsed = _requirement(line)
        if parsed and parsed[0] in PACKAGES and parsed[0] not in found:
            found[parsed[0]] = parse_specifier(parsed[1], source)
    return found


def _read(path: str) -> Optional[str]:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return handle.read(2_000_000)
    except OSError:
        return None


def _toml(path: str) -> Optional[Dict[str, object]]:
    text = _read(path)
    if text is None:
        return None
    try:
        from .config import load_toml_text

        return load_toml_text(text, path)
    except Exception:  # noqa: B902 - a broken lock file is no version, never a crash
        return None


def _from_locks(root: str) -> Dict[str, VersionRange]:
    found: Dict[str, VersionRange] = {}
    for name in ("poetry.lock", "uv.lock", "pdm.lock"):
        data = _toml(os.path.join(root, name))
        packages = data.get("package") if isinstance(data, dict) else None
        if isinstance(packages, list):
            for package in packages:
                if not isinstance(package, dict):
                    continue
                key = str(package.get("name", "")).lower()
                version = parse_version(str(package.get("version", "")))
                if key in PACKAGES and version is not None and key not in found:
                    found[key] = VersionRange(version, _next_minor(version), name)
    text = _read(os.path.join(root, "Pipfile.lock"))
    if text:
        try:
            data = json.loads(text)
        except ValueError:
            data = None
        if isinstance(data, dict):
            for section in ("default", "develop"):
                packages = data.get(section)
                if isinstance(packages, dict):
                    for key, entry in packages.items():
                        if key.lower() in PACKAGES and isinstance(entry, dict) and key.lower() not in found:
                            found[key.lower()] = parse_specifier(str(entry.get("version", "")), "Pipfile.lock")
    return found


def _from_pyproject(root: str) -> Dict[str, VersionRange]:
    data = _toml(os.path.join(root, "pyproject.toml"))
    if not isinstance(data, dict):
        return {}
    found: Dict[str, VersionRange] = {}
    project = data.get("project")
    if isinstance(project, dict) and isinstance(project.get("dependencies"), list):
        found.update(_from_requirements([str(d) for d in project["dependencies"]], "pyproject.toml"))
    tool = data.get("tool")
    poetry = tool.get("poetry") if isinstance(tool, dict) else None
    deps = poetry.get("dependencies") if isinstance(poetry, dict) else None
    if isinstance(deps, dict):
        for key, value in deps.items():
            name = key.lower()
            if name in PACKAGES and name not in found:
                spec = value.get("version", "") if isinstance(value, dict) else value
                found[name] = parse_specifier(str(spec), "pyproject.toml")
    return found


def _from_setup_cfg(root: str) -> Dict[str, VersionRange]:
    text = _read(os.path.join(root, "setup.cfg"))
    if not text:
        return {}
    match = re.search(r"^install_requires\s*=\s*(.*?)(?=^\S|\Z)", text, re.MULTILINE | re.DOTALL)
    return _from_requirements(match.group(1).splitlines(), "setup.cfg") if match else {}


def _from_setup_py(root: str) -> Dict[str, VersionRange]:
    text = _read(os.path.join(root, "setup.py"))
    if not text or "install_requires" not in text:
        return {}
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError):
        return {}
    lines: List[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg == "install_requires" and isinstance(node.value, (ast.List, ast.Tuple)):
            lines += [e.value for e in node.value.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
    return _from_requirements(lines, "setup.py")


def _from_requirement_files(root: str) -> Dict[str, VersionRange]:
    candidates = sorted(n for n in _listdir(root) if n.startswith("requirements") and n.endswith((".txt", ".in")))
    folder = os.path.join(root, "requirements")
    candidates += sorted(os.path.join("requirements", n) for n in _listdir(folder) if n.endswith((".txt", ".in")))
    # The main list before the dev/test ones; pip-compile's pinned .txt
    # before the .in it was compiled from.
    candidates.sort(key=lambda n: (any(w in n for w in ("dev", "test", "doc", "lint")), n.endswith(".in"), n))
    found: Dict[str, VersionRange] = {}
    for name in candidates:
        text = _read(os.path.join(root, name))
        if text:
            for key, value in _from_requirements(text.splitlines(), name).items():
                if value.known:  # a bare "werkzeug" in one list hides no pin in another
                    found.setdefault(key, value)
    return found


def _listdir(folder: str) -> List[str]:
    try:
        return os.listdir(folder)
    except OSError:
        return []


_PROJECT: Dict[str, Dict[str, VersionRange]] = {}
# A file's folder -> the folder whose metadata applies to it (per root).
_NEAREST: Dict[Tuple[str, str], str] = {}
_RESOLVED: Dict[Tuple[str, str, Optional[Version]], Tuple[VersionRange, VersionRange]] = {}
_METADATA = frozenset(
    {"poetry.lock", "uv.lock", "pdm.lock", "Pipfile.lock", "pyproject.toml", "setup.cfg", "setup.py", "requirements"}
)


def project_versions(folder: str) -> Dict[str, VersionRange]:
    """The Flask and Werkzeug ranges the metadata in ``folder`` allows (read
    once per folder and process)."""
    if folder not in _PROJECT:
        found: Dict[str, VersionRange] = {}
        # Most folders of a project hold no metadata: one listing says so.
        if any(n in _METADATA or n.startswith("requirements") for n in _listdir(folder)):
            for reader in (_from_locks, _from_pyproject, _from_setup_cfg, _from_setup_py, _from_requirement_files):
                for key, value in reader(folder).items():
                    if key not in found and value.known:
                        found[key] = value
        _PROJECT[folder] = found
    return _PROJECT[folder]


def versions_folder(root: str, path: str) -> str:
    """The folder whose metadata says which releases ``path`` runs on: the
    nearest between the file and ``root`` that names Flask or Werkzeug (a
    monorepo's service pins its own), else ``root``."""
    root = os.path.abspath(root)
    start = os.path.dirname(os.path.abspath(path))
    walked: List[str] = []
    folder = start
    found = root
    while folder != root and folder.startswith(root + os.sep):
        known = _NEAREST.get((root, folder))
        if known is not None:
            found = known
            break
        walked.append(folder)
        if project_versions(folder):
            found = folder
            break
        folder = os.path.dirname(folder)
    for seen in walked:
        _NEAREST[(root, seen)] = found
    return found


def resolve(root: str, option: Optional[Version], path: Optional[str] = None) -> Tuple[VersionRange, VersionRange]:
    """(Flask, Werkzeug) for a project, or for the file ``path`` of it (see
    :func:`versions_folder`): the option wins over the metadata; Werkzeug,
    when the metadata does not pin it, is at least what its Flask requires."""
    folder = versions_folder(root, path) if path else root
    key = (root, folder, option)
    if key not in _RESOLVED:
        found = project_versions(folder)
        if folder != os.path.abspath(root):
            # Name the service's file in messages: services/api/requirements.txt.
            prefix = os.path.relpath(folder, root).replace(os.sep, "/")
            found = {k: v._replace(source=f"{prefix}/{v.source}") for k, v in found.items()}
        flask = VersionRange(option, _next_minor(option), "flask-version") if option else found.get("flask", UNKNOWN)
        werkzeug = found.get("werkzeug", UNKNOWN)
        if not werkzeug.known and flask.low is not None:
            floor = max((w for f, w in WERKZEUG_FOR_FLASK.items() if f <= flask.low), default=None)
            if floor is not None:
                werkzeug = VersionRange(floor, None, f"{flask.source} (Flask {flask.describe()})")
        _RESOLVED[key] = (flask, werkzeug)
    return _RESOLVED[key]


def clear() -> None:
    _PROJECT.clear()
    _NEAREST.clear()
    _RESOLVED.clear()
