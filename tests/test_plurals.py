"""Counts in sentences read right for one and for many ("1 person needs", "2 people need"):
the evaluation's missing sentences, staff pages, emails, the progress report and messages."""

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace
from uuid import uuid4

import pytest
import time_machine
from django import forms
from django.core import mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from agencies.adapters import locked_message
from agencies.models import OutboxEmail, OutboxStatus
from agencies.outbox import sending
from agencies.outbox.messages import render_email
from agencies.outbox.services import outbox_add
from onemind.lib.dates import add_months
from onemind.lib.findings import Finding
from pledges import report
from pledges.emails import notices
from pledges.engine import progress
from pledges.engine.evaluation import Figures, Holders, TrainingFigures, evaluate
from pledges.engine.pace import project
from pledges.models import CitBase, CoverageMode, Pledge, ProgramRules
from pledges.program.queries import WeeklyDigest
from tests.conftest import login
from tests.factories import (
    CURRENT_RULES,
    ORIGINAL_RULES,
    PersonFactory,
    TrainingRecordFactory,
    course,
    refresh_standing,
    sign,
    staff_digests,
)
from training import queries as training_queries
from training.models import CourseKind

STRICT_EITHER = ProgramRules(
    name="Either, strictly",
    cit_minimum_percent=20,
    coverage_target_percent=100,
    coverage_mode=CoverageMode.CIT_OR_MHFA,
    equivalents_count=False,
)
SWORN_MINIMUM = ProgramRules(
    name="CIT over sworn officers",
    cit_minimum_percent=20,
    coverage_target_percent=100,
    coverage_mode=CoverageMode.CIT_OR_MHFA,
    equivalents_count=True,
    cit_base=CitBase.SWORN,
)
NINETY_PERCENT = ProgramRules(
    name="Ninety percent",
    cit_minimum_percent=20,
    coverage_target_percent=90,
    coverage_mode=CoverageMode.MHFA_FOR_ALL,
    equivalents_count=False,
)


def missing(rules, key, in_scope, sworn=0, **held):
    """What the requirement misses with `held` the holders among everyone in scope (or
    among its sworn officers, named sworn_*), all current."""
    met = Finding(met=True)
    sworn_held = {name[6:]: n for name, n in held.items() if name.startswith("sworn_")}
    everyone = {name: n for name, n in held.items() if not name.startswith("sworn_")}
    training = TrainingFigures(
        in_scope, sworn, current=Holders(**everyone), sworn_current=Holders(**sworn_held)
    )
    return evaluate(rules, Figures(training=training, partnership=met, policy=met))[key].missing


@pytest.mark.parametrize(
    ("in_scope", "sentence"),
    [
        (5, "1 more person needs CIT or equivalent training (1 of 5 needed)."),
        (10, "2 more people need CIT or equivalent training (2 of 10 needed)."),
    ],
)
def test_the_cit_shortfall_names_one_person_or_more_people(in_scope, sentence):
    assert missing(CURRENT_RULES, "cit", in_scope=in_scope) == [sentence]


@pytest.mark.parametrize(
    ("sworn", "sentence"),
    [
        (5, "1 more sworn officer needs CIT or equivalent training (1 of 5 sworn officers"),
        (10, "2 more sworn officers need CIT or equivalent training (2 of 10 sworn officers"),
    ],
)
def test_the_cit_shortfall_over_sworn_officers_names_one_officer_or_more(sworn, sentence):
    assert missing(SWORN_MINIMUM, "cit", in_scope=12, sworn=sworn, cit_any=5) == [
        f"{sentence} needed)."
    ]


@pytest.mark.parametrize(
    ("rules", "untrained", "sentence"),
    [
        (CURRENT_RULES, 1, "1 person in scope has neither CIT nor MHFA (or an equivalent)."),
        (CURRENT_RULES, 2, "2 people in scope have neither CIT nor MHFA (or an equivalent)."),
        (STRICT_EITHER, 1, "1 person in scope has neither CIT nor MHFA."),
        (STRICT_EITHER, 3, "3 people in scope have neither CIT nor MHFA."),
        (ORIGINAL_RULES, 1, "1 person in scope still needs MHFA for Public Safety."),
        (ORIGINAL_RULES, 4, "4 people in scope still need MHFA for Public Safety."),
    ],
)
def test_the_untrained_are_one_person_or_several_people(rules, untrained, sentence):
    trained = 10 - untrained
    figures = {"in_scope": 10, "either_any": trained, "either_strict": trained}
    figures |= {"mhfa_any": trained, "mhfa_strict": trained}
    assert missing(rules, "coverage", **figures) == [sentence]


def test_under_a_target_below_everyone_the_people_still_needed_are_counted_too():
    # 90% of 10 is 9: with 7 trained, 3 are untrained and 2 more are needed.
    assert missing(NINETY_PERCENT, "coverage", in_scope=10, mhfa_strict=7) == [
        "3 people in scope still need MHFA for Public Safety (2 more needed)."
    ]
    assert missing(NINETY_PERCENT, "coverage", in_scope=10, mhfa_strict=8) == [
        "2 people in scope still need MHFA for Public Safety (1 more needed)."
    ]


@pytest.mark.parametrize(("span", "words"), [(1, "last 1 day:"), (90, "last 90 days:")])
def test_no_progress_is_said_over_one_day_or_many(span, words):
    today = date(2026, 6, 1)
    pace = project((today - timedelta(days=span), 3), 3, 10, today, today + timedelta(days=99))
    assert (
        pace.words == f"No one newly trained in the {words} at this pace the target is not reached."
    )


@pytest.mark.parametrize(("days_left", "days"), [(1, "1 day"), (7, "7 days")])
def test_the_target_reminder_counts_the_days_left(agency_a, coordinator, days_left, days):
    pledge = sign(agency_a, coordinator)
    moment = datetime.combine(pledge.target_date - timedelta(days=days_left), datetime.min.time())
    with time_machine.travel(moment.replace(hour=12, tzinfo=UTC), tick=False):
        with transaction.atomic():
            outbox_add(notices.target_reminder_letters())
        sending.dispatch()

    [message] = mail.outbox
    assert message.subject == (
        f"[One Mind] {days} to your One Mind target date: Millbrook Police Department"
    )
    assert f": {days} from today." in message.body
    html = message.alternatives[0].content
    assert f"<title>{days} to the target date</title>" in html
    assert f">{days} to your target date</h1>" in html


def digest(waiting_days: list[int], new_pledges: int, at_risk: int) -> WeeklyDigest:
    agency = SimpleNamespace(name="Millbrook Police Department", region="NY", public_id=uuid4())
    return WeeklyDigest(
        on=date(2026, 12, 7),
        waiting=[(SimpleNamespace(agency=agency), days) for days in waiting_days],
        waiting_count=len(waiting_days),
        new_pledges=[SimpleNamespace(agency=agency, target_date=date(2028, 1, 1))] * new_pledges,
        at_risk=[],
        at_risk_count=at_risk,
    )


def test_the_staff_digest_counts_each_figure_on_its_own():
    subject, text, html = render_email("emails/staff_digest", {"digest": digest([1], 1, 0)})
    assert subject == "Week of Dec 7: 1 waiting for review, 1 new pledge, 0 at risk"
    assert "Review queue: 1 waiting, oldest first" in text
    assert "Millbrook Police Department (NY): waiting 1 day\n" in text
    assert "Millbrook Police Department</a> (NY): waiting 1 day</li>" in html

    subject, text, html = render_email("emails/staff_digest", {"digest": digest([9, 2], 2, 3)})
    assert subject == "Week of Dec 7: 2 waiting for review, 2 new pledges, 3 at risk"
    assert "Millbrook Police Department (NY): waiting 2 days\n" in text


@pytest.mark.parametrize(
    ("total", "more", "subject", "sentence", "more_text"),
    [
        (1, 0, "1 person's", "The training of 1 person in scope", None),
        (26, 1, "26 people's", "The training of 26 people in scope", "and 1 more."),
        (27, 2, "27 people's", "The training of 27 people in scope", "and 2 more."),
    ],
)
def test_the_training_expiry_email_counts_people(total, more, subject, sentence, more_text):
    context = {
        "agency": SimpleNamespace(name="Millbrook Police Department"),
        "lapsing": [],
        "total": total,
        "more": more,
        "days": 60,
    }
    rendered_subject, text, html = render_email("emails/training_expiring", context)
    assert rendered_subject == (
        f"{subject} training lapses within 60 days: Millbrook Police Department"
    )
    assert f"{sentence} lapses within 60 days unless it is renewed:" in text
    assert f"<p>{sentence} lapses unless it is renewed:</p>" in html
    if more_text:
        assert f"...{more_text}" in text and f"<p>…{more_text}</p>" in html
    else:
        assert "more." not in text and "more." not in html


def test_the_program_page_counts_one_person_in_scope(client, reviewer, agency_a):
    TrainingRecordFactory(person__agency=agency_a)
    progress.recompute([agency_a.pk])
    login(client, reviewer, mfa=True)

    page = client.get(reverse("staff:program_dashboard")).content.decode()

    assert "1 person in scope across all agencies; 1 with CIT and 1 trained" in page


def test_the_staff_agency_list_counts_agencies(client, reviewer, agency_a, agency_b):
    login(client, reviewer, mfa=True)
    assert (
        "<caption>2 agencies</caption>" in client.get(reverse("staff:dashboard")).content.decode()
    )
    one = client.get(reverse("staff:dashboard"), {"state": "NY"}).content.decode()
    assert "<caption>1 agency</caption>" in one


@pytest.mark.parametrize(
    ("failed", "alert"),
    [(1, "1 email failed. <a href=\"?status=failed\">Show the failed one</a>."),
     (2, "2 emails failed. <a href=\"?status=failed\">Show the failed ones</a>.")],
)  # fmt: skip
def test_the_outbox_counts_failed_emails(client, reviewer, failed, alert):
    staff_digests(failed)
    OutboxEmail.objects.update(status=OutboxStatus.FAILED, attempts=sending.MAX_ATTEMPTS)
    login(client, reviewer, mfa=True)
    assert alert in client.get(reverse("staff:outbox")).content.decode()


def test_the_progress_report_counts_one_lapsing_person_and_one_day(
    agency_a, coordinator, monkeypatch
):
    rendered = {}

    def keep_html(template, context):
        rendered["html"] = render_to_string(template, context)
        return b""

    monkeypatch.setattr(report, "render_pdf", keep_html)
    today = agency_a.today()
    pledge = sign(agency_a, coordinator)
    Pledge.all_agencies.filter(pk=pledge.pk).update(target_date=today + timedelta(days=1))
    refresh_standing(pledge.agency)
    person = PersonFactory(agency=agency_a)
    lapses = add_months(today, -36) + timedelta(days=20)
    TrainingRecordFactory(person=person, course=course(CourseKind.MHFA), completed_on=lapses)

    report.progress_report_pdf(report.progress_report(agency_a))

    html = rendered["html"]
    assert '<span class="figure">1</span> day to the target date' in html
    assert ": 1 day left." in html
    assert "1 person's training lapses within 90 days unless renewed:" in html
    assert "1 MHFA, on " in html and "the first on" not in html
    assert "<strong>0 of 1</strong> in scope (0.0%) · 1 needed" in html  # CIT


def test_the_class_form_counts_one_active_person(client, agency_a, editor, monkeypatch):
    monkeypatch.setattr(training_queries, "CLASS_LIST_LIMIT", 0)
    PersonFactory(agency=agency_a)
    login(client, editor)
    page = client.get(reverse("class_create", kwargs={"agency_slug": agency_a.slug}))
    assert "The roster has 1 active person: search by name" in page.content.decode()


class TwoFields(forms.Form):
    name = forms.CharField()
    email = forms.EmailField()


@pytest.mark.parametrize(
    ("data", "heading"),
    [
        ({"name": "Ana", "email": "not an address"}, "There is a problem with what you entered"),
        ({}, "There are problems with what you entered"),
    ],
)
def test_the_error_summary_speaks_of_one_problem_or_several(data, heading):
    html = render_to_string("forms/error_summary.html", {"form": TwoFields(data)})
    assert f">{heading}</h2>" in html


def test_a_lock_after_one_failure_says_one_attempt(settings):
    settings.LOGIN_FAILURE_LIMIT = 1
    assert locked_message().startswith("This account is locked after 1 failed sign-in attempt.")
    settings.LOGIN_FAILURE_LIMIT = 5
    assert locked_message().startswith("This account is locked after 5 failed sign-in attempts.")
