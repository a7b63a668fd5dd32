"""The wizard host: the steps, Back/Next, Esc, the service clock and the draft autosave.

Each page edits the draft; the host stores it after every page and, debounced, after every
edit, through the task helper's single writer. The review page's Next asks the domain to
accept or refuse; the answer opens the Done page."""

from __future__ import annotations

import copy
import logging

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ozq_desktop.domain import drafts
from ozq_desktop.domain.acceptance import AcceptanceResult
from ozq_desktop.domain.drafts import PackageDraft
from ozq_desktop.i18n import N_, current_language, tr
from ozq_desktop.ui.context import Clerk, DeskServices
from ozq_desktop.ui.dialogs import DiscardChoice, ask_discard
from ozq_desktop.ui.language import Texts, follow_language, named
from ozq_desktop.ui.message_label import MessageLabel
from ozq_desktop.ui.pdf_preview import PdfPreviewDialog
from ozq_desktop.ui.print_jobs import PrintJob
from ozq_desktop.ui.wizard.acceptance_flow import AcceptanceFlow
from ozq_desktop.ui.wizard.base import WizardPage
from ozq_desktop.ui.wizard.page_annex1 import Annex1Page
from ozq_desktop.ui.wizard.page_applicant import ApplicantPage
from ozq_desktop.ui.wizard.page_consent import ConsentPage
from ozq_desktop.ui.wizard.page_documents import DocumentsPage
from ozq_desktop.ui.wizard.page_done import DonePage
from ozq_desktop.ui.wizard.page_place import PlacePage
from ozq_desktop.ui.wizard.page_review import ReviewPage
from ozq_desktop.ui.wizard.service_clock import ServiceClock

log = logging.getLogger(__name__)

AUTOSAVE_DELAY_MS = 800
PAGE_CLASSES = (
    PlacePage,
    ApplicantPage,
    DocumentsPage,
    Annex1Page,
    ConsentPage,
    ReviewPage,
    DonePage,
)
REVIEW, DONE = 5, 6


class PackageWizard(QWidget):
    closed = Signal()
    accepted = Signal(object)  # AcceptanceResult

    def __init__(
        self,
        services: DeskServices,
        clerk: Clerk,
        draft: PackageDraft,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("wizard")
        self.services = services
        self.clerk = clerk
        self.draft = draft
        self.result: AcceptanceResult | None = None
        self.preview: PdfPreviewDialog | None = None
        self.flow: AcceptanceFlow | None = None
        self._accepting = False
        self._tried_next = False
        self.texts = Texts()

        self.title = QLabel(self)
        self.title.setObjectName("wizard_title")
        self.title.setWordWrap(True)
        font = self.title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.title.setFont(font)
        self.clock = ServiceClock(services.clock, draft.started_at, self)

        self.steps = QListWidget(self)
        self.steps.setObjectName("wizard_steps")
        self.texts.bind(self.steps.setAccessibleName, N_("Steps of the application"))
        self.steps.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.steps.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.steps.setFixedWidth(230)
        self.steps.setWordWrap(True)
        self.steps.setStyleSheet("QListWidget::item { padding: 6px 4px; }")
        self.stack = QStackedWidget(self)
        self.pages: list[WizardPage] = []
        for cls in PAGE_CLASSES:
            page = cls(services, clerk, self.stack)
            page.edited.connect(self._page_edited)
            self.stack.addWidget(page)
            self.pages.append(page)
            self.steps.addItem("")
        self.done_page: DonePage = self.pages[DONE]  # type: ignore[assignment]
        self.done_page.next_applicant.connect(self.closed)
        self.done_page.print_requested.connect(self.open_print_preview)

        self.problem = MessageLabel("wizard_problem", self)
        self.cancel_button = QPushButton(self)
        named(self.cancel_button, "wizard_cancel", self.texts, N_("Cancel"))
        self.texts.bind(self.cancel_button.setText, N_("Cancel (Esc)"))
        self.back_button = QPushButton(self)
        named(self.back_button, "wizard_back", self.texts, N_("Back"))
        self.texts.bind(self.back_button.setText, N_("Back"))
        self.next_button = QPushButton(self)
        self.next_button.setObjectName("wizard_next")
        for button in (self.cancel_button, self.back_button, self.next_button):
            button.setMinimumHeight(34)
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            button.setAutoDefault(True)  # Enter on a focused button presses that button
        self.cancel_button.clicked.connect(self.cancel)
        self.back_button.clicked.connect(self.go_back)
        self.next_button.clicked.connect(self.go_next)

        header = QHBoxLayout()
        header.addWidget(self.title, 1)
        header.addWidget(self.clock)
        middle = QHBoxLayout()
        middle.addWidget(self.steps)
        middle.addWidget(self.stack, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.next_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.addLayout(header)
        layout.addLayout(middle, 1)
        layout.addWidget(self.problem)
        layout.addLayout(buttons)

        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(AUTOSAVE_DELAY_MS)
        self._save_timer.timeout.connect(self.save_now)
        follow_language(self.retranslate)
        self.go_to(min(max(draft.page, 0), REVIEW), save=False)
        self.retranslate()

    # -- navigation ----------------------------------------------------------------------

    @property
    def index(self) -> int:
        return self.stack.currentIndex()

    @property
    def page(self) -> WizardPage:
        return self.pages[self.index]

    def go_to(self, index: int, save: bool = True) -> None:
        page = self.pages[index]
        if index != DONE:
            page.enter(self.draft)
            self.draft.page = index
        self.stack.setCurrentIndex(index)
        self.steps.setCurrentRow(index)
        self._tried_next = False
        self._update_state()
        target = page.first_input()
        if target is not None:
            target.setFocus(Qt.FocusReason.TabFocusReason)
        if save:
            self.save_now()

    def go_next(self) -> None:
        if self._accepting or self.index == DONE:
            return
        self.page.store(self.draft)
        problem = self.page.problem(self.draft)
        if problem is not None:
            self._tried_next = True
            self._update_state()
            self.page.reveal_problem(self.draft)
            return
        if self.index == REVIEW:
            self.confirm()
        else:
            self.go_to(self.index + 1)

    def go_back(self) -> None:
        if self._accepting or self.index in (0, DONE):
            return
        self.page.store(self.draft)
        self.go_to(self.index - 1)

    def cancel(self) -> None:
        if self.index == DONE:
            self.closed.emit()
            return
        if self._accepting:
            return
        self.page.store(self.draft)
        choice = ask_discard(self)
        if choice is DiscardChoice.DISCARD:
            self._stop_saving()
            draft_id, user = self.draft.id, self.clerk.user
            self.services.tasks.write(
                lambda s: drafts.discard_draft(session=s, actor=user, draft_id=draft_id)
            )
            self.closed.emit()
        elif choice is DiscardChoice.KEEP_DRAFT:
            self.save_now()
            self._stop_saving()
            self.closed.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self.index == DONE:
                self.closed.emit()
            else:
                self.go_next()  # blocked with the reason shown when the page is not valid
            event.accept()
            return
        if event.key() == Qt.Key.Key_Escape:
            event.accept()
            self.cancel()
            return
        super().keyPressEvent(event)

    # -- editing and saving --------------------------------------------------------------

    def _page_edited(self) -> None:
        self.page.store(self.draft)
        self._update_title()
        self._update_state()
        if not self._accepting and self.result is None:
            self._save_timer.start()

    def save_now(self) -> None:
        """Store the draft now (a copy: the GUI keeps editing the original)."""
        self._save_timer.stop()
        if self._accepting or self.result is not None:
            return
        snapshot = copy.deepcopy(self.draft)
        user = self.clerk.user
        self.services.tasks.write(
            lambda s: drafts.save_draft(session=s, actor=user, draft=snapshot),
            on_error=self._save_failed,
            owner=self,
        )

    def _save_failed(self, exc: BaseException) -> None:
        log.error("draft not saved", exc_info=exc)
        self.problem.show_fn(
            lambda: tr(N_("The draft could not be saved: {reason}"), reason=str(exc)), "error"
        )

    def _stop_saving(self) -> None:
        self._save_timer.stop()
        self._accepting = True  # no further draft writes from this wizard

    # -- acceptance ----------------------------------------------------------------------

    def confirm(self) -> None:
        """Accept or refuse through the counter's three steps (acceptance_flow.py); with an
        EDS set up, the accepted package is signed before it is written."""
        self._save_timer.stop()
        self._accepting = True
        self._update_state()
        flow = AcceptanceFlow(self.services, self.clerk, self, self.services.clock())
        flow.accepted.connect(self._accepted)
        flow.failed.connect(self._not_accepted)
        flow.cancelled.connect(self._signing_cancelled)
        flow.progress.connect(lambda msgid: self.problem.show_message(msgid, "note"))
        self.flow = flow
        flow.start(copy.deepcopy(self.draft))

    def _signing_cancelled(self) -> None:
        self._accepting = False
        self._update_state()

    def _accepted(self, result: AcceptanceResult) -> None:
        self.result = result
        self.clock.stop(result.accepted_at)
        self.done_page.show_result(result, self.clock.elapsed_seconds())
        self._accepting = False
        self.go_to(DONE, save=False)
        self.done_page.print_now_if_set()
        self.accepted.emit(result)

    def _not_accepted(self, exc: BaseException) -> None:
        self._accepting = False
        self._update_state()
        self.problem.show_error(exc)

    # -- printing ------------------------------------------------------------------------

    def open_print_preview(self, job: PrintJob) -> None:
        self.preview = PdfPreviewDialog(
            self.services.tasks,
            self.services.settings,
            self.done_page.job_title(job),
            self.done_page.renderer_for(job),
            kind=str(job),
            file_stem=f"{job}-{self.result.receipt_no if self.result else ''}",
            parent=self,
            user_id=self.clerk.user.id,
            object_id=self.result.package_id if self.result else "",
            printers=self.services.printers,
        )
        self.preview.open()

    # -- state and texts -----------------------------------------------------------------

    def _update_state(self) -> None:
        index = self.index
        finished = index == DONE
        problem = None if finished else self.page.problem(self.draft)
        if problem is None:
            self.problem.clear_message()
        else:
            self.problem.show_fn(problem.message, "error" if self._tried_next else "note")
        self.next_button.setEnabled(problem is None and not self._accepting and not finished)
        self.next_button.setVisible(not finished)
        self.back_button.setVisible(not finished)
        self.back_button.setEnabled(index > 0 and not self._accepting)
        self.cancel_button.setVisible(not finished)
        if index == REVIEW:
            review: ReviewPage = self.pages[REVIEW]  # type: ignore[assignment]
            self.next_button.setText(review.confirm_text())
        else:
            self.next_button.setText(tr(N_("Next")))
        self.next_button.setAccessibleName(self.next_button.text())

    def _update_title(self) -> None:
        service = self.services.catalog.get(self.draft.service_id)
        self.title.setText(f"{service.number}. {service.name.get(current_language())}")

    def retranslate(self) -> None:
        self.texts.apply()
        self._update_title()
        for i, page in enumerate(self.pages):
            self.steps.item(i).setText(f"{i + 1}. {tr(page.title_msgid)}")
        self._update_state()
