"""Enrolment codes are single use; tokens live on the hub only as hashes; revocation bites."""

from __future__ import annotations

import hashlib
import uuid

from sqlalchemy import create_engine, text

from ozq_wire import protocol as p
from tests.hub.helpers import scans


def _enrol(hub, code: str, desk: str = "w1"):
    with hub.client() as client:
        return client.post("/enrol", json={"code": code, "desk_code": desk, "device_name": "pc"})


def test_a_code_enrols_one_desk_only(shared_hub):
    code = shared_hub.cli("enrol-code", "--branch", f"E-{uuid.uuid4().hex[:6]}").strip()
    first = _enrol(shared_hub, code.lower().replace("-", " "))  # as typed by a person
    assert first.status_code == 200, first.text
    enrolled = p.EnrolResponse.model_validate(first.json())
    again = _enrol(shared_hub, code, desk="w2")
    assert again.status_code == 403
    assert again.json()["code"] == p.ErrorCode.ENROLMENT_CODE_USED
    with shared_hub.client(enrolled.token) as client:
        me = p.DeviceInfo.model_validate(client.get("/device").json())
    assert (me.device_id, me.branch_code, me.desk_code) == (
        enrolled.device_id,
        enrolled.branch_code,
        "w1",
    )


def test_a_wrong_or_expired_code_is_refused(shared_hub):
    wrong = _enrol(shared_hub, "0000-0000-0000-0000")
    assert (wrong.status_code, wrong.json()["code"]) == (403, p.ErrorCode.ENROLMENT_CODE_INVALID)
    expired = shared_hub.cli("enrol-code", "--branch", "X-EXP", "--valid-hours", "0").strip()
    answer = _enrol(shared_hub, expired)
    assert (answer.status_code, answer.json()["code"]) == (403, p.ErrorCode.ENROLMENT_CODE_EXPIRED)


def test_the_database_holds_only_hashes_of_tokens_and_codes(shared_hub):
    code = shared_hub.cli("enrol-code", "--branch", "H-1").strip()
    token = _enrol(shared_hub, code).json()["token"]
    committee_token = shared_hub.cli("committee-token", "--name", "secretariat").strip()
    engine = create_engine(shared_hub.db)
    try:
        with engine.connect() as connection:
            dump = " ".join(
                str(row)
                for table in ("device", "enrolment_code", "committee_token")
                for row in connection.execute(text(f"SELECT * FROM {table}"))
            )
    finally:
        engine.dispose()
    for secret in (token, code, code.replace("-", ""), committee_token):
        assert secret not in dump
    assert hashlib.sha256(token.encode()).hexdigest() in dump
    assert hashlib.sha256(committee_token.encode()).hexdigest() in dump


def test_a_revoked_device_gets_401_revoked_and_a_new_enrolment_carries_on(shared_hub):
    desk = shared_hub.enrol()
    files = scans(2000)
    request = desk.declaration(files)
    assert desk.declare(request).status_code == 200  # declared before the revocation
    assert "revoked" in shared_hub.cli("revoke", "--device", str(desk.device_id))
    for answer in (desk.http.get("/device"), desk.changes(), desk.commit(request.package_uuid)):
        assert answer.status_code == 401
        assert answer.json()["code"] == p.ErrorCode.REVOKED
        assert p.handling_for(answer.status_code, answer.json()["code"]) is p.Handling.REENROL
    # Re-enrolled in the same branch, the desk sends what it kept.
    again = shared_hub.enrol(branch=desk.branch, desk="window-1")
    again.push(request, files)
    assert again.http.get(f"/packages/{request.package_uuid}").json()["status"] == "received"


def test_an_unknown_token_is_401_unauthenticated(shared_hub):
    with shared_hub.client("not-a-token") as client:
        answer = client.get("/changes")
    assert answer.status_code == 401
    assert answer.json()["code"] == p.ErrorCode.UNAUTHENTICATED
    assert answer.headers["WWW-Authenticate"] == "Bearer"
    with shared_hub.client() as client:
        assert client.get("/state").status_code == 401


def test_guessing_codes_is_throttled_with_retry_after(fresh_hub):
    answers = [_enrol(fresh_hub, f"ZZZZ-ZZZZ-ZZZZ-{i:04d}") for i in range(12)]
    statuses = [a.status_code for a in answers]
    assert statuses[:10] == [403] * 10
    assert statuses[10:] == [429, 429]
    assert answers[-1].json()["code"] == p.ErrorCode.RATE_LIMITED
    assert int(answers[-1].headers["Retry-After"]) > 0
    # Even the right code waits until the window passes.
    code = fresh_hub.cli("enrol-code", "--branch", "T-1").strip()
    assert _enrol(fresh_hub, code).status_code == 429
