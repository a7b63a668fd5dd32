"""Finding 5 (medium): roles on every domain write. `put_override` and `remove_override` (the
working calendar) and `SyncEngine.enrol` took no actor: a clerk moved a package's result date
through the domain API. Every write function now takes the acting user and checks the role;
writes that come from the hub's change feed name the hub as their actor."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from ozq_desktop.domain import accounts, deadlines, drafts, handover
from ozq_desktop.domain.acceptance import accept_package
from ozq_desktop.domain.calendar_store import load_calendar, put_override, remove_override
from ozq_desktop.errors import AuthorizationError
from ozq_desktop.models import CalendarOverrideRow, Draft, OutboxItem, Package
from ozq_desktop.storage.engine import reading, transaction
from ozq_wire.calendar import OverrideKind
from ozq_wire.catalog import load_catalog
from tests.domain.helpers import VALID_BIN, draft_for
from tests.signing.pki import sign_draft

CATALOG = load_catalog()
MONDAY = datetime(2026, 11, 23, 10, 0)


def accept(desk) -> Package:
    draft = draft_for(
        "declaration-registration",
        "legal_entity",
        VALID_BIN,
        ["application", "declaration", "expert_conclusion"],
    )
    with transaction(desk["factory"]) as s:
        result = accept_package(
            session=s,
            catalog=CATALOG,
            draft=draft,
            clerk=desk["clerk"],
            at=MONDAY,
            signature=sign_draft(draft),
        )
    with reading(desk["factory"]) as s:
        return s.get(Package, result.package_id)


def result_date(desk, package_id: str) -> date:
    with reading(desk["factory"]) as s:
        return s.get(Package, package_id).result_date


def test_a_clerk_cannot_move_a_result_date_through_the_domain_api(desk):
    package = accept(desk)
    due = package.result_date
    with pytest.raises(AuthorizationError), transaction(desk["factory"]) as s:
        put_override(session=s, day=due, kind=OverrideKind.DAY_OFF, note="", actor=desk["clerk"])
    with pytest.raises(AuthorizationError), transaction(desk["factory"]) as s:
        deadlines.recompute_result_dates(
            session=s, catalog=CATALOG, calendar=load_calendar(session=s), actor=desk["clerk"]
        )
    assert result_date(desk, package.id) == due
    with reading(desk["factory"]) as s:
        assert s.get(CalendarOverrideRow, due) is None


def test_the_supervisor_can_and_the_hub_feed_can(desk):
    package = accept(desk)
    due = package.result_date
    with transaction(desk["factory"]) as s:
        put_override(
            session=s, day=due, kind=OverrideKind.DAY_OFF, note="", actor=desk["supervisor"]
        )
        moved = deadlines.recompute_result_dates(
            session=s, catalog=CATALOG, calendar=load_calendar(session=s), actor=desk["supervisor"]
        )
    assert moved == 1 and result_date(desk, package.id) != due
    with transaction(desk["factory"]) as s:
        remove_override(session=s, day=due, actor=accounts.HUB)


@pytest.mark.parametrize("actor", ["clerk", None])
def test_no_one_but_the_supervisor_removes_an_override(desk, actor):
    with transaction(desk["factory"]) as s:
        put_override(
            session=s,
            day=date(2026, 12, 1),
            kind=OverrideKind.DAY_OFF,
            note="decree",
            actor=desk["supervisor"],
        )
    with pytest.raises(AuthorizationError), transaction(desk["factory"]) as s:
        remove_override(session=s, day=date(2026, 12, 1), actor=desk.get(actor) if actor else None)
    with reading(desk["factory"]) as s:
        assert s.get(CalendarOverrideRow, date(2026, 12, 1)) is not None


def test_a_clerk_cannot_write_a_committee_decision(desk):
    package = accept(desk)
    decision = handover.DecisionData(version=1, granted=False, reason="forged")
    with pytest.raises(AuthorizationError), transaction(desk["factory"]) as s:
        handover.apply_decision(
            session=s, package_id=package.id, decision=decision, actor=desk["clerk"]
        )
    with transaction(desk["factory"]) as s:
        assert handover.apply_decision(
            session=s, package_id=package.id, decision=decision, actor=accounts.HUB
        )


def test_a_clerk_cannot_enrol_the_desk(desk, memory_keyring):
    from ozq_desktop.storage.scans import ScanStore
    from ozq_desktop.sync.engine import SyncEngine

    engine = SyncEngine(factory=desk["factory"], store=ScanStore(desk_tmp()), catalog=CATALOG)
    with pytest.raises(AuthorizationError):
        # An address where nothing listens: refused before any network call.
        engine.enrol(
            hub_url="http://127.0.0.1:9", code="ABCD-EFGH", desk_code="D1", actor=desk["clerk"]
        )
    assert memory_keyring.secrets == {}


def desk_tmp():
    import tempfile
    from pathlib import Path

    return Path(tempfile.mkdtemp(prefix="ozq-scans-"))


def test_drafts_are_their_owners(desk):
    draft = draft_for("attestation", "legal_entity", VALID_BIN, ["application"])
    with transaction(desk["factory"]) as s:
        drafts.save_draft(session=s, actor=desk["clerk"], draft=draft)
    with pytest.raises(AuthorizationError), transaction(desk["factory"]) as s:
        drafts.save_draft(session=s, actor=desk["supervisor"], draft=draft)
    with pytest.raises(AuthorizationError), transaction(desk["factory"]) as s:
        drafts.discard_draft(session=s, actor=desk["supervisor"], draft_id=draft.id)
    with transaction(desk["factory"]) as s:
        drafts.discard_draft(session=s, actor=desk["clerk"], draft_id=draft.id)
    with reading(desk["factory"]) as s:
        assert s.get(Draft, draft.id) is None


def test_a_deactivated_user_cannot_retry_sending_nor_choose_a_signing_key(desk):
    from ozq_desktop.sync.push import FAILED, retry_failed

    package = accept(desk)
    with transaction(desk["factory"]) as s:
        s.get(OutboxItem, 1).state = FAILED
        accounts.deactivate_user(session=s, actor=desk["supervisor"], user_id=desk["clerk"].id)
        clerk = s.get(type(desk["clerk"]), desk["clerk"].id)
    with pytest.raises(AuthorizationError), transaction(desk["factory"]) as s:
        retry_failed(session=s, package_id=package.id, actor=clerk)
    with pytest.raises(AuthorizationError), transaction(desk["factory"]) as s:
        accounts.set_signing(session=s, user=clerk, kind="ncalayer", key_path=None)
    with transaction(desk["factory"]) as s:
        retry_failed(session=s, package_id=package.id, actor=desk["supervisor"])


def _writes(desk):
    """Every domain write that takes an actor, with arguments valid but for the actor."""
    from ozq_desktop.domain import calendar_change, complaints, registers
    from ozq_desktop.domain.recovery import DeskKeys, prepare_sheet

    day = date(2026, 11, 25)
    clerk_id = desk["clerk"].id
    new_user = accounts.NewUser("someone", "Someone", "password12", accounts.Role.CLERK)
    complaint = complaints.NewComplaint("Ш-1", day, "A", "B", "C")
    return {
        "create_user": lambda s, a: accounts.create_user(session=s, actor=a, new=new_user),
        "reset_password": lambda s, a: accounts.reset_password(
            session=s, actor=a, user_id=clerk_id, password="another-pass1"
        ),
        "deactivate_user": lambda s, a: accounts.deactivate_user(
            session=s, actor=a, user_id=clerk_id
        ),
        "set_lock_minutes": lambda s, a: accounts.set_lock_minutes(session=s, actor=a, minutes=5),
        "register_complaint": lambda s, a: complaints.register_complaint(
            session=s, actor=a, calendar=load_calendar(session=s), new=complaint
        ),
        "close_day": lambda s, a: registers.close_day(
            session=s, actor=a, day=day, at=datetime(2026, 11, 25, 19)
        ),
        "put_override": lambda s, a: put_override(
            session=s, day=day, kind=OverrideKind.DAY_OFF, note="", actor=a
        ),
        "remove_override": lambda s, a: remove_override(session=s, day=day, actor=a),
        "recompute_result_dates": lambda s, a: deadlines.recompute_result_dates(
            session=s, catalog=CATALOG, calendar=load_calendar(session=s), actor=a
        ),
        "recovery_sheet": lambda s, a: prepare_sheet(actor=a, keys=DeskKeys(desk_tmp(), bytes(32))),
        "set_training": lambda s, a: accounts.set_training(session=s, actor=a, on=True),
        "set_branch_in_russian": lambda s, a: accounts.set_branch_in_russian(
            session=s, actor=a, branch_name_ru="Филиал", address_ru="г. Алматы"
        ),
        "calendar_change": lambda s, a: calendar_change.apply(
            session=s,
            catalog=CATALOG,
            change=calendar_change.CalendarChange(day, OverrideKind.DAY_OFF),
            actor=a,
        ),
    }


SUPERVISOR_WRITES = (
    "create_user",
    "reset_password",
    "deactivate_user",
    "set_lock_minutes",
    "register_complaint",
    "close_day",
    "put_override",
    "remove_override",
    "recompute_result_dates",
    "recovery_sheet",
    "set_training",
    "set_branch_in_russian",
    "calendar_change",
)
HUB_MAY = {"put_override", "remove_override", "recompute_result_dates"}  # the calendar feed


@pytest.mark.parametrize(
    ("name", "who"),
    [
        (name, who)
        for name in SUPERVISOR_WRITES
        for who in ("clerk", "mobile clerk", "nobody", "the hub")
        if not (who == "the hub" and name in HUB_MAY)
    ],
)
def test_every_supervisor_write_refuses_anyone_else(desk, name, who):
    if who == "mobile clerk":
        with transaction(desk["factory"]) as s:
            actor = accounts.create_user(
                session=s,
                actor=desk["supervisor"],
                new=accounts.NewUser("mobile", "Mobile", "password12", accounts.Role.MOBILE_CLERK),
            )
    else:
        actor = {"clerk": desk["clerk"], "nobody": None, "the hub": accounts.HUB}[who]
    with pytest.raises(AuthorizationError), transaction(desk["factory"]) as s:
        _writes(desk)[name](s, actor)


@pytest.mark.parametrize("who", [None, accounts.HUB])
def test_counter_writes_need_a_person(desk, who):
    draft = draft_for(
        "declaration-registration",
        "legal_entity",
        VALID_BIN,
        ["application", "declaration", "expert_conclusion"],
    )
    with pytest.raises(AuthorizationError), transaction(desk["factory"]) as s:
        accept_package(
            session=s,
            catalog=CATALOG,
            draft=draft,
            clerk=who,
            at=MONDAY,
            signature=sign_draft(draft),
        )
    package = accept(desk)
    with pytest.raises(AuthorizationError), transaction(desk["factory"]) as s:
        handover.hand_over(
            session=s,
            clerk=who,
            package_id=package.id,
            recipient=handover.Recipient(full_name="Applicant"),
        )
    with pytest.raises(AuthorizationError), transaction(desk["factory"]) as s:
        drafts.save_draft(session=s, actor=who, draft=draft)
