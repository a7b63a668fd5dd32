"""The desk's HTTP client for the hub: one method per endpoint, typed with the wire protocol."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from uuid import UUID, uuid4

import httpx

from ozq_wire import protocol as p

DEFAULT_TIMEOUT = httpx.Timeout(20.0, connect=5.0)
MAX_RETRY_AFTER = 24 * 3600.0
_SECONDS = re.compile(r"[0-9]{1,9}(\.[0-9]{1,6})?", re.ASCII)
REQUEST_ID = "X-Request-ID"  # one per call: the hub logs it too, so both logs can be joined

log = logging.getLogger(__name__)


@dataclass
class HubCallError(Exception):
    """A call that did not succeed: a network failure (status 0) or an error answer."""

    status: int
    code: str | None
    detail: str
    retry_after: float | None = None
    offset: int | None = None
    request_id: str | None = None

    @property
    def handling(self) -> p.Handling:
        if self.status == 0:
            return p.Handling.RETRY
        return p.handling_for(self.status, self.code)

    def __str__(self) -> str:
        return f"{self.status} {self.code or ''} {self.detail}".strip()


def _error(response: httpx.Response) -> HubCallError:
    code, detail, offset = None, response.text[:300], None
    try:
        body = p.ApiError.model_validate(response.json())
        code, detail, offset = body.code, body.detail, body.offset
    except ValueError:
        pass
    retry_after = parse_retry_after(response.headers.get("Retry-After"))
    return HubCallError(
        response.status_code,
        code,
        detail,
        retry_after,
        offset,
        response.request.headers.get(REQUEST_ID),
    )


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait, from delta-seconds ("120"; an ASCII decimal is tolerated) or an
    HTTP-date; bounded to [0, MAX_RETRY_AFTER]. Anything else (`²`, `nan`, `1e999`, a broken
    date) is ignored: the desk's own backoff applies."""
    text = (value or "").strip()
    if not text:
        return None
    if _SECONDS.fullmatch(text):
        seconds = float(text)
    else:
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
        if when.tzinfo is None:
            return None
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)


class HubClient:
    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        *,
        transport: httpx.BaseTransport | None = None,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
    ) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._http = httpx.Client(
            base_url=base_url.rstrip("/") + p.API_PREFIX,
            headers=headers,
            timeout=timeout,
            transport=transport,
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> HubClient:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    def _call(self, method: str, url: str, **kwargs) -> httpx.Response:
        request_id = uuid4().hex
        kwargs["headers"] = {**kwargs.get("headers", {}), REQUEST_ID: request_id}
        try:
            response = self._http.request(method, url, **kwargs)
        except httpx.HTTPError as exc:
            log.info("hub %s %s request_id=%s failed: %s", method, url, request_id, exc)
            raise HubCallError(
                0, None, f"{type(exc).__name__}: {exc}", request_id=request_id
            ) from exc
        log.info("hub %s %s request_id=%s %s", method, url, request_id, response.status_code)
        if response.status_code >= 400:
            raise _error(response)
        return response

    def health(self) -> p.Health:
        return p.Health.model_validate(self._call("GET", "/health").json())

    def enrol(self, request: p.EnrolRequest) -> p.EnrolResponse:
        body = request.model_dump(mode="json")
        return p.EnrolResponse.model_validate(self._call("POST", "/enrol", json=body).json())

    def device(self) -> p.DeviceInfo:
        return p.DeviceInfo.model_validate(self._call("GET", "/device").json())

    def declare(self, request: p.DeclareRequest) -> p.DeclareResponse:
        body = request.model_dump(mode="json")
        return p.DeclareResponse.model_validate(self._call("POST", "/packages", json=body).json())

    def upload_status(self, sha256: str) -> p.UploadStatus:
        return p.UploadStatus.model_validate(self._call("GET", f"/uploads/{sha256}").json())

    def upload_chunk(self, sha256: str, offset: int, data: bytes) -> p.UploadStatus:
        response = self._call(
            "PATCH",
            f"/uploads/{sha256}",
            content=data,
            headers={
                p.UPLOAD_OFFSET: str(offset),
                "Content-Type": "application/offset+octet-stream",
            },
        )
        return p.UploadStatus.model_validate(response.json())

    def commit(self, package_uuid: UUID) -> p.CommitResponse:
        response = self._call("POST", f"/packages/{package_uuid}/commit")
        return p.CommitResponse.model_validate(response.json())

    def audit(self, upload: p.AuditUpload) -> p.AuditAck:
        body = upload.model_dump(mode="json")
        return p.AuditAck.model_validate(self._call("POST", "/audit", json=body).json())

    def changes(self, after: str | None, limit: int = 200) -> p.ChangesPage:
        params: dict[str, str | int] = {"limit": limit}
        if after:
            params["after"] = after
        return p.ChangesPage.model_validate(self._call("GET", "/changes", params=params).json())

    def state(self, after: UUID | None = None, limit: int = 200) -> p.BranchState:
        params: dict[str, str | int] = {"limit": limit}
        if after:
            params["after"] = str(after)
        return p.BranchState.model_validate(self._call("GET", "/state", params=params).json())
