"""Issue 12, finding 3 (hub side): nothing outside the desk recorded its audit chain's head,
so a truncated or rewritten trail still verified. The hub now keeps every desk's uploaded
rows and announced heads append-only, refuses a contradicting announcement with 409
`audit_conflict`, and `ozq-hub audit verify --device ID` checks what it holds."""

from __future__ import annotations

from sqlalchemy import update

from ozq_hub.db import Database
from ozq_hub.models import AuditRecordRow
from ozq_wire import protocol as p
from tests.adversarial.hub_helpers import run_cli


def chain(count: int, *, start: int = 1, prev: str = "", tag: str = "") -> list[p.AuditRecord]:
    rows = []
    for seq in range(start, start + count):
        fields = {
            "seq": seq,
            "at": f"2026-12-04T10:{seq % 60:02d}:00+05:00",
            "user_id": 1,
            "action": "login_failed" if seq % 3 == 0 else "package_accepted",
            "object_id": f"obj-{seq}{tag}",
            "details": {"n": seq},
        }
        digest = p.audit_row_hash(
            prev, seq, fields["at"], 1, fields["action"], fields["object_id"], fields["details"]
        )
        rows.append(p.AuditRecord(**fields, user_login="clerk", prev_hash=prev, hash=digest))
        prev = digest
    return rows


def head_of(rows: list[p.AuditRecord]) -> dict:
    return {"seq": rows[-1].seq, "hash": rows[-1].hash} if rows else {"seq": 0, "hash": ""}


def send(desk, rows, head) -> object:
    body = {"rows": [r.model_dump(mode="json") for r in rows], "head": head}
    return desk.http.post("/audit", json=body)


def conflict(answer, first_seq: int) -> None:
    assert answer.status_code == 409, answer.text
    assert answer.json()["code"] == p.ErrorCode.AUDIT_CONFLICT
    assert f"from row {first_seq}" in answer.json()["detail"]


def test_every_tampering_is_an_audit_conflict_once_the_desk_has_synced(shared_hub):
    desk = shared_hub.enrol()
    rows = chain(10)
    answer = send(desk, rows, head_of(rows))
    assert answer.status_code == 200, answer.text
    assert p.AuditAck.model_validate(answer.json()).head == p.AuditHead(**head_of(rows))
    assert send(desk, rows[-3:], head_of(rows)).status_code == 200  # a replay is fine

    conflict(send(desk, [], head_of(rows[:9])), 10)  # the last row truncated
    conflict(send(desk, [], head_of(rows[:6])), 7)  # the last 4 rows truncated
    conflict(send(desk, [], head_of([])), 1)  # the table emptied
    edited = chain(6, start=5, prev=rows[3].hash, tag="-edited")  # row 5 edited, chain redone
    conflict(send(desk, edited, head_of(edited)), 5)
    conflict(send(desk, [], head_of(edited)), 10)  # the same, announced by its head only
    dropped = [r for r in rows if r.action != "login_failed"]  # rows removed, renumbered
    renumbered = chain(len(dropped), tag="-renumbered")
    conflict(send(desk, [], head_of(renumbered)), len(renumbered) + 1)

    more = chain(2, start=11, prev=rows[-1].hash)  # honest rows still go on afterwards
    assert send(desk, more, head_of(more)).status_code == 200
    code, out = run_cli(shared_hub.db, "audit", "verify", "--device", str(desk.device_id))
    assert code == 0, out
    assert "rows 1 to 12" in out and "refused announcement" in out


def test_a_head_announced_before_its_rows_binds_them(shared_hub):
    desk = shared_hub.enrol()
    rows = chain(6)
    assert send(desk, rows[:3], head_of(rows)).status_code == 200  # rows in batches
    forged = chain(3, start=4, prev=rows[2].hash, tag="-forged")
    conflict(send(desk, forged, head_of(forged)), 6)  # the first row the hub can tell
    assert send(desk, rows[3:], head_of(rows)).status_code == 200


def test_audit_verify_finds_a_row_edited_on_the_hub(shared_hub):
    desk = shared_hub.enrol()
    rows = chain(5)
    assert send(desk, rows, head_of(rows)).status_code == 200
    database = Database(shared_hub.db)
    try:
        with database.writing() as session:
            session.execute(
                update(AuditRecordRow)
                .where(AuditRecordRow.device_id == desk.device_id, AuditRecordRow.seq == 3)
                .values(action="nothing_happened")
            )
    finally:
        database.dispose()
    code, out = run_cli(shared_hub.db, "audit", "verify", "--device", str(desk.device_id))
    assert code == 1
    assert "row 3 does not hash" in out
