"""The hub's tables, as SQLAlchemy 2 typed models with a Base of their own.

The schema is built by the Alembic migrations in `ozq_hub/migrations`, never by
`create_all`; these classes must match them.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    Uuid,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from ozq_wire.naming import NAMING  # one constraint-naming convention for both


class UtcDateTime(TypeDecorator[dt.datetime]):
    """Stored in UTC; always read back timezone-aware (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: dt.datetime | None, dialect) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict] = {
        dt.datetime: UtcDateTime(),
        dt.date: Date(),
        dict[str, Any]: JSON(),
    }


class HubMeta(Base):
    """One row. `epoch` changes when the hub is restored from a backup; cursors carry it.
    Cursors below `horizon_seq` were pruned and are no longer honoured."""

    __tablename__ = "hub_meta"
    id: Mapped[int] = mapped_column(primary_key=True)
    epoch: Mapped[str] = mapped_column(String(32))
    horizon_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[dt.datetime]


class ChangeSequence(Base):
    """One row, bumped inside each transaction that writes the change log. The row lock
    it takes is held until commit, so sequence numbers are handed out in commit order."""

    __tablename__ = "change_sequence"
    id: Mapped[int] = mapped_column(primary_key=True)
    last_seq: Mapped[int] = mapped_column(BigInteger, default=0)


class Branch(Base):
    __tablename__ = "branch"
    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime]


class EnrolmentCode(Base):
    __tablename__ = "enrolment_code"
    id: Mapped[int] = mapped_column(primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    branch_code: Mapped[str] = mapped_column(ForeignKey("branch.code"))
    created_at: Mapped[dt.datetime]
    expires_at: Mapped[dt.datetime]
    used_at: Mapped[dt.datetime | None]
    device_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    # The desk's enrolment nonce, hashed: a retry with the same code and nonce soon after
    # the first use gets the same device back (a lost answer does not burn the code).
    nonce_hash: Mapped[str | None] = mapped_column(String(64))


class Device(Base):
    """An enrolled desk. At most one active (not revoked) device per branch and desk code."""

    __tablename__ = "device"
    __table_args__ = (
        Index(
            "uq_device_active_desk",
            "branch_code",
            "desk_code",
            unique=True,
            sqlite_where=text("revoked_at IS NULL"),
            postgresql_where=text("revoked_at IS NULL"),
        ),
    )
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    branch_code: Mapped[str] = mapped_column(ForeignKey("branch.code"), index=True)
    desk_code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    enrolled_at: Mapped[dt.datetime]
    revoked_at: Mapped[dt.datetime | None]
    last_seen_at: Mapped[dt.datetime | None]


class CommitteeToken(Base):
    __tablename__ = "committee_token"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime]
    revoked_at: Mapped[dt.datetime | None]


# A received package waits for the committee while its review state is one of these (a
# decision sets it to the outcome); the partial index below holds exactly those packages.
OPEN_REVIEW_STATES = ("new", "in_review")
OPEN_PACKAGES = "status = 'received' AND review_state IN ('new', 'in_review')"


class Package(Base):
    __tablename__ = "package"
    __table_args__ = (
        Index("ix_package_device_declared", "device_id", "declared_at"),
        Index("ix_package_queue", "due_date", "uuid"),
        Index("ix_package_branch_due", "branch_code", "due_date", "uuid"),
        Index("ix_package_state_due", "review_state", "due_date", "uuid"),
        # Still to decide, in the queue's order: the "not yet decided" queue and the overdue
        # and due-today counts read this small index alone.
        Index(
            "ix_package_open_due",
            "due_date",
            "uuid",
            "branch_code",
            "service_id",
            postgresql_where=text(OPEN_PACKAGES),
            sqlite_where=text(OPEN_PACKAGES),
        ),
        # Search by a part of the applicant's name or of a receipt number (LIKE '%part%'):
        # trigrams, PostgreSQL's pg_trgm, created by migration 0005 where the extension is
        # available; SQLite has none.
        Index(
            "ix_package_name_trgm",
            "applicant_name_fold",
            postgresql_using="gin",
            postgresql_ops={"applicant_name_fold": "gin_trgm_ops"},
            info={"dialects": ("postgresql",)},
        ),
        Index(
            "ix_package_receipt_trgm",
            "receipt_no",
            postgresql_using="gin",
            postgresql_ops={"receipt_no": "gin_trgm_ops"},
            info={"dialects": ("postgresql",)},
        ),
        Index(
            "ix_package_idn_prefix",
            "applicant_idn",
            postgresql_ops={"applicant_idn": "text_pattern_ops"},
        ),
    )
    uuid: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    branch_code: Mapped[str] = mapped_column(ForeignKey("branch.code"), index=True)
    device_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("device.id"))
    desk_code: Mapped[str] = mapped_column(String(64))
    receipt_no: Mapped[str] = mapped_column(String(64), index=True)
    service_id: Mapped[str] = mapped_column(String(64))
    clerk_login: Mapped[str] = mapped_column(String(64))
    clerk_name: Mapped[str] = mapped_column(String(200))
    device_time: Mapped[dt.datetime]
    details: Mapped[dict[str, Any]]
    manifest_hash: Mapped[str] = mapped_column(String(64))
    supersedes: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    status: Mapped[str] = mapped_column(String(16))
    declared_at: Mapped[dt.datetime]
    received_at: Mapped[dt.datetime | None]
    received_seq: Mapped[int | None] = mapped_column(BigInteger)
    # The clerk's EDS (detached CMS DER) as declared; verified against the hub's trusted CAs
    # when it has any, otherwise stored unchecked.
    signature: Mapped[bytes | None] = mapped_column(LargeBinary)
    signer: Mapped[str | None] = mapped_column(String(500))
    signature_verified: Mapped[bool] = mapped_column(default=False)
    # For the console's queue and the status page, copied from the metadata at declaration
    # and computed at commit (ozq_hub.service.due); recomputed when the calendar changes.
    applicant_idn: Mapped[str] = mapped_column(String(12), default="")
    applicant_name: Mapped[str] = mapped_column(String(300), default="")
    applicant_name_fold: Mapped[str] = mapped_column(String(300), default="")
    accepted_on: Mapped[dt.date | None]  # the desk's wall-clock day of acceptance
    due_date: Mapped[dt.date | None]  # the committee's due date (service 3: a day early)
    legal_due_date: Mapped[dt.date | None]  # the end of the legal term: the applicant's date
    # new -> in_review (a draft saved) -> granted / refused (the latest decision)
    review_state: Mapped[str] = mapped_column(String(16), default="new")


class ManifestEntryRow(Base):
    __tablename__ = "manifest_entry"
    package_uuid: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("package.uuid", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(255), primary_key=True)
    position: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(BigInteger)
    mime: Mapped[str] = mapped_column(String(127))


class Blob(Base):
    """A blob whose full SHA-256 was verified; its bytes are in the blob directory."""

    __tablename__ = "blob"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    stored_at: Mapped[dt.datetime]


class BranchBlob(Base):
    """A branch proved it holds a blob's bytes (it uploaded them): its packages may name the
    blob without sending it again. Deduplication never crosses branches."""

    __tablename__ = "branch_blob"
    branch_code: Mapped[str] = mapped_column(String(64), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    stored_at: Mapped[dt.datetime]


class ThrottleEvent(Base):
    """A failure counted against a key (e.g. wrong enrolment codes per client address), in
    the database so every worker and a restarted hub see the same count."""

    __tablename__ = "throttle_event"
    __table_args__ = (Index("ix_throttle_event_key_at", "key", "at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200))
    at: Mapped[dt.datetime]


class AuditRecordRow(Base):
    """A desk's audit row as it uploaded it; append-only, never updated."""

    __tablename__ = "audit_record"
    device_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("device.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    at: Mapped[str] = mapped_column(String(40))
    user_id: Mapped[int | None] = mapped_column(BigInteger)
    user_login: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    object_id: Mapped[str] = mapped_column(String(64))
    details: Mapped[dict[str, Any]]
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[dt.datetime]


class AuditHeadRow(Base):
    """Every head a desk announced, append-only. `conflict` is NULL for an accepted head;
    otherwise it says how the announcement contradicted what the hub held."""

    __tablename__ = "audit_head"
    __table_args__ = (Index("ix_audit_head_device", "device_id", "id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    device_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("device.id"))
    seq: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[dt.datetime]
    conflict: Mapped[str | None] = mapped_column(Text)


class MaintenanceLease(Base):
    """Who runs a periodic job (e.g. the daily prune) until when: one hub process at a time,
    whichever takes the expired lease first."""

    __tablename__ = "maintenance_lease"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(200))
    expires_at: Mapped[dt.datetime]
    last_run_at: Mapped[dt.datetime | None]


class Upload(Base):
    """A branch's upload of a blob: how many bytes every instance can build on. The chunks
    are in the blob store (`partial/<sha256>.<branch key>/<offset>`); this row is locked
    while one is written."""

    __tablename__ = "upload"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    branch_code: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    offset: Mapped[int] = mapped_column(BigInteger, default=0)
    started_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime]


class DecisionRow(Base):
    __tablename__ = "decision"
    __table_args__ = (UniqueConstraint("package_uuid", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    package_uuid: Mapped[uuid.UUID] = mapped_column(ForeignKey("package.uuid"))
    version: Mapped[int]
    outcome: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str | None] = mapped_column(String(32))
    number: Mapped[str | None] = mapped_column(String(100))
    decision_date: Mapped[dt.date | None]
    reason: Mapped[str | None] = mapped_column(Text)
    reason_kk: Mapped[str | None] = mapped_column(Text)
    reason_ru: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[str] = mapped_column(String(200))
    decided_at: Mapped[dt.datetime]
    seq: Mapped[int] = mapped_column(BigInteger)


class CalendarOverrideRow(Base):
    __tablename__ = "calendar_override"
    day: Mapped[dt.date] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[dt.datetime]
    seq: Mapped[int] = mapped_column(BigInteger)


class ChangeLogRow(Base):
    """The feed. `branch_code` NULL reaches every branch (calendar overrides)."""

    __tablename__ = "change_log"
    __table_args__ = (Index("ix_change_log_branch_seq", "branch_code", "seq"),)
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    branch_code: Mapped[str | None] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32))
    package_uuid: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    payload: Mapped[dict[str, Any]]
    committed_at: Mapped[dt.datetime]


# ---------------------------------------------------------------- the committee's console
# Every piece of console state lives here, in the database, so that several hub processes
# behind one proxy share sessions, lockouts, rate limits and review drafts.


class ConsoleUser(Base):
    """A committee member who signs in to /console. `role`: reviewer, head or administrator."""

    __tablename__ = "console_user"
    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(200))
    failed_attempts: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[dt.datetime | None]
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime]


class ConsoleUserBranch(Base):
    """A user's department: the branches whose packages the user sees."""

    __tablename__ = "console_user_branch"
    user_id: Mapped[int] = mapped_column(
        ForeignKey("console_user.id", ondelete="CASCADE"), primary_key=True
    )
    branch_code: Mapped[str] = mapped_column(ForeignKey("branch.code"), primary_key=True)


class ConsoleSession(Base):
    """A signed-in browser. The cookie holds a random token; the row keeps its SHA-256."""

    __tablename__ = "console_session"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("console_user.id", ondelete="CASCADE"), index=True
    )
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime]
    last_seen_at: Mapped[dt.datetime]
    expires_at: Mapped[dt.datetime]  # the absolute limit, whatever the activity


class RateLimit(Base):
    """A fixed-window counter per key (e.g. "status-ip:203.0.113.9")."""

    __tablename__ = "rate_limit"
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    window_start: Mapped[dt.datetime] = mapped_column(index=True)
    count: Mapped[int]


class ReviewDraft(Base):
    """The committee's review of a package's expert conclusion: ticks and notes per item."""

    __tablename__ = "review_draft"
    package_uuid: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("package.uuid", ondelete="CASCADE"), primary_key=True
    )
    checked: Mapped[dict[str, Any]]  # item key -> true
    notes: Mapped[dict[str, Any]]  # item key -> text; "" -> the general note
    version: Mapped[int]
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("console_user.id"))
    updated_at: Mapped[dt.datetime]


class HubAuditRow(Base):
    """Who did what on the hub: sign-ins, package and scan views, drafts, decisions, admin."""

    __tablename__ = "hub_audit"
    __table_args__ = (Index("ix_hub_audit_package", "package_uuid", "id"),)
    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), primary_key=True
    )
    at: Mapped[dt.datetime]
    user_id: Mapped[int | None]
    user_login: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    package_uuid: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    address: Mapped[str] = mapped_column(String(64), default="")
    details: Mapped[dict[str, Any]]
