"""gevent.monkey (not installed): the patch is recorded, not made (the
oracle observes it in a process of its own: patch_probe.py).  PATCHED is
what gevent 26.9's ``patch_all()`` replaces (its ``monkey.saved``), for that
probe when gevent itself is not installed."""

from __future__ import annotations

from typing import Any, Dict, List

PATCHED: Dict[str, List[str]] = {
    "_thread": ["LockType", "_local", "allocate_lock", "exit", "get_ident", "stack_size", "start_new_thread"],
    "_threading_local": ["local"],
    "logging": ["_lock"],
    "os": ["close", "fork", "forkpty", "posix_spawn", "posix_spawnp", "waitpid"],
    "queue": ["LifoQueue", "PriorityQueue", "Queue", "SimpleQueue"],
    "select": ["epoll", "poll", "select"],
    "selectors": ["DefaultSelector", "EpollSelector"],
    "signal": ["getsignal", "set_wakeup_fd", "signal"],
    "socket": [
        "SocketType", "create_connection", "fromfd", "getaddrinfo", "getfqdn", "gethostbyaddr", "gethostbyname",
        "gethostbyname_ex", "getnameinfo", "socket", "socketpair",
    ],
    "ssl": ["SSLContext", "SSLSocket", "get_server_certificate", "wrap_socket"],
    "subprocess": ["CompletedProcess", "Popen", "_fork_exec", "_use_posix_spawn", "call", "check_call", "check_output", "run"],
    "threading": [
        "Event", "Lock", "Thread", "Timer", "_CRLock", "_DummyThread", "_allocate_lock", "_set_sentinel", "_shutdown",
        "_start_new_thread", "get_ident", "local",
    ],
    "time": ["sleep"],
}


def record_patch(call: str) -> None:
    try:
        import handover
    except ImportError:  # in patch_probe.py's process: nothing to record
        return
    handover.note_patch(call)


def patch_all(*args: Any, **kwargs: Any) -> None:
    record_patch("gevent.monkey.patch_all()")


def patch_socket(*args: Any, **kwargs: Any) -> None:
    record_patch("gevent.monkey.patch_socket()")


def patch_ssl(*args: Any, **kwargs: Any) -> None:
    record_patch("gevent.monkey.patch_ssl()")


def patch_thread(*args: Any, **kwargs: Any) -> None:
    record_patch("gevent.monkey.patch_thread()")
