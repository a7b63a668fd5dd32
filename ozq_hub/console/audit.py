"""The hub's own audit trail: who signed in, viewed a package or a scan, saved a review,
decided, or changed users, branches or the calendar. Written in the same transaction as
the change it records; a view is written in its own short transaction."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ozq_hub.models import HubAuditRow


def record(
    session: Session,
    *,
    action: str,
    now: dt.datetime,
    user_id: int | None,
    user_login: str,
    address: str = "",
    package_uuid: uuid.UUID | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    session.add(
        HubAuditRow(
            at=now,
            user_id=user_id,
            user_login=user_login[:64],
            action=action,
            package_uuid=package_uuid,
            address=address[:64],
            details=details or {},
        )
    )
    session.flush()


def for_package(session: Session, package_uuid: uuid.UUID, limit: int = 200) -> list[HubAuditRow]:
    return list(
        session.execute(
            select(HubAuditRow)
            .where(HubAuditRow.package_uuid == package_uuid)
            .order_by(HubAuditRow.id.desc())
            .limit(limit)
        ).scalars()
    )


def recent(session: Session, limit: int = 200) -> list[HubAuditRow]:
    return list(
        session.execute(select(HubAuditRow).order_by(HubAuditRow.id.desc()).limit(limit)).scalars()
    )
