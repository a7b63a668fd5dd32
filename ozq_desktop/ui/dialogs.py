"""The few modal questions the clerk is asked, each behind one small function so a test
can answer it without a human."""

from __future__ import annotations

import logging
from enum import Enum

from PySide6.QtWidgets import QMessageBox, QWidget

from ozq_desktop.errors import MessageError, message_of
from ozq_desktop.i18n import N_, tr

log = logging.getLogger(__name__)


class DiscardChoice(Enum):
    DISCARD = "discard"
    KEEP_DRAFT = "keep_draft"
    CONTINUE = "continue"


def ask_discard(parent: QWidget) -> DiscardChoice:
    """Esc in the wizard: discard the application, keep it as a draft, or go on."""
    box = QMessageBox(parent)
    box.setObjectName("discard_question")
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(tr(N_("Leave the application?")))
    box.setText(tr(N_("Discard what was entered, or keep it as a draft to finish later?")))
    discard = box.addButton(tr(N_("Discard")), QMessageBox.ButtonRole.DestructiveRole)
    keep = box.addButton(tr(N_("Keep as a draft")), QMessageBox.ButtonRole.AcceptRole)
    stay = box.addButton(tr(N_("Continue the application")), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(stay)
    box.setEscapeButton(stay)
    box.exec()
    clicked = box.clickedButton()
    if clicked is discard:
        return DiscardChoice.DISCARD
    if clicked is keep:
        return DiscardChoice.KEEP_DRAFT
    return DiscardChoice.CONTINUE


def error_text(exc: BaseException) -> str:
    """What the clerk reads about a failure, in the current language."""
    if isinstance(exc, MessageError):
        return message_of(exc)
    log.error("unexpected error", exc_info=exc)
    return tr(N_("Something went wrong: {reason}"), reason=str(exc) or type(exc).__name__)


class UnattachedChoice(Enum):
    ATTACH = "attach"
    DISCARD = "discard"
    KEEP_SCANNING = "keep_scanning"


def ask_unattached_pages(parent: QWidget, count: int) -> UnattachedChoice:
    """Closing the scan dialog with pages not yet attached: attach, discard, or go on."""
    box = QMessageBox(parent)
    box.setObjectName("unattached_question")
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(tr(N_("Attach the scanned pages?")))
    box.setText(tr(N_("{count} scanned pages are not attached yet."), count=count))
    attach = box.addButton(tr(N_("Attach")), QMessageBox.ButtonRole.AcceptRole)
    discard = box.addButton(tr(N_("Discard the pages")), QMessageBox.ButtonRole.DestructiveRole)
    stay = box.addButton(tr(N_("Keep scanning")), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(attach)
    box.setEscapeButton(stay)
    box.exec()
    clicked = box.clickedButton()
    if clicked is attach:
        return UnattachedChoice.ATTACH
    if clicked is discard:
        return UnattachedChoice.DISCARD
    return UnattachedChoice.KEEP_SCANNING
