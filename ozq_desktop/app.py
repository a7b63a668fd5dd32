"""The composition root: it opens the storage, builds the services and the windows, and
moves the clerk from sign-in (or first run) to the main window and back.

Start-up is ordered for speed. The sign-in window is shown first. Behind it, a glance at the
database (storage/glance.py: one keyed SQLCipher connection, no SQLAlchemy) enables sign-in
when the database is encrypted and at the newest schema, the normal case; the full storage
opens right after, then the service catalog and the main window's modules, while the clerk
types the password (a sign-in pressed sooner waits for them). A database that is new, still
plain, or behind the newest migration is opened in full first: encrypted, backed up and
migrated, then sign-in opens."""

from __future__ import annotations

import io
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QSettings, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from ozq_desktop import i18n
from ozq_desktop.i18n import N_, tr
from ozq_desktop.paths import data_dir, resource
from ozq_desktop.settings import LANGUAGE, LAST_LOGIN, Settings
from ozq_desktop.ui import gc_policy, qt_language, style
from ozq_desktop.ui.dialogs import error_text
from ozq_desktop.ui.first_paint import after_first_paint
from ozq_desktop.ui.login import LoginWindow
from ozq_desktop.ui.tasks import StallWatchdog, TaskRunner, dev_mode

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session, sessionmaker

    from ozq_desktop.domain.recovery import DeskKeys
    from ozq_desktop.storage.glance import Glance
    from ozq_desktop.storage.scans import ScanStore
    from ozq_desktop.ui.context import Clerk, DeskServices
    from ozq_desktop.ui.first_run import FirstRunWindow
    from ozq_desktop.ui.main_window import MainWindow
    from ozq_wire.catalog import Catalog

log = logging.getLogger(__name__)

SETTINGS_FILE = "settings.ini"


def wall_clock() -> datetime:
    """The desk's clock as receipts print it (device time: information only)."""
    return datetime.now().replace(microsecond=0)


@dataclass
class Storage:
    """The opened local storage: the database and the scan store. Qt-free."""

    db_path: Path
    engine: Engine
    factory: sessionmaker[Session]
    scans: ScanStore
    keys: DeskKeys

    def close(self) -> None:
        self.engine.dispose()


@dataclass
class Desk(Storage):
    """The opened storage and the service catalog: what the screens work with."""

    catalog: Catalog

    @classmethod
    def of(cls, storage: Storage, catalog: Catalog) -> Desk:
        s = storage
        return cls(s.db_path, s.engine, s.factory, s.scans, s.keys, catalog)


def open_storage(folder: Path | None = None) -> Storage:
    """Open the desk's data encrypted at rest (the key from the keyring, or the documented
    key-file fallback), migrated when its schema is behind (after a backup), and the scan
    store. Raises StorageError with a message for the clerk."""
    from ozq_desktop.domain.recovery import DeskKeys
    from ozq_desktop.storage.encryption import open_database
    from ozq_desktop.storage.engine import make_session_factory
    from ozq_desktop.storage.keys import SCANS_FOLDER
    from ozq_desktop.storage.scans import ScanStore

    root = folder or data_dir()
    root.mkdir(parents=True, exist_ok=True)  # --data-dir may name a folder not made yet
    opened = open_database(root)
    scans = ScanStore(root / SCANS_FOLDER, key=opened.key.key)
    scans.start_up()  # temporary files a crash left; older scans to the current format
    factory = make_session_factory(opened.engine)
    return Storage(opened.path, opened.engine, factory, scans, DeskKeys(root, opened.key.key))


def open_desk(folder: Path | None = None) -> Desk:
    """`open_storage` and the catalog, in one go (scripts, tests, the self-test)."""
    return Desk.of(open_storage(folder), load_catalog())


def load_catalog() -> Catalog:
    """The service catalog (pydantic-validated data: loaded off the sign-in path)."""
    from ozq_wire.catalog import load_catalog as load

    return load()


def outbox_count(session: Session) -> int:
    """Packages waiting for the hub (pending or being sent)."""
    from ozq_desktop.sync.push import queued_count

    return queued_count(session=session)


def settings_for(folder: Path, parent: QObject | None = None) -> QSettings:
    return QSettings(str(folder / SETTINGS_FILE), QSettings.Format.IniFormat, parent)


def make_services(desk: Desk, tasks: TaskRunner, settings: QSettings) -> DeskServices:
    """The services every screen is given; `tasks` runs its database jobs on `desk`."""
    from ozq_desktop.ui.context import DeskServices

    assert tasks.has_database, "the task helper must be made with the desk's database"
    return DeskServices(
        tasks=tasks,
        catalog=desk.catalog,
        scans=desk.scans,
        settings=Settings(settings),
        clock=wall_clock,
        outbox_count=outbox_count,
        keys=desk.keys,
    )


def build_main_window(services: DeskServices, clerk: Clerk) -> MainWindow:
    from ozq_desktop.ui.main_window import MainWindow

    return MainWindow(services, clerk)


def _glance(folder: Path) -> Glance | None:
    from ozq_desktop.storage.glance import glance  # keyring loads here, off the GUI thread

    return glance(folder)


def _warm_up() -> None:
    """Import the main window's modules in the background while the clerk types a password."""
    import ozq_desktop.ui.main_window  # noqa: F401


def _warm_up_queries(session: Session) -> None:
    """Run the main window's first queries once, their answers unused, while the clerk types
    a password. SQLAlchemy compiles a statement on its first use (the deadline counts took
    ≈ 180 ms cold, 1 ms after), and that work would otherwise share the interpreter with the
    main window's first paint (bench/bench_gui.py, sign-in)."""
    from ozq_desktop.domain import drafts, packages
    from ozq_desktop.ui.supervisor.deadlines import read_counts

    today = wall_clock().date()
    read_counts(session, today)
    packages.day_listing(session=session, day=today, clerk_id=0)
    drafts.drafts_of(session=session, user_id=0)
    outbox_count(session)


def _desk_state(session: Session) -> tuple[bool, str]:
    from ozq_desktop.domain import accounts

    if accounts.needs_first_run(session=session):
        return True, ""
    return False, accounts.branch(session=session).branch_name


def _sign_in(factory: sessionmaker[Session], login: str, password: str) -> Clerk:
    """The clerk's account and the branch, as frozen values, once the password is right."""
    from ozq_desktop.domain import accounts
    from ozq_desktop.storage.engine import reading
    from ozq_desktop.ui.context import read_clerk

    user = accounts.sign_in(factory=factory, login=login, password=password)
    with reading(factory) as session:
        return read_clerk(session, user.id)


class DeskApp(QObject):
    """Moves the clerk between the windows: first run → sign-in → main window → sign-in."""

    sign_in_ready = Signal()  # the database is open: the clerk can sign in
    ready = Signal()  # the catalog is loaded too, and the first window is usable
    failed = Signal(str)  # the database could not be opened; the message for the clerk
    main_window_shown = Signal(object)

    def __init__(
        self,
        folder: Path | None = None,
        opener: Callable[[Path | None], Storage] = open_storage,
        parent: QObject | None = None,
        glancer: Callable[[Path], Glance | None] | None = None,
        tune_gc: bool = False,
    ) -> None:
        """`tune_gc`: the program's own setting of the cycle collector (ui/gc_policy.py); off
        where many DeskApps share one process (the tests)."""
        super().__init__(parent)
        self.folder = folder or data_dir()
        self.settings = settings_for(self.folder, self)
        # Opening the database runs on a task helper of its own; the one the screens use is
        # made with the opened database (`_opened`).
        self.tasks = self._opening = TaskRunner(parent=self)
        self.tasks.default_error = self._unexpected
        self.storage: Storage | None = None
        self.desk: Desk | None = None
        self.services: DeskServices | None = None
        self._first_run_pending = False
        self._signed_in_early: Clerk | None = None
        self._sign_in_early: tuple[str, str] | None = None
        self._glancer = glancer or _glance
        self._tune_gc = tune_gc
        self._glanced = False
        self.login: LoginWindow | None = None
        self.first_run: FirstRunWindow | None = None
        self.main_window: MainWindow | None = None
        self._opener = opener
        self._shut_down = False
        self.watchdog: StallWatchdog | None = None

    def start(self) -> LoginWindow:
        if self._tune_gc:
            gc_policy.tune()
        if dev_mode():
            self.watchdog = StallWatchdog(parent=self)
            self.watchdog.start()
            gc_policy.log_slow_collections()
        app = QApplication.instance()
        if isinstance(app, QApplication):
            qt_language.follow()  # Qt's own dialogs and calendars in the UI language
            style.install(app)  # focus drawn where the platform style draws none
        self.login = LoginWindow()
        self.login.sign_in_requested.connect(self._sign_in)
        last_login = Settings(self.settings).get(LAST_LOGIN)
        if last_login:  # the password field has the focus: typed by habit, it stays hidden
            self.login.set_login(last_login)
        self.login.show()
        after_first_paint(self.login, self._open)
        return self.login

    def _open(self) -> None:
        folder = self.folder
        self._opening.run(lambda: self._glancer(folder), self._glance, database=True)
        self._opening.run(
            lambda: self._opener(folder), self._opened, self._open_failed, database=True
        )

    def _glance(self, found: Glance | None) -> None:
        """A normal start: sign-in opens now; the storage is opening behind it."""
        if found is None or found.first_run or self.storage is not None or self.login is None:
            return
        self._glanced = True
        self.login.set_ready(True, found.branch_name)
        self.sign_in_ready.emit()

    # -- opening ---------------------------------------------------------------------------

    def _opened(self, storage: Storage) -> None:
        self.storage = storage
        self.tasks = TaskRunner(storage.factory, parent=self)
        self.tasks.default_error = self._unexpected
        self.tasks.read(_desk_state, self._desk_state_read)

    def _desk_state_read(self, state: tuple[bool, str]) -> None:
        first_run, branch_name = state
        assert self.login is not None
        if first_run:
            self._first_run_pending = True  # shown once the catalog is loaded
        elif not self._glanced:
            self.login.set_ready(True, branch_name)
            self.sign_in_ready.emit()
        if self._sign_in_early is not None:
            login, password = self._sign_in_early
            self._sign_in_early = None
            self._sign_in(login, password)
        if isinstance(self.storage, Desk):  # an opener that loaded the catalog itself
            self._catalog_loaded(self.storage.catalog)
        else:
            self._opening.run(load_catalog, self._catalog_loaded, self._open_failed)

    def _catalog_loaded(self, catalog: Catalog) -> None:
        assert self.storage is not None
        self.desk = Desk.of(self.storage, catalog)
        self.services = make_services(self.desk, self.tasks, self.settings)
        if self._first_run_pending:
            self._first_run_pending = False
            self._show_first_run()
        self.ready.emit()
        if self._signed_in_early is not None:
            clerk, self._signed_in_early = self._signed_in_early, None
            self._signed_in(clerk)
        # Then the first queries; start-up is done after them, whatever they answer.
        self.tasks.run(
            _warm_up,
            lambda _none: self.tasks.read(_warm_up_queries, self._freeze_gc, self._freeze_gc),
        )

    def _open_failed(self, exc: BaseException) -> None:
        if self.login is not None:
            self.login.set_unavailable(exc)
        message = error_text(exc)
        log.error("the database could not be opened: %s", message)
        self.failed.emit(message)

    def _show_first_run(self) -> None:
        from ozq_desktop.ui.first_run import FirstRunWindow

        assert self.login is not None and self.services is not None
        self.first_run = FirstRunWindow(self.services)
        self.first_run.desk_set_up.connect(self._desk_set_up)
        self.login.hide()
        self.first_run.show()

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
        if self.storage is None:  # sign-in opened at a glance; the storage is still opening
            self._sign_in_early = (login, password)
            return
        self.tasks.with_factory(
            lambda factory: _sign_in(factory, login, password),
            self._signed_in,
            self.login.failed if self.login else None,
        )

    def _signed_in(self, clerk: Clerk) -> None:
        assert self.login is not None
        if self.services is None:  # quicker than the catalog: the window opens once it is in
            self._signed_in_early = clerk
            return
        self.login.signed_in()
        Settings(self.settings).set(LAST_LOGIN, clerk.user.login)
        self.main_window = build_main_window(self.services, clerk)
        self.main_window.signed_out.connect(self._signed_out)
        self.main_window.show()
        self.main_window.start_sync()
        self._freeze_gc()  # the main window stands for the whole session
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
        for tasks in {self._opening, self.tasks}:
            tasks.wait_idle()
            tasks.shutdown()
            tasks.default_error = _log_unexpected
        if self.storage is not None:
            self.storage.close()
        for window in windows:
            window.deleteLater()
        self.main_window = self.first_run = self.login = None
        self.settings.sync()
        self.deleteLater()  # with it the task runner, the watchdog and the settings
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)

    def _freeze_gc(self, _result: object = None) -> None:
        """What is alive now stays for the session: the collector need not walk it again."""
        if self._tune_gc:
            gc_policy.freeze()

    def _unexpected(self, exc: BaseException) -> None:
        parent: QWidget | None = self.main_window or self.login
        QMessageBox.warning(parent, tr(N_("OZQ Desktop")), error_text(exc))


def _log_unexpected(exc: BaseException) -> None:
    log.error("background task failed after shutdown", exc_info=exc)


def choose_language(settings: QSettings, requested: str | None) -> str:
    if requested in i18n.LANGUAGES:
        return requested
    return Settings(settings).get(LANGUAGE)


def run(argv: list[str], lang: str | None = None, folder: Path | None = None) -> int:
    """The program: returns its exit status."""
    app = QApplication.instance() or QApplication(argv)
    app.setApplicationName("OZQ Desktop")
    icon = resource("icons", "ozq-desktop.png")
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    desk_app = DeskApp(folder, tune_gc=True)
    i18n.set_language(choose_language(desk_app.settings, lang))
    i18n.on_language_changed(lambda code: Settings(desk_app.settings).set(LANGUAGE, code))
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

    desk_app.sign_in_ready.connect(lambda: print("probe: sign-in ready", flush=True))
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
        ).value
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
    from ozq_desktop import documents
    from ozq_desktop.domain.changes import DirectDatabase

    database = DirectDatabase(desk.factory)
    kind = documents.Kind.RECEIPT
    pdf = documents.render(kind, result.package_id, lang, database=database, catalog=desk.catalog)
    if not pdf.startswith(b"%PDF-"):
        raise RuntimeError("the receipt is not a PDF")
    report.append(f"receipt PDF rendered ({len(pdf)} bytes)")
    report.append(_self_test_scan_pdf(desk))
    app = QApplication.instance() or QApplication([])
    tasks = TaskRunner(desk.factory)
    services = make_services(desk, tasks, settings_for(folder))
    from ozq_desktop.storage.engine import reading
    from ozq_desktop.ui.context import read_clerk

    with reading(desk.factory) as s:
        window = build_main_window(services, read_clerk(s, boss.id))
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
