from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from ozq_desktop.models.base import Base, now


class BranchSettings(Base):
    """This desk's branch and desk identity; one row. Printed on every receipt."""

    __tablename__ = "branch_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_code: Mapped[str] = mapped_column(String(16))
    branch_name: Mapped[str] = mapped_column(String(300))  # in Kazakh
    department_no: Mapped[str] = mapped_column(String(32))
    address: Mapped[str] = mapped_column(String(500))  # in Kazakh
    # The same in Russian, for documents printed in Russian; "" on desks set up before they
    # were asked for (documents then print the Kazakh ones and the supervisor is reminded).
    branch_name_ru: Mapped[str] = mapped_column(String(300), default="", server_default="")
    address_ru: Mapped[str] = mapped_column(String(500), default="", server_default="")
    phone: Mapped[str] = mapped_column(String(64), default="")
    desk_code: Mapped[str] = mapped_column(String(16))
    lock_minutes: Mapped[int] = mapped_column(default=10, server_default="10")  # auto-lock
    # Training mode (the supervisor's switch): nothing is signed, nothing is sent to the hub,
    # every printed document is marked «training, not valid».
    training: Mapped[bool] = mapped_column(default=False, server_default="0")
    created_at: Mapped[datetime] = mapped_column(default=now)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(32))
    password_hash: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str] = mapped_column(String(64), default="")
    is_active: Mapped[bool] = mapped_column(default=True)
    failed_attempts: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    # How this clerk signs packages (EDS): "pkcs12" with the key file's path, or "ncalayer".
    signing_kind: Mapped[str | None] = mapped_column(String(16))
    signing_key_path: Mapped[str | None] = mapped_column(String(1000))
    created_at: Mapped[datetime] = mapped_column(default=now)
