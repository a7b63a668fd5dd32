"""Search finds what the clerk types: words anywhere in the name, any case, no quotes, no legal
forms, Kazakh letters equal to their Russian look-alikes; a receipt number, IIN or BIN in part."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ozq_desktop.domain import packages
from ozq_desktop.domain.acceptance import accept_package
from ozq_desktop.domain.search_text import fold, query_words
from ozq_desktop.models import Package
from ozq_desktop.storage.engine import make_session_factory, reading, transaction
from ozq_wire.catalog import load_catalog
from tests.domain.helpers import VALID_BIN, VALID_IIN, draft_for
from tests.signing.pki import sign_draft

CATALOG = load_catalog()
AT = datetime(2026, 11, 25, 10, 0)
S3 = ["application", "declaration", "expert_conclusion"]
NAMES = [
    ("legal_entity", VALID_BIN, "«Қазмұнайсервис» ЖШС"),
    ("legal_entity", VALID_BIN, 'ТОО "Алатау Құрылыс"'),
    ("legal_entity", VALID_BIN, "Steppe Energy LLP"),
    ("natural_person", VALID_IIN, "Әбілқасымова Гүлнар Серікқызы"),
    ("legal_entity", VALID_BIN, "АҚ «Өскемен титан-магний комбинаты»"),
]


@pytest.fixture
def stocked(desk):
    receipts = {}
    for n, (kind, idn, name) in enumerate(NAMES):
        draft = draft_for("declaration-registration", kind, idn, S3)
        draft.applicant.name = name
        with transaction(desk["factory"]) as s:
            result = accept_package(
                session=s,
                catalog=CATALOG,
                draft=draft,
                clerk=desk["clerk"],
                at=AT + timedelta(minutes=n),
                signature=sign_draft(draft),
            )
        receipts[name] = result.receipt_no
    return desk, receipts


def found(desk, text: str) -> list[str]:
    with reading(desk["factory"]) as s:
        return [p.applicant_name for p in packages.search(session=s, text=text)]


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("Қазмұнайсервис", "«Қазмұнайсервис» ЖШС"),  # the whole word, without the quotes
        ("сервис", "«Қазмұнайсервис» ЖШС"),  # the middle of a word
        ("казмунай", "«Қазмұнайсервис» ЖШС"),  # Russian look-alikes for қ, ұ
        ("«ҚАЗМҰНАЙСЕРВИС» ТОО", "«Қазмұнайсервис» ЖШС"),  # case, quotes, another legal form
        ("Алатау", 'ТОО "Алатау Құрылыс"'),
        ("курылыс алатау", 'ТОО "Алатау Құрылыс"'),  # words in any order
        ("Energy", "Steppe Energy LLP"),
        ("энерг", None),  # the Latin name is not transliterated
        ("абилкасым", "Әбілқасымова Гүлнар Серікқызы"),
        ("серикк", "Әбілқасымова Гүлнар Серікқызы"),
        ("титан магний", "АҚ «Өскемен титан-магний комбинаты»"),
        ("оскемен", "АҚ «Өскемен титан-магний комбинаты»"),
    ],
)
def test_words_of_the_name(stocked, query, name):
    desk, _ = stocked
    assert found(desk, query) == ([name] if name else [])


def test_a_legal_form_alone_finds_nothing_rather_than_everything(stocked):
    desk, _ = stocked
    assert found(desk, "ЖШС") == [] and found(desk, "ТОО") == []


def test_a_receipt_number_in_part_newest_first(stocked):
    desk, receipts = stocked
    everything = found(desk, "ALA01")
    assert everything == [name for _, _, name in reversed(NAMES)]
    assert found(desk, "ala01-d1") == everything
    number = receipts["Steppe Energy LLP"]
    assert found(desk, number) == ["Steppe Energy LLP"]
    assert found(desk, number[-10:]) == ["Steppe Energy LLP"]  # «D1-0000003»


def test_an_iin_or_bin_in_part(stocked):
    desk, _ = stocked
    assert found(desk, VALID_IIN[:7]) == ["Әбілқасымова Гүлнар Серікқызы"]
    assert len(found(desk, VALID_BIN[3:10])) == 4
    assert found(desk, VALID_IIN) == ["Әбілқасымова Гүлнар Серікқызы"]


def test_short_words_narrow_what_long_ones_found_or_find_names_starting_with_them(stocked):
    desk, _ = stocked
    assert found(desk, "Steppe En") == ["Steppe Energy LLP"]
    assert found(desk, "st") == ["Steppe Energy LLP"]
    assert found(desk, "") == [] and found(desk, "«»") == []


def test_an_index_built_by_the_migration_finds_packages_stored_before_it(tmp_path):
    """Packages written at revision 0006 (no search index) are found after the upgrade."""
    from ozq_desktop.storage import migrations
    from ozq_desktop.storage.engine import make_engine

    path = tmp_path / "old.db"
    engine = make_engine(path)
    migrations.upgrade(engine, "0006")
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "insert into users(id, login, full_name, role, password_hash, phone, is_active,"
            " failed_attempts, created_at) values (1, 'c', 'C', 'clerk', 'x', '', 1, 0,"
            " '2026-11-01 09:00:00')"
        )
        conn.exec_driver_sql(
            "insert into packages(id, receipt_no, service_id, status, place, visit_address,"
            " visit_reason, applicant_type, applicant_idn, applicant_name, applicant_name_fold,"
            " applicant_address, applicant_phone, applicant_email, clerk_id, accepted_at,"
            " accepted_day, service_seconds, annex1, consent, missing_documents, manifest_hash,"
            " decision_version, created_at, updated_at) values ('p1', 'ALA01-D1-0000042',"
            " 'attestation', 'queued', 'counter', '', '', 'legal_entity', '940140000385',"
            " '«Қазмұнайсервис» ЖШС', '«қазмұнайсервис» жшс', '', '', '', 1,"
            " '2026-11-25 10:00:00', '2026-11-25', 0, '{}', 1, '[]', '', 0,"
            " '2026-11-25 10:00:00', '2026-11-25 10:00:00')"
        )
    migrations.backup_and_upgrade(engine, path)
    factory = make_session_factory(engine)
    with reading(factory) as s:
        for query in ("сервис", "0000042", "140000"):
            assert [p.receipt_no for p in packages.search(session=s, text=query)] == [
                "ALA01-D1-0000042"
            ]
        assert s.get(Package, "p1").applicant_name_fold == "казмунаисервис"
    engine.dispose()


@given(st.text(max_size=40))
def test_folding_is_stable_and_a_name_always_finds_itself(name):
    folded = fold(name)
    assert fold(folded) == folded
    assert all(w in folded for w in query_words(name) if "-" not in w)


def test_the_kazakh_letters_fold_to_their_russian_look_alikes():
    assert fold("ҚҰҮІӘӨҒҢҺ құүіәөғңһ") == "кууиаогнх кууиаогнх"
    assert fold("«Ертіс-Газ» ЖШС, Павлодар") == "ертис газ павлодар"
    assert query_words("ALA01-D1-00 Ертіс") == ["ala01-d1-00", "ертис"]
