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


def reveal_sheet(
    *, factory: sessionmaker[Session], actor: User, keys: DeskKeys, purpose: str = "menu"
) -> RevealedSheet:
    """The sheet for the supervisor `actor` (`purpose`: "first_run" or "menu"). The code is
    made on first use (argon2id: a fraction of a second, outside the write lock); the showing
    is recorded, then the sheet is returned."""
    require_role(actor, Role.SUPERVISOR)
    sheet = recovery.sheet(keys.folder, keys.data_key)
    with transaction(factory) as session:
        audit.record(
            session=session,
            action="recovery_sheet_shown",
            user_id=actor.id,
            object_id=sheet.key_id,
            details={"purpose": purpose},
        )
        desk = branch(session=session)
    return RevealedSheet(sheet, desk, actor.full_name, keys.folder)
