"""Renders every printed document in both languages to docs/printing/*.png (pdftoppm -r 70).

python -m tests.printing.render_docs
"""

from __future__ import annotations

import subprocess
import tempfile
from dataclasses import replace
from pathlib import Path

from ozq_desktop.printing import (
    render_annex1,
    render_handover,
    render_receipt,
    render_refusal,
    render_register,
    render_transfer,
)
from ozq_desktop.printing.recovery_sheet import RecoverySheetData, render_recovery_sheet
from tests.printing import samples

OUT = Path(__file__).resolve().parents[2] / "docs" / "printing"

# name -> (make the PDF for a language, the pages to render: None for all)
DOCUMENTS = {
    "receipt": (lambda lang: render_receipt(samples.receipt(1), lang), None),
    "receipt-service3-home-visit": (
        lambda lang: render_receipt(samples.receipt(3, home_visit=True), lang),
        (1, 1),
    ),
    "receipt-status-page": (
        lambda lang: render_receipt(
            replace(
                samples.receipt(1),
                status_url="https://ozq.example.kz/status?receipt=ALA01-D1-0000042",
            ),
            lang,
        ),
        (1, 1),
    ),
    "receipt-training": (
        lambda lang: render_receipt(samples.receipt(2, training=True), lang),
        (1, 1),
    ),
    "refusal": (lambda lang: render_refusal(samples.refusal(1), lang), (1, 1)),
    "annex1-service1": (lambda lang: render_annex1(samples.annex1(1), lang), None),
    "annex1-service2": (lambda lang: render_annex1(samples.annex1(2), lang), None),
    "annex1-service3": (lambda lang: render_annex1(samples.annex1(3), lang), None),
    "handover-granted": (lambda lang: render_handover(samples.handover(True), lang), (1, 1)),
    "handover-refused": (lambda lang: render_handover(samples.handover(False), lang), (1, 1)),
    "register": (lambda lang: render_register(samples.register(40), lang), None),
    "transfer": (lambda lang: render_transfer(samples.transfer(12), lang), None),
    "recovery-sheet": (lambda lang: render_recovery_sheet(recovery_sample(), lang), None),
}


def recovery_sample() -> RecoverySheetData:
    """A made-up code (each group's last digit checks it), never a real desk's."""
    from datetime import date

    return RecoverySheetData(
        branch=samples.receipt(1).branch,
        code="123457-234566-345675-456784-567893-678902-789011-890120",
        key_id="3F2A-9C01",
        made_on=date(2026, 11, 25),
        data_folder="C:\\Users\\clerk\\AppData\\Local\\OZQ\\OZQDesktop",
        shown_to="Сейітова Ләззат",
    )


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.png"):
        old.unlink()
    with tempfile.TemporaryDirectory() as tmp:
        for name, (make, pages) in DOCUMENTS.items():
            for lang in ("kk", "ru"):
                pdf = Path(tmp) / f"{name}-{lang}.pdf"
                pdf.write_bytes(make(lang))
                command = ["pdftoppm", "-png", "-r", "70"]
                if pages:
                    command += ["-f", str(pages[0]), "-l", str(pages[1])]
                subprocess.run([*command, pdf, OUT / f"{name}-{lang}"], check=True)
    for png in sorted(OUT.glob("*.png")):
        print(png.relative_to(OUT.parent.parent))


if __name__ == "__main__":
    main()
