"""The main window: a thin shell. It wires the registered actions and swaps the home screen
and the wizard; the screens do the work, and redraw themselves when a write changes what
they show (ui/changes.py)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QMainWindow, QMessageBox, QStackedWidget, QToolBar, QWidget

from ozq_desktop.domain.accounts import Role, set_lock_minutes, set_training
from ozq_desktop.domain.drafts import PackageDraft, Place
from ozq_desktop.i18n import N_, set_language, tr
from ozq_desktop.sync.engine import SyncReport
from ozq_desktop.ui import screen_fit
from ozq_desktop.ui.actions import (
    LANGUAGE_ACTIONS,
    SUPERVISOR_ACTIONS,
    ActionId,
    ActionRegistry,
)
from ozq_desktop.ui.auto_lock import AutoLock, LockMinutesDialog
from ozq_desktop.ui.branch_dialog import BranchInRussianDialog
from ozq_desktop.ui.context import Clerk, DeskServices, SignedIn
from ozq_desktop.ui.dialogs import error_text
from ozq_desktop.ui.handover import HandoverDialog
from ozq_desktop.ui.home import HomeScreen
from ozq_desktop.ui.language import follow_language
from ozq_desktop.ui.recovery_sheet import open_recovery_sheet
from ozq_desktop.ui.settings_dialog import HubSettingsDialog
from ozq_desktop.ui.signing_dialog import SigningDialog
from ozq_desktop.ui.status_bar import DeskStatusBar
from ozq_desktop.ui.supervisor.window import SupervisorWindow, Tab
from ozq_desktop.ui.sync_panel import NeedsAttentionDialog, SyncController, decisions_text
from ozq_desktop.ui.wizard.wizard import PackageWizard


class MainWindow(QMainWindow):
    signed_out = Signal()

    def __init__(self, services: DeskServices, clerk: Clerk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("main_window")
        self.services = services
        self.clerk = SignedIn(services.tasks, clerk, self)  # replaced, never patched
        self.wizard: PackageWizard | None = None

        self.actions = ActionRegistry(self)
        self.home = HomeScreen(services, self.clerk, self)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.home)
        self.setCentralWidget(self.stack)
        self.status = DeskStatusBar(services, self.clerk, self)
        self.setStatusBar(self.status)
        self.toolbar = QToolBar(self)
        self.toolbar.setObjectName("main_toolbar")
        self.toolbar.setMovable(False)
        for action_id in (
            ActionId.HOME,
            ActionId.FIND,
            ActionId.REFRESH,
            ActionId.HANDOVER,
            ActionId.SYNC_NOW,
        ):
            self.toolbar.addAction(self.actions[action_id])
        spacer = QWidget(self.toolbar)
        spacer.setSizePolicy(
            spacer.sizePolicy().Policy.Expanding, spacer.sizePolicy().Policy.Preferred
        )
        self.toolbar.addWidget(spacer)
        for action_id in (ActionId.LANGUAGE_KK, ActionId.LANGUAGE_RU, ActionId.SIGN_OUT):
            self.toolbar.addAction(self.actions[action_id])
        self.addToolBar(self.toolbar)
        for action in self.actions:
            button = self.toolbar.widgetForAction(action)
            if button is not None:
                button.setObjectName(f"tool_{action.objectName().removeprefix('action_')}")
        self.desk_menu = self.menuBar().addMenu("")
        self.desk_menu.setObjectName("desk_menu")
        for action_id in (
            ActionId.SYNC_NOW,
            ActionId.NEEDS_ATTENTION,
            ActionId.HUB_SETTINGS,
            ActionId.SIGNING,
            ActionId.AUTO_LOCK,
            ActionId.TRAINING,
            ActionId.BRANCH_RU,
            ActionId.LOCK,
        ):
            self.desk_menu.addAction(self.actions[action_id])
        # The domain refuses these to others anyway; the actions are the supervisor's.
        for action_id in (
            ActionId.HUB_SETTINGS,
            ActionId.AUTO_LOCK,
            ActionId.TRAINING,
            ActionId.BRANCH_RU,
        ):
            self.actions[action_id].setVisible(clerk.user.role == Role.SUPERVISOR)
        self.actions[ActionId.TRAINING].setChecked(bool(clerk.branch.training))
        self.supervisor_menu = self.menuBar().addMenu("")
        self.supervisor_menu.setObjectName("supervisor_menu")
        is_supervisor = clerk.user.role == Role.SUPERVISOR
        for action_id in SUPERVISOR_ACTIONS:
            self.supervisor_menu.addAction(self.actions[action_id])
            self.actions[action_id].setVisible(is_supervisor)
        self.supervisor_menu.addSeparator()
        self.supervisor_menu.addAction(self.actions[ActionId.RECOVERY_SHEET])
        self.actions[ActionId.RECOVERY_SHEET].setVisible(is_supervisor)
        self.supervisor_menu.menuAction().setVisible(is_supervisor)
        self.supervision: SupervisorWindow | None = None
        self.sync = SyncController(services, parent=self)
        self.auto_lock = AutoLock(services, self.clerk, parent=self)
        self._hub_hint_shown = False
        self._branch_hint_shown = False
        self._wire()
        screen_fit.fill(self)  # the whole available area of its screen
        follow_language(self.retranslate)
        self.retranslate()

    def _wire(self) -> None:
        a = self.actions
        a[ActionId.HOME].triggered.connect(self.show_home)
        a[ActionId.FIND].triggered.connect(self.focus_search)
        a[ActionId.REFRESH].triggered.connect(self.refresh)  # F5: the clerk asks to look again
        for action_id, code in LANGUAGE_ACTIONS.items():
            a[action_id].triggered.connect(lambda _=False, c=code: set_language(c))
        a[ActionId.SIGN_OUT].triggered.connect(self.sign_out)
        a[ActionId.QUIT].triggered.connect(self.close)
        a[ActionId.HANDOVER].triggered.connect(self.open_handover)
        for tab, action_id in zip(Tab, SUPERVISOR_ACTIONS, strict=True):
            a[action_id].triggered.connect(lambda _=False, t=tab: self.open_supervision(t))
        a[ActionId.SYNC_NOW].triggered.connect(lambda: self.sync.sync(reset_backoff=True))
        a[ActionId.NEEDS_ATTENTION].triggered.connect(self.open_needs_attention)
        a[ActionId.HUB_SETTINGS].triggered.connect(self.open_hub_settings)
        a[ActionId.LOCK].triggered.connect(self.auto_lock.lock)
        a[ActionId.AUTO_LOCK].triggered.connect(self.ask_lock_minutes)
        a[ActionId.SIGNING].triggered.connect(self.open_signing)
        a[ActionId.TRAINING].triggered.connect(self.set_training)
        a[ActionId.BRANCH_RU].triggered.connect(self.open_branch_in_russian)
        a[ActionId.RECOVERY_SHEET].triggered.connect(self.open_recovery_sheet)
        self.auto_lock.locked.connect(self._locked)
        self.auto_lock.sign_out_requested.connect(self.signed_out)
        self.sync.reported.connect(self._sync_reported)
        self.sync.progressed.connect(self.status.show_sync_progress)
        self.sync.failed.connect(self.status.show_sync_failure)
        self.clerk.replaced.connect(self._clerk_replaced)
        self.sync.decisions_arrived.connect(self._decisions_arrived)
        self.home.new_package_requested.connect(self.new_package)
        self.home.resume_requested.connect(self.open_wizard)

    # -- screens -------------------------------------------------------------------------

    def refresh(self) -> None:
        """Read everything shown again (F5); writes need no refresh, their views follow."""
        self.home.refresh()
        self.status.refresh()

    def _clerk_replaced(self, clerk: Clerk) -> None:
        self.auto_lock.set_minutes(clerk.branch.lock_minutes)
        self.actions[ActionId.TRAINING].setChecked(clerk.branch.training)
        self.retranslate()

    def new_package(self, service_id: str) -> None:
        draft = PackageDraft(service_id=service_id, started_at=self.services.clock())
        if self.clerk.user.role == Role.MOBILE_CLERK:
            draft.place = Place.HOME_VISIT  # seed §13: the mobile clerk goes to the applicant
        self.open_wizard(draft)

    def open_wizard(self, draft: PackageDraft) -> None:
        if self.wizard is not None:
            return
        self.wizard = PackageWizard(self.services, self.clerk, draft, self.stack)
        self.wizard.closed.connect(self.show_home)
        self.wizard.accepted.connect(self._package_accepted)
        self.stack.addWidget(self.wizard)
        self.stack.setCurrentWidget(self.wizard)
        self.actions[ActionId.HOME].setEnabled(False)
        self.actions[ActionId.SIGN_OUT].setEnabled(False)

    def _package_accepted(self, _result: object) -> None:
        self.sync.sync()

    def start_sync(self) -> None:
        self.sync.start()
        self.auto_lock.start()

    def _locked(self) -> None:
        if self.wizard is not None and self.wizard.result is None:
            self.wizard.save_now()  # the draft is on disk whatever happens while locked

    def open_recovery_sheet(self) -> None:
        if self.clerk.user.role == Role.SUPERVISOR:
            open_recovery_sheet(self, self.services, self.clerk.user)

    def open_signing(self) -> None:
        dialog = SigningDialog(self.services, self.clerk, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.signing_dialog = dialog
        dialog.open()

    def set_training(self, on: bool) -> None:
        """The supervisor switches training mode on or off for the whole desk."""
        user = self.clerk.user

        def saved(_changes) -> None:  # the session reads the branch again (_clerk_replaced)
            text = (
                N_("Training mode is on: nothing is signed or sent to the hub.")
                if on
                else N_("Training mode is off: packages are signed and sent again.")
            )
            self.status.showMessage(tr(text), 15000)

        def failed(exc: BaseException) -> None:
            self.actions[ActionId.TRAINING].setChecked(bool(self.clerk.branch.training))
            QMessageBox.warning(self, tr(N_("Training mode")), error_text(exc))

        self.services.tasks.write(
            lambda s: set_training(session=s, actor=user, on=on), saved, failed
        )

    def open_branch_in_russian(self) -> None:
        dialog = BranchInRussianDialog(self.services, self.clerk, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.branch_dialog = dialog
        dialog.open()

    def ask_lock_minutes(self) -> None:
        dialog = LockMinutesDialog(self.clerk.branch.lock_minutes, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.intValueSelected.connect(self._set_lock_minutes)
        self.lock_dialog = dialog
        dialog.open()

    def _set_lock_minutes(self, minutes: int) -> None:
        user = self.clerk.user

        def saved(_changes) -> None:  # the session reads the branch again (_clerk_replaced)
            self.status.showMessage(
                tr(N_("The desk now locks after {minutes} idle minutes."), minutes=minutes), 10000
            )

        self.services.tasks.write(
            lambda s: set_lock_minutes(session=s, actor=user, minutes=minutes),
            saved,
            lambda exc: QMessageBox.warning(self, tr(N_("Auto-lock")), error_text(exc)),
        )

    def _sync_reported(self, report: SyncReport) -> None:
        self.status.show_sync(report, self.sync.last_sync)
        supervisor = self.clerk.user.role == Role.SUPERVISOR
        if report.audit_problem is not None and supervisor:
            # The hub holds another audit trail for this desk (Desk → Needs attention…).
            self.status.showMessage(report.audit_problem.message(), 60000)
        elif supervisor and not self.clerk.branch.branch_name_ru and not self._branch_hint_shown:
            # A desk set up before the Russian name was asked for prints the Kazakh one.
            self._branch_hint_shown = True
            self.status.showMessage(
                tr(
                    N_(
                        "Enter the branch name and address in Russian: Desk → Branch name and address in Russian…"
                    )
                ),
                30000,
            )
            return
        new_desk = not report.configured and supervisor
        if new_desk and not self._hub_hint_shown:
            # Point the supervisor to the enrolment, once per sign-in.
            self._hub_hint_shown = True
            self.status.showMessage(
                tr(N_("This desk is not connected to a hub yet: Desk → Connect to the hub…")),
                30000,
            )

    def _decisions_arrived(self, receipts: list[str]) -> None:
        self.status.showMessage(decisions_text(receipts), 15000)

    def open_handover(self) -> None:
        if self.wizard is not None:
            return
        dialog = HandoverDialog(self.services, self.clerk, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.handover_dialog = dialog
        dialog.open()

    def open_supervision(self, tab: Tab) -> None:
        if self.clerk.user.role != Role.SUPERVISOR:
            return
        if self.supervision is None:
            self.supervision = SupervisorWindow(self.services, self.clerk, self)
        self.supervision.show_tab(tab)
        self.supervision.show()
        self.supervision.activateWindow()

    def open_needs_attention(self) -> None:
        dialog = NeedsAttentionDialog(self.services, self.clerk.user, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.retried.connect(lambda _id: self.sync.sync(reset_backoff=True))
        self.attention_dialog = dialog
        dialog.open()

    def open_hub_settings(self) -> None:
        dialog = HubSettingsDialog(
            self.services, self.sync.engine, self.clerk.branch.desk_code, self.clerk.user, self
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.enrolled.connect(lambda _id: self.sync.sync(reset_backoff=True))
        dialog.interval_changed.connect(self.sync.set_interval)
        self.hub_dialog = dialog
        dialog.open()

    def show_home(self) -> None:
        if self.wizard is not None:
            self.stack.removeWidget(self.wizard)
            self.wizard.deleteLater()
            self.wizard = None
        self.stack.setCurrentWidget(self.home)
        self.actions[ActionId.HOME].setEnabled(True)
        self.actions[ActionId.SIGN_OUT].setEnabled(True)
        self.home.service_buttons[0].setFocus()

    def focus_search(self) -> None:
        if self.wizard is None:
            self.home.search_box.setFocus()
            self.home.search_box.selectAll()

    def sign_out(self) -> None:
        self.signed_out.emit()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.wizard is not None and self.wizard.result is None:
            self.wizard.save_now()  # what was typed survives the closed window
        super().closeEvent(event)

    def retranslate(self) -> None:
        self.setWindowTitle(tr(N_("OZQ Desktop — {branch}"), branch=self.clerk.branch.branch_name))
        self.toolbar.setWindowTitle(tr(N_("Main toolbar")))
        self.desk_menu.setTitle(tr(N_("&Desk")))
        self.supervisor_menu.setTitle(tr(N_("&Supervisor")))
