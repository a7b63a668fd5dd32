"""IIN and BIN (ЖСН/БСН, ИИН/БИН): the 12-digit numbers of persons and legal entities.

The layout and the check digit follow Government Decree No. 406 of 22 May 2007
(docs/domain.md, "IIN and BIN"):

- IIN: YYMMDD birth date, a century/sex digit, a 4-digit serial, the check digit.
- BIN: YYMM of registration, an entity-type digit, a unit digit, a 5-digit serial,
  the check digit.

Digit 5 tells them apart: the tens of a day (0-3) in an IIN, the entity type (4-6) in a BIN.

The check digit does not catch everything: the 11th digit has weight 11 (= 0 mod 11) in the
first pass, so a mistyped 11th digit passes whenever the first pass decides. The wizard
should show `describe()` so the clerk can compare it with the applicant's documents.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from ozq_desktop.errors import ValidationError
from ozq_desktop.i18n import N_, tr

LENGTH = 12
_DIGITS = frozenset("0123456789")
_FIRST_WEIGHTS = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
_SECOND_WEIGHTS = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)


class IdentifierKind(StrEnum):
    IIN = "iin"
    BIN = "bin"


class Sex(StrEnum):
    MALE = "male"
    FEMALE = "female"


class EntityType(StrEnum):
    """BIN digit 5."""

    RESIDENT_LEGAL_ENTITY = "resident_legal_entity"
    NON_RESIDENT_LEGAL_ENTITY = "non_resident_legal_entity"
    JOINT_INDIVIDUAL_ENTREPRENEUR = "joint_individual_entrepreneur"


class UnitType(StrEnum):
    """BIN digit 6."""

    HEAD_OFFICE = "head_office"
    BRANCH = "branch"
    REPRESENTATIVE_OFFICE = "representative_office"
    PEASANT_FARM = "peasant_farm"


_ENTITY_BY_DIGIT = {
    "4": EntityType.RESIDENT_LEGAL_ENTITY,
    "5": EntityType.NON_RESIDENT_LEGAL_ENTITY,
    "6": EntityType.JOINT_INDIVIDUAL_ENTREPRENEUR,
}
_UNIT_BY_DIGIT = {
    "0": UnitType.HEAD_OFFICE,
    "1": UnitType.BRANCH,
    "2": UnitType.REPRESENTATIVE_OFFICE,
    "3": UnitType.PEASANT_FARM,
}
# IIN digit 7: 1/2 = 1800s, 3/4 = 1900s, 5/6 = 2000s; odd = male. 0: nothing encoded.
_CENTURY_BY_DIGIT = {"1": 1800, "2": 1800, "3": 1900, "4": 1900, "5": 2000, "6": 2000}

_KIND_NAMES = {
    IdentifierKind.IIN: N_("IIN"),
    IdentifierKind.BIN: N_("BIN"),
}
_SEX_NAMES = {Sex.MALE: N_("male"), Sex.FEMALE: N_("female")}
_ENTITY_NAMES = {
    EntityType.RESIDENT_LEGAL_ENTITY: N_("legal entity (resident)"),
    EntityType.NON_RESIDENT_LEGAL_ENTITY: N_("legal entity (non-resident)"),
    EntityType.JOINT_INDIVIDUAL_ENTREPRENEUR: N_(
        "individual entrepreneur (joint entrepreneurship)"
    ),
}
_UNIT_NAMES = {
    UnitType.HEAD_OFFICE: N_("head office"),
    UnitType.BRANCH: N_("branch"),
    UnitType.REPRESENTATIVE_OFFICE: N_("representative office"),
    UnitType.PEASANT_FARM: N_("peasant farm"),
}


@dataclass(frozen=True, slots=True)
class Identifier:
    """A valid IIN or BIN and what its digits say."""

    number: str
    kind: IdentifierKind
    # IIN only; None when the century digit is 0 (such IINs exist and are valid).
    birth_date: date | None = None
    sex: Sex | None = None
    # BIN only.
    registration_year: int | None = None
    registration_month: int | None = None
    entity_type: EntityType | None = None
    unit_type: UnitType | None = None

    def __str__(self) -> str:
        return self.number


def _weighted_mod11(first11: str, weights: tuple[int, ...]) -> int:
    return sum(int(digit) * weight for digit, weight in zip(first11, weights, strict=True)) % 11


def check_digit(first11: str) -> int | None:
    """The check digit for the first 11 digits, or None if no number with them is issued.

    Decree No. 406: weights 1..11 mod 11; if that gives 10, weights 3..11,1,2 mod 11;
    if that gives 10 again, the number is never issued (it is NOT mapped to 0).
    """
    if len(first11) != LENGTH - 1 or not _DIGITS.issuperset(first11):
        raise ValueError(f"expected 11 ASCII digits, got {first11!r}")
    result = _weighted_mod11(first11, _FIRST_WEIGHTS)
    if result == 10:
        result = _weighted_mod11(first11, _SECOND_WEIGHTS)
    return None if result == 10 else result


def needs_second_pass(first11: str) -> bool:
    """Whether the check digit comes from the second set of weights."""
    return _weighted_mod11(first11, _FIRST_WEIGHTS) == 10


def validate(number: str) -> Identifier:
    """Check an IIN or BIN typed by a clerk and decode it; surrounding spaces are ignored."""
    text = number.strip()
    _check_format(text)
    if text[4] in "0123":
        identifier = _decode_iin(text)
    elif text[4] in _ENTITY_BY_DIGIT:
        identifier = _decode_bin(text)
    else:
        raise ValidationError(
            "The 5th digit must be 0 to 3 (an IIN) or 4 to 6 (the type of a BIN); it is {digit}",
            digit=text[4],
        )
    _check_check_digit(text)
    return identifier


def _check_format(text: str) -> None:
    if not text:
        raise ValidationError("Enter an IIN or BIN: the field is empty")
    stray = next((char for char in text if char not in _DIGITS), None)
    if stray is not None:
        raise ValidationError(
            "An IIN or BIN contains digits only; «{char}» was entered", char=stray
        )
    if len(text) != LENGTH:
        raise ValidationError("An IIN or BIN has 12 digits; {count} were entered", count=len(text))


def _check_check_digit(text: str) -> None:
    expected = check_digit(text[:11])
    if expected is None:
        raise ValidationError(
            "No such number can exist: its check digit cannot be computed, so it is never issued"
        )
    if int(text[11]) != expected:
        raise ValidationError("The check digit does not match: look for a typo in the number")


def _decode_iin(text: str) -> Identifier:
    century_digit = text[6]
    yy, mm, dd = int(text[0:2]), int(text[2:4]), int(text[4:6])
    if century_digit == "0":
        # No century: the year is unknown, so 29 February is allowed (2000 was a leap year).
        if not _is_real_date(2000, mm, dd):
            raise _impossible_birth_date(text)
        return Identifier(number=text, kind=IdentifierKind.IIN)
    century = _CENTURY_BY_DIGIT.get(century_digit)
    if century is None:
        raise ValidationError(
            "The 7th digit of an IIN (century and sex) must be 0 to 6; it is {digit}",
            digit=century_digit,
        )
    if not _is_real_date(century + yy, mm, dd):
        raise _impossible_birth_date(text)
    return Identifier(
        number=text,
        kind=IdentifierKind.IIN,
        birth_date=date(century + yy, mm, dd),
        sex=Sex.MALE if int(century_digit) % 2 else Sex.FEMALE,
    )


def _impossible_birth_date(text: str) -> ValidationError:
    return ValidationError(
        "An IIN begins with the date of birth (YYMMDD); {value} is not a real date",
        value=text[:6],
    )


def _is_real_date(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _decode_bin(text: str) -> Identifier:
    month = int(text[2:4])
    if not 1 <= month <= 12:
        raise ValidationError(
            "A BIN begins with the year and month of registration (YYMM); month {month} does not exist",
            month=text[2:4],
        )
    unit = _UNIT_BY_DIGIT.get(text[5])
    if unit is None:
        raise ValidationError(
            "The 6th digit of a BIN is the type of unit (0 to 3); it is {digit}", digit=text[5]
        )
    return Identifier(
        number=text,
        kind=IdentifierKind.BIN,
        registration_year=_registration_year(int(text[0:2])),
        registration_month=month,
        entity_type=_ENTITY_BY_DIGIT[text[4]],
        unit_type=unit,
    )


def _registration_year(yy: int) -> int:
    """The full year of a two-digit registration year: the latest one not in the future."""
    year = 2000 + yy
    return year if year <= date.today().year else year - 100


def expect_kind(
    ident: Identifier, kinds: IdentifierKind | str | Iterable[IdentifierKind | str]
) -> Identifier:
    """`ident` if it is one of `kinds`; otherwise a ValidationError naming what was expected."""
    wanted = (
        {IdentifierKind(kinds)} if isinstance(kinds, str) else {IdentifierKind(k) for k in kinds}
    )
    if ident.kind in wanted:
        return ident
    if ident.kind is IdentifierKind.BIN:
        raise ValidationError("An IIN was expected, but a BIN was entered")
    raise ValidationError("A BIN was expected, but an IIN was entered")


def kind_name(kind: IdentifierKind | str, lang: str | None = None) -> str:
    """«ЖСН»/«ИИН» or «БСН»/«БИН» in the clerk's language."""
    return tr(_KIND_NAMES[IdentifierKind(kind)], lang)


def describe(ident: Identifier, lang: str | None = None) -> str:
    """A short hint of what the digits say, shown beside the number as the clerk types."""
    if ident.kind is IdentifierKind.BIN:
        return tr(
            "{entity}, {unit}, registered {period}",
            lang,
            entity=tr(_ENTITY_NAMES[ident.entity_type], lang),
            unit=tr(_UNIT_NAMES[ident.unit_type], lang),
            period=f"{ident.registration_month:02d}.{ident.registration_year}",
        )
    if ident.birth_date is None or ident.sex is None:
        return tr("natural person, the date of birth is not encoded in the IIN", lang)
    return tr(
        "{sex}, born {date}",
        lang,
        sex=tr(_SEX_NAMES[ident.sex], lang),
        date=ident.birth_date.strftime("%d.%m.%Y"),
    )
