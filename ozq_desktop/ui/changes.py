"""Views follow what writes changed: the receiving end of `TaskRunner.changed`.

`follow_changes(tasks, widget, slot)` calls `slot(changes)` after writes commit, with every
change announced meanwhile merged into one `Changes`, once per turn of the event loop. A
hidden widget (a closed tab, the home screen under the wizard) keeps what it was told and
is called when it is shown again, so a burst of writes costs an open screen one redraw and
a hidden one none. The follower is the widget's child: it stops with the widget.

    follow_changes(services.tasks, self, self._changed)

    def _changed(self, changes: Changes) -> None:
        if changes.package_lists:
            self.refresh()
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QWidget

from ozq_desktop.domain.changes import NOTHING, Changes
from ozq_desktop.ui.tasks import TaskRunner


class ChangeFollower(QObject):
    def __init__(self, tasks: TaskRunner, widget: QWidget, slot: Callable[[Changes], None]) -> None:
        super().__init__(widget)
        self._tasks = tasks
        self._widget = widget
        self._slot = slot
        self._pending = NOTHING
        self._armed = False
        tasks.changed.connect(self._collect)
        widget.installEventFilter(self)

    def _collect(self, changes: Changes) -> None:
        self._pending = self._pending | changes
        self._arm()

    def _arm(self) -> None:
        if self._pending and not self._armed and self._widget.isVisible():
            self._armed = True
            self._tasks.soon(self._flush, owner=self)

    def _flush(self) -> None:
        self._armed = False
        if not self._pending or not self._widget.isVisible():
            return
        changes, self._pending = self._pending, NOTHING
        self._slot(changes)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._widget and event.type() == QEvent.Type.Show:
            self._arm()
        return False


def follow_changes(
    tasks: TaskRunner, widget: QWidget, slot: Callable[[Changes], None]
) -> ChangeFollower:
    """Call `slot(changes)` on the GUI thread after writes that committed (see module doc)."""
    return ChangeFollower(tasks, widget, slot)
