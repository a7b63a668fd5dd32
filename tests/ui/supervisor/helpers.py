"""Packages put on a UI test's desk through the domain, as acceptance and the hub would."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from ozq_desktop.domain import handover
from ozq_desktop.domain.acceptance import accept_package
from ozq_desktop.domain.accounts import HUB
from ozq_desktop.domain.drafts import ScanDraft
from ozq_desktop.storage.engine import transaction
from tests.domain.helpers import VALID_BIN, draft_for
from tests.signing.pki import sign_draft

CODES = ["application", "declaration", "expert_conclusion"]


def accept_one(app, clerk, seed: int, at: datetime | None = None):
    """A service-3 package from a legal entity, with real (random) scan bytes in the store."""
    rng = random.Random(seed)
    at = at or datetime.now().replace(microsecond=0)
    draft = draft_for(
        "declaration-registration",
        "legal_entity",
        VALID_BIN,
        CODES,
        expertise_date=at.date() - timedelta(days=10),
    )
    for code in CODES:
        body = b"%PDF-1.4\n" + rng.randbytes(5_000) + b"\n%%EOF\n"
        ref = app.desk.scans.add_bytes(body, f"{code}.pdf")
        draft.documents[code].scans = [ScanDraft(ref.sha256, ref.size, ref.mime, ref.name)]
    with transaction(app.desk.factory) as s:
        return accept_package(
            session=s,
            catalog=app.desk.catalog,
            draft=draft,
            clerk=clerk,
            at=at,
            signature=sign_draft(draft),
        )


def decide(app, package_id: str, granted: bool = True) -> None:
    """The committee's decision as the change feed would bring it."""
    with transaction(app.desk.factory) as s:
        handover.apply_decision(
            session=s,
            actor=HUB,
            package_id=package_id,
            decision=handover.DecisionData(
                version=1,
                granted=granted,
                kind="registration" if granted else None,
                number="ДПБ-2026-0042" if granted else None,
                decided_on=date(2026, 12, 1),
                reason=None if granted else "Декларация толық емес",
            ),
        )
