"""Drafts survive a closed window; the language switches mid-wizard without losing input;
a wrong IIN blocks Next; the keyboard alone drives a page; Esc asks before discarding."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from ozq_desktop.domain import drafts
from ozq_desktop.i18n import current_language
from ozq_desktop.storage.engine import reading
from ozq_desktop.ui import dialogs
from ozq_desktop.ui.actions import ActionId
from ozq_desktop.ui.dialogs import DiscardChoice
from ozq_desktop.ui.wizard import wizard as wizard_module
from tests.ui.conftest import (
    VALID_BIN,
    VALID_IIN,
    idle,
    press,
    sign_in,
    start_app,
    type_text,
)
from tests.ui.driver import WizardDriver

NAME_KK = "«Өскемен Қорғасын» АҚ"


def saved_drafts(app, user_id):
    with reading(app.desk.factory) as s:
        return drafts.drafts_of(session=s, user_id=user_id)


def test_a_draft_is_resumed_after_the_window_was_closed(qtbot, data_folder, desk_app, main_window):
    drive = WizardDriver(qtbot, desk_app)
    drive.start("attestation")
    drive.place()
    page = drive.page("page_applicant")
    page.idn.setText(VALID_BIN)
    type_text(page.name_edit, NAME_KK)
    page.phone_edit.setText("+7 723 200 00 00")
    drive.next()
    drive.page("page_documents").editors["application"].presented.setChecked(True)
    user_id = main_window.clerk.user.id

    main_window.close()  # the clerk closes the window mid-application
    idle(qtbot, desk_app)
    saved = saved_drafts(desk_app, user_id)
    assert len(saved) == 1 and saved[0].applicant.name == NAME_KK
    desk_app.shutdown()

    again = start_app(qtbot, data_folder)
    try:
        main = sign_in(qtbot, again)
        banner = main.home.draft_banner
        assert banner.isVisible()
        assert NAME_KK in banner.findChild(type(banner._label), "draft_banner_text").text()
        qtbot.mouseClick(banner.resume_button, Qt.MouseButton.LeftButton)
        resumed = WizardDriver(qtbot, again)
        documents = resumed.page("page_documents")  # back on the page the clerk left
        assert documents.editors["application"].presented.isChecked()
        qtbot.mouseClick(resumed.wizard.back_button, Qt.MouseButton.LeftButton)
        applicant = resumed.page("page_applicant")
        assert applicant.name_edit.text() == NAME_KK
        assert applicant.idn.text() == VALID_BIN
        assert applicant.phone_edit.text() == "+7 723 200 00 00"
    finally:
        again.shutdown()


def test_switching_language_mid_wizard_keeps_what_was_typed(qtbot, desk_app, main_window):
    drive = WizardDriver(qtbot, desk_app)
    drive.start("technology-permit")
    drive.place()
    page = drive.page("page_applicant")
    type_text(page.idn.edit, VALID_IIN)
    type_text(page.name_edit, "Сәрсенбаев Бауыржан")
    page.address_edit.setText("Шымкент қ., Тәуке хан д-лы, 5")
    assert drive.wizard.next_button.text() == "Келесі"
    hint_kk = page.idn.hint.text()
    assert "ер адам" in hint_kk

    main_window.actions[ActionId.LANGUAGE_RU].trigger()

    assert current_language() == "ru"
    assert drive.wizard.next_button.text() == "Далее"
    assert drive.wizard.steps.item(1).text() == "2. Заявитель"
    assert page.type_combo.currentText() == "Физическое лицо"
    assert "мужчина" in page.idn.hint.text()
    assert page.idn.text() == VALID_IIN
    assert page.name_edit.text() == "Сәрсенбаев Бауыржан"
    assert page.address_edit.text() == "Шымкент қ., Тәуке хан д-лы, 5"
    assert main_window.home.service_buttons[0].accessibleName().startswith("Новое заявление")

    drive.next()  # the typed data went into the draft as well
    assert drive.wizard.draft.applicant.name == "Сәрсенбаев Бауыржан"
    main_window.actions[ActionId.LANGUAGE_KK].trigger()
    assert drive.wizard.steps.item(2).text() == "3. Құжаттар"


def test_an_invalid_iin_blocks_next_with_a_clear_message(qtbot, desk_app, main_window):
    drive = WizardDriver(qtbot, desk_app)
    drive.start("declaration-registration")
    drive.place()
    page = drive.page("page_applicant")
    page.type_combo.setCurrentIndex(page.type_combo.findData("natural_person"))
    page.name_edit.setText("Серікбаев Ахмет")
    type_text(page.idn.edit, "900101300012")  # a typo in the check digit

    expected = "Бақылау цифры сәйкес келмейді: нөмірде қате басылған цифр бар-жоғын тексеріңіз"
    assert page.idn.hint.text() == expected
    assert not drive.wizard.next_button.isEnabled()
    press(page.idn.edit, Qt.Key.Key_Return)  # Enter does not move on either
    assert drive.wizard.stack.currentWidget() is page
    assert drive.wizard.problem.text() == expected
    assert drive.wizard.problem.kind == "error"

    page.idn.setText("")
    type_text(page.idn.edit, "90010130")
    assert page.idn.hint.text() == "Енгізілген цифрлар: 8 / 12"
    type_text(page.idn.edit, "0017")
    assert drive.wizard.next_button.isEnabled()
    press(page.idn.edit, Qt.Key.Key_Return)
    drive.page("page_documents")


def test_the_keyboard_alone_fills_a_page_and_moves_on(qtbot, desk_app, main_window):
    drive = WizardDriver(qtbot, desk_app)
    drive.start("attestation")
    wizard = drive.wizard
    place = drive.page("page_place")
    # At the counter the focus starts in the queue ticket, where the barcode reader types.
    number = place.ticket.number
    assert number.hasFocus() or qtbot.waitUntil(number.hasFocus)
    press(wizard.focusWidget(), Qt.Key.Key_Return)
    applicant = drive.page("page_applicant")
    # A single applicant type: the focus starts in the IIN/BIN field.
    assert applicant.idn.edit.hasFocus()
    type_text(applicant.idn.edit, VALID_BIN)
    qtbot.keyClick(applicant.idn.edit, Qt.Key.Key_Tab)
    assert applicant.name_edit.hasFocus()
    type_text(applicant.name_edit, "«Қарағанды Көмір» ЖШС")
    press(applicant.name_edit, Qt.Key.Key_Return)
    drive.page("page_documents")
    assert wizard.draft.applicant.name == "«Қарағанды Көмір» ЖШС"


def test_escape_asks_then_keeps_or_discards_the_draft(qtbot, desk_app, main_window, monkeypatch):
    answers = []
    monkeypatch.setattr(wizard_module, "ask_discard", lambda parent: answers.pop(0))
    drive = WizardDriver(qtbot, desk_app)
    drive.start("attestation")
    drive.place()
    page = drive.page("page_applicant")
    page.name_edit.setText("«Алтын» ЖШС")
    user_id = main_window.clerk.user.id

    answers.append(DiscardChoice.CONTINUE)
    press(page.name_edit, Qt.Key.Key_Escape)
    assert main_window.wizard is not None and not answers

    answers.append(DiscardChoice.KEEP_DRAFT)
    press(page.name_edit, Qt.Key.Key_Escape)
    idle(qtbot, desk_app)
    assert main_window.wizard is None
    assert [d.applicant.name for d in saved_drafts(desk_app, user_id)] == ["«Алтын» ЖШС"]
    assert main_window.home.draft_banner.isVisible()

    qtbot.mouseClick(main_window.home.draft_banner.resume_button, Qt.MouseButton.LeftButton)
    answers.append(DiscardChoice.DISCARD)
    press(drive.wizard, Qt.Key.Key_Escape)
    idle(qtbot, desk_app)
    assert main_window.wizard is None
    assert saved_drafts(desk_app, user_id) == []
    assert not main_window.home.draft_banner.isVisible()


def test_the_discard_question_answers_with_the_button_pressed(qtbot, main_window):
    def answer(text: str) -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        button = next(b for b in box.buttons() if b.text() == text)
        button.click()

    QTimer.singleShot(0, lambda: answer("Жоба ретінде сақтау"))
    assert dialogs.ask_discard(main_window) is DiscardChoice.KEEP_DRAFT
    QTimer.singleShot(0, lambda: answer("Жою"))
    assert dialogs.ask_discard(main_window) is DiscardChoice.DISCARD
    QTimer.singleShot(0, lambda: QApplication.activeModalWidget().reject())  # Esc
    assert dialogs.ask_discard(main_window) is DiscardChoice.CONTINUE


def focused():
    return QApplication.focusWidget()


def key(qtbot, which: Qt.Key) -> None:
    qtbot.keyClick(focused(), which)


def test_a_whole_application_without_a_mouse(qtbot, desk_app, main_window):
    """Service 3 from the home screen to the refusal and back, by keyboard alone."""
    home = main_window.home
    home.service_buttons[0].setFocus()
    key(qtbot, Qt.Key.Key_Tab)
    key(qtbot, Qt.Key.Key_Tab)
    assert focused() is home.service_buttons[2]
    key(qtbot, Qt.Key.Key_Space)
    drive = WizardDriver(qtbot, desk_app)
    wizard = drive.wizard
    assert focused() is drive.page("page_place").ticket.number
    key(qtbot, Qt.Key.Key_Return)

    applicant = drive.page("page_applicant")
    assert focused() is applicant.idn.edit  # the number first; the type follows from it
    type_text(focused(), VALID_IIN)
    assert applicant.type_combo.currentData() == "natural_person"
    key(qtbot, Qt.Key.Key_Tab)
    assert focused() is applicant.type_combo  # two types: the combo is a Tab stop
    key(qtbot, Qt.Key.Key_Tab)
    type_text(focused(), "Серікбаев Ахмет")
    key(qtbot, Qt.Key.Key_Return)

    documents = drive.page("page_documents")
    assert focused() is documents.editors["application"].presented
    key(qtbot, Qt.Key.Key_Space)
    assert documents.editors["application"].presented.isChecked()
    key(qtbot, Qt.Key.Key_Return)

    drive.page("page_annex1")
    key(qtbot, Qt.Key.Key_Return)
    consent = drive.page("page_consent")
    assert focused() is consent.consent
    key(qtbot, Qt.Key.Key_Space)
    key(qtbot, Qt.Key.Key_Return)
    drive.page("page_review")
    key(qtbot, Qt.Key.Key_Return)  # confirm: refuse, the declaration and conclusion are missing
    qtbot.waitUntil(lambda: wizard.result is not None, timeout=15000)
    assert [d.code for d in wizard.result.missing] == ["declaration", "expert_conclusion"]
    assert focused() is wizard.done_page.next_button
    key(qtbot, Qt.Key.Key_Return)  # next applicant
    idle(qtbot, desk_app)
    assert main_window.wizard is None and home.model.rowCount() == 1


def test_enter_on_the_focused_back_button_goes_back(qtbot, desk_app, main_window):
    drive = WizardDriver(qtbot, desk_app)
    drive.start("attestation")
    drive.place()
    drive.page("page_applicant")
    drive.wizard.back_button.setFocus()
    key(qtbot, Qt.Key.Key_Return)
    drive.page("page_place")
