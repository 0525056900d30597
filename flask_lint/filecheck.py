"""One file's check inside a many-file run, shared by the parent process
(batch.py) and its worker processes (workers.py): the checkers over a model
the index summarised, or the file read and analysed as a single-file run
does."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, List, Optional, Tuple

from .config import Config
from .engine import analyse, check_model, recursion_error
from .index import ProjectIndex, file_digest, import_aliases, module_name
from .model import FlaskModel
from .registry import Finding
from .source import SourceError, read_source

# Source bytes whose models are kept between building the index and running
# the checkers, all processes together (about 80 bytes of memory per byte of
# source): beyond it, files are parsed a second time rather than held in
# memory.  The modules that involve Flask in a project of redash's or CTFd's
# size fit.
MODEL_BUDGET = 768 * 1024


@dataclass
class Result:
    """One file's answer: findings, or the exception that stopped it."""

    path: str
    findings: Optional[List[Finding]] = None
    error: Optional[BaseException] = None
    text: Optional[str] = None  # the decoded source, when it was read
    digest: Optional[str] = None  # hash of the bytes the findings are about


def check_file(
    path: str, rel: str, digest: str, index: ProjectIndex, config: Config, held: Optional[Tuple[str, FlaskModel]]
) -> Result:
    """The checkers over a module the index summarised from ``digest``: its
    kept model, or the file parsed again."""
    if held is not None and held[0] == digest:
        return Result(path, findings=check_model(path, held[1], index, config), digest=digest)
    return recheck(path, rel, digest, index, config)


def analyse_file(path: str, index: ProjectIndex, config: Config) -> Result:
    """What a single-file run does: read, parse, analyse (raising as it does)."""
    data = read_bytes(path)
    source = read_source(path, data)
    findings = analyse(path, config, tree=source.tree, text=source.text, index=index)
    return Result(path, findings=findings, text=source.text, digest=file_digest(data))


def recheck(path: str, rel: str, digest: str, index: ProjectIndex, config: Config) -> Result:
    """A module the index summarised from these very bytes, its model not
    kept: parse it again, but do not summarise it again (``analyse`` would,
    only to find the summary the index holds) unless something differs."""
    data = read_bytes(path)
    summary = index.summary_for(rel)
    module, is_package = module_name(path, index.root)
    if (
        file_digest(data) != digest
        or summary is None
        or summary.get("module") != module
        or bool(summary.get("package")) != is_package
    ):
        return analyse_file(path, index, config)
    source = read_source(path, data)
    try:
        model = FlaskModel(source.tree, module, is_package, aliases=import_aliases(path, index.root))
    except RecursionError:
        raise recursion_error(source.tree) from None
    return Result(path, findings=check_model(path, model, index, config), text=source.text, digest=digest)


def read_bytes(path: str) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as exc:
        raise SourceError(f"cannot read: {exc.strerror or exc}") from None


def finding_row(finding: Finding) -> Tuple[Any, ...]:
    """A finding as plain data (``Finding.from_row(row)`` gives it back)."""
    return finding.row()
