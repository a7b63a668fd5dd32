"""IIN/BIN: the examples of docs/domain.md ("IIN and BIN"), every failure kind, properties."""

from __future__ import annotations

import contextlib
from datetime import date

import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from ozq_desktop import i18n
from ozq_desktop.domain.identifiers import (
    EntityType,
    Identifier,
    IdentifierKind,
    Sex,
    UnitType,
    check_digit,
    describe,
    expect_kind,
    kind_name,
    needs_second_pass,
    validate,
)
from ozq_desktop.errors import ValidationError

# --- the vectors ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "second_pass"),
    [("900101300017", False), ("900101300811", True)],
)
def test_valid_iin_vectors(number, second_pass):
    ident = validate(number)
    assert ident.kind == "iin"
    assert ident.birth_date == date(1990, 1, 1)
    assert ident.sex == "male"  # century digit 3: the 1900s, odd
    assert needs_second_pass(number[:11]) is second_pass


@pytest.mark.parametrize(
    ("number", "second_pass", "year", "month"),
    [("940140000385", False, 1994, 1), ("150340000015", True, 2015, 3)],
)
def test_valid_bin_vectors(number, second_pass, year, month):
    ident = validate(number)
    assert ident.kind == "bin"
    assert (ident.registration_year, ident.registration_month) == (year, month)
    assert ident.entity_type == EntityType.RESIDENT_LEGAL_ENTITY
    assert ident.unit_type == UnitType.HEAD_OFFICE
    assert ident.birth_date is None and ident.sex is None
    assert needs_second_pass(number[:11]) is second_pass


def test_wrong_check_digit_vector():
    with pytest.raises(ValidationError) as caught:
        validate("900101300012")
    assert caught.value.msgid.startswith("The check digit does not match")


def test_ten_is_never_mapped_to_zero():
    # The first pass gives 10 and the second gives 1: a naive "10 -> 0" rule accepts ...810.
    assert needs_second_pass("90010130081")
    assert check_digit("90010130081") == 1
    with pytest.raises(ValidationError, match="check digit does not match"):
        validate("900101300810")


def test_invalid_month_bin_vector():
    with pytest.raises(ValidationError) as caught:
        validate("949940000385")
    assert caught.value.params == {"month": "99"}


def test_check_digit_none_when_second_pass_also_gives_ten():
    # Weights 1..11 on 90010130080 give 10, weights 3..11,1,2 give 10 again.
    assert check_digit("90010130080") is None
    for last in "0123456789":
        with pytest.raises(ValidationError, match="never issued"):
            validate("90010130080" + last)


def test_check_digit_rejects_anything_but_eleven_digits():
    for bad in ("9001013008", "900101300800", "9001013008a", "９００１０１３００８０"):
        with pytest.raises(ValueError):
            check_digit(bad)


# --- each failure kind: its own message, rendered in both languages -------------------

FAILURES = {
    "empty": ("   ", {}),
    "length": ("90010130001", {"count": 11}),
    "non_digit": ("9001013000-7", {"char": "-"}),
    "impossible_check": ("900101300800", {}),
    "check_digit": ("900101300012", {}),
    "birth_date": ("901301300017", {"value": "901301"}),
    "century": ("900101700017", {"digit": "7"}),
    "bin_month": ("941340000385", {"month": "13"}),
    "bin_type": ("940170000385", {"digit": "7"}),
    "bin_unit": ("940149000385", {"digit": "9"}),
}


def _failure(number: str) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        validate(number)
    return caught.value


@pytest.mark.parametrize("kind", sorted(FAILURES))
def test_failure_kind_has_its_params_and_renders_in_both_languages(kind):
    number, params = FAILURES[kind]
    error = _failure(number)
    assert error.params == params
    kk, ru = error.message("kk"), error.message("ru")
    assert kk != ru
    for text in (kk, ru):
        assert text != error.msgid  # a translation was found
        for value in params.values():
            assert str(value) in text


def test_every_failure_kind_has_a_distinct_message():
    msgids = {kind: _failure(number).msgid for kind, (number, _) in FAILURES.items()}
    assert len(set(msgids.values())) == len(FAILURES), msgids


def test_birth_date_checks_the_real_calendar():
    # 29 Feb 1900 did not exist (century digit 3 = 1900s); 29 Feb 2000 did (digit 5 = 2000s).
    assert validate(_complete("0002295" + "0001")).birth_date == date(2000, 2, 29)
    with pytest.raises(ValidationError, match="not a real date"):
        validate(_complete("0002293" + "0001"))
    with pytest.raises(ValidationError, match="not a real date"):
        validate(_complete("9004313" + "0001"))  # 31 April


def test_century_digit_zero_is_accepted_without_a_birth_date():
    ident = validate(_complete("9001010" + "0001"))
    assert ident.kind == IdentifierKind.IIN
    assert ident.birth_date is None and ident.sex is None
    # The year is unknown, so 29 February may be real; 30 February never is.
    assert validate(_complete("0102290" + "0001")).birth_date is None
    with pytest.raises(ValidationError, match="not a real date"):
        validate(_complete("0102300" + "0001"))


@pytest.mark.parametrize(
    ("century_digit", "year", "sex"),
    [("1", 1890, Sex.MALE), ("2", 1890, Sex.FEMALE), ("3", 1990, Sex.MALE), ("4", 1990, Sex.FEMALE),
     ("5", 2090, Sex.MALE), ("6", 2090, Sex.FEMALE)],
)  # fmt: skip
def test_century_and_sex_digit(century_digit, year, sex):
    ident = validate(_complete("900101" + century_digit + "0001"))
    assert ident.birth_date == date(year, 1, 1)
    assert ident.sex == sex


@pytest.mark.parametrize(
    ("digits", "entity", "unit"),
    [("40", EntityType.RESIDENT_LEGAL_ENTITY, UnitType.HEAD_OFFICE),
     ("51", EntityType.NON_RESIDENT_LEGAL_ENTITY, UnitType.BRANCH),
     ("42", EntityType.RESIDENT_LEGAL_ENTITY, UnitType.REPRESENTATIVE_OFFICE),
     ("63", EntityType.JOINT_INDIVIDUAL_ENTREPRENEUR, UnitType.PEASANT_FARM)],
)  # fmt: skip
def test_bin_type_and_unit_digits(digits, entity, unit):
    ident = validate(_complete("1203" + digits + "00001"))
    assert (ident.entity_type, ident.unit_type) == (entity, unit)


def test_surrounding_spaces_are_stripped_and_nothing_else_is_accepted():
    assert validate("  900101300017\t\n").number == "900101300017"
    for messy in ("900101 300017", "9001-0130-0017", "９００１０１３０００１７", "900101300017."):
        with pytest.raises(ValidationError, match="digits only"):
            validate(messy)


# --- describe and expect_kind -----------------------------------------------------------


def test_describe_a_bin_in_both_languages():
    ident = validate("150340000015")
    assert describe(ident, "ru") == (
        "юридическое лицо (резидент), головное подразделение, зарегистрировано 03.2015"
    )
    assert describe(ident, "kk") == "заңды тұлға (резидент), бас бөлімше, 03.2015 тіркелген"


def test_describe_an_iin_in_both_languages():
    ident = validate("900101300017")
    assert describe(ident, "ru") == "мужчина, дата рождения 01.01.1990"
    assert describe(ident, "kk") == "ер адам, туған күні 01.01.1990"
    woman = validate(_complete("8512314" + "0001"))
    assert describe(woman, "ru") == "женщина, дата рождения 31.12.1985"


def test_describe_follows_the_current_language():
    ident = validate("900101300017")
    i18n.set_language("ru")
    assert describe(ident).startswith("мужчина")
    i18n.set_language("kk")
    assert describe(ident).startswith("ер адам")


def test_describe_an_iin_without_a_birth_date():
    ident = validate(_complete("9001010" + "0001"))
    assert "ИИН" in describe(ident, "ru") and "ЖСН" in describe(ident, "kk")


def test_expect_kind():
    iin, bin_ = validate("900101300017"), validate("940140000385")
    assert expect_kind(bin_, IdentifierKind.BIN) is bin_
    assert expect_kind(iin, "iin") is iin
    assert expect_kind(iin, {"iin", "bin"}) is iin
    with pytest.raises(ValidationError) as caught:
        expect_kind(iin, IdentifierKind.BIN)
    assert caught.value.message("ru") == "Ожидался БИН, а введён ИИН"
    with pytest.raises(ValidationError) as caught:
        expect_kind(bin_, [IdentifierKind.IIN])
    assert caught.value.message("kk") == "ЖСН күтілген еді, бірақ БСН енгізілді"


def test_kind_name():
    assert (kind_name("iin", "kk"), kind_name("iin", "ru")) == ("ЖСН", "ИИН")
    assert (kind_name(IdentifierKind.BIN, "kk"), kind_name("bin", "ru")) == ("БСН", "БИН")


def test_identifier_is_frozen():
    ident = validate("900101300017")
    with pytest.raises(AttributeError):
        ident.number = "940140000385"  # type: ignore[misc]
    assert str(ident) == "900101300017"
    assert ident == Identifier(
        number="900101300017", kind=IdentifierKind.IIN, birth_date=date(1990, 1, 1), sex=Sex.MALE
    )


# --- properties ---------------------------------------------------------------------------

prefixes = st.text(alphabet="0123456789", min_size=11, max_size=11)


def _complete(first11: str) -> str:
    """`first11` with its check digit."""
    digit = check_digit(first11)
    assert digit is not None, f"pick another example: {first11} has no valid completion"
    return first11 + str(digit)


def _passes_check(number: str) -> bool:
    return check_digit(number[:11]) == int(number[11])


@given(prefixes)
def test_each_prefix_has_at_most_one_valid_completion(first11):
    completions = [d for d in "0123456789" if _passes_check(first11 + d)]
    assert len(completions) <= 1
    assert completions == ([] if check_digit(first11) is None else [str(check_digit(first11))])


@given(st.text())
@example("")
@example(" \u00a0")
@example("٩٠٠١٠١٣٠٠٠١٧")  # Arabic-Indic digits are digits to str.isdigit, not to us
def test_validate_raises_only_validation_error(text):
    with contextlib.suppress(ValidationError):
        validate(text)


@given(st.text(alphabet="0123456789", min_size=12, max_size=12))
def test_validate_raises_only_validation_error_on_twelve_digits(number):
    try:
        ident = validate(number)
    except ValidationError:
        return
    assert _passes_check(number) and ident.number == number


@st.composite
def valid_numbers(draw):
    first11 = draw(prefixes)
    digit = check_digit(first11)
    assume(digit is not None)
    return first11 + str(digit)


@given(valid_numbers(), st.integers(0, 11), st.integers(1, 9))
@example("900101300017", 10, 9)  # 11th digit 1 -> 0: 900101300007 still passes
def test_a_single_changed_digit(number, position, shift):
    """What the mod-11 scheme can and cannot catch, exactly.

    A change of digit i by d moves the first-pass sum by w1[i]*d and the second-pass sum by
    w2[i]*d (mod 11). Every weight is non-zero mod 11 except w1[11] = 11 and w2[9] = 11. So:
    - the check digit itself (12th) changed: always caught;
    - the 11th digit changed: never caught when the first pass decides (its weight is 11),
      always caught when the second pass decides;
    - digits 1-10: caught whenever both numbers are decided by the same pass; a change that
      slips through must switch between the first and the second pass.
    """
    digits = list(number)
    digits[position] = str((int(digits[position]) + shift) % 10)
    changed = "".join(digits)
    passes = _passes_check(changed)
    if position == 11:
        assert not passes
    elif position == 10:
        assert passes is not needs_second_pass(number[:11])
    elif needs_second_pass(number[:11]) == needs_second_pass(changed[:11]):
        assert not passes
    # Otherwise the pass switched and the scheme promises nothing (see the test below).


def test_a_changed_digit_can_slip_through_when_the_pass_switches():
    # 900101300811 is decided by the second pass; its 10th digit 8 -> 6 gives a number decided
    # by the first pass whose check digit is again 1. The scheme cannot catch this.
    assert needs_second_pass("90010130081") and not needs_second_pass("90010130061")
    assert validate("900101300611").kind == "iin"


@st.composite
def valid_iins(draw):
    born = draw(st.dates(min_value=date(1800, 1, 1), max_value=date(2099, 12, 31)))
    sex = draw(st.sampled_from(Sex))
    century_digit = (born.year // 100 - 18) * 2 + (1 if sex is Sex.MALE else 2)
    serial = draw(st.integers(0, 9999))
    first11 = f"{born:%y%m%d}{century_digit}{serial:04d}"
    digit = check_digit(first11)
    assume(digit is not None)
    return first11 + str(digit), born, sex


@given(valid_iins())
def test_iin_decoding_round_trips(generated):
    number, born, sex = generated
    ident = validate(number)
    assert (ident.kind, ident.birth_date, ident.sex) == (IdentifierKind.IIN, born, sex)
    assert ident.entity_type is None and ident.registration_year is None


@st.composite
def valid_bins(draw):
    year = draw(st.integers(date.today().year - 99, date.today().year))
    month = draw(st.integers(1, 12))
    entity = draw(st.sampled_from(sorted(EntityType)))
    unit = draw(st.sampled_from(sorted(UnitType)))
    entity_digit = {
        EntityType.RESIDENT_LEGAL_ENTITY: 4,
        EntityType.NON_RESIDENT_LEGAL_ENTITY: 5,
        EntityType.JOINT_INDIVIDUAL_ENTREPRENEUR: 6,
    }[entity]
    unit_digit = list(UnitType).index(unit)
    serial = draw(st.integers(0, 99999))
    first11 = f"{year % 100:02d}{month:02d}{entity_digit}{unit_digit}{serial:05d}"
    digit = check_digit(first11)
    assume(digit is not None)
    return first11 + str(digit), year, month, entity, unit


@given(valid_bins())
def test_bin_decoding_round_trips(generated):
    number, year, month, entity, unit = generated
    ident = validate(number)
    assert ident.kind == IdentifierKind.BIN
    assert (ident.registration_year, ident.registration_month) == (year, month)
    assert (ident.entity_type, ident.unit_type) == (entity, unit)
    assert ident.birth_date is None and ident.sex is None
    assert describe(ident, "kk") != describe(ident, "ru")
