"""Linting many files in one process: the ``flask-lint`` command and the
parent process of ``flake8`` (before it forks its workers).

Per project root, in the order the files were given:

1. the index is built once (:meth:`ProjectIndex.build`): every file is read
   and hashed; files that changed since the cache are parsed and summarised,
   and the models of those that can involve Flask are handed over, within
   :data:`MODEL_BUDGET` bytes of source, so that they are not parsed twice;
2. each file is then answered from what the index already knows when that
   gives the same findings as :func:`engine.analyse`, else by ``analyse``
   itself:

   * a parsed file that cannot involve Flask (``source.is_relevant``) and
     that no other module registers functions from has no findings, and is
     not parsed again;
   * a file that can involve Flask takes its findings from the findings
     cache when the file's hash and the index fingerprint (the ident of every
     summary the index holds: moving code keeps it) are those they were
     computed with, and every other file whose lines its messages cite
     is unchanged; else from the checkers
     run over the model kept from step 1, or over the file parsed again
     (but not summarised again: the index holds that very summary);
   * anything else (a file outside the index, too big, broken, changed since
     the index read it, registered from elsewhere) goes through ``analyse``
     exactly as a single-file run does.

The findings cache lives next to the index cache,
``<root>/.flask-lint-cache/findings-<key>.json``, where the key covers
flask-lint's code and the analysis options.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
from typing import Any, Dict, Iterable, List, Optional, Sequence, Set, Tuple

from .config import REPORTING_OPTIONS, Config
from .engine import AnalysisError
from .families import FAMILIES
from .filecheck import MODEL_BUDGET, Result, analyse_file, check_file, finding_row, read_bytes, recheck
from .index import (
    _INDEXES,
    CACHE_DIR,
    ProjectIndex,
    _blake2b,
    cache_disabled,
    code_fingerprint,
    fewer_collections,
    file_digest,
    module_name,
    read_cache_file,
    relative_to,
    root_of,
    write_cache_file,
)
from .model import FlaskModel
from .registry import Finding
from .routing_facts import entry_point_targets
from .source import decode
from .versions import resolve as resolve_versions

FINDINGS_CACHES_KEPT = 4  # findings-*.json files per root (one per set of options)


def lint_files(files: Sequence[str], config: Config, use_cache: bool = True, jobs: int = 1) -> List[Result]:
    """Findings for every file, in the order given (see the module docstring);
    ``jobs`` > 1 lets that many worker processes summarise and check the
    files the caches do not answer (workers.py)."""
    with fewer_collections():
        return _lint_files(files, config, use_cache, jobs)


def _lint_files(files: Sequence[str], config: Config, use_cache: bool, jobs: int) -> List[Result]:
    groups: Dict[str, List[int]] = {}
    for position, path in enumerate(files):
        groups.setdefault(root_of(path), []).append(position)
    results: List[Optional[Result]] = [None] * len(files)
    for root, positions in groups.items():
        for position, result in zip(positions, _lint_root(root, [files[p] for p in positions], config, use_cache, jobs)):
            results[position] = result
    return [r for r in results if r is not None]


def _lint_root(root: str, files: List[str], config: Config, use_cache: bool, jobs: int) -> List[Result]:
    wanted = {relative_to(path, root) for path in files}
    kept: Dict[str, Tuple[str, FlaskModel]] = {}
    budget = [MODEL_BUDGET]

    def keep(rel: str, digest: str, model: FlaskModel, size: int) -> None:
        if rel in wanted and size <= budget[0]:
            budget[0] -= size
            kept[rel] = (digest, model)

    key = (root, use_cache, FAMILIES)
    index = _INDEXES.get(key)
    pool = None
    if index is None:
        from .workers import Workers

        def share_budget(processes: int) -> None:
            budget[0] = MODEL_BUDGET // processes

        pool = Workers(root, jobs, wanted, config, FAMILIES, share_budget) if jobs > 1 else None
        try:
            index = _INDEXES[key] = ProjectIndex.build(
                root, FAMILIES, use_cache=use_cache, on_model=keep, summarise_many=pool.summarise if pool else None
            )
        except Exception as exc:  # noqa: B902 - reported per file, as analyse() would
            if pool is not None:
                pool.close()
            return [Result(path, error=exc) for path in files]
    cache = FindingsCache(root, config) if use_cache and not cache_disabled() else None
    results: List[Optional[Result]] = [None] * len(files)
    to_check: List[Tuple[int, str, str, str]] = []  # position, path, rel, hash
    for position, path in enumerate(files):
        rel = relative_to(path, root)
        try:
            results[position] = _answer_unchecked(path, rel, index, config, cache)
        except Exception as exc:  # noqa: B902 - one bad file never stops the run
            results[position] = Result(path, error=exc)
        if results[position] is None:
            to_check.append((position, path, rel, index.files[rel][0]))

    def check_here(job: Tuple[int, str, str, str]) -> Result:
        _position, path, rel, digest = job
        try:
            return check_file(path, rel, digest, index, config, kept.pop(rel, None))
        except Exception as exc:  # noqa: B902 - one bad file never stops the run
            return Result(path, error=exc)

    checked: Dict[int, Result] = {}
    if pool is not None:
        try:
            checked = pool.check(index, to_check, set(kept), check_here)
        except Exception:  # noqa: B902 - the workers are a speed-up: the loop below does it all
            checked = {}
        finally:
            pool.close()
    for job in to_check:
        position, path, rel, digest = job
        result = checked.get(position)
        if result is None:  # no worker was forked, or it failed on this file
            result = check_here(job)
        if cache is not None and result.findings is not None and result.digest == digest:
            cache.put(rel, digest, index.fingerprint(), result.findings, _cited_files(result.findings, rel, index))
        results[position] = result
    if cache is not None:
        cache.save(set(index.files))
    return [r for r in results if r is not None]


def _answer_unchecked(
    path: str, rel: str, index: ProjectIndex, config: Config, cache: Optional[FindingsCache]
) -> Optional[Result]:
    """The answer for a file when it needs no checkers run over a model the
    index summarised (None when it does: see :func:`filecheck.check_file`)."""
    facts = index.files.get(rel)
    if facts is None or facts[1] is None:
        return analyse_file(path, index, config)
    digest, relevant = facts
    if not relevant:
        external = _externally_registered(index, cache)
        if external and module_name(path, index.root)[0] in external:
            # The index summarised these very bytes: check them, do not summarise again.
            return recheck(path, rel, digest, index, config)
        return Result(path, findings=[], digest=digest)
    if cache is not None:
        hit = cache.get(rel, digest, index.fingerprint(), index)
        if hit is not None:
            return Result(path, findings=hit, digest=digest)
    return None


# "pkg.views:12" or "pkg.views line 12": a message citing a line of another
# module, which the index fingerprint does not cover (see FindingsCache).
_CITED_LINE = re.compile(r"([\w./-]+)(?::| line )\d+")


def _cited_files(findings: List[Finding], rel: str, index: ProjectIndex) -> Dict[str, str]:
    """The other files whose lines the messages cite, with their hashes."""
    cited: Dict[str, str] = {}
    for finding in findings:
        for name in _CITED_LINE.findall(finding.message):
            other = index.path_of_module(name)
            facts = index.files.get(other) if other is not None and other != rel else None
            if other is not None and facts is not None:
                cited[other] = facts[0]
    return cited


def _externally_registered(index: ProjectIndex, cache: Optional[FindingsCache]) -> Set[str]:
    """index.externally_registered_modules(), from the cache when the index
    is the one it was computed for (so a fully cached run never needs more
    of the index than its fingerprint)."""
    fingerprint = index.fingerprint()
    found = cache.external(fingerprint) if cache is not None else None
    if found is None:
        found = index.externally_registered_modules()
        if cache is not None:
            cache.put_external(fingerprint, found)
    return found


def read_text(path: str) -> str:
    """A file's decoded text (for its ``# noqa`` comments: no parsing)."""
    return decode(read_bytes(path))


# ------------------------------------------------------------------ cache


class FindingsCache:
    """Findings per file, valid for the file's hash, the Flask and Werkzeug
    releases that apply to it, the index fingerprint they were computed with
    and the hashes of the files whose lines they cite; one file per set of
    analysis options."""

    def __init__(self, root: str, config: Config) -> None:
        self.root = root
        analysis = {k: v for k, v in dataclasses.asdict(config).items() if k not in REPORTING_OPTIONS}
        options = json.dumps(analysis, sort_keys=True, default=_canonical)
        self._option = config.flask_version
        # The entry points the project declares change answers as options do
        # (FLK303: blueprints a framework registers); the versions read from
        # its metadata are each file's own (see _tagged).
        entry_points = repr(entry_point_targets(root))
        code = code_fingerprint([ext for family in FAMILIES for ext in family.extensions])
        key = _blake2b(f"{code}\0{options}\0{entry_points}".encode(), digest_size=8).hexdigest()
        self.name = f"findings-{key}.json"
        data = read_cache_file(root, self.name)
        entries = data.get("entries") if isinstance(data, dict) else None
        self.entries: Dict[str, Any] = entries if isinstance(entries, dict) else {}
        external = data.get("external") if isinstance(data, dict) else None
        self._external: Any = external if isinstance(external, list) and len(external) == 2 else None
        self.dirty = False

    def external(self, fingerprint: str) -> Optional[Set[str]]:
        """The modules registered from elsewhere, for the index ``fingerprint``."""
        if self._external is None or self._external[0] != fingerprint or not isinstance(self._external[1], list):
            return None
        return set(self._external[1])

    def put_external(self, fingerprint: str, modules: Set[str]) -> None:
        self._external = [fingerprint, sorted(modules)]
        self.dirty = True

    def get(self, rel: str, digest: str, fingerprint: str, index: ProjectIndex) -> Optional[List[Finding]]:
        entry = self.entries.get(rel)
        if not isinstance(entry, list) or len(entry) != 4 or entry[1] != fingerprint:
            return None
        if entry[0] != self._tagged(rel, digest):
            return None
        cited = entry[3]
        try:
            if any((index.files.get(other) or ("",))[0] != hashed for other, hashed in cited.items()):
                return None
            return [Finding.from_row(item) for item in entry[2]]
        except (TypeError, AttributeError, ValueError):  # a damaged entry
            return None

    def _tagged(self, rel: str, digest: str) -> str:
        """The file's hash with the Flask and Werkzeug releases its findings
        were computed for (its service's pins, in a monorepo, or the
        project's): new pins are new answers."""
        versions = repr(resolve_versions(self.root, self._option, os.path.join(self.root, rel)))
        return f"{digest}:{_blake2b(versions.encode(), digest_size=6).hexdigest()}"

    def put(self, rel: str, digest: str, fingerprint: str, findings: List[Finding], cited: Dict[str, str]) -> None:
        rows = [finding_row(f) for f in findings]
        self.entries[rel] = [self._tagged(rel, digest), fingerprint, rows, cited]
        self.dirty = True

    def save(self, existing: Iterable[str]) -> None:
        present = set(existing)
        gone = [rel for rel in self.entries if rel not in present]
        for rel in gone:
            del self.entries[rel]
        if not self.dirty and not gone:
            return
        write_cache_file(self.root, self.name, {"entries": self.entries, "external": self._external})
        self._prune()

    def _prune(self) -> None:
        folder = os.path.join(self.root, CACHE_DIR)
        try:
            olds = [e for e in os.scandir(folder) if e.name.startswith("findings-") and e.name.endswith(".json")]
            olds.sort(key=lambda e: e.stat().st_mtime, reverse=True)
            for entry in olds[FINDINGS_CACHES_KEPT:]:
                os.unlink(entry.path)
        except OSError:
            pass


def _canonical(value: object) -> object:
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    return repr(value)


# ------------------------------------------------------------------ flake8


def flake8_precompute(options: Any, config: Config) -> Dict[str, Tuple[str, List[Finding]]]:
    """Findings of every file flake8 is about to check, computed in its
    parent process (so ``--jobs N`` workers, forked afterwards, share one
    index; a cold run uses N processes of its own, workers.py): absolute
    path -> (hash of the bytes, findings).  Files whose
    answer is not found here are analysed by the plugin as before."""
    paths = list(getattr(options, "filenames", None) or ["."])
    if "-" in paths:
        return {}
    from flake8.discover_files import expand_paths

    exclude = [*getattr(options, "exclude", ()), *getattr(options, "extend_exclude", ())]
    files = list(
        expand_paths(
            paths=paths,
            stdin_display_name=getattr(options, "stdin_display_name", "stdin"),
            filename_patterns=getattr(options, "filename", ["*.py"]),
            exclude=exclude,
        )
    )
    files = sorted({f for f in files if f.endswith(".py") and os.path.isfile(f)})
    out: Dict[str, Tuple[str, List[Finding]]] = {}
    for result in lint_files(files, config, jobs=_flake8_jobs(options)):
        if result.findings is not None and result.digest is not None:
            out[os.path.abspath(result.path)] = (result.digest, result.findings)
    return out


def _flake8_jobs(options: Any) -> int:
    """flake8's ``--jobs`` (``auto``: one per core, as flake8 counts them)."""
    jobs = getattr(options, "jobs", None)
    if getattr(jobs, "is_auto", False):
        from .workers import default_jobs

        return default_jobs()
    count = getattr(jobs, "n_jobs", 1)
    return count if isinstance(count, int) and count > 0 else 1


def precomputed_findings(table: Dict[str, Tuple[str, List[Finding]]], path: str, text: str) -> Optional[List[Finding]]:
    """The precomputed findings for ``path`` if flake8 read the same bytes."""
    entry = table.get(os.path.abspath(path))
    if entry is None:
        return None
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:
        return None
    return entry[1] if file_digest(data) == entry[0] else None


__all__ = ["lint_files", "Result", "FindingsCache", "flake8_precompute", "precomputed_findings", "read_text", "AnalysisError"]
