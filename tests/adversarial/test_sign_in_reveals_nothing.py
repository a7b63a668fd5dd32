"""Finding 9 (low), sign-in: the time it took revealed which logins exist (1.1 ms for an unknown
login, 118.6 ms for a known one): argon2 ran only for known logins. Finding 3 (high), its
sign-in part: attempts during a lockout were not audited. Now every attempt does the same
argon2 work, and every failed attempt leaves an audit row."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from ozq_desktop.domain import accounts
from ozq_desktop.errors import AuthenticationError
from ozq_desktop.models import AuditRow

NOW = datetime(2026, 11, 25, 10, 0)


@pytest.fixture
def verifications(monkeypatch):
    """Every argon2 verification sign-in makes."""
    calls: list[str] = []
    real = PasswordHasher.verify

    def spy(self, hash_, password):
        calls.append(hash_)
        return real(self, hash_, password)

    monkeypatch.setattr(PasswordHasher, "verify", spy)
    return calls


def attempt(desk, login: str, password: str = "wrong-password", at: datetime = NOW):
    with pytest.raises(AuthenticationError):
        accounts.sign_in(factory=desk["factory"], login=login, password=password, at=at)


@pytest.mark.parametrize("login", ["nobody", "clerk", "inactive"])
def test_every_failed_sign_in_does_one_argon2_verification(desk, verifications, login):
    from ozq_desktop.storage.engine import transaction

    if login == "inactive":
        with transaction(desk["factory"]) as s:
            accounts.create_user(
                session=s,
                actor=desk["supervisor"],
                new=accounts.NewUser("inactive", "Gone", "password99", accounts.Role.CLERK),
            )
            gone = s.scalars(select(accounts.User).where(accounts.User.login == "inactive")).one()
            accounts.deactivate_user(session=s, actor=desk["supervisor"], user_id=gone.id)
    attempt(desk, login)
    assert len(verifications) == 1


def test_a_locked_account_does_the_same_work_and_each_attempt_is_audited(desk, verifications):
    for n in range(accounts.MAX_FAILED_ATTEMPTS):
        attempt(desk, "clerk", at=NOW + timedelta(seconds=n))
    verifications.clear()
    before = audit_rows(desk)
    attempt(desk, "clerk", password="clerkpass1", at=NOW + timedelta(minutes=1))  # locked
    assert len(verifications) == 1
    rows = audit_rows(desk)
    assert len(rows) == len(before) + 1
    last = rows[-1]
    assert last.action == "login_failed" and last.user_id == desk["clerk"].id
    assert last.details.get("reason") == "locked"


def test_an_unknown_login_takes_about_as_long_as_a_known_one(desk):
    """A relative comparison, not a timed target: the best of several runs of each."""

    def best(login: str) -> float:
        times = []
        for _ in range(5):
            start = time.perf_counter()
            attempt(desk, login)
            times.append(time.perf_counter() - start)
        return min(times)

    unknown, known = best("nobody-here"), best("boss")
    assert unknown > known / 3, (unknown, known)


def audit_rows(desk) -> list[AuditRow]:
    from ozq_desktop.storage.engine import reading

    with reading(desk["factory"]) as s:
        return list(s.scalars(select(AuditRow).order_by(AuditRow.id)))
