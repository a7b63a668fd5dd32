"""A package as the committee reviews it: what the desk sent, the expert conclusion's
contents from the catalog as a checklist, the review draft, and the decisions so far."""

from __future__ import annotations

import contextlib
import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ozq_hub.console import audit
from ozq_hub.console.accounts import SignedIn
from ozq_hub.models import (
    Branch,
    DecisionRow,
    HubAuditRow,
    ManifestEntryRow,
    Package,
    ReviewDraft,
)
from ozq_hub.service import rules
from ozq_hub.service.decisions import decision_view
from ozq_wire import protocol as p

INLINE_TYPES = {"application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp"}
MAX_NOTE = 2000


class ReviewConflict(Exception):
    """Someone saved the draft after this form was opened."""


@dataclass
class ChecklistItem:
    key: str
    text: dict[str, str]
    checked: bool = False
    note: str = ""


@dataclass
class ChecklistSection:
    title: dict[str, str]
    applies_to: dict[str, str] | None
    items: list[ChecklistItem]


@dataclass
class DocumentView:
    code: str
    name: dict[str, str]
    presented: bool
    pages: int | None
    files: list[p.ManifestEntry] = field(default_factory=list)


@dataclass
class PackageView:
    package: Package
    branch_name: str
    service: rules.Service | None
    manifest: list[p.ManifestEntry]
    documents: list[DocumentView]
    loose_files: list[p.ManifestEntry]
    checklist: list[ChecklistSection]
    general_note: str
    draft_version: int
    draft_updated_at: dt.datetime | None
    decisions: list[p.Decision]
    desk_audit: list[dict[str, Any]]
    hub_audit: list[HubAuditRow]

    @property
    def latest(self) -> p.Decision | None:
        return self.decisions[-1] if self.decisions else None

    @property
    def details(self) -> dict[str, Any]:
        return self.package.details or {}

    @property
    def representative(self) -> dict[str, Any] | None:
        rep = self.details.get("representative")
        return rep if isinstance(rep, dict) and rep else None


def visible_package(session: Session, user: SignedIn, package_uuid: uuid.UUID) -> Package | None:
    """The package if it exists, is received and belongs to the user's department. None
    otherwise: another department's package looks exactly like a missing one."""
    package = session.get(Package, package_uuid)
    if package is None or package.status != p.PackageStatus.RECEIVED.value:
        return None
    return package if user.sees(package.branch_code) else None


def item_keys(service: rules.Service | None) -> list[str]:
    if service is None:
        return []
    return [
        f"{s}.{i}"
        for s, section in enumerate(service.expert_conclusion, start=1)
        for i in range(1, len(section.items) + 1)
    ]


def _checklist(service: rules.Service | None, draft: ReviewDraft | None):
    checked = draft.checked if draft else {}
    notes = draft.notes if draft else {}
    sections = []
    for s, section in enumerate(service.expert_conclusion if service else [], start=1):
        items = [
            ChecklistItem(
                key=f"{s}.{i}",
                text=item.as_dict(),
                checked=bool(checked.get(f"{s}.{i}")),
                note=str(notes.get(f"{s}.{i}", "")),
            )
            for i, item in enumerate(section.items, start=1)
        ]
        sections.append(
            ChecklistSection(
                title=section.title.as_dict(),
                applies_to=section.applies_to.as_dict() if section.applies_to else None,
                items=items,
            )
        )
    return sections


def _documents(
    service: rules.Service | None, details: dict[str, Any], manifest: list[p.ManifestEntry]
) -> tuple[list[DocumentView], list[p.ManifestEntry]]:
    by_name = {entry.name: entry for entry in manifest}
    placed: set[str] = set()
    files_of: dict[str, list[p.ManifestEntry]] = {}
    for item in details.get("files") or []:
        if isinstance(item, dict) and item.get("name") in by_name:
            files_of.setdefault(str(item.get("document_code")), []).append(by_name[item["name"]])
            placed.add(item["name"])
    documents = []
    for raw in details.get("documents") or []:
        if not isinstance(raw, dict):
            continue
        code = str(raw.get("code", ""))
        name = {"kk": code, "ru": code}
        if service is not None:
            with contextlib.suppress(KeyError):
                name = service.document(code).name.as_dict()
        pages = raw.get("pages")
        documents.append(
            DocumentView(
                code=code,
                name=name,
                presented=bool(raw.get("presented")),
                pages=pages if isinstance(pages, int) else None,
                files=files_of.get(code, []),
            )
        )
    loose = [entry for entry in manifest if entry.name not in placed]
    return documents, loose


def manifest_of(session: Session, package_uuid: uuid.UUID) -> list[p.ManifestEntry]:
    return [
        p.ManifestEntry(name=row.name, sha256=row.sha256, size=row.size, mime=row.mime)
        for row in session.execute(
            select(ManifestEntryRow)
            .where(ManifestEntryRow.package_uuid == package_uuid)
            .order_by(ManifestEntryRow.position)
        ).scalars()
    ]


def package_view(session: Session, package: Package, *, audit_rows: int = 50) -> PackageView:
    """Everything the package page shows, with the newest `audit_rows` rows of the hub's
    audit trail for the package."""
    service = rules.service_or_none(package.service_id)
    manifest = manifest_of(session, package.uuid)
    draft = session.get(ReviewDraft, package.uuid)
    decisions = [
        decision_view(row, package.receipt_no)
        for row in session.execute(
            select(DecisionRow)
            .where(DecisionRow.package_uuid == package.uuid)
            .order_by(DecisionRow.version)
        ).scalars()
    ]
    details = package.details or {}
    documents, loose = _documents(service, details, manifest)
    desk_audit = [row for row in details.get("audit") or [] if isinstance(row, dict)]
    branch = session.get(Branch, package.branch_code)
    return PackageView(
        package=package,
        branch_name=branch.name if branch else package.branch_code,
        service=service,
        manifest=manifest,
        documents=documents,
        loose_files=loose,
        checklist=_checklist(service, draft),
        general_note=str((draft.notes if draft else {}).get("", "")),
        draft_version=draft.version if draft else 0,
        draft_updated_at=draft.updated_at if draft else None,
        decisions=decisions,
        desk_audit=desk_audit,
        hub_audit=audit.for_package(session, package.uuid, limit=audit_rows),
    )


def save_draft(
    session: Session,
    *,
    package: Package,
    user: SignedIn,
    checked: set[str],
    notes: dict[str, str],
    expected_version: int,
    now: dt.datetime,
) -> int:
    """Store the ticks and notes; the new draft version. ReviewConflict when someone saved
    after `expected_version` was read (the form shows the newer draft instead)."""
    keys = set(item_keys(rules.service_or_none(package.service_id)))
    checked = {key for key in checked if key in keys}
    notes = {
        k: v.strip()[:MAX_NOTE] for k, v in notes.items() if (k in keys or k == "") and v.strip()
    }
    draft = session.execute(
        select(ReviewDraft).where(ReviewDraft.package_uuid == package.uuid).with_for_update()
    ).scalar_one_or_none()
    current = draft.version if draft else 0
    if current != expected_version:
        raise ReviewConflict
    if draft is None:
        draft = ReviewDraft(package_uuid=package.uuid, version=0)
        session.add(draft)
    draft.checked = {key: True for key in sorted(checked)}
    draft.notes = notes
    draft.version = current + 1
    draft.updated_by = user.user_id
    draft.updated_at = now
    if package.review_state == "new":
        package.review_state = "in_review"
    session.flush()
    return draft.version


def grant_kinds(service: rules.Service | None) -> list[str]:
    if service is None:
        return [k.value for k in p.GrantKind]
    return [r.value for r in service.results if r is not rules.ResultKind.REASONED_REFUSAL]
