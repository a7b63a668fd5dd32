"""Pull: the committee's decisions and the hub's calendar overrides come back through the
branch's change feed. Each page is applied and its cursor stored in one local transaction;
a replay is harmless (decisions are kept by version, overrides by day). Each page is one
unit of work on a `Database` and says what it changed (docs/sync.md, "Pull")."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from ozq_desktop.domain.calendar_store import load_calendar, put_override, remove_override
from ozq_desktop.domain.changes import NOTHING, Changes, Database
from ozq_desktop.domain.deadlines import recompute_result_dates
from ozq_desktop.domain.handover import DecisionData, apply_decision
from ozq_desktop.domain.lifecycle import PackageStatus, advance_along_push
from ozq_desktop.models import Package
from ozq_desktop.sync import state
from ozq_desktop.sync.client import HubCallError, HubClient
from ozq_wire import protocol as p
from ozq_wire.calendar import OverrideKind
from ozq_wire.catalog import Catalog

PAGE = 200


@dataclass
class PullReport:
    decisions: list[str] = field(default_factory=list)  # receipt numbers whose result is ready
    calendar_changed: bool = False
    refetched: bool = False


def _decision(d: p.Decision) -> DecisionData:
    granted = d.outcome is p.Outcome.GRANTED
    return DecisionData(
        version=d.version,
        granted=granted,
        kind=d.kind.value if d.kind else None,
        number=d.number,
        decided_on=d.date,
        reason=d.reason,
    )


def _mark_received(session: Session, package_id: str) -> Changes:
    package = session.get(Package, package_id)
    if package is None:
        return NOTHING
    package.status = advance_along_push(package.status, PackageStatus.RECEIVED).value
    return Changes(packages=frozenset({package_id}))


def _apply_override(session: Session, override: p.CalendarOverride) -> Changes:
    if override.kind is p.CalendarDay.STANDARD:
        return remove_override(session=session, day=override.date)
    return put_override(
        session=session,
        day=override.date,
        kind=OverrideKind(override.kind.value),
        note=override.note,
        source="hub",
    )


def _apply(session: Session, change, report: PullReport) -> Changes:
    if isinstance(change, p.PackageReceivedChange):
        return _mark_received(session, str(change.package_uuid))
    if isinstance(change, p.DecisionChange):
        d = change.decision
        applied = apply_decision(
            session=session, package_id=str(d.package_uuid), decision=_decision(d)
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
    return recompute_result_dates(session=session, catalog=catalog, calendar=calendar).changes


def _apply_state_page(
    s: Session, page: p.BranchState, first: bool, cursor: str, catalog: Catalog, report: PullReport
) -> Changes:
    changes = Changes(sync=True)
    if first:
        for override in page.calendar_overrides:
            changes = changes | _apply_override(s, override)
        report.calendar_changed = report.calendar_changed or bool(page.calendar_overrides)
    for pkg in page.packages:
        if pkg.status is p.PackageStatus.RECEIVED:
            changes = changes | _mark_received(s, str(pkg.package_uuid))
        if pkg.decision is not None:
            applied = apply_decision(
                session=s, package_id=str(pkg.package_uuid), decision=_decision(pkg.decision)
            )
            if applied:
                report.decisions.append(pkg.receipt_no)
            changes = changes | applied
    if not page.has_more:
        state.put(s, state.CURSOR, cursor)
        changes = changes | _finish_calendar(s, catalog, report)
    return changes


def refetch(*, db: Database, client: HubClient, catalog: Catalog, report: PullReport) -> None:
    """The hub no longer honours our cursor: re-read the state of the branch's packages."""
    report.refetched = True
    after, cursor = None, None
    while True:
        page = client.state(after=after, limit=PAGE)
        cursor = cursor or page.cursor
        first = after is None
        db.write(
            lambda s, page=page, first=first, cursor=cursor: _apply_state_page(
                s, page, first, cursor, catalog, report
            )
        )
        if not page.has_more:
            return
        after = page.next_after


def _apply_changes_page(
    s: Session, page: p.ChangesPage, catalog: Catalog, report: PullReport
) -> Changes:
    changes = Changes(sync=True)
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
        cursor = page.next_cursor
        if not page.has_more:
            return report
