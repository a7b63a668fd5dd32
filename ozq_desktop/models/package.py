from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ozq_desktop.models.base import Base, now

if TYPE_CHECKING:  # the wire schemas (pydantic) load when a manifest is first built
    from ozq_wire.protocol import ManifestEntry


def reversed_receipt(receipt_no: str) -> str:
    return receipt_no[::-1].lower()


class Package(Base):
    """One application as taken at the counter. Never edited once accepted, but for its status
    and what comes back from the committee; a correction is a new package that supersedes it."""

    __tablename__ = "packages"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    receipt_no: Mapped[str] = mapped_column(String(40), unique=True)
    # The receipt number backwards, lower case: its index finds a number by its last digits,
    # as clerks type it (domain/packages.search). Set from receipt_no on insert.
    receipt_rev: Mapped[str] = mapped_column(
        String(40), default=lambda ctx: reversed_receipt(ctx.get_current_parameters()["receipt_no"])
    )
    service_id: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(32))
    place: Mapped[str] = mapped_column(String(16), default="counter")
    visit_address: Mapped[str] = mapped_column(String(500), default="")
    visit_reason: Mapped[str] = mapped_column(String(500), default="")

    applicant_type: Mapped[str] = mapped_column(String(32))
    applicant_idn: Mapped[str] = mapped_column(String(12), default="")
    applicant_name: Mapped[str] = mapped_column(String(300))
    applicant_name_fold: Mapped[str] = mapped_column(String(300))
    applicant_address: Mapped[str] = mapped_column(String(500), default="")
    applicant_phone: Mapped[str] = mapped_column(String(64), default="")
    applicant_email: Mapped[str] = mapped_column(String(200), default="")
    # A non-resident legal entity without a Kazakh BIN: its registration abroad.
    applicant_foreign_reg_no: Mapped[str] = mapped_column(String(64), default="", server_default="")
    applicant_country: Mapped[str] = mapped_column(String(100), default="", server_default="")
    representative: Mapped[dict[str, Any] | None]

    clerk_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    accepted_at: Mapped[datetime]
    accepted_day: Mapped[date]
    # The committee's due date: follows the working calendar while the package is open.
    result_date: Mapped[date | None]
    # The date printed on the applicant's receipt (the legal end of the term); never moves.
    promised_date: Mapped[date | None]
    training: Mapped[bool] = mapped_column(default=False, server_default="0")
    service_seconds: Mapped[int] = mapped_column(default=0)
    # The applicant's queue ticket (none for a home visit) and the wait from its issue to the
    # start of service (domain/waiting.py); None when the ticket's time is not known.
    ticket_number: Mapped[str] = mapped_column(String(20), default="")
    ticket_issued_at: Mapped[datetime | None]
    wait_seconds: Mapped[int | None]
    annex1: Mapped[dict[str, Any]] = mapped_column(default=dict)
    consent: Mapped[bool] = mapped_column(default=False)
    missing_documents: Mapped[list[Any]] = mapped_column(default=list)
    manifest_hash: Mapped[str] = mapped_column(String(64), default="")
    # The clerk's CMS detached signature over the signed content (ozq_desktop.signing).
    signature: Mapped[bytes | None]
    signer: Mapped[str | None] = mapped_column(String(500))
    supersedes_id: Mapped[str | None] = mapped_column(ForeignKey("packages.id"))

    decision_kind: Mapped[str | None] = mapped_column(String(32))
    decision_number: Mapped[str | None] = mapped_column(String(100))
    decision_date: Mapped[date | None]
    decision_reason: Mapped[str | None]
    # The committee's reason in each language, when it gave both (printed in the document's).
    decision_reason_kk: Mapped[str | None]
    decision_reason_ru: Mapped[str | None]
    decision_version: Mapped[int] = mapped_column(default=0)
    decision_received_at: Mapped[datetime | None]

    handed_over_at: Mapped[datetime | None]
    handed_over_to: Mapped[dict[str, Any] | None]

    created_at: Mapped[datetime] = mapped_column(default=now)
    updated_at: Mapped[datetime] = mapped_column(default=now, onupdate=now)

    documents: Mapped[list[PackageDocument]] = relationship(
        back_populates="package", cascade="all, delete-orphan", order_by="PackageDocument.position"
    )
    files: Mapped[list[PackageFile]] = relationship(
        back_populates="package", cascade="all, delete-orphan", order_by="PackageFile.id"
    )

    __table_args__ = (
        Index("ix_packages_day_clerk", "accepted_day", "clerk_id"),
        Index("ix_packages_idn", "applicant_idn"),
        Index("ix_packages_receipt_rev", "receipt_rev"),
        Index("ix_packages_name_fold", "applicant_name_fold"),
        Index("ix_packages_status_due", "status", "training", "result_date"),
        Index("ix_packages_handed_over_at", "handed_over_at"),
    )


class PackageDocument(Base):
    """One line of the service's checklist as the clerk found it: the facts of
    `domain.checklist.PresentedDocument`, a column each, and the document's names."""

    __tablename__ = "package_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    package_id: Mapped[str] = mapped_column(
        ForeignKey("packages.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    code: Mapped[str] = mapped_column(String(64))
    name_kk: Mapped[str]
    name_ru: Mapped[str]
    presented: Mapped[bool]
    pages: Mapped[int] = mapped_column(default=0)
    expertise_date: Mapped[date | None]
    signed_by_head: Mapped[bool | None]
    sealed: Mapped[bool | None]
    bound: Mapped[bool | None]
    bound_pages: Mapped[int | None]
    expired_choice: Mapped[str | None] = mapped_column(String(32))

    package: Mapped[Package] = relationship(back_populates="documents")


class PackageFile(Base):
    """A manifest entry: a scan in the content-addressed store."""

    __tablename__ = "package_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    package_id: Mapped[str] = mapped_column(
        ForeignKey("packages.id", ondelete="CASCADE"), index=True
    )
    document_code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(300))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    mime: Mapped[str] = mapped_column(String(64))

    package: Mapped[Package] = relationship(back_populates="files")

    @classmethod
    def of(cls, document_code: str, entry: ManifestEntry) -> PackageFile:
        return cls(document_code=document_code, **entry.model_dump())

    def entry(self) -> ManifestEntry:
        """The file as the hub sees it (validated again, as the hub will)."""
        from ozq_wire.protocol import ManifestEntry

        return ManifestEntry(name=self.name, sha256=self.sha256, size=self.size, mime=self.mime)
