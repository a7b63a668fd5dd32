"""Committee accounts and their sessions, all kept in the database.

Passwords are argon2id hashes (argon2-cffi). Five wrong passwords in a row lock an
account for a while; a login that does not exist costs the same hashing work as one that
does, so timing does not tell them apart. A session is a random token in an HttpOnly
cookie; the database keeps only its SHA-256, the CSRF token of its forms, when it was last
used (idle timeout) and when it ends regardless (absolute timeout).
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from ozq_hub.models import Branch, ConsoleSession, ConsoleUser, ConsoleUserBranch
from ozq_hub.security import secret_hash
from ozq_hub.settings import ConsoleSettings

MIN_PASSWORD = 10
TOUCH_EVERY = dt.timedelta(seconds=60)  # last_seen_at is written at most this often

_hasher = PasswordHasher()  # argon2id, the library's current parameters


@cache
def _dummy_hash() -> str:
    """What an unknown or locked login is checked against: the same work as a real one.
    Made at the first sign-in, not when every hub worker starts."""
    return _hasher.hash(secrets.token_urlsafe(16))


class Role(StrEnum):
    REVIEWER = "reviewer"  # reads packages and scans, keeps the review draft
    HEAD = "head"  # ... and decides, and revises a decision
    ADMINISTRATOR = "administrator"  # users, branches, the calendar; no packages


class AccountProblem(ValueError):
    """A user cannot be created or changed as asked; `msgid` is a console message."""

    def __init__(self, msgid: str, **params: object) -> None:
        super().__init__(msgid.format(**params))
        self.msgid = msgid
        self.params = params


@dataclass(frozen=True)
class SignedIn:
    user_id: int
    login: str
    full_name: str
    role: Role
    branches: frozenset[str]
    csrf_token: str
    token_hash: str

    def sees(self, branch_code: str) -> bool:
        return branch_code in self.branches

    @property
    def may_decide(self) -> bool:
        return self.role is Role.HEAD

    @property
    def may_review(self) -> bool:
        return self.role in (Role.REVIEWER, Role.HEAD)

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMINISTRATOR


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise AccountProblem(
            "The password must have at least {count} characters.", count=MIN_PASSWORD
        )
    return _hasher.hash(password)


def _known_branches(session: Session, codes: set[str]) -> None:
    known = set(session.execute(select(Branch.code).where(Branch.code.in_(codes))).scalars())
    unknown = sorted(codes - known)
    if unknown:
        raise AccountProblem("No such branch: {branches}", branches=", ".join(unknown))


def create_user(
    session: Session,
    *,
    login: str,
    full_name: str,
    role: Role | str,
    password: str,
    branches: set[str],
    now: dt.datetime,
) -> ConsoleUser:
    login = login.strip()
    if not login or len(login) > 64 or not login.isprintable() or " " in login:
        raise AccountProblem("The login must be 1 to 64 characters, without spaces.")
    if not full_name.strip():
        raise AccountProblem("Enter the user's full name.")
    if session.execute(select(ConsoleUser.id).where(ConsoleUser.login == login)).first():
        raise AccountProblem("The login {login} is taken.", login=login)
    _known_branches(session, branches)
    user = ConsoleUser(
        login=login,
        full_name=full_name.strip()[:200],
        role=Role(role).value,
        password_hash=hash_password(password),
        failed_attempts=0,
        active=True,
        created_at=now,
    )
    session.add(user)
    session.flush()
    session.add_all(ConsoleUserBranch(user_id=user.id, branch_code=code) for code in branches)
    session.flush()
    return user


def set_branches(session: Session, *, user_id: int, branches: set[str]) -> None:
    _known_branches(session, branches)
    session.execute(delete(ConsoleUserBranch).where(ConsoleUserBranch.user_id == user_id))
    session.add_all(ConsoleUserBranch(user_id=user_id, branch_code=code) for code in branches)
    session.flush()


def set_password(session: Session, *, user_id: int, password: str) -> None:
    session.execute(
        update(ConsoleUser)
        .where(ConsoleUser.id == user_id)
        .values(password_hash=hash_password(password), failed_attempts=0, locked_until=None)
    )
    end_sessions_of(session, user_id)


def unlock(session: Session, *, user_id: int) -> None:
    session.execute(
        update(ConsoleUser)
        .where(ConsoleUser.id == user_id)
        .values(failed_attempts=0, locked_until=None)
    )


def set_active(session: Session, *, user_id: int, active: bool) -> None:
    session.execute(update(ConsoleUser).where(ConsoleUser.id == user_id).values(active=active))
    if not active:
        end_sessions_of(session, user_id)


class SignInResult(StrEnum):
    OK = "ok"
    WRONG = "wrong"  # unknown login or wrong password: the same answer
    LOCKED = "locked"  # too many wrong passwords; wait, or ask an administrator


def sign_in(
    session: Session, *, login: str, password: str, now: dt.datetime, settings: ConsoleSettings
) -> tuple[SignInResult, ConsoleUser | None]:
    """Check a password; count a failure and lock at the limit. Call in a write transaction."""
    user = session.execute(
        select(ConsoleUser).where(ConsoleUser.login == login.strip()).with_for_update()
    ).scalar_one_or_none()
    if user is None or not user.active:
        _verify(_dummy_hash(), password)
        return SignInResult.WRONG, user
    if user.locked_until is not None and user.locked_until > now:
        _verify(_dummy_hash(), password)  # the same work, and the password is not even tried
        return SignInResult.LOCKED, user
    if not _verify(user.password_hash, password):
        user.failed_attempts += 1
        if user.failed_attempts >= settings.lockout_failures:
            user.locked_until = now + dt.timedelta(minutes=settings.lockout_minutes)
            user.failed_attempts = 0
            return SignInResult.LOCKED, user
        return SignInResult.WRONG, user
    user.failed_attempts = 0
    user.locked_until = None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return SignInResult.OK, user


def _verify(hashed: str, password: str) -> bool:
    try:
        return _hasher.verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return False


def open_session(
    session: Session, *, user: ConsoleUser, now: dt.datetime, settings: ConsoleSettings
) -> str:
    """A new session for a user who just signed in; the cookie's token."""
    token = secrets.token_urlsafe(32)
    session.add(
        ConsoleSession(
            token_hash=secret_hash(token),
            user_id=user.id,
            csrf_token=secrets.token_urlsafe(32),
            created_at=now,
            last_seen_at=now,
            expires_at=now + dt.timedelta(hours=settings.session_hours),
        )
    )
    # Sessions that ended long ago are removed by whoever signs in next.
    session.execute(
        delete(ConsoleSession).where(ConsoleSession.last_seen_at < now - dt.timedelta(days=1))
    )
    session.flush()
    return token


def find_session(
    session: Session, *, token: str, now: dt.datetime, settings: ConsoleSettings
) -> tuple[SignedIn | None, bool]:
    """The signed-in user behind a cookie, and whether its last-seen time is due a write.
    None once the session is unknown, idle too long, past its end or its user inactive."""
    row = session.execute(
        select(ConsoleSession, ConsoleUser)
        .join(ConsoleUser, ConsoleUser.id == ConsoleSession.user_id)
        .where(ConsoleSession.token_hash == secret_hash(token))
    ).one_or_none()
    if row is None:
        return None, False
    held, user = row
    idle = dt.timedelta(minutes=settings.idle_minutes)
    if not user.active or held.expires_at <= now or held.last_seen_at + idle <= now:
        return None, False
    branches = frozenset(
        session.execute(
            select(ConsoleUserBranch.branch_code).where(ConsoleUserBranch.user_id == user.id)
        ).scalars()
    )
    signed = SignedIn(
        user_id=user.id,
        login=user.login,
        full_name=user.full_name,
        role=Role(user.role),
        branches=branches,
        csrf_token=held.csrf_token,
        token_hash=held.token_hash,
    )
    return signed, now - held.last_seen_at >= TOUCH_EVERY


def touch(session: Session, *, token_hash: str, now: dt.datetime) -> None:
    session.execute(
        update(ConsoleSession)
        .where(ConsoleSession.token_hash == token_hash)
        .values(last_seen_at=now)
    )


def end_session(session: Session, *, token_hash: str) -> None:
    session.execute(delete(ConsoleSession).where(ConsoleSession.token_hash == token_hash))


def end_sessions_of(session: Session, user_id: int) -> None:
    session.execute(delete(ConsoleSession).where(ConsoleSession.user_id == user_id))


def list_users(session: Session) -> list[tuple[ConsoleUser, list[str]]]:
    users = list(session.execute(select(ConsoleUser).order_by(ConsoleUser.login)).scalars())
    branches: dict[int, list[str]] = {u.id: [] for u in users}
    for user_id, code in session.execute(
        select(ConsoleUserBranch.user_id, ConsoleUserBranch.branch_code).order_by(
            ConsoleUserBranch.branch_code
        )
    ):
        branches.setdefault(user_id, []).append(code)
    return [(u, branches[u.id]) for u in users]
