"""The program at a glance for staff, and its PDF report."""

import io
from datetime import timedelta

from django.urls import reverse
from pypdf import PdfReader

from pledges import progress
from pledges.models import Pledge, ProgressSnapshot
from tests.conftest import login
from tests.factories import TrainingRecordFactory, sign


def test_counts_people_due_soon_and_at_risk(client, reviewer, agency_a, agency_b, coordinator):
    pledge = sign(agency_a, coordinator)
    Pledge.all_agencies.filter(pk=pledge.pk).update(
        target_date=agency_a.today() + timedelta(days=30)
    )
    TrainingRecordFactory(person__agency=agency_a)
    progress.recompute([agency_a.pk, agency_b.pk])
    ProgressSnapshot.all_agencies.filter(agency=agency_a).update(at_risk=True)
    login(client, reviewer, mfa=True)

    response = client.get(reverse("staff:program_dashboard"))

    figures = response.context["figures"]
    assert dict(figures.by_status) == {"Pledged": 1, "Not pledged": 1}
    assert figures.people == {"in_scope": 1, "cit": 1, "trained": 1}
    assert [a.name for a in figures.due_soon] == [agency_a.name]
    assert [a.name for a in figures.at_risk] == [agency_a.name]

    report = client.get(reverse("staff:program_report"))
    text = PdfReader(io.BytesIO(report.content)).pages[0].extract_text()
    assert "One Mind Campaign program report" in text and agency_a.name in text


def test_agency_members_cannot_see_the_program(client, coordinator):
    login(client, coordinator)
    assert client.get(reverse("staff:program_dashboard")).status_code == 403
    assert client.get(reverse("staff:program_report")).status_code == 403
