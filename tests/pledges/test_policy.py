"""The crisis-response policy: versions, the six elements, and the requirement on a day —
the Python rule (one agency, with reasons) and the SQL rule (all agencies) agree."""

from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse

from agencies.models import Agency, AuditEvent, Document
from pledges.engine import policy
from pledges.models import CrisisPolicy
from tests import files
from tests.conftest import login
from tests.factories import AgencyFactory, CrisisPolicyFactory
from tests.forms import policy_form
from tests.races import in_the_worst_order

D = date(2026, 6, 15)
DAY = timedelta(days=1)
# Dates a coordinator enters are judged by the agency's own day (here the default time zone),
# which is not the server's UTC day in the hours around midnight.
TODAY = Agency().today()


def assert_sql_agrees(agency, on):
    met = policy.policy_finding(agency, on).met
    assert policy.agencies_with_complete_policy(on).filter(pk=agency.pk).exists() == met


def test_a_complete_adopted_policy_meets_the_requirement(db):
    adopted = CrisisPolicyFactory(adopted_on=D - DAY, effective_on=D)
    assert policy.policy_finding(adopted.agency, D).met
    assert not policy.policy_finding(adopted.agency, D - DAY).met  # adopted, not yet effective
    assert_sql_agrees(adopted.agency, D)
    assert_sql_agrees(adopted.agency, D - DAY)


def test_one_missing_element_is_named(db):
    incomplete = CrisisPolicyFactory(adopted_on=D - DAY, effective_on=D, care_providers_at="")
    finding = policy.policy_finding(incomplete.agency, D)
    assert not finding.met
    assert finding.reasons == [
        f"The policy in force (“{incomplete.title}”) does not cover: a list of care providers."
    ]
    assert_sql_agrees(incomplete.agency, D)


def test_no_policy_is_said_plainly(db):
    agency = AgencyFactory()
    assert policy.policy_finding(agency, D).reasons == [
        "No policy on responding to people in crisis is on record."
    ]
    assert_sql_agrees(agency, D)


def test_a_new_version_supersedes_from_its_effective_date(db):
    first = CrisisPolicyFactory(adopted_on=date(2025, 1, 1), effective_on=date(2025, 1, 1))
    CrisisPolicyFactory(
        agency=first.agency,
        adopted_on=D - 10 * DAY,
        effective_on=D,
        training_at="",  # the new text dropped the training section
    )
    assert policy.policy_finding(first.agency, D - DAY).met
    assert not policy.policy_finding(first.agency, D).met
    for day in (D - DAY, D):
        assert_sql_agrees(first.agency, day)
    assert CrisisPolicy.all_agencies.filter(agency=first.agency).count() == 2


def test_the_sql_rule_is_one_query_for_every_agency(db, django_assert_num_queries):
    for _ in range(3):
        CrisisPolicyFactory()
    with django_assert_num_queries(1):
        assert len(policy.agencies_with_complete_policy(TODAY)) == 3


def url(name, agency):
    return reverse(name, kwargs={"agency_slug": agency.slug})


def test_an_editor_records_the_policy_and_then_a_new_version(
    client, agency_a, editor, private_files
):
    login(client, editor)

    response = client.post(url("policy_create", agency_a), policy_form())

    assert response["Location"] == url("policy_detail", agency_a)
    first = CrisisPolicy.all_agencies.get()
    assert first.document.filename == "Crisis policy 2026.docx"
    page = client.get(url("policy_detail", agency_a)).content.decode()
    assert "Pledge requirement today: met" in page and "Appendix A" in page

    client.post(
        url("policy_create", agency_a),
        policy_form(
            document=None,
            effective_on=TODAY.isoformat(),
            care_providers_at="",
            change_summary="Provider list moved to a separate directory.",
        ),
    )

    second = CrisisPolicy.all_agencies.exclude(pk=first.pk).get()
    assert second.document_id == first.document_id  # kept without a new upload
    first.refresh_from_db()
    assert first.care_providers_at == "Appendix A"  # history is never rewritten
    page = client.get(url("policy_detail", agency_a)).content.decode()
    assert "does not cover: a list of care providers" in page
    assert AuditEvent.objects.filter(action="policy.adopted").count() == 2
    assert len(private_files()) == 1


def test_the_first_version_needs_its_document(client, agency_a, editor, private_files):
    login(client, editor)
    response = client.post(url("policy_create", agency_a), policy_form(document=None))
    assert "This field is required." in response.content.decode()
    assert not CrisisPolicy.all_agencies.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"adopted_on": (TODAY + DAY).isoformat(), "effective_on": (TODAY + DAY).isoformat()},
            "Record the policy once it is adopted.",
        ),
        (
            {"effective_on": (TODAY - 30 * DAY).isoformat()},
            "The effective date cannot be before the adoption date.",
        ),
        ({"document": files.html_as_pdf("policy.pdf")}, "“policy.pdf” is not a PDF"),
        (
            {
                "document": files.upload(
                    "policy.pdf",
                    files.pdf_opening_with(b"<< /S /JavaScript /JS (app.alert(1)) >>"),
                    "application/pdf",
                )
            },
            "“policy.pdf” contains scripts, embedded files or actions that start programs",
        ),
    ],
)
def test_bad_policies_are_refused_and_nothing_is_stored(
    client, agency_a, editor, private_files, overrides, message
):
    login(client, editor)
    response = client.post(url("policy_create", agency_a), policy_form(**overrides))
    assert message in response.content.decode()
    assert not CrisisPolicy.all_agencies.exists()
    assert not Document.all_agencies.exists() and private_files() == []


def test_a_viewer_reads_the_policy_but_cannot_record_one(client, agency_a, viewer):
    CrisisPolicyFactory(agency=agency_a)
    login(client, viewer)
    assert "Record a new version" not in client.get(url("policy_detail", agency_a)).content.decode()
    assert client.get(url("policy_create", agency_a)).status_code == 403


def test_versions_recorded_in_the_same_instant_are_ordered_the_same_way_by_both_rules(db):
    first = CrisisPolicyFactory(adopted_on=D, effective_on=D, training_at="")
    CrisisPolicyFactory(
        agency=first.agency, adopted_on=D, effective_on=D, created_at=first.created_at
    )
    assert policy.policy_finding(first.agency, D).met
    assert_sql_agrees(first.agency, D)


def test_a_new_version_without_a_file_keeps_the_document_the_form_offered(
    client, agency_a, editor, private_files
):
    newest = CrisisPolicyFactory(agency=agency_a, effective_on=TODAY - 5 * DAY)
    CrisisPolicyFactory(  # an older version, recorded afterwards for the history
        agency=agency_a, adopted_on=TODAY - 900 * DAY, effective_on=TODAY - 800 * DAY
    )
    login(client, editor)
    form_page = client.get(url("policy_create", agency_a)).content.decode()
    assert f"Leave empty to keep “{newest.document.filename}”" in form_page

    client.post(url("policy_create", agency_a), policy_form(document=None))

    recorded = CrisisPolicy.all_agencies.order_by("-created_at").first()
    assert recorded.document_id == newest.document_id


def test_the_same_version_sent_again_is_the_one_recorded(client, agency_a, editor, private_files):
    login(client, editor)
    client.post(url("policy_create", agency_a), policy_form())
    again = client.post(url("policy_create", agency_a), policy_form())
    assert again["Location"] == url("policy_detail", agency_a)
    without_a_file = client.post(url("policy_create", agency_a), policy_form(document=None))
    assert without_a_file["Location"] == url("policy_detail", agency_a)
    assert CrisisPolicy.all_agencies.count() == 1
    assert AuditEvent.objects.filter(action="policy.adopted").count() == 1

    client.post(url("policy_create", agency_a), policy_form(document=None, training_at="§ 7"))
    assert CrisisPolicy.all_agencies.count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_version_posted_twice_at_once_is_recorded_once(agency_a, editor, private_files):

    def post():
        return login(Client(), editor).post(url("policy_create", agency_a), policy_form())

    first, second = in_the_worst_order(post, post, pause_before=(CrisisPolicy, "save"))

    assert first["Location"] == second["Location"] == url("policy_detail", agency_a)
    assert CrisisPolicy.all_agencies.count() == 1
    assert AuditEvent.objects.filter(action="policy.adopted").count() == 1
