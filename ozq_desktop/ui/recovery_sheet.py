"""The recovery sheet on screen, to print: at first run and from Supervisor → Recovery sheet…

The code is made (or read back) off the GUI thread, the showing is written to the audit trail,
and only then is the sheet rendered into the usual preview, whose Print and Save as PDF are
audited as for every document."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QMessageBox, QWidget

from ozq_desktop.i18n import N_, tr
from ozq_desktop.models import User
from ozq_desktop.ui.context import DeskServices
from ozq_desktop.ui.dialogs import error_text
from ozq_desktop.ui.pdf_preview import PdfPreviewDialog

TITLE = N_("Recovery key of the desk's data")


def open_recovery_sheet(
    parent: QWidget,
    services: DeskServices,
    user: User,
    purpose: str = "menu",
    on_closed: Callable[[], None] | None = None,
) -> None:
    """Show the sheet in a preview dialog (window-modal); `on_closed` runs when it closes,
    or at once if the sheet could not be shown."""
    from ozq_desktop.domain.recovery import prepare_sheet, record_shown

    keys = services.keys
    tasks = services.tasks
    closed = on_closed or (lambda: None)
    if keys is None:
        closed()
        return

    def failed(exc: BaseException) -> None:
        QMessageBox.warning(parent, tr(TITLE), error_text(exc))
        closed()

    def show(revealed) -> None:
        from ozq_desktop.documents import recovery_sheet_data
        from ozq_desktop.domain.recovery import SHEET_DOCUMENT

        data = recovery_sheet_data(revealed)

        def render(lang: str) -> bytes:
            from ozq_desktop.printing.recovery_sheet import render_recovery_sheet

            return render_recovery_sheet(data, lang)

        dialog = PdfPreviewDialog(
            tasks,
            services.settings,
            TITLE,
            render,
            SHEET_DOCUMENT,
            f"recovery-sheet-{data.key_id}",
            parent,
            user_id=user.id,
            object_id=data.key_id,
            printers=services.printers,
        )
        dialog.setObjectName("recovery_sheet")
        dialog.finished.connect(lambda _result: closed())
        parent.recovery_sheet_dialog = dialog  # kept alive while open; tests find it here
        dialog.open()

    def record(sheet) -> None:
        tasks.write(
            lambda s: record_shown(session=s, actor=user, sheet=sheet, keys=keys, purpose=purpose),
            show,
            failed,
            owner=parent,
        )

    tasks.run(lambda: prepare_sheet(actor=user, keys=keys), record, failed, owner=parent)
