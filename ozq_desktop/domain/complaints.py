"""The complaints journal (seed §11): a complaint about the service centre's staff is
registered with an incoming number and date, and must be answered within 5 working days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ozq_desktop.domain import audit
from ozq_desktop.domain.accounts import Role, require_role
from ozq_desktop.errors import ConflictError, NotFoundError, ValidationError
from ozq_desktop.models import Complaint, User
from ozq_wire.calendar import WorkingCalendar


@dataclass(frozen=True)
class NewComplaint:
    incoming_no: str
    registered_on: date
    complainant: str
    about: str
    text: str


@dataclass(frozen=True)
class ComplaintLine:
    id: int
    incoming_no: str
    registered_on: date
    complainant: str
    about: str
    text: str
    deadline: date
    answer: str | None
    answered_on: date | None
    overdue: bool


def _line(c: Complaint, today: date) -> ComplaintLine:
    overdue = c.answered_on is None and today > c.deadline
    return ComplaintLine(
        c.id,
        c.incoming_no,
        c.registered_on,
        c.complainant,
        c.about,
        c.text,
        c.deadline,
        c.answer,
        c.answered_on,
        overdue,
    )


def register_complaint(
    *, session: Session, actor: User, calendar: WorkingCalendar, new: NewComplaint
) -> ComplaintLine:
    require_role(actor, Role.SUPERVISOR)
    for value in (new.incoming_no, new.complainant, new.about, new.text):
        if not value.strip():
            raise ValidationError("Fill in every field of the complaint.")
    deadline = calendar.complaint_deadline(datetime.combine(new.registered_on, datetime.min.time()))
    complaint = Complaint(
        incoming_no=new.incoming_no.strip(),
        registered_on=new.registered_on,
        complainant=new.complainant.strip(),
        about=new.about.strip(),
        text=new.text.strip(),
        deadline=deadline,
        registered_by=actor.id,
    )
    try:
        with session.begin_nested():
            session.add(complaint)
            session.flush()
    except IntegrityError:
        raise ConflictError(
            "A complaint with the incoming number {number} is already registered.",
            number=new.incoming_no.strip(),
        ) from None
    audit.record(
        session=session,
        action="complaint_registered",
        user_id=actor.id,
        object_id=str(complaint.id),
        details={"incoming_no": complaint.incoming_no},
    )
    return _line(complaint, new.registered_on)


def answer_complaint(
    *, session: Session, actor: User, complaint_id: int, answer: str, answered_on: date
) -> ComplaintLine:
    require_role(actor, Role.SUPERVISOR)
    complaint = session.get(Complaint, complaint_id)
    if complaint is None:
        raise NotFoundError("No such complaint.")
    if not answer.strip():
        raise ValidationError("Write the answer to the complaint.")
    if answered_on < complaint.registered_on:
        raise ValidationError("The answer cannot be dated before the complaint was registered.")
    complaint.answer, complaint.answered_on = answer.strip(), answered_on
    audit.record(
        session=session, action="complaint_answered", user_id=actor.id, object_id=str(complaint.id)
    )
    return _line(complaint, answered_on)


def complaints_journal(*, session: Session, today: date) -> list[ComplaintLine]:
    rows = session.scalars(select(Complaint).order_by(Complaint.registered_on.desc(), Complaint.id))
    return [_line(c, today) for c in rows]
