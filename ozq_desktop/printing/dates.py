"""Dates and times written the way each working language writes them on official papers.

Qt-free, so screens can use the same forms as the printed documents.

    kk  long   2026 жылғы 25 қарашадағы   (attributive, as in «… 2014 жылғы 11 сәуірдегі Заң»)
        on     2026 жылғы 25 қарашада     (when something happens)
        plain  2026 жылғы 25 қараша
        form   2026 ж. «25» қараша        (the seed's blank «20__ж. «__» ________»)
    ru  long / on / plain   25 ноября 2026 г.
        form   «25» ноября 2026 г.
    both short   25.11.2026
"""

from __future__ import annotations

from datetime import date, datetime, time

from ozq_desktop.errors import ValidationError

STYLES = ("long", "on", "plain", "form", "short")

# Nominative, locative (-да/-де/-та/-те) and attributive locative (-дағы/-дегі/-тағы/-тегі).
# Back-vowel months take -да, front-vowel ones -де; қыркүйек ends in a voiceless к, so -те.
KK_MONTHS: tuple[tuple[str, str, str], ...] = (
    ("қаңтар", "қаңтарда", "қаңтардағы"),
    ("ақпан", "ақпанда", "ақпандағы"),
    ("наурыз", "наурызда", "наурыздағы"),
    ("сәуір", "сәуірде", "сәуірдегі"),
    ("мамыр", "мамырда", "мамырдағы"),
    ("маусым", "маусымда", "маусымдағы"),
    ("шілде", "шілдеде", "шілдедегі"),
    ("тамыз", "тамызда", "тамыздағы"),
    ("қыркүйек", "қыркүйекте", "қыркүйектегі"),
    ("қазан", "қазанда", "қазандағы"),
    ("қараша", "қарашада", "қарашадағы"),
    ("желтоқсан", "желтоқсанда", "желтоқсандағы"),
)

# Genitive: «25 ноября».
RU_MONTHS: tuple[str, ...] = (
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
)

_KK_FORM = {"plain": 0, "on": 1, "long": 2}


def _check(lang: str, style: str) -> None:
    if lang not in ("kk", "ru"):
        raise ValidationError("Unknown document language {lang}", lang=lang)
    if style not in STYLES:
        raise ValidationError("Unknown date style {style}", style=style)


def format_date(d: date, lang: str, style: str = "long") -> str:
    """`d` in `lang` ("kk" or "ru"), in one of STYLES."""
    _check(lang, style)
    if style == "short":
        return f"{d.day:02d}.{d.month:02d}.{d.year}"
    if lang == "kk":
        if style == "form":
            return f"{d.year} ж. «{d.day}» {KK_MONTHS[d.month - 1][0]}"
        return f"{d.year} жылғы {d.day} {KK_MONTHS[d.month - 1][_KK_FORM[style]]}"
    month = RU_MONTHS[d.month - 1]
    if style == "form":
        return f"«{d.day}» {month} {d.year} г."
    return f"{d.day} {month} {d.year} г."


def blank_form_date(lang: str) -> str:
    """The seed's date blank «20__ж. «__» ________», left for a hand to fill in."""
    _check(lang, "form")
    return "20____ ж. «____» ______________" if lang == "kk" else "«____» ______________ 20____ г."


def format_time(t: time | datetime) -> str:
    return f"{t.hour:02d}:{t.minute:02d}"


def format_datetime(dt: datetime, lang: str, style: str = "plain") -> str:
    """The date as format_date writes it, then the time: «2026 жылғы 25 қараша, 10:30»."""
    return f"{format_date(dt.date(), lang, style)}, {format_time(dt)}"
