"""The desk-hub wire protocol, version 1: every request and response body, defined once.

Both the desk (`ozq_desktop.sync`) and the hub (`ozq_hub`) import this module, so
it depends on pydantic only. Requests forbid unknown fields; responses ignore
them, so an older desk still reads a newer hub. `docs/hub.md` walks through the
conversation; `handling_for()` says what a desk does with each failure.

Push (docs/hub.md): declare -> upload each missing blob -> commit, each
step idempotent. Pull: `GET changes?after=<cursor>`; a 410 `must_refetch`
answer sends the desk to `GET state` instead.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import unicodedata
from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    model_validator,
)


def N_(msgid: str) -> str:
    """Mark a clerk-facing message; the desk translates it with `ozq_desktop.i18n.tr`."""
    return msgid


PROTOCOL_VERSION = 1
API_PREFIX = "/api/v1"

# Upload headers (after tus): the byte offset a chunk starts at, and the blob's size.
UPLOAD_OFFSET = "Upload-Offset"
UPLOAD_LENGTH = "Upload-Length"
UPLOAD_COMPLETE = "Upload-Complete"


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("text must not contain NUL characters")
    return value


_NO_NUL = AfterValidator(_no_nul)  # PostgreSQL text cannot hold NUL

# Identifiers (receipt numbers, branch and desk codes) are compared character for character:
# bidi controls, zero-width and other invisible format characters, control characters,
# whitespace and full-width forms could make two different numbers look the same on paper.
_REFUSED_IN_IDENTIFIERS = {"Cc", "Cf", "Cs", "Co", "Zs", "Zl", "Zp"}


def identifier_text(value: object) -> object:
    """An identifier as both sides compare it: refused if it holds an invisible, bidi,
    zero-width, whitespace or full-width character, else NFKC-normalised."""
    if not isinstance(value, str):
        return value  # the str type check refuses it
    for char in value:
        if (
            unicodedata.category(char) in _REFUSED_IN_IDENTIFIERS
            or unicodedata.east_asian_width(char) == "F"
        ):
            name = unicodedata.name(char, "unnamed")
            raise ValueError(f"identifiers must not contain U+{ord(char):04X} ({name})")
    return unicodedata.normalize("NFKC", value)


_IDENTIFIER = BeforeValidator(identifier_text)

Sha256 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$", description="lowercase hex SHA-256")]
CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"
Code = Annotated[str, _IDENTIFIER, Field(pattern=CODE_PATTERN)]
ReceiptNo = Annotated[str, _IDENTIFIER, Field(min_length=1, max_length=64)]
ServiceId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]{0,63}$")]
ShortText = Annotated[str, Field(min_length=1, max_length=200), _NO_NUL]
Label = Annotated[str, Field(min_length=1, max_length=64), _NO_NUL]
Number = Annotated[str, Field(min_length=1, max_length=100), _NO_NUL]
_BASE64 = r"^[A-Za-z0-9+/]+={0,2}$"
LongText = Annotated[str, Field(min_length=1, max_length=10_000), _NO_NUL]


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Response(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


# ---------------------------------------------------------------- errors


class ErrorCode(StrEnum):
    INVALID_REQUEST = "invalid_request"  # 422: the body or a parameter breaks the schema
    UNAUTHENTICATED = "unauthenticated"  # 401: no token, or one the hub does not know
    REVOKED = "revoked"  # 401: the device was revoked; re-enrolment needed
    FORBIDDEN_BRANCH = "forbidden_branch"  # 403: another branch's package
    ENROLMENT_CODE_INVALID = "enrolment_code_invalid"  # 403
    ENROLMENT_CODE_USED = "enrolment_code_used"  # 403
    ENROLMENT_CODE_EXPIRED = "enrolment_code_expired"  # 403
    NOT_FOUND = "not_found"  # 404: no such package (or route)
    BLOB_NOT_DECLARED = "blob_not_declared"  # 404: no manifest of this branch names the blob
    METHOD_NOT_ALLOWED = "method_not_allowed"  # 405
    MANIFEST_CONFLICT = "manifest_conflict"  # 409: same UUID, different manifest
    PACKAGE_NOT_RECEIVED = "package_not_received"  # 409: a decision before the commit
    MUST_REFETCH = "must_refetch"  # 410: the cursor is no longer honoured
    BLOBS_MISSING = "blobs_missing"  # 412: commit before every blob is up
    PAYLOAD_TOO_LARGE = "payload_too_large"  # 413: the request body is over the limit
    BLOB_TOO_LARGE = "blob_too_large"  # 413: a manifest entry is over the blob limit
    OFFSET_MISMATCH = "offset_mismatch"  # 416: the chunk does not start at the hub's offset
    MANIFEST_HASH_MISMATCH = "manifest_hash_mismatch"  # 422
    BLOB_HASH_MISMATCH = "blob_hash_mismatch"  # 422: the partial upload was discarded
    UPLOAD_OVERFLOW = "upload_overflow"  # 422: the chunk runs past the declared size
    CURSOR_INVALID = "cursor_invalid"  # 422
    SIGNATURE_REQUIRED = "signature_required"  # 422: this hub accepts signed packages only
    SIGNATURE_INVALID = "signature_invalid"  # 422: the EDS signature or its chain fails
    RATE_LIMITED = "rate_limited"  # 429, with Retry-After
    AUDIT_CONFLICT = "audit_conflict"  # 409: the audit rows or head differ from the hub's
    RECEIPT_NOT_YOURS = "receipt_not_yours"  # 422: another branch's or desk's receipt number
    QUOTA_EXCEEDED = "quota_exceeded"  # 413 per package; 429 + Retry-After per device per day
    BLOB_SIZE_MISMATCH = "blob_size_mismatch"  # 409: the hub's size for a blob is not the desk's
    DESK_CODE_TAKEN = "desk_code_taken"  # 409: another active device holds this branch's desk code
    INTERNAL = "internal"  # 500
    UNAVAILABLE = "unavailable"  # 503, with Retry-After


class ApiError(_Response):
    """Every 4xx/5xx body. `detail` is English, for logs; show the clerk `ERROR_MESSAGES`."""

    code: str
    detail: str
    offset: int | None = None  # offset_mismatch: where the next chunk must start
    missing_blobs: list[str] | None = None  # blobs_missing
    retry_after: int | None = None  # seconds, also sent as the Retry-After header


ERROR_MESSAGES: dict[str, str] = {
    ErrorCode.REVOKED: N_("This desk was disconnected from the hub: re-enrolment needed."),
    ErrorCode.UNAUTHENTICATED: N_("The hub does not recognise this desk: re-enrolment needed."),
    ErrorCode.FORBIDDEN_BRANCH: N_("The package belongs to another branch."),
    ErrorCode.ENROLMENT_CODE_INVALID: N_("The enrolment code is wrong."),
    ErrorCode.ENROLMENT_CODE_USED: N_("The enrolment code was already used: ask for a new one."),
    ErrorCode.ENROLMENT_CODE_EXPIRED: N_("The enrolment code has expired: ask for a new one."),
    ErrorCode.MANIFEST_CONFLICT: N_(
        "The hub already holds a different package under this identifier."
    ),
    ErrorCode.MANIFEST_HASH_MISMATCH: N_("The package's list of files is damaged."),
    ErrorCode.BLOB_HASH_MISMATCH: N_("A scan arrived damaged at the hub."),
    ErrorCode.BLOB_TOO_LARGE: N_("A scan is larger than the hub accepts."),
    ErrorCode.PAYLOAD_TOO_LARGE: N_("The data sent is larger than the hub accepts."),
    ErrorCode.INVALID_REQUEST: N_("The hub rejected the data as malformed."),
    ErrorCode.SIGNATURE_REQUIRED: N_(
        "The hub requires every package to carry the clerk's EDS signature."
    ),
    ErrorCode.SIGNATURE_INVALID: N_("The hub rejected the package's EDS signature."),
    ErrorCode.AUDIT_CONFLICT: N_(
        "The audit trail on this desk differs from the copy the hub holds: ask the supervisor."
    ),
    ErrorCode.RECEIPT_NOT_YOURS: N_("The receipt number does not belong to this desk."),
    ErrorCode.QUOTA_EXCEEDED: N_("The hub's limit for this desk or package was reached."),
    ErrorCode.BLOB_SIZE_MISMATCH: N_("The hub holds a scan of a different size under this hash."),
    ErrorCode.DESK_CODE_TAKEN: N_(
        "Another computer is already connected as this desk: ask the administrator to revoke it."
    ),
    ErrorCode.RATE_LIMITED: N_("The hub is busy; the desk will try again."),
    ErrorCode.UNAVAILABLE: N_("The hub is busy; the desk will try again."),
    ErrorCode.INTERNAL: N_("The hub failed; the desk will try again."),
}


class Handling(StrEnum):
    """What a desk does with a failed call (docs/hub.md, "The protocol")."""

    RETRY = "retry"  # backoff with full jitter, no attempt limit, honour Retry-After
    REFRESH_CREDENTIALS = "refresh_credentials"  # re-read the keyring token, then re-enrol
    REENROL = "reenrol"  # show "re-enrolment needed"; keep every unsent package
    RESUME_UPLOAD = "resume_upload"  # continue at ApiError.offset
    REDECLARE = "redeclare"  # declare again, upload what it lists, commit again
    VERIFY_AND_REUPLOAD = "verify_and_reupload"  # local hash still right: upload from 0 once more
    REFETCH = "refetch"  # read GET state, then follow the feed from its cursor
    PERMANENT = "permanent"  # "needs attention" with the reason; never retried, never deleted


def handling_for(status: int, code: str | None = None) -> Handling:
    """The desk's reaction to an HTTP status and the `ApiError.code` in its body."""
    if code == ErrorCode.REVOKED:
        return Handling.REENROL
    if status == 401:
        return Handling.REFRESH_CREDENTIALS
    if status in (408, 429) or status >= 500:
        return Handling.RETRY
    special = {
        ErrorCode.OFFSET_MISMATCH: Handling.RESUME_UPLOAD,
        ErrorCode.BLOBS_MISSING: Handling.REDECLARE,
        ErrorCode.NOT_FOUND: Handling.REDECLARE,
        ErrorCode.BLOB_NOT_DECLARED: Handling.REDECLARE,
        ErrorCode.BLOB_HASH_MISMATCH: Handling.VERIFY_AND_REUPLOAD,
        ErrorCode.MUST_REFETCH: Handling.REFETCH,
    }
    return special.get(code or "", Handling.PERMANENT)


# ---------------------------------------------------------------- enrolment


class Health(_Response):
    status: Literal["ok"] = "ok"
    protocol_version: int = PROTOCOL_VERSION
    hub_epoch: str


ENROL_NONCE_MINUTES = 10  # a retry with the same code and nonce within this gets the same device


class EnrolRequest(_Request):
    code: Annotated[Label, Field(min_length=4)]  # the one-time code, dashes optional
    desk_code: Code  # the desk's own name within the branch, e.g. "window-3"
    device_name: ShortText  # the computer, e.g. its host name
    # Made once per enrolment attempt and sent again on its retries: a lost answer does not
    # burn the code (the same code and nonce within ENROL_NONCE_MINUTES: the same device).
    nonce: Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{16,64}$")] | None = None


class EnrolResponse(_Response):
    """The token is shown once: the desk keeps it in the OS keyring, the hub only its hash."""

    device_id: UUID
    token: str
    branch_code: str
    branch_name: str
    desk_code: str
    hub_epoch: str
    # The applicant's status page (the hub's public address + "/status"), when the hub has
    # one configured: the desk prints it in the receipt's QR code. Also sent by every pull.
    status_page_url: str | None = None


class DeviceInfo(_Response):
    device_id: UUID
    branch_code: str
    branch_name: str
    desk_code: str
    device_name: str
    enrolled_at: AwareDatetime
    hub_epoch: str


# ---------------------------------------------------------------- push


class ManifestEntry(_Request):
    name: Annotated[str, Field(min_length=1, max_length=255, pattern=r"^[^/\\\x00-\x1f]+$")]
    sha256: Sha256
    size: Annotated[int, Field(ge=0)]
    mime: Annotated[str, Field(pattern=r"^[A-Za-z0-9][\w!#$&^.+-]*/[A-Za-z0-9][\w!#$&^.+-]*$")]


def manifest_hash(entries: Iterable[ManifestEntry]) -> str:
    """SHA-256 of the canonical manifest: entries sorted by name, compact sorted-key UTF-8 JSON."""
    rows = sorted((e.model_dump(mode="json") for e in entries), key=lambda row: row["name"])
    text = json.dumps(rows, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


MAX_SIGNATURE_CHARS = 64 * 1024  # base64 of the CMS DER: the signer cert, its chain, the signature


def signed_content(
    package_uuid: UUID | str,
    service_id: str,
    applicant_idn: str,
    manifest_entries: Iterable[ManifestEntry | Mapping[str, Any]],
) -> bytes:
    """What the clerk's EDS signs: the package's identity and every file's name, hash, size
    and type, as compact sorted-key UTF-8 JSON, entries sorted by name. A signature cannot be
    moved to another package, and a changed file breaks it. The hub recomputes it."""
    rows = []
    for entry in manifest_entries:
        row = entry.model_dump(mode="json") if isinstance(entry, ManifestEntry) else entry
        rows.append(
            {
                "name": str(row["name"]),
                "sha256": str(row["sha256"]),
                "size": int(row["size"]),
                "mime": str(row["mime"]),
            }
        )
    document = {
        "package_uuid": str(UUID(str(package_uuid))),
        "service_id": service_id,
        "applicant_idn": applicant_idn,
        "manifest": sorted(rows, key=lambda row: row["name"]),
    }
    text = json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.encode("utf-8")


class Clerk(_Request):
    login: Label
    full_name: ShortText


MAX_METADATA_DEPTH = 32  # far beyond what a desk sends; deep enough to break JSON readers


def _depth(value: Any) -> int:
    """How deeply lists and objects nest in `value` (a scalar is 0), without recursion."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        item, level = stack.pop()
        children = (
            item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        )
        if children is None:
            continue
        deepest = max(deepest, level + 1)
        if deepest > MAX_METADATA_DEPTH:
            return deepest
        stack.extend((child, level + 1) for child in children)
    return deepest


def _in_utc(value: dt.datetime) -> dt.datetime:
    """The same moment in UTC; refused when UTC cannot hold it (0001-01-01T00:00+01:00)."""
    try:
        return value.astimezone(dt.UTC)
    except OverflowError as exc:
        raise ValueError("the time is out of range once converted to UTC") from exc


class DeclareRequest(_Request):
    """Step 1. The UUID is made on the desk; the hub never invents one."""

    package_uuid: UUID
    receipt_no: ReceiptNo  # "<branch>-<desk>-<sequence>": the declaring device's own
    service_id: ServiceId
    clerk: Clerk
    device_time: Annotated[AwareDatetime, AfterValidator(_in_utc)]  # for information only
    manifest: Annotated[list[ManifestEntry], Field(min_length=1, max_length=1000)]
    manifest_hash: Sha256  # must equal manifest_hash(manifest)
    metadata: dict[str, Any] = Field(default_factory=dict)  # the package as the desk holds it
    supersedes: UUID | None = None  # a correction names the package it replaces
    # The clerk's EDS: base64 of a detached CMS SignedData (DER) over signed_content(...),
    # where applicant_idn is metadata["applicant_idn"].
    signature: (
        Annotated[str, Field(min_length=4, max_length=MAX_SIGNATURE_CHARS, pattern=_BASE64)] | None
    ) = None

    @model_validator(mode="after")
    def _names_unique(self) -> DeclareRequest:
        names = [entry.name for entry in self.manifest]
        if len(names) != len(set(names)):
            raise ValueError("manifest entry names must be unique")
        sizes: dict[str, int] = {}
        for entry in self.manifest:
            if sizes.setdefault(entry.sha256, entry.size) != entry.size:
                raise ValueError(f"blob {entry.sha256} is listed with two different sizes")
        if _depth(self.metadata) > MAX_METADATA_DEPTH:
            raise ValueError(f"metadata is nested deeper than {MAX_METADATA_DEPTH} levels")
        return self

    def content_to_sign(self) -> bytes:
        """The bytes the clerk's signature must cover, recomputed from this declaration."""
        idn = self.metadata.get("applicant_idn")
        return signed_content(
            self.package_uuid, self.service_id, idn if isinstance(idn, str) else "", self.manifest
        )


class PackageStatus(StrEnum):
    DECLARED = "declared"
    RECEIVED = "received"


class DeclareResponse(_Response):
    """The same answer for an identical replay; `missing_blobs` shrinks as blobs arrive."""

    package_uuid: UUID
    status: PackageStatus
    manifest_hash: str
    missing_blobs: list[str]
    received_at: AwareDatetime | None = None


class UploadStatus(_Response):
    """GET/HEAD/PATCH /uploads/{sha256}. `offset == size` and `complete` once verified."""

    sha256: str
    size: int
    offset: int
    complete: bool


class CommitResponse(_Response):
    """Step 3; a replay returns the same answer, `received_at` included."""

    package_uuid: UUID
    status: Literal[PackageStatus.RECEIVED] = PackageStatus.RECEIVED
    manifest_hash: str
    received_at: AwareDatetime


# ---------------------------------------------------------------- decisions


class Outcome(StrEnum):
    GRANTED = "granted"
    REFUSED = "refused"


class GrantKind(StrEnum):
    """What was granted; the values are the catalog's `ResultKind` ones."""

    ATTESTATION_CERTIFICATE = "attestation_certificate"
    PERMISSION = "permission"
    REGISTRATION = "registration"  # the number is the registration cipher


class DecisionRequest(_Request):
    """Granted: kind + number + date. Refused: a reason (a reasoned refusal): `reason`, or
    the reason in both working languages (`reason_kk` and `reason_ru`), or all three. When
    only the two languages are given, the hub fills `reason` with both, so that a desk that
    knows only `reason` still prints the whole text."""

    outcome: Outcome
    kind: GrantKind | None = None
    number: Number | None = None
    date: dt.date | None = None
    reason: LongText | None = None
    reason_kk: LongText | None = None
    reason_ru: LongText | None = None
    decided_by: Annotated[str, Field(max_length=200), _NO_NUL] = ""

    @model_validator(mode="after")
    def _complete(self) -> DecisionRequest:
        reasons = (self.reason, self.reason_kk, self.reason_ru)
        if self.outcome is Outcome.GRANTED:
            if self.kind is None or self.number is None or self.date is None:
                raise ValueError("a grant needs kind, number and date")
            if any(r is not None for r in reasons):
                raise ValueError("a grant carries no refusal reason")
        else:
            if (self.reason_kk is None) != (self.reason_ru is None):
                raise ValueError(
                    "a refusal's reason needs both reason_kk and reason_ru, or neither"
                )
            if not any(r is not None and r.strip() for r in reasons):
                raise ValueError("a refusal needs its reason")
            if any(r is not None and not r.strip() for r in reasons):
                raise ValueError("a refusal reason must not be blank")
            if self.kind is not None or self.number is not None:
                raise ValueError("a refusal carries no kind or number")
        return self

    def full_reason(self) -> str | None:
        """`reason`, or both languages' reasons one after the other (for older desks)."""
        if self.reason is not None or self.reason_kk is None:
            return self.reason
        return f"{self.reason_kk}\n\n{self.reason_ru}"


class Decision(_Response):
    """The committee's decision; a revision has a higher `version`. Keep the latest."""

    package_uuid: UUID
    receipt_no: str
    version: int
    outcome: Outcome
    kind: GrantKind | None = None
    number: str | None = None
    date: dt.date | None = None
    reason: str | None = None
    reason_kk: str | None = None  # the refusal's reason in Kazakh and in Russian, when the
    reason_ru: str | None = None  # committee gave both: print the document's language
    decided_by: str = ""
    decided_at: AwareDatetime


# ---------------------------------------------------------------- pull


class CalendarDay(StrEnum):
    DAY_OFF = "day_off"
    WORKING_DAY = "working_day"
    STANDARD = "standard"  # the override is withdrawn: the standard calendar applies


class CalendarOverride(_Response):
    date: dt.date
    kind: CalendarDay
    note: str = ""
    updated_at: AwareDatetime


class PackageReceivedChange(_Response):
    kind: Literal["package_received"] = "package_received"
    seq: int
    package_uuid: UUID
    receipt_no: str
    manifest_hash: str
    received_at: AwareDatetime


class DecisionChange(_Response):
    kind: Literal["decision"] = "decision"
    seq: int
    decision: Decision


class CalendarOverrideChange(_Response):
    kind: Literal["calendar_override"] = "calendar_override"
    seq: int
    override: CalendarOverride


Change = Annotated[
    PackageReceivedChange | DecisionChange | CalendarOverrideChange,
    Field(discriminator="kind"),
]


class ChangesPage(_Response):
    """Apply the changes and store `next_cursor` in one local transaction."""

    changes: list[Change]
    next_cursor: str
    has_more: bool
    status_page_url: str | None = None  # as in EnrolResponse: the hub's current setting


class PackageState(_Response):
    package_uuid: UUID
    receipt_no: str
    service_id: str
    status: PackageStatus
    manifest_hash: str
    declared_at: AwareDatetime
    received_at: AwareDatetime | None = None
    supersedes: UUID | None = None
    decision: Decision | None = None  # the latest version


class BranchState(_Response):
    """GET state, paged by package UUID. Keep `cursor` from the FIRST page; after the last
    page, follow the feed from it (changes since the first page replay harmlessly)."""

    cursor: str
    packages: list[PackageState]
    calendar_overrides: list[CalendarOverride]  # on the first page only
    has_more: bool
    next_after: UUID | None = None
    status_page_url: str | None = None  # as in EnrolResponse


# ---------------------------------------------------------------- committee


class CommitteePackage(PackageState):
    branch_code: str
    desk_code: str
    device_id: UUID
    clerk_login: str
    clerk_name: str
    device_time: AwareDatetime
    manifest: list[ManifestEntry]
    metadata: dict[str, Any]
    # The clerk's EDS as the hub found it: who signed, and whether the hub checked the
    # signature and chain against its trusted CAs (False: unsigned, or a hub with no CAs).
    signer: str | None = None
    signature_verified: bool = False


class CommitteePackageList(_Response):
    packages: list[CommitteePackage]
    has_more: bool
    next_after: UUID | None = None


# ---------------------------------------------------------------- audit anchoring


def audit_row_hash(
    prev_hash: str,
    seq: int,
    at: str,
    user_id: int | None,
    action: str,
    object_id: str,
    details: Mapping[str, Any],
) -> str:
    """One audit row's chain hash, computed alike on the desk and the hub: the SHA-256 hex of
    compact sorted-key UTF-8 JSON of [prev_hash, seq, at, user_id, action, object_id, details].
    `at` is the row's ISO-8601 text as the desk stores it. Row 1 has prev_hash ""."""
    text = json.dumps(
        [prev_hash, seq, at, user_id, action, object_id, details],
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class AuditHead(BaseModel):
    """The last row of a chain: its sequence number and hash ("" and 0 for an empty chain)."""

    model_config = ConfigDict(frozen=True)

    seq: Annotated[int, Field(ge=0, le=2**62, strict=True)]  # JSON false is not 0
    hash: Annotated[str, Field(pattern=r"^([0-9a-f]{64})?$")]

    @model_validator(mode="after")
    def _empty_or_hashed(self) -> AuditHead:
        if (self.seq == 0) != (self.hash == ""):
            raise ValueError("an empty chain (seq 0) has hash '', any other head a SHA-256")
        return self


class AuditRecord(_Request):
    """One row of a desk's audit chain as it travels to the hub."""

    seq: Annotated[int, Field(ge=1, le=2**62)]
    at: Annotated[str, Field(min_length=1, max_length=40), _NO_NUL]  # ISO-8601, as stored
    user_id: Annotated[int, Field(ge=-(2**62), le=2**62)] | None = None
    user_login: Annotated[str, Field(max_length=64), _NO_NUL] = ""  # for display; not hashed
    action: Label
    object_id: Annotated[str, Field(max_length=64), _NO_NUL] = ""
    details: dict[str, Any] = Field(default_factory=dict)
    prev_hash: Annotated[str, Field(pattern=r"^([0-9a-f]{64})?$")]
    hash: Sha256

    @model_validator(mode="after")
    def _shallow(self) -> AuditRecord:
        if _depth(self.details) > MAX_METADATA_DEPTH:
            raise ValueError(f"details are nested deeper than {MAX_METADATA_DEPTH} levels")
        return self

    def computed_hash(self) -> str:
        return audit_row_hash(
            self.prev_hash,
            self.seq,
            self.at,
            self.user_id,
            self.action,
            self.object_id,
            self.details,
        )


MAX_AUDIT_ROWS = 500  # per POST /audit


class AuditUpload(_Request):
    """POST /audit, on every sync cycle: the rows the hub has not acknowledged yet (ascending,
    contiguous, at most MAX_AUDIT_ROWS), and the desk's current head (the last row it holds)."""

    rows: Annotated[list[AuditRecord], Field(max_length=MAX_AUDIT_ROWS)] = Field(
        default_factory=list
    )
    head: AuditHead

    @model_validator(mode="after")
    def _contiguous(self) -> AuditUpload:
        for before, after in zip(self.rows, self.rows[1:], strict=False):
            if after.seq != before.seq + 1:
                raise ValueError("rows must be in ascending seq order with no gaps")
        if self.rows and self.head.seq < self.rows[-1].seq:
            raise ValueError("the head is behind the rows sent with it")
        return self


class AuditAck(_Response):
    """What the hub now holds for this device; the desk stores it durably."""

    head: AuditHead
    acknowledged_at: AwareDatetime
