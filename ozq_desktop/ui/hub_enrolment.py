"""What the two enrolment screens (first run, Desk → Connect to the hub…) share: one nonce per
enrolment attempt, reused when the supervisor presses Enrol again with the same address and
code (so a lost answer never burns the code), and the supervisor's confirmation of a plain
http:// address off this computer."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QMessageBox, QWidget

from ozq_desktop.i18n import N_, tr
from ozq_desktop.models import User
from ozq_desktop.sync.engine import SyncEngine, new_nonce
from ozq_desktop.sync.hub_address import PlainHttpError
from ozq_desktop.ui.tasks import TaskRunner


def ask_plain_http(parent: QWidget, url: str) -> bool:
    """The supervisor confirms an unencrypted hub address (a test answers instead)."""
    box = QMessageBox(parent)
    box.setObjectName("plain_http_question")
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(tr(N_("Unencrypted hub address")))
    box.setText(
        tr(
            N_(
                "The address {url} is not encrypted (http://). The desk's token and every "
                "package would cross the network readable by anyone on it. Connect only if "
                "this network is a trusted one, such as the branch's own closed network."
            ),
            url=url,
        )
    )
    yes = box.addButton(tr(N_("Connect without encryption")), QMessageBox.ButtonRole.AcceptRole)
    no = box.addButton(tr(N_("Cancel")), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(no)
    box.setEscapeButton(no)
    box.exec()
    return box.clickedButton() is yes


class Enrolment:
    """One supervisor's enrolment from a screen, run through the task helper."""

    def __init__(self, parent: QWidget, tasks: TaskRunner) -> None:
        self._parent = parent
        self._tasks = tasks
        self._attempt: tuple[str, str] | None = None
        self._nonce = ""

    def nonce_for(self, url: str, code: str) -> str:
        if self._attempt != (url, code):
            self._attempt, self._nonce = (url, code), new_nonce()
        return self._nonce

    def start(
        self,
        engine: SyncEngine,
        *,
        url: str,
        code: str,
        desk_code: str,
        actor: User,
        done: Callable[[str], None],
        failed: Callable[[BaseException], None],
        allow_plain_http: bool = False,
    ) -> None:
        nonce = self.nonce_for(url, code)

        def work() -> str:
            answer = engine.enrol(
                hub_url=url,
                code=code,
                desk_code=desk_code,
                actor=actor,
                nonce=nonce,
                allow_plain_http=allow_plain_http,
            )
            return str(answer.device_id)

        def refused(exc: BaseException) -> None:
            if isinstance(exc, PlainHttpError) and ask_plain_http(self._parent, url):
                self.start(
                    engine,
                    url=url,
                    code=code,
                    desk_code=desk_code,
                    actor=actor,
                    done=done,
                    failed=failed,
                    allow_plain_http=True,
                )
                return
            failed(exc)

        self._tasks.run(work, done, refused, owner=self._parent)
