"""What every route needs: the hub's context, and who is calling.

A desk route declares `desk: DeskCaller`. The dependency refuses a request without a bearer
token at once (401 before the body is even validated) and hands the route a `DeskCall`,
whose `reading()` / `writing()` transactions check the token first, inside the route's own
worker thread and in the same transaction as the route's work: a request waits for a thread
once, and no route can reach the database as a desk without being authenticated.
"""

from __future__ import annotations

import asyncio
import contextvars
import datetime as dt
import functools
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel
from sqlalchemy.orm import Session

from ozq_hub.blobstore import BlobStore
from ozq_hub.db import Database, utcnow
from ozq_hub.refusals import Refusal
from ozq_hub.security import same_secret, secret_hash
from ozq_hub.service import changelog, enrolment
from ozq_hub.service.packages import DeviceIdentity
from ozq_hub.service.signatures import TrustStore
from ozq_hub.settings import ConsoleSettings, HubLimits
from ozq_wire.protocol import ApiError, ErrorCode

T = TypeVar("T")
# How long a token this process saw accepted spares an upload the check before its body is
# read (`DeskCall.check_early`). Never whether it is accepted: every transaction checks it.
RECENTLY_ACCEPTED_SECONDS = 60.0
_RECENT_MAX = 20_000


@dataclass
class HubContext:
    db: Database
    store: BlobStore
    limits: HubLimits
    committee_token: str | None  # bootstrap only (docs/hub.md); issued tokens live in the db
    trust: TrustStore  # the CAs clerks' EDS certificates chain to, and their CRLs
    console: ConsoleSettings = field(default_factory=ConsoleSettings)
    tz: dt.tzinfo = dt.UTC  # the service centres' zone (console.timezone)
    # The threads that do the routes' database and blob work: one per database connection.
    executor: ThreadPoolExecutor | None = field(default=None, repr=False)
    # Token hashes this process accepted lately, and when (see RECENTLY_ACCEPTED_SECONDS).
    recently_accepted: dict[str, float] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if self.executor is None:
            self.executor = ThreadPoolExecutor(
                max_workers=self.limits.db_connections, thread_name_prefix="ozq-hub-db"
            )

    async def run(self, function: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """`function(*args, **kwargs)` in one of the hub's database threads, with the request's
        context (its id for the logs). Cheaper than Starlette's `run_in_threadpool` (anyio's
        queue.Queue and Condition per hand-off): the executor's queue is a C SimpleQueue,
        which profiling showed to matter at hundreds of requests a second."""
        context = contextvars.copy_context()
        call = functools.partial(context.run, function, *args, **kwargs)
        return await asyncio.get_running_loop().run_in_executor(self.executor, call)


def json_answer(model: BaseModel, headers: dict[str, str] | None = None) -> Response:
    """A validated answer model as JSON, serialised once by pydantic's core: routes that
    return it skip FastAPI's second validation of the same model (their `response_model`
    still documents it)."""
    return Response(model.model_dump_json(), media_type="application/json", headers=headers)


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
        self._token_hash = secret_hash(token)

    def _accepted(self) -> None:
        recent = self.hub.recently_accepted
        if len(recent) >= _RECENT_MAX:
            recent.clear()
        recent[self._token_hash] = time.monotonic()

    @contextmanager
    def writing(self) -> Iterator[tuple[Session, DeviceIdentity]]:
        """One write transaction, as the calling device (401 if its token is not good)."""
        with self.hub.db.writing() as session:
            device, stale = enrolment.authenticate_device(session, self._token)
            if stale:
                enrolment.mark_seen(session, device_id=device.id, now=utcnow())
            self._accepted()
            yield session, device

    @contextmanager
    def reading(self) -> Iterator[tuple[Session, DeviceIdentity]]:
        """One read transaction, as the calling device (401 if its token is not good)."""
        with self.hub.db.reading() as session:
            device, stale = enrolment.authenticate_device(session, self._token)
            self._accepted()
            yield session, device
        if stale:  # a write of its own, at most every few minutes per device
            self._mark_seen(device)

    def _mark_seen(self, device: DeviceIdentity) -> None:
        with self.hub.db.writing() as session:
            enrolment.mark_seen(session, device_id=device.id, now=utcnow())

    def changes(self, *, after: str | None, limit: int) -> dict[str, Any]:
        """The change feed's next page for the calling device's branch: the token check and
        the feed's position in one statement (an idle poll is one round trip)."""
        with self.hub.db.reading() as session:
            row = changelog.poll_position_as_device(session, self._token_hash)
            device, stale = enrolment.identity_from_row(row)
            self._accepted()
            page = changelog.page_after(
                session, row, branch_code=device.branch_code, after=after, limit=limit
            )
        if stale:
            self._mark_seen(device)
        return page

    def device(self) -> DeviceIdentity:
        """The calling device, for routes whose work is not one transaction (uploads)."""
        with self.reading() as (_session, device):
            return device

    async def check_early(self) -> None:
        """Before a large body is read: refuse a token that is not good (401). A token this
        process accepted within RECENTLY_ACCEPTED_SECONDS skips this extra transaction; the
        work's own transaction checks it anyway, so a revoked token is still refused at once."""
        seen = self.hub.recently_accepted.get(self._token_hash)
        if seen is not None and time.monotonic() - seen < RECENTLY_ACCEPTED_SECONDS:
            return
        await self.hub.run(self.device)


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


async def committee_member(
    hub: Hub,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_committee_bearer)],
) -> None:
    token = credentials.credentials if credentials else ""
    if not token:
        raise Refusal(ErrorCode.UNAUTHENTICATED, "a committee token is required")
    if hub.committee_token and same_secret(token, hub.committee_token):
        return
    if not await hub.run(_committee_token_known, hub, token):
        raise Refusal(ErrorCode.UNAUTHENTICATED, "the committee token is not known")


def _committee_token_known(hub: HubContext, token: str) -> bool:
    with hub.db.reading() as session:
        return enrolment.committee_token_known(session, token)


def errors(*statuses: int) -> dict[int | str, dict]:
    """OpenAPI: these statuses answer with an ApiError body, and so does 503, which any
    route that reads the database can answer when it is busy or unreachable."""
    return {status: {"model": ApiError} for status in sorted({*statuses, 503})}
