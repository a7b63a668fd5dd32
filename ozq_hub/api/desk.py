"""Routes a desk calls: enrol, declare and commit packages, pull the change feed."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from ozq_hub import faults
from ozq_hub.api.deps import DeviceToken, Hub, authenticate, errors
from ozq_hub.db import utcnow
from ozq_hub.problems import HubProblem
from ozq_hub.service import changelog, enrolment, packages, state
from ozq_wire import protocol as p

router = APIRouter()

_AUTH = (401, 422, 503)


@router.get("/health", response_model=p.Health, tags=["desk"], responses=errors())
def health(hub: Hub) -> p.Health:
    """No token needed: whether the hub answers, and its epoch."""
    with hub.db.reading() as session:
        return p.Health(hub_epoch=changelog.current_epoch(session))


@router.post(
    "/enrol", response_model=p.EnrolResponse, tags=["desk"], responses=errors(403, 413, 422, 429)
)
def enrol(body: p.EnrolRequest, request: Request, hub: Hub) -> p.EnrolResponse:
    """Spend a one-time enrolment code; the token in the answer is never shown again."""
    client = request.client.host if request.client else "?"
    wait = hub.enrol_throttle.wait_seconds(client)
    if wait:
        raise HubProblem(
            429, p.ErrorCode.RATE_LIMITED, "too many wrong enrolment codes", retry_after=wait
        )
    try:
        with hub.db.writing() as session:
            answer = enrolment.enrol(session, request=body, now=utcnow())
        return answer.model_copy(update={"status_page_url": hub.console.status_page_url})
    except HubProblem as problem:
        if problem.status == 403:
            hub.enrol_throttle.record_failure(client)
        raise


@router.get("/device", response_model=p.DeviceInfo, tags=["desk"], responses=errors(*_AUTH))
def device_info(token: DeviceToken, hub: Hub) -> p.DeviceInfo:
    """Who the token belongs to; 401 `revoked` once the device was revoked."""
    device = authenticate(hub, token)
    with hub.db.reading() as session:
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
    responses=errors(*_AUTH, 403, 409, 413),
)
def declare_package(
    body: p.DeclareRequest, token: DeviceToken, hub: Hub, request: Request
) -> p.DeclareResponse:
    """Step 1: declare the package. Idempotent on its UUID and manifest hash; a different
    manifest under the same UUID is 409. The answer lists the blobs still to upload. A hub
    with trusted CAs refuses an unsigned package (422 `signature_required`) and one whose
    EDS does not verify (422 `signature_invalid`, the reason in `detail`)."""
    device = authenticate(hub, token)
    trusted = getattr(request.app.state, "trusted_cas", [])
    with hub.db.writing() as session:
        return packages.declare(
            session, device=device, request=body, limits=hub.limits, now=utcnow(), trusted=trusted
        )


@router.get(
    "/packages/{package_uuid}",
    response_model=p.PackageState,
    tags=["push"],
    responses=errors(*_AUTH, 403, 404),
)
def get_package(package_uuid: uuid.UUID, token: DeviceToken, hub: Hub) -> p.PackageState:
    """The package as the hub holds it, with its latest decision."""
    device = authenticate(hub, token)
    with hub.db.reading() as session:
        package = packages.owned_package(session, package_uuid, device)
        return state.device_package_state(session, package)


@router.post(
    "/packages/{package_uuid}/commit",
    response_model=p.CommitResponse,
    tags=["push"],
    responses=errors(*_AUTH, 403, 404, 412),
)
def commit_package(package_uuid: uuid.UUID, token: DeviceToken, hub: Hub) -> p.CommitResponse:
    """Step 3: every blob present -> received, in one transaction; a replay gets the same
    answer. 412 `blobs_missing` lists what is still to upload."""
    device = authenticate(hub, token)
    with hub.db.writing() as session:
        answer = packages.commit(
            session, device=device, package_uuid=package_uuid, now=utcnow(), tz=hub.tz
        )
    faults.crash_if(faults.CRASH_AFTER_COMMIT)
    return answer


@router.get("/changes", response_model=p.ChangesPage, tags=["pull"], responses=errors(*_AUTH, 410))
def changes(
    token: DeviceToken,
    hub: Hub,
    after: Annotated[str | None, Query(max_length=100)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> JSONResponse:
    """The branch's changes after the cursor, in commit order. 410 `must_refetch`: read
    GET /state instead and continue from the cursor it gives."""
    device = authenticate(hub, token)
    with hub.db.reading() as session:
        page = changelog.read_changes_json(
            session,
            branch_code=device.branch_code,
            after=after,
            limit=min(limit, hub.limits.max_page),
        )
    if hub.console.status_page_url:
        page["status_page_url"] = hub.console.status_page_url
    return JSONResponse(page)  # built from validated rows: skip validating it again


@router.get("/state", response_model=p.BranchState, tags=["pull"], responses=errors(*_AUTH))
def branch_state(
    token: DeviceToken,
    hub: Hub,
    after: uuid.UUID | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> p.BranchState:
    """Every package of the branch with its latest decision, paged by UUID, plus the
    calendar overrides on the first page and the cursor to follow the feed from."""
    device = authenticate(hub, token)
    with hub.db.reading() as session:
        answer = state.branch_state(
            session,
            branch_code=device.branch_code,
            after=after,
            limit=min(limit, hub.limits.max_page),
        )
    return answer.model_copy(update={"status_page_url": hub.console.status_page_url})
