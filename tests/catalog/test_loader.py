"""Loading catalog files: a fourth service from data alone, and every bad file a CatalogError."""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ozq_desktop.errors import message_of
from ozq_wire.catalog import ApplicantType, TermUnit, load_catalog, load_service_file
from ozq_wire.catalog.loader import SHIPPED
from ozq_wire.catalog.schema import Service
from ozq_wire.errors import CatalogError

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "catalog"
FOURTH = FIXTURES / "service_4_fixture.json"
MALFORMED = FIXTURES / "malformed"


def test_a_fourth_service_needs_only_a_new_data_file(tmp_path):
    for shipped in SHIPPED.glob("*.json"):
        shutil.copy(shipped, tmp_path)
    shutil.copy(FOURTH, tmp_path)

    catalog = load_catalog(tmp_path)

    assert [s.number for s in catalog] == [1, 2, 3, 4]
    fourth = catalog.get("fixture-four")
    assert fourth.name.get("ru") == "Тестовая услуга для проверки каталога"
    assert (fourth.term.count, fourth.term.unit) == (10, TermUnit.CALENDAR_DAYS)
    assert [d.code for d in fourth.documents_for(ApplicantType.LEGAL_ENTITY)] == [
        "application",
        "charter_copy",
    ]
    assert [d.code for d in fourth.documents_for("natural_person")] == ["application"]
    assert fourth.documents_for(ApplicantType.NON_RESIDENT_LEGAL_ENTITY) == []
    assert fourth.document("charter_copy").electronic_copy
    # the three shipped services load unchanged beside it
    assert [s.id for s in catalog][:3] == [s.id for s in load_catalog()]


def test_two_files_declaring_one_service_are_refused(tmp_path):
    shutil.copy(FOURTH, tmp_path / "a.json")
    shutil.copy(FOURTH, tmp_path / "b.json")
    with pytest.raises(CatalogError) as caught:
        load_catalog(tmp_path)
    for lang in ("kk", "ru"):
        assert "fixture-four" in message_of(caught.value, lang)


MALFORMED_CASES = [
    ("missing_field.json", "term"),
    ("wrong_enum.json", "term.unit"),
    ("unknown_applicant_type.json", "documents.1.applicant_types.0"),
    ("extra_field.json", "annex1.footer"),
]


@pytest.mark.parametrize(("name", "field"), MALFORMED_CASES)
def test_a_malformed_file_names_the_file_and_the_field(name, field):
    with pytest.raises(CatalogError) as caught:
        load_service_file(MALFORMED / name)
    assert caught.value.params["field"] == field
    for lang in ("kk", "ru"):
        message = message_of(caught.value, lang)
        assert name in message and field in message, message


def test_a_file_that_is_not_json_names_the_file_and_the_line():
    with pytest.raises(CatalogError) as caught:
        load_service_file(MALFORMED / "bad_json.json")
    line = caught.value.params["line"]
    assert line == len((MALFORMED / "bad_json.json").read_text(encoding="utf-8").splitlines()) + 1
    for lang in ("kk", "ru"):
        message = message_of(caught.value, lang)
        assert "bad_json.json" in message and str(line) in message


def test_a_missing_file_is_a_catalog_error(tmp_path):
    with pytest.raises(CatalogError) as caught:
        load_service_file(tmp_path / "service_9.json")
    assert "service_9.json" in message_of(caught.value, "kk")


# Rules checked across fields (schema.Service._consistent) name the field that breaks them.
CROSS_FIELD_CASES = [
    ("duplicate_document_code.json", "documents"),
    ("applicant_type_not_admitted.json", "documents.1.applicant_types"),
]


@pytest.mark.parametrize(("name", "field"), CROSS_FIELD_CASES)
def test_a_cross_field_error_is_a_catalog_error_naming_the_file(name, field):
    with pytest.raises(CatalogError) as caught:
        load_service_file(MALFORMED / name)
    for lang in ("kk", "ru"):
        assert name in message_of(caught.value, lang)


@pytest.mark.parametrize(("name", "field"), CROSS_FIELD_CASES)
def test_a_cross_field_error_names_the_field(name, field):
    with pytest.raises(CatalogError) as caught:
        load_service_file(MALFORMED / name)
    for lang in ("kk", "ru"):
        assert field in message_of(caught.value, lang)


def test_deeply_nested_json_is_a_catalog_error(tmp_path):
    path = tmp_path / "deep.json"
    path.write_text('{"id": ' + "[" * 5000 + "]" * 5000 + "}", encoding="utf-8")
    with pytest.raises(CatalogError):
        load_service_file(path)


# --- property: nothing but CatalogError, whatever the JSON --------------------------------------

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=12)
    | st.sampled_from([e.value for e in ApplicantType] + [u.value for u in TermUnit])
)
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=24,
)
service_keys = st.sampled_from(sorted(Service.model_fields)) | st.text(max_size=8)
json_objects = st.dictionaries(service_keys, json_values, max_size=len(Service.model_fields) + 2)


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _paths(item, (*prefix, i))


FOURTH_DATA = json.loads(FOURTH.read_text(encoding="utf-8"))
FOURTH_PATHS = [p for p in _paths(FOURTH_DATA) if p]


@st.composite
def damaged_services(draw):
    """The fixture service with one value replaced by arbitrary JSON, or removed."""
    data = copy.deepcopy(FOURTH_DATA)
    path = draw(st.sampled_from(FOURTH_PATHS))
    parent = data
    for part in path[:-1]:
        parent = parent[part]
    if draw(st.booleans()):
        parent[path[-1]] = draw(json_values)
    else:
        del parent[path[-1]]
    return data


def _load(tmp_path: Path, data: object) -> None:
    path = tmp_path / "arbitrary.json"
    path.write_text(json.dumps(data), encoding="utf-8")  # ASCII escapes: any string survives
    try:
        result = load_service_file(path)
    except CatalogError as error:
        for lang in ("kk", "ru"):
            assert "arbitrary.json" in message_of(error, lang)
    else:
        assert isinstance(result, Service)


_PROPERTY = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@_PROPERTY
@given(data=json_objects | json_values)
def test_arbitrary_json_gives_a_service_or_a_catalog_error(tmp_path, data):
    _load(tmp_path, data)


@_PROPERTY
@given(data=damaged_services())
def test_a_damaged_service_gives_a_service_or_a_catalog_error(tmp_path, data):
    _load(tmp_path, data)
