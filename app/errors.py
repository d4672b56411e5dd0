"""Domain errors of the application and their one mapping to RFC 9457 problem responses.

AppError                    base: ``status``, ``title``, ``detail``, optional structured ``extra``
 ├── BadRequest             400: a request no handler can read (e.g. JSON nested too deeply)
 ├── NotFound               404: unknown id, or an object outside the caller's scope
 ├── Forbidden              403: the caller's role may not do this
 ├── Unauthenticated        401
 ├── InvalidInput           422: a field failed validation (``extra["errors"]`` lists them)
 ├── Conflict               409: wrong state for this transition, stale version, duplicate
 ├── PayloadTooLarge        413
 └── RateLimited            429
"""

from __future__ import annotations

import logging
from enum import Enum
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin, get_type_hints

from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from trackers.errors import (
    InadmissibleObjection,
    MissingFacts,
    NotPermitted,
    TooEarly,
    TrackerError,
    TransitionError,
)

log = logging.getLogger("chengxin")

PROBLEM_JSON = "application/problem+json"


class AppError(Exception):
    status = 400
    title = "Bad request"

    def __init__(self, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra


class BadRequest(AppError):
    status = 400
    title = "Bad request"


class NotFound(AppError):
    status = 404
    title = "Not found"


class Forbidden(AppError):
    status = 403
    title = "Forbidden"


class Unauthenticated(AppError):
    status = 401
    title = "Authentication required"


class InvalidInput(AppError):
    status = 422
    title = "Invalid input"


class Conflict(AppError):
    status = 409
    title = "Conflict"


class PayloadTooLarge(AppError):
    status = 413
    title = "Payload too large"


class RateLimited(AppError):
    status = 429
    title = "Too many requests"


def problem(status: int, title: str, detail: str, instance: str | None = None, **extra: Any) -> Response[Any]:
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    if instance:
        body["instance"] = instance
    body.update(extra)
    return Response(body, status_code=status, media_type=PROBLEM_JSON)


def app_error_handler(request: Request[Any, Any, Any], exc: AppError) -> Response[Any]:
    return problem(exc.status, exc.title, exc.detail, request.url.path, **exc.extra)


def tracker_error_handler(request: Request[Any, Any, Any], exc: TrackerError) -> Response[Any]:
    extra: dict[str, Any] = {}
    if isinstance(exc, NotPermitted):
        status, title = 403, "Forbidden"
    elif isinstance(exc, MissingFacts):
        status, title = 422, "Invalid input"
        extra["missing"] = list(exc.missing)
    elif isinstance(exc, InadmissibleObjection):  # a change of government or officials is never a reason
        status, title = 422, "Inadmissible objection"
        extra["objection_reason"] = exc.objection_reason
    elif isinstance(exc, TransitionError):
        status, title = 409, "Invalid state transition"
        if isinstance(exc, TooEarly):
            extra["opens_on"] = exc.opens_on.isoformat()
    else:  # InvalidRule, InvalidPeriod …: a value the caller gave cannot be used
        status, title = 422, "Invalid input"
    return problem(
        status, title, getattr(exc, "reason", str(exc)), request.url.path, code=getattr(exc, "code", None), **extra
    )


def http_error_handler(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    extra: dict[str, Any] = {}
    detail = str(exc.detail)
    if isinstance(exc, ValidationException) and exc.extra:
        extra["errors"] = exc.extra
        status, title = 422, "Invalid input"
        detail = _enum_detail(request, exc.extra) or detail
    else:
        status, title = exc.status_code, _TITLES.get(exc.status_code, "Error")
    if status == HTTP_500_INTERNAL_SERVER_ERROR:
        log.exception("internal error on %s", request.url.path, exc_info=exc)
        return problem(500, "Internal server error", "An unexpected error occurred; it has been logged.")
    return problem(status, title, detail, request.url.path, **extra)


def enum_values(annotation: Any, key: str) -> list[str] | None:
    """The values of the enum that the dotted ``key`` of ``annotation`` (a struct, or the type itself when
    ``key`` is empty) is declared as — under ``Annotated``, ``| None`` and ``| UnsetType`` — else None."""
    if get_origin(annotation) is Annotated:
        return enum_values(get_args(annotation)[0], key)
    if get_origin(annotation) in (Union, UnionType):
        return next(filter(None, (enum_values(arg, key) for arg in get_args(annotation))), None)
    if not isinstance(annotation, type):
        return None
    if not key:
        return [str(m.value) for m in annotation] if issubclass(annotation, Enum) else None
    if hasattr(annotation, "__struct_fields__"):
        head, _, rest = key.partition(".")
        hints = get_type_hints(annotation, include_extras=True)
        return enum_values(hints[head], rest) if head in hints else None
    return None


def _enum_detail(request: Request[Any, Any, Any], errors: Any) -> str | None:
    """ "ground must be one of: condition_precedent, force_majeure." for msgspec's bare "Invalid enum value",
    read from the handler's declared body or parameter type."""
    if not isinstance(errors, list):
        return None
    handler = request.route_handler
    for error in errors:
        if not (isinstance(error, dict) and str(error.get("message", "")).startswith("Invalid enum value")):
            continue
        key = str(error.get("key", ""))
        if error.get("source") == "body":
            body = handler.parsed_data_field
            values = enum_values(body.annotation, key) if body else None
        else:
            param = handler.parsed_fn_signature.parameters.get(key)
            values = enum_values(param.annotation, "") if param else None
        if values:
            return f"{key} must be one of: {', '.join(values)}."
    return None


def out_of_range_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """A number beyond the database's range (an id like 2**64): the caller's input, not a server error."""
    return problem(422, "Invalid input", "A number in the request is out of range.", request.url.path)


def internal_error_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    log.exception("internal error on %s", request.url.path, exc_info=exc)
    return problem(500, "Internal server error", "An unexpected error occurred; it has been logged.")


_TITLES = {
    400: "Bad request",
    401: "Authentication required",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Payload too large",
    415: "Unsupported media type",
    422: "Invalid input",
    429: "Too many requests",
}

EXCEPTION_HANDLERS: dict[Any, Any] = {
    AppError: app_error_handler,
    TrackerError: tracker_error_handler,
    HTTPException: http_error_handler,
    OverflowError: out_of_range_handler,  # SQLite: int too large to convert to INTEGER
    Exception: internal_error_handler,
}

try:  # PostgreSQL: "value out of int32 range" and other invalid query arguments
    from asyncpg.exceptions import DataError as _PgDataError

    EXCEPTION_HANDLERS[_PgDataError] = out_of_range_handler
except ImportError:  # pragma: no cover - asyncpg ships with tortoise-orm[asyncpg]
    pass

__all__ = [
    "EXCEPTION_HANDLERS",
    "PROBLEM_JSON",
    "AppError",
    "BadRequest",
    "Conflict",
    "Forbidden",
    "InvalidInput",
    "NotFound",
    "PayloadTooLarge",
    "RateLimited",
    "Unauthenticated",
    "problem",
]
