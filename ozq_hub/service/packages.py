"""Push: declare a package, then commit it once its blobs are in (shared/domain/sync.md).

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
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography import x509
from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from ozq_hub.models import Blob, ManifestEntryRow, Package
from ozq_hub.problems import HubProblem
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
        raise HubProblem(
            422,
            p.ErrorCode.MANIFEST_HASH_MISMATCH,
            "manifest_hash is not the SHA-256 of the canonical manifest",
        )
    for entry in request.manifest:
        if entry.size > limits.max_blob_bytes:
            raise HubProblem(
                413,
                p.ErrorCode.BLOB_TOO_LARGE,
                f"{entry.name} is {entry.size} bytes; the limit is {limits.max_blob_bytes}",
            )
    try:
        metadata_json = json.dumps(request.metadata, ensure_ascii=False, allow_nan=False)
    except ValueError as exc:
        raise HubProblem(
            422, p.ErrorCode.INVALID_REQUEST, "metadata must be standard JSON (no NaN/Infinity)"
        ) from exc
    metadata_size = len(metadata_json.encode("utf-8"))
    if metadata_size > limits.max_metadata_bytes:
        raise HubProblem(413, p.ErrorCode.PAYLOAD_TOO_LARGE, "the package metadata is too large")


def _check_known_sizes(session: Session, request: p.DeclareRequest) -> None:
    hashes = {entry.sha256 for entry in request.manifest}
    stored = dict(
        session.execute(select(Blob.sha256, Blob.size).where(Blob.sha256.in_(hashes)))
        .tuples()
        .all()
    )
    for entry in request.manifest:
        if entry.sha256 in stored and stored[entry.sha256] != entry.size:
            raise HubProblem(
                422,
                p.ErrorCode.INVALID_REQUEST,
                f"{entry.name}: a blob with this hash is {stored[entry.sha256]} bytes, not {entry.size}",
            )


def owned_package(session: Session, package_uuid: uuid.UUID, device: DeviceIdentity) -> Package:
    """The package, fresh from the database, if it is the device's branch's."""
    package = session.execute(
        select(Package)
        .where(Package.uuid == package_uuid)
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if package is None:
        raise HubProblem(404, p.ErrorCode.NOT_FOUND, f"no package {package_uuid}")
    if package.branch_code != device.branch_code:
        raise HubProblem(403, p.ErrorCode.FORBIDDEN_BRANCH, "the package belongs to another branch")
    return package


def missing_blobs(session: Session, package_uuid: uuid.UUID) -> list[str]:
    statement = (
        select(ManifestEntryRow.sha256)
        .outerjoin(Blob, Blob.sha256 == ManifestEntryRow.sha256)
        .where(ManifestEntryRow.package_uuid == package_uuid, Blob.sha256.is_(None))
        .distinct()
        .order_by(ManifestEntryRow.sha256)
    )
    return list(session.execute(statement).scalars())


def _signature_columns(
    request: p.DeclareRequest, trusted: Sequence[x509.Certificate], now: dt.datetime
) -> dict[str, object]:
    """The clerk's EDS as the package row stores it. With trusted CAs the signature is
    required and must verify (seed: applications are certified by the clerk's EDS); with
    none it is stored unchecked."""
    if request.signature is None:
        if trusted:
            raise HubProblem(
                422, p.ErrorCode.SIGNATURE_REQUIRED, "this hub accepts signed packages only"
            )
        return {"signature": None, "signer": None, "signature_verified": False}
    try:
        cms_der = base64.b64decode(request.signature, validate=True)
    except binascii.Error as exc:
        raise HubProblem(
            422, p.ErrorCode.SIGNATURE_INVALID, "the signature is not valid base64"
        ) from exc
    if not trusted:
        signer = signatures.describe_unchecked(cms_der)
        return {
            "signature": cms_der,
            "signer": signer and signer[:500],
            "signature_verified": False,
        }
    try:
        info = signatures.verify_detached(cms_der, request.content_to_sign(), list(trusted), now)
    except signatures.SignatureInvalid as exc:
        raise HubProblem(422, p.ErrorCode.SIGNATURE_INVALID, exc.reason) from exc
    return {"signature": cms_der, "signer": info.subject[:500], "signature_verified": True}


def declare(
    session: Session,
    *,
    device: DeviceIdentity,
    request: p.DeclareRequest,
    limits: HubLimits,
    now: dt.datetime,
    trusted: Sequence[x509.Certificate] = (),
) -> p.DeclareResponse:
    """Step 1. The signature is checked when the package is first declared; a replay gets
    the first answer even after the signing certificate has expired."""
    _check_limits(request, limits)
    _check_known_sizes(session, request)
    signed: dict[str, object] = {}
    if session.get(Package, request.package_uuid) is None:
        signed = _signature_columns(request, trusted, now)
    if request.supersedes is not None:
        earlier = session.get(Package, request.supersedes)
        if earlier is not None and earlier.branch_code != device.branch_code:
            raise HubProblem(
                403, p.ErrorCode.FORBIDDEN_BRANCH, "the superseded package is another branch's"
            )
    created = insert_or_ignore(
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
        session.execute(
            insert(ManifestEntryRow),
            [
                {"package_uuid": request.package_uuid, "position": i, **entry.model_dump()}
                for i, entry in enumerate(request.manifest)
            ],
        )
    package = owned_package(session, request.package_uuid, device)
    if (package.manifest_hash, package.receipt_no, package.service_id) != (
        request.manifest_hash,
        request.receipt_no,
        request.service_id,
    ):
        raise HubProblem(
            409,
            p.ErrorCode.MANIFEST_CONFLICT,
            "a different package was already declared under this UUID",
        )
    received = package.status == p.PackageStatus.RECEIVED
    return p.DeclareResponse(
        package_uuid=package.uuid,
        status=p.PackageStatus(package.status),
        manifest_hash=package.manifest_hash,
        missing_blobs=[] if received else missing_blobs(session, package.uuid),
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


def _commit_answer(package: Package) -> p.CommitResponse:
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
    package = owned_package(session, package_uuid, device)
    if package.status == p.PackageStatus.RECEIVED:
        return _commit_answer(package)
    missing = missing_blobs(session, package_uuid)
    if missing:
        raise HubProblem(
            412,
            p.ErrorCode.BLOBS_MISSING,
            f"{len(missing)} blob(s) not uploaded yet",
            missing_blobs=missing,
        )
    marked = session.execute(
        update(Package)
        .where(Package.uuid == package_uuid, Package.status == p.PackageStatus.DECLARED.value)
        .values(status=p.PackageStatus.RECEIVED.value, received_at=now)
        .returning(Package.uuid)
    ).first()
    if marked is None:  # a racing commit won; answer as it did
        return _commit_answer(owned_package(session, package_uuid, device))
    change = p.PackageReceivedChange(
        seq=0,
        package_uuid=package_uuid,
        receipt_no=package.receipt_no,
        manifest_hash=package.manifest_hash,
        received_at=now,
    )
    seq = changelog.append_change(
        session,
        kind=changelog.PACKAGE_RECEIVED,
        branch_code=device.branch_code,
        payload=change.model_dump(mode="json", exclude={"seq", "kind"}),
        now=now,
        package_uuid=package_uuid,
    )
    session.execute(update(Package).where(Package.uuid == package_uuid).values(received_seq=seq))
    received = owned_package(session, package_uuid, device)
    due.fill(session, received, tz or due.zone())
    return _commit_answer(received)
