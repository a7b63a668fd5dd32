"""Pull: the committee's decisions and the hub's calendar overrides come back through the
branch's change feed. Each page is applied and its cursor stored in one local transaction;
a replay is harmless (decisions are kept by version, overrides by day). Each page is one
unit of work on a `Database` and says what it changed (docs/sync.md, "Pull")."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from ozq_desktop.domain.accounts import HUB
from ozq_desktop.domain.calendar_store import load_calendar, put_override, remove_override
from ozq_desktop.domain.changes import NOTHING, Changes, Database
from ozq_desktop.domain.deadlines import recompute_result_dates
from ozq_desktop.domain.handover import DecisionData, apply_decision
from ozq_desktop.domain.lifecycle import PackageStatus, advance_along_push
from ozq_desktop.models import OutboxItem, Package
from ozq_desktop.sync import state
from ozq_desktop.sync.client import HubCallError, HubClient
from ozq_desktop.sync.push import DONE, PENDING
from ozq_wire import protocol as p
from ozq_wire.calendar import OverrideKind
from ozq_wire.catalog import Catalog

PAGE = 200
SYNC = Changes(sync=True)


class FeedStalled(HubCallError):
    """The hub said "more" but its cursor did not move: the cycle stops instead of looping."""

    def __init__(self, where: str) -> None:
        super().__init__(502, None, f"the hub's {where} did not advance; pull stopped")


@dataclass
class PullReport:
    decisions: list[str] = field(default_factory=list)  # receipt numbers whose result is ready
    calendar_changed: bool = False
    refetched: bool = False
    resent: list[str] = field(default_factory=list)  # package ids the hub no longer had


def _decision(d: p.Decision) -> DecisionData:
    granted = d.outcome is p.Outcome.GRANTED
    return DecisionData(
        version=d.version,
        granted=granted,
        kind=d.kind.value if d.kind else None,
        number=d.number,
        decided_on=d.date,
        reason=d.reason,
        # The committee's reason in each language, when the hub sends both; a hub that sends
        # only `reason` leaves them None.
        reason_kk=d.reason_kk,
        reason_ru=d.reason_ru,
    )


def _mark_received(session: Session, package_id: str) -> Changes:
    package = session.get(Package, package_id)
    if package is None:
        return NOTHING
    package.status = advance_along_push(package.status, PackageStatus.RECEIVED).value
    return Changes(packages=frozenset({package_id}))


def _apply_override(session: Session, override: p.CalendarOverride) -> Changes:
    if override.kind is p.CalendarDay.STANDARD:
        return remove_override(session=session, day=override.date, actor=HUB)
    return put_override(
        session=session,
        day=override.date,
        kind=OverrideKind(override.kind.value),
        note=override.note,
        actor=HUB,
    )


def _apply(session: Session, change, report: PullReport) -> Changes:
    if isinstance(change, p.PackageReceivedChange):
        return _mark_received(session, str(change.package_uuid))
    if isinstance(change, p.DecisionChange):
        d = change.decision
        applied = apply_decision(
            session=session, package_id=str(d.package_uuid), decision=_decision(d), actor=HUB
        )
        if applied:
            report.decisions.append(d.receipt_no)
        return applied
    if isinstance(change, p.CalendarOverrideChange):
        report.calendar_changed = True
        return _apply_override(session, change.override)
    return NOTHING


def _finish_calendar(session: Session, catalog: Catalog, report: PullReport) -> Changes:
    if not report.calendar_changed:
        return NOTHING
    calendar = load_calendar(session=session)
    return recompute_result_dates(
        session=session, catalog=catalog, calendar=calendar, actor=HUB
    ).changes


def _apply_state_page(
    s: Session,
    page: p.BranchState,
    first: bool,
    cursor: str,
    on_hub: set[str],
    catalog: Catalog,
    report: PullReport,
) -> Changes:
    changes = SYNC
    state.remember_status_page(s, page.status_page_url)
    if first:
        for override in page.calendar_overrides:
            changes = changes | _apply_override(s, override)
        report.calendar_changed = report.calendar_changed or bool(page.calendar_overrides)
    for pkg in page.packages:
        if pkg.status is p.PackageStatus.RECEIVED:
            changes = changes | _mark_received(s, str(pkg.package_uuid))
        if pkg.decision is not None:
            applied = apply_decision(
                session=s,
                package_id=str(pkg.package_uuid),
                decision=_decision(pkg.decision),
                actor=HUB,
            )
            if applied:
                report.decisions.append(pkg.receipt_no)
            changes = changes | applied
    if not page.has_more:
        report.resent = _send_again_what_the_hub_lacks(s, on_hub)
        if report.resent:
            changes = changes | Changes(outbox=True)
        state.put(s, state.CURSOR, cursor)
        changes = changes | _finish_calendar(s, catalog, report)
    return changes


def refetch(*, db: Database, client: HubClient, catalog: Catalog, report: PullReport) -> None:
    """The hub no longer honours our cursor: re-read the state of the branch's packages."""
    report.refetched = True
    after, cursor = None, None
    on_hub: set[str] = set()
    while True:
        page = client.state(after=after, limit=PAGE)
        cursor = cursor or page.cursor
        on_hub.update(str(pkg.package_uuid) for pkg in page.packages)
        first = after is None
        db.write(
            lambda s, page=page, first=first, cursor=cursor: _apply_state_page(
                s, page, first, cursor, on_hub, catalog, report
            )
        )
        if not page.has_more:
            return
        if page.next_after is None or page.next_after == after:
            raise FeedStalled("state page")
        after = page.next_after


def _send_again_what_the_hub_lacks(session: Session, on_hub: set[str]) -> list[str]:
    """A hub restored from a backup lacks what was sent after the backup: back to the outbox
    (the push is idempotent, so a package the hub does hold is never duplicated)."""
    resent = []
    for item in session.scalars(select(OutboxItem).where(OutboxItem.state == DONE)):
        if item.package_id not in on_hub:
            item.state, item.attempts, item.next_attempt_at = PENDING, 0, None
            item.last_error = None
            resent.append(item.package_id)
    return resent


def _apply_changes_page(
    s: Session, page: p.ChangesPage, catalog: Catalog, report: PullReport
) -> Changes:
    changes = SYNC
    state.remember_status_page(s, page.status_page_url)
    for change in page.changes:
        changes = changes | _apply(s, change, report)
    state.put(s, state.CURSOR, page.next_cursor)
    if not page.has_more:
        changes = changes | _finish_calendar(s, catalog, report)
    return changes


def pull_changes(*, db: Database, client: HubClient, catalog: Catalog) -> PullReport:
    report = PullReport()
    cursor = db.read(lambda s: state.get(s, state.CURSOR))
    while True:
        try:
            page = client.changes(after=cursor, limit=PAGE)
        except HubCallError as err:
            if err.handling is p.Handling.REFETCH:
                refetch(db=db, client=client, catalog=catalog, report=report)
                return report
            raise
        db.write(lambda s, page=page: _apply_changes_page(s, page, catalog, report))
        previous, cursor = cursor, page.next_cursor
        if not page.has_more:
            return report
        if page.next_cursor == previous:
            raise FeedStalled("change-feed cursor")
