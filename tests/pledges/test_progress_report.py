"""The agency's progress report: its figures, who is untrained, what lapses, and the PDF."""

import io
from datetime import timedelta

import pytest
from pypdf import PdfReader

from onemind.lib.dates import add_months, day
from pledges.models import ProgramRules
from pledges.report import lapsing_training, progress_report, progress_report_pdf, untrained_people
from tests.factories import (
    CrisisPolicyFactory,
    PartnershipVersionFactory,
    PersonFactory,
    TrainingRecordFactory,
    course,
    sign,
)
from training.models import Category, Course, CourseKind, CourseStatus, Person, Status


def pages_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def appendices(text: str) -> tuple[str, str, str]:
    """The report's text split into its body, the lapsing (appendix A) and the untrained
    (appendix B)."""
    body, rest = text.split("Appendix A: training that lapses", 1)
    lapsing, untrained = rest.split("Appendix B: people still untrained", 1)
    return body, lapsing, untrained


def record(person, kind, completed_on):
    return TrainingRecordFactory(person=person, course=course(kind), completed_on=completed_on)


def lapsing_mhfa(person, today, in_days=20):
    """An MHFA certification (valid 36 months) whose last valid day is about `in_days` away."""
    return record(person, CourseKind.MHFA, add_months(today, -36) + timedelta(days=in_days))


@pytest.fixture
def millbrook(agency_a, coordinator):
    """A signed pledge, a policy, an MOU ending in 30 days and five people in scope: one with
    CIT, one whose MHFA lapses soon, three untrained."""
    today = agency_a.today()
    sign(agency_a, coordinator)
    CrisisPolicyFactory(agency=agency_a)
    PartnershipVersionFactory(
        partnership__organization__agency=agency_a,
        partnership__organization__name="Harbor Crisis Center",
        partnership__title="Crisis stabilization MOU",
        expires_on=today + timedelta(days=30),
    )
    people = {
        name: PersonFactory(agency=agency_a, last_name=name, first_name=first)
        for name, first in [
            ("Okafor", "Grace"),
            ("Lindqvist", "Marta"),
            ("Abernathy", "Wendell"),
            ("Castellanos", "Rosa"),
            ("Tran", "Minh"),
        ]
    }
    record(people["Okafor"], CourseKind.CIT, today - timedelta(days=100))
    lapsing_mhfa(people["Lindqvist"], today)
    return people


def test_the_report_shows_the_requirements_the_untrained_and_what_expires(agency_a, millbrook):
    report = progress_report(agency_a)
    text = "\n".join(pages_text(progress_report_pdf(report)))
    body, lapsing, untrained = appendices(text)

    assert "Millbrook Police Department" in body
    assert "1 of 5 in scope (20.0%)" in body  # CIT
    assert "2 of 5 in scope (40.0%)" in body  # trained: CIT or MHFA
    assert "3 people in scope have neither CIT nor MHFA" in body
    assert "Crisis stabilization MOU" in body and "Harbor Crisis Center" in body
    assert day(agency_a.today() + timedelta(days=30)) in body
    for name in ["Abernathy, Wendell", "Castellanos, Rosa", "Tran, Minh"]:
        assert name in untrained
    assert "Okafor" not in untrained and "Lindqvist" not in untrained
    (entry,) = report.lapsing
    assert (entry.name, entry.course_group) == ("Lindqvist, Marta", "MHFA")
    assert "Lindqvist, Marta" in lapsing and day(entry.lapses_on) in lapsing


def test_the_pdf_is_tagged_in_english_and_titled_with_the_agency(agency_a, millbrook):
    reader = PdfReader(io.BytesIO(progress_report_pdf(progress_report(agency_a))))

    catalog = reader.trailer["/Root"]
    assert catalog["/MarkInfo"]["/Marked"].value is True
    assert "/StructTreeRoot" in catalog
    assert str(catalog["/Lang"]) in {"en", "en-US"}
    assert "Millbrook Police Department" in reader.metadata.title


def test_every_untrained_person_is_listed_across_the_appendix_pages(agency_a, coordinator):
    sign(agency_a, coordinator)
    Person.all_agencies.bulk_create(
        Person(
            agency=agency_a,
            employee_id=f"M{n:04d}",
            last_name=f"Surname{n:04d}",
            first_name="Alex",
            category=Category.SWORN,
        )
        for n in range(900)
    )
    trained = PersonFactory(agency=agency_a, last_name="Trainedperson", first_name="Pat")
    record(trained, CourseKind.MHFA, agency_a.today() - timedelta(days=10))

    pages = pages_text(progress_report_pdf(progress_report(agency_a)))

    listed = {
        n: next(i for i, page in enumerate(pages) if f"M{n:04d} Surname{n:04d}, Alex" in page)
        for n in range(900)
    }
    assert listed[899] >= listed[0] + 2  # the appendix runs over several pages
    assert list(listed.values()) == sorted(listed.values())  # in alphabetical order
    assert not any("Trainedperson" in page for page in pages)


@pytest.fixture
def mhfa_equivalent():
    return Course.objects.create(
        name="State crisis first aid", kind=CourseKind.MHFA_EQUIVALENT, hours=8,
        validity_months=36, status=CourseStatus.APPROVED,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("rules_name", "untrained"),
    [
        # MHFA for everyone, equivalents do not count: CIT alone is not enough.
        ("Original rules", ["Cit", "Citequivalent", "Mhfaequivalent", "Nobody"]),
        # CIT or MHFA, equivalents count.
        ("Current rules", ["Nobody"]),
    ],
)
def test_untrained_people_as_each_rules_version_counts_them(
    agency_a, mhfa_equivalent, rules_name, untrained
):
    today = agency_a.today()
    people = {
        name: PersonFactory(agency=agency_a, last_name=name, first_name="Sam")
        for name in ["Nobody", "Cit", "Citequivalent", "Mhfa", "Mhfaequivalent"]
    }
    record(people["Cit"], CourseKind.CIT, today - timedelta(days=30))
    record(people["Citequivalent"], CourseKind.CIT_EQUIVALENT, today - timedelta(days=30))
    record(people["Mhfa"], CourseKind.MHFA, today - timedelta(days=30))
    TrainingRecordFactory(
        person=people["Mhfaequivalent"], course=mhfa_equivalent, completed_on=today
    )
    PersonFactory(agency=agency_a, last_name="Separated", status=Status.SEPARATED)
    PersonFactory(agency=agency_a, last_name="Unselected", category=Category.NON_SWORN)
    PersonFactory(last_name="Elsewhere")  # another agency's

    rules = ProgramRules.objects.get(name=rules_name)
    listed = untrained_people(agency_a, rules, today)

    assert [p.last_name for p in listed] == sorted(untrained)


def test_the_untrained_are_sorted_by_last_name_first_name_and_employee_id(agency_a):
    for employee_id, last, first in [
        ("3", "Baker", "Ann"),
        ("2", "Abbott", "Zoe"),
        ("9", "Baker", "Ann"),
        ("1", "Baker", "Aaron"),
    ]:
        PersonFactory(agency=agency_a, employee_id=employee_id, last_name=last, first_name=first)

    listed = untrained_people(
        agency_a, ProgramRules.objects.get(name="Current rules"), agency_a.today()
    )

    assert [p.employee_id for p in listed] == ["2", "1", "3", "9"]


def test_lapsing_training_leaves_out_whoever_renewed(agency_a):
    today = agency_a.today()
    lapsing, renewed, lasting, gone = (
        PersonFactory(agency=agency_a, last_name=name, first_name="Jo")
        for name in ["Lapsing", "Renewed", "Lasting", "Gone"]
    )
    expiring = lapsing_mhfa(lapsing, today, in_days=40)
    lapsing_mhfa(renewed, today, in_days=10)
    record(renewed, CourseKind.MHFA, today - timedelta(days=5))
    record(lasting, CourseKind.MHFA, today - timedelta(days=400))
    lapsing_mhfa(gone, today)
    Person.all_agencies.filter(pk=gone.pk).update(status=Status.SEPARATED)

    found = lapsing_training(agency_a, today, 90)

    assert [(t.name, t.course_group, t.lapses_on) for t in found] == [
        ("Lapsing, Jo", "MHFA", expiring.valid_until)
    ]
    assert lapsing_training(agency_a, today, 30) == []  # it lapses after 30 days


def test_lapsing_training_counts_cit_and_equivalents_as_the_rules_do(agency_a):
    today = agency_a.today()
    crit = Course.objects.create(
        name="40-hour CRIT, state edition", kind=CourseKind.CIT_EQUIVALENT, hours=40,
        validity_months=24, status=CourseStatus.APPROVED,
    )  # fmt: skip
    person = PersonFactory(agency=agency_a, last_name="Ferreira", first_name="Ines")
    TrainingRecordFactory(
        person=person, course=crit, completed_on=add_months(today, -24) + timedelta(days=7)
    )
    lapsing_mhfa(person, today, in_days=60)

    current = lapsing_training(agency_a, today, 90, ProgramRules.objects.get(name="Current rules"))
    original = lapsing_training(
        agency_a, today, 90, ProgramRules.objects.get(name="Original rules")
    )

    assert [t.course_group for t in current] == ["CIT", "MHFA"]  # soonest first
    assert [t.course_group for t in original] == ["MHFA"]  # CRIT does not count there


def test_the_report_takes_the_same_queries_whatever_the_roster(
    agency_a, millbrook, django_assert_max_num_queries
):
    progress_report(agency_a)
    with django_assert_max_num_queries(20) as small:
        progress_report(agency_a)
    for _ in range(10):
        lapsing_mhfa(PersonFactory(agency=agency_a), agency_a.today())
        PersonFactory(agency=agency_a)
    with django_assert_max_num_queries(len(small.captured_queries)):
        report = progress_report(agency_a)
    assert len(report.untrained) == 13 and len(report.lapsing) == 11


def test_the_report_on_demand_is_made_by_the_worker_then_downloaded(
    client, agency_a, coordinator, viewer
):
    from datetime import UTC, datetime
    from unittest import mock

    import time_machine
    from django.urls import reverse

    from pledges import tasks
    from tests.conftest import login

    url = reverse("progress_report_download", kwargs={"agency_slug": agency_a.slug})
    with time_machine.travel(datetime(2026, 3, 10, 15, 20, tzinfo=UTC), tick=False):
        sign(agency_a, coordinator)
        login(client, viewer)  # the chief, who reads
        assert url in client.get(reverse("agency_dashboard", args=[agency_a.slug])).text
        with mock.patch.object(tasks.render_progress_report, "apply_async") as asked:
            pending = client.get(url)
            client.get(url)  # a reload while the worker renders asks no second time
        assert pending.status_code == 202 and pending["Retry-After"] == "10"
        assert "The progress report is being prepared" in pending.text
        asked.assert_called_once_with((agency_a.pk, "2026-03-10T15:20:00+00:00"))
        tasks.render_progress_report(agency_a.pk, "2026-03-10T15:20:00+00:00")  # the worker
        report = client.get(url)
    assert report["Content-Disposition"].endswith(
        f'one-mind-progress-{agency_a.slug}-2026-03-10.pdf"'
    )
    text = pages_text(b"".join(report.streaming_content))[0]
    assert agency_a.name in text
