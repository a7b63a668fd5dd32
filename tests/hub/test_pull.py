"""The change feed: decisions and calendar overrides reach the branch, in commit order."""

from __future__ import annotations

import datetime as dt
import json
import uuid

from ozq_wire import protocol as p
from tests.hub.helpers import scans


def _received(desk, count: int = 1):
    requests = []
    for _ in range(count):
        files = scans(100)
        request = desk.declaration(files)
        desk.push(request, files)
        requests.append(request)
    return requests


def test_decisions_arrive_in_commit_order_with_revisions(shared_hub):
    desk = shared_hub.enrol()
    first, second = _received(desk, 2)
    _, cursor = desk.all_changes()
    with shared_hub.committee() as committee:
        granted = committee.post(
            f"/committee/packages/{first.package_uuid}/decisions",
            json={"outcome": "granted", "kind": "attestation_certificate",
                  "number": "KZ-0001", "date": "2026-12-01", "decided_by": "Chair"},
        )  # fmt: skip
        assert granted.status_code == 200, granted.text
        replay = committee.post(
            f"/committee/packages/{first.package_uuid}/decisions",
            json={"outcome": "granted", "kind": "attestation_certificate",
                  "number": "KZ-0001", "date": "2026-12-01"},
        )  # fmt: skip
        assert replay.json()["version"] == 1  # same content: nothing new
    shared_hub.cli(
        "decide", "--receipt", second.receipt_no, "refused", "--reason", "No expert conclusion"
    )
    shared_hub.cli(
        "decide", "--package", str(first.package_uuid), "granted", "--number", "KZ-0002",
        "--date", "2026-12-03",
    )  # fmt: skip
    changes, _ = desk.all_changes(cursor, limit=1)
    decisions = [c.decision for c in changes]
    assert [c.kind for c in changes] == ["decision"] * 3
    assert [c.seq for c in changes] == sorted(c.seq for c in changes)
    assert [(d.package_uuid, d.version, d.outcome) for d in decisions] == [
        (first.package_uuid, 1, p.Outcome.GRANTED),
        (second.package_uuid, 1, p.Outcome.REFUSED),
        (first.package_uuid, 2, p.Outcome.GRANTED),
    ]
    assert decisions[2].kind is p.GrantKind.ATTESTATION_CERTIFICATE  # the CLI read the catalog
    assert decisions[1].reason == "No expert conclusion"
    assert (decisions[2].number, decisions[2].date) == ("KZ-0002", dt.date(2026, 12, 3))
    state = p.BranchState.model_validate(desk.http.get("/state").json())
    latest = {pkg.package_uuid: pkg.decision for pkg in state.packages}
    assert latest[first.package_uuid].version == 2
    assert latest[second.package_uuid].outcome is p.Outcome.REFUSED


def test_a_decision_needs_a_committed_package_and_a_committee_token(shared_hub):
    desk = shared_hub.enrol()
    files = scans(10)
    request = desk.declaration(files)
    desk.declare(request)
    body = {"outcome": "refused", "reason": "Incomplete"}
    url = f"/committee/packages/{request.package_uuid}/decisions"
    assert desk.http.post(url, json=body).status_code == 401  # a desk token is not enough
    with shared_hub.committee() as committee:
        early = committee.post(url, json=body)
        assert (early.status_code, early.json()["code"]) == (409, p.ErrorCode.PACKAGE_NOT_RECEIVED)
        half = committee.post(url, json={"outcome": "granted", "number": "1"})
        assert half.status_code == 422
        missing = committee.post(f"/committee/packages/{uuid.uuid4()}/decisions", json=body)
        assert missing.status_code == 404
    issued = shared_hub.cli("committee-token", "--name", "secretary").strip()
    desk.commit(request.package_uuid)  # blobs missing: still not received
    desk.upload(files[0])
    desk.commit(request.package_uuid)
    with shared_hub.client(issued) as committee:
        assert committee.post(url, json=body).status_code == 200


def test_feed_pages_follow_the_cursor_and_keep_branches_apart(shared_hub):
    desk, other = shared_hub.enrol(), shared_hub.enrol()
    mine = _received(desk, 5)
    _received(other, 2)
    seen, cursor = [], None
    while True:
        page = p.ChangesPage.model_validate(desk.changes(cursor, limit=2).json())
        seen += page.changes
        cursor = page.next_cursor
        if not page.has_more:
            break
    received = [c.package_uuid for c in seen if c.kind == "package_received"]
    assert received == [r.package_uuid for r in mine]
    again = p.ChangesPage.model_validate(desk.changes(cursor).json())
    assert [c for c in again.changes if c.kind == "package_received"] == []


def test_a_calendar_override_reaches_every_branch(shared_hub):
    desk = shared_hub.enrol()
    _, cursor = desk.all_changes()
    day = dt.date(2027, 3, 15) + dt.timedelta(days=uuid.uuid4().int % 300)
    shared_hub.cli(
        "calendar-override", "--date", day.isoformat(), "--kind", "day_off",
        "--note", "Constitution Day moved by decree",
    )  # fmt: skip
    shared_hub.cli("calendar-override", "--date", day.isoformat(), "--kind", "standard")
    changes, _ = desk.all_changes(cursor)
    mine = [c.override for c in changes if c.kind == "calendar_override" and c.override.date == day]
    assert [o.kind for o in mine] == [p.CalendarDay.DAY_OFF, p.CalendarDay.STANDARD]
    assert mine[0].note == "Constitution Day moved by decree"
    late_comer = shared_hub.enrol()
    state = p.BranchState.model_validate(late_comer.http.get("/state").json())
    assert {o.date: o.kind for o in state.calendar_overrides}[day] is p.CalendarDay.STANDARD


def test_must_refetch_for_a_foreign_epoch_a_pruned_log_or_a_cursor_from_the_future(fresh_hub):
    desk = fresh_hub.enrol()
    first, second = _received(desk, 2)
    page = p.ChangesPage.model_validate(desk.changes(limit=1).json())
    epoch, seq = page.next_cursor.split(".")
    ahead = desk.changes(f"{epoch}.{int(seq) + 100}")
    assert (ahead.status_code, ahead.json()["code"]) == (410, p.ErrorCode.MUST_REFETCH)
    assert p.handling_for(410, ahead.json()["code"]) is p.Handling.REFETCH
    garbage = desk.changes("not a cursor")
    assert (garbage.status_code, garbage.json()["code"]) == (422, p.ErrorCode.CURSOR_INVALID)

    fresh_hub.cli("prune-changes", "--keep-days", "0")
    for stale in (page.next_cursor, None):
        answer = desk.changes(stale)
        assert (answer.status_code, answer.json()["code"]) == (410, p.ErrorCode.MUST_REFETCH)

    fresh_hub.cli("new-epoch")  # as after restoring a backup
    state_cursor = None
    packages = []
    after = None
    while True:  # the refetch: page through the state, keep the first page's cursor
        params = {"limit": 1, **({"after": str(after)} if after else {})}
        state = p.BranchState.model_validate(desk.http.get("/state", params=params).json())
        state_cursor = state_cursor or state.cursor
        packages += state.packages
        after = state.next_after
        if not state.has_more:
            break
    assert {pkg.package_uuid for pkg in packages} == {first.package_uuid, second.package_uuid}
    assert desk.changes(page.next_cursor).status_code == 410  # the old epoch
    fresh_hub.cli("decide", "--receipt", first.receipt_no, "refused", "--reason", "Late")
    resumed = p.ChangesPage.model_validate(desk.changes(state_cursor).json())
    assert [c.kind for c in resumed.changes] == ["decision"]


def test_a_replayed_page_is_byte_for_byte_the_same(shared_hub):
    desk = shared_hub.enrol()
    _received(desk, 3)
    first, second = desk.changes(limit=2), desk.changes(limit=2)
    assert json.loads(first.text) == json.loads(second.text)
