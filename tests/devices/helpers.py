"""The real devices the tests use: SANE's `test` backend as the counter's scanner, and a
private CUPS scheduler with a cups-pdf queue as its printer. Both are Debian packages that
.ci/run installs (sane-utils, libsane1; cups, printer-driver-cups-pdf).

Import the fixtures into a test module: `from tests.devices.helpers import sane, cups  # noqa`.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

SANE_CONF = Path("/etc/sane.d")
CUPSD = "/usr/sbin/cupsd"
CUPS_PDF_PPD = "lsb/usr/cups-pdf/CUPS-PDF_opt.ppd"
CUPS_PDF_CONF_DIR = Path("/etc/cups")  # where the cups-pdf backend reads its configuration


@pytest.fixture
def sane(tmp_path, monkeypatch) -> Path:
    """SANE configured with its `test` backend only: `test:0` is a flatbed with a feeder."""
    if shutil.which("scanimage") is None or not SANE_CONF.is_dir():
        pytest.skip("SANE is not installed (sane-utils, libsane1)")
    conf = tmp_path / "sane.d"
    shutil.copytree(SANE_CONF, conf)
    (conf / "dll.conf").write_text("test\n")
    monkeypatch.setenv("SANE_CONFIG_DIR", str(conf))
    return conf


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PrivateCups:
    """A CUPS scheduler of our own (`cupsd -f`, as root) in a temporary folder, on a loopback
    port, with one cups-pdf queue writing its PDFs into `out`. Stopped by its PID."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = _free_port()
        self.queue = f"OZQ{os.getpid()}"
        self.out = folder / "printed"
        self.env = {"CUPS_SERVER": f"127.0.0.1:{self.port}"}
        self.process: subprocess.Popen | None = None
        self._instance_conf = CUPS_PDF_CONF_DIR / f"cups-pdf-{self.queue}.conf"

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            list(args), env={**os.environ, **self.env}, capture_output=True, text=True, check=check
        )

    def start(self) -> PrivateCups:
        f = self.folder
        for name in ("spool", "cache", "state", "log", "tmp"):
            (f / name).mkdir(parents=True, exist_ok=True)
        (f / "tmp").chmod(0o1777)  # the filters run as the lp user
        self.out.mkdir()
        (f / "cupsd.conf").write_text(
            f"Listen 127.0.0.1:{self.port}\nLogLevel warn\nWebInterface No\nBrowsing Off\n"
            "DefaultAuthType None\n<Location />\n  Order allow,deny\n  Allow all\n</Location>\n"
            "<Policy default>\n  JobPrivateAccess default\n  JobPrivateValues default\n"
            "  SubscriptionPrivateAccess default\n  SubscriptionPrivateValues default\n"
            "  <Limit All>\n    Order deny,allow\n  </Limit>\n</Policy>\n"
        )
        (f / "cups-files.conf").write_text(
            f"ServerRoot {f}\nRequestRoot {f}/spool\nCacheDir {f}/cache\nStateDir {f}/state\n"
            f"TempDir {f}/tmp\nErrorLog {f}/log/error_log\nAccessLog {f}/log/access_log\n"
            f"PageLog {f}/log/page_log\nSystemGroup root\n"
        )
        self.process = subprocess.Popen(
            [CUPSD, "-f", "-c", str(f / "cupsd.conf"), "-s", str(f / "cups-files.conf")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while "is running" not in self.run("lpstat", "-r", check=False).stdout:
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.stop()
                raise RuntimeError(f"cupsd did not start: {self.log()}")
            time.sleep(0.1)
        # The cups-pdf backend reads this queue's own configuration (from the URI's name):
        # its PDFs go to our folder, named after the job's title.
        self._instance_conf.write_text(f"Out {self.out}\nAnonDirName {self.out}\nLabel 0\n")
        self.run(
            "lpadmin", "-p", self.queue, "-v", f"cups-pdf:/{self.queue}", "-E",
            "-m", CUPS_PDF_PPD,
            # poppler's cairo renderer keeps the text searchable in the PDF cups-pdf writes
            "-o", "pdftops-renderer-default=pdftocairo",
        )  # fmt: skip
        return self

    def printed(self, count: int = 1, timeout: float = 10) -> list[Path]:
        """The PDFs cups-pdf has written, once `count` are there and no job is still going."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            done = sorted(self.out.glob("*.pdf"))
            going = self.run("lpstat", "-W", "not-completed", "-o", self.queue, check=False)
            if len(done) >= count and not going.stdout.strip():
                return done
            time.sleep(0.2)
        jobs = self.run("lpstat", "-l", "-o", self.queue, check=False).stdout
        raise TimeoutError(f"cups-pdf wrote {len(list(self.out.iterdir()))} files; {jobs}")

    def log(self) -> str:
        path = self.folder / "log" / "error_log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""

    def stop(self) -> None:
        self._instance_conf.unlink(missing_ok=True)
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.kill(self.process.pid, signal.SIGKILL)
                self.process.wait()


@pytest.fixture(scope="session")
def cups_session():
    if not Path(CUPSD).exists() or shutil.which("lp") is None:
        pytest.skip("CUPS is not installed (cups, printer-driver-cups-pdf)")
    if not (Path("/usr/lib/cups/backend/cups-pdf").exists()):
        pytest.skip("the cups-pdf printer is not installed (printer-driver-cups-pdf)")
    if os.geteuid() != 0:
        pytest.skip("cupsd runs as root")
    # Not under pytest's own temporary folder: that one is closed to the lp user the filters
    # run as.
    folder = Path(tempfile.mkdtemp(prefix="ozq-cups-"))
    folder.chmod(0o755)
    server = PrivateCups(folder).start()
    yield server
    server.stop()
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def cups(cups_session, monkeypatch) -> PrivateCups:
    """The private scheduler for this test: CUPS_SERVER points at it, its queue is enabled
    and empty of printed files."""
    monkeypatch.setenv("CUPS_SERVER", cups_session.env["CUPS_SERVER"])
    cups_session.run("cupsenable", cups_session.queue)
    cups_session.run("cupsaccept", cups_session.queue)
    for old in cups_session.out.iterdir():
        old.unlink()
    return cups_session
