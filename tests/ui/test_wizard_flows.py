"""The clerk's main paths through the real main window, each ending in the database."""

from __future__ import annotations

import io
from datetime import date, timedelta

from pypdf import PdfReader
from PySide6.QtCore import Qt

from ozq_desktop.domain import packages
from ozq_desktop.domain.checklist import Outcome
from ozq_desktop.domain.identifiers import check_digit
from ozq_desktop.storage.engine import reading
from ozq_desktop.ui.actions import ActionId
from ozq_wire.catalog import load_catalog
from tests.ui.conftest import VALID_BIN, VALID_IIN, idle, make_pdf, press
from tests.ui.driver import WizardDriver

CATALOG = load_catalog()
DECLARATION_DOCUMENTS = ("application", "declaration", "expert_conclusion")


def pdf_text(pdf: bytes) -> str:
    pages = PdfReader(io.BytesIO(pdf)).pages
    return " ".join(" ".join((page.extract_text() or "").split()) for page in pages)


def test_service_1_complete_package_gets_a_receipt(qtbot, desk_app, main_window, tmp_path):
    drive = WizardDriver(qtbot, desk_app)
    drive.start("attestation")
    drive.place()
    drive.applicant(VALID_BIN, "«Қазмұнай» ЖШС")
    drive.documents(
        {
            "application": [make_pdf(tmp_path / "application.pdf", 1, "application")],
            "expert_conclusion": [make_pdf(tmp_path / "conclusion.pdf", 3, "conclusion")],
            "specialists_and_base": [make_pdf(tmp_path / "staff.pdf", 2, "staff")],
        }
    )
    drive.annex1({"industry_sector": "мұнай-газ", "activity_kind": "сараптама"})
    drive.consent()
    drive.confirm()

    result = drive.wizard.result
    assert result is not None and result.outcome is Outcome.ACCEPT
    assert result.receipt_no == "ALA01-D1-0000001"
    assert result.receipt_no in drive.wizard.done_page.receipt_label.text()
    with reading(desk_app.desk.factory) as s:
        stored = packages.by_receipt(session=s, receipt_no=result.receipt_no)
        assert stored.status == "queued"
        assert stored.applicant_idn == VALID_BIN
        # the three scans and the Annex 1 application rendered at acceptance (seed §9)
        assert len(stored.files) == 4
        assert "application.1.annex1-application-kk.pdf" in {f.name for f in stored.files}
        assert stored.annex1["industry_sector"] == "мұнай-газ"
        assert stored.result_date is not None and stored.result_date > date.today()

    qtbot.mouseClick(drive.wizard.done_page.next_button, Qt.MouseButton.LeftButton)
    idle(qtbot, desk_app)
    home = drive.main.home
    assert drive.main.wizard is None
    assert drive.main.status.outbox_label.text() == "Жіберу кезегінде: 1"
    assert [home.model.row_at(i).receipt_no for i in range(home.model.rowCount())] == [
        result.receipt_no
    ]


def non_resident_bin() -> str:
    """A valid BIN of a non-resident legal entity (type digit 5), head office, 03.2015."""
    for serial in range(10000, 10100):
        digit = check_digit(f"150350{serial}")
        if digit is not None:
            return f"150350{serial}{digit}"
    raise AssertionError("no valid BIN found")


def test_service_2_refers_a_non_resident_to_the_committee(qtbot, desk_app, main_window):
    """Service 2, §9: a non-resident legal entity applies to the authorised body itself; the
    clerk is told so, and cannot go on."""
    drive = WizardDriver(qtbot, desk_app)
    drive.start("technology-permit")
    drive.place()
    page = drive.page("page_applicant")
    page.idn.setText(non_resident_bin())
    # The BIN's type digit says non-resident: the applicant type follows it.
    assert page.type_combo.currentData() == "non_resident_legal_entity"
    assert "бейрезидент" in page.idn.hint.text()
    page.name_edit.setText("Siemens Energy GmbH")
    page.address_edit.setText("Erlangen, Freyeslebenstraße 1")
    assert not drive.wizard.next_button.isEnabled()
    assert "комитеттің өзіне" in drive.wizard.problem.text()
    # A resident legal entity with a BIN of its own goes on.
    page.type_combo.setCurrentIndex(page.type_combo.findData("legal_entity"))
    page.idn.setText(VALID_BIN)
    assert drive.wizard.next_button.isEnabled(), drive.wizard.problem.text()


def test_service_2_legal_entity_complete(qtbot, desk_app, main_window, tmp_path):
    drive = WizardDriver(qtbot, desk_app)
    drive.start("technology-permit")
    drive.place()
    drive.applicant(VALID_BIN, "«Siemens Energy Kazakhstan» ЖШС", kind="legal_entity")
    drive.documents(
        {
            "application": [make_pdf(tmp_path / "application.pdf", 1)],
            "expert_conclusion": [make_pdf(tmp_path / "conclusion.pdf", 5)],
        },
        expertise_date=date.today() - timedelta(days=30),
    )
    drive.annex1({"items": "газ турбинасы SGT-800", "description": "электр энергиясын өндіру"})
    drive.consent()
    drive.confirm()

    result = drive.wizard.result
    assert result.outcome is Outcome.ACCEPT
    with reading(desk_app.desk.factory) as s:
        stored = packages.by_receipt(session=s, receipt_no=result.receipt_no)
        assert stored.applicant_type == "legal_entity"
        conclusion = next(d for d in stored.documents if d.code == "expert_conclusion")
        assert conclusion.pages == 5 and conclusion.bound_pages == 42
        assert conclusion.signed_by_head and conclusion.sealed and conclusion.bound


def test_service_3_without_the_declaration_is_refused_listing_it(
    qtbot, desk_app, main_window, tmp_path
):
    drive = WizardDriver(qtbot, desk_app)
    drive.start("declaration-registration")
    drive.place()
    drive.applicant(VALID_IIN, "Серікбаев Ахмет Нұрланұлы", kind="natural_person")
    drive.documents(
        {
            "application": [make_pdf(tmp_path / "application.pdf", 1)],
            "expert_conclusion": [make_pdf(tmp_path / "conclusion.pdf", 2)],
        },
        expertise_date=date.today() - timedelta(days=3),
    )
    drive.annex1({})
    drive.consent(given=False)  # a refusal does not need the consent

    declaration = CATALOG.get("declaration-registration").document("declaration").name
    review = drive.page("page_review")
    assert declaration.kk in review.banner.text()
    assert drive.wizard.next_button.text() == "Бас тарту: 2-қосымшадағы қолхатты беру"
    drive.confirm()

    result = drive.wizard.result
    assert result.outcome is Outcome.REFUSE
    assert [d.code for d in result.missing] == ["declaration"]
    done = drive.wizard.done_page
    assert done.print_refusal.isVisible() and not done.print_receipt.isVisible()
    with reading(desk_app.desk.factory) as s:
        stored = packages.by_receipt(session=s, receipt_no=result.receipt_no)
        assert stored.status == "refused_at_counter"
        assert stored.missing_documents == ["declaration"]

    qtbot.mouseClick(done.print_refusal, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: drive.wizard.preview is not None, timeout=5000)
    preview = drive.wizard.preview
    qtbot.waitUntil(lambda: preview.pdf_bytes.startswith(b"%PDF-"), timeout=20000)
    text = pdf_text(preview.pdf_bytes)
    assert result.receipt_no in text
    assert " ".join(declaration.kk.split()[:4]) in text
    preview.close()


def test_home_visit_acceptance(qtbot, desk_app, main_window, tmp_path):
    drive = WizardDriver(qtbot, desk_app)
    drive.start("declaration-registration")
    page = drive.page("page_place")
    qtbot.mouseClick(page.home_radio, Qt.MouseButton.LeftButton)
    assert not drive.wizard.next_button.isEnabled()  # the address is required now
    assert "мекенжай" in drive.wizard.problem.text()
    drive.place(
        home=True,
        address="Қарағанды қ., Бұқар жырау к., 5, 12-пәтер",
        reason="денсаулық жағдайына байланысты келе алмайды",
    )
    drive.applicant(VALID_BIN, "«Шахтер» ЖШС", kind="legal_entity")
    drive.documents(
        {code: [make_pdf(tmp_path / f"{code}.pdf", 1)] for code in DECLARATION_DOCUMENTS},
        expertise_date=date.today() - timedelta(days=10),
    )
    drive.annex1({"head_position": "директор"})
    drive.consent()
    drive.confirm()

    result = drive.wizard.result
    assert result.outcome is Outcome.ACCEPT
    with reading(desk_app.desk.factory) as s:
        stored = packages.by_receipt(session=s, receipt_no=result.receipt_no)
        assert stored.place == "home_visit"
        assert stored.visit_address == "Қарағанды қ., Бұқар жырау к., 5, 12-пәтер"
        assert stored.visit_reason.startswith("денсаулық")


def test_the_search_box_finds_by_receipt_number_iin_bin_and_name(
    qtbot, desk_app, main_window, tmp_path
):
    drive = WizardDriver(qtbot, desk_app)
    drive.start("attestation")
    drive.place()
    drive.applicant(VALID_BIN, "«Қазмұнай» ЖШС")
    drive.documents({"application": [make_pdf(tmp_path / "a.pdf", 1)]})  # incomplete
    drive.annex1({"industry_sector": "мұнай-газ", "activity_kind": "сараптама"})
    drive.consent()
    drive.confirm()
    receipt_no = drive.wizard.result.receipt_no
    qtbot.mouseClick(drive.wizard.done_page.next_button, Qt.MouseButton.LeftButton)
    idle(qtbot, desk_app)
    home = main_window.home
    assert main_window.status.outbox_label.text() == "Жіберу кезегінде: 0"  # a refusal is not sent

    main_window.actions[ActionId.FIND].trigger()
    assert home.search_box.hasFocus()
    for query in (receipt_no, VALID_BIN, "«қазмұн"):
        home.search_box.setText(query)
        press(home.search_box, Qt.Key.Key_Return)
        idle(qtbot, desk_app)
        assert home.model.rowCount() == 1, query
        assert home.model.row_at(0).receipt_no == receipt_no
        assert query in home._list_title.text()
    home.search_box.setText("Жоқ компания")
    press(home.search_box, Qt.Key.Key_Return)
    idle(qtbot, desk_app)
    assert home.model.rowCount() == 0 and home._empty.text() == "Ештеңе табылмады."
    home.search_box.setText("")
    press(home.search_box, Qt.Key.Key_Return)
    idle(qtbot, desk_app)
    assert home._list_title.text() == "Менің бүгінгі топтамаларым" and home.model.rowCount() == 1
