"""The change log every desk pulls from, in commit order.

Each writing transaction calls `append_change`, which bumps the single
`change_sequence` row. That row stays locked until the transaction ends (a row
lock on PostgreSQL, the database write lock under SQLite's BEGIN IMMEDIATE), so a
later sequence number can never commit before an earlier one and a cursor never
skips a row (docs/sync.md, "Pull: the committee's decisions come back").

A cursor is `<hub epoch>.<seq>`. It is refused with 410 `must_refetch` when the
epoch is not the hub's (a restored backup), when it lies below the retention
horizon (pruned), or beyond the last sequence number (the hub went back in time).
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

from sqlalchemy import ScalarSelect, bindparam, delete, func, insert, or_, select, true, update
from sqlalchemy.orm import Session

from ozq_hub.models import ChangeLogRow, ChangeSequence, HubMeta
from ozq_hub.refusals import Refusal
from ozq_hub.service import device_row
from ozq_wire.protocol import ChangesPage, ErrorCode

PACKAGE_RECEIVED = "package_received"
DECISION = "decision"
CALENDAR_OVERRIDE = "calendar_override"


_BUMP = (
    update(ChangeSequence.__table__)
    .where(ChangeSequence.__table__.c.id == 1)
    .values(last_seq=ChangeSequence.__table__.c.last_seq + 1)
    .returning(ChangeSequence.__table__.c.last_seq)
)
_APPEND = insert(ChangeLogRow.__table__)


def hub_meta(session: Session) -> HubMeta:
    meta = session.get(HubMeta, 1)
    if meta is None:
        raise RuntimeError("the hub database is not migrated: run `ozq-hub migrate`")
    return meta


def encode_cursor(epoch: str, seq: int) -> str:
    return f"{epoch}.{seq}"


def parse_cursor(cursor: str) -> tuple[str, int]:
    epoch, _, seq = cursor.partition(".")
    # ASCII digits only: "²" passes str.isdigit() and then fails int().
    if not epoch or not re.fullmatch(r"[0-9]{1,18}", seq) or len(cursor) > 100:
        raise Refusal(ErrorCode.CURSOR_INVALID, "the cursor is not one this hub issues")
    return epoch, int(seq)


def last_seq(session: Session) -> int:
    return session.execute(
        select(ChangeSequence.last_seq).where(ChangeSequence.id == 1)
    ).scalar_one()


def append_change(
    session: Session,
    *,
    kind: str,
    branch_code: str | None,
    payload: dict[str, Any],
    now: dt.datetime,
    package_uuid: uuid.UUID | None = None,
) -> int:
    """Take the next sequence number and write the change row. Call it last in the
    transaction: the sequence row stays locked until the commit, so every statement after
    it makes every other writer wait."""
    connection = session.connection()
    seq = connection.execute(_BUMP).scalar_one()
    connection.execute(
        _APPEND,
        {
            "seq": seq,
            "branch_code": branch_code,
            "kind": kind,
            "package_uuid": package_uuid,
            "payload": {**payload, "kind": kind},
            "committed_at": now,
        },
    )
    return seq


def _must_refetch(reason: str) -> Refusal:
    return Refusal(ErrorCode.MUST_REFETCH, f"{reason}: read GET state and start again")


_META = HubMeta.__table__
_SEQUENCE = ChangeSequence.__table__
_LOG = ChangeLogRow.__table__

# Statements built once (building one and its cache key costs more than running it).
_POSITION = (
    select(_META.c.epoch, _META.c.horizon_seq, _SEQUENCE.c.last_seq)
    .select_from(_META.join(_SEQUENCE, true()))
    .where(_META.c.id == 1, _SEQUENCE.c.id == 1)
)


def _newest(condition) -> ScalarSelect:
    return select(func.coalesce(func.max(_LOG.c.seq), 0)).where(condition).scalar_subquery()


# The cheap check an idle poll answers from: the feed's position and the newest change
# for the branch and for every branch, each one step down the (branch_code, seq) index.
_POLL_POSITION = (
    select(
        _META.c.epoch,
        _META.c.horizon_seq,
        _SEQUENCE.c.last_seq,
        _newest(_LOG.c.branch_code == bindparam("branch_code")).label("branch_seq"),
        _newest(_LOG.c.branch_code.is_(None)).label("everyone_seq"),
    )
    .select_from(_META.join(_SEQUENCE, true()))
    .where(_META.c.id == 1, _SEQUENCE.c.id == 1)
)
_PAGE = (
    select(_LOG.c.seq, _LOG.c.payload)
    .where(
        _LOG.c.seq > bindparam("start"),
        _LOG.c.seq <= bindparam("high"),
        or_(_LOG.c.branch_code == bindparam("branch_code"), _LOG.c.branch_code.is_(None)),
    )
    .order_by(_LOG.c.seq)
    .limit(bindparam("limit"))
)


def _feed_position(session: Session) -> tuple[str, int, int]:
    """Epoch, retention horizon and last sequence number, read in one statement."""
    epoch, horizon, high = session.connection().execute(_POSITION).one()
    return epoch, horizon, high


def _start(after: str | None, epoch: str, horizon: int, high: int) -> int:
    if after is None:
        if horizon > 0:
            raise _must_refetch("the change log was pruned")
        return 0
    cursor_epoch, start = parse_cursor(after)
    if cursor_epoch != epoch:
        raise _must_refetch("the cursor is from another hub epoch")
    if start < horizon:
        raise _must_refetch("the cursor is older than the retention horizon")
    if start > high:
        raise _must_refetch("the cursor is ahead of the hub")
    return start


_DEVICE = device_row.DEVICE
_BRANCH = device_row.BRANCH
# A desk's poll in one statement: the device its token names (`device_row`'s columns,
# checked by `enrolment.identity_from_row`) and the feed's position for the device's
# branch. The common idle poll is then one round trip in all.
_POLL_AS_DEVICE = (
    select(
        *device_row.IDENTITY_COLUMNS,
        _META.c.epoch,
        _META.c.horizon_seq,
        _SEQUENCE.c.last_seq,
        _newest(_LOG.c.branch_code == _DEVICE.c.branch_code).label("branch_seq"),
        _newest(_LOG.c.branch_code.is_(None)).label("everyone_seq"),
    )
    .select_from(
        _DEVICE.join(_BRANCH, _BRANCH.c.code == _DEVICE.c.branch_code)
        .join(_META, true())
        .join(_SEQUENCE, true())
    )
    .where(_DEVICE.c.token_hash == bindparam("token_hash"), _META.c.id == 1, _SEQUENCE.c.id == 1)
)


def poll_position_as_device(session: Session, token_hash: str):
    """The device row and the feed's position for its branch (see `_POLL_AS_DEVICE`);
    None when no device holds the token."""
    return session.connection().execute(_POLL_AS_DEVICE, {"token_hash": token_hash}).one_or_none()


def read_changes_json(
    session: Session, *, branch_code: str, after: str | None, limit: int
) -> dict[str, Any]:
    """One page of the branch's feed (and the changes for every branch) after `after`,
    as the JSON-ready form of `ChangesPage` (the hot path skips re-validating it).

    A poll with nothing new is answered from one statement (the feed's position and the
    newest change for the branch), without reading the log."""
    position = session.connection().execute(_POLL_POSITION, {"branch_code": branch_code}).one()
    return page_after(session, position, branch_code=branch_code, after=after, limit=limit)


def page_after(
    session: Session, position, *, branch_code: str, after: str | None, limit: int
) -> dict[str, Any]:
    """The page `read_changes_json` answers, from a position already read (epoch,
    horizon_seq, last_seq, branch_seq, everyone_seq)."""
    epoch, horizon, high = position.epoch, position.horizon_seq, position.last_seq
    start = _start(after, epoch, horizon, high)  # seqs up to `high` are all committed
    if start >= max(position.branch_seq, position.everyone_seq):
        return {"changes": [], "next_cursor": encode_cursor(epoch, high), "has_more": False}
    rows = (
        session.connection()
        .execute(
            _PAGE, {"start": start, "high": high, "branch_code": branch_code, "limit": limit + 1}
        )
        .all()
    )
    has_more = len(rows) > limit
    rows = rows[:limit]
    next_seq = rows[-1].seq if has_more else high
    return {
        "changes": [{**row.payload, "seq": row.seq} for row in rows],
        "next_cursor": encode_cursor(epoch, next_seq),
        "has_more": has_more,
    }


def read_changes(
    session: Session, *, branch_code: str, after: str | None, limit: int
) -> ChangesPage:
    return ChangesPage.model_validate(
        read_changes_json(session, branch_code=branch_code, after=after, limit=limit)
    )


def current_epoch(session: Session) -> str:
    return _feed_position(session)[0]


def current_cursor(session: Session) -> str:
    epoch, _, high = _feed_position(session)
    return encode_cursor(epoch, high)


def prune_changes(session: Session, *, older_than: dt.datetime) -> int:
    """Delete change rows committed before `older_than`; their cursors become must-refetch."""
    newest_old = session.execute(
        select(func.max(ChangeLogRow.seq)).where(ChangeLogRow.committed_at < older_than)
    ).scalar_one()
    if newest_old is None:
        return 0
    table = ChangeLogRow.__table__
    deleted = session.execute(delete(table).where(table.c.seq <= newest_old)).rowcount
    meta = hub_meta(session)
    meta.horizon_seq = max(meta.horizon_seq, newest_old)
    return deleted


def new_epoch(session: Session) -> str:
    """After restoring a backup: every cursor a desk holds becomes must-refetch."""
    meta = hub_meta(session)
    meta.epoch = uuid.uuid4().hex
    return meta.epoch
