"""The committee's result coming back and going to the applicant.

A decision arriving from the hub moves the package to "result ready" (granted or refused);
the clerk then hands it over to the applicant or to a representative with a power of
attorney, and the package becomes "issued"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from ozq_desktop.domain import audit
from ozq_desktop.domain.accounts import HUB, Role, SystemActor, require_role
from ozq_desktop.domain.identifiers import validate
from ozq_desktop.domain.lifecycle import (
    RESULT_READY,
    PackageStatus,
    advance_along_push,
    check_transition,
)
from ozq_desktop.domain.packages import by_id
from ozq_desktop.errors import AuthorizationError, ValidationError
from ozq_desktop.models import Package, User
from ozq_desktop.models.base import now as wall_clock

S = PackageStatus


@dataclass(frozen=True)
class DecisionData:
    """The committee's decision as the desk stores it (from the hub's change feed)."""

    version: int
    granted: bool
    kind: str | None = None  # attestation_certificate | permission | registration
    number: str | None = None  # certificate/permission number or registration cipher
    decided_on: date | None = None
    reason: str | None = None
    reason_kk: str | None = None  # the reason in each language, when the committee gave both
    reason_ru: str | None = None


def apply_decision(
    *, session: Session, package_id: str, decision: DecisionData, actor: User | SystemActor | None
) -> bool:
    """Store the decision unless an equal or newer version is already held. Returns whether
    anything changed. A package not yet marked received passes through "received" first: the
    hub only decides on packages it has committed. Only the hub's feed brings decisions."""
    if actor is not HUB:
        raise AuthorizationError("Only the committee's decision from the hub can be stored.")
    package = session.get(Package, package_id)
    if package is None:
        return False
    if decision.version <= package.decision_version:
        return False
    target = S.DECISION_GRANTED if decision.granted else S.DECISION_REFUSED
    status = advance_along_push(package.status, S.RECEIVED)
    if status is not S.ISSUED and status is not target:
        status = check_transition(status, target)
    package.status = status.value
    package.decision_kind = decision.kind if decision.granted else "reasoned_refusal"
    package.decision_number = decision.number
    package.decision_date = decision.decided_on
    package.decision_reason = decision.reason
    both = decision.reason_kk and decision.reason_ru and not decision.granted
    package.decision_reason_kk = decision.reason_kk if both else None
    package.decision_reason_ru = decision.reason_ru if both else None
    package.decision_version = decision.version
    package.decision_received_at = wall_clock()
    audit.record(
        session=session,
        action="decision_received",
        user_id=None,
        object_id=package.id,
        details={"version": decision.version, "granted": decision.granted},
    )
    return True


@dataclass(frozen=True)
class Recipient:
    """Who takes the result: the applicant in person, or a representative by power of attorney."""

    full_name: str
    iin: str = ""
    poa_number: str = ""
    poa_date: date | None = None
    is_representative: bool = False


def hand_over(
    *,
    session: Session,
    clerk: User,
    package_id: str,
    recipient: Recipient,
    at: datetime | None = None,
) -> Package:
    require_role(clerk, Role.CLERK, Role.MOBILE_CLERK, Role.SUPERVISOR)
    at = at or wall_clock()
    package = by_id(session=session, package_id=package_id)
    if S(package.status) not in RESULT_READY:
        check_transition(package.status, S.ISSUED)  # raises with the clerk-facing message
    if not recipient.full_name.strip():
        raise ValidationError("Enter the full name of the person taking the result.")
    if recipient.iin.strip():
        validate(recipient.iin)
    if recipient.is_representative:
        if not recipient.iin.strip():
            raise ValidationError("Enter the representative's IIN.")
        if not recipient.poa_number.strip() or recipient.poa_date is None:
            raise ValidationError("Enter the number and date of the power of attorney.")
        if recipient.poa_date > at.date():
            raise ValidationError("The power of attorney cannot be dated in the future.")
    package.status = check_transition(package.status, S.ISSUED).value
    package.handed_over_at = at
    package.handed_over_to = {
        "full_name": recipient.full_name.strip(),
        "iin": recipient.iin.strip(),
        "poa_number": recipient.poa_number.strip(),
        "poa_date": recipient.poa_date.isoformat() if recipient.poa_date else None,
        "is_representative": recipient.is_representative,
        "clerk_id": clerk.id,
    }
    audit.record(
        session=session,
        action="handed_over",
        user_id=clerk.id,
        object_id=package.id,
        details={"representative": recipient.is_representative},
        at=at,
    )
    return package
