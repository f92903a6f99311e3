"""The program dashboard's panel of requests: how many are open, and the median time to the
program's first answer over the requests opened in the last 90 days."""

from datetime import UTC, datetime, timedelta

import time_machine
from django.urls import reverse

from assistance.models import AssistanceRequest
from assistance.requests.queries import response_figures
from tests.assistance.objects import request_of
from tests.conftest import login

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)


def answered(agency, *, opened_days_ago: int, after_hours: float | None):
    ta = request_of(agency)
    opened = NOW - timedelta(days=opened_days_ago)
    first = opened + timedelta(hours=after_hours) if after_hours is not None else None
    AssistanceRequest.all_agencies.filter(pk=ta.pk).update(
        opened_at=opened, first_response_at=first
    )
    return ta


@time_machine.travel(NOW, tick=False)
def test_the_median_is_over_the_last_90_days_answered_requests(agency_a, django_assert_num_queries):
    answered(agency_a, opened_days_ago=5, after_hours=2)
    answered(agency_a, opened_days_ago=10, after_hours=30)
    answered(agency_a, opened_days_ago=20, after_hours=6)
    answered(agency_a, opened_days_ago=30, after_hours=None)  # not answered yet
    answered(agency_a, opened_days_ago=91, after_hours=500)  # before the window

    with django_assert_num_queries(2):
        figures = response_figures()

    assert figures.median == timedelta(hours=6)
    assert (figures.opened, figures.answered, figures.open_count) == (4, 3, 5)


@time_machine.travel(NOW, tick=False)
def test_an_even_count_takes_the_middle_two(agency_a):
    answered(agency_a, opened_days_ago=1, after_hours=2)
    answered(agency_a, opened_days_ago=2, after_hours=4)
    assert response_figures().median == timedelta(hours=3)


def test_the_program_dashboard_shows_the_panel(client, agency_a, reviewer):
    with time_machine.travel(NOW, tick=False):
        answered(agency_a, opened_days_ago=3, after_hours=26)
        login(client, reviewer, mfa=True)
        page = client.get(reverse("staff:program_dashboard")).content.decode()
    assert "1 open request" in page
    assert "first answer: 26 hours." in page
    assert "opened in the last 90 days" in page


def test_with_no_answer_yet_the_panel_says_so(client, agency_a, reviewer):
    request_of(agency_a)
    login(client, reviewer, mfa=True)
    page = client.get(reverse("staff:program_dashboard")).content.decode()
    assert "has been answered yet" in page
