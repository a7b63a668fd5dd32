"""Issue 12, finding 7 (hub side): a lost answer burnt the one-time code and left an orphan
device; the enrolment throttle lived in one process's memory (not shared by workers, gone on
restart); and X-Forwarded-For was believed from any local client."""

from __future__ import annotations

import datetime as dt
import secrets
import uuid

from sqlalchemy import update

from ozq_hub.db import Database, sqlite_url
from ozq_hub.devtools import HubProcess
from ozq_hub.models import Device
from ozq_hub.service import enrolment
from ozq_wire import protocol as p
from tests.hub.helpers import HubUnderTest


def _enrol(hub, code: str, nonce: str | None = None, desk: str = "D1", headers=None):
    body = {"code": code, "desk_code": desk, "device_name": "pc"}
    if nonce:
        body["nonce"] = nonce
    with hub.client() as client:
        return client.post("/enrol", json=body, headers=headers or {})


def test_a_retry_with_the_same_nonce_gets_the_same_device(shared_hub):
    code = shared_hub.cli("enrol-code", "--branch", f"N-{uuid.uuid4().hex[:6]}").strip()
    nonce = secrets.token_urlsafe(24)
    first = _enrol(shared_hub, code, nonce)  # the desk never saw this answer
    assert first.status_code == 200, first.text
    retry = _enrol(shared_hub, code, nonce)
    assert retry.status_code == 200, retry.text
    assert retry.json()["device_id"] == first.json()["device_id"]
    assert retry.json()["token"] != first.json()["token"]
    with shared_hub.client(first.json()["token"]) as lost:  # the lost token is void
        assert lost.get("/device").status_code == 401
    with shared_hub.client(retry.json()["token"]) as kept:
        assert kept.get("/device").status_code == 200
    # Another nonce, or the same one once the token was used, cannot take the device.
    for other in (secrets.token_urlsafe(24), nonce):
        answer = _enrol(shared_hub, code, other)
        assert (answer.status_code, answer.json()["code"]) == (403, p.ErrorCode.ENROLMENT_CODE_USED)


def test_an_orphan_device_that_never_synced_expires(shared_hub):
    branch = f"O-{uuid.uuid4().hex[:6]}"
    code = shared_hub.cli("enrol-code", "--branch", branch).strip()
    orphan = _enrol(shared_hub, code).json()  # its answer was lost: never used
    database = Database(shared_hub.db)
    try:
        with database.writing() as session:  # as if enrolled an hour ago
            session.execute(
                update(Device)
                .where(Device.id == uuid.UUID(orphan["device_id"]))
                .values(enrolled_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1))
            )
        # A new code for the same desk is not blocked by the orphan, which expires.
        second = shared_hub.cli("enrol-code", "--branch", branch).strip()
        replacement = _enrol(shared_hub, second)
        assert replacement.status_code == 200
        with shared_hub.client(orphan["token"]) as client:
            assert client.get("/device").json()["code"] == p.ErrorCode.REVOKED
        # The daily sweep expires orphans of any desk a day old: the replacement never
        # used its token either.
        with database.writing() as session:
            later = dt.datetime.now(dt.UTC) + dt.timedelta(days=2)
            expired = enrolment.expire_orphans(
                session, now=later, older_than=dt.timedelta(hours=24)
            )
        assert expired >= 1
        with shared_hub.client(replacement.json()["token"]) as client:
            assert client.get("/device").json()["code"] == p.ErrorCode.REVOKED
    finally:
        database.dispose()


def _hub(tmp_path, *extra: str) -> HubUnderTest:
    process = HubProcess(
        sqlite_url(tmp_path / "hub.sqlite3"), tmp_path / "blobs", extra_args=list(extra)
    )
    return HubUnderTest(process.start(), "sqlite")


def test_the_throttle_is_in_the_database_and_survives_a_restart(tmp_path):
    hub = _hub(tmp_path)
    try:
        statuses = [_enrol(hub, f"ZZZZ-ZZZZ-ZZZZ-{i:04d}").status_code for i in range(10)]
        assert statuses == [403] * 10
        hub.process.stop()
        hub.process.start()
        answer = _enrol(hub, "ZZZZ-ZZZZ-ZZZZ-9999")
        assert (answer.status_code, answer.json()["code"]) == (429, p.ErrorCode.RATE_LIMITED)
    finally:
        hub.process.stop()


def test_x_forwarded_for_is_believed_only_from_a_configured_proxy(tmp_path):
    hub = _hub(tmp_path)
    try:  # no proxy configured: a client cannot pose as many addresses
        statuses = [
            _enrol(hub, f"ZZZZ-ZZZZ-ZZZZ-{i:04d}", headers={"X-Forwarded-For": f"10.0.0.{i}"})
            for i in range(12)
        ]
        assert [a.status_code for a in statuses][10:] == [429, 429]
    finally:
        hub.process.stop()
    proxied = _hub(tmp_path / "proxied", "--trusted-proxy", "127.0.0.1")
    try:  # behind the configured proxy, each forwarded address counts for itself
        statuses = [
            _enrol(proxied, f"ZZZZ-ZZZZ-ZZZZ-{i:04d}", headers={"X-Forwarded-For": f"10.0.0.{i}"})
            for i in range(12)
        ]
        assert {a.status_code for a in statuses} == {403}
    finally:
        proxied.process.stop()
