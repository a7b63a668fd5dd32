"""Desk → Needs attention… says why each package stopped in the supervisor's language; the
technical detail (the hub's own words, byte offsets) stays beside it for the administrator.
The reasons are the texts the sync keeps in the outbox (sync/push.py), including rows kept
by an earlier version of the desk."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from ozq_desktop.i18n import set_language
from ozq_desktop.models import OutboxItem
from ozq_desktop.storage.engine import transaction
from ozq_desktop.sync import push
from ozq_desktop.ui.actions import ActionId
from tests.ui.conftest import idle, set_up_desk, sign_in, start_app
from tests.ui.supervisor.helpers import accept_one

# (as the sync keeps it, words expected in kk, words expected in ru)
REASONS = [
    (
        push.UPLOAD_STOPPED + "the hub asks for byte 9 of a 5-byte scan",
        "жіберу тоқтады",
        "передача остановлена",
    ),
    (
        push.SCAN_UNREADABLE + "[Errno 2] No such file or directory",
        "оқылмайды",
        "не читается",
    ),
    (
        push.SCAN_DAMAGED.format(name="conclusion.pdf") + "409 blob_hash_mismatch digest",
        "бүлінген",
        "повреждена",
    ),
    ("422 signature_invalid the signature does not match", "ЭЦҚ", "ЭЦП"),
    ("409 manifest_conflict a different package", "басқа пакет", "другой пакет"),
    (
        "403 forbidden_receipt the receipt number is not this desk's",
        "пакетті қабылдамады",
        "хаб отклонил",
    ),
]


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_each_reason_is_said_in_the_supervisors_language(qtbot, data_folder, language):
    set_up_desk(data_folder)
    app = start_app(qtbot, data_folder)
    try:
        main = sign_in(qtbot, app, "boss", "supersecret")
        for n in range(len(REASONS)):
            accept_one(app, main.clerk.user, seed=200 + n)
        with transaction(app.desk.factory) as s:  # as push.py leaves a permanent failure
            items = s.scalars(select(OutboxItem).order_by(OutboxItem.id)).all()
            for item, (reason, _kk, _ru) in zip(items, REASONS, strict=True):
                item.state, item.last_error = push.FAILED, reason
        set_language(language)
        main.actions[ActionId.NEEDS_ATTENTION].trigger()
        idle(qtbot, app)
        dialog = main.attention_dialog
        model = dialog.model
        assert model.rowCount() == len(REASONS)
        for row, (reason, kk, ru) in enumerate(REASONS):
            shown = model.index(row, 1).data()
            assert (kk if language == "kk" else ru).lower() in shown.lower(), shown
            assert reason not in shown  # the English words are not the message
            detail = model.index(row, 2).data()
            assert reason.split(": ", 1)[-1].split(" ", 2)[-1] in detail  # kept for the admin
        dialog.close()
    finally:
        set_language("kk")
        app.shutdown()
