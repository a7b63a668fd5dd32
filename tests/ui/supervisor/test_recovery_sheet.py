"""The recovery sheet from the supervisor's menu (issue 12): shown after the showing is in the
audit trail, printed or saved like every document (and audited so), never offered to a clerk."""

from __future__ import annotations

from sqlalchemy import select

from ozq_desktop.models import AuditRow
from ozq_desktop.storage.engine import reading
from ozq_desktop.ui.actions import ActionId
from tests.printing.pdf import pages_text
from tests.ui.conftest import idle, sign_in


def actions(app) -> list[tuple[str, dict]]:
    with reading(app.desk.factory) as s:
        return [(r.action, r.details) for r in s.scalars(select(AuditRow).order_by(AuditRow.seq))]


def test_the_supervisor_shows_saves_and_each_step_is_audited(
    qtbot, boss_app, boss_window, tmp_path
):
    main = boss_window
    action = main.actions[ActionId.RECOVERY_SHEET]
    assert action.isVisible()
    action.trigger()
    qtbot.waitUntil(
        lambda: (
            getattr(main, "recovery_sheet_dialog", None) is not None
            and bool(main.recovery_sheet_dialog.pdf_bytes)
        ),
        timeout=20000,
    )
    dialog = main.recovery_sheet_dialog
    shown = [d for a, d in actions(boss_app) if a == "recovery_sheet_shown"]
    assert shown == [{"purpose": "menu"}]
    text = pages_text(dialog.pdf_bytes)[0]
    assert "ozq-desktop recover" in text
    dialog.save_to(tmp_path / "sheet.pdf")
    idle(qtbot, boss_app)
    printed = [d for a, d in actions(boss_app) if a == "document_printed"]
    assert printed[-1]["document"] == "recovery_sheet"
    assert printed[-1]["destination"] == "pdf_file"
    dialog.close_button.click()


def test_a_clerk_is_not_offered_the_sheet(qtbot, boss_app):
    main = sign_in(qtbot, boss_app)  # the clerk
    assert not main.actions[ActionId.RECOVERY_SHEET].isVisible()
    main.open_recovery_sheet()  # even if called, nothing is shown
    idle(qtbot, boss_app)
    assert getattr(main, "recovery_sheet_dialog", None) is None
    assert "recovery_sheet_shown" not in [a for a, _ in actions(boss_app)]
