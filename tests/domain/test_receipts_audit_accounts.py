from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from ozq_desktop.domain import accounts, audit
from ozq_desktop.domain.receipts import last_issued, next_receipt_number
from ozq_desktop.errors import (
    AuthenticationError,
    AuthorizationError,
    ConflictError,
    ValidationError,
)
from ozq_desktop.models import AuditRow, User
from ozq_desktop.storage.engine import reading, transaction


def test_receipt_numbers_carry_branch_desk_and_sequence(factory):
    with transaction(factory) as s:
        first = next_receipt_number(session=s, branch_code="ALA01", desk_code="D1")
        second = next_receipt_number(session=s, branch_code="ALA01", desk_code="D1")
        other_desk = next_receipt_number(session=s, branch_code="ALA01", desk_code="D2")
    assert first == "ALA01-D1-0000001"
    assert second == "ALA01-D1-0000002"
    assert other_desk == "ALA01-D2-0000001"


def test_a_rolled_back_number_is_not_remembered_but_a_committed_one_is(factory):
    with transaction(factory) as s:
        next_receipt_number(session=s, branch_code="B", desk_code="D")
    with pytest.raises(RuntimeError), transaction(factory) as s:
        next_receipt_number(session=s, branch_code="B", desk_code="D")
        raise RuntimeError("power cut before commit")
    with reading(factory) as s:
        assert last_issued(session=s, branch_code="B", desk_code="D") == 1


def test_first_run_sets_up_branch_and_supervisor(desk):
    with reading(desk["factory"]) as s:
        assert not accounts.needs_first_run(session=s)
        b = accounts.branch(session=s)
        assert (b.branch_code, b.desk_code, b.department_no) == ("ALA01", "D1", "3")
        boss = s.scalars(select(User).where(User.login == "boss")).one()
        assert boss.role == "supervisor"
        assert boss.password_hash.startswith("$argon2id$")
        assert "supersecret" not in boss.password_hash


def test_first_run_cannot_be_repeated(desk):
    with pytest.raises(ConflictError), transaction(desk["factory"]) as s:
        accounts.set_up_desk(
            session=s,
            setup=accounts.BranchSetup("X", "x", "1", "addr", "D9", "", "x", "addr"),
            supervisor=accounts.NewUser("other", "Other", "password1", accounts.Role.SUPERVISOR),
        )


@pytest.mark.parametrize(
    ("setup", "msgid"),
    [
        (
            accounts.BranchSetup("ALA 01", "n", "1", "a", "D1", "", "n", "a"),
            "«{field}» must be 1 to 10 Latin letters or digits.",
        ),
        (
            accounts.BranchSetup("ALA01", " ", "1", "a", "D1", "", "n", "a"),
            "Fill in the field «{field}».",
        ),
        (
            accounts.BranchSetup("ALA01", "n", "1", "a", "Д1", "", "n", "a"),
            "«{field}» must be 1 to 10 Latin letters or digits.",
        ),
    ],
)
def test_first_run_rejects_bad_branch_data(factory, setup, msgid):
    with pytest.raises(ValidationError) as err, transaction(factory) as s:
        accounts.set_up_desk(
            session=s,
            setup=setup,
            supervisor=accounts.NewUser("boss", "B", "password1", accounts.Role.SUPERVISOR),
        )
    assert err.value.msgid == msgid
    with reading(factory) as s:
        assert accounts.needs_first_run(session=s)


def test_clerk_cannot_call_supervisor_functions(desk):
    clerk = desk["clerk"]
    with transaction(desk["factory"]) as s:
        with pytest.raises(AuthorizationError) as err:
            accounts.create_user(
                session=s,
                actor=clerk,
                new=accounts.NewUser("x", "X", "password1", accounts.Role.CLERK),
            )
        assert "Операционист" in err.value.message("ru")
        with pytest.raises(AuthorizationError):
            accounts.reset_password(
                session=s, actor=clerk, user_id=clerk.id, password="newpassword"
            )
        with pytest.raises(AuthorizationError):
            accounts.deactivate_user(session=s, actor=clerk, user_id=desk["supervisor"].id)
        with pytest.raises(AuthorizationError):
            accounts.list_users(session=s, actor=clerk)


def test_login_lockout_after_five_failures_then_recovery(desk):
    factory, t0 = desk["factory"], datetime(2026, 11, 25, 9, 0)
    for attempt in range(1, accounts.MAX_FAILED_ATTEMPTS):
        with pytest.raises(AuthenticationError) as err:
            accounts.sign_in(factory=factory, login="clerk", password="wrong", at=t0)
        assert err.value.msgid.startswith("Wrong login or password. Attempts left")
        assert err.value.params == {"left": accounts.MAX_FAILED_ATTEMPTS - attempt, "minutes": 5}
    with pytest.raises(AuthenticationError) as err:  # the fifth failure locks
        accounts.sign_in(factory=factory, login="clerk", password="wrong", at=t0)
    assert err.value.msgid == "Too many failed attempts. Try again in {minutes} min."
    with pytest.raises(AuthenticationError) as err:  # an unknown login: nothing told
        accounts.sign_in(factory=factory, login="nobody", password="wrong", at=t0)
    assert err.value.msgid == "Wrong login or password."
    with pytest.raises(AuthenticationError) as err:
        accounts.sign_in(
            factory=factory, login="clerk", password="clerkpass1", at=t0 + timedelta(minutes=1)
        )
    assert err.value.msgid == "Too many failed attempts. Try again in {minutes} min."
    assert err.value.params == {"minutes": 4}
    for elapsed, left in ((timedelta(0), 5), (timedelta(minutes=4, seconds=59), 1)):
        with pytest.raises(AuthenticationError) as err:
            accounts.sign_in(factory=factory, login="clerk", password="clerkpass1", at=t0 + elapsed)
        assert err.value.params == {"minutes": left}
    user = accounts.sign_in(
        factory=factory,
        login="CLERK",
        password="clerkpass1",
        at=t0 + timedelta(minutes=5, seconds=1),
    )
    assert user.login == "clerk"
    with reading(factory) as s:
        failed = s.scalars(select(AuditRow).where(AuditRow.action == "login_failed")).all()
    # The five wrong passwords, and the three attempts made while the account was locked.
    mine = [r for r in failed if r.user_id is not None]  # not the unknown login's
    assert [r.details.get("reason") for r in mine] == [None] * 5 + ["locked"] * 3


def test_supervisor_manages_users(desk):
    factory, boss = desk["factory"], desk["supervisor"]
    with transaction(factory) as s:
        u = accounts.create_user(
            session=s,
            actor=boss,
            new=accounts.NewUser(
                "mobile1", "Мобильный Клерк", "password1", accounts.Role.MOBILE_CLERK
            ),
        ).value
        accounts.reset_password(session=s, actor=boss, user_id=u.id, password="another-pass")
    with transaction(factory) as s:
        assert accounts.authenticate(session=s, login="mobile1", password="another-pass").id == u.id
        accounts.deactivate_user(session=s, actor=boss, user_id=u.id)
    with pytest.raises(AuthenticationError), transaction(factory) as s:
        accounts.authenticate(session=s, login="mobile1", password="another-pass")
    with pytest.raises(ConflictError), transaction(factory) as s:
        accounts.create_user(
            session=s,
            actor=boss,
            new=accounts.NewUser("mobile1", "Dup", "password1", accounts.Role.CLERK),
        )


def test_audit_chain_detects_an_edited_row(desk, db_path):
    factory = desk["factory"]
    with transaction(factory) as s:
        for n in range(3):
            audit.record(session=s, action="print", user_id=desk["clerk"].id, object_id=str(n))
    with reading(factory) as s:
        assert audit.verify_chain(session=s) is None
        target = s.scalars(select(AuditRow).where(AuditRow.object_id == "1")).one().id
    con = sqlite3.connect(db_path)
    con.execute("update audit_log set action='nothing' where id=?", (target,))
    con.commit()
    con.close()
    with reading(factory) as s:
        assert audit.verify_chain(session=s) == target


def test_audit_chain_detects_a_deleted_row(desk, db_path):
    factory = desk["factory"]
    with transaction(factory) as s:
        rows = [
            audit.record(session=s, action="x", user_id=None, object_id=str(n)).id for n in range(3)
        ]
    con = sqlite3.connect(db_path)
    con.execute("delete from audit_log where id=?", (rows[1],))
    con.commit()
    con.close()
    with reading(factory) as s:
        assert audit.verify_chain(session=s) == rows[2]
