"""Routes the committee calls with its token: read packages and scans, record decisions."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response
from fastapi.responses import StreamingResponse

from ozq_hub.api.deps import Hub, HubContext, committee_member, errors, json_answer
from ozq_hub.db import utcnow
from ozq_hub.models import Blob
from ozq_hub.refusals import Refusal
from ozq_hub.service import decisions, state
from ozq_wire import protocol as p

router = APIRouter(
    prefix="/committee", tags=["committee"], dependencies=[Depends(committee_member)]
)


@router.get("/packages", response_model=p.CommitteePackageList, responses=errors(401, 422))
def list_packages(
    hub: Hub,
    branch: str | None = None,
    status: p.PackageStatus | None = None,
    receipt_no: str | None = None,
    after: uuid.UUID | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> p.CommitteePackageList:
    """Packages, paged by UUID, filtered by branch, status or receipt number."""
    with hub.db.reading() as session:
        return state.committee_list(
            session,
            branch_code=branch,
            status=status,
            receipt_no=receipt_no,
            after=after,
            limit=min(limit, hub.limits.max_page),
        )


@router.get(
    "/packages/{package_uuid}",
    response_model=p.CommitteePackage,
    responses=errors(401, 404, 422),
)
def get_package(package_uuid: uuid.UUID, hub: Hub) -> p.CommitteePackage:
    with hub.db.reading() as session:
        return state.committee_package(session, package_uuid)


@router.post(
    "/packages/{package_uuid}/decisions",
    response_model=p.Decision,
    responses=errors(401, 404, 409, 413, 422),
)
async def record_decision(package_uuid: uuid.UUID, body: p.DecisionRequest, hub: Hub) -> Response:
    """Record a grant or a reasoned refusal, or revise the last one (next version).
    The same content as the latest version is a replay and changes nothing."""
    return json_answer(await hub.run(_record_decision, hub, package_uuid, body))


def _record_decision(
    hub: HubContext, package_uuid: uuid.UUID, body: p.DecisionRequest
) -> p.Decision:
    with hub.db.writing() as session:
        return decisions.record_decision(
            session, package_uuid=package_uuid, request=body, now=utcnow()
        )


@router.get(
    "/blobs/{sha256}",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/octet-stream": {}}}, **errors(401, 404, 422)},
)
def download_blob(
    sha256: Annotated[str, Path(pattern=r"^[0-9a-f]{64}$")], hub: Hub
) -> StreamingResponse:
    """A stored scan's bytes, decrypted and checked as they are sent: should the stored
    object fail its check, the answer stops short of its Content-Length (never bad bytes
    passed off as whole)."""
    with hub.db.reading() as session:
        blob = session.get(Blob, sha256)
    if blob is None:
        raise Refusal(p.ErrorCode.NOT_FOUND, "no such blob")
    try:
        stream = hub.store.open_for_sending(sha256)
    except FileNotFoundError as exc:
        raise Refusal(p.ErrorCode.NOT_FOUND, "the blob's bytes are missing") from exc
    return StreamingResponse(
        stream,
        media_type="application/octet-stream",
        headers={"Content-Length": str(blob.size)},
    )
