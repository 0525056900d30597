"""What fixture code does with responses, for the claims of the responses
family (FLK1xx).  Installed by :class:`runtime.Sandbox`; read as
``run.responses``.

- **built**: every call of a response builder (``redirect``, ``jsonify``,
  ``make_response``, ``render_template``, ``send_file``... and the
  ``Response`` classes) made directly by fixture code, with the object it
  gave and the chain of fixture frames above it (innermost first, each with
  the position of the call being executed), so that a claim can follow the
  value out through ``return`` statements to the line that dropped it;
- **status_at**: the fixture line that last set a response's status (a
  builder's call, ``resp.status_code = ...``), kept on the response object;
  None when Flask set it from a returned tuple after the view had returned;
- **finished**: per probe, the response Flask finished the request with
  (``request_finished``), and its body before the server dropped it (HEAD,
  204, 304);
- **lookups**: every ``.get`` on a request's MultiDict or Headers called
  directly by fixture code, with its arguments and what it gave back.
"""

from __future__ import annotations

import sys
import types
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Set, Tuple

import flask
import werkzeug.utils
from werkzeug.datastructures import CombinedMultiDict, Headers, TypeConversionDict
from werkzeug.sansio.response import Response as SansIOResponse
from werkzeug.wrappers import Response as WerkzeugResponse

Position = Tuple[str, int, int, int]  # file, line, column, end column of the call being executed

BUILDERS = (
    (flask, "redirect"),
    (flask, "jsonify"),
    (flask, "make_response"),
    (flask, "render_template"),
    (flask, "render_template_string"),
    (flask, "send_file"),
    (flask, "send_from_directory"),
    (werkzeug.utils, "redirect"),
    (werkzeug.utils, "send_file"),
    (werkzeug.utils, "send_from_directory"),
)


@dataclass
class Built:
    probe: int
    name: str
    obj: Any
    chain: List[Position]  # fixture frames, innermost (the builder's caller) first


@dataclass
class Finished:
    response: Any
    status_at: Optional[Tuple[str, int]]
    app_body: Optional[bytes]  # None: streamed


@dataclass
class Lookup:
    probe: int
    where: Tuple[str, int]
    key: Any
    default: Any
    type_: Any
    result: Any


@dataclass
class ResponseWatch:
    files: Set[str]
    recorder: Any = None  # runtime.Recorder, set once it exists
    built: List[Built] = field(default_factory=list)
    finished: Dict[int, Finished] = field(default_factory=dict)
    lookups: List[Lookup] = field(default_factory=list)
    after_this_request: List[Any] = field(default_factory=list)  # functions handed to after_this_request

    @property
    def probe(self) -> int:
        return self.recorder.probe if self.recorder is not None else -1

    def chain(self, frame: Optional[types.FrameType]) -> List[Position]:
        out: List[Position] = []
        while frame is not None:
            code = frame.f_code
            if code.co_filename in self.files:
                out.append(_position(frame))
            frame = frame.f_back
        return out

    def install(self) -> None:
        watch = self
        for module, name in BUILDERS:
            original = getattr(module, name, None)
            if original is not None:
                setattr(module, name, self._builder(name, original))
        original_init = WerkzeugResponse.__init__

        # Positional-only: ``Response(response=body)`` passes a keyword of that name.
        def init(response: Any, /, *args: Any, **kwargs: Any) -> None:
            original_init(response, *args, **kwargs)
            caller = sys._getframe(1)
            if caller.f_code.co_filename in watch.files:
                watch.built.append(Built(watch.probe, type(response).__name__, response, watch.chain(caller)))

        WerkzeugResponse.__init__ = init  # type: ignore[method-assign]

        status = SansIOResponse.status
        assert isinstance(status, property) and status.fset is not None
        set_status = status.fset

        def status_setter(response: Any, value: Any) -> None:
            before = getattr(response, "_status", None)
            set_status(response, value)
            if "_oracle_status_at" in response.__dict__ and response._status == before:
                return  # set again to what it was (``resp.status_code = resp.status_code``): not its origin
            frame: Optional[types.FrameType] = sys._getframe(1)
            where = None
            while frame is not None:
                if frame.f_code.co_filename in watch.files:
                    where = (frame.f_code.co_filename, frame.f_lineno)
                    break
                frame = frame.f_back
            response.__dict__["_oracle_status_at"] = where

        SansIOResponse.status = property(status.fget, status_setter, status.fdel)  # type: ignore[method-assign]

        def finished(sender: Any, response: Any, **_: Any) -> None:
            body: Optional[bytes] = None
            try:
                if response.is_sequence:
                    body = response.get_data()
            except Exception:
                body = None
            status_at = getattr(response, "__dict__", {}).get("_oracle_status_at")
            watch.finished[watch.probe] = Finished(response, status_at, body)

        flask.request_finished.connect(finished, weak=False)
        for owner in (TypeConversionDict, CombinedMultiDict, Headers):
            self._watch_get(owner)
        original_after = flask.after_this_request

        def after_this_request(f: Any) -> Any:
            watch.after_this_request.append(f)
            return original_after(f)

        flask.after_this_request = after_this_request  # type: ignore[assignment]

    def _builder(self, name: str, original: Callable[..., Any]) -> Callable[..., Any]:
        watch = self

        def builder(*args: Any, **kwargs: Any) -> Any:
            result = original(*args, **kwargs)
            caller = sys._getframe(1)
            if caller.f_code.co_filename in watch.files:
                watch.built.append(Built(watch.probe, name, result, watch.chain(caller)))
            return result

        builder.__wrapped__ = original  # type: ignore[attr-defined]
        builder.__name__ = name
        return builder

    def _watch_get(self, owner: type) -> None:
        watch = self
        original = owner.get

        def get(mapping: Any, key: Any, *args: Any, **kwargs: Any) -> Any:
            result = original(mapping, key, *args, **kwargs)
            caller = sys._getframe(1)
            if caller.f_code.co_filename in watch.files and flask.has_request_context():
                default = args[0] if args else kwargs.get("default")
                type_ = args[1] if len(args) > 1 else kwargs.get("type")
                where = (caller.f_code.co_filename, caller.f_lineno)
                watch.lookups.append(Lookup(watch.probe, where, key, default, type_, result))
            return result

        owner.get = get  # type: ignore[method-assign]


def _position(frame: types.FrameType) -> Position:
    code = frame.f_code
    line, column, end = frame.f_lineno, -1, -1
    try:
        positions = list(code.co_positions())
        start, _end_line, col, end_col = positions[frame.f_lasti // 2]
        if start is not None and col is not None and end_col is not None:
            line, column, end = start, col, end_col
    except (AttributeError, IndexError):  # before Python 3.11: the line alone
        pass
    return (code.co_filename, line, column, end)
