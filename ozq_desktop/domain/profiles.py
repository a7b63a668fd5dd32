"""The session's values: who is signed in, and at which branch and desk, as frozen values.

A screen never holds a database row for these: it holds an `Account` and a `Branch`, read
in one snapshot, and the UI replaces them with fresh ones when a write announces that the
user or the branch changed (ozq_desktop/domain/changes.py). Domain writes take an `Account`
wherever they take the acting user: they read `id`, `role` and `is_active`, which it has."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from ozq_desktop.errors import NotFoundError
from ozq_desktop.models import BranchSettings, User


@dataclass(frozen=True)
class Account:
    id: int
    login: str
    full_name: str
    role: str
    is_active: bool = True
    phone: str = ""
    signing_kind: str | None = None  # how this user signs packages (EDS), see signing/choice.py
    signing_key_path: str | None = None

    @classmethod
    def of(cls, user: User) -> Account:
        return cls(
            id=user.id,
            login=user.login,
            full_name=user.full_name,
            role=user.role,
            is_active=bool(user.is_active),
            phone=user.phone or "",
            signing_kind=user.signing_kind,
            signing_key_path=user.signing_key_path,
        )


@dataclass(frozen=True)
class Branch:
    """The branch and desk this computer serves, as printed on every receipt."""

    branch_code: str
    branch_name: str
    department_no: str
    address: str
    desk_code: str
    phone: str = ""
    lock_minutes: int = 10  # the desk locks itself after this many idle minutes
    branch_name_ru: str = ""  # empty: Russian documents print the Kazakh name
    address_ru: str = ""
    training: bool = False  # training mode (docs/domain.md)

    @classmethod
    def of(cls, row: BranchSettings) -> Branch:
        return cls(
            branch_code=row.branch_code,
            branch_name=row.branch_name,
            department_no=row.department_no,
            address=row.address,
            desk_code=row.desk_code,
            phone=row.phone or "",
            lock_minutes=row.lock_minutes,
            branch_name_ru=row.branch_name_ru or "",
            address_ru=row.address_ru or "",
            training=bool(row.training),
        )


def account(*, session: Session, user_id: int) -> Account:
    user = session.get(User, user_id)
    if user is None:
        raise NotFoundError("No such user.")
    return Account.of(user)


def branch_profile(*, session: Session) -> Branch:
    row = session.get(BranchSettings, 1)
    if row is None:
        raise NotFoundError("This desk has not been set up yet.")
    return Branch.of(row)
