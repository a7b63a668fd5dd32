"""The supervisor's other screens: deadlines (and their counts on home), a complaint
registered, seen overdue and answered, a calendar change moving a deadline, and users."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from PySide6.QtCore import QDate, Qt

from ozq_desktop.domain.calendar_store import load_calendar
from ozq_desktop.models import Package, User
from ozq_desktop.storage.engine import reading
from ozq_desktop.ui.actions import ActionId
from ozq_desktop.ui.supervisor.common import OVERDUE_BRUSH
from ozq_wire.calendar import OverrideKind
from tests.ui.conftest import idle
from tests.ui.supervisor.helpers import accept_one


def result_date(app, package_id: str) -> date:
    with reading(app.desk.factory) as s:
        return s.get(Package, package_id).result_date


def test_deadlines_list_an_overdue_package_and_home_counts_it(qtbot, boss_app, boss_window):
    long_ago = datetime.now().replace(microsecond=0) - timedelta(days=90)
    late = accept_one(boss_app, boss_window.clerk.user, seed=1, at=long_ago)
    accept_one(boss_app, boss_window.clerk.user, seed=2)
    boss_window.refresh()
    idle(qtbot, boss_app)
    assert boss_window.home.deadlines_label.text().startswith("Мерзімі өткен: 1 · ")
    boss_window.actions[ActionId.DEADLINES].trigger()
    page = boss_window.supervision.deadlines
    idle(qtbot, boss_app)
    assert page.models["overdue"].rowCount() == 1
    assert page.models["overdue"].row_at(0).receipt_no == late.receipt_no
    assert page.titles["overdue"].text() == "Мерзімі өткен: 1"
    # service 3: due to the committee a working day before the date the receipt promised
    due, promised = late.result_date, late.promised_date
    assert due < promised
    cell = page.models["overdue"].index(0, 6).data()
    assert cell == f"{due:%d.%m.%Y} (қолхатта: {promised:%d.%m.%Y})"
    boss_window.supervision.close()


def test_a_complaint_is_registered_highlighted_when_overdue_and_answered(
    qtbot, boss_app, boss_window
):
    boss_window.actions[ActionId.COMPLAINTS].trigger()
    page = boss_window.supervision.complaints
    idle(qtbot, boss_app)
    assert page.table.rowCount() == 0
    qtbot.mouseClick(page.register_button, Qt.MouseButton.LeftButton)  # empty: refused
    idle(qtbot, boss_app)
    assert page.message.text() and page.table.rowCount() == 0

    old = date.today() - timedelta(days=60)
    page.incoming_edit.setText("Ш-17")
    page.registered_edit.setDate(QDate(old))
    page.complainant_edit.setText("Ахметова Гүлнар")
    page.about_edit.setText("Кезек")
    page.text_edit.setPlainText("Ұзақ күттім.")
    qtbot.mouseClick(page.register_button, Qt.MouseButton.LeftButton)
    idle(qtbot, boss_app)
    assert page.message.text().startswith("Ш-17 шағымы тіркелді")
    assert page.table.rowCount() == 1
    line = page.lines[0]
    assert line.overdue and line.deadline > old
    assert page.table.item(0, 0).background() == OVERDUE_BRUSH
    assert page.table.item(0, 4).text() == line.deadline.strftime("%d.%m.%Y")

    page.table.selectRow(0)
    assert page.answer_button.isEnabled()
    page.answer_edit.setPlainText("Кешірім сұраймыз.")
    qtbot.mouseClick(page.answer_button, Qt.MouseButton.LeftButton)
    idle(qtbot, boss_app)
    assert page.message.text() == "Ш-17 шағымына жауап берілді."
    assert not page.lines[0].overdue
    assert page.table.item(0, 0).background() != OVERDUE_BRUSH
    assert page.table.item(0, 5).text() == date.today().strftime("%d.%m.%Y")
    boss_window.supervision.close()


def test_a_day_off_moves_an_open_deadline_and_removing_it_moves_it_back(
    qtbot, boss_app, boss_window
):
    package = accept_one(boss_app, boss_window.clerk.user, seed=3)
    before = result_date(boss_app, package.package_id)
    with reading(boss_app.desk.factory) as s:
        calendar = load_calendar(session=s)
    day = calendar.next_working_day(date.today())
    assert day < before

    boss_window.actions[ActionId.CALENDAR].trigger()
    page = boss_window.supervision.calendar
    idle(qtbot, boss_app)
    assert page.days_table.rowCount() > 10  # weekends and public holidays of the year
    assert page.overrides_table.rowCount() == 0
    page.day_edit.setDate(QDate(day))
    page.kind_combo.setCurrentIndex(page.kind_combo.findData(OverrideKind.DAY_OFF))
    page.note_edit.setText("Әкім шешімі")

    # Before anything is saved: what the change would move, receipt by receipt.
    dialog = propose(qtbot, boss_app, page)
    cells = [dialog.moves.item(0, c).text() for c in range(dialog.moves.columnCount())]
    assert cells[0] == package.receipt_no
    assert cells[2] == before.strftime("%d.%m.%Y") and cells[3] > ""  # old → new
    promised = promised_date(boss_app, package.package_id)  # service 3: the legal end
    assert cells[4] == promised.strftime("%d.%m.%Y")  # the receipt's date stays
    assert "1 ашық топтаманың" in dialog.summary.text()
    assert not dialog.warning.isVisible()
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    idle(qtbot, boss_app)
    assert page.overrides_table.rowCount() == 0  # cancelled: nothing written
    assert result_date(boss_app, package.package_id) == before

    dialog = propose(qtbot, boss_app, page)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    idle(qtbot, boss_app)
    assert page.message.text() == "Күнтізбе сақталды; нәтиже күні өзгерген топтамалар: 1."
    after = result_date(boss_app, package.package_id)
    assert after > before
    assert page.overrides_table.rowCount() == 1
    assert page.overrides_table.item(0, 1).text() == "Демалыс күні"
    if day.year == page.year_spin.value():
        assert day.strftime("%d.%m.%Y") in [
            page.days_table.item(r, 0).text() for r in range(page.days_table.rowCount())
        ]

    # The deadline monitor shows the new due date beside the receipt's.
    boss_window.actions[ActionId.DEADLINES].trigger()
    deadlines = boss_window.supervision.deadlines
    deadlines.refresh()
    idle(qtbot, boss_app)
    shown = [
        deadlines.models[key].index(r, 6).data()
        for key in ("overdue", "due_today", "due_soon")
        for r in range(deadlines.models[key].rowCount())
    ]
    shown += [
        boss_window.home.model.index(r, 6).data() for r in range(boss_window.home.model.rowCount())
    ]
    expected = f"{after:%d.%m.%Y} (қолхатта: {before:%d.%m.%Y})"
    assert expected in shown or not shown  # listed when due within the monitor's window
    boss_window.actions[ActionId.CALENDAR].trigger()

    page.overrides_table.selectRow(0)
    qtbot.mouseClick(page.remove_button, Qt.MouseButton.LeftButton)
    dialog = confirm_dialog(qtbot, boss_app, page)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    idle(qtbot, boss_app)
    assert page.overrides_table.rowCount() == 0
    assert result_date(boss_app, package.package_id) == before
    boss_window.supervision.close()


def promised_date(app, package_id):
    from ozq_desktop.domain import packages

    with reading(app.desk.factory) as s:
        return packages.by_id(session=s, package_id=package_id).promised_date


def confirm_dialog(qtbot, app, page):
    qtbot.waitUntil(lambda: page.confirm_dialog is not None and page.confirm_dialog.isVisible())
    idle(qtbot, app)
    return page.confirm_dialog


def propose(qtbot, app, page):
    page.confirm_dialog = None
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    return confirm_dialog(qtbot, app, page)


def test_making_today_a_day_off_is_warned_with_the_packages_of_the_day(
    qtbot, boss_app, boss_window
):
    accept_one(boss_app, boss_window.clerk.user, seed=4)
    boss_window.actions[ActionId.CALENDAR].trigger()
    page = boss_window.supervision.calendar
    idle(qtbot, boss_app)
    page.day_edit.setDate(QDate(date.today()))
    page.kind_combo.setCurrentIndex(page.kind_combo.findData(OverrideKind.DAY_OFF))
    dialog = propose(qtbot, boss_app, page)
    assert dialog.warning.isVisible()
    assert "бүгінгі күн" in dialog.warning.text() and "1 топтама" in dialog.warning.text()
    assert dialog.cancel_button.isDefault()  # Enter by habit changes nothing
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    idle(qtbot, boss_app)
    assert page.overrides_table.rowCount() == 0
    boss_window.supervision.close()


def test_users_are_created_reset_and_deactivated(qtbot, boss_app, boss_window):
    boss_window.actions[ActionId.USERS].trigger()
    page = boss_window.supervision.users
    idle(qtbot, boss_app)
    assert page.table.rowCount() == 2
    page.login_edit.setText("aset")
    page.name_edit.setText("Серікбаев Әсет")
    page.password_edit.setText("short")
    qtbot.mouseClick(page.create_button, Qt.MouseButton.LeftButton)
    idle(qtbot, boss_app)
    assert page.table.rowCount() == 2 and page.message.text()  # the domain refused it
    page.password_edit.setText("long-enough-1")
    page.role_combo.setCurrentIndex(1)  # mobile clerk
    qtbot.mouseClick(page.create_button, Qt.MouseButton.LeftButton)
    idle(qtbot, boss_app)
    assert page.message.text() == "aset пайдаланушысы құрылды."
    row = [u[1] for u in page.users].index("aset")
    assert page.table.item(row, 2).text() == page.role_combo.itemText(1)

    page.table.selectRow(row)
    page.new_password_edit.setText("another-pass-2")
    qtbot.mouseClick(page.reset_button, Qt.MouseButton.LeftButton)
    idle(qtbot, boss_app)
    assert page.message.text() == "aset құпиясөзі қалпына келтірілді."
    row = [u[1] for u in page.users].index("aset")
    page.table.selectRow(row)
    qtbot.mouseClick(page.deactivate_button, Qt.MouseButton.LeftButton)
    idle(qtbot, boss_app)
    assert page.message.text() == "aset пайдаланушысы өшірілді."
    with reading(boss_app.desk.factory) as s:
        user = s.query(User).filter_by(login="aset").one()
        assert not user.is_active and user.role == "mobile_clerk"
    boss_window.supervision.close()
