"""Finding 1 (high), the way back: a recovery key like BitLocker's. The supervisor is shown and
prints a sheet with a grouped code and its QR code; with that code `ozq-desktop recover` gives
back the data key after both the keyring entry and the key file are lost, and the database and
every scan are readable again. Each showing of the sheet is in the audit trail."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from ozq_desktop.app import open_desk
from ozq_desktop.documents import recovery_sheet_data
from ozq_desktop.domain.recovery import DeskKeys, reveal_sheet
from ozq_desktop.errors import AuthorizationError, StorageError
from ozq_desktop.models import AuditRow
from ozq_desktop.printing.recovery_sheet import render_recovery_sheet
from ozq_desktop.recover_cli import recover
from ozq_desktop.storage import keys, recovery
from ozq_desktop.storage.engine import reading, transaction
from tests.conftest import set_up_test_desk
from tests.printing.pdf import pages_text
from tests.storage.test_encryption import SECRET_NAME, fill, names

ROOT = Path(__file__).resolve().parents[2]
SCANS = [b"%%PDF-1.4\n(scan %d)\n%%%%EOF\n" % n for n in range(3)]


def code_from_the_printed_sheet(pdf: bytes, folder: Path) -> str:
    """Read the code the way a person with the paper would have it: from the QR code."""
    zxingcpp = pytest.importorskip("zxingcpp")
    from PIL import Image

    (folder / "sheet.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "150", folder / "sheet.pdf", folder / "sheet"], check=True
    )
    found = [c.text for c in zxingcpp.read_barcodes(Image.open(folder / "sheet-1.png"))]
    assert len(found) == 1
    return found[0]


def make_desk(folder: Path):
    desk = open_desk(folder)
    fill(desk.engine)
    stored = [desk.scans.add_bytes(data, f"scan-{n}.pdf").sha256 for n, data in enumerate(SCANS)]
    with reading(desk.factory) as s:
        from ozq_desktop.models import User

        boss = s.scalars(select(User).where(User.login == "boss")).one()
    return desk, boss, stored


def audit_actions(desk) -> list[str]:
    with reading(desk.factory) as s:
        return list(s.scalars(select(AuditRow.action).order_by(AuditRow.id)))


@pytest.mark.parametrize("kept_in", ["keyring", "file"])
def test_lose_the_keyring_entry_and_the_key_file_then_recover_with_the_sheet(
    tmp_path, memory_keyring, kept_in, monkeypatch
):
    folder = tmp_path / "desk"
    if kept_in == "file":
        import keyring

        from tests.conftest import NoKeyring

        keyring.set_keyring(NoKeyring())
    desk, boss, stored = make_desk(folder)
    revealed = reveal_sheet(
        factory=desk.factory, actor=boss, keys=DeskKeys(folder, desk.scans.data_key)
    )
    pdf = render_recovery_sheet(recovery_sheet_data(revealed), "kk")
    code = code_from_the_printed_sheet(pdf, tmp_path)
    assert code == revealed.sheet.code
    assert " ".join(code.split("-")[:4]) in pages_text(pdf)[0]
    assert audit_actions(desk)[-1] == "recovery_sheet_shown"
    desk.close()

    memory_keyring.secrets.clear()  # the keyring entry is lost …
    (folder / keys.KEY_FILE).unlink(missing_ok=True)  # … and so is the key file
    with pytest.raises(StorageError):
        open_desk(folder)

    if kept_in == "keyring":
        assert recover(folder, "ru", stdin=io.StringIO(code + "\n"), stderr=io.StringIO()) == 0
    else:  # as an administrator would, in a terminal with no keyring
        env = {**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
        done = subprocess.run(
            [sys.executable, "-m", "ozq_desktop", "--lang", "kk", "--data-dir", str(folder),
             "recover"],
            input=" ".join(code.split("-")) + "\n",  # typed with spaces instead of dashes
            env=env, cwd=ROOT, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert str(folder / keys.KEY_FILE) in done.stdout

    again = open_desk(folder)
    try:
        assert names(again.engine) == [SECRET_NAME]
        assert [again.scans.read(sha) for sha in stored] == SCANS
        assert audit_actions(again)[-1] == "data_key_recovered"
    finally:
        again.close()


def test_a_wrong_or_mistyped_code_changes_nothing(tmp_path, memory_keyring):
    desk, boss, _stored = make_desk(tmp_path)
    code = reveal_sheet(
        factory=desk.factory, actor=boss, keys=DeskKeys(tmp_path, desk.scans.data_key)
    ).sheet.code
    desk.close()
    memory_keyring.secrets.clear()
    groups = code.split("-")
    mistyped = "-".join(
        [*groups[:2], groups[2][:-1] + str((int(groups[2][-1]) + 1) % 10), *groups[3:]]
    )
    err = io.StringIO()
    assert recover(tmp_path, "ru", stdin=io.StringIO(mistyped), stderr=err) == 1
    assert groups[2][:-1] in err.getvalue() and "3" in err.getvalue()
    other = recovery.new_code()  # well-formed, but another desk's
    err = io.StringIO()
    assert recover(tmp_path, "kk", stdin=io.StringIO(other), stderr=err) == 1
    assert memory_keyring.secrets == {}
    assert not (tmp_path / keys.KEY_FILE).exists()


def test_the_same_sheet_is_shown_again_and_each_showing_is_audited(tmp_path, memory_keyring):
    desk, boss, _stored = make_desk(tmp_path)
    desk_keys = DeskKeys(tmp_path, desk.scans.data_key)
    first = reveal_sheet(factory=desk.factory, actor=boss, keys=desk_keys, purpose="first_run")
    second = reveal_sheet(factory=desk.factory, actor=boss, keys=desk_keys)
    assert first.sheet == second.sheet
    assert audit_actions(desk).count("recovery_sheet_shown") == 2
    desk.close()


def test_only_a_supervisor_is_shown_the_sheet(tmp_path, memory_keyring):
    desk = open_desk(tmp_path)
    with transaction(desk.factory) as s:
        _boss, clerk = set_up_test_desk(s)
    with pytest.raises(AuthorizationError):
        reveal_sheet(factory=desk.factory, actor=clerk, keys=DeskKeys(tmp_path, b"k" * 32))
    assert "recovery_sheet_shown" not in audit_actions(desk)
    assert not recovery.path_in(tmp_path).exists()
    desk.close()
