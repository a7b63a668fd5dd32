"""Routes a desk calls: enrol, declare and commit packages, anchor its audit trail, pull the
change feed."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse

from ozq_hub import faults
from ozq_hub.api.deps import DeskCall, DeskCaller, Hub, errors, json_answer
from ozq_hub.db import utcnow
from ozq_hub.refusals import Refusal
from ozq_hub.service import audit, changelog, enrolment, packages, state, throttle
from ozq_wire import protocol as p

log = logging.getLogger(__name__)

router = APIRouter()

_AUTH = (401, 422, 503)
_CODE_REFUSALS = {
    p.ErrorCode.ENROLMENT_CODE_INVALID,
    p.ErrorCode.ENROLMENT_CODE_USED,
    p.ErrorCode.ENROLMENT_CODE_EXPIRED,
}


@router.get("/health", response_model=p.Health, tags=["desk"], responses=errors())
def health(hub: Hub) -> p.Health:
    """No token needed: whether the hub answers, and its epoch."""
    with hub.db.reading() as session:
        return p.Health(hub_epoch=changelog.current_epoch(session))


@router.post(
    "/enrol",
    response_model=p.EnrolResponse,
    tags=["desk"],
    responses=errors(403, 409, 413, 422, 429),
)
def enrol(body: p.EnrolRequest, request: Request, hub: Hub) -> p.EnrolResponse:
    """Spend a one-time enrolment code; the token in the answer is never shown again. A retry
    with the same code and nonce within 10 minutes gets the same device and a fresh token.
    Wrong codes are counted per client address in the database (shared by every worker):
    the address is the socket's peer, or what a configured trusted proxy says it is."""
    client = request.client.host if request.client else "?"
    now = utcnow()
    with hub.db.reading() as session:
        wait = throttle.wait_seconds(session, key=f"enrol:{client}", limits=hub.limits, now=now)
    if wait:
        raise Refusal(p.ErrorCode.RATE_LIMITED, "too many wrong enrolment codes", retry_after=wait)
    try:
        with hub.db.writing() as session:
            answer = enrolment.enrol(session, request=body, now=now)
        return answer.model_copy(update={"status_page_url": hub.console.status_page_url})
    except Refusal as refusal:
        if refusal.code in _CODE_REFUSALS:
            with hub.db.writing() as session:
                throttle.record_failure(session, key=f"enrol:{client}", now=now)
        raise


@router.get("/device", response_model=p.DeviceInfo, tags=["desk"], responses=errors(*_AUTH))
def device_info(desk: DeskCaller) -> p.DeviceInfo:
    """Who the token belongs to; 401 `revoked` once the device was revoked."""
    with desk.reading() as (session, device):
        epoch = changelog.current_epoch(session)
    return p.DeviceInfo(
        device_id=device.id,
        branch_code=device.branch_code,
        branch_name=device.branch_name,
        desk_code=device.desk_code,
        device_name=device.name,
        enrolled_at=device.enrolled_at,
        hub_epoch=epoch,
    )


@router.post(
    "/packages",
    response_model=p.DeclareResponse,
    tags=["push"],
    responses=errors(*_AUTH, 403, 409, 413, 429),
)
async def declare_package(body: p.DeclareRequest, desk: DeskCaller, hub: Hub) -> Response:
    """Step 1: declare the package. Idempotent on its UUID and manifest hash; a different
    manifest under the same UUID is 409. The answer lists the blobs still to upload. The
    receipt number must be the device's own (`<branch>-<desk>-<n>`, 422 `receipt_not_yours`).
    Quotas: 413 `quota_exceeded` for a package over the per-package limits, 429 with
    Retry-After for a device over its daily ones. A hub with trusted CAs refuses an unsigned
    package (422 `signature_required`) and one whose EDS does not verify, is revoked or
    cannot be checked for revocation (422 `signature_invalid`, the reason in `detail`)."""
    return json_answer(await hub.run(_declare, desk, body))


def _declare(desk: DeskCall, body: p.DeclareRequest) -> p.DeclareResponse:
    hub = desk.hub
    with desk.writing() as (session, device):
        return packages.declare(
            session,
            device=device,
            request=body,
            limits=hub.limits,
            now=utcnow(),
            trust=hub.trust,
        )


@router.get(
    "/packages/{package_uuid}",
    response_model=p.PackageState,
    tags=["push"],
    responses=errors(*_AUTH, 403, 404),
)
def get_package(package_uuid: uuid.UUID, desk: DeskCaller) -> p.PackageState:
    """The package as the hub holds it, with its latest decision."""
    with desk.reading() as (session, device):
        package = packages.owned_package(session, package_uuid, device)
        return state.device_package_state(session, package)


@router.post(
    "/packages/{package_uuid}/commit",
    response_model=p.CommitResponse,
    tags=["push"],
    responses=errors(*_AUTH, 403, 404, 409, 412),
)
async def commit_package(package_uuid: uuid.UUID, desk: DeskCaller, hub: Hub) -> Response:
    """Step 3: every blob present -> received, in one transaction; a replay gets the same
    answer. 412 `blobs_missing` lists what is still to upload; 409 `blob_size_mismatch` when
    a blob the hub holds is not the size this package declared (only this package fails).
    The package gets its due dates here, counted in the hub's time zone."""
    return json_answer(await hub.run(_commit, desk, package_uuid, hub.tz))


def _commit(desk: DeskCall, package_uuid: uuid.UUID, tz: dt.tzinfo) -> p.CommitResponse:
    with desk.writing() as (session, device):
        answer = packages.commit(
            session, device=device, package_uuid=package_uuid, now=utcnow(), tz=tz
        )
    faults.crash_if(faults.CRASH_AFTER_COMMIT)
    return answer


@router.post(
    "/audit",
    response_model=p.AuditAck,
    tags=["desk"],
    responses=errors(*_AUTH, 409, 413),
)
def upload_audit(body: p.AuditUpload, desk: DeskCaller, hub: Hub) -> p.AuditAck:
    """Anchor the desk's audit chain: rows the hub has not acknowledged yet, and the desk's
    head, on every sync. Kept append-only. 409 `audit_conflict` (the first row that differs
    in `detail`) when a row or the head contradicts what the hub holds: a truncated or
    rewritten trail. The conflict is recorded and logged; nothing stored changes."""
    try:
        with desk.writing() as (session, device):
            return audit.receive(session, device=device, upload=body, now=utcnow())
    except audit.AuditConflict as conflict:
        with hub.db.writing() as session:
            audit.record_conflict(session, conflict, now=utcnow())
        log.warning("audit conflict from device %s: %s", conflict.device_id, conflict.detail)
        raise


@router.get("/changes", response_model=p.ChangesPage, tags=["pull"], responses=errors(*_AUTH, 410))
async def changes(
    desk: DeskCaller,
    hub: Hub,
    after: Annotated[str | None, Query(max_length=100)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> JSONResponse:
    """The branch's changes after the cursor, in commit order. 410 `must_refetch`: read
    GET /state instead and continue from the cursor it gives."""
    page = await hub.run(desk.changes, after=after, limit=min(limit, hub.limits.max_page))
    if hub.console.status_page_url:
        page["status_page_url"] = hub.console.status_page_url
    return JSONResponse(page)  # built from validated rows: skip validating it again


@router.get("/state", response_model=p.BranchState, tags=["pull"], responses=errors(*_AUTH))
def branch_state(
    desk: DeskCaller,
    hub: Hub,
    after: uuid.UUID | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> p.BranchState:
    """Every package of the branch with its latest decision, paged by UUID, plus the
    calendar overrides on the first page and the cursor to follow the feed from."""
    with desk.reading() as (session, device):
        answer = state.branch_state(
            session,
            branch_code=device.branch_code,
            after=after,
            limit=min(limit, hub.limits.max_page),
        )
    return answer.model_copy(update={"status_page_url": hub.console.status_page_url})
