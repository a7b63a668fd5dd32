"""Every failure leaves the hub as JSON: a machine `code`, an English `detail`.

Malformed requests become 4xx; a busy or unreachable database becomes 503 with
Retry-After; only a bug is a 500.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect

from ozq_hub.refusals import Refusal
from ozq_wire.protocol import ApiError, ErrorCode

log = logging.getLogger(__name__)

BUSY_RETRY_SECONDS = 2

_CODES_BY_STATUS = {
    401: ErrorCode.UNAUTHENTICATED,
    404: ErrorCode.NOT_FOUND,
    405: ErrorCode.METHOD_NOT_ALLOWED,
    413: ErrorCode.PAYLOAD_TOO_LARGE,
    429: ErrorCode.RATE_LIMITED,
    503: ErrorCode.UNAVAILABLE,
}


# The HTTP status of each refusal the rules can raise: the one place codes meet statuses.
STATUS_BY_CODE: dict[str, int] = {
    ErrorCode.INVALID_REQUEST: 422,
    ErrorCode.UNAUTHENTICATED: 401,
    ErrorCode.REVOKED: 401,
    ErrorCode.FORBIDDEN_BRANCH: 403,
    ErrorCode.ENROLMENT_CODE_INVALID: 403,
    ErrorCode.ENROLMENT_CODE_USED: 403,
    ErrorCode.ENROLMENT_CODE_EXPIRED: 403,
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.BLOB_NOT_DECLARED: 404,
    ErrorCode.METHOD_NOT_ALLOWED: 405,
    ErrorCode.MANIFEST_CONFLICT: 409,
    ErrorCode.PACKAGE_NOT_RECEIVED: 409,
    ErrorCode.AUDIT_CONFLICT: 409,
    ErrorCode.BLOB_SIZE_MISMATCH: 409,
    ErrorCode.DESK_CODE_TAKEN: 409,
    ErrorCode.MUST_REFETCH: 410,
    ErrorCode.BLOBS_MISSING: 412,
    ErrorCode.PAYLOAD_TOO_LARGE: 413,
    ErrorCode.BLOB_TOO_LARGE: 413,
    ErrorCode.QUOTA_EXCEEDED: 413,  # per package; per device per day it carries retry_after: 429
    ErrorCode.OFFSET_MISMATCH: 416,
    ErrorCode.MANIFEST_HASH_MISMATCH: 422,
    ErrorCode.BLOB_HASH_MISMATCH: 422,
    ErrorCode.UPLOAD_OVERFLOW: 422,
    ErrorCode.CURSOR_INVALID: 422,
    ErrorCode.SIGNATURE_REQUIRED: 422,
    ErrorCode.SIGNATURE_INVALID: 422,
    ErrorCode.RECEIPT_NOT_YOURS: 422,
    ErrorCode.RATE_LIMITED: 429,
    ErrorCode.INTERNAL: 500,
    ErrorCode.UNAVAILABLE: 503,
}


def status_for(refusal: Refusal) -> int:
    if refusal.code == ErrorCode.QUOTA_EXCEEDED and refusal.extra.get("retry_after"):
        return 429
    return STATUS_BY_CODE[refusal.code]


class PayloadTooLarge(StarletteHTTPException):
    """Raised while a body is read; FastAPI lets HTTPException through its body parser."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the request body is larger than {limit} bytes")


def problem_response(
    status: int,
    code: ErrorCode | str,
    detail: str,
    headers: dict[str, str] | None = None,
    **extra: object,
) -> JSONResponse:
    headers = dict(headers or {})
    retry_after = extra.get("retry_after")
    if retry_after is not None:
        headers["Retry-After"] = str(retry_after)
    if status == 401:
        headers.setdefault("WWW-Authenticate", "Bearer")
    body = ApiError(code=str(code), detail=detail, **extra)  # type: ignore[arg-type]
    return JSONResponse(body.model_dump(exclude_none=True), status_code=status, headers=headers)


def _validation_detail(exc: RequestValidationError) -> str:
    parts = []
    for error in exc.errors()[:10]:
        where = ".".join(str(p) for p in error.get("loc", ()))
        parts.append(f"{where}: {error.get('msg', 'invalid')}")
    return "; ".join(parts) or "the request is malformed"


async def _on_refusal(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, Refusal)
    return problem_response(status_for(exc), exc.code, exc.detail, **exc.extra)


async def _on_validation(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return problem_response(422, ErrorCode.INVALID_REQUEST, _validation_detail(exc))


async def _on_http(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = _CODES_BY_STATUS.get(exc.status_code, ErrorCode.INVALID_REQUEST)
    if exc.status_code >= 500:
        code = ErrorCode.INTERNAL
    return problem_response(exc.status_code, code, str(exc.detail), dict(exc.headers or {}))


async def _on_database_busy(_request: Request, exc: Exception) -> JSONResponse:
    log.warning("database unavailable: %s", exc)
    return problem_response(
        503,
        ErrorCode.UNAVAILABLE,
        "the database is busy or unreachable",
        retry_after=BUSY_RETRY_SECONDS,
    )


async def _on_unstorable(_request: Request, exc: Exception) -> JSONResponse:
    log.warning("the database refused a value: %s", exc)
    return problem_response(422, ErrorCode.INVALID_REQUEST, "a value cannot be stored")


async def _on_unencodable(_request: Request, exc: Exception) -> JSONResponse:
    # JSON may escape an unpaired surrogate (\ud800); such text cannot be hashed or
    # stored as UTF-8, wherever the hub first tries to.
    log.warning("a request carried text that is not valid Unicode: %s", exc)
    return problem_response(
        422, ErrorCode.INVALID_REQUEST, "text must be valid Unicode (no unpaired surrogates)"
    )


async def _on_disconnect(_request: Request, _exc: Exception) -> JSONResponse:
    log.info("a client disconnected mid-request")
    return problem_response(400, ErrorCode.INVALID_REQUEST, "the client disconnected")


async def _on_bug(_request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error", exc_info=exc)
    return problem_response(500, ErrorCode.INTERNAL, "internal error")


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(Refusal, _on_refusal)
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(StarletteHTTPException, _on_http)
    app.add_exception_handler(OperationalError, _on_database_busy)
    app.add_exception_handler(PoolTimeout, _on_database_busy)
    app.add_exception_handler(DataError, _on_unstorable)
    app.add_exception_handler(UnicodeEncodeError, _on_unencodable)
    app.add_exception_handler(ClientDisconnect, _on_disconnect)
    app.add_exception_handler(Exception, _on_bug)
