"""Scanning on Linux through SANE's command-line front end, `scanimage` (Debian's sane-utils).

Why the program and not a binding: `scanimage` comes with every SANE installation, needs no
compiler or development headers on the desk, keeps a crashing driver out of our process, and
its batch mode already does what the counter needs. `--batch --batch-print` writes each page
to its own file and prints the file's name once the page is whole (a page cut short by an
error is never printed), so pages reach the clerk one by one and an error later in the batch
cannot take back a page already delivered.

Every page is written as JPEG (the driver's own encoder, done once) and embedded in the PDF
as it is. The program runs in the C locale so that its messages, which name the SANE status,
are the same on every desk; the clerk reads our own translated message instead.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ozq_desktop.devices.scanner import (
    CancelToken,
    ColourMode,
    CoverOpenError,
    FeederEmptyError,
    NoScannerError,
    PageCallback,
    PaperJamError,
    ScanCancelledError,
    ScannerBusyError,
    ScannerError,
    ScannerFailedError,
    ScannerInfo,
    ScanSettings,
    Source,
    jpeg_page,
)
from ozq_desktop.errors import ValidationError
from ozq_desktop.i18n import N_

log = logging.getLogger(__name__)

PROGRAM = "scanimage"
LIST_TIMEOUT_S = 60
SECOND_SIGNAL_S = 1.0  # after a cancel, when to insist
STOP_GRACE_S = 15  # after a cancel, how long the driver may take to stop before it is killed

# SANE_Status values, which scanimage also uses as its exit code.
STATUS_CANCELLED, STATUS_BUSY, STATUS_JAMMED, STATUS_NO_DOCS, STATUS_COVER_OPEN = 2, 3, 6, 7, 8
# sane_strstatus() in the C locale.
TEXT_JAMMED = "Document feeder jammed"
TEXT_NO_DOCS = "Document feeder out of documents"
TEXT_COVER_OPEN = "Scanner cover is open"
TEXT_CANCELLED = "Operation was cancel"  # "cancelled" or "canceled", by version
TEXT_BUSY = "Device busy"

_OPTION = re.compile(r"^\s*--(source|mode|resolution)\s+(.+?)(?:\s+\[([^\]]*)\])?\s*$")


class ScannerSoftwareMissingError(ScannerError):
    def __init__(self) -> None:
        super().__init__(
            N_(
                "The scanning software is not installed on this computer (SANE: the sane-utils "
                "package). Ask the administrator to install it."
            )
        )


class NoPageError(ScannerError):
    def __init__(self) -> None:
        super().__init__(
            N_("The scanner gave no page. Check the document on the glass and scan again.")
        )


@dataclass(frozen=True)
class DeviceOptions:
    """What a device offers, read from `scanimage -A`."""

    sources: tuple[str, ...] = ()
    modes: tuple[str, ...] = ()
    resolutions: tuple[int, ...] = ()  # a list the device accepts, or empty
    resolution_range: tuple[int, int] | None = None

    def source_for(self, source: Source) -> str | None:
        """The device's name for the flatbed or the feeder; None when it has no choice."""
        if not self.sources:
            return None
        if source is Source.FLATBED:
            wanted = [s for s in self.sources if re.search(r"flatbed|glass|platen", s, re.I)]
        else:
            wanted = [
                s
                for s in self.sources
                if re.search(r"adf|feeder|automatic", s, re.I)
                and not re.search(r"duplex|back", s, re.I)
            ]
        return wanted[0] if wanted else None

    def mode_for(self, mode: ColourMode) -> str | None:
        pattern = r"gr[ae]y" if mode is ColourMode.GREY else r"colou?r"
        found = [m for m in self.modes if re.search(pattern, m, re.I)]
        return found[0] if found else None

    def resolution_for(self, dpi: int) -> int:
        if self.resolution_range is not None:
            low, high = self.resolution_range
            return max(low, min(high, dpi))
        if self.resolutions:
            return min(self.resolutions, key=lambda r: (abs(r - dpi), -r))
        return dpi


def parse_options(text: str) -> DeviceOptions:
    found: dict[str, str] = {}
    for line in text.splitlines():
        match = _OPTION.match(line)
        if match and match.group(1) not in found:
            found[match.group(1)] = match.group(2)
    sources = tuple(v.strip() for v in found.get("source", "").split("|") if v.strip())
    modes = tuple(v.strip() for v in found.get("mode", "").split("|") if v.strip())
    raw = found.get("resolution", "")
    resolutions: tuple[int, ...] = ()
    span = None
    if ranged := re.match(r"(\d+)\.\.(\d+)", raw):
        span = (int(ranged.group(1)), int(ranged.group(2)))
    elif raw:
        resolutions = tuple(int(n) for n in re.findall(r"\d+", raw.split("dpi")[0]))
    return DeviceOptions(sources, modes, resolutions, span)


def _environment(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    env = {**os.environ, "LC_ALL": "C", "LANG": "C", "LANGUAGE": ""}
    env.update(extra or {})
    return env


class SaneScanner:
    """The Scanner interface over `scanimage`."""

    def __init__(self, program: str = PROGRAM, env: Mapping[str, str] | None = None) -> None:
        self.program = program
        self._env = dict(env or {})
        self._options: dict[str, DeviceOptions] = {}

    def _run(self, args: list[str]) -> subprocess.CompletedProcess[str]:
        if shutil.which(self.program) is None:
            raise ScannerSoftwareMissingError()
        return subprocess.run(
            [self.program, *args],
            capture_output=True,
            text=True,
            env=_environment(self._env),
            timeout=LIST_TIMEOUT_S,
            check=False,
        )

    def devices(self) -> list[ScannerInfo]:
        result = self._run(["--formatted-device-list=%d\t%v %m%n"])
        found = []
        for line in result.stdout.splitlines():
            if "\t" in line:
                device, name = line.split("\t", 1)
                found.append(ScannerInfo(device.strip(), name.strip() or device.strip()))
        return found

    def options(self, device: str) -> DeviceOptions:
        if device not in self._options:
            result = self._run(["--device-name", device, "--all-options"])
            if result.returncode != 0:
                raise _error_from(
                    result.returncode, result.stderr, device, 0, Source.FLATBED
                ) or ScannerFailedError(result.stderr.strip())
            self._options[device] = parse_options(result.stdout)
        return self._options[device]

    def command(self, settings: ScanSettings, folder: Path) -> list[str]:
        """The scanimage command line for these settings (the device's own option values)."""
        options = self.options(settings.device)
        args = [
            self.program,
            "--device-name",
            settings.device,
            "--format=jpeg",
            f"--batch={folder / 'page-%04d.jpg'}",
            "--batch-print",
            f"--resolution={options.resolution_for(settings.dpi)}",
        ]
        source = options.source_for(settings.source)
        if settings.source is Source.FEEDER and source is None:
            raise ValidationError(
                "The scanner {device} has no document feeder: choose the flatbed.",
                device=settings.device,
            )
        if source is not None:
            args.append(f"--source={source}")
        if settings.source is Source.FLATBED:
            args.append("--batch-count=1")
        mode = options.mode_for(settings.mode)
        if mode is not None:
            args.append(f"--mode={mode}")
        for name, value in settings.device_options:
            if not value:
                args.append(name)
            elif name.startswith("--"):
                args.append(f"{name}={value}")  # the form scanimage's optional values need
            else:
                args += [name, value]
        return args

    def scan(self, settings: ScanSettings, on_page: PageCallback, cancel: CancelToken) -> int:
        if cancel.cancelled:
            raise ScanCancelledError()
        with tempfile.TemporaryDirectory(prefix="ozq-scan-") as tmp:
            folder = Path(tmp)
            args = self.command(settings, folder)
            log.info("scanning: %s", " ".join(args))
            proc = subprocess.Popen(
                args,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=_environment(self._env),
                cwd=folder,
            )
            errors: list[str] = []
            reader = threading.Thread(target=lambda: errors.extend(proc.stderr), daemon=True)
            reader.start()
            cancel.on_cancel(lambda: _stop(proc))
            count = 0
            try:
                for line in proc.stdout:  # one finished page per line
                    path = Path(line.strip())
                    if not path.name:
                        continue
                    data = path.read_bytes()
                    path.unlink()  # the page's only copy now lives in memory, until stored
                    if cancel.cancelled:
                        continue  # finished after the clerk pressed Cancel: not wanted
                    on_page(jpeg_page(data, settings.dpi))
                    count += 1
            except BaseException:
                _stop(proc)
                raise
            finally:
                rc = proc.wait()
                reader.join(timeout=5)
            stderr = "".join(errors)
            if rc != 0 or count == 0 or cancel.cancelled:
                log.info("scanimage ended with %s after %d pages: %s", rc, count, stderr.strip())
            if cancel.cancelled:
                raise ScanCancelledError()
            error = _error_from(rc, stderr, settings.device, count, settings.source)
            if error is not None:
                raise error
            return count


def _stop(proc: subprocess.Popen[str]) -> None:
    """Ask scanimage to stop as Ctrl+C does: it cancels the device. A driver may miss that
    between two pages and scan on, so a second Ctrl+C follows (scanimage then exits at once),
    and a kill if it still hangs."""

    def signal_if_running(sig: int) -> None:
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                proc.send_signal(sig)

    signal_if_running(signal.SIGINT)
    for delay, sig in ((SECOND_SIGNAL_S, signal.SIGINT), (STOP_GRACE_S, signal.SIGKILL)):
        timer = threading.Timer(delay, signal_if_running, (sig,))
        timer.daemon = True
        timer.start()


def _error_from(
    rc: int, stderr: str, device: str, count: int, source: Source
) -> ScannerError | None:
    """The clerk's error for how scanimage ended, or None for a good end."""
    if "open of device" in stderr or "no SANE devices found" in stderr:
        return NoScannerError(device)
    if rc == STATUS_JAMMED or TEXT_JAMMED in stderr:
        return PaperJamError()
    if rc == STATUS_COVER_OPEN or TEXT_COVER_OPEN in stderr:
        return CoverOpenError()
    if rc == STATUS_NO_DOCS or TEXT_NO_DOCS in stderr:
        # The feeder running out after some pages is how a feeder batch ends.
        return FeederEmptyError() if count == 0 else None
    if rc == STATUS_CANCELLED or TEXT_CANCELLED in stderr:
        return ScanCancelledError()
    if rc == STATUS_BUSY or TEXT_BUSY in stderr:
        return ScannerBusyError()
    if rc != 0:
        lines = [
            line.removeprefix("scanimage: ").strip()
            for line in stderr.splitlines()
            if line.startswith("scanimage:")
        ]
        return ScannerFailedError(lines[-1] if lines else f"exit code {rc}")
    if count == 0:
        return FeederEmptyError() if source is Source.FEEDER else NoPageError()
    return None
