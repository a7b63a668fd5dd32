"""The complaints journal: register a complaint (its answer deadline follows from the working
calendar), answer it, and see the overdue ones highlighted."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QGroupBox,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from ozq_desktop.domain.changes import Changes
from ozq_desktop.domain.complaints import ComplaintLine
from ozq_desktop.i18n import N_, tr
from ozq_desktop.ui.changes import follow_changes
from ozq_desktop.ui.context import DeskServices, SignedIn
from ozq_desktop.ui.forms import add_row, new_form
from ozq_desktop.ui.labels import day_text
from ozq_desktop.ui.language import Texts, follow_language, named
from ozq_desktop.ui.supervisor.common import (
    date_edit,
    date_of,
    line_edit,
    message_label,
    push_button,
    table_over_boxes,
)
from ozq_desktop.ui.tables import Column, RowsModel, current_row, table_view

COLUMNS: tuple[Column[ComplaintLine], ...] = (
    Column(N_("Incoming number"), lambda c: c.incoming_no),
    Column(N_("Registered on"), lambda c: day_text(c.registered_on)),
    Column(N_("Complainant"), lambda c: c.complainant),
    Column(N_("Subject"), lambda c: c.about),
    Column(N_("Answer deadline"), lambda c: day_text(c.deadline)),
    Column(N_("Answered on"), lambda c: day_text(c.answered_on) if c.answered_on else ""),
)


class ComplaintsPage(QWidget):
    def __init__(
        self, services: DeskServices, clerk: SignedIn, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("complaints_page")
        self._services = services
        self._clerk = clerk
        self.texts = Texts()
        today = services.clock().date()
        self.model = RowsModel(
            COLUMNS,
            self,
            highlight=lambda c: c.overdue,
            highlight_tip=lambda: tr(N_("The answer is overdue.")),
        )
        self.table = table_view(
            self, "complaints_table", self.texts, N_("Complaints journal"), self.model
        )
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._chosen())

        new_box = QGroupBox(self)
        self.texts.bind(new_box.setTitle, N_("Register a complaint"))
        self.incoming_edit = self._line(new_box, "complaint_incoming", N_("Incoming number"))
        self.registered_edit = date_edit(
            new_box, "complaint_registered", self.texts, N_("Registered on"), today
        )
        self.complainant_edit = self._line(new_box, "complaint_complainant", N_("Complainant"))
        self.about_edit = self._line(new_box, "complaint_about", N_("Subject"))
        self.text_edit = QPlainTextEdit(new_box)
        named(self.text_edit, "complaint_text", self.texts, N_("Text of the complaint"))
        self.text_edit.setTabChangesFocus(True)
        self.text_edit.setMaximumHeight(80)
        self.register_button = self._button(new_box, "complaint_register", N_("Register"))
        self.register_button.clicked.connect(self.register_complaint)
        form = new_form(new_box)
        add_row(form, self.texts, N_("Incoming number"), self.incoming_edit)
        add_row(form, self.texts, N_("Registered on"), self.registered_edit)
        add_row(form, self.texts, N_("Complainant"), self.complainant_edit)
        add_row(form, self.texts, N_("Subject"), self.about_edit)
        add_row(form, self.texts, N_("Text of the complaint"), self.text_edit)
        form.addRow(self.register_button)

        answer_box = QGroupBox(self)
        self.texts.bind(answer_box.setTitle, N_("Answer the selected complaint"))
        self.answer_edit = QPlainTextEdit(answer_box)
        named(self.answer_edit, "complaint_answer", self.texts, N_("Answer"))
        self.answer_edit.setTabChangesFocus(True)
        self.answer_edit.setMaximumHeight(80)
        self.answered_edit = date_edit(
            answer_box, "complaint_answered", self.texts, N_("Answered on"), today
        )
        self.answer_button = self._button(
            answer_box, "complaint_answer_button", N_("Record the answer")
        )
        self.answer_button.clicked.connect(self.answer_complaint)
        answer_form = new_form(answer_box)
        add_row(answer_form, self.texts, N_("Answer"), self.answer_edit)
        add_row(answer_form, self.texts, N_("Answered on"), self.answered_edit)
        answer_form.addRow(self.answer_button)

        self.message = message_label(self, "complaints_message")
        table_over_boxes(self, self.table, (new_box, answer_box), self.message)
        follow_language(self.retranslate)
        follow_changes(services.tasks, self, self._changed)
        self.retranslate()

    def _line(self, parent: QWidget, name: str, msgid: str) -> QLineEdit:
        return line_edit(parent, name, self.texts, msgid)

    def _button(self, parent: QWidget, name: str, msgid: str) -> QPushButton:
        return push_button(parent, name, self.texts, msgid)

    # -- the journal ---------------------------------------------------------------------

    def refresh(self) -> None:
        from ozq_desktop.domain.complaints import complaints_journal

        today = self._services.clock().date()
        self._services.tasks.read(
            lambda s: complaints_journal(session=s, today=today),
            self._show,
            self._failed,
            owner=self,
        )

    def _changed(self, changes: Changes) -> None:
        if changes.complaints:
            self.refresh()

    @property
    def lines(self) -> list[ComplaintLine]:
        return self.model.rows

    def _show(self, lines: list[ComplaintLine]) -> None:
        self.model.set_rows(lines)
        self._chosen()

    def selected(self) -> ComplaintLine | None:
        row = current_row(self.table)
        return self.model.row_at(row) if 0 <= row < self.model.rowCount() else None

    def _chosen(self) -> None:
        line = self.selected()
        self.answer_button.setEnabled(line is not None and line.answer is None)

    def retranslate(self) -> None:
        self.texts.apply()
        self.model.retranslate()

    # -- writing -------------------------------------------------------------------------

    def register_complaint(self) -> None:
        from ozq_desktop.domain.calendar_store import load_calendar
        from ozq_desktop.domain.complaints import NewComplaint, register_complaint

        new = NewComplaint(
            incoming_no=self.incoming_edit.text(),
            registered_on=date_of(self.registered_edit),
            complainant=self.complainant_edit.text(),
            about=self.about_edit.text(),
            text=self.text_edit.toPlainText(),
        )
        actor = self._clerk.user

        def job(s):
            calendar = load_calendar(session=s)
            return register_complaint(session=s, actor=actor, calendar=calendar, new=new)

        self._services.tasks.write(job, self._registered, self._failed, owner=self)

    def _registered(self, written) -> None:
        line = written.value
        for edit in (self.incoming_edit, self.complainant_edit, self.about_edit):
            edit.clear()
        self.text_edit.clear()
        self.message.show_fn(
            lambda: tr(
                N_("Complaint {number} registered; answer by {deadline}."),
                number=line.incoming_no,
                deadline=day_text(line.deadline),
            ),
            "ok",
        )

    def answer_complaint(self) -> None:
        from ozq_desktop.domain.complaints import answer_complaint

        line = self.selected()
        if line is None:
            return
        actor, answer, on = (
            self._clerk.user,
            self.answer_edit.toPlainText(),
            date_of(self.answered_edit),
        )
        self._services.tasks.write(
            lambda s: answer_complaint(
                session=s, actor=actor, complaint_id=line.id, answer=answer, answered_on=on
            ),
            self._answered,
            self._failed,
            owner=self,
        )

    def _answered(self, written) -> None:
        self.answer_edit.clear()
        number = written.value.incoming_no
        self.message.show_fn(lambda: tr(N_("Complaint {number} answered."), number=number), "ok")

    def _failed(self, exc: BaseException) -> None:
        self.message.show_error(exc)
