"""Push: an accepted package goes to the hub in three idempotent steps (docs/sync.md):
declare (UUID + manifest), upload each missing blob in resumable chunks, commit.

"Attempting" is recorded before any network call; the package's local state follows the
hub's answers; permanent failures wait in "needs attention" with their reason and are never
deleted or retried forever.

Every database step is one unit of work on a `Database` (domain/changes.py) and says what it
changed; in the app those units run on the task helper's database worker while the network
calls run on a pool worker."""

from __future__ import annotations

import base64
import hashlib
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ozq_desktop.domain import audit
from ozq_desktop.domain.accounts import ANY_ROLE, require_role
from ozq_desktop.domain.changes import Changes, Database, Written
from ozq_desktop.domain.checklist import wire_facts
from ozq_desktop.domain.lifecycle import PackageStatus, advance_along_push
from ozq_desktop.errors import ConflictError, StorageError
from ozq_desktop.models import AuditRow, OutboxItem, Package, PackageFile, User
from ozq_desktop.models.base import now as wall_clock
from ozq_desktop.storage.scans import ScanStore
from ozq_desktop.sync.client import HubCallError, HubClient
from ozq_wire import protocol as p

CHUNK_BYTES = 4 * 1024 * 1024
BACKOFF_BASE = 2.0
BACKOFF_CAP = 15 * 60.0

PENDING, ATTEMPTING, DONE, FAILED = "pending", "attempting", "done", "failed"

# How a permanent failure's reason begins in the outbox (and did in earlier versions): the
# supervisor's dialog says each in the UI language and keeps the rest as the detail.
# A reason that begins with none of them is the hub's refusal: "status code detail".
UPLOAD_STOPPED = "upload stopped: "
SCAN_UNREADABLE = "local scan unreadable: "
SCAN_DAMAGED = "the local copy of {name} is damaged: "


@dataclass(frozen=True)
class PushOutcome:
    package_id: str
    ok: bool
    handling: p.Handling | None = None
    error: str = ""


def backoff_delay(attempts: int, retry_after: float | None, rng: random.Random) -> float:
    """Exponential backoff with full jitter, never sooner than the hub's Retry-After, and never
    later than BACKOFF_CAP (beyond it `due_items` would take the wait for a clock moved back)."""
    ceiling = min(BACKOFF_CAP, BACKOFF_BASE * (2 ** max(0, attempts - 1)))
    delay = rng.uniform(0, ceiling)
    return min(max(delay, retry_after or 0.0), BACKOFF_CAP)


def due_items(*, session: Session, now: datetime, limit: int = 50) -> list[str]:
    """Package ids whose turn has come. An item left "attempting" by a crash is due again, and
    so is one whose next attempt lies beyond any backoff: the desk clock was moved back."""
    horizon = now + timedelta(seconds=BACKOFF_CAP)
    stmt = (
        select(OutboxItem.package_id)
        .where(
            OutboxItem.state.in_((PENDING, ATTEMPTING)),
            or_(
                OutboxItem.next_attempt_at.is_(None),
                OutboxItem.next_attempt_at <= now,
                OutboxItem.next_attempt_at > horizon,
            ),
        )
        .order_by(OutboxItem.id)
        .limit(limit)
    )
    return list(session.scalars(stmt))


def reset_backoff(*, session: Session) -> Changes:
    """The network came back, the app started, or the clerk pressed "Sync now"."""
    for item in session.scalars(select(OutboxItem).where(OutboxItem.state == PENDING)):
        item.next_attempt_at = None
    return Changes(outbox=True)


def package_sizes(*, session: Session, package_ids: list[str]) -> dict[str, int]:
    """The bytes each package's files hold (what a push may send), for the progress shown."""
    stmt = (
        select(PackageFile.package_id, func.coalesce(func.sum(PackageFile.size), 0))
        .where(PackageFile.package_id.in_(package_ids))
        .group_by(PackageFile.package_id)
    )
    sizes = dict.fromkeys(package_ids, 0)
    sizes.update({pid: int(total) for pid, total in session.execute(stmt)})
    return sizes


def _aware(moment: datetime) -> datetime:
    return moment.astimezone() if moment.tzinfo is None else moment


def audit_trail(session: Session, package_id: str) -> list[dict[str, object]]:
    """The package's audit rows, with their chain hashes, to travel with it to the hub."""
    rows = session.scalars(
        select(AuditRow).where(AuditRow.object_id == package_id).order_by(AuditRow.seq)
    )
    return [
        {
            "id": r.id,
            "seq": r.seq,
            "at": r.at.isoformat(),
            "user_id": r.user_id,
            "action": r.action,
            "details": r.details,
            "prev_hash": r.prev_hash,
            "hash": r.hash,
        }
        for r in rows
    ]


def declaration(
    package: Package,
    clerk: User,
    audit_rows: list[dict[str, object]] | None = None,
) -> p.DeclareRequest:
    if package.training:
        # Never reached: a training package gets no outbox row. Said here too, so that no
        # other path can ever declare one to the hub as real.
        raise ConflictError("A training package is never sent to the hub.")
    return p.DeclareRequest(
        package_uuid=UUID(package.id),
        receipt_no=package.receipt_no,
        service_id=package.service_id,
        clerk=p.Clerk(login=clerk.login, full_name=clerk.full_name),
        device_time=_aware(package.accepted_at),
        manifest=[f.entry() for f in package.files],
        manifest_hash=package.manifest_hash,
        metadata={
            "applicant_type": package.applicant_type,
            "applicant_idn": package.applicant_idn,
            "applicant_name": package.applicant_name,
            "place": package.place,
            "result_date": package.result_date.isoformat() if package.result_date else None,
            "promised_date": package.promised_date.isoformat() if package.promised_date else None,
            "accepted_at": package.accepted_at.isoformat(),
            "annex1": package.annex1,
            "representative": package.representative or None,
            "files": [{"name": f.name, "document_code": f.document_code} for f in package.files],
            "audit": audit_rows or [],
            "documents": [wire_facts(d) for d in package.documents],
        },
        supersedes=UUID(package.supersedes_id) if package.supersedes_id else None,
        signature=base64.b64encode(package.signature).decode("ascii")
        if package.signature
        else None,
    )


Sent = Callable[[int], None]  # told how many more bytes of the package are on the hub


class UploadCannotEnd(Exception):
    """The hub's view of a blob cannot be reconciled with the local one: a person must look."""


def _upload(client: HubClient, store: ScanStore, sha256: str, sent: Sent) -> None:
    """Send the blob's missing bytes, telling `sent` of each chunk. Ends: every PATCH must
    move the hub's offset forward, and a hub size or offset that the local blob cannot meet
    is a permanent failure."""
    status = client.upload_status(sha256)
    if status.complete:
        sent(status.size)
        return
    blob = store.read(sha256)  # plain bytes (scans are at most tens of MB)
    if status.size != len(blob):
        raise UploadCannotEnd(
            f"the hub expects {status.size} bytes for {sha256[:12]}, the local scan has "
            f"{len(blob)}: the package lists the scan with a wrong size"
        )
    offset = status.offset
    sent(offset)
    while offset < status.size:
        if not 0 <= offset <= len(blob):
            raise UploadCannotEnd(f"the hub asks for byte {offset} of a {len(blob)}-byte scan")
        try:
            status = client.upload_chunk(sha256, offset, blob[offset : offset + CHUNK_BYTES])
        except HubCallError as err:
            if err.handling is p.Handling.RESUME_UPLOAD and err.offset is not None:
                if err.offset == offset:
                    raise UploadCannotEnd(
                        f"the hub refuses byte {offset} of {sha256[:12]} and asks for it again"
                    ) from err
                offset = err.offset
                continue
            raise
        if status.complete:
            sent(status.size - offset)
            return
        if status.offset <= offset:
            raise UploadCannotEnd(
                f"the hub's offset for {sha256[:12]} stayed at {status.offset} after a chunk "
                f"sent at {offset}: the upload makes no progress"
            )
        sent(status.offset - offset)
        offset = status.offset


def _set_status(package: Package, target: PackageStatus) -> None:
    package.status = advance_along_push(package.status, target).value


def _item(session: Session, package_id: str) -> OutboxItem:
    return session.scalars(select(OutboxItem).where(OutboxItem.package_id == package_id)).one()


def _mark(db: Database, package_id: str, **fields) -> None:
    def mark(s: Session) -> Changes:
        item = _item(s, package_id)
        for key, value in fields.items():
            setattr(item, key, value)
        return Changes(outbox=True)

    db.write(mark)


def _begin_attempt(s: Session, package_id: str) -> Written[int]:
    """Mark before sending: "attempting", and the attempt counted."""
    item = _item(s, package_id)
    item.state, item.attempts = ATTEMPTING, item.attempts + 1
    return Written(item.attempts, Changes(outbox=True))


def _declared(s: Session, package_id: str) -> Changes:
    _set_status(s.get(Package, package_id), PackageStatus.SENT)
    return Changes(packages=frozenset({package_id}))


def _committed(s: Session, package_id: str, committed: p.CommitResponse) -> Changes:
    _set_status(s.get(Package, package_id), PackageStatus.RECEIVED)
    item = _item(s, package_id)
    item.state, item.last_error, item.next_attempt_at = DONE, None, None
    audit.record(
        session=s,
        action="package_synced",
        user_id=None,
        object_id=package_id,
        details={"received_at": committed.received_at.isoformat()},
    )
    return Changes(packages=frozenset({package_id}), outbox=True, audit=True)


def _declaration_of(s: Session, package_id: str) -> p.DeclareRequest:
    package = s.get(Package, package_id)
    return declaration(package, s.get(User, package.clerk_id), audit_trail(s, package_id))


def push_package(
    *,
    db: Database,
    store: ScanStore,
    client: HubClient,
    package_id: str,
    rng: random.Random | None = None,
    sent: Sent | None = None,
) -> PushOutcome:
    """Push one package; `sent(n)` hears of every `n` bytes of it that reach the hub."""
    rng = rng or random.Random()
    sent = sent or (lambda _n: None)
    attempts = db.write(lambda s: _begin_attempt(s, package_id)).value
    request = db.read(lambda s: _declaration_of(s, package_id))
    try:
        declared = client.declare(request)
        db.write(lambda s: _declared(s, package_id))
        for sha in declared.missing_blobs:
            _upload(client, store, sha, sent)
        committed = client.commit(UUID(package_id))
    except HubCallError as err:
        return _failed(db, store, package_id, err, attempts, rng)
    except UploadCannotEnd as err:
        reason = f"{UPLOAD_STOPPED}{err}"
        _mark(db, package_id, state=FAILED, last_error=reason, next_attempt_at=None)
        return PushOutcome(package_id, False, p.Handling.PERMANENT, reason)
    except (OSError, StorageError) as err:  # a scan missing or damaged here: a person must look
        err_text = f"{SCAN_UNREADABLE}{err}"
        _mark(db, package_id, state=FAILED, last_error=err_text, next_attempt_at=None)
        return PushOutcome(package_id, False, p.Handling.PERMANENT, err_text)
    db.write(lambda s: _committed(s, package_id, committed))
    return PushOutcome(package_id, True)


def _local_copy_damaged(db: Database, store: ScanStore, package_id: str) -> str | None:
    """The name of a scan whose stored bytes no longer match their hash, if any."""
    files = db.read(lambda s: [(f.name, f.sha256) for f in s.get(Package, package_id).files])
    for name, sha in files:
        try:
            intact = hashlib.sha256(store.read(sha)).hexdigest() == sha
        except (OSError, StorageError):
            intact = False
        if not intact:
            return name
    return None


def _failed(
    db: Database,
    store: ScanStore,
    package_id: str,
    err: HubCallError,
    attempts: int,
    rng: random.Random,
) -> PushOutcome:
    handling = err.handling
    if handling is p.Handling.VERIFY_AND_REUPLOAD:
        damaged = _local_copy_damaged(db, store, package_id)
        if damaged:
            reason = f"{SCAN_DAMAGED.format(name=damaged)}{err}"
            _mark(db, package_id, state=FAILED, last_error=reason, next_attempt_at=None)
            return PushOutcome(package_id, False, p.Handling.PERMANENT, reason)
    if handling is p.Handling.PERMANENT:
        _mark(db, package_id, state=FAILED, last_error=str(err), next_attempt_at=None)
    elif handling in (p.Handling.REENROL, p.Handling.REFRESH_CREDENTIALS):
        # Keep everything; it goes once the desk is enrolled again.
        _mark(db, package_id, state=PENDING, last_error=str(err), next_attempt_at=None)
    else:
        delay = backoff_delay(attempts, err.retry_after, rng)
        _mark(
            db,
            package_id,
            state=PENDING,
            last_error=str(err),
            next_attempt_at=wall_clock() + timedelta(seconds=delay),
        )
    return PushOutcome(package_id, False, handling, str(err))


@dataclass(frozen=True)
class FailureReason:
    """A kept reason taken apart: its kind ("upload_stopped", "scan_unreadable",
    "scan_damaged", or "hub" with the hub's error code), the scan it names, and the
    technical rest for the administrator."""

    kind: str
    detail: str
    hub_code: str = ""
    scan: str = ""


_DAMAGED_HEAD, _DAMAGED_TAIL = SCAN_DAMAGED.split("{name}")


def failure_reason(reason: str) -> FailureReason:
    if reason.startswith(UPLOAD_STOPPED):
        return FailureReason("upload_stopped", reason.removeprefix(UPLOAD_STOPPED))
    if reason.startswith(SCAN_UNREADABLE):
        return FailureReason("scan_unreadable", reason.removeprefix(SCAN_UNREADABLE))
    if reason.startswith(_DAMAGED_HEAD) and _DAMAGED_TAIL in reason:
        name, _, rest = reason.removeprefix(_DAMAGED_HEAD).partition(_DAMAGED_TAIL)
        return FailureReason("scan_damaged", rest, scan=name)
    status, _, rest = reason.partition(" ")  # HubCallError: "status code detail"
    code, _, detail = rest.partition(" ")
    if status.isdigit() and code.replace("_", "").isalpha():
        return FailureReason("hub", detail or reason, hub_code=code)
    return FailureReason("hub", reason)


def needs_attention(*, session: Session) -> list[tuple[str, str, str]]:
    """(receipt number, package id, reason) of every package that failed for good."""
    stmt = (
        select(Package.receipt_no, Package.id, OutboxItem.last_error)
        .join(OutboxItem, OutboxItem.package_id == Package.id)
        .where(OutboxItem.state == FAILED)
        .order_by(OutboxItem.id)
    )
    return [(r, i, e or "") for r, i, e in session.execute(stmt)]


def retry_failed(*, session: Session, package_id: str, actor: User) -> Changes:
    """A person fixed the cause: send the package again."""
    require_role(actor, *ANY_ROLE)
    item = _item(session, package_id)
    item.state, item.next_attempt_at = PENDING, None
    return Changes(outbox=True)


def queued_count(*, session: Session) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(OutboxItem)
            .where(OutboxItem.state.in_((PENDING, ATTEMPTING)))
        )
        or 0
    )
