from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ozq_desktop.models.base import Base, now


class Complaint(Base):
    """A complaint about the service centre's staff (seed §11): answered within 5 working days."""

    __tablename__ = "complaints"

    id: Mapped[int] = mapped_column(primary_key=True)
    incoming_no: Mapped[str] = mapped_column(String(64), unique=True)
    registered_on: Mapped[date]
    complainant: Mapped[str] = mapped_column(String(300))
    about: Mapped[str] = mapped_column(String(300))
    text: Mapped[str]
    deadline: Mapped[date] = mapped_column(index=True)
    answer: Mapped[str | None]
    answered_on: Mapped[date | None]
    registered_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=now)


class DaySignOff(Base):
    """The supervisor's end-of-day sign-off; the register of that day is frozen as it was."""

    __tablename__ = "day_signoffs"

    day: Mapped[date] = mapped_column(primary_key=True)
    signed_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    signed_at: Mapped[datetime] = mapped_column(default=now)
    register: Mapped[dict[str, Any]]
