"""What every route needs: the hub's context, and who is calling."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from ozq_hub.api.limits import FailureThrottle
from ozq_hub.db import Database, utcnow
from ozq_hub.problems import HubProblem
from ozq_hub.security import same_secret
from ozq_hub.service import enrolment
from ozq_hub.service.blobs import BlobStore
from ozq_hub.service.packages import DeviceIdentity
from ozq_hub.settings import ConsoleSettings, HubLimits
from ozq_wire.protocol import ApiError, ErrorCode


@dataclass
class HubContext:
    db: Database
    store: BlobStore
    limits: HubLimits
    committee_token: str | None
    enrol_throttle: FailureThrottle
    console: ConsoleSettings = field(default_factory=ConsoleSettings)
    tz: dt.tzinfo = dt.UTC  # the service centres' zone (console.timezone)


async def hub_context(request: Request) -> HubContext:
    return request.app.state.hub


Hub = Annotated[HubContext, Depends(hub_context)]

_device_bearer = HTTPBearer(auto_error=False, scheme_name="device", description="device token")
_committee_bearer = HTTPBearer(
    auto_error=False, scheme_name="committee", description="committee token"
)


async def device_token(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_device_bearer)],
) -> str | None:
    return credentials.credentials if credentials else None


def authenticate(hub: HubContext, token: str | None) -> DeviceIdentity:
    """The calling device; 401 if the token is unknown or revoked. Called inside each
    route's own worker thread, so a request waits for a thread only once."""
    with hub.db.reading() as session:
        identity, stale = enrolment.authenticate_device(session, token)
    if stale:
        with hub.db.writing() as session:
            enrolment.mark_seen(session, device_id=identity.id, now=utcnow())
    return identity


def committee_member(
    hub: Hub,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_committee_bearer)],
) -> None:
    token = credentials.credentials if credentials else ""
    if not token:
        raise HubProblem(401, ErrorCode.UNAUTHENTICATED, "a committee token is required")
    if hub.committee_token and same_secret(token, hub.committee_token):
        return
    with hub.db.reading() as session:
        if enrolment.committee_token_known(session, token):
            return
    raise HubProblem(401, ErrorCode.UNAUTHENTICATED, "the committee token is not known")


DeviceToken = Annotated[str | None, Depends(device_token)]


def errors(*statuses: int) -> dict[int | str, dict]:
    """OpenAPI: these statuses answer with an ApiError body, and so does 503, which any
    route that reads the database can answer when it is busy or unreachable."""
    return {status: {"model": ApiError} for status in sorted({*statuses, 503})}
