"""Every input of the new screens is named for tests and screen readers and reachable by Tab;
the supervisor's screens are offered to the supervisor only."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from ozq_desktop.ui.actions import SUPERVISOR_ACTIONS, ActionId
from tests.ui.conftest import idle
from tests.ui.test_start import INPUTS, unnamed_inputs


def not_tabbable(root: QWidget) -> list[str]:
    return [
        w.objectName()
        for w in root.findChildren(QWidget)
        if isinstance(w, INPUTS)
        and not w.objectName().startswith("qt_")
        and w.objectName()
        and not w.focusPolicy() & Qt.FocusPolicy.TabFocus
        # a date field's calendar button: Alt+Down on the field (itself a Tab stop) opens it
        and not (w.property("keyboard_via") and w.parentWidget().focusProxy().focusPolicy())
    ]


def test_the_new_screens_name_every_input_and_take_the_keyboard(qtbot, boss_app, boss_window):
    boss_window.actions[ActionId.USERS].trigger()
    boss_window.actions[ActionId.HANDOVER].trigger()
    boss_window.actions[ActionId.HUB_SETTINGS].trigger()
    boss_window.actions[ActionId.NEEDS_ATTENTION].trigger()
    idle(qtbot, boss_app)
    dialogs = (
        boss_window.supervision,
        boss_window.handover_dialog,
        boss_window.hub_dialog,
        boss_window.attention_dialog,
    )
    for dialog in dialogs:
        assert unnamed_inputs(dialog) == [], dialog.objectName()
        assert not_tabbable(dialog) == [], dialog.objectName()
    for dialog in dialogs:
        dialog.close()
    idle(qtbot, boss_app)


def test_a_clerk_is_not_offered_the_supervisor_screens(qtbot, main_window):
    assert not main_window.supervisor_menu.menuAction().isVisible()
    for action_id in SUPERVISOR_ACTIONS:
        assert not main_window.actions[action_id].isVisible()
        main_window.actions[action_id].trigger()
    assert main_window.supervision is None
    assert main_window.actions[ActionId.HANDOVER].isVisible()


def test_the_new_screens_follow_a_language_switch(qtbot, boss_app, boss_window):
    boss_window.actions[ActionId.COMPLAINTS].trigger()
    boss_window.actions[ActionId.HANDOVER].trigger()
    idle(qtbot, boss_app)
    window, handover = boss_window.supervision, boss_window.handover_dialog
    assert window.tabs.tabText(2) == "Шағымдар"
    boss_window.actions[ActionId.LANGUAGE_RU].trigger()
    try:
        assert window.windowTitle() == "Руководство"
        assert window.tabs.tabText(2) == "Жалобы"
        assert window.complaints.register_button.text() == "Зарегистрировать"
        header = window.complaints.table.model().headerData(0, Qt.Orientation.Horizontal)
        assert header == "Входящий номер"
        assert handover.hand_over_button.text() == "Зарегистрировать выдачу"
        assert boss_window.supervisor_menu.title() == "&Руководитель"
        assert boss_window.actions[ActionId.SYNC_NOW].text() == "Синхронизировать сейчас"
    finally:
        boss_window.actions[ActionId.LANGUAGE_KK].trigger()
    window.close()
    handover.close()
    idle(qtbot, boss_app)
