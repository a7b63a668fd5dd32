"""Fonts embedded in every document, the plain-data contract, and the Qt-free rule."""

from __future__ import annotations

import io
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from reportlab.pdfgen.canvas import Canvas

from ozq_desktop.errors import ValidationError
from ozq_desktop.printing import (
    Outcome,
    RegisterRow,
    render_annex1,
    render_handover,
    render_receipt,
    render_refusal,
    render_register,
    render_transfer,
)
from ozq_desktop.printing.data import local
from ozq_desktop.printing.fonts import BOLD, REGULAR, register_fonts
from ozq_desktop.printing.rows import wrap_cell
from tests.printing import samples
from tests.printing.pdf import fonts, pages_text

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = {
    "receipt": lambda lang: render_receipt(samples.receipt(), lang),
    "refusal": lambda lang: render_refusal(samples.refusal(), lang),
    "annex1": lambda lang: render_annex1(samples.annex1(2), lang),
    "handover": lambda lang: render_handover(samples.handover(False), lang),
    "register": lambda lang: render_register(samples.register(30), lang),
    "transfer": lambda lang: render_transfer(samples.transfer(5), lang),
}


@pytest.mark.parametrize("lang", ["kk", "ru"])
@pytest.mark.parametrize("document", sorted(DOCUMENTS))
def test_every_font_is_embedded_liberation_serif(document, lang):
    pdf = DOCUMENTS[document](lang)
    used = fonts(pdf)
    assert used, "no font found: the checker is broken"
    assert all(f.embedded for f in used), used
    assert all("LiberationSerif" in f.name for f in used), used
    assert b"Helvetica" not in pdf


def test_the_font_check_does_catch_a_standard_helvetica():
    buffer = io.BytesIO()
    canvas = Canvas(buffer, initialFontName="Helvetica")
    canvas.setFont("Helvetica", 12)
    canvas.drawString(100, 100, "x")
    canvas.save()
    assert [(f.name, f.embedded) for f in fonts(buffer.getvalue())] == [("/Helvetica", False)]


def test_no_helvetica_even_when_reportlab_was_imported_first(tmp_path):
    script = (
        "import reportlab.platypus, reportlab.lib.styles, reportlab.graphics.shapes\n"
        "from tests.printing import samples\n"
        "from ozq_desktop.printing import render_refusal, render_receipt\n"
        "import sys\n"
        "sys.stdout.buffer.write(render_refusal(samples.refusal(), 'kk'))\n"
    )
    pdf = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, check=True
    ).stdout
    assert all(f.embedded for f in fonts(pdf)) and b"Helvetica" not in pdf


def test_the_printing_layer_never_loads_qt():
    script = (
        "import sys\n"
        "import ozq_desktop.printing\n"
        "from tests.printing import samples\n"
        "ozq_desktop.printing.render_receipt(samples.receipt(), 'kk')\n"
        "print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'ozq_desktop.ui'))))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_kazakh_letters_survive_the_round_trip():
    letters = "Ә Ғ Қ Ң Ө Ұ Ү Һ І ә ғ қ ң ө ұ ү һ і"
    data = samples.refusal()
    pdf = render_refusal(replace(data, applicant_name=letters), "kk")
    assert letters in pages_text(pdf)[0]


def test_text_in_both_languages_is_picked_and_a_missing_one_is_an_error():
    assert local({"kk": "Иә", "ru": "Да"}, "ru") == "Да"
    assert local("as is", "kk") == "as is"
    with pytest.raises(ValidationError):
        local({"kk": "Иә"}, "ru")


def test_unknown_language_is_refused():
    with pytest.raises(ValidationError):
        render_receipt(samples.receipt(), "en")


def test_data_is_frozen_and_lists_become_tuples():
    data = samples.receipt()
    assert isinstance(data.documents, tuple)
    with pytest.raises(AttributeError):
        data.receipt_no = "other"  # type: ignore[misc]
    row = RegisterRow(
        clerk="a", receipt_no="1", time="09:00", service="s", applicant="b", outcome="handed_over"
    )
    assert row.outcome is Outcome.HANDED_OVER
    with pytest.raises(ValueError):
        RegisterRow(
            clerk="a", receipt_no="1", time="09:00", service="s", applicant="b", outcome="lost"
        )


def test_a_grid_cell_never_runs_over_its_column():
    from reportlab.pdfbase.pdfmetrics import stringWidth

    register_fonts()
    width = 40
    text = "Өнеркәсіптік қауіпсіздіктегі A07-0000000000123 декларацияларын"
    for bold, font in ((False, REGULAR), (True, BOLD)):
        lines = wrap_cell(text, width, bold)
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")
        assert all(stringWidth(line, font, 9) <= width - 6 for line in lines)
