"""Every date people enter falls in a range of days, and a date outside it is a message on the
form (or on the import row), never a 500 and never a stored year 9999."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from agencies.models import AuditEvent
from onemind.lib.dates import PAST_DAYS, PLANNED_DAYS, DayRange, add_months
from tests.conftest import login
from tests.factories import PartnershipVersionFactory, PersonFactory, course
from tests.forms import NEW_PERSON, agreement_form, new_rules, policy_form, renewal_form
from training import services
from training.models import CourseKind, TrainingRecord

FAR_AHEAD, LONG_AGO = "9999-12-31", "0001-01-01"


def agency_url(name, agency, **kwargs):
    return reverse(name, kwargs={"agency_slug": agency.slug, **kwargs})


def person_form(agency, value):
    return agency_url("person_create", agency), {**NEW_PERSON, "hire_date": value}


def person_edit_form(agency, value):
    person = PersonFactory(agency=agency)
    url = agency_url("person_edit", agency, person_id=person.public_id)
    return url, {**NEW_PERSON, "employee_id": person.employee_id, "hire_date": value}


def status_form(agency, value):
    person = PersonFactory(agency=agency)
    url = agency_url("person_status", agency, person_id=person.public_id)
    return url, {"status": "leave", "since": value}


def record_form(agency, value):
    person = PersonFactory(agency=agency)
    url = agency_url("record_create", agency, person_id=person.public_id)
    return url, {"course": course(CourseKind.CIT).pk, "completed_on": value}


def class_form(agency, value):
    person = PersonFactory(agency=agency)
    data = {"course": course(CourseKind.MHFA).pk, "completed_on": value, "attendees": [person.pk]}
    return agency_url("class_create", agency), data


def partnership_of(agency):
    return PartnershipVersionFactory(partnership__organization__agency=agency).partnership


def agreement(field):
    def make(agency, value):
        organization = partnership_of(agency).organization
        data = agreement_form(organization, title="Another MOU", **{field: value})
        return agency_url("partnership_create", agency), data

    return make


def renewal(field):
    def make(agency, value):
        partnership = PartnershipVersionFactory(
            partnership__organization__agency=agency
        ).partnership
        url = agency_url("partnership_renew", agency, partnership_id=partnership.public_id)
        return url, {**renewal_form(partnership.organization), field: value}

    return make


def termination_form(agency, value):
    partnership = partnership_of(agency)
    url = agency_url("partnership_terminate", agency, partnership_id=partnership.public_id)
    return url, {"on": value, "reason": "The center closed."}


def policy(field):
    def make(agency, value):
        return agency_url("policy_create", agency), policy_form(**{field: value})

    return make


def pledge_form(agency, value):
    data = {
        "chief_name": "Ana Rivera",
        "chief_title": "Chief of Police",
        "target_date": value,
        "signature": "Dana Whitfield",
        "affirmed": "on",
    }
    return agency_url("pledge_sign", agency), data


def rules_form(agency, value):
    return reverse("staff:rules_list"), new_rules(effective_on=value)


DATE_FORMS = {
    "hire date": ("editor", person_form),
    "hire date, edited": ("editor", person_edit_form),
    "status since": ("editor", status_form),
    "training completed": ("editor", record_form),
    "class date": ("editor", class_form),
    "MOU signed": ("editor", agreement("signed_on")),
    "MOU effective": ("editor", agreement("effective_on")),
    "MOU expires": ("editor", agreement("expires_on")),
    "renewal effective": ("editor", renewal("effective_on")),
    "renewal expires": ("editor", renewal("expires_on")),
    "MOU ends": ("editor", termination_form),
    "policy adopted": ("editor", policy("adopted_on")),
    "policy effective": ("editor", policy("effective_on")),
    "pledge target date": ("coordinator", pledge_form),
    "program rules take effect": ("administrator", rules_form),
}


@pytest.mark.parametrize("value", [FAR_AHEAD, LONG_AGO])
@pytest.mark.parametrize("form", DATE_FORMS.values(), ids=DATE_FORMS.keys())
def test_a_date_out_of_range_is_a_message_on_the_form(client, request, agency_a, form, value):
    who, make = form
    login(client, request.getfixturevalue(who), mfa=who == "administrator")
    url, data = make(agency_a, value)
    events = AuditEvent.objects.count()

    response = client.post(url, data)

    assert response.status_code == 200
    assert "The date cannot be " in response.content.decode()
    assert AuditEvent.objects.count() == events


def test_ranges_say_what_is_wrong_in_words():
    today = date(2026, 3, 1)
    assert PAST_DAYS.problem(date(2026, 3, 1), today) is None
    assert PAST_DAYS.problem(date(2026, 3, 2), today) == (
        "The date cannot be in the future (Mar 2, 2026)"
    )
    assert PAST_DAYS.problem(date(1, 1, 1), today) == (
        "The date cannot be before Jan 1, 1950 (Jan 1, 0001); check the year"
    )
    assert PLANNED_DAYS.problem(date(2036, 3, 1), today) is None
    assert PLANNED_DAYS.problem(date(9999, 12, 31), today) == (
        "The date cannot be more than 10 years ahead (Dec 31, 9999); check the year"
    )
    assert DayRange(years_ahead=1).latest(date(2024, 2, 29)) == date(2025, 2, 28)


def test_a_service_given_the_last_day_of_the_calendar_refuses_it(agency_a, editor):
    person = PersonFactory(agency=agency_a)
    for completed_on in (date(9999, 12, 31), date(1, 1, 1)):
        with pytest.raises(ValidationError) as refused:
            services.record_add(
                agency=agency_a,
                actor=editor,
                person=person,
                course=course(CourseKind.MHFA),
                completed_on=completed_on,
            )
        assert "completed_on" in refused.value.message_dict
    assert not TrainingRecord.all_agencies.exists()


def test_months_past_the_end_of_the_calendar_are_a_clear_error_not_a_wrong_date():
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(9999, 10, 31), 2) == date(9999, 12, 31)
    with pytest.raises(ValueError, match="past the calendar's end"):
        add_months(date(9999, 12, 31), 36)
