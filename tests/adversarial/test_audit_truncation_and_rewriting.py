"""Finding 3 (high): an audit trail that detects truncation and rewriting.

`ozq-desktop audit verify` passed for all of these: the last row truncated; the last 4 rows
truncated; a row edited and the chain recomputed from there; a row deleted and the chain
recomputed; every `login_failed` row removed; the table emptied; a forged row appended. The
first row's prev_hash was empty and nothing recorded the head.

Rows are now numbered and the chain is anchored at the hub: each sync sends the rows and the
head, the hub keeps every head, and the desk keeps the head the hub acknowledged. Each case is
detected once the desk has synced: by `audit verify` against the acknowledged head, and — even
when the attacker also rewrites the stored acknowledgement, which holding the data key allows
— by the hub at the next sync. The attacker here holds the OS account and the data key: they
write the database directly and recompute every hash with the public formula."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

import pytest
from sqlalchemy import text

from ozq_desktop.audit_cli import report_lines
from ozq_desktop.domain import accounts, audit
from ozq_desktop.errors import AuthenticationError
from ozq_desktop.storage import migrations
from ozq_desktop.storage.engine import make_engine, reading, transaction
from ozq_wire.protocol import AuditHead, audit_row_hash

# ---------------------------------------------------------------- the attacker's tools


def rows(engine) -> list[dict]:
    with engine.connect() as conn:
        result = conn.exec_driver_sql(
            "select id, seq, at, user_id, action, object_id, details, prev_hash, hash"
            " from audit_log order by seq"
        )
        return [dict(r._mapping) for r in result]


def rechain(engine) -> None:
    """Number the rows 1, 2, 3 … in their order and recompute every hash, as the desk would."""
    found = rows(engine)
    prev = ""
    with engine.begin() as conn:
        conn.exec_driver_sql("update audit_log set seq = seq + 1000000")
        for seq, row in enumerate(found, start=1):
            at = datetime.fromisoformat(row["at"]).isoformat()
            details = json.loads(row["details"])
            digest = audit_row_hash(
                prev, seq, at, row["user_id"], row["action"], row["object_id"], details
            )
            conn.execute(
                text("update audit_log set seq=:seq, prev_hash=:prev, hash=:hash where id=:id"),
                {"seq": seq, "prev": prev, "hash": digest, "id": row["id"]},
            )
            prev = digest


def truncate(engine, count: int) -> None:
    last = rows(engine)[-1]["seq"]
    with engine.begin() as conn:
        conn.execute(text("delete from audit_log where seq > :keep"), {"keep": last - count})


def edit_and_rechain(engine) -> None:
    with engine.begin() as conn:
        conn.exec_driver_sql(
            'update audit_log set details = \'{"login": "someone-else"}\''
            " where seq = (select min(seq) from audit_log where action = 'login_failed')"
        )
    rechain(engine)


def delete_and_rechain(engine) -> None:
    with engine.begin() as conn:
        conn.exec_driver_sql("delete from audit_log where seq = 4")
    rechain(engine)


def remove_failed_logins(engine) -> None:
    with engine.begin() as conn:
        conn.exec_driver_sql("delete from audit_log where action = 'login_failed'")
    rechain(engine)


def empty(engine) -> None:
    with engine.begin() as conn:
        conn.exec_driver_sql("delete from audit_log")


def append_forged(engine) -> None:
    """A forged row put at the end as a careless forger would: its hash is not the chain's."""
    last = rows(engine)[-1]
    with engine.begin() as conn:
        conn.execute(
            text(
                "insert into audit_log(seq, at, user_id, action, object_id, details, prev_hash,"
                " hash) values (:seq, '2026-11-20 09:00:00.000000', NULL, 'login', '', '{}',"
                " :prev, :hash)"
            ),
            {
                "seq": last["seq"] + 1,
                "prev": last["hash"],
                "hash": hashlib.sha256(b"x").hexdigest(),
            },
        )


def forge_into_the_past(engine) -> None:
    """A well-formed forged row slipped in among rows the hub has already acknowledged."""
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "insert into audit_log(seq, at, user_id, action, object_id, details, prev_hash, hash)"
            " values (3500000, '2026-11-20 09:00:00.000000', NULL, 'login', '', '{}', '', '')"
        )
        conn.exec_driver_sql("update audit_log set id = id where 1")
    # Placed third in the order, then the whole chain recomputed.
    found = rows(engine)
    forged = found[-1]
    order = [r for r in found if r is not forged]
    order.insert(2, forged)
    prev = ""
    with engine.begin() as conn:
        conn.exec_driver_sql("update audit_log set seq = seq + 5000000")
        for seq, row in enumerate(order, start=1):
            at = datetime.fromisoformat(row["at"]).isoformat()
            digest = audit_row_hash(
                prev, seq, at, row["user_id"], row["action"], row["object_id"],
                json.loads(row["details"]),
            )  # fmt: skip
            conn.execute(
                text("update audit_log set seq=:seq, prev_hash=:prev, hash=:hash where id=:id"),
                {"seq": seq, "prev": prev, "hash": digest, "id": row["id"]},
            )
            prev = digest


TAMPERING = {
    "last row truncated": lambda e: truncate(e, 1),
    "last 4 rows truncated": lambda e: truncate(e, 4),
    "a row edited, chain recomputed": edit_and_rechain,
    "a row deleted, chain recomputed": delete_and_rechain,
    "every login_failed row removed": remove_failed_logins,
    "the table emptied": empty,
    "a forged row appended": append_forged,
    "a forged row slipped under the head": forge_into_the_past,
}


def also_rewrite_the_acknowledgement(engine) -> None:
    """Holding the key, the attacker also makes the stored head agree with the new trail."""
    found = rows(engine)
    seq, digest = (found[-1]["seq"], found[-1]["hash"]) if found else (0, "")
    with engine.begin() as conn:
        conn.execute(
            text("update sync_state set value=:v where key=:k"),
            {"k": audit.ACK_SEQ, "v": str(seq)},
        )
        conn.execute(
            text("update sync_state set value=:v where key=:k"),
            {"k": audit.ACK_HASH, "v": digest},
        )


def trail(desk) -> audit.TrailCheck:
    with reading(desk["factory"]) as s:
        return audit.check_trail(session=s)


def activity(desk) -> None:
    """Sign-ins, failed ones among them, and printing: the rows an attacker wants gone."""
    factory = desk["factory"]
    accounts.sign_in(factory=factory, login="boss", password="supersecret")
    for _ in range(2):
        with pytest.raises(AuthenticationError):
            accounts.sign_in(factory=factory, login="clerk", password="guess")
    accounts.sign_in(factory=factory, login="clerk", password="clerkpass1")
    with transaction(factory) as s:
        for n in range(4):
            audit.record_printing(
                session=s,
                user_id=desk["clerk"].id,
                document="receipt",
                object_id=str(n),
                lang="kk",
                destination="printer",
            )


# ---------------------------------------------------------------- with the real hub


@pytest.fixture
def anchored(desk, enrolled):
    """A desk with history that has synced: the hub acknowledged its head."""
    activity(desk)
    report = enrolled.run_once()
    assert report.audit_problem is None, report.audit_problem
    check = trail(desk)
    assert check.whole and check.vouched_up_to == check.head.seq > 8
    return desk


@pytest.mark.parametrize("how", list(TAMPERING))
def test_tampering_is_detected_against_the_acknowledged_head(anchored, enrolled, how):
    engine = anchored["factory"].kw["bind"]
    TAMPERING[how](engine)
    check = trail(anchored)
    assert not check.whole, how
    if how == "a forged row appended":  # after the head: the acknowledged rows still stand
        assert check.broken_at == check.head.seq == check.vouched_up_to + 1
    else:
        assert check.vouched_up_to == 0, how
    text_kk = "\n".join(report_lines(check, "kk"))
    assert "өзгертілген" in text_kk
    report = enrolled.run_once()  # and the hub refuses it at the next sync
    assert report.audit_problem is not None, how
    assert "аудит" in report.audit_problem.message("kk").lower()


@pytest.mark.parametrize("how", list(TAMPERING))
def test_tampering_with_the_stored_acknowledgement_too_is_detected_at_the_next_sync(
    anchored, enrolled, how
):
    engine = anchored["factory"].kw["bind"]
    TAMPERING[how](engine)
    if how != "a forged row appended":  # that one breaks the chain itself
        also_rewrite_the_acknowledgement(engine)
    report = enrolled.run_once()
    assert report.audit_problem is not None, how
    assert report.pushed == 0 and report.error is None  # package sync goes on


def test_rows_written_after_the_head_are_sent_and_acknowledged(anchored, enrolled):
    with transaction(anchored["factory"]) as s:
        audit.record(session=s, action="print", user_id=None, object_id="later")
    before = trail(anchored)
    assert before.vouched_up_to == before.head.seq - 1
    enrolled.run_once()
    assert trail(anchored).vouched_up_to == before.head.seq


# ---------------------------------------------------------------- the desk's own checks


def store_head_as_the_sync_would(desk) -> AuditHead:
    with transaction(desk["factory"]) as s:
        head = audit.head(session=s)
        audit.store_acknowledged(session=s, ack=head, at="2026-11-25T10:00:00+05:00")
    return head


@pytest.mark.parametrize("how", list(TAMPERING))
def test_audit_verify_checks_against_the_acknowledged_head(desk, how):
    activity(desk)
    head = store_head_as_the_sync_would(desk)
    assert trail(desk).whole and trail(desk).vouched_up_to == head.seq
    TAMPERING[how](desk["factory"].kw["bind"])
    assert not trail(desk).whole


def test_before_any_sync_the_verdict_says_what_it_cannot_know(desk):
    activity(desk)
    check = trail(desk)
    assert check.whole and check.acknowledged is None and check.vouched_up_to == 0
    lines = report_lines(check, "ru")
    assert any("не подтвердил ни одной строки" in line for line in lines)
    assert any("последней строки, подтверждённой хабом" in line for line in lines)


def test_rows_are_numbered_and_the_hash_covers_the_number(desk):
    with reading(desk["factory"]) as s:
        found = list(s.scalars(audit.select(audit.AuditRow).order_by(audit.AuditRow.seq)))
    assert [r.seq for r in found] == list(range(1, len(found) + 1))
    assert found[0].prev_hash == ""
    first = found[0]
    assert first.hash == audit_row_hash(
        "", 1, first.at.isoformat(), first.user_id, first.action, first.object_id, first.details
    )
    assert first.hash != audit_row_hash(
        "", 2, first.at.isoformat(), first.user_id, first.action, first.object_id, first.details
    )


# ---------------------------------------------------------------- the upgrade


def old_hash(prev: str, at: datetime, user_id, action: str, object_id: str, details) -> str:
    """The chain as it was computed before revision 0005 (no sequence number)."""
    payload = json.dumps(
        [prev, at.isoformat(), user_id, action, object_id, details],
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def desk_before_sequence(path, edit_row: int | None = None):
    """A database at the revision before the audit rows were numbered, with a few rows."""
    engine = make_engine(path)
    migrations.upgrade(engine, "0004")
    prev = ""
    with engine.begin() as conn:
        for n in range(1, 6):
            at = datetime(2026, 11, 20, 9, n)
            details = {"n": n, "note": "Құжат"}
            digest = old_hash(prev, at, None, "document_printed", str(n), details)
            conn.execute(
                text(
                    "insert into audit_log(id, at, user_id, action, object_id, details,"
                    " prev_hash, hash) values (:id, :at, NULL, 'document_printed', :o, :d, :p, :h)"
                ),
                {
                    "id": n,
                    "at": at.strftime("%Y-%m-%d %H:%M:%S.%f"),
                    "o": str(n),
                    "d": json.dumps(details, ensure_ascii=False),
                    "p": prev,
                    "h": digest,
                },
            )
            prev = digest
        if edit_row is not None:
            conn.execute(
                text("update audit_log set object_id='forged' where id=:id"), {"id": edit_row}
            )
    return engine


def test_the_upgrade_numbers_and_rechains_the_rows_after_checking_them(tmp_path):
    path = tmp_path / "ozq.db"
    engine = desk_before_sequence(path)
    taken = migrations.backup_and_upgrade(engine, path)
    assert taken is not None and taken.exists()  # the backup before migrating is kept
    found = rows(engine)
    assert [r["seq"] for r in found] == [1, 2, 3, 4, 5, 6]
    assert [r["object_id"] for r in found[:5]] == ["1", "2", "3", "4", "5"]
    assert found[-1]["action"] == "audit_chain_numbered"
    assert json.loads(found[-1]["details"]) == {"rows": 5, "old_chain_whole": True}
    factory = audit_factory(engine)
    with reading(factory) as s:
        assert audit.verify_chain(session=s) is None
    engine.dispose()


def test_an_old_chain_altered_before_the_upgrade_is_not_hidden_by_it(tmp_path):
    path = tmp_path / "ozq.db"
    engine = desk_before_sequence(path, edit_row=3)
    migrations.backup_and_upgrade(engine, path)
    marker = rows(engine)[-1]
    assert json.loads(marker["details"]) == {
        "rows": 5,
        "old_chain_whole": False,
        "first_row_not_fitting": 3,
    }
    engine.dispose()


def audit_factory(engine):
    from ozq_desktop.storage.engine import make_session_factory

    return make_session_factory(engine)
