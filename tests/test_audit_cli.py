"""`ozq-desktop audit verify` run as a user would, against a real encrypted database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from ozq_desktop.domain import accounts, audit
from ozq_desktop.storage.encryption import open_database
from ozq_desktop.storage.engine import make_session_factory, transaction

ROOT = Path(__file__).resolve().parent.parent


def run_cli(folder: Path, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "ozq_desktop",
            "--lang",
            "ru",
            "--data-dir",
            str(folder),
            "audit",
            "verify",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_audit_verify_passes_then_catches_an_edited_row(tmp_path, no_keyring):
    # No keyring here, so the data key is in the documented key file the CLI also reads.
    opened = open_database(tmp_path)
    factory = make_session_factory(opened.engine)
    with transaction(factory) as s:
        accounts.set_up_desk(
            session=s,
            setup=accounts.BranchSetup(
                "ALA01", "Филиал", "3", "Алматы", "D1", "", "Филиал", "Алматы"
            ),
            supervisor=accounts.NewUser("boss", "Boss", "password1", accounts.Role.SUPERVISOR),
        )
        for n in range(3):
            audit.record(session=s, action="print", user_id=None, object_id=str(n))
    env = {**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    ok = run_cli(tmp_path, env)
    assert ok.returncode == 0, ok.stderr
    assert "Журнал аудита цел" in ok.stdout and "4" in ok.stdout
    # Never synced: it says what it cannot know, and the limit of any check.
    assert "не подтвердил ни одной строки" in ok.stdout
    assert "до последней строки, подтверждённой хабом" in ok.stdout

    # Edit a row behind the program's back, with the key (as an attacker with the key would).
    with opened.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE audit_log SET action='nothing' WHERE object_id='1'")
        row = conn.exec_driver_sql("SELECT id FROM audit_log WHERE object_id='1'").scalar()
    opened.engine.dispose()
    bad = run_cli(tmp_path, env)
    assert bad.returncode == 1
    assert f"строка {row}" in bad.stdout
