"""The clerk's screens. PySide6 lives here and nowhere below; every database or file task
goes through `ozq_desktop.ui.tasks`."""

from ozq_desktop.ui import refcounts  # noqa: F401  (before any widget: see the module)
