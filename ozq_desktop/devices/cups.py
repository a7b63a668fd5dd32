"""Printing on Linux through CUPS, with its own command-line clients (Debian's cups-client):
`lpstat` lists the queues, `lpoptions` reads a queue's state and capabilities, `lp` sends
the PDF. They speak IPP to the scheduler the desk is configured for (CUPS_SERVER or
~/.cups/client.conf, as every CUPS program does), so there is nothing to configure here.

The PDF goes to the queue as a PDF: CUPS's own filters turn it into what the printer takes,
keeping text as text. We ask for A4 (`media=A4`), the number of copies (`-n`), collated, and
the sides: one-sided for documents whose pages are copies for different parties,
two-sided-long-edge where the clerk asked for it and the printer can.
"""

from __future__ import annotations

import logging
import os
import re
import shlex
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path

from ozq_desktop.devices.printer import (
    PrinterFailedError,
    PrinterInfo,
    PrinterMissingError,
    PrinterState,
    PrintRequest,
)
from ozq_desktop.errors import OzqError
from ozq_desktop.i18n import N_

log = logging.getLogger(__name__)

TIMEOUT_S = 60
OUT_OF_PAPER = ("media-empty", "media-needed", "input-tray-missing")
# printer-state: 3 idle, 4 processing, 5 stopped (RFC 8011).
IDLE, PROCESSING, STOPPED = "3", "4", "5"


class PrintSoftwareMissingError(OzqError):
    def __init__(self) -> None:
        super().__init__(
            N_(
                "The print system is not installed on this computer (CUPS: the cups-client "
                "package). Save the document as PDF, or ask the administrator to install it."
            )
        )


def parse_attributes(text: str) -> dict[str, str]:
    """`lpoptions -p NAME` prints `key=value` pairs, quoted the shell's way."""
    pairs: dict[str, str] = {}
    for token in shlex.split(text):
        key, _, value = token.partition("=")
        pairs[key] = value
    return pairs


def state_of(attrs: Mapping[str, str]) -> tuple[PrinterState, tuple[str, ...]]:
    reasons = tuple(
        r for r in attrs.get("printer-state-reasons", "none").split(",") if r and r != "none"
    )
    if any(r.startswith(OUT_OF_PAPER) for r in reasons):
        return PrinterState.OUT_OF_PAPER, reasons
    if attrs.get("printer-is-accepting-jobs", "true") == "false":
        return PrinterState.NOT_ACCEPTING, reasons
    state = attrs.get("printer-state", IDLE)
    if state == STOPPED or "paused" in reasons:
        return PrinterState.PAUSED, reasons
    if any(r.endswith("-error") for r in reasons if r != "none"):
        return PrinterState.ERROR, reasons
    return (PrinterState.PRINTING if state == PROCESSING else PrinterState.READY), reasons


def can_duplex(ppd_options: str) -> bool:
    """From `lpoptions -l`: a Duplex option with a choice other than None."""
    for line in ppd_options.splitlines():
        name, _, choices = line.partition(":")
        if name.split("/")[0].strip() == "Duplex":
            return any(c.lstrip("*") not in ("None", "") for c in choices.split())
    return False


class CupsPrintSystem:
    def __init__(self, env: Mapping[str, str] | None = None) -> None:
        self._env = dict(env or {})

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        if shutil.which(args[0]) is None:
            raise PrintSoftwareMissingError()
        return subprocess.run(
            list(args),
            capture_output=True,
            text=True,
            env={**os.environ, "LC_ALL": "C", "LANG": "C", **self._env},
            timeout=TIMEOUT_S,
        )

    def _default(self) -> str:
        out = self._run("lpstat", "-d").stdout
        match = re.search(r"system default destination:\s*(\S+)", out)
        return match.group(1) if match else ""

    def printers(self) -> list[PrinterInfo]:
        names = [n.strip() for n in self._run("lpstat", "-e").stdout.splitlines() if n.strip()]
        default = self._default() if names else ""
        found = []
        for name in names:
            try:
                found.append(self._info(name, default))
            except PrinterMissingError:
                continue  # removed while we looked
        return found

    def printer(self, name: str) -> PrinterInfo:
        return self._info(name, self._default())

    def _info(self, name: str, default: str) -> PrinterInfo:
        result = self._run("lpoptions", "-p", name)
        if result.returncode != 0 or not result.stdout.strip():
            log.info("lpoptions -p %s: %s", name, result.stderr.strip())
            raise PrinterMissingError(name)
        attrs = parse_attributes(result.stdout)
        state, reasons = state_of(attrs)
        ppd = self._run("lpoptions", "-p", name, "-l")
        return PrinterInfo(
            name=name,
            description=attrs.get("printer-info") or attrs.get("printer-make-and-model") or name,
            state=state,
            is_default=name == default,
            duplex=ppd.returncode == 0 and can_duplex(ppd.stdout),
            reasons=reasons,
        )

    def command(self, name: str, request: PrintRequest, path: Path) -> list[str]:
        sides = "two-sided-long-edge" if request.duplex else "one-sided"
        return [
            "lp",
            "-d",
            name,
            "-n",
            str(max(1, request.copies)),
            "-t",
            request.title,
            "-o",
            "media=A4",
            "-o",
            f"sides={sides}",
            "-o",
            "collate=true",
            "--",
            str(path),
        ]

    def submit(self, name: str, request: PrintRequest) -> str:
        with tempfile.TemporaryDirectory(prefix="ozq-print-") as tmp:
            path = Path(tmp) / "document.pdf"
            path.write_bytes(request.pdf)
            result = self._run(*self.command(name, request, path))
        if result.returncode != 0:
            reason = result.stderr.strip().removeprefix("lp: ") or f"exit code {result.returncode}"
            if "does not exist" in reason or "Unknown printer" in reason:
                raise PrinterMissingError(name)
            raise PrinterFailedError(name, reason)
        match = re.search(r"request id is (\S+)", result.stdout)
        return match.group(1) if match else ""
