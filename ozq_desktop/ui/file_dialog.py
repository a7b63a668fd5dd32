"""The file dialogs a clerk meets (attaching a scan, saving a PDF or the register, choosing a
key file): Qt's own dialog, not the platform's, so that it speaks the UI language. Qt's
Russian translation covers it; its Kazakh one lacks "Look in" and "Files of type", so every
label the clerk reads is set here from our own messages, in both languages.

    dialog = file_dialog(parent, N_("Attach a scan"), folder, filters)
    dialog.filesSelected.connect(...)
    dialog.open()
"""

from __future__ import annotations

from enum import Enum

from PySide6.QtWidgets import QFileDialog, QWidget

from ozq_desktop.i18n import N_, tr

LABELS = {
    QFileDialog.DialogLabel.LookIn: N_("Look in:"),
    QFileDialog.DialogLabel.FileName: N_("File name:"),
    QFileDialog.DialogLabel.FileType: N_("Files of type:"),
    QFileDialog.DialogLabel.Reject: N_("Cancel"),
}


class Mode(Enum):
    OPEN_MANY = "open many"  # existing files, one or more
    OPEN_ONE = "open one"  # one existing file
    SAVE = "save"  # a file to write (Qt asks before replacing one)


def file_dialog(
    parent: QWidget, title_msgid: str, path: str, filters: str, mode: Mode = Mode.OPEN_MANY
) -> QFileDialog:
    """Qt's own file dialog, every label in the UI language. `path` is a folder, or a file
    name to suggest. The caller connects `filesSelected` (or `fileSelected`) and calls
    `open()`: the dialog is window-modal and never blocks the GUI thread."""
    dialog = QFileDialog(parent, tr(title_msgid), path, filters)
    dialog.setObjectName("file_dialog")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    if mode is Mode.SAVE:
        dialog.setFileMode(QFileDialog.FileMode.AnyFile)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    else:
        many = mode is Mode.OPEN_MANY
        dialog.setFileMode(
            QFileDialog.FileMode.ExistingFiles if many else QFileDialog.FileMode.ExistingFile
        )
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptOpen)
    for label, msgid in LABELS.items():
        dialog.setLabelText(label, tr(msgid))
    accept = N_("Save") if mode is Mode.SAVE else N_("Open")
    dialog.setLabelText(QFileDialog.DialogLabel.Accept, tr(accept))
    dialog.finished.connect(dialog.deleteLater)
    return dialog
