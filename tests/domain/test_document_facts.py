"""A presented document's facts are declared once (checklist.PresentedDocument): the wizard's
draft, the stored row and the hub's metadata take the same names, so none is copied by hand."""

from __future__ import annotations

from dataclasses import fields
from datetime import date

from ozq_desktop.domain.checklist import FACTS, PresentedDocument, facts_of
from ozq_desktop.domain.drafts import DocumentDraft
from ozq_desktop.models import PackageDocument


def test_every_fact_is_a_draft_field_and_a_stored_column():
    draft_fields = {f.name for f in fields(DocumentDraft)}
    columns = set(PackageDocument.__table__.columns.keys())
    assert set(FACTS) <= draft_fields
    assert set(FACTS) <= columns
    assert set(FACTS) | {"scan_pages"} == {f.name for f in fields(PresentedDocument)}


def test_a_draft_document_carries_its_facts_unchanged():
    draft = DocumentDraft(
        code="expert_conclusion",
        presented=True,
        pages=3,
        expertise_date=date(2026, 11, 2),
        signed_by_head=True,
        sealed=False,
        bound=True,
        bound_pages=12,
    )
    assert facts_of(draft.as_presented()) == facts_of(draft)
