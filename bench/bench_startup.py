"""How fast the desk starts: cold start to the login window, and login to the main window.

    python bench/bench_startup.py [--runs 7] [--packages 30]

Target (issue 3): ≤ 1.0 s for the cold start on this machine.

Every run is a separate process, so each start pays for the interpreter, the imports and
the first paint. The parent starts the clock before it spawns the child; the child prints a
line when the moment is reached:

- "login shown": the sign-in window has painted (the database still opens meanwhile);
- "login ready": sign-in is enabled (backup, migrations and catalog done);
- "main shown": after the password is submitted, the main window has painted with
  today's packages loaded (argon2 verification included).

Runs use QT_QPA_PLATFORM=offscreen unless DISPLAY is set (e.g. Xvfb).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LOGIN, PASSWORD = "clerk", "clerkpass1"


# -- the child: one start of the program ---------------------------------------------------


def hermetic_keyring() -> None:
    """The benchmark desk keeps its data key in a file in its temporary folder."""
    import keyring
    from keyring.backends import fail

    keyring.set_keyring(fail.Keyring())


def child(mode: str, folder: Path) -> None:
    """Report the moments of one start on stdout; `mode` is "cold" or "login"."""
    hermetic_keyring()
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication

    from ozq_desktop.app import DeskApp

    def say(what: str) -> None:
        print(what, flush=True)

    class FirstPaint(QObject):
        def __init__(self, widget, label: str) -> None:
            super().__init__(widget)
            self.label = label
            self.done = False
            widget.installEventFilter(self)

        def eventFilter(self, _obj, event) -> bool:
            if not self.done and event.type() == QEvent.Type.Paint:
                self.done = True
                QTimer.singleShot(0, lambda: say(self.label))
            return False

    app = QApplication(sys.argv)
    desk_app = DeskApp(folder)
    finished = {"main": False}

    def ready() -> None:
        say("login ready")
        if mode == "cold":
            QTimer.singleShot(0, app.quit)
            return
        login = desk_app.login
        login.login_edit.setText(LOGIN)
        login.password_edit.setText(PASSWORD)
        say("submit")
        login.submit()

    def main_shown(window) -> None:
        FirstPaint(window, "main painted")
        desk_app.tasks.idle.connect(lambda: loaded())

    def loaded() -> None:
        if (
            not finished["main"]
            and desk_app.main_window
            and desk_app.main_window.home.model.rowCount()
        ):
            finished["main"] = True
            say("main shown")
            QTimer.singleShot(0, app.quit)

    desk_app.ready.connect(ready)
    desk_app.main_window_shown.connect(main_shown)
    desk_app.failed.connect(lambda message: (say(f"failed {message}"), app.quit()))
    original_start = desk_app.start

    def start():
        login = original_start()
        FirstPaint(login, "login shown")
        return login

    start()
    app.exec()
    desk_app.shutdown()


# -- the parent: prepare a desk, time the children -------------------------------------------


def prepare(folder: Path, packages: int) -> None:
    """A desk after first run, with a clerk who accepted `packages` packages today."""
    hermetic_keyring()
    from ozq_desktop.app import open_desk
    from ozq_desktop.domain import accounts
    from ozq_desktop.domain.acceptance import accept_package, content_to_sign
    from ozq_desktop.domain.drafts import ApplicantDraft, DocumentDraft, PackageDraft, ScanDraft
    from ozq_desktop.signing.selftest import throwaway_signer
    from ozq_desktop.storage.engine import transaction

    desk = open_desk(folder)
    signer = throwaway_signer(folder)  # accepting needs the clerk's EDS
    pdf = b"%PDF-1.4\n% bench scan\n%%EOF\n"
    ref = desk.scans.add_bytes(pdf, "scan.pdf")
    scan = ScanDraft(ref.sha256, ref.size, ref.mime, ref.name, 2)
    with transaction(desk.factory) as s:
        boss = accounts.set_up_desk(
            session=s,
            setup=accounts.BranchSetup(
                "ALA01",
                "Алматы филиалы",
                "3",
                "Алматы қ.",
                "D1",
                "",
                "Алматинский филиал",
                "г. Алматы",
            ),
            supervisor=accounts.NewUser(
                "boss", "Сейітова Ләззат", "supersecret", accounts.Role.SUPERVISOR
            ),
        )
        clerk = accounts.create_user(
            session=s,
            actor=boss,
            new=accounts.NewUser(LOGIN, "Жұмабаев Нұрлан", PASSWORD, accounts.Role.CLERK),
        )
    service = desk.catalog.get("attestation")
    start = datetime.now().replace(hour=9, minute=0, second=0, microsecond=0)
    for n in range(packages):
        draft = PackageDraft(service_id=service.id, started_at=start, consent=True)
        draft.applicant = ApplicantDraft(
            type="legal_entity", idn="940140000385", name=f"«Компания {n}» ЖШС"
        )
        for spec in service.documents_for("legal_entity"):
            doc = DocumentDraft(code=spec.code, presented=True, pages=2, scans=[scan])
            if spec.expert_conclusion:
                doc.expertise_date = start.date()
                doc.signed_by_head = doc.sealed = doc.bound = True
                doc.bound_pages = 10
            draft.documents[spec.code] = doc
        with transaction(desk.factory) as s:
            accept_package(
                session=s,
                catalog=desk.catalog,
                draft=draft,
                clerk=clerk,
                at=start + timedelta(minutes=n),
                signature=signer.sign(content_to_sign(draft)),
            )
    desk.close()


def time_child(mode: str, folder: Path) -> dict[str, float]:
    env = dict(os.environ)
    if not env.get("DISPLAY"):
        env["QT_QPA_PLATFORM"] = "offscreen"
    env["OZQ_DATA_DIR"] = str(folder)
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, __file__, "--child", mode, str(folder)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    moments: dict[str, float] = {}
    assert proc.stdout is not None
    for line in proc.stdout:
        moments[line.strip()] = time.perf_counter() - started
    proc.wait(timeout=60)
    if proc.returncode != 0 or any(k.startswith("failed") for k in moments):
        raise RuntimeError(f"child failed: {moments} {proc.stderr.read() if proc.stderr else ''}")
    return moments


def summary(label: str, values: list[float], target: float | None = None) -> str:
    verdict = ""
    if target is not None:
        verdict = "  ok" if statistics.median(values) <= target else f"  OVER {target:.1f} s"
    return (
        f"  {label:34s} median {statistics.median(values):6.3f} s   "
        f"best {min(values):6.3f} s   worst {max(values):6.3f} s{verdict}"
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--packages", type=int, default=30)
    parser.add_argument("--child", nargs=2, metavar=("MODE", "FOLDER"))
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]))
        return 0
    with tempfile.TemporaryDirectory(prefix="ozq-bench-start-") as tmp:
        folder = Path(tmp)
        prepare(folder, args.packages)
        time_child("cold", folder)  # warm the OS file cache once; not counted
        shown, ready, login_to_main = [], [], []
        for _ in range(args.runs):
            cold = time_child("cold", folder)
            shown.append(cold["login shown"])
            ready.append(cold["login ready"])
            moments = time_child("login", folder)
            login_to_main.append(moments["main shown"] - moments["submit"])
        platform = "xcb " + os.environ["DISPLAY"] if os.environ.get("DISPLAY") else "offscreen"
        print(
            f"Start-up, {args.runs} runs, separate processes, Qt platform {platform}, {args.packages} packages today"
        )
        print(summary("cold start → login window shown", shown, 1.0))
        print(summary("cold start → sign-in enabled", ready))
        print(summary("login → main window with today's list", login_to_main, 1.0))
        print(f"  (load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
