"""How fast the desk starts: launch to the login window, to sign-in ready, and login to the
main window, on the encrypted database of a realistic desk.

    python bench/bench_startup.py [--runs 7] [--packages 50000]

Targets: login window ≤ 1.0 s; launch → sign-in ready ≤ 0.8 s with 50,000 packages (issue 17;
also reported with 1,000,000); login → main window ≤ 1.0 s; and no backup written by a start
that has nothing to migrate.

The desk is bench/desk_db.py's (SQLCipher, key file, 30 packages accepted today by «clerk»).
Every run is a separate process, so each start pays for the interpreter, the imports and
the first paint. The parent starts the clock before it spawns the child; the child prints a
line when the moment is reached:

- "login shown": the sign-in window has painted (the database still opens meanwhile);
- "sign-in ready": the database is open and sign-in is enabled;
- "all ready": the service catalog is loaded too (it loads while the clerk types);
- "main shown": after the password is submitted (once what loads behind the sign-in window
  has loaded, as it has while a clerk types), the main window has painted with today's
  packages loaded (argon2 verification included).

Runs use QT_QPA_PLATFORM=offscreen unless DISPLAY is set (e.g. Xvfb).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.desk_db import (  # noqa: E402
    LOGIN,
    PASSWORD,
    TODAY_PACKAGES,
    bench_folder,
    hermetic_keyring,
    open_bench_desk,
)

# -- the child: one start of the program ---------------------------------------------------


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
    desk_app = DeskApp(folder, tune_gc=True)
    finished = {"main": False}

    def sign_in_ready() -> None:
        say("sign-in ready")

    def ready() -> None:
        say("all ready")
        if mode == "cold":
            QTimer.singleShot(0, app.quit)
            return
        # The clerk takes a second or more to type; the modules loading behind the sign-in
        # window meanwhile (catalog, main window) have finished by then: submit when they have.
        QTimer.singleShot(0, submit_when_idle)

    def submit_when_idle() -> None:
        if desk_app.tasks.pending:
            QTimer.singleShot(20, submit_when_idle)
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

    desk_app.sign_in_ready.connect(sign_in_ready)
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


def backups(folder: Path) -> list[str]:
    return (
        sorted(p.name for p in (folder / "backups").glob("*"))
        if (folder / "backups").exists()
        else []
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--packages", type=int, default=50_000)
    parser.add_argument("--child", nargs=2, metavar=("MODE", "FOLDER"))
    args = parser.parse_args()
    if args.child:
        hermetic_keyring()
        child(args.child[0], Path(args.child[1]))
        return 0
    open_bench_desk(args.packages).close()  # made once, reused
    folder = bench_folder(args.packages)
    before = backups(folder)
    time_child("cold", folder)  # warm the OS file cache once; not counted
    shown, sign_in, ready, login_to_main = [], [], [], []
    for _ in range(args.runs):
        cold = time_child("cold", folder)
        shown.append(cold["login shown"])
        sign_in.append(cold["sign-in ready"])
        ready.append(cold["all ready"])
        moments = time_child("login", folder)
        login_to_main.append(moments["main shown"] - moments["submit"])
    written = [name for name in backups(folder) if name not in before]
    platform = "xcb " + os.environ["DISPLAY"] if os.environ.get("DISPLAY") else "offscreen"
    size = (folder / "ozq.db").stat().st_size / 1048576
    print(
        f"Start-up, {args.runs} runs, separate processes, Qt platform {platform}; encrypted "
        f"database of {args.packages:,} packages ({size:.0f} MB), {TODAY_PACKAGES} today"
    )
    print(summary("launch → login window shown", shown, 1.0))
    print(summary("launch → sign-in ready", sign_in, 0.8))
    print(summary("launch → catalog loaded too", ready))
    print(summary("login → main window with today's list", login_to_main, 1.0))
    print(f"  backups written by {2 * args.runs + 1} starts without a migration: {len(written)}")
    print(f"  (load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
