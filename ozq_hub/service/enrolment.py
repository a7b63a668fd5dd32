"""Enrolment codes, devices and their tokens, committee tokens.

A code is single-use: the UPDATE that spends it only matches an unspent,
unexpired code, so two desks racing with one code cannot both enrol. A lost answer
does not burn it: the same code with the same nonce within ten minutes gets the same
device back, with a fresh token, as long as that device never used its first one.
One active device per branch and desk code; an orphan (enrolled, never seen) expires.
Tokens, codes and nonces are stored only as SHA-256 hashes (`ozq_hub.security`).
"""

from __future__ import annotations

import datetime as dt
import uuid

from pydantic import TypeAdapter
from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ozq_hub.models import Branch, CommitteeToken, Device, EnrolmentCode
from ozq_hub.refusals import Refusal
from ozq_hub.security import new_enrolment_code, new_token, normalise_code, secret_hash
from ozq_hub.service import changelog, device_row
from ozq_hub.service.packages import DeviceIdentity
from ozq_hub.service.sql import insert_or_ignore
from ozq_wire import protocol as p

LAST_SEEN_EVERY = dt.timedelta(minutes=5)


def ensure_branch(session: Session, *, code: str, name: str | None, now: dt.datetime) -> Branch:
    insert_or_ignore(
        session, Branch, {"code": code, "name": name or code, "created_at": now}, key=["code"]
    )
    branch = session.get(Branch, code)
    assert branch is not None
    if name and branch.name != name:
        branch.name = name
    return branch


def issue_enrolment_code(
    session: Session, *, branch_code: str, branch_name: str | None, hours: int, now: dt.datetime
) -> str:
    """A new one-time code for `branch_code` (created if new); shown once, stored hashed.
    The branch code is an identifier as the protocol has it (NFKC, no invisible, bidi,
    zero-width or full-width characters): pydantic's ValidationError otherwise."""
    branch_code = TypeAdapter(p.Code).validate_python(branch_code)
    ensure_branch(session, code=branch_code, name=branch_name, now=now)
    code = new_enrolment_code()
    session.add(
        EnrolmentCode(
            code_hash=secret_hash(normalise_code(code)),
            branch_code=branch_code,
            created_at=now,
            expires_at=now + dt.timedelta(hours=hours),
        )
    )
    session.flush()
    return code


def _refusal(session: Session, code_hash: str) -> Refusal:
    row = session.execute(
        select(EnrolmentCode).where(EnrolmentCode.code_hash == code_hash)
    ).scalar_one_or_none()
    if row is None:
        return Refusal(p.ErrorCode.ENROLMENT_CODE_INVALID, "unknown enrolment code")
    if row.used_at is not None:
        return Refusal(p.ErrorCode.ENROLMENT_CODE_USED, "the enrolment code was used")
    return Refusal(p.ErrorCode.ENROLMENT_CODE_EXPIRED, "the enrolment code has expired")


def _retry(
    session: Session, *, code_hash: str, request: p.EnrolRequest, now: dt.datetime
) -> Device | None:
    """The device a lost answer enrolled: same code, same nonce, same desk code, within
    ENROL_NONCE_MINUTES of the first use, and its token never used."""
    if request.nonce is None:
        return None
    window = dt.timedelta(minutes=p.ENROL_NONCE_MINUTES)
    row = session.execute(
        select(Device)
        .join(EnrolmentCode, EnrolmentCode.device_id == Device.id)
        .where(
            EnrolmentCode.code_hash == code_hash,
            EnrolmentCode.nonce_hash == secret_hash(request.nonce),
            EnrolmentCode.used_at > now - window,
            Device.desk_code == request.desk_code,
            Device.revoked_at.is_(None),
            Device.last_seen_at.is_(None),
        )
    ).scalar_one_or_none()
    return row


def _answer(session: Session, device: Device, token: str) -> p.EnrolResponse:
    branch = session.get(Branch, device.branch_code)
    assert branch is not None
    return p.EnrolResponse(
        device_id=device.id,
        token=token,
        branch_code=branch.code,
        branch_name=branch.name,
        desk_code=device.desk_code,
        hub_epoch=changelog.current_epoch(session),
    )


def expire_orphans(
    session: Session,
    *,
    now: dt.datetime,
    older_than: dt.timedelta,
    branch_code: str | None = None,
    desk_code: str | None = None,
) -> int:
    """Revoke devices enrolled before `now - older_than` that never used their token."""
    statement = update(Device).where(
        Device.revoked_at.is_(None),
        Device.last_seen_at.is_(None),
        Device.enrolled_at < now - older_than,
    )
    if branch_code is not None:
        statement = statement.where(
            Device.branch_code == branch_code, Device.desk_code == desk_code
        )
    return session.execute(statement.values(revoked_at=now)).rowcount


def enrol(session: Session, *, request: p.EnrolRequest, now: dt.datetime) -> p.EnrolResponse:
    code_hash = secret_hash(normalise_code(request.code))
    device_id = uuid.uuid4()
    spent = session.execute(
        update(EnrolmentCode)
        .where(
            EnrolmentCode.code_hash == code_hash,
            EnrolmentCode.used_at.is_(None),
            EnrolmentCode.expires_at > now,
        )
        .values(
            used_at=now,
            device_id=device_id,
            nonce_hash=secret_hash(request.nonce) if request.nonce else None,
        )
        .returning(EnrolmentCode.branch_code)
    ).scalar_one_or_none()
    token = new_token()
    if spent is None:
        retried = _retry(session, code_hash=code_hash, request=request, now=now)
        if retried is None:
            raise _refusal(session, code_hash)
        retried.token_hash = secret_hash(token)  # the lost answer's token is void
        session.flush()
        return _answer(session, retried, token)
    # A desk whose earlier enrolment never came to use its token (an orphan) gives way.
    expire_orphans(
        session,
        now=now,
        older_than=dt.timedelta(minutes=p.ENROL_NONCE_MINUTES),
        branch_code=spent,
        desk_code=request.desk_code,
    )
    holder = session.execute(
        select(Device.id).where(
            Device.branch_code == spent,
            Device.desk_code == request.desk_code,
            Device.revoked_at.is_(None),
        )
    ).first()
    taken = Refusal(
        p.ErrorCode.DESK_CODE_TAKEN,
        f"desk {request.desk_code} of branch {spent} is already enrolled: revoke that device "
        "first (the code was not spent)",
    )
    if holder is not None:
        raise taken
    device = Device(
        id=device_id,
        branch_code=spent,
        desk_code=request.desk_code,
        name=request.device_name,
        token_hash=secret_hash(token),
        enrolled_at=now,
        last_seen_at=None,
    )
    session.add(device)
    try:
        session.flush()
    except IntegrityError as exc:  # a racing enrolment of the same desk won
        raise taken from exc
    return _answer(session, device, token)


_DEVICE = device_row.DEVICE
_BRANCH = device_row.BRANCH
# Built once: constructing a statement and its cache key costs more than running it.
_BY_TOKEN = (
    select(*device_row.IDENTITY_COLUMNS)
    .join_from(_DEVICE, _BRANCH, _BRANCH.c.code == _DEVICE.c.branch_code)
    .where(_DEVICE.c.token_hash == bindparam("token_hash"))
)


def authenticate_device(session: Session, token: str | None) -> tuple[DeviceIdentity, bool]:
    """The device holding `token`, and whether its last-seen stamp is due a refresh."""
    if not token:
        raise Refusal(p.ErrorCode.UNAUTHENTICATED, "a bearer token is required")
    row = session.connection().execute(_BY_TOKEN, {"token_hash": secret_hash(token)}).one_or_none()
    return identity_from_row(row)


def identity_from_row(row) -> tuple[DeviceIdentity, bool]:
    """The device a `_BY_TOKEN` row (or a statement with its columns) describes, and whether
    its last-seen stamp is due a refresh; 401 when there is none or it was revoked."""
    if row is None:
        raise Refusal(p.ErrorCode.UNAUTHENTICATED, "the token is not known")
    if row.revoked_at is not None:
        raise Refusal(p.ErrorCode.REVOKED, "the device was revoked: re-enrolment needed")
    identity = DeviceIdentity(
        id=row.id,
        branch_code=row.branch_code,
        branch_name=row.branch_name,
        desk_code=row.desk_code,
        name=row.name,
        enrolled_at=row.enrolled_at,
    )
    now = dt.datetime.now(dt.UTC)
    stale = row.last_seen_at is None or now - row.last_seen_at > LAST_SEEN_EVERY
    return identity, stale


_MARK_SEEN = (
    update(_DEVICE)
    .where(_DEVICE.c.id == bindparam("device_id"))
    .values(last_seen_at=bindparam("now"))
)


def mark_seen(session: Session, *, device_id: uuid.UUID, now: dt.datetime) -> None:
    session.connection().execute(_MARK_SEEN, {"device_id": device_id, "now": now})


def revoke_device(session: Session, *, device_id: uuid.UUID, now: dt.datetime) -> bool:
    """True when the device existed and was not yet revoked."""
    revoked = session.execute(
        update(Device)
        .where(Device.id == device_id, Device.revoked_at.is_(None))
        .values(revoked_at=now)
        .returning(Device.id)
    ).first()
    return revoked is not None


def list_devices(session: Session, *, branch_code: str | None = None) -> list[Device]:
    statement = select(Device).order_by(Device.branch_code, Device.desk_code, Device.enrolled_at)
    if branch_code:
        statement = statement.where(Device.branch_code == branch_code)
    return list(session.execute(statement).scalars())


def issue_committee_token(session: Session, *, name: str, now: dt.datetime) -> str:
    token = new_token()
    session.add(CommitteeToken(name=name, token_hash=secret_hash(token), created_at=now))
    session.flush()
    return token


_COMMITTEE = CommitteeToken.__table__
_COMMITTEE_KNOWN = select(_COMMITTEE.c.id).where(
    _COMMITTEE.c.token_hash == bindparam("token_hash"), _COMMITTEE.c.revoked_at.is_(None)
)


def committee_token_known(session: Session, token: str) -> bool:
    found = session.connection().execute(_COMMITTEE_KNOWN, {"token_hash": secret_hash(token)})
    return found.first() is not None


def list_committee_tokens(session: Session) -> list[CommitteeToken]:
    return list(session.execute(select(CommitteeToken).order_by(CommitteeToken.id)).scalars())


def revoke_committee_token(session: Session, *, token_id: int, now: dt.datetime) -> bool:
    """True when the token existed and was not yet revoked; it stops working at once."""
    revoked = session.execute(
        update(CommitteeToken)
        .where(CommitteeToken.id == token_id, CommitteeToken.revoked_at.is_(None))
        .values(revoked_at=now)
        .returning(CommitteeToken.id)
    ).first()
    return revoked is not None
