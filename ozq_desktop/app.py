"""The composition root: it opens the storage, builds the services and the windows, and
moves the clerk from sign-in (or first run) to the main window and back.

Start-up is ordered for speed: the sign-in window is shown first; the database is backed up,
migrated and opened in the background meanwhile, and sign-in is enabled when it is ready."""

from __future__ import annotations

import io
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QSettings, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from ozq_desktop import i18n
from ozq_desktop.i18n import N_, tr
from ozq_desktop.paths import data_dir, resource
from ozq_desktop.ui.dialogs import error_text
from ozq_desktop.ui.first_paint import after_first_paint
from ozq_desktop.ui.login import LoginWindow
from ozq_desktop.ui.tasks import StallWatchdog, TaskRunner, dev_mode

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session, sessionmaker

    from ozq_desktop.domain.recovery import DeskKeys
    from ozq_desktop.storage.scans import ScanStore
    from ozq_desktop.ui.context import DeskServices
    from ozq_desktop.ui.first_run import FirstRunWindow
    from ozq_desktop.ui.main_window import MainWindow
    from ozq_wire.catalog import Catalog

log = logging.getLogger(__name__)

SETTINGS_FILE = "settings.ini"
LANGUAGE_KEY = "ui/language"


def wall_clock() -> datetime:
    """The desk's clock as receipts print it (device time: information only)."""
    return datetime.now().replace(microsecond=0)


@dataclass
class Desk:
    """The opened local storage: Qt-free, made in a worker at start-up."""

    db_path: Path
    engine: Engine
    factory: sessionmaker[Session]
    catalog: Catalog
    scans: ScanStore
    keys: DeskKeys

    def close(self) -> None:
        self.engine.dispose()


def open_desk(folder: Path | None = None) -> Desk:
    """Open the desk's data encrypted at rest (the key from the keyring, or the documented
    key-file fallback), back it up and migrate it, load the catalog, open the scan store.
    Raises StorageError or CatalogError with a message for the clerk."""
    from ozq_desktop.domain.recovery import DeskKeys
    from ozq_desktop.storage.encryption import open_database
    from ozq_desktop.storage.engine import make_session_factory
    from ozq_desktop.storage.keys import SCANS_FOLDER
    from ozq_desktop.storage.scans import ScanStore
    from ozq_wire.catalog import load_catalog

    root = folder or data_dir()
    root.mkdir(parents=True, exist_ok=True)  # --data-dir may name a folder not made yet
    opened = open_database(root)
    scans = ScanStore(root / SCANS_FOLDER, key=opened.key.key)
    scans.start_up()  # temporary files a crash left; older scans to the current format
    return Desk(
        opened.path,
        opened.engine,
        make_session_factory(opened.engine),
        load_catalog(),
        scans,
        DeskKeys(root, opened.key.key),
    )


def outbox_count(session: Session) -> int:
    """Packages waiting for the hub (pending or being sent)."""
    from ozq_desktop.sync.push import queued_count

    return queued_count(session=session)


def settings_for(folder: Path, parent: QObject | None = None) -> QSettings:
    return QSettings(str(folder / SETTINGS_FILE), QSettings.Format.IniFormat, parent)


def make_services(desk: Desk, tasks: TaskRunner, settings: QSettings) -> DeskServices:
    from ozq_desktop.ui.context import DeskServices

    tasks.factory = desk.factory
    return DeskServices(
        tasks=tasks,
        catalog=desk.catalog,
        scans=desk.scans,
        settings=settings,
        clock=wall_clock,
        outbox_count=outbox_count,
        keys=desk.keys,
    )


def build_main_window(services: DeskServices, user: Any, branch: Any) -> MainWindow:
    from ozq_desktop.ui.context import Clerk
    from ozq_desktop.ui.main_window import MainWindow

    return MainWindow(services, Clerk(user, branch))


def _warm_up() -> None:
    """Import the main window's modules in the background while the clerk types a password."""
    import ozq_desktop.ui.main_window  # noqa: F401


def _desk_state(session: Session) -> tuple[bool, str]:
    from ozq_desktop.domain import accounts

    if accounts.needs_first_run(session=session):
        return True, ""
    return False, accounts.branch(session=session).branch_name


def _sign_in_and_branch(
    factory: sessionmaker[Session], login: str, password: str
) -> tuple[Any, Any]:
    from ozq_desktop.domain import accounts
    from ozq_desktop.storage.engine import reading

    user = accounts.sign_in(factory=factory, login=login, password=password)
    with reading(factory) as session:
        return user, accounts.branch(session=session)


class DeskApp(QObject):
    """Moves the clerk between the windows: first run → sign-in → main window → sign-in."""

    ready = Signal()  # the database is open and the first window is usable
    failed = Signal(str)  # the database could not be opened; the message for the clerk
    main_window_shown = Signal(object)

    def __init__(
        self,
        folder: Path | None = None,
        opener: Callable[[Path | None], Desk] = open_desk,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.folder = folder or data_dir()
        self.settings = settings_for(self.folder, self)
        self.tasks = TaskRunner(parent=self)
        self.tasks.default_error = self._unexpected
        self.desk: Desk | None = None
        self.services: DeskServices | None = None
        self.login: LoginWindow | None = None
        self.first_run: FirstRunWindow | None = None
        self.main_window: MainWindow | None = None
        self._opener = opener
        self._shut_down = False
        self.watchdog: StallWatchdog | None = None

    def start(self) -> LoginWindow:
        if dev_mode():
            self.watchdog = StallWatchdog(parent=self)
            self.watchdog.start()
        self.login = LoginWindow()
        self.login.sign_in_requested.connect(self._sign_in)
        self.login.show()
        after_first_paint(self.login, self._open)
        return self.login

    def _open(self) -> None:
        folder = self.folder
        self.tasks.run(lambda: self._opener(folder), self._opened, self._open_failed, database=True)

    # -- opening ---------------------------------------------------------------------------

    def _opened(self, desk: Desk) -> None:
        self.desk = desk
        self.services = make_services(desk, self.tasks, self.settings)
        self.tasks.read(_desk_state, self._show_first_window)
        self.tasks.run(_warm_up)

    def _open_failed(self, exc: BaseException) -> None:
        if self.login is not None:
            self.login.set_unavailable(exc)
        message = error_text(exc)
        log.error("the database could not be opened: %s", message)
        self.failed.emit(message)

    def _show_first_window(self, state: tuple[bool, str]) -> None:
        first_run, branch_name = state
        assert self.login is not None
        if first_run:
            from ozq_desktop.ui.first_run import FirstRunWindow

            assert self.services is not None
            self.first_run = FirstRunWindow(self.services)
            self.first_run.desk_set_up.connect(self._desk_set_up)
            self.login.hide()
            self.first_run.show()
        else:
            self.login.set_ready(True, branch_name)
        self.ready.emit()

    def _desk_set_up(self, login: str) -> None:
        assert self.login is not None and self.first_run is not None
        login_window = self.login
        login_window.set_ready(True)  # the database is open; the branch name follows
        self.tasks.read(_desk_state, lambda state: login_window.set_ready(True, state[1]))
        login_window.set_login(login)
        login_window.show()  # before the first-run window closes, or the program would quit
        self.first_run.close()
        self.first_run.deleteLater()
        self.first_run = None

    # -- signing in and out ----------------------------------------------------------------

    def _sign_in(self, login: str, password: str) -> None:
        factory = self.tasks.factory
        assert factory is not None
        self.tasks.run(
            lambda: _sign_in_and_branch(factory, login, password),
            self._signed_in,
            self.login.failed if self.login else None,
            database=True,
        )

    def _signed_in(self, found: tuple[Any, Any]) -> None:
        user, branch = found
        assert self.login is not None and self.services is not None
        self.login.signed_in()
        self.main_window = build_main_window(self.services, user, branch)
        self.main_window.signed_out.connect(self._signed_out)
        self.main_window.show()
        self.main_window.refresh()
        self.main_window.start_sync()
        self.login.hide()
        self.main_window_shown.emit(self.main_window)

    def _signed_out(self) -> None:
        if self.login is not None:
            self.login.show()  # first, or closing the main window would quit the program
        window = self.main_window
        self.main_window = None
        if window is not None:
            window.close()
            window.deleteLater()

    # -- shutting down ---------------------------------------------------------------------

    def shutdown(self) -> None:
        """Let queued writes (a last draft save) finish, close the database, and delete the
        windows here, on the GUI thread. Left to Python's cycle collector, they could be freed
        from whichever thread happens to run it, a worker's included, and Qt objects must die
        on the thread they live on."""
        if self._shut_down:
            return
        self._shut_down = True
        windows = [w for w in (self.main_window, self.first_run, self.login) if w is not None]
        for window in windows:
            window.close()
        self.tasks.wait_idle()
        self.tasks.shutdown()
        self.tasks.default_error = _log_unexpected
        if self.desk is not None:
            self.desk.close()
        for window in windows:
            window.deleteLater()
        self.main_window = self.first_run = self.login = None
        self.settings.sync()
        self.deleteLater()  # with it the task runner, the watchdog and the settings
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)

    def _unexpected(self, exc: BaseException) -> None:
        parent: QWidget | None = self.main_window or self.login
        QMessageBox.warning(parent, tr(N_("OZQ Desktop")), error_text(exc))


def _log_unexpected(exc: BaseException) -> None:
    log.error("background task failed after shutdown", exc_info=exc)


def choose_language(settings: QSettings, requested: str | None) -> str:
    lang = requested or str(settings.value(LANGUAGE_KEY, i18n.DEFAULT_LANGUAGE) or "")
    return lang if lang in i18n.LANGUAGES else i18n.DEFAULT_LANGUAGE


def run(argv: list[str], lang: str | None = None, folder: Path | None = None) -> int:
    """The program: returns its exit status."""
    app = QApplication.instance() or QApplication(argv)
    app.setApplicationName("OZQ Desktop")
    icon = resource("icons", "ozq-desktop.png")
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    desk_app = DeskApp(folder)
    i18n.set_language(choose_language(desk_app.settings, lang))
    i18n.on_language_changed(lambda code: desk_app.settings.setValue(LANGUAGE_KEY, code))
    status = {"code": 0}

    def fail(message: str) -> None:
        QMessageBox.critical(desk_app.login, tr(N_("OZQ Desktop")), message)
        status["code"] = 1
        app.quit()

    desk_app.failed.connect(fail)
    window = desk_app.start()
    if os.environ.get("OZQ_STARTUP_PROBE"):
        _startup_probe(app, desk_app, window)
    app.setQuitOnLastWindowClosed(True)
    code = app.exec()
    desk_app.shutdown()
    return status["code"] or code


def _startup_probe(app: QApplication, desk_app: DeskApp, window: QWidget) -> None:
    """For installer/build.py's start-time figure: say when the sign-in window has painted and
    when the database is open, then quit. Off unless OZQ_STARTUP_PROBE is set."""
    import sys

    from ozq_desktop.ui.first_paint import after_first_paint

    after_first_paint(window, lambda: print("probe: first paint", flush=True))

    def ready() -> None:
        print("probe: ready", flush=True)
        app.quit()

    desk_app.ready.connect(ready)
    desk_app.failed.connect(lambda message: print(f"probe: failed {message}", file=sys.stderr))


def self_test(folder: Path, lang: str = "kk") -> int:
    """Open a fresh database in `folder`, migrate it, accept one package, render its receipt
    (when the printing layer is present), and build the windows offscreen. 0 when all pass."""
    import sys

    try:
        report = _self_test_steps(folder, lang)
    except Exception as exc:  # a smoke test reports, it does not raise
        log.exception("self-test failed")
        print(f"self-test FAILED: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    print("self-test ok: " + "; ".join(report))
    return 0


def _self_test_steps(folder: Path, lang: str) -> list[str]:
    import keyring
    from keyring.backends import fail

    from ozq_desktop.domain import accounts
    from ozq_desktop.domain.acceptance import accept_package, content_to_sign
    from ozq_desktop.domain.drafts import ApplicantDraft, DocumentDraft, PackageDraft, ScanDraft
    from ozq_desktop.signing.selftest import throwaway_signer
    from ozq_desktop.storage.engine import transaction
    from ozq_desktop.storage.pages import count_pages

    # The throwaway desk keeps its key in a file in the temporary folder, never in the
    # machine's keyring (where it would outlive the test).
    keyring.set_keyring(fail.Keyring())
    report: list[str] = []
    desk = open_desk(folder)
    report.append(f"database migrated at {desk.db_path}")
    with transaction(desk.factory) as s:
        boss = accounts.set_up_desk(
            session=s,
            setup=accounts.BranchSetup("SELF", "Self-test", "1", "—", "T1", "", "Self-test", "—"),
            supervisor=accounts.NewUser(
                "selftest", "Self Test", "self-test-pass", accounts.Role.SUPERVISOR
            ),
        )
    service = next(iter(desk.catalog))
    draft = PackageDraft(service_id=service.id, started_at=wall_clock(), consent=True)
    kind = service.applicant_types[0]
    draft.applicant = ApplicantDraft(
        type=kind.value,
        idn="900101300017" if kind.value == "natural_person" else "940140000385",
        name="Self-test",
    )
    pdf = _one_page_pdf()
    ref = desk.scans.add_bytes(pdf, "self-test.pdf")
    scan = ScanDraft(ref.sha256, ref.size, ref.mime, ref.name, count_pages(pdf, ref.mime))
    for spec in service.documents_for(kind):
        doc = DocumentDraft(code=spec.code, presented=True, pages=1, scans=[scan])
        if spec.expert_conclusion:
            doc.expertise_date = wall_clock().date()
            doc.signed_by_head = doc.sealed = doc.bound = True
            doc.bound_pages = 1
        draft.documents[spec.code] = doc
    signature = throwaway_signer(folder).sign(content_to_sign(draft))
    with transaction(desk.factory) as s:
        result = accept_package(
            session=s,
            catalog=desk.catalog,
            draft=draft,
            clerk=boss,
            at=wall_clock(),
            signature=signature,
        )
    report.append(f"package accepted and signed, receipt {result.receipt_no}")
    try:
        from ozq_desktop.ui.print_jobs import PrintJob, renderer
    except ImportError:
        report.append("printing not present")
    else:
        pdf = renderer(desk.factory, desk.catalog, result.package_id, PrintJob.RECEIPT)(lang)
        if not pdf.startswith(b"%PDF-"):
            raise RuntimeError("the receipt is not a PDF")
        report.append(f"receipt PDF rendered ({len(pdf)} bytes)")
    report.append(_self_test_scan_pdf(desk))
    app = QApplication.instance() or QApplication([])
    tasks = TaskRunner()
    services = make_services(desk, tasks, settings_for(folder))
    from ozq_desktop.storage.engine import reading

    with reading(desk.factory) as s:
        from ozq_desktop.domain.accounts import branch

        window = build_main_window(services, boss, branch(session=s))
    login = LoginWindow()
    app.processEvents()
    window.close()
    login.close()
    tasks.wait_idle()
    tasks.shutdown()
    desk.close()
    report.append("windows built")
    report.append(_self_test_signing(folder))
    return report


def _one_page_pdf() -> bytes:
    """A one-page PDF, the self-test's scan."""
    from reportlab.pdfgen.canvas import Canvas

    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    canvas.drawString(72, 720, "OZQ self-test")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _self_test_scan_pdf(desk: Desk) -> str:
    """Two scanned pages joined into one PDF (img2pdf), stored encrypted, their pages counted:
    the frozen bundle carries what the scan dialog needs."""
    import io

    from PIL import Image

    from ozq_desktop.devices.scanner import jpeg_page, pages_to_pdf
    from ozq_desktop.storage.pages import count_pages

    buffer = io.BytesIO()
    Image.new("L", (200, 280), 200).save(buffer, "JPEG", dpi=(200, 200))
    pdf = pages_to_pdf([jpeg_page(buffer.getvalue(), 200)] * 2)
    ref = desk.scans.add_bytes(pdf, "self-test-scan.pdf")
    if count_pages(desk.scans.read(ref.sha256), ref.mime) != 2:
        raise RuntimeError("the scanned pages did not make a two-page PDF")
    return "scanned pages made one PDF"


def _self_test_signing(folder: Path) -> str:
    from ozq_desktop.signing.selftest import sign_with_throwaway_key

    signature = sign_with_throwaway_key(folder)
    return f"EDS signature made ({len(signature.cms)} bytes CMS)"
