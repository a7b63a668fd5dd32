"""The desk's users: create one, reset a password, deactivate (supervisor only; the domain
refuses anyone else)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QLineEdit,
    QPushButton,
    QWidget,
)

from ozq_desktop.domain.accounts import Role, role_label
from ozq_desktop.domain.changes import Changes
from ozq_desktop.domain.profiles import Account
from ozq_desktop.i18n import N_, tr
from ozq_desktop.ui.changes import follow_changes
from ozq_desktop.ui.context import DeskServices, SignedIn
from ozq_desktop.ui.forms import add_row, new_form
from ozq_desktop.ui.language import Texts, follow_language, named
from ozq_desktop.ui.supervisor.common import (
    line_edit,
    message_label,
    push_button,
    table_over_boxes,
)
from ozq_desktop.ui.tables import Column, RowsModel, current_row, table_view

COLUMNS: tuple[Column[Account], ...] = (
    Column(N_("Login"), lambda u: u.login),
    Column(N_("Full name"), lambda u: u.full_name),
    Column(N_("Role"), lambda u: role_label(u.role)),
    Column(N_("Account"), lambda u: tr(N_("active")) if u.is_active else tr(N_("deactivated"))),
)


def read_users(session, actor) -> list[Account]:
    from ozq_desktop.domain.accounts import list_users

    return [Account.of(u) for u in list_users(session=session, actor=actor)]


class UsersPage(QWidget):
    def __init__(
        self, services: DeskServices, clerk: SignedIn, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("users_page")
        self._services = services
        self._clerk = clerk
        self.texts = Texts()
        self.model = RowsModel(COLUMNS, self)
        self.table = table_view(
            self, "users_table", self.texts, N_("Users of the desk"), self.model
        )
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._chosen())

        new_box = QGroupBox(self)
        self.texts.bind(new_box.setTitle, N_("New user"))
        self.login_edit = self._line(new_box, "user_login", N_("Login"))
        self.name_edit = self._line(new_box, "user_full_name", N_("Full name"))
        self.password_edit = self._line(new_box, "user_password", N_("Password"))
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.role_combo = QComboBox(new_box)
        named(self.role_combo, "user_role", self.texts, N_("Role"))
        for role in (Role.CLERK, Role.MOBILE_CLERK, Role.SUPERVISOR):
            self.role_combo.addItem("", role)
        self.create_button = self._button(new_box, "user_create", N_("Create the user"))
        self.create_button.clicked.connect(self.create)
        form = new_form(new_box)
        add_row(form, self.texts, N_("Login"), self.login_edit)
        add_row(form, self.texts, N_("Full name"), self.name_edit)
        add_row(form, self.texts, N_("Password"), self.password_edit)
        add_row(form, self.texts, N_("Role"), self.role_combo)
        form.addRow(self.create_button)

        selected_box = QGroupBox(self)
        self.texts.bind(selected_box.setTitle, N_("The selected user"))
        self.new_password_edit = self._line(selected_box, "user_new_password", N_("New password"))
        self.new_password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.reset_button = self._button(selected_box, "user_reset", N_("Reset the password"))
        self.reset_button.clicked.connect(self.reset_password)
        self.deactivate_button = self._button(selected_box, "user_deactivate", N_("Deactivate"))
        self.deactivate_button.clicked.connect(self.deactivate)
        selected_form = new_form(selected_box)
        add_row(selected_form, self.texts, N_("New password"), self.new_password_edit)
        selected_form.addRow(self.reset_button)
        selected_form.addRow(self.deactivate_button)

        self.message = message_label(self, "users_message")
        table_over_boxes(self, self.table, (new_box, selected_box), self.message)
        follow_language(self.retranslate)
        follow_changes(services.tasks, self, self._changed)
        self.retranslate()

    def _line(self, parent: QWidget, name: str, msgid: str) -> QLineEdit:
        return line_edit(parent, name, self.texts, msgid)

    def _button(self, parent: QWidget, name: str, msgid: str) -> QPushButton:
        return push_button(parent, name, self.texts, msgid)

    def refresh(self) -> None:
        actor = self._clerk.user
        self._services.tasks.read(
            lambda s: read_users(s, actor), self._show, self._failed, owner=self
        )

    def _changed(self, changes: Changes) -> None:
        if changes.users:
            self.refresh()

    @property
    def users(self) -> list[Account]:
        return self.model.rows

    def _show(self, users: list[Account]) -> None:
        self.model.set_rows(users)
        self._chosen()

    def selected(self) -> Account | None:
        row = current_row(self.table)
        return self.model.row_at(row) if 0 <= row < self.model.rowCount() else None

    def _chosen(self) -> None:
        user = self.selected()
        self.reset_button.setEnabled(user is not None)
        self.deactivate_button.setEnabled(user is not None and user.is_active)

    def retranslate(self) -> None:
        self.texts.apply()
        for i in range(self.role_combo.count()):
            self.role_combo.setItemText(i, role_label(self.role_combo.itemData(i)))
        self.model.retranslate()

    # -- writing -------------------------------------------------------------------------

    def create(self) -> None:
        from ozq_desktop.domain.accounts import NewUser, create_user

        new = NewUser(
            login=self.login_edit.text(),
            full_name=self.name_edit.text(),
            password=self.password_edit.text(),
            role=self.role_combo.currentData(),
        )
        actor = self._clerk.user
        self._services.tasks.write(
            lambda s: create_user(session=s, actor=actor, new=new),
            lambda written: self._created(written.value.login),
            self._failed,
            owner=self,
        )

    def _created(self, login: str) -> None:
        for edit in (self.login_edit, self.name_edit, self.password_edit):
            edit.clear()
        self.message.show_fn(lambda: tr(N_("User {login} created."), login=login), "ok")

    def reset_password(self) -> None:
        from ozq_desktop.domain.accounts import reset_password

        user = self.selected()
        if user is None:
            return
        actor, password = self._clerk.user, self.new_password_edit.text()
        self._services.tasks.write(
            lambda s: reset_password(session=s, actor=actor, user_id=user.id, password=password),
            lambda _: self._done(N_("The password of {login} was reset."), user.login),
            self._failed,
            owner=self,
        )

    def deactivate(self) -> None:
        from ozq_desktop.domain.accounts import deactivate_user

        user = self.selected()
        if user is None:
            return
        actor = self._clerk.user
        self._services.tasks.write(
            lambda s: deactivate_user(session=s, actor=actor, user_id=user.id),
            lambda _: self._done(N_("User {login} deactivated."), user.login),
            self._failed,
            owner=self,
        )

    def _done(self, msgid: str, login: str) -> None:
        self.new_password_edit.clear()
        self.message.show_message(msgid, "ok", login=login)

    def _failed(self, exc: BaseException) -> None:
        self.message.show_error(exc)
