"""The recovery sheet: the desk's recovery code, grouped and as a QR code, with what to do
with it. Printed at first run and again from the supervisor's menu (storage/recovery.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table

from ozq_desktop.i18n import tr
from ozq_desktop.printing.data import BranchInfo, local
from ozq_desktop.printing.dates import format_date
from ozq_desktop.printing.document import Metadata, QrCodeFlowable, build_pdf
from ozq_desktop.printing.layout import (
    TEXT_WIDTH,
    branch_lines,
    check_language,
    labelled,
    para,
    signature_line,
    styles,
)

QR_SIZE = 45 * mm


@dataclass(frozen=True, kw_only=True)
class RecoverySheetData:
    branch: BranchInfo
    code: str  # 8 groups of 6 digits, dash-separated
    key_id: str
    made_on: date
    data_folder: str
    shown_to: str  # the supervisor's name


def render_recovery_sheet(data: RecoverySheetData, lang: str) -> bytes:
    check_language(lang)
    title = tr("Recovery key of the desk's data", lang)
    meta = Metadata(
        title=title, author=local(data.branch.name, lang), subject=data.key_id, lang=lang
    )
    return build_pdf(_story(data, lang, title), meta)


def _code_block(data: RecoverySheetData) -> Table:
    s = styles()
    groups = data.code.split("-")
    lines = [" ".join(groups[:4]), " ".join(groups[4:])]
    code_style = s.title.clone("recovery_code", fontSize=20, leading=28)
    table = Table(
        [[[para(line, code_style) for line in lines], QrCodeFlowable(data.code, QR_SIZE)]],
        colWidths=[TEXT_WIDTH - QR_SIZE - 6 * mm, QR_SIZE + 6 * mm],
    )
    table.setStyle(
        [
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("BOX", (0, 0), (0, 0), 0.8, "black"),
            ("LEFTPADDING", (0, 0), (-1, -1), 3 * mm),
        ]
    )
    return table


def _story(data: RecoverySheetData, lang: str, title: str) -> list[Flowable]:
    s = styles()
    steps = [
        tr(
            "Keep this sheet locked away from the computer, in the branch's safe. Whoever has "
            "this sheet and the computer can read the desk's data.",
            lang,
        ),
        tr(
            "If the program says that the desk's data key is missing (the keyring entry or the "
            "key file was lost), open a terminal on this computer, under the account that runs "
            "the program, and run: ozq-desktop recover",
            lang,
        ),
        tr(
            "Type the 48 digits above when asked (spaces and dashes do not matter; a mistyped "
            "group is named). The database and every scan become readable again.",
            lang,
        ),
        tr(
            "The code belongs to this desk and this key only. Each showing and printing of "
            "this sheet is recorded in the audit trail.",
            lang,
        ),
    ]
    return [
        *branch_lines(data.branch, lang),
        Spacer(0, 4 * mm),
        para(title, s.title),
        Spacer(0, 2 * mm),
        labelled(tr("Key identifier:", lang), data.key_id, s.body),
        labelled(tr("Code made on:", lang), format_date(data.made_on, lang, "plain"), s.body),
        labelled(tr("Data folder:", lang), data.data_folder, s.body),
        Spacer(0, 4 * mm),
        _code_block(data),
        Spacer(0, 6 * mm),
        *[para(f"{n}. {text}", s.justified) for n, text in enumerate(steps, start=1)],
        Spacer(0, 10 * mm),
        signature_line(tr("Printed for:", lang), data.shown_to, lang),
    ]
