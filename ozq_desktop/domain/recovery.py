"""The recovery sheet, seen from the rules: only a supervisor may see it, and every showing is
in the audit trail before the code leaves this function (printing is audited as every printed
document is, by `audit.record_printing`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from ozq_desktop.domain import audit
from ozq_desktop.domain.accounts import Role, branch, require_role
from ozq_desktop.models import BranchSettings, User
from ozq_desktop.storage import recovery
from ozq_desktop.storage.engine import transaction

SHEET_DOCUMENT = "recovery_sheet"  # the document name in printing audit rows


@dataclass(frozen=True)
class DeskKeys:
    """Where the desk's data lives and its data key: what the recovery sheet is made from."""

    folder: Path
    data_key: bytes


@dataclass(frozen=True)
class RevealedSheet:
    sheet: recovery.RecoverySheet
    branch: BranchSettings
    shown_to: str
    folder: Path


def prepare_sheet(*, actor: User, keys: DeskKeys) -> recovery.RecoverySheet:
    """The sheet's code for the supervisor `actor`, made on first use (argon2id: a fraction of
    a second; no database lock is held). Not shown yet: `record_shown` comes first."""
    require_role(actor, Role.SUPERVISOR)
    return recovery.sheet(keys.folder, keys.data_key)


def record_shown(
    *,
    session: Session,
    actor: User,
    sheet: recovery.RecoverySheet,
    keys: DeskKeys,
    purpose: str = "menu",
) -> RevealedSheet:
    """The showing in the audit trail (`purpose`: "first_run" or "menu"), in the caller's
    write transaction; then the sheet may be shown."""
    require_role(actor, Role.SUPERVISOR)
    audit.record(
        session=session,
        action="recovery_sheet_shown",
        user_id=actor.id,
        object_id=sheet.key_id,
        details={"purpose": purpose},
    )
    return RevealedSheet(sheet, branch(session=session), actor.full_name, keys.folder)


def reveal_sheet(
    *, factory: sessionmaker[Session], actor: User, keys: DeskKeys, purpose: str = "menu"
) -> RevealedSheet:
    """Both steps, for callers without a task helper (the tests, a command line)."""
    sheet = prepare_sheet(actor=actor, keys=keys)
    with transaction(factory) as session:
        return record_shown(session=session, actor=actor, sheet=sheet, keys=keys, purpose=purpose)
