"""A child process killed at random points during acceptance leaves whole packages or nothing."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
KILLS = 12


def _check_whole(db: Path) -> int:
    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        packages = con.execute("select id, status, receipt_no from packages").fetchall()
        for pid, status, _receipt in packages:
            docs = con.execute(
                "select count(*) from package_documents where package_id=?", (pid,)
            ).fetchone()[0]
            files = con.execute(
                "select count(*) from package_files where package_id=?", (pid,)
            ).fetchone()[0]
            outbox = con.execute(
                "select count(*) from outbox where package_id=?", (pid,)
            ).fetchone()[0]
            audits = con.execute(
                "select count(*) from audit_log where object_id=?", (pid,)
            ).fetchone()[0]
            assert docs == 3, (pid, docs)
            assert audits == 1
            if status == "queued":
                assert (files, outbox) == (3, 1)
            else:
                assert status == "refused_at_counter"
                assert (files, outbox) == (0, 0)
        seqs = sorted(int(r[2].rsplit("-", 1)[1]) for r in packages)
        assert seqs == list(range(1, len(seqs) + 1)), "a receipt number was skipped or reused"
        counter = con.execute("select last_value from receipt_counters").fetchone()
        assert (counter[0] if counter else 0) == len(seqs)
        return len(packages)
    finally:
        con.close()


@pytest.mark.slow
@pytest.mark.skipif(os.name == "nt", reason="SIGKILL")
def test_killed_acceptance_leaves_whole_packages_or_nothing(desk, db_path):
    rng = random.Random(20261125)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    total = 0
    for _ in range(KILLS):
        child = subprocess.Popen(
            [sys.executable, "-m", "tests.storage.acceptance_child", str(db_path)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        assert child.stdout.readline().strip() == b"ready", child.stderr.read()
        time.sleep(rng.uniform(0.05, 0.6))
        child.send_signal(signal.SIGKILL)
        child.wait()
        now = _check_whole(db_path)
        assert now >= total
        total = now
    assert total > KILLS, "the child should have accepted packages between kills"
