"""Worker processes for a cold run: a project's files summarised and checked
on every core (``flask-lint --jobs``, and flake8's ``--jobs`` when its parent
process lints the project before forking its own workers).

The parent reads and hashes every file and answers what the caches can
(index.py, batch.py).  With ``jobs`` N, it forks N - 1 workers once the
files are known, and works as the N-th itself:

1. the files the index cache does not answer go out in batches, largest
   first, to whichever process is free (each worker has two batches in hand,
   so that it never waits for the parent); every process parses each of its
   files once, keeps the models of those that can involve Flask, and the
   workers send the summaries back;
2. the parent builds the index, sends each worker the summaries it lacks
   (as the index cache holds them), and each process runs the checkers over the
   files whose models it kept, files parsed again shared out evenly; the
   findings go back to the parent, which keeps the findings cache.

Nothing but marshal data crosses a pipe, and the parent does again itself
whatever a worker could not do (it failed, or died): the findings are the
same with any number of jobs.  Below :data:`MIN_BYTES` of source to
summarise, forking costs more than it saves, and everything runs in the
parent.  Needs the ``fork`` start method (not on Windows: one process there).
"""

from __future__ import annotations

import marshal
import os
from collections import deque
from typing import Any, Callable, Deque, Dict, List, Optional, Sequence, Set, Tuple

from .config import Config
from .filecheck import MODEL_BUDGET, Result, check_file, finding_row
from .index import Pending, ProjectIndex, fewer_collections, summarise_entry
from .model import FlaskModel
from .registry import Family, Finding

MIN_BYTES = 256 * 1024  # source to summarise per worker forked (about 40 ms of work)
MAX_WORKERS = 7  # beyond, the copies of the index and of the project-wide answers cost more than they save
BATCH_BYTES = 32 * 1024  # source per batch: about 5 ms of work

Job = Tuple[int, str, str, str]  # position, path, rel, hash of the bytes summarised
Summarised = Tuple[str, Dict[str, Any]]  # ident, frozen summary


def can_fork() -> bool:
    """Whether worker processes can be forked (multiprocessing's "fork"
    start method; importing multiprocessing to ask would cost 7 ms)."""
    return hasattr(os, "fork")


def default_jobs() -> int:
    """What ``--jobs auto`` means: every core this process may use."""
    affinity = getattr(os, "sched_getaffinity", None)  # not on macOS or Windows
    try:
        return len(affinity(0)) if affinity is not None else os.cpu_count() or 1
    except OSError:
        return os.cpu_count() or 1


class Workers:
    """``jobs`` - 1 workers for one project root, started by :meth:`summarise`
    (the ``summarise_many`` of ProjectIndex.build)."""

    def __init__(
        self,
        root: str,
        jobs: int,
        wanted: Set[str],
        config: Config,
        families: Sequence[Family],
        on_start: Callable[[int], None] = lambda n: None,
    ) -> None:
        self.root = root
        self.families = tuple(families)  # the index's: their extensions and checkers run in the workers too
        self.jobs = jobs
        self.wanted = wanted  # the files being linted: their models are worth keeping
        self.config = config
        self.on_start = on_start  # told how many processes share the work (the parent's model budget)
        self.processes: List[Any] = []
        self.pipes: List[Any] = []
        self.alive: List[bool] = []
        self.holds: Dict[str, int] = {}  # rel -> the worker that kept its model
        self.made: Dict[str, int] = {}  # rel -> the worker that summarised it (and keeps the summary)

    # ------------------------------------------------------------ phase 1

    def summarise(self, pending: List[Pending], here: Callable[[Pending], Summarised]) -> Dict[str, Summarised]:
        """Summaries of ``pending``: by the workers, and by ``here`` (the
        parent) between two of their requests."""
        size = sum(len(p[3]) for p in pending)
        if self.jobs < 2 or len(pending) < 2 or size < MIN_BYTES or not can_fork():
            return {}  # the parent summarises them
        order = sorted(range(len(pending)), key=lambda i: -len(pending[i][3]))
        batches: Deque[List[int]] = deque(_batches(order, pending))
        # Each worker costs a fork, a copy of the index and the project-wide
        # answers again: one per MIN_BYTES of source at most, and MAX_WORKERS.
        self._start(pending, min(self.jobs - 1, len(batches), MAX_WORKERS, size // max(MIN_BYTES, 1)))
        outstanding: List[Deque[List[int]]] = [deque() for _ in self.pipes]
        for number in range(len(self.pipes)):
            for _ in range(2):
                self._hand_out(number, batches, outstanding)
        done: Dict[str, Summarised] = {}
        from multiprocessing.connection import wait

        while batches or any(outstanding):
            busy = [self.pipes[n] for n in range(len(self.pipes)) if outstanding[n]]
            ready = wait(busy, timeout=0 if batches else None) if busy else []
            for pipe in ready:
                number = self.pipes.index(pipe)
                reply = _receive(pipe)
                sent = outstanding[number].popleft()
                if not isinstance(reply, tuple) or len(reply) != 2:
                    # Failed or died: the parent does all it had in hand.
                    self.alive[number] = False
                    batches.extendleft(reversed([sent, *outstanding[number]]))
                    outstanding[number].clear()
                    continue
                summaries, kept = reply
                for rel, ident, summary in summaries:
                    done[rel] = (ident, summary)
                    self.made[rel] = number
                for rel in kept:
                    self.holds[rel] = number
                self._hand_out(number, batches, outstanding)
            if batches and not ready:  # nobody asked: one file here
                batch = batches.popleft()
                item = pending[batch.pop(0)]
                done[item[0]] = here(item)
                if batch:
                    batches.appendleft(batch)
        for number, pipe in enumerate(self.pipes):
            if self.alive[number]:
                _send(pipe, b"")  # end of phase 1
        return done

    def _start(self, pending: List[Pending], count: int) -> None:
        import multiprocessing

        # The models kept stay within MODEL_BUDGET across all the processes.
        budget = MODEL_BUDGET // (count + 1)
        self.on_start(count + 1)
        context = multiprocessing.get_context("fork")
        # Handed over through the fork, not as arguments: a Process keeps its
        # arguments, and the parent needs the source bytes only until phase 2.
        _HANDOFF[:] = [pending, self.wanted, self.config, budget, self.families]
        try:
            for _ in range(count):
                parent_end, child_end = context.Pipe()
                process = context.Process(target=_work, args=(child_end, self.root), daemon=True)
                process.start()
                child_end.close()
                self.processes.append(process)
                self.pipes.append(parent_end)
                self.alive.append(True)
        finally:
            _HANDOFF.clear()

    def _hand_out(self, number: int, batches: Deque[List[int]], outstanding: List[Deque[List[int]]]) -> None:
        if batches and self.alive[number]:
            batch = batches.popleft()
            if _send(self.pipes[number], marshal.dumps(batch)):
                outstanding[number].append(batch)
            else:
                self.alive[number] = False
                batches.appendleft(batch)

    # ------------------------------------------------------------ phase 2

    def check(
        self, index: ProjectIndex, jobs: List[Job], held_here: Set[str], here: Callable[[Job], Result]
    ) -> Dict[int, Result]:
        """Results by position: the workers' share of ``jobs``, and the
        parent's (``here``: the files whose models it holds) done meanwhile."""
        live = [n for n in range(len(self.pipes)) if self.alive[n]]
        if not live:  # nothing was forked (a warm run), or every worker is gone
            return {}
        shares: Dict[int, List[Job]] = {n: [] for n in [-1, *live]}  # -1: the parent
        for job in jobs:
            number = -1 if job[2] in held_here else self.holds.get(job[2], -2)
            if number not in shares:  # parsed again wherever there is least to do
                number = min(shares, key=lambda n: len(shares[n]))
            shares[number].append(job)
        summaries, files, idents = index.state()
        shared: Optional[bytes] = None  # every summary, for all: one dump instead of one per worker
        for number in live:
            request = b""
            if shares[number] and len(live) == 1:  # the summaries it did not make itself
                theirs = {rel: summary for rel, summary in summaries.items() if self.made.get(rel) != number}
                request = marshal.dumps((marshal.dumps((theirs, files, idents)), shares[number]))
            elif shares[number]:
                if shared is None:
                    shared = marshal.dumps((summaries, files, idents))
                request = marshal.dumps((shared, shares[number]))
            if not _send(self.pipes[number], request):
                shares[-1].extend(shares.pop(number))
        del request, shared  # the parent's checks need the memory more
        out = {job[0]: here(job) for job in shares[-1]}
        for number in live:
            share = shares.get(number)
            if not share:
                continue
            reply = _receive(self.pipes[number])
            paths = {job[0]: (job[1], job[3]) for job in share}
            for position, rows in reply if isinstance(reply, list) else ():
                if rows is not None and position in paths:
                    path, digest = paths[position]
                    out[position] = Result(path, findings=[Finding.from_row(row) for row in rows], digest=digest)
        return out

    def close(self) -> None:
        for pipe in self.pipes:
            pipe.close()
        for process in self.processes:
            process.join(timeout=5)
            if process.is_alive():
                process.kill()
                process.join()
        self.processes, self.pipes, self.alive = [], [], []


def _batches(order: List[int], pending: List[Pending]) -> List[List[int]]:
    """Consecutive runs of ``order`` of about BATCH_BYTES of source each."""
    batches: List[List[int]] = []
    current: List[int] = []
    size = 0
    for position in order:
        current.append(position)
        size += len(pending[position][3])
        if size >= BATCH_BYTES:
            batches.append(current)
            current, size = [], 0
    if current:
        batches.append(current)
    return batches


def _send(pipe: Any, data: bytes) -> bool:
    try:
        pipe.send_bytes(data)
        return True
    except (OSError, ValueError):
        return False  # the worker is gone


def _receive(pipe: Any) -> Any:
    try:
        return marshal.loads(pipe.recv_bytes())
    except (EOFError, OSError, ValueError, TypeError):
        return None  # the worker died or sent nothing usable


_HANDOFF: List[Any] = []  # pending, wanted, config, model budget, families: what a worker forked now starts with


def _work(pipe: Any, root: str) -> None:
    """A worker's whole life (see the module docstring).  It leaves quietly
    when the parent goes (its end of the pipe closes) or when anything goes
    wrong, and leaves Ctrl-C to the parent."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    pending, wanted, config, budget, families = _HANDOFF
    try:
        _serve(pipe, root, pending, wanted, config, budget, families)
    except Exception:  # noqa: B902 - never a traceback: the parent does what this worker did not
        pass


def _serve(
    pipe: Any,
    root: str,
    pending: List[Pending],
    wanted: Set[str],
    config: Config,
    budget: int,
    families: Tuple[Family, ...],
) -> None:
    extensions = [ext for family in families for ext in family.extensions]
    with fewer_collections():
        held: Dict[str, Tuple[str, FlaskModel]] = {}
        own: Dict[str, Dict[str, Any]] = {}  # the summaries it made: the parent does not send them back
        while True:
            request = pipe.recv_bytes()
            if not request:
                break
            try:
                summaries, kept = [], []
                for position in marshal.loads(request):
                    rel, path, digest, data, previous = pending[position]
                    ident, summary, model = summarise_entry(path, root, data, previous, extensions)
                    if model is not None and not model.light and rel in wanted and len(data) <= budget:
                        budget -= len(data)
                        held[rel] = (digest, model)
                        kept.append(rel)
                    summaries.append((rel, ident, summary))
                    own[rel] = summary
                reply = marshal.dumps((summaries, kept))
            except Exception:  # noqa: B902 - the parent does the batch itself
                reply = b""
            pipe.send_bytes(reply)
            if not reply:
                return
        request = pipe.recv_bytes()
        if request:
            payload, share = marshal.loads(request)
            del request
            theirs, files, idents = marshal.loads(payload)
            del payload
            own.update(theirs)
            del theirs
            pipe.send_bytes(marshal.dumps(_check_share(root, own, files, idents, share, held, config, families)))


def _check_share(
    root: str,
    summaries: Dict[str, Dict[str, Any]],
    files: Dict[str, Any],
    idents: Dict[str, str],
    share: List[Job],
    held: Dict[str, Tuple[str, FlaskModel]],
    config: Config,
    families: Tuple[Family, ...],
) -> List[Tuple[int, Optional[List[Tuple[Any, ...]]]]]:
    index = ProjectIndex(root, summaries, families=families, lazy=True, files=files, idents=idents)
    answers: List[Tuple[int, Optional[List[Tuple[Any, ...]]]]] = []
    for position, path, rel, digest in share:
        try:
            result = check_file(path, rel, digest, index, config, held.pop(rel, None))
        except Exception:  # noqa: B902 - the parent checks it again and reports what it raises
            answers.append((position, None))
            continue
        if result.findings is None or result.digest != digest:
            answers.append((position, None))
        else:
            answers.append((position, [finding_row(f) for f in result.findings]))
    return answers


__all__ = ["Workers", "can_fork", "default_jobs", "MIN_BYTES", "MAX_WORKERS"]
