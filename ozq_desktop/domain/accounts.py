"""Branch set-up, users, roles and passwords (argon2id).

Roles are checked here, in the domain, not only by hiding buttons in the UI."""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from ozq_desktop.domain import audit
from ozq_desktop.domain.changes import Changes, Written
from ozq_desktop.domain.profiles import Account
from ozq_desktop.errors import (
    AuthenticationError,
    AuthorizationError,
    ConflictError,
    NotFoundError,
    ValidationError,
)
from ozq_desktop.i18n import N_, lazy, tr
from ozq_desktop.models import BranchSettings, User
from ozq_desktop.models.base import now as wall_clock
from ozq_desktop.storage.engine import transaction

MAX_FAILED_ATTEMPTS = 5
LOCKOUT = timedelta(minutes=5)
MIN_PASSWORD_LENGTH = 8

_hasher = PasswordHasher()


class Role(StrEnum):
    CLERK = "clerk"
    MOBILE_CLERK = "mobile_clerk"
    SUPERVISOR = "supervisor"


ROLE_LABELS = {
    Role.CLERK: N_("Counter clerk"),
    Role.MOBILE_CLERK: N_("Mobile clerk"),
    Role.SUPERVISOR: N_("Supervisor"),
}


def role_label(role: Role | str, lang: str | None = None) -> str:
    return tr(ROLE_LABELS[Role(role)], lang)


@dataclass(frozen=True)
class BranchSetup:
    branch_code: str
    branch_name: str  # in Kazakh
    department_no: str
    address: str  # in Kazakh
    desk_code: str
    phone: str = ""
    branch_name_ru: str = ""  # the same in Russian, for documents printed in Russian
    address_ru: str = ""


@dataclass(frozen=True)
class NewUser:
    login: str
    full_name: str
    password: str
    role: Role
    phone: str = ""


def hash_password(password: str) -> str:
    return _hasher.hash(password)


@cache
def _stand_in_hash() -> str:
    """A hash of a random password, verified when there is no real one to check, so that an
    unknown or inactive login costs the same argon2 work as a known one."""
    return _hasher.hash(secrets.token_urlsafe(24))


def _verifies(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@dataclass(frozen=True)
class SystemActor:
    """The actor of writes no person makes: what arrives through the hub's change feed (a
    committee decision, a calendar override). Its audit rows carry no user id."""

    name: str
    id: None = None


HUB = SystemActor("hub")
ANY_ROLE = tuple(Role)


def require_role(user: User | Account | SystemActor | None, *roles: Role) -> None:
    """Every domain write calls this (or `require_actor`) with the acting user first. The UI
    hides what a role may not do; this is what makes it so. The acting user is a `User` row or
    the session's frozen `Account` (domain/profiles.py): both carry `id`, `role`, `is_active`."""
    if not isinstance(user, (User, Account)):
        raise AuthorizationError("This action needs a signed-in user with the right role.")
    if not user.is_active or Role(user.role) not in roles:
        raise AuthorizationError(
            "Your role ({role}) does not allow this action.",
            role=lazy(ROLE_LABELS[Role(user.role)]),
        )


def require_actor(actor: User | SystemActor | None, *roles: Role, system: bool = False) -> None:
    """A person with one of `roles`, or (with `system`) the hub's change feed."""
    if system and actor is HUB:
        return
    require_role(actor, *roles)


def needs_first_run(*, session: Session) -> bool:
    return session.scalar(select(func.count()).select_from(User)) == 0


def branch(*, session: Session) -> BranchSettings:
    settings = session.get(BranchSettings, 1)
    if settings is None:
        raise NotFoundError("This desk has not been set up yet.")
    return settings


def _check_branch(setup: BranchSetup) -> None:
    for value, label in (
        (setup.branch_name, N_("Branch name")),
        (setup.branch_name_ru, N_("Branch name in Russian")),
        (setup.department_no, N_("Department number")),
        (setup.address, N_("Address")),
        (setup.address_ru, N_("Address in Russian")),
    ):
        if not value.strip():
            raise ValidationError("Fill in the field «{field}».", field=lazy(label))
    for value, label in (
        (setup.branch_code, N_("Branch code")),
        (setup.desk_code, N_("Desk code")),
    ):
        if not value.isascii() or not value.isalnum() or not 1 <= len(value) <= 10:
            raise ValidationError(
                "«{field}» must be 1 to 10 Latin letters or digits.", field=lazy(label)
            )


def _check_new_user(new: NewUser) -> None:
    if not new.login.strip() or not new.login.isascii() or " " in new.login:
        raise ValidationError("The login must be Latin letters and digits, without spaces.")
    if not new.full_name.strip():
        raise ValidationError("Fill in the field «{field}».", field=lazy("Full name"))
    if len(new.password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(
            "The password must have at least {count} characters.", count=MIN_PASSWORD_LENGTH
        )


def _insert_user(session: Session, new: NewUser) -> User:
    _check_new_user(new)
    login = new.login.strip().lower()
    if session.scalar(select(User.id).where(User.login == login)) is not None:
        raise ConflictError("The login {login} is already taken.", login=login)
    user = User(
        login=login,
        full_name=new.full_name.strip(),
        role=Role(new.role).value,
        password_hash=hash_password(new.password),
        phone=new.phone.strip(),
    )
    session.add(user)
    session.flush()
    return user


def set_up_desk(*, session: Session, setup: BranchSetup, supervisor: NewUser) -> Written[User]:
    """First run: the branch and desk identity, and the first supervisor, in one transaction."""
    if not needs_first_run(session=session):
        raise ConflictError("This desk is already set up.")
    _check_branch(setup)
    if supervisor.role is not Role.SUPERVISOR:
        raise ValidationError("The first account must be a supervisor.")
    session.add(
        BranchSettings(
            id=1,
            branch_code=setup.branch_code.upper(),
            branch_name=setup.branch_name.strip(),
            department_no=setup.department_no.strip(),
            address=setup.address.strip(),
            branch_name_ru=setup.branch_name_ru.strip(),
            address_ru=setup.address_ru.strip(),
            phone=setup.phone.strip(),
            desk_code=setup.desk_code.upper(),
        )
    )
    user = _insert_user(session, supervisor)
    audit.record(
        session=session,
        action="desk_set_up",
        user_id=user.id,
        details={"branch": setup.branch_code, "desk": setup.desk_code},
    )
    return Written(user, Changes(users=frozenset({user.id}), branch=True, audit=True))


def create_user(*, session: Session, actor: User, new: NewUser) -> Written[User]:
    require_role(actor, Role.SUPERVISOR)
    user = _insert_user(session, new)
    audit.record(
        session=session,
        action="user_created",
        user_id=actor.id,
        object_id=str(user.id),
        details={"login": user.login, "role": user.role},
    )
    return Written(user, Changes(users=frozenset({user.id}), audit=True))


def reset_password(*, session: Session, actor: User, user_id: int, password: str) -> Changes:
    require_role(actor, Role.SUPERVISOR)
    user = session.get(User, user_id)
    if user is None:
        raise NotFoundError("No such user.")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(
            "The password must have at least {count} characters.", count=MIN_PASSWORD_LENGTH
        )
    user.password_hash = hash_password(password)
    user.failed_attempts = 0
    user.locked_until = None
    audit.record(session=session, action="password_reset", user_id=actor.id, object_id=str(user.id))
    return Changes(users=frozenset({user.id}), audit=True)


def deactivate_user(*, session: Session, actor: User, user_id: int) -> Changes:
    require_role(actor, Role.SUPERVISOR)
    user = session.get(User, user_id)
    if user is None:
        raise NotFoundError("No such user.")
    if user.id == actor.id:
        raise ValidationError("You cannot deactivate your own account.")
    user.is_active = False
    audit.record(
        session=session, action="user_deactivated", user_id=actor.id, object_id=str(user.id)
    )
    return Changes(users=frozenset({user.id}), audit=True)


def authenticate(
    *,
    session: Session,
    login: str,
    password: str,
    at: datetime | None = None,
    purpose: str = "login",
) -> User:
    """The user, or AuthenticationError. Five failures lock the account for five minutes.
    `purpose` is "login" or "unlock" (the auto-locked desk): the audit row says which."""
    at = at or wall_clock()
    user = session.scalars(select(User).where(User.login == login.strip().lower())).first()
    if user is None or not user.is_active:
        _verifies(_stand_in_hash(), password)  # the same work as for a known login
        audit.record(
            session=session,
            action="login_failed",
            user_id=None,
            details={"login": login.strip().lower()[:64], "purpose": purpose},
            at=at,
        )
        raise AuthenticationError("Wrong login or password.")
    if user.locked_until is not None and user.locked_until > at:
        _verifies(user.password_hash, password)  # the same work; the answer is not used
        audit.record(
            session=session,
            action="login_failed",
            user_id=user.id,
            details={"purpose": purpose, "reason": "locked"},
            at=at,
        )
        minutes = max(1, math.ceil((user.locked_until - at).total_seconds() / 60))
        raise AuthenticationError(
            "Too many failed attempts. Try again in {minutes} min.", minutes=minutes
        )
    if not _verifies(user.password_hash, password):
        user.failed_attempts += 1
        left = MAX_FAILED_ATTEMPTS - user.failed_attempts
        minutes = int(LOCKOUT.total_seconds() // 60)
        if left <= 0:
            user.locked_until = at + LOCKOUT
            user.failed_attempts = 0
        audit.record(
            session=session,
            action="login_failed",
            user_id=user.id,
            details={"purpose": purpose},
            at=at,
        )
        if left <= 0:
            raise AuthenticationError(
                "Too many failed attempts. Try again in {minutes} min.", minutes=minutes
            )
        # The clerk is warned before the lock. It tells that the login exists, which the
        # people at a branch's desks know anyway; an unknown login gets the plain message.
        raise AuthenticationError(
            "Wrong login or password. Attempts left before a {minutes}-minute lock: {left}.",
            left=left,
            minutes=minutes,
        )
    user.failed_attempts = 0
    user.locked_until = None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    audit.record(session=session, action=purpose, user_id=user.id, at=at)
    return user


def list_users(*, session: Session, actor: User) -> list[User]:
    require_role(actor, Role.SUPERVISOR)
    return list(session.scalars(select(User).order_by(User.full_name)))


def sign_in(
    *,
    factory: sessionmaker[Session],
    login: str,
    password: str,
    at: datetime | None = None,
    purpose: str = "login",
) -> User:
    """`authenticate` in its own write transaction. A failed attempt is committed before the
    error is raised, so it counts towards the lockout instead of being rolled back with it."""
    failure: AuthenticationError | None = None
    with transaction(factory) as session:
        try:
            user = authenticate(
                session=session, login=login, password=password, at=at, purpose=purpose
            )
        except AuthenticationError as exc:
            failure = exc
    if failure is not None:
        raise failure
    return user


LOCK_MINUTES_RANGE = (1, 240)


def set_lock_minutes(*, session: Session, actor: User, minutes: int) -> Changes:
    """The supervisor sets after how many idle minutes every desk session locks itself."""
    require_role(actor, Role.SUPERVISOR)
    low, high = LOCK_MINUTES_RANGE
    if not low <= minutes <= high:
        raise ValidationError(
            "Auto-lock must be between {low} and {high} minutes.", low=low, high=high
        )
    settings = branch(session=session)
    before = settings.lock_minutes
    settings.lock_minutes = minutes
    audit.record(
        session=session,
        action="settings_changed",
        user_id=actor.id,
        object_id="lock_minutes",
        details={"before": before, "after": minutes},
    )
    return Changes(branch=True, audit=True)


def set_training(*, session: Session, actor: User, on: bool) -> Changes:
    """The supervisor switches the desk into training mode (demonstrations, teaching) or out.
    In training mode acceptance signs nothing, no package goes to the hub, and every printed
    document is marked «training, not valid» (docs/domain.md, "Training mode")."""
    require_role(actor, Role.SUPERVISOR)
    settings = branch(session=session)
    before = bool(settings.training)
    settings.training = on
    audit.record(
        session=session,
        action="settings_changed",
        user_id=actor.id,
        object_id="training",
        details={"before": before, "after": on},
    )
    return Changes(branch=True, audit=True)


def set_branch_in_russian(
    *, session: Session, actor: User, branch_name_ru: str, address_ru: str
) -> Changes:
    """The branch's name and address in Russian, printed on documents in Russian."""
    require_role(actor, Role.SUPERVISOR)
    for value, label in (
        (branch_name_ru, N_("Branch name in Russian")),
        (address_ru, N_("Address in Russian")),
    ):
        if not value.strip():
            raise ValidationError("Fill in the field «{field}».", field=lazy(label))
    settings = branch(session=session)
    before = {"branch_name_ru": settings.branch_name_ru, "address_ru": settings.address_ru}
    settings.branch_name_ru, settings.address_ru = branch_name_ru.strip(), address_ru.strip()
    audit.record(
        session=session,
        action="settings_changed",
        user_id=actor.id,
        object_id="branch_in_russian",
        details={"before": before, "after": {"branch_name_ru": settings.branch_name_ru}},
    )
    return Changes(branch=True, audit=True)


def set_signing(*, session: Session, user: User, kind: str | None, key_path: str | None) -> Changes:
    """A user chooses how they sign packages (EDS): a key file, NCALayer, or none. Each user
    sets their own; the key itself never enters the database, only the file's path."""
    from ozq_desktop.signing.choice import SigningKind

    require_role(user, *ANY_ROLE)
    row = session.get(User, user.id)
    if row is None:
        raise NotFoundError("No such user.")
    require_role(row, *ANY_ROLE)
    if kind is not None and kind not in {k.value for k in SigningKind}:
        raise ValidationError("Unknown way of signing: {kind}.", kind=kind)
    path = (key_path or "").strip() if kind == SigningKind.PKCS12 else ""
    if kind == SigningKind.PKCS12 and not path:
        raise ValidationError("Choose the key file (.p12) first.")
    row.signing_kind = kind
    row.signing_key_path = path or None
    audit.record(
        session=session,
        action="signing_set",
        user_id=row.id,
        object_id=str(row.id),
        details={"kind": kind, "key_file": Path(path).name if path else None},
    )
    return Changes(users=frozenset({row.id}), audit=True)
