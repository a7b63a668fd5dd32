"""The file dialog a clerk meets ("Attach a scan"): Qt's own dialog, not the platform's, so
that it speaks the UI language. Qt's Russian translation covers it; its Kazakh one lacks
"Look in" and "Files of type", so every label the clerk reads is set here from our own
messages, in both languages.

    dialog = open_files_dialog(parent, N_("Attach a scan"), folder, filters)
    dialog.filesSelected.connect(...)
    dialog.open()
"""

from __future__ import annotations

from PySide6.QtWidgets import QFileDialog, QWidget

from ozq_desktop.i18n import N_, tr

LABELS = {
    QFileDialog.DialogLabel.LookIn: N_("Look in:"),
    QFileDialog.DialogLabel.FileName: N_("File name:"),
    QFileDialog.DialogLabel.FileType: N_("Files of type:"),
    QFileDialog.DialogLabel.Accept: N_("Open"),
    QFileDialog.DialogLabel.Reject: N_("Cancel"),
}


def open_files_dialog(parent: QWidget, title_msgid: str, folder: str, filters: str) -> QFileDialog:
    dialog = QFileDialog(parent, tr(title_msgid), folder, filters)
    dialog.setObjectName("file_dialog")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptOpen)
    for label, msgid in LABELS.items():
        dialog.setLabelText(label, tr(msgid))
    return dialog
