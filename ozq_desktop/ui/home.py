"""The home screen: a new-application button per service, the resume offer, today's packages
for this clerk, and one search box (receipt number, IIN/BIN, name)."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ozq_desktop.domain import drafts, packages
from ozq_desktop.domain.drafts import PackageDraft
from ozq_desktop.i18n import N_, tr
from ozq_desktop.ui.context import Clerk, DeskServices
from ozq_desktop.ui.draft_banner import DraftBanner
from ozq_desktop.ui.language import Texts, follow_language, named
from ozq_desktop.ui.package_table import PackageTableModel
from ozq_desktop.ui.service_button import ServiceButton
from ozq_desktop.ui.supervisor.deadlines import counts_text, read_counts

SEARCH_DELAY_MS = 300


class HomeScreen(QWidget):
    new_package_requested = Signal(str)  # service id
    resume_requested = Signal(object)  # PackageDraft

    def __init__(self, services: DeskServices, clerk: Clerk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("home")
        self._services = services
        self._clerk = clerk
        self._query = ""
        self.texts = Texts()

        self._new_title = self._heading()
        self.texts.bind(self._new_title.setText, N_("New application"))
        self.service_buttons: list[ServiceButton] = []
        buttons = QGridLayout()
        for i, service in enumerate(services.catalog):
            button = ServiceButton(service, self)
            button.clicked.connect(
                lambda _=False, sid=service.id: self.new_package_requested.emit(sid)
            )
            buttons.addWidget(button, 0, i)
            self.service_buttons.append(button)

        self.draft_banner = DraftBanner(services.catalog, self)
        self.draft_banner.resume_requested.connect(self.resume_requested)
        self.draft_banner.discard_requested.connect(self._discard_draft)

        self.deadline_counts = None
        self.deadlines_label = QLabel(self)
        self.deadlines_label.setObjectName("home_deadlines")

        self.search_box = QLineEdit(self)
        named(
            self.search_box, "search", self.texts, N_("Search by receipt number, IIN/BIN or name")
        )
        self.texts.bind(
            self.search_box.setPlaceholderText, N_("Receipt number, IIN/BIN or applicant's name")
        )
        self.search_button = QPushButton(self)
        named(self.search_button, "search_button", self.texts, N_("Find"))
        self.texts.bind(self.search_button.setText, N_("Find"))
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.run_search)
        self.search_box.textChanged.connect(lambda _t: self._search_timer.start())
        self.search_box.returnPressed.connect(self.run_search)
        self.search_button.clicked.connect(self.run_search)

        self._list_title = self._heading()
        self.model = PackageTableModel(services.catalog, self)
        self.table = QTableView(self)
        self.table.setObjectName("packages_table")
        self.texts.bind(self.table.setAccessibleName, N_("Packages"))
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self._empty = QLabel(self)
        self._empty.setObjectName("packages_empty")
        self._empty.setAlignment(Qt.AlignmentFlag.AlignCenter)

        search_row = QHBoxLayout()
        search_row.addWidget(self.search_box, 1)
        search_row.addWidget(self.search_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(self._new_title)
        layout.addLayout(buttons)
        layout.addWidget(self.draft_banner)
        layout.addWidget(self.deadlines_label)
        layout.addSpacing(8)
        layout.addLayout(search_row)
        layout.addWidget(self._list_title)
        layout.addWidget(self.table, 1)
        layout.addWidget(self._empty)
        follow_language(self.retranslate)
        self.retranslate()

    def _heading(self) -> QLabel:
        label = QLabel(self)
        font = label.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        label.setFont(font)
        return label

    # -- loading ------------------------------------------------------------------------

    def refresh(self) -> None:
        """Reload the drafts and the list shown (today's packages, or the current search)."""
        user_id = self._clerk.user.id
        self._services.tasks.read(
            lambda s: drafts.drafts_of(session=s, user_id=user_id),
            self._show_drafts,
            owner=self,
        )
        today = self._services.clock().date()
        self._services.tasks.read(
            lambda s: read_counts(s, today), self._show_deadline_counts, owner=self
        )
        self.run_search()

    def _show_deadline_counts(self, counts) -> None:
        self.deadline_counts = counts
        self._update_titles()

    def run_search(self) -> None:
        self._search_timer.stop()
        query = self.search_box.text().strip()
        self._query = query
        if query:
            self._services.tasks.read(
                lambda s: packages.search(session=s, text=query),
                lambda rows: self._show_rows(query, rows),
                owner=self,
            )
            return
        today = self._services.clock().date()
        user_id = self._clerk.user.id
        self._services.tasks.read(
            lambda s: packages.day_listing(session=s, day=today, clerk_id=user_id),
            lambda rows: self._show_rows("", rows),
            owner=self,
        )

    def _show_rows(self, query: str, rows) -> None:
        if query != self._query:
            return  # an older search answered late
        self.model.set_rows(rows)
        self._update_titles()

    def _show_drafts(self, found: list[PackageDraft]) -> None:
        self.draft_banner.set_drafts(found)

    def _discard_draft(self, draft: PackageDraft) -> None:
        user = self._clerk.user
        self._services.tasks.write(
            lambda s: drafts.discard_draft(session=s, actor=user, draft_id=draft.id),
            lambda _none: self.refresh(),
            owner=self,
        )

    # -- texts --------------------------------------------------------------------------

    def _update_titles(self) -> None:
        if self._query:
            title = tr(N_("Search results for «{query}»"), query=self._query)
            if self.model.rowCount() >= packages.SEARCH_RESULTS:
                title += " — " + tr(
                    N_("the {count} newest; more words narrow the search"),
                    count=packages.SEARCH_RESULTS,
                )
            self._list_title.setText(title)
            empty = tr(N_("Nothing found."))
        else:
            self._list_title.setText(tr(N_("My packages today")))
            empty = tr(N_("No packages yet today."))
        self._empty.setText(empty)
        self._empty.setVisible(self.model.rowCount() == 0)
        if self.deadline_counts is not None:
            self.deadlines_label.setText(counts_text(self.deadline_counts))

    def retranslate(self) -> None:
        self.texts.apply()
        self.model.retranslate()
        self._update_titles()
