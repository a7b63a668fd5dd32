"""The seed text, made comparable with the catalog's Kazakh.

The seed was extracted from a PDF: some words are letter-spaced ("Ж о қ"), some
have a stray space inside ("жүргіз ілген"), and some line breaks moved words out
of order. `squash` drops all whitespace, so spacing no longer matters while every
letter and punctuation mark still must match. The moved words are put back by
the explicit table `PUT_BACK_IN_ORDER`, which a reviewer can read line by line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

# The legal source text, kept in the repository as a test fixture (see its README).
SEED_PATH = Path(__file__).resolve().parents[1] / "fixtures" / "seed" / "decree-586-2014-kk.txt"

# (as extracted from the PDF, put back in order)
PUT_BACK_IN_ORDER: tuple[tuple[str, str], ...] = (
    # service 1, §9, ХҚО-ға 1) and порталда 1): the ";" jumped before the last word
    ("нысанындағы ;өтініш", "нысанындағы өтініш;"),
    # service 2, §9, ХҚО-ға 1)
    (
        "стандартына сәйкес қауіпті өндірістік 1-қосымшаға объектілерде",
        "стандартына 1-қосымшаға сәйкес қауіпті өндірістік объектілерде",
    ),
    # service 3, §9, ХҚО-ға 1)
    (
        "стандартына сәйкес электрондық құжат 1-қосымшаға нысанындағы",
        "стандартына 1-қосымшаға сәйкес электрондық құжат нысанындағы",
    ),
    # services 2 and 3, Annex 1 body
    ("Заңының басшылыққа ала74-бабын отырып", "Заңының 74-бабын басшылыққа ала отырып"),
    ("Заңының басшылыққа ала76-бабын отырып", "Заңының 76-бабын басшылыққа ала отырып"),
)

# Captions printed under the blanks of Annex 1; the catalog has {placeholders} there.
ANNEX1_CAPTIONS: tuple[str, ...] = (
    "(ұйым атауы)",
    "(өнеркәсіп саласын көрсету)",
    "(қызметтің түрін көрсету)",
    "(технологиялардың, техникалық құрылғылардың материалдардың атауы)",
    "(технологиялардың, техникалық құрылғылардың, материалдардың қолданылу мақсаты туралы"
    " қысқаша ақпарат және оларды қолдану саласы көрсетіледі)",
)

_APPROVED = "№ 586 қаулысымен бекітілген"  # heads each of the three standards
_ANNEX1 = re.compile(r"1-қосымша(?!ға)")  # the heading, not "1-қосымшаға сәйкес"
_ANNEX2 = re.compile(r"2-қосымша(?!ға)")


def squash(text: str) -> str:
    """Lower case, no whitespace at all: letter-spacing and line breaks vanish."""
    return re.sub(r"\s+", "", text.casefold())


@cache
def raw_seed() -> str:
    return SEED_PATH.read_text(encoding="utf-8")


@cache
def seed() -> str:
    """The whole seed, squashed, with the moved words put back in order."""
    text = squash(raw_seed())
    for extracted, in_order in PUT_BACK_IN_ORDER:
        text = text.replace(squash(extracted), squash(in_order))
    return text


@dataclass(frozen=True)
class StandardText:
    """One service's standard in the seed, squashed, cut at its two annexes."""

    body: str
    annex1: str
    annex2: str

    @property
    def service_centre_list(self) -> str:
        """§9, the documents handed in at the service centre (between "ХҚО-ға:" and "порталда:")."""
        start = self.body.index(squash("ХҚО-ға:"))
        return self.body[start : self.body.index(squash("порталда:"), start)]

    @property
    def annex1_without_blanks(self) -> str:
        text = re.sub(r"_+", "", self.annex1)
        for caption in ANNEX1_CAPTIONS:
            text = text.replace(squash(caption), "")
        return text


@cache
def standard(number: int) -> StandardText:
    """The standard of service `number` (1, 2 or 3, in the seed's order)."""
    parts = seed().split(squash(_APPROVED))
    if len(parts) != 4:
        raise AssertionError(f"expected three standards in the seed, found {len(parts) - 1}")
    text = parts[number]
    a1 = _ANNEX1.search(text)
    a2 = _ANNEX2.search(text)
    assert a1 and a2 and a1.start() < a2.start(), f"annex headings of standard {number}"
    return StandardText(text[: a1.start()], text[a1.start() : a2.start()], text[a2.start() :])
