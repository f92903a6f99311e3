"""The certificate PDF, read back as text: one landscape page naming the agency as certified,
its chief, the date, the number and where to verify it; signed and issued by whom the
deployment configures, and by no one it does not (never IACP by default)."""

import io
import os
import subprocess
import sys
from datetime import UTC, datetime

import pytest
import time_machine
from django.conf import settings as django_settings
from django.urls import reverse
from pypdf import PdfReader

from pledges.certification.pdf import Signatory, certificate_pdf, signatories
from tests.factories import certificate_of

IACP = "International Association of Chiefs of Police"


@pytest.fixture
def certificate(agency_a):
    with time_machine.travel(datetime(2027, 3, 1, 15, tzinfo=UTC), tick=False):
        return certificate_of(agency_a)


def read(pdf: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(pdf))
    return reader, " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def test_one_landscape_page_with_the_agency_its_chief_the_date_and_the_number(certificate):
    reader, text = read(certificate_pdf(certificate))

    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (float(box.width), float(box.height)) == (792, 612)  # letter, landscape
    assert "Millbrook Police Department" in text
    assert certificate.agency_place in text
    assert "led by Ana Rivera, Chief of Police" in text
    assert "Mar 1, 2027" in text and "Date issued" in text
    assert certificate.number in text
    verify = reverse("certificate_verify_token", kwargs={"token": certificate.token})
    assert django_settings.SITE_URL + verify in text.replace(" ", "")  # the URL wraps
    assert "20% of sworn officers" in text  # the pledge's rules


def test_by_default_it_claims_no_issuer_and_no_signature(certificate, settings):
    assert settings.CERTIFICATE_SIGNATORIES == [] and settings.CERTIFICATE_ISSUER == ""

    _, text = read(certificate_pdf(certificate))

    assert "One Mind Campaign pledge" in text
    assert "IACP" not in text and IACP not in text
    assert "Issued by" not in text


def test_the_signatories_and_issuer_the_deployment_configures(certificate, settings):
    settings.PROGRAM_NAME = "IACP One Mind Campaign"
    settings.CERTIFICATE_ISSUER = f"the {IACP}"
    settings.CERTIFICATE_SIGNATORIES = ["Jane Doe, Director, One Mind Campaign", "John Roe"]

    _, text = read(certificate_pdf(certificate))

    assert "IACP One Mind Campaign" in text
    assert f"Issued by the {IACP}" in text
    assert "Jane Doe Director, One Mind Campaign" in text
    assert "John Roe" in text


def test_the_longest_names_and_three_signatories_still_fit_one_page(certificate, settings):
    settings.CERTIFICATE_SIGNATORIES = [f"Signatory {n}, Title {n}" for n in range(3)]
    certificate.agency_name = ("Consolidated Metropolitan Police Department " * 5)[:200]
    certificate.pledge.chief_name = ("Anastasia Rivera-Hernández " * 8)[:200]
    certificate.pledge.chief_title = ("Chief of Police and Director of Public Safety " * 5)[:200]

    reader, text = read(certificate_pdf(certificate))

    assert len(reader.pages) == 1
    assert "Signatory 2" in text and certificate.number in text


def test_signatories_are_read_as_name_then_title(settings):
    settings.CERTIFICATE_SIGNATORIES = ["Jane Doe, Director, One Mind Campaign", "John Roe"]

    assert signatories() == [
        Signatory("Jane Doe", "Director, One Mind Campaign"),
        Signatory("John Roe", ""),
    ]


def test_the_environment_lists_signatories_separated_by_semicolons():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "onemind.settings",
        "CERTIFICATE_SIGNATORIES": " Jane Doe, Director; ;John Roe, President ",
    }
    code = "from django.conf import settings; print(repr(settings.CERTIFICATE_SIGNATORIES))"
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )

    assert result.stdout.strip() == "['Jane Doe, Director', 'John Roe, President']"
