"""FLK4xx: context locals and concurrency.

``request``, ``session``, ``g`` and ``current_app`` only work where Flask has
pushed a context.  These rules find the code that runs without one: work
handed to threads, executors, processes, greenlets and task queues, streamed
generators, import-time code; plus the process-level traps around them
(cancelled asyncio tasks, module state mutated by views, late monkey
patching).  The measured behaviour behind each rule is in
``flask-semantics.md`` E13-E18; the helpers live in ``_context_*.py``:

- ``_context_facts``: the ``context`` summary extension (per-function uses,
  calls, pushes, decorators), so targets in other modules are followed;
- ``_context_project``: the project-wide search, memoised per index;
- ``_context_handover``: hand-over APIs and task frameworks (FLK401, 402, 404,
  409, 410);
- ``_context_lazy``: generators and import time (FLK403, 405);
- ``_context_process``: FLK406, 408;
- ``_context_state``: FLK407.
"""

from __future__ import annotations

from typing import Dict, Iterable, Tuple

from ..engine import FileContext
from ..registry import Family, Rule, rule
from ._context_facts import CONTEXT_FACTS, STATE_FACTS, Finding
from ._context_handover import HandOverChecker, Resolver, check_tasks
from ._context_lazy import ImportTimeChecker, StreamChecker
from ._context_process import check_async_tasks, check_monkey_patch
from ._context_project import modules_to_check, project_for
from ._context_state import StateChecker

CONTEXT_LOCAL_IN_THREAD = rule(
    "FLK401",
    "context-local-in-thread",
    "{target} {use} in {where} with no {context}; {fix}",
    severity="E",
    summary="a function that uses request, session, g or current_app handed to a thread, executor, process or greenlet",
)
PROXY_PASSED_TO_THREAD = rule(
    "FLK402",
    "context-proxy-passed-to-thread",
    "the {local} proxy is passed to {api}: {consequence}; {fix}",
    severity="E",
    summary="the request/session/g/current_app proxy itself passed to a thread, executor or task queue",
)
STREAM_WITHOUT_CONTEXT = rule(
    "FLK403",
    "stream-without-context",
    "generator {gen} {use} but is iterated after the view returned, when the request context is gone; "
    "wrap it with stream_with_context() or read the values before returning",
    severity="E",
    summary="a streamed generator that uses the context without stream_with_context",
)
CONTEXT_LOCAL_IN_TASK = rule(
    "FLK404",
    "context-local-in-task",
    "{framework} task {task} {use}, but a worker never has a request context; pass the values it needs as task arguments",
    severity="E",
    summary="a Celery/RQ/Dramatiq/Huey/APScheduler task that reads request or session",
)
CONTEXT_LOCAL_AT_IMPORT = rule(
    "FLK405",
    "context-local-at-import",
    "{what} runs at import time, where there is no {context}, and raises RuntimeError; {fix}",
    severity="E",
    summary="context locals used at module level, in a class body, a default or a decorator argument",
)
ASYNCIO_TASK_CANCELLED = rule(
    "FLK406",
    "asyncio-task-cancelled",
    "`{call}` in async view `{view}` is never awaited: Flask runs each async view in its own event loop and "
    "cancels unfinished tasks when the view returns; await or gather it, or hand the work to a task queue",
    summary="an asyncio task an async view never awaits (cancelled when the view returns)",
)
VIEW_MUTATES_PROCESS_STATE = rule(
    "FLK407",
    "view-mutates-process-state",
    "{kind} `{func}` {how} `{name}`{where}: unsynchronised across threads, and every worker process keeps its "
    "own copy, so the state diverges as soon as the app scales out; keep it in a shared store (database, cache, Redis)",
    summary="a view, error handler or hook that mutates a module global or module-level container",
    # Off by default: on the blind applications most of its findings were right but
    # harmless (a registry written by a single-worker app, a cache of constants), and
    # its precision stayed under 90%; docs/validation.md.
    default_enabled=False,
)
LATE_MONKEY_PATCH = rule(
    "FLK408",
    "late-monkey-patch",
    "{call} runs after `{module}` was imported (line {line}), which keeps the unpatched blocking socket, ssl and "
    "threading objects; patch first, before any other import",
    summary="gevent/eventlet monkey patching that runs after other imports",
)
G_NOT_COPIED = rule(
    "FLK409",
    "g-not-copied",
    "{target} {use} inside copy_current_request_context, which pushes a fresh application context: g is empty "
    "in the new thread; pass the value as an argument, or run it with contextvars.copy_context().run",
    summary="g read in a copy_current_request_context function run in another thread",
)
COPIED_CONTEXT_SHARED = rule(
    "FLK410",
    "copied-context-shared-across-workers",
    "one copy_current_request_context wrapper is pushed by several workers at once ({how}): concurrent pushes raise "
    "ValueError (Token was created in a different Context); create one wrapper per submit",
    severity="E",
    summary="one copy_current_request_context wrapper handed to several workers",
)

RULES: Dict[str, Rule] = {
    r.code: r
    for r in (
        CONTEXT_LOCAL_IN_THREAD,
        PROXY_PASSED_TO_THREAD,
        STREAM_WITHOUT_CONTEXT,
        CONTEXT_LOCAL_IN_TASK,
        CONTEXT_LOCAL_AT_IMPORT,
        ASYNCIO_TASK_CANCELLED,
        VIEW_MUTATES_PROCESS_STATE,
        LATE_MONKEY_PATCH,
        G_NOT_COPIED,
        COPIED_CONTEXT_SHARED,
    )
}


def check(ctx: FileContext) -> None:
    enabled = ctx.config.enabled
    if enabled is not None and not any(code in enabled for code in RULES):
        return
    if ctx.is_test_file:
        # A test suite runs its threads, tasks and imports itself, often with the
        # functions on the path patched out (mocker.patch) or to see them fail:
        # only the monkey patching order (FLK408) changes what its run shows.
        checks: Tuple[Iterable[Finding], ...] = (check_monkey_patch(ctx),)
    else:
        project = project_for(ctx.index, ctx.model, ctx.path)
        resolver = Resolver(ctx, project)
        checks = (
            HandOverChecker(ctx, project, resolver).run(),
            check_tasks(ctx, project, resolver),
            StreamChecker(ctx, project, resolver).run(),
            ImportTimeChecker(ctx, project).run(),
            check_async_tasks(ctx, resolver),
            StateChecker(ctx, resolver).run(),
            check_monkey_patch(ctx),
        )
    for findings in checks:
        for code, node, args in findings:
            ctx.report(RULES[code], node, **args)


FAMILY = Family(
    "4",
    rules=tuple(RULES.values()),
    check=check,
    extensions=(CONTEXT_FACTS, STATE_FACTS),
    checked_anyway=(modules_to_check,),
)
