"""Qt's own words in the clerk's language: its dialogs' buttons and labels, the calendar's month
and day names, the context menu of a text field.

Qt ships `qtbase_ru.qm` (complete) and `qtbase_kk.qm` (partial: the print dialog, the file
dialog's buttons, the text-field menu; not e.g. the file dialog's "Look in"). The one in the
UI language is installed, and the default QLocale follows the language too, so calendars name
months and days in it. What the partial Kazakh file lacks and a clerk meets is labelled by our
own strings where the dialog is made (ui/file_dialog.py). The frozen bundle keeps these two
files only (installer/ozq_desktop.spec).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from ozq_desktop import i18n
from ozq_desktop.i18n import current_language

LOCALES = {
    "kk": QLocale(QLocale.Language.Kazakh, QLocale.Country.Kazakhstan),
    "ru": QLocale(QLocale.Language.Russian, QLocale.Country.Russia),
}
CATALOGS = ("qtbase",)

_installed: list[QTranslator] = []
_following = False


def ui_locale() -> QLocale:
    """The locale of the interface language."""
    return LOCALES[current_language()]


def translations_dir() -> str:
    return QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)


def apply(lang: str) -> list[str]:
    """Install Qt's translations for `lang` (removing the previous ones); the catalogs found."""
    app = QCoreApplication.instance()
    for translator in _installed:
        if app is not None:
            app.removeTranslator(translator)
    _installed.clear()
    QLocale.setDefault(LOCALES[lang])
    found: list[str] = []
    if app is None:
        return found
    for name in CATALOGS:
        translator = QTranslator(app)
        if translator.load(f"{name}_{lang}", translations_dir()):
            app.installTranslator(translator)
            _installed.append(translator)
            found.append(name)
    return found


def follow() -> None:
    """Apply the current language now and on every switch (once per process)."""
    global _following
    apply(current_language())
    if not _following:
        _following = True
        i18n.on_language_changed(apply)
