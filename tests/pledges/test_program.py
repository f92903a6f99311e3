"""The program at a glance for staff, and its PDF report."""

import io
from datetime import UTC, datetime, timedelta
from unittest import mock

import time_machine
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from pledges import tasks
from pledges.engine import progress
from pledges.models import Pledge, ProgressSnapshot
from tests.conftest import login
from tests.factories import TrainingRecordFactory, refresh_standing, sign


@time_machine.travel(datetime(2026, 3, 2, 14, 5, tzinfo=UTC), tick=False)
def test_counts_people_due_soon_and_at_risk(client, reviewer, agency_a, agency_b, coordinator):
    pledge = sign(agency_a, coordinator)
    Pledge.all_agencies.filter(pk=pledge.pk).update(
        target_date=agency_a.today() + timedelta(days=30)
    )
    TrainingRecordFactory(person__agency=agency_a)
    progress.recompute([agency_a.pk, agency_b.pk])
    ProgressSnapshot.all_agencies.filter(agency=agency_a).update(at_risk=True)
    refresh_standing(agency_a)
    login(client, reviewer, mfa=True)

    response = client.get(reverse("staff:program_dashboard"))

    figures = response.context["figures"]
    assert dict(figures.by_status) == {"Pledged": 1, "Not pledged": 1}
    assert figures.people == {"in_scope": 1, "cit": 1, "trained": 1}
    assert [a.name for a in figures.due_soon] == [agency_a.name]
    assert [a.name for a in figures.at_risk] == [agency_a.name]

    with mock.patch.object(tasks.render_program_report, "apply_async") as asked:
        pending = client.get(reverse("staff:program_report"))
        client.get(reverse("staff:program_report"))  # a reload asks no second time
    assert pending.status_code == 202 and "being prepared" in pending.content.decode()
    asked.assert_called_once_with(("2026-03-02T14:05:00+00:00",))
    tasks.render_program_report("2026-03-02T14:05:00+00:00")  # the worker's render
    report = client.get(reverse("staff:program_report"))
    assert report["Content-Disposition"].endswith('one-mind-program-report-2026-03-02.pdf"')
    text = PdfReader(io.BytesIO(b"".join(report.streaming_content))).pages[0].extract_text()
    assert "One Mind Campaign program report" in text and agency_a.name in text


def test_a_new_hour_s_report_replaces_the_one_before(db):
    with time_machine.travel(datetime(2026, 3, 2, 14, 5, tzinfo=UTC), tick=False):
        first = tasks.render_program_report(timezone.now().isoformat())
        assert tasks.render_program_report(timezone.now().isoformat()) == first  # kept
    later = tasks.render_program_report(datetime(2026, 3, 2, 15, 1, tzinfo=UTC).isoformat())
    assert later != first and default_storage.exists(later)
    assert not default_storage.exists(first)


def test_agency_members_cannot_see_the_program(client, coordinator):
    login(client, coordinator)
    assert client.get(reverse("staff:program_dashboard")).status_code == 403
    assert client.get(reverse("staff:program_report")).status_code == 403
