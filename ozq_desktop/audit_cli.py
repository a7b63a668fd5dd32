"""`ozq-desktop audit verify`: check the desk's audit chain from the command line, Qt-free.

Exit 0 when the chain is whole; 1 naming the first row that was edited, or that follows a
deleted one; 2 when the database cannot be opened."""

from __future__ import annotations

import sys
from pathlib import Path

from ozq_desktop.domain.audit import verify_chain
from ozq_desktop.errors import OzqError
from ozq_desktop.i18n import current_language, tr
from ozq_desktop.paths import data_dir
from ozq_desktop.storage.encryption import open_database
from ozq_desktop.storage.engine import make_session_factory, reading


def verify(folder: Path | None = None, lang: str | None = None) -> int:
    lang = lang or current_language()
    try:
        opened = open_database(folder or data_dir())
    except OzqError as err:
        print(err.message(lang), file=sys.stderr)
        return 2
    try:
        with reading(make_session_factory(opened.engine)) as session:
            from sqlalchemy import func, select

            from ozq_desktop.models import AuditRow

            rows = session.scalar(select(func.count()).select_from(AuditRow)) or 0
            broken = verify_chain(session=session)
    finally:
        opened.engine.dispose()
    if broken is None:
        print(tr("The audit trail is whole: {rows} rows checked.", lang, rows=rows))
        return 0
    print(
        tr(
            "The audit trail was altered: row {row} was edited, or a row before it was deleted.",
            lang,
            row=broken,
        )
    )
    return 1
