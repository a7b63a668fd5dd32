"""Push: declare a package, then commit it once its blobs are in (docs/sync.md, docs/hub.md).

A new declaration is checked before anything is stored: the receipt number must be the
declaring device's own (`<branch>-<desk>-<n>`), the package and the device's day must stay
within the quotas, and on a hub with trusted CAs the clerk's EDS must verify.

Both steps are idempotent. The package row is created with INSERT … ON CONFLICT
DO NOTHING, so duplicate declarations racing each other create exactly one; the
commit is a conditional UPDATE (status declared -> received), so only one racing
commit writes the change-log row and every replay reads the same answer back.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import math
import re
import uuid
from dataclasses import dataclass

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from ozq_hub.models import Blob, BranchBlob, ManifestEntryRow, Package
from ozq_hub.refusals import Refusal
from ozq_hub.service import changelog, due, signatures
from ozq_hub.service.sql import insert_or_ignore
from ozq_hub.settings import HubLimits
from ozq_wire import protocol as p


@dataclass(frozen=True)
class DeviceIdentity:
    """Who is calling: every request carries its device, every device one branch."""

    id: uuid.UUID
    branch_code: str
    branch_name: str
    desk_code: str
    name: str
    enrolled_at: dt.datetime


def _check_limits(request: p.DeclareRequest, limits: HubLimits) -> None:
    if p.manifest_hash(request.manifest) != request.manifest_hash:
        raise Refusal(
            p.ErrorCode.MANIFEST_HASH_MISMATCH,
            "manifest_hash is not the SHA-256 of the canonical manifest",
        )
    for entry in request.manifest:
        if entry.size > limits.max_blob_bytes:
            raise Refusal(
                p.ErrorCode.BLOB_TOO_LARGE,
                f"{entry.name} is {entry.size} bytes; the limit is {limits.max_blob_bytes}",
            )
    try:
        metadata_json = json.dumps(request.metadata, ensure_ascii=False, allow_nan=False)
    except ValueError as exc:
        raise Refusal(
            p.ErrorCode.INVALID_REQUEST, "metadata must be standard JSON (no NaN/Infinity)"
        ) from exc
    metadata_size = len(metadata_json.encode("utf-8"))
    if metadata_size > limits.max_metadata_bytes:
        raise Refusal(p.ErrorCode.PAYLOAD_TOO_LARGE, "the package metadata is too large")


def _check_known_sizes(session: Session, request: p.DeclareRequest, branch_code: str) -> None:
    """A blob this branch already holds has one size; a package that says otherwise fails
    alone. (Other branches' blobs are not consulted: dedup stays within a branch.)"""
    hashes = sorted({entry.sha256 for entry in request.manifest})
    stored = dict(
        session.connection()
        .execute(_KNOWN_SIZES, {"hashes": hashes, "branch_code": branch_code})
        .tuples()
        .all()
    )
    for entry in request.manifest:
        if entry.sha256 in stored and stored[entry.sha256] != entry.size:
            raise Refusal(
                p.ErrorCode.BLOB_SIZE_MISMATCH,
                f"{entry.name}: a blob with this hash is {stored[entry.sha256]} bytes, not {entry.size}",
            )


def _check_receipt(request: p.DeclareRequest, device: DeviceIdentity) -> None:
    """Receipt numbers belong to their desk: `<branch>-<desk>-<digits>` of the caller."""
    prefix = f"{device.branch_code}-{device.desk_code}-"
    if not re.fullmatch(re.escape(prefix) + r"[0-9]{1,12}", request.receipt_no):
        raise Refusal(
            p.ErrorCode.RECEIPT_NOT_YOURS,
            f"receipt {request.receipt_no!r} is not one of this desk's ({prefix}<number>)",
        )


def _next_midnight(now: dt.datetime) -> dt.datetime:
    day = now.astimezone(dt.UTC).date() + dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(), dt.UTC)


def _check_quotas(
    session: Session, request: p.DeclareRequest, device: DeviceIdentity, limits: HubLimits, now
) -> None:
    """Per package: blobs and bytes (413). Per device per UTC day: blobs and bytes over every
    package it declared today (429 with Retry-After until midnight UTC)."""
    blobs, size = len(request.manifest), sum(entry.size for entry in request.manifest)
    if blobs > limits.package_max_blobs or size > limits.package_max_bytes:
        raise Refusal(
            p.ErrorCode.QUOTA_EXCEEDED,
            f"the package lists {blobs} files, {size} bytes; a package may have at most "
            f"{limits.package_max_blobs} files and {limits.package_max_bytes} bytes",
        )
    midnight = _next_midnight(now)
    today_blobs, today_bytes = (
        session.connection()
        .execute(_TODAY, {"device_id": device.id, "since": midnight - dt.timedelta(days=1)})
        .one()
    )
    if (
        today_blobs + blobs > limits.device_daily_blobs
        or today_bytes + size > limits.device_daily_bytes
    ):
        raise Refusal(
            p.ErrorCode.QUOTA_EXCEEDED,
            f"this desk declared {today_blobs} files, {today_bytes} bytes today; its daily "
            f"limit is {limits.device_daily_blobs} files and {limits.device_daily_bytes} bytes",
            retry_after=max(1, math.ceil((midnight - now).total_seconds())),
        )


def owned_package(session: Session, package_uuid: uuid.UUID, device: DeviceIdentity) -> Package:
    """The package, fresh from the database, if it is the device's branch's."""
    package = session.execute(
        select(Package)
        .where(Package.uuid == package_uuid)
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if package is None:
        raise Refusal(p.ErrorCode.NOT_FOUND, f"no package {package_uuid}")
    if package.branch_code != device.branch_code:
        raise Refusal(p.ErrorCode.FORBIDDEN_BRANCH, "the package belongs to another branch")
    return package


def missing_blobs(session: Session, package_uuid: uuid.UUID, branch_code: str) -> list[str]:
    """The package's blobs that its branch has not sent yet (another branch's copy of the
    same bytes does not count)."""
    rows = session.connection().execute(
        _MISSING, {"package_uuid": package_uuid, "branch_code": branch_code}
    )
    return list(rows.scalars())


def _size_mismatches(session: Session, package_uuid: uuid.UUID) -> list[str]:
    """Names of the package's entries whose stored blob has another size."""
    rows = session.connection().execute(_SIZE_MISMATCHES, {"package_uuid": package_uuid})
    return list(rows.scalars())


def _package_row(session: Session, package_uuid: uuid.UUID):
    """The columns of the package that declare and commit answer from (or None)."""
    return session.connection().execute(_ROW, {"uuid": package_uuid}).one_or_none()


def _owned_row(session: Session, package_uuid: uuid.UUID, device: DeviceIdentity):
    row = _package_row(session, package_uuid)
    if row is None:
        raise Refusal(p.ErrorCode.NOT_FOUND, f"no package {package_uuid}")
    if row.branch_code != device.branch_code:
        raise Refusal(p.ErrorCode.FORBIDDEN_BRANCH, "the package belongs to another branch")
    return row


def _signature_columns(
    request: p.DeclareRequest, trust: signatures.TrustStore, now: dt.datetime
) -> dict[str, object]:
    """The clerk's EDS as the package row stores it. With trusted CAs the signature is
    required and must verify (seed: applications are certified by the clerk's EDS); with
    none it is stored unchecked."""
    if request.signature is None:
        if trust.enabled:
            raise Refusal(p.ErrorCode.SIGNATURE_REQUIRED, "this hub accepts signed packages only")
        return {"signature": None, "signer": None, "signature_verified": False}
    try:
        cms_der = base64.b64decode(request.signature, validate=True)
    except binascii.Error as exc:
        raise Refusal(p.ErrorCode.SIGNATURE_INVALID, "the signature is not valid base64") from exc
    if not trust.enabled:
        signer = signatures.describe_unchecked(cms_der)
        return {
            "signature": cms_der,
            "signer": signer and signer[:500],
            "signature_verified": False,
        }
    try:
        info = trust.verify(cms_der, request.content_to_sign(), now)
    except signatures.SignatureInvalid as exc:
        raise Refusal(p.ErrorCode.SIGNATURE_INVALID, exc.reason) from exc
    return {"signature": cms_der, "signer": info.subject[:500], "signature_verified": True}


def declare(
    session: Session,
    *,
    device: DeviceIdentity,
    request: p.DeclareRequest,
    limits: HubLimits,
    now: dt.datetime,
    trust: signatures.TrustStore | None = None,
) -> p.DeclareResponse:
    """Step 1. The receipt number, the quotas and the signature are checked when the package
    is first declared; a replay gets the first answer even after the signing certificate
    has expired."""
    _check_limits(request, limits)
    existing = _package_row(session, request.package_uuid)
    if existing is not None and existing.branch_code != device.branch_code:
        raise Refusal(p.ErrorCode.FORBIDDEN_BRANCH, "the package belongs to another branch")
    _check_known_sizes(session, request, device.branch_code)
    signed: dict[str, object] = {}
    if existing is None:
        _check_receipt(request, device)
        _check_quotas(session, request, device, limits, now)
        signed = _signature_columns(request, trust or signatures.NO_TRUST, now)
    if request.supersedes is not None:
        earlier = _package_row(session, request.supersedes)
        if earlier is not None and earlier.branch_code != device.branch_code:
            raise Refusal(
                p.ErrorCode.FORBIDDEN_BRANCH, "the superseded package is another branch's"
            )
    created = existing is None and insert_or_ignore(
        session,
        Package,
        {
            "uuid": request.package_uuid,
            "branch_code": device.branch_code,
            "device_id": device.id,
            "desk_code": device.desk_code,
            "receipt_no": request.receipt_no,
            "service_id": request.service_id,
            "clerk_login": request.clerk.login,
            "clerk_name": request.clerk.full_name,
            "device_time": request.device_time,
            "details": request.metadata,
            "manifest_hash": request.manifest_hash,
            "supersedes": request.supersedes,
            "status": p.PackageStatus.DECLARED.value,
            "declared_at": now,
            **signed,
            **_applicant_columns(request.metadata),
        },
        key=["uuid"],
    )
    if created:
        session.connection().execute(
            _ADD_ENTRY,
            [
                {"package_uuid": request.package_uuid, "position": i, **entry.model_dump()}
                for i, entry in enumerate(request.manifest)
            ],
        )
        # Just written from this request: nothing to read back or compare.
        return p.DeclareResponse(
            package_uuid=request.package_uuid,
            status=p.PackageStatus.DECLARED,
            manifest_hash=request.manifest_hash,
            missing_blobs=missing_blobs(session, request.package_uuid, device.branch_code),
            received_at=None,
        )
    package = _owned_row(session, request.package_uuid, device)  # as a racing insert left it
    if (package.manifest_hash, package.receipt_no, package.service_id) != (
        request.manifest_hash,
        request.receipt_no,
        request.service_id,
    ):
        raise Refusal(
            p.ErrorCode.MANIFEST_CONFLICT,
            "a different package was already declared under this UUID",
        )
    received = package.status == p.PackageStatus.RECEIVED
    return p.DeclareResponse(
        package_uuid=package.uuid,
        status=p.PackageStatus(package.status),
        manifest_hash=package.manifest_hash,
        missing_blobs=[] if received else missing_blobs(session, package.uuid, package.branch_code),
        received_at=package.received_at,
    )


def _applicant_columns(metadata: dict) -> dict[str, str]:
    """The applicant's IIN/BIN and name from the desk's metadata, for search and the status
    page; empty when the desk sent none (or something that is not one)."""
    idn = metadata.get("applicant_idn")
    name = metadata.get("applicant_name")
    idn = idn if isinstance(idn, str) and len(idn) == 12 and idn.isdigit() else ""
    name = name[:300] if isinstance(name, str) else ""
    return {"applicant_idn": idn, "applicant_name": name, "applicant_name_fold": fold(name)}


def fold(text: str) -> str:
    """The form names are searched in: case-folded, spaces collapsed."""
    return " ".join(text.casefold().split())[:300]


def _commit_answer(package) -> p.CommitResponse:
    assert package.received_at is not None
    return p.CommitResponse(
        package_uuid=package.uuid,
        manifest_hash=package.manifest_hash,
        received_at=package.received_at,
    )


def commit(
    session: Session,
    *,
    device: DeviceIdentity,
    package_uuid: uuid.UUID,
    now: dt.datetime,
    tz: dt.tzinfo | None = None,
) -> p.CommitResponse:
    """Mark the package received, give it its due dates and log it, in the caller's one
    transaction. `tz`: the hub's time zone (the service centres')."""
    package = _owned_row(session, package_uuid, device)
    if package.status == p.PackageStatus.RECEIVED:
        return _commit_answer(package)
    missing = missing_blobs(session, package_uuid, device.branch_code)
    if missing:
        raise Refusal(
            p.ErrorCode.BLOBS_MISSING,
            f"{len(missing)} blob(s) not uploaded yet",
            missing_blobs=missing,
        )
    wrong = _size_mismatches(session, package_uuid)
    if wrong:
        raise Refusal(
            p.ErrorCode.BLOB_SIZE_MISMATCH,
            f"{', '.join(wrong[:5])}: the hub holds these blobs with another size than the "
            "package declares",
        )
    dates = due.columns(session, package, received_at=now, tz=tz or due.zone())
    connection = session.connection()
    marked = connection.execute(
        _MARK_RECEIVED, {"package_uuid": package_uuid, "now": now, **dates}
    ).first()
    if marked is None:  # a racing commit won; answer as it did
        return _commit_answer(_owned_row(session, package_uuid, device))
    change = p.PackageReceivedChange(
        seq=0,
        package_uuid=package_uuid,
        receipt_no=package.receipt_no,
        manifest_hash=package.manifest_hash,
        received_at=now,
    )
    answer = p.CommitResponse(
        package_uuid=package_uuid, manifest_hash=package.manifest_hash, received_at=now
    )
    # Last, and nothing but it and one UPDATE before the commit: the sequence row stays
    # locked until then, and every other writer of the hub waits for it.
    seq = changelog.append_change(
        session,
        kind=changelog.PACKAGE_RECEIVED,
        branch_code=device.branch_code,
        payload=change.model_dump(mode="json", exclude={"seq", "kind"}),
        now=now,
        package_uuid=package_uuid,
    )
    connection.execute(_RECEIVED_SEQ, {"package_uuid": package_uuid, "seq": seq})
    return answer


# Statements built once, with bind parameters: building a statement and its cache key costs
# more than running it, and declare and commit are every desk's hot path.
_PACKAGE = Package.__table__
_ENTRY = ManifestEntryRow.__table__
_BLOB = Blob.__table__
_BRANCH_BLOB = BranchBlob.__table__
_ROW = select(
    _PACKAGE.c.uuid,
    _PACKAGE.c.branch_code,
    _PACKAGE.c.status,
    _PACKAGE.c.receipt_no,
    _PACKAGE.c.service_id,
    _PACKAGE.c.manifest_hash,
    _PACKAGE.c.received_at,
    _PACKAGE.c.details,  # with device_time: the acceptance day the due dates count from
    _PACKAGE.c.device_time,
).where(_PACKAGE.c.uuid == bindparam("uuid"))
_KNOWN_SIZES = (
    select(_BLOB.c.sha256, _BLOB.c.size)
    .join(_BRANCH_BLOB, _BRANCH_BLOB.c.sha256 == _BLOB.c.sha256)
    .where(
        _BLOB.c.sha256.in_(bindparam("hashes", expanding=True)),
        _BRANCH_BLOB.c.branch_code == bindparam("branch_code"),
    )
)
_TODAY = (
    select(func.count(_ENTRY.c.sha256), func.coalesce(func.sum(_ENTRY.c.size), 0))
    .join(_PACKAGE, _PACKAGE.c.uuid == _ENTRY.c.package_uuid)
    .where(
        _PACKAGE.c.device_id == bindparam("device_id"),
        _PACKAGE.c.declared_at >= bindparam("since"),
    )
)
_MISSING = (
    select(_ENTRY.c.sha256)
    .where(
        _ENTRY.c.package_uuid == bindparam("package_uuid"),
        ~select(_BRANCH_BLOB.c.sha256)
        .where(
            _BRANCH_BLOB.c.branch_code == bindparam("branch_code"),
            _BRANCH_BLOB.c.sha256 == _ENTRY.c.sha256,
        )
        .exists(),
    )
    .distinct()
    .order_by(_ENTRY.c.sha256)
)
_SIZE_MISMATCHES = (
    select(_ENTRY.c.name)
    .join(_BLOB, _BLOB.c.sha256 == _ENTRY.c.sha256)
    .where(_ENTRY.c.package_uuid == bindparam("package_uuid"), _BLOB.c.size != _ENTRY.c.size)
    .order_by(_ENTRY.c.name)
)
_ADD_ENTRY = insert(_ENTRY)
_MARK_RECEIVED = (
    update(_PACKAGE)
    .where(
        _PACKAGE.c.uuid == bindparam("package_uuid"),
        _PACKAGE.c.status == p.PackageStatus.DECLARED.value,
    )
    .values(
        status=p.PackageStatus.RECEIVED.value,
        received_at=bindparam("now"),
        accepted_on=bindparam("accepted_on"),
        due_date=bindparam("due_date"),
        legal_due_date=bindparam("legal_due_date"),
    )
    .returning(_PACKAGE.c.uuid)
)
_RECEIVED_SEQ = (
    update(_PACKAGE)
    .where(_PACKAGE.c.uuid == bindparam("package_uuid"))
    .values(received_seq=bindparam("seq"))
)
