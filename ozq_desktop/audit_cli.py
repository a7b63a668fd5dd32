"""`ozq-desktop audit verify`: check the desk's audit trail from the command line, Qt-free.

It checks the chain (each row's hash, its link to the row before, the numbering from 1 with no
gap) and the chain against the last head the hub acknowledged: the row at that number must be
the acknowledged one, and the trail must not end before it. It says up to which row the hub
vouches for the trail. A desk that has not synced since a tampering can only be checked up to
its last acknowledged head: rows written since can be rewritten by whoever holds the data key,
and only the next sync (which the hub refuses) shows it.

Exit 0 when the trail is whole; 1 when it was altered; 2 when the database cannot be opened."""

from __future__ import annotations

import sys
from pathlib import Path

from ozq_desktop.domain.audit import TrailCheck, check_trail
from ozq_desktop.errors import OzqError
from ozq_desktop.i18n import current_language, tr
from ozq_desktop.paths import data_dir
from ozq_desktop.storage.encryption import open_database
from ozq_desktop.storage.engine import make_session_factory, reading


def report_lines(check: TrailCheck, lang: str) -> list[str]:
    lines: list[str] = []
    if check.broken_at is not None:
        lines.append(
            tr(
                "The audit trail was altered: row {row} was edited, or a row before it was "
                "deleted.",
                lang,
                row=check.broken_at,
            )
        )
    if check.behind:
        lines.append(
            tr(
                "The audit trail was altered: it ends at row {last}, but the hub acknowledged "
                "rows up to {acknowledged}. Rows were removed.",
                lang,
                last=check.head.seq,
                acknowledged=check.acknowledged.seq if check.acknowledged else 0,
            )
        )
    if check.differs:
        lines.append(
            tr(
                "The audit trail was altered: row {row} is not the row the hub acknowledged. "
                "Rows up to it were rewritten.",
                lang,
                row=check.acknowledged.seq if check.acknowledged else 0,
            )
        )
    if check.whole:
        lines.append(tr("The audit trail is whole: {rows} rows checked.", lang, rows=check.rows))
    if check.vouched_up_to:
        lines.append(
            tr(
                "The hub vouches for rows 1 to {seq} (acknowledged {at}). Rows after {seq} were "
                "written since the last sync: they are checked against the hub at the next one.",
                lang,
                seq=check.vouched_up_to,
                at=check.acknowledged_at[:19].replace("T", " "),
            )
        )
    elif check.acknowledged is None:
        lines.append(
            tr(
                "No row has been acknowledged by the hub yet: the trail can only be checked "
                "for consistency, and whoever holds this computer's data key could rewrite it "
                "whole.",
                lang,
            )
        )
    lines.append(
        tr(
            "Note: a desk that has not synced since a tampering can only be checked up to its "
            "last acknowledged head.",
            lang,
        )
    )
    return lines


def verify(folder: Path | None = None, lang: str | None = None) -> int:
    lang = lang or current_language()
    try:
        opened = open_database(folder or data_dir())
    except OzqError as err:
        print(err.message(lang), file=sys.stderr)
        return 2
    try:
        with reading(make_session_factory(opened.engine)) as session:
            check = check_trail(session=session)
    finally:
        opened.engine.dispose()
    for line in report_lines(check, lang):
        print(line)
    return 0 if check.whole else 1
