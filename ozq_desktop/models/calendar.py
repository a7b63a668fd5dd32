from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from ozq_desktop.models.base import Base, now


class CalendarOverrideRow(Base):
    """A decree transfer: an extra day off, or a weekend day made a working day."""

    __tablename__ = "calendar_overrides"

    day: Mapped[date] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(String(300), default="")
    source: Mapped[str] = mapped_column(String(16), default="local")
    updated_at: Mapped[datetime] = mapped_column(default=now)
