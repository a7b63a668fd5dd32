"""Plain-text blocks: lines fit their width, non-breaking spaces hold, long words are cut."""

from __future__ import annotations

from reportlab.pdfbase.pdfmetrics import stringWidth

from ozq_desktop.printing.fonts import BOLD, REGULAR
from ozq_desktop.printing.layout import keep, labelled, para, styles
from ozq_desktop.printing.text import TextBlock


def line_widths(block: TextBlock) -> list[float]:
    size = block.style.fontSize
    widths = []
    for line in block.lines:
        words = [stringWidth(w, f, size) for w, f, _ in line]
        spaces = [stringWidth(" ", f, size) for _, f, _ in line[1:]]
        widths.append(sum(words) + sum(spaces))
    return widths


def test_lines_fit_and_keep_every_word_in_order():
    text = "Өнеркәсіптік қауіпсіздік саласында жұмыстар жүргізу құқығына аттестаттау " * 4
    block = para(text, styles().body)
    block.wrap(200, 1000)
    assert len(block.lines) > 3
    assert all(width <= 200 for width in line_widths(block))
    assert " ".join(w for line in block.lines for w, _, _ in line) == text.strip()
    assert block.height == len(block.lines) * styles().body.leading


def test_a_date_with_non_breaking_spaces_stays_on_one_line():
    date = keep("25 ноября 2026 г.")
    block = para("слово " * 9 + date, styles().body)
    block.wrap(150, 1000)
    assert any(w == date for line in block.lines for w, _, _ in line)


def test_a_word_longer_than_the_line_is_cut():
    word = "A07-" + "0" * 80
    block = para(word, styles().body)
    block.wrap(100, 1000)
    assert len(block.lines) > 1
    assert "".join(w for line in block.lines for w, _, _ in line) == word
    assert all(width <= 100 for width in line_widths(block))


def test_label_in_bold_value_in_regular_and_forced_breaks():
    block = labelled("Телефоны:", "+7 701 555 12 34\nекінші жол", styles().body)
    block.wrap(400, 1000)
    fonts = [f for line in block.lines for _, f, _ in line]
    assert fonts[0] == BOLD and set(fonts[1:]) == {REGULAR}
    assert len(block.lines) == 2
