"""Every PDF the product makes is a tagged PDF/UA document with a title and a language, so
screen readers can read it (WCAG 2.1 AA applies to documents agencies publish too)."""

import io
from datetime import date

import pytest
from django.utils import timezone
from pypdf import PdfReader

from onemind.lib.pdfs import render_pdf
from pledges.certification.pdf import certificate_pdf
from pledges.models import Certificate
from pledges.program.queries import program_figures
from pledges.report import progress_report, progress_report_pdf
from tests.factories import sign


def assert_accessible_pdf(data: bytes, title: str) -> None:
    reader = PdfReader(io.BytesIO(data))
    catalog = reader.trailer["/Root"]
    assert catalog["/MarkInfo"]["/Marked"].value is True, "not a tagged PDF"
    assert "/StructTreeRoot" in catalog, "no structure tree"
    assert str(catalog["/Lang"]).lower().startswith("en"), "no language"
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"].value is True
    assert title in reader.metadata.title
    xmp = reader.xmp_metadata
    assert xmp is not None and "pdfuaid" in xmp.stream.get_data().decode(), "not PDF/UA"


def test_the_certificate(agency_a, coordinator):
    certificate = Certificate(
        agency=agency_a,
        pledge=sign(agency_a, coordinator),
        number="OM-2027-000123",
        issued_on=date(2027, 3, 1),
        token="t" * 43,
        **Certificate.identity_of(agency_a),
    )
    assert_accessible_pdf(certificate_pdf(certificate), "OM-2027-000123")


def test_the_progress_report(agency_a, coordinator):
    sign(agency_a, coordinator)
    report = progress_report(agency_a)
    assert_accessible_pdf(progress_report_pdf(report), "Millbrook Police Department")


@pytest.mark.django_db
def test_the_program_report():
    pdf = render_pdf(
        "pledges/program_report_pdf.html", {"figures": program_figures(timezone.localdate())}
    )
    assert_accessible_pdf(pdf, "One Mind Campaign program report")
