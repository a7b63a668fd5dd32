"""Step 2 of the push: chunked, resumable blob uploads addressed by SHA-256."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Path, Request, Response
from starlette.concurrency import run_in_threadpool

from ozq_hub.api.deps import DeskCaller, Hub, errors
from ozq_hub.service import blobs
from ozq_wire import protocol as p

router = APIRouter(tags=["push"])

Sha = Annotated[str, Path(pattern=r"^[0-9a-f]{64}$", description="lowercase hex SHA-256")]
_ERRORS = errors(401, 404, 409, 413, 416, 422, 503)

_STATUS_HEADERS = {
    name: {
        "description": description,
        "required": True,
        "schema": {"type": "string", "pattern": pattern},
    }
    for name, description, pattern in (
        (p.UPLOAD_OFFSET, "bytes the hub holds: resume here", "^[0-9]+$"),
        (p.UPLOAD_LENGTH, "the blob's declared size", "^[0-9]+$"),
        (p.UPLOAD_COMPLETE, "1 once stored and verified, else 0", "^[01]$"),
    )
}
_STATUS = {200: {"description": "Where the upload stands", "headers": _STATUS_HEADERS}} | _ERRORS


def _headers(status: p.UploadStatus) -> dict[str, str]:
    return {
        p.UPLOAD_OFFSET: str(status.offset),
        p.UPLOAD_LENGTH: str(status.size),
        p.UPLOAD_COMPLETE: "1" if status.complete else "0",
        "Cache-Control": "no-store",
    }


@router.get("/uploads/{sha256}", response_model=p.UploadStatus, responses=_STATUS)
def upload_status(sha256: Sha, desk: DeskCaller, hub: Hub, response: Response) -> p.UploadStatus:
    """Where the upload stands: resume at `offset`. `complete` once stored and verified.
    `size` is the one this device's latest declaration gives the blob."""
    status = blobs.upload_status(hub.db, hub.store, sha256=sha256, device=desk.device())
    response.headers.update(_headers(status))
    return status


@router.head(
    "/uploads/{sha256}",
    response_class=Response,  # headers only: no body, so no media type to document
    responses=_STATUS,
)
def upload_status_head(sha256: Sha, desk: DeskCaller, hub: Hub) -> Response:
    """The same as GET, in the Upload-Offset / Upload-Length / Upload-Complete headers."""
    status = blobs.upload_status(hub.db, hub.store, sha256=sha256, device=desk.device())
    return Response(status_code=200, headers=_headers(status))


@router.patch(
    "/uploads/{sha256}",
    response_model=p.UploadStatus,
    responses=_STATUS,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/offset+octet-stream": {
                    "schema": {"type": "string", "format": "binary"}
                }
            },
        }
    },
)
async def upload_chunk(
    sha256: Sha,
    upload_offset: Annotated[int, Header(alias=p.UPLOAD_OFFSET, ge=0)],
    request: Request,
    desk: DeskCaller,
    hub: Hub,
    response: Response,
) -> p.UploadStatus:
    """Send the bytes starting at `Upload-Offset` (at most the chunk limit per request).
    Bytes the hub already has are skipped; 416 `offset_mismatch` gives the right offset.
    The last chunk triggers the full SHA-256 check: 422 `blob_hash_mismatch` discards the
    partial upload, to be sent again from 0."""
    device = await desk.device_async()  # before reading the body
    data = await request.body()
    status = await run_in_threadpool(
        blobs.write_chunk,
        hub.db,
        hub.store,
        sha256=sha256,
        device=device,
        offset=upload_offset,
        data=data,
    )
    response.headers.update(_headers(status))
    return status
