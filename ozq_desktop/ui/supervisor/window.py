"""The supervisor's window: one tab per screen, each loaded when first shown."""

from __future__ import annotations

from enum import IntEnum

from PySide6.QtWidgets import QDialog, QTabWidget, QVBoxLayout, QWidget

from ozq_desktop.i18n import N_, tr
from ozq_desktop.ui import screen_fit
from ozq_desktop.ui.actions import language_actions
from ozq_desktop.ui.context import DeskServices, SignedIn
from ozq_desktop.ui.language import follow_language
from ozq_desktop.ui.supervisor.calendar_page import CalendarPage
from ozq_desktop.ui.supervisor.complaints import ComplaintsPage
from ozq_desktop.ui.supervisor.deadlines import DeadlinesPage
from ozq_desktop.ui.supervisor.register import RegisterPage
from ozq_desktop.ui.supervisor.service_time import ServiceTimePage
from ozq_desktop.ui.supervisor.users import UsersPage


class Tab(IntEnum):
    DEADLINES = 0
    REGISTER = 1
    COMPLAINTS = 2
    CALENDAR = 3
    USERS = 4
    SERVICE_TIME = 5


TAB_TITLES = {
    Tab.DEADLINES: N_("Deadlines"),
    Tab.REGISTER: N_("Daily register"),
    Tab.COMPLAINTS: N_("Complaints"),
    Tab.CALENDAR: N_("Working calendar"),
    Tab.USERS: N_("Users"),
    Tab.SERVICE_TIME: N_("Service time"),
}


class SupervisorWindow(QDialog):
    def __init__(
        self, services: DeskServices, clerk: SignedIn, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("supervisor_window")
        self.deadlines = DeadlinesPage(services, self)
        self.register = RegisterPage(services, clerk, self)
        self.complaints = ComplaintsPage(services, clerk, self)
        self.calendar = CalendarPage(services, clerk, self)
        self.users = UsersPage(services, clerk, self)
        self.service_time = ServiceTimePage(services, clerk, self)
        self.language_actions = language_actions(self)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("supervisor_tabs")
        for page in self.pages:
            self.tabs.addTab(page, "")
        self.tabs.currentChanged.connect(lambda _i: self.refresh_current())
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        self.register.load_clerks()
        screen_fit.fit(self, (1280, 860))  # no larger than the screen it opens on
        follow_language(self.retranslate)
        self.retranslate()

    @property
    def pages(self) -> tuple[QWidget, ...]:
        return (
            self.deadlines,
            self.register,
            self.complaints,
            self.calendar,
            self.users,
            self.service_time,
        )

    def show_tab(self, tab: Tab) -> None:
        if self.tabs.currentIndex() == int(tab):
            self.refresh_current()
        self.tabs.setCurrentIndex(int(tab))

    def refresh_current(self) -> None:
        self.pages[self.tabs.currentIndex()].refresh()

    def retranslate(self) -> None:
        self.setWindowTitle(tr(N_("Supervision")))
        for tab, msgid in TAB_TITLES.items():
            self.tabs.setTabText(int(tab), tr(msgid))
