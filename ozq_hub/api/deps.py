"""What every route needs: the hub's context, and who is calling.

A desk route declares `desk: DeskCaller`. The dependency refuses a request without a bearer
token at once (401 before the body is even validated) and hands the route a `DeskCall`,
whose `reading()` / `writing()` transactions check the token first, inside the route's own
worker thread and in the same transaction as the route's work: a request waits for a thread
once, and no route can reach the database as a desk without being authenticated.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from ozq_hub.blobstore import BlobStore
from ozq_hub.db import Database, utcnow
from ozq_hub.refusals import Refusal
from ozq_hub.security import same_secret
from ozq_hub.service import enrolment
from ozq_hub.service.packages import DeviceIdentity
from ozq_hub.service.signatures import TrustStore
from ozq_hub.settings import ConsoleSettings, HubLimits
from ozq_wire.protocol import ApiError, ErrorCode


@dataclass
class HubContext:
    db: Database
    store: BlobStore
    limits: HubLimits
    committee_token: str | None  # bootstrap only (docs/hub.md); issued tokens live in the db
    trust: TrustStore  # the CAs clerks' EDS certificates chain to, and their CRLs
    console: ConsoleSettings = field(default_factory=ConsoleSettings)
    tz: dt.tzinfo = dt.UTC  # the service centres' zone (console.timezone)


async def hub_context(request: Request) -> HubContext:
    return request.app.state.hub


Hub = Annotated[HubContext, Depends(hub_context)]

_device_bearer = HTTPBearer(auto_error=False, scheme_name="device", description="device token")
_committee_bearer = HTTPBearer(
    auto_error=False, scheme_name="committee", description="committee token"
)


class DeskCall:
    """A request from a desk, with its token; each transaction opens with the token check."""

    def __init__(self, hub: HubContext, token: str) -> None:
        self.hub = hub
        self._token = token

    @contextmanager
    def writing(self) -> Iterator[tuple[Session, DeviceIdentity]]:
        """One write transaction, as the calling device (401 if its token is not good)."""
        with self.hub.db.writing() as session:
            device, stale = enrolment.authenticate_device(session, self._token)
            if stale:
                enrolment.mark_seen(session, device_id=device.id, now=utcnow())
            yield session, device

    @contextmanager
    def reading(self) -> Iterator[tuple[Session, DeviceIdentity]]:
        """One read transaction, as the calling device (401 if its token is not good)."""
        with self.hub.db.reading() as session:
            device, stale = enrolment.authenticate_device(session, self._token)
            yield session, device
        if stale:  # a write of its own, at most every few minutes per device
            with self.hub.db.writing() as session:
                enrolment.mark_seen(session, device_id=device.id, now=utcnow())

    def device(self) -> DeviceIdentity:
        """The calling device, for routes whose work is not one transaction (uploads)."""
        with self.reading() as (_session, device):
            return device

    async def device_async(self) -> DeviceIdentity:
        return await run_in_threadpool(self.device)


async def desk_call(
    hub: Hub,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_device_bearer)],
) -> DeskCall:
    """No I/O here: a missing token is refused at once, a present one is checked in the
    route's own transaction (see the module's docstring)."""
    if not credentials or not credentials.credentials:
        raise Refusal(ErrorCode.UNAUTHENTICATED, "a bearer token is required")
    return DeskCall(hub, credentials.credentials)


DeskCaller = Annotated[DeskCall, Depends(desk_call)]


def committee_member(
    hub: Hub,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_committee_bearer)],
) -> None:
    token = credentials.credentials if credentials else ""
    if not token:
        raise Refusal(ErrorCode.UNAUTHENTICATED, "a committee token is required")
    if hub.committee_token and same_secret(token, hub.committee_token):
        return
    with hub.db.reading() as session:
        if enrolment.committee_token_known(session, token):
            return
    raise Refusal(ErrorCode.UNAUTHENTICATED, "the committee token is not known")


def errors(*statuses: int) -> dict[int | str, dict]:
    """OpenAPI: these statuses answer with an ApiError body, and so does 503, which any
    route that reads the database can answer when it is busy or unreachable."""
    return {status: {"model": ApiError} for status in sorted({*statuses, 503})}
