"""The request guard: what no handler should ever see, refused before routing with a problem+json naming the
field.

* a JSON body nested deeper than ``MAX_DEPTH`` (a 100,000-deep array would exhaust the decoder's recursion),
* a NUL character anywhere in a JSON body, a URL-encoded form or the query string (PostgreSQL text cannot
  hold one; no document, name or note needs one), an integer in the query string beyond INTEGER,
* an id in the path beyond the database's INTEGER range (see ``app.api.ids``).

Everything else — types, lengths, ranges, dates — is the schema's job (``app.api.schemas``).
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qsl

from litestar import Request
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Receive, ReceiveMessage, Scope, Send

from app.api.ids import MAX_ID
from app.errors import PROBLEM_JSON, AppError, BadRequest, InvalidInput, NotFound, PayloadTooLarge

MAX_DEPTH = 32
MAX_JSON_BYTES = 8 * 1024 * 1024  # a JSON request is a form's worth of fields; files come as multipart
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.S)
_BRACKETS = re.compile(rb"[\[\]{}]")


def json_depth(body: bytes) -> int:
    """How deeply arrays and objects nest in ``body`` (brackets inside strings do not count)."""
    depth = deepest = 0
    for bracket in _BRACKETS.findall(_STRING.sub(b'""', body)):
        if bracket in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def nul_field(value: Any, path: str = "") -> str | None:
    """The dotted path of the first key or string value holding a NUL character, else None."""
    if isinstance(value, str):
        return (path or "body") if "\x00" in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            child = f"{path}.{key}" if path else str(key)
            if "\x00" in str(key):
                return child.replace("\x00", "\\0")
            found = nul_field(item, child)
            if found:
                return found
    if isinstance(value, list):
        for i, item in enumerate(value):
            found = nul_field(item, f"{path}[{i}]")
            if found:
                return found
    return None


def _nul_error(field: str) -> InvalidInput:
    return InvalidInput(
        f"{field} contains a NUL character.", errors=[{"key": field, "message": "contains a NUL character"}]
    )


_INTEGER = re.compile(r"[+-]?\d+")


def check_query(query_string: bytes) -> None:
    """No NUL anywhere; every integer (an id, a limit, an offset, a year) within INTEGER."""
    for key, value in parse_qsl(query_string.decode("latin-1"), keep_blank_values=True):
        if "\x00" in key or "\x00" in value:
            raise _nul_error(key.replace("\x00", "\\0") or "query")
        if _INTEGER.fullmatch(value.strip()) and not -MAX_ID <= int(value) <= MAX_ID:
            raise InvalidInput(f"{key} {value} is out of range.", errors=[{"key": key, "message": f"at most {MAX_ID}"}])


def check_json(body: bytes) -> None:
    if len(body) > MAX_JSON_BYTES:
        raise PayloadTooLarge(f"A JSON request may be at most {MAX_JSON_BYTES // (1024 * 1024)} MB.")
    if json_depth(body) > MAX_DEPTH:
        raise BadRequest(
            f"The JSON body is nested more than {MAX_DEPTH} levels deep.",
            errors=[{"key": "body", "message": f"nested more than {MAX_DEPTH} levels"}],
        )
    try:
        value = json.loads(body)
    except ValueError:  # malformed JSON: the handler's decoder answers 400 with its position
        return
    field = nul_field(value)
    if field:
        raise _nul_error(field)


def check_form(body: bytes) -> None:
    for key, value in parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True):
        if "\x00" in key or "\x00" in value:
            raise _nul_error(key.replace("\x00", "\\0") or "body")


def check_path_ids(path_params: dict[str, Any]) -> None:
    """Called by Litestar before every handler: an id no INTEGER column can hold names nothing that exists."""
    for name, value in path_params.items():
        if isinstance(value, int) and not -MAX_ID <= value <= MAX_ID:
            raise NotFound(
                f"{name} {value} does not exist.", errors=[{"key": name, "message": "beyond the range of ids"}]
            )


async def bound_path_ids(request: Request[Any, Any, Any]) -> None:
    check_path_ids(request.path_params)


def _content_type(scope: Scope) -> str:
    for key, value in scope.get("headers", []):
        if key == b"content-type":
            return str(value.decode("latin-1").split(";", 1)[0].strip().lower())
    return ""


class RequestGuardMiddleware:
    """ASGI middleware: reads JSON and URL-encoded bodies (never multipart), checks them and the query string,
    then replays the body to the app unchanged."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        try:
            check_query(scope.get("query_string", b""))
            content_type = _content_type(scope)
            is_json = content_type == "application/json" or content_type.endswith("+json")
            is_form = content_type == "application/x-www-form-urlencoded"
            if not (is_json or is_form):
                await self.app(scope, receive, send)
                return
            body, receive = await _buffer(receive, MAX_JSON_BYTES + 1)
            (check_json if is_json else check_form)(body)
        except AppError as exc:
            await _send_problem(send, exc, scope.get("path", ""))
            return
        await self.app(scope, receive, send)


async def _send_problem(send: Send, exc: AppError, path: str) -> None:
    body = {"type": "about:blank", "title": exc.title, "status": exc.status, "detail": exc.detail, "instance": path}
    encoded = json.dumps({**body, **exc.extra}, ensure_ascii=False).encode()
    headers = [(b"content-type", PROBLEM_JSON.encode()), (b"content-length", str(len(encoded)).encode())]
    await send({"type": "http.response.start", "status": exc.status, "headers": headers})
    await send({"type": "http.response.body", "body": encoded, "more_body": False})


async def _buffer(receive: Receive, limit: int) -> tuple[bytes, Receive]:
    """The whole body (at most ``limit`` bytes are kept) and a ``receive`` that replays it."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        if size < limit:
            chunks.append(chunk)
        size += len(chunk)
        if not message.get("more_body", False):
            break
    body = b"".join(chunks)
    replayed = False

    async def replay() -> ReceiveMessage:
        nonlocal replayed
        if not replayed:
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return body, replay
