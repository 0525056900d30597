"""Worker processes for a cold run: a project's files summarised and checked
on every core (``flask-lint --jobs``, and flake8's ``--jobs`` when its parent
process lints the project before forking its own workers).

The parent reads and hashes every file and answers what the caches can
(index.py, batch.py).  Each worker, forked once the files are known, then:

1. summarises its share of the files the index cache does not answer
   (parsing each once) and sends the summaries back, keeping the models of
   the modules that can involve Flask;
2. receives the whole index (every summary, as the index cache holds them)
   and runs the checkers over the files it was given, kept models first;
   their findings go back to the parent, which keeps the findings cache.

Nothing but marshal data crosses a pipe, and the parent does again itself
whatever a worker could not do (it failed, or died): the findings are the
same with any number of jobs.  Below :data:`MIN_BYTES` of source to
summarise, forking costs more than it saves, and everything runs in the
parent.  Needs the ``fork`` start method (not on Windows: one process there).
"""

from __future__ import annotations

import marshal
import os
from typing import Any, Dict, List, Optional, Set, Tuple

from .batch import MODEL_BUDGET, Result, _check, finding_row
from .config import Config
from .index import Pending, ProjectIndex, fewer_collections, summarise_entry
from .model import FlaskModel
from .registry import Finding

MIN_BYTES = 256 * 1024  # source to summarise before forking pays (about 40 ms of work)

Job = Tuple[int, str, str, str]  # position, path, rel, hash of the bytes summarised


def can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


def default_jobs() -> int:
    """What ``--jobs auto`` means: every core this process may use."""
    affinity = getattr(os, "sched_getaffinity", None)  # not on macOS or Windows
    try:
        return len(affinity(0)) if affinity is not None else os.cpu_count() or 1
    except OSError:
        return os.cpu_count() or 1


class Workers:
    """Up to ``jobs`` workers for one project root, started by
    :meth:`summarise` (the ``summarise_many`` of ProjectIndex.build)."""

    def __init__(self, root: str, jobs: int, wanted: Set[str], config: Config) -> None:
        self.root = root
        self.jobs = jobs
        self.wanted = wanted  # the files being linted: their models are worth keeping
        self.config = config
        self.processes: List[Any] = []
        self.pipes: List[Any] = []
        self.holds: Dict[str, int] = {}  # rel -> the worker that kept its model

    def summarise(self, pending: List[Pending]) -> Dict[str, Tuple[str, Dict[str, Any]]]:
        if len(pending) < 2 or sum(len(p[3]) for p in pending) < MIN_BYTES:
            return {}  # the parent summarises them
        chunks = _balanced(pending, self.jobs)
        import multiprocessing

        context = multiprocessing.get_context("fork")
        for chunk in chunks:
            parent_end, child_end = context.Pipe()
            process = context.Process(target=_work, args=(child_end, self.root, chunk, self.wanted, self.config), daemon=True)
            process.start()
            child_end.close()
            self.processes.append(process)
            self.pipes.append(parent_end)
        done: Dict[str, Tuple[str, Dict[str, Any]]] = {}
        for number, pipe in enumerate(self.pipes):
            reply = _receive(pipe)
            if not isinstance(reply, tuple) or len(reply) != 2:
                continue  # the parent summarises what this worker could not
            summaries, kept = reply
            for rel, ident, summary in summaries:
                done[rel] = (ident, summary)
            for rel in kept:
                self.holds[rel] = number
        return done

    def check(self, index: ProjectIndex, jobs: List[Job]) -> Dict[int, Result]:
        """Results by position for the jobs the workers did."""
        if not self.pipes:
            return {}
        shares: List[List[Job]] = [[] for _ in self.pipes]
        loads = [0] * len(self.pipes)
        for job in jobs:
            number = self.holds.get(job[2])
            if number is None:  # parsed again wherever there is least to do
                number = loads.index(min(loads))
            shares[number].append(job)
            loads[number] += 1
        summaries = index.__dict__.get("_raw") or index.by_path
        payload = marshal.dumps((summaries, index.files, index._idents))
        for pipe, share in zip(self.pipes, shares):
            try:
                pipe.send_bytes(marshal.dumps((payload, share)) if share else b"")
            except OSError:
                pass
        out: Dict[int, Result] = {}
        for pipe, share in zip(self.pipes, shares):
            if not share:
                continue
            reply = _receive(pipe)
            paths = {job[0]: (job[1], job[3]) for job in share}
            for position, rows in reply if isinstance(reply, list) else ():
                if rows is not None and position in paths:
                    path, digest = paths[position]
                    out[position] = Result(path, findings=[Finding(*row) for row in rows], digest=digest)
        return out

    def close(self) -> None:
        for pipe in self.pipes:
            pipe.close()
        for process in self.processes:
            process.join(timeout=5)
            if process.is_alive():
                process.kill()
                process.join()
        self.processes, self.pipes = [], []


def _balanced(pending: List[Pending], jobs: int) -> List[List[Pending]]:
    """At most ``jobs`` chunks of about the same number of bytes."""
    chunks: List[List[Pending]] = [[] for _ in range(max(1, min(jobs, len(pending))))]
    sizes = [0] * len(chunks)
    for item in sorted(pending, key=lambda p: -len(p[3])):
        number = sizes.index(min(sizes))
        chunks[number].append(item)
        sizes[number] += len(item[3])
    return chunks


def _receive(pipe: Any) -> Any:
    try:
        return marshal.loads(pipe.recv_bytes())
    except (EOFError, OSError, ValueError, TypeError):
        return None  # the worker died or sent nothing usable


def _work(pipe: Any, root: str, chunk: List[Pending], wanted: Set[str], config: Config) -> None:
    """A worker's whole life (see the module docstring)."""
    with fewer_collections():
        held: Dict[str, Tuple[str, FlaskModel]] = {}
        try:
            summaries = []
            budget = MODEL_BUDGET
            for rel, path, digest, data, previous in chunk:
                ident, summary, model = summarise_entry(path, root, data, previous)
                if model is not None and not model.light and rel in wanted and len(data) <= budget:
                    budget -= len(data)
                    held[rel] = (digest, model)
                summaries.append((rel, ident, summary))
            pipe.send_bytes(marshal.dumps((summaries, list(held))))
            del summaries
        except Exception:  # noqa: B902 - the parent does the chunk itself
            pipe.send_bytes(b"")
            return
        request = pipe.recv_bytes()
        if not request:
            return
        payload, share = marshal.loads(request)
        pipe.send_bytes(marshal.dumps(_check_share(root, payload, share, held, config)))


def _check_share(
    root: str, payload: bytes, share: List[Job], held: Dict[str, Tuple[str, FlaskModel]], config: Config
) -> List[Tuple[int, Optional[List[Tuple[Any, ...]]]]]:
    summaries, files, idents = marshal.loads(payload)
    index = ProjectIndex(root, summaries, lazy=True)
    index.files = files
    index._idents = idents
    answers: List[Tuple[int, Optional[List[Tuple[Any, ...]]]]] = []
    for position, path, rel, digest in share:
        try:
            result = _check(path, rel, digest, index, config, held.pop(rel, None))
        except Exception:  # noqa: B902 - the parent checks it again and reports what it raises
            answers.append((position, None))
            continue
        if result.findings is None or result.digest != digest:
            answers.append((position, None))
        else:
            answers.append((position, [finding_row(f) for f in result.findings]))
    return answers


__all__ = ["Workers", "can_fork", "default_jobs", "MIN_BYTES"]
