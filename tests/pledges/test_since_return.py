"""A resubmission shows the reviewer what changed since the return, requirement by
requirement, from the two frozen snapshots: figures, documents by fingerprint, people."""

import re
from datetime import UTC, datetime

import pytest
import time_machine
from django.db import reset_queries
from django.urls import reverse

from agencies.models import Agency
from pledges import services
from pledges.certification import changes
from pledges.certification import services as certification
from pledges.models import Submission
from tests.conftest import login
from tests.factories import TrainingRecordFactory, course, meets_everything, sign
from tests.forms import policy_form
from training.models import CourseKind

DEC = {day: datetime(2026, 12, day, 15, tzinfo=UTC) for day in range(1, 32)}


def review_url(submission):
    return reverse("staff:review_detail", kwargs={"submission_id": submission.public_id})


@pytest.fixture
def returned(agency_a, coordinator, reviewer):
    """Agency A's pledge submitted Dec 1, 2026 (five people, one with CIT) and returned by
    the reviewer on Dec 2 with comments on the policy and on CIT."""
    Agency.objects.filter(pk=agency_a.pk).update(verified=True)
    with time_machine.travel(DEC[1], tick=False):
        meets_everything(agency_a)
        first = services.pledge_submit(
            agency=agency_a, actor=coordinator, pledge=sign(agency_a, coordinator)
        )
    with time_machine.travel(DEC[2], tick=False):
        certification.review_return(
            reviewer=reviewer,
            submission=first,
            comments={
                "policy": "Section 4 does not list local providers.",
                "cit": "Train one more officer in CIT.",
            },
        )
    return first


@pytest.fixture
def resubmitted(client, agency_a, coordinator, returned, private_files):
    """On Dec 3 the agency trains a new officer in CIT, adopts a new policy version (a new
    document) and submits again."""
    with time_machine.travel(DEC[3], tick=False):
        officer = TrainingRecordFactory(
            person__agency=agency_a,
            person__first_name="Rosa",
            person__last_name="Okafor",
            person__employee_id="E-2044",
            course=course(CourseKind.CIT),
        )
        assert officer.person.in_scope
        login(client, coordinator)
        client.post(
            reverse("policy_create", kwargs={"agency_slug": agency_a.slug}),
            policy_form(title="Responding to persons in crisis, revised"),
        )
        return services.pledge_submit(
            agency=agency_a,
            actor=coordinator,
            pledge=returned.pledge,
        )


def test_the_changes_since_the_return_are_read_from_both_snapshots(returned, resubmitted):
    since = changes.since_return(resubmitted)

    assert since.returned == returned and since.review.comments["cit"]
    by_key = {r.key: r for r in since.requirements}
    cit, coverage = by_key["cit"], by_key["coverage"]
    assert cit.comment == "Train one more officer in CIT."
    assert [(f.label, f.before, f.after) for f in cit.figures] == [
        ("In scope", 5, 6),
        ("With CIT", 1, 2),
        ("Required", 1, 2),  # 20% of 6, rounded up
    ]
    assert [(f.label, f.before, f.after) for f in coverage.figures] == [
        ("In scope", 5, 6),
        ("Covered", 5, 6),
        ("Required", 5, 6),
    ]
    policy = by_key["policy"]
    assert policy.comment == "Section 4 does not list local providers."
    [document] = policy.documents
    assert document.change == "replaced"
    assert document.what == "policy “Responding to persons in crisis, revised”"
    assert document.before["file"] == "policy.pdf"
    assert document.after["file"] == "Crisis policy 2026.docx"
    assert document.before["sha256"] != document.after["sha256"]
    assert not by_key["partnership"].changed and not by_key["partnership"].comment
    people = since.people
    assert [(p.employee_id, p.name, p.cit) for p in people.added] == [
        ("E-2044", "Okafor, Rosa", True)
    ]
    assert people.removed == [] and people.retrained == []


def test_the_review_page_of_the_resubmission_shows_what_changed(
    client, reviewer, returned, resubmitted
):
    login(client, reviewer, mfa=True)
    page = client.get(review_url(resubmitted)).content.decode()

    assert "What changed since the return on Dec 2, 2026" in page
    assert "Train one more officer in CIT." in page
    assert "Section 4 does not list local providers." in page
    assert "<strong>Replaced:</strong> policy “Responding to persons in crisis, revised”" in page
    assert "Crisis policy 2026.docx" in page
    document_id = resubmitted.snapshot["policy"]["document"]["id"]
    assert reverse("staff:staff_document", kwargs={"document_id": document_id}) in page
    assert "1 person added to the counted list: Okafor, Rosa (E-2044, CIT)" in page
    assert "0 people removed from it" in page
    # Dates as everywhere else, frozen ones too (only `datetime` attributes stay ISO).
    assert "pledged Dec 1, 2026 · target Dec 1, 2028" in page
    assert "Requirements and figures on Dec 3, 2026" in page
    assert not re.search(r"\d{4}-\d\d-\d\d(?!T)", page)


def test_a_first_submission_has_nothing_to_compare(client, reviewer, returned):
    assert changes.since_return(returned) is None
    login(client, reviewer, mfa=True)
    page = client.get(review_url(returned)).content.decode()
    assert "What changed since the return" not in page


def test_the_review_page_keeps_its_queries_whatever_the_history(
    client, agency_a, coordinator, reviewer, returned, resubmitted, django_assert_max_num_queries
):
    """A second return and resubmission add nothing to the page's queries."""
    login(client, reviewer, mfa=True)
    client.get(review_url(resubmitted))
    reset_queries()  # the connection's log is bounded: counts start from an empty one
    with django_assert_max_num_queries(40) as first:
        client.get(review_url(resubmitted))
    queries = len(first)
    with time_machine.travel(DEC[4], tick=False):
        certification.review_return(
            reviewer=reviewer, submission=resubmitted, comments={"coverage": "Check the roster."}
        )
        latest = services.pledge_submit(
            agency=agency_a, actor=coordinator, pledge=resubmitted.pledge
        )
    client.get(review_url(latest))
    reset_queries()
    with django_assert_max_num_queries(queries):
        page = client.get(review_url(latest)).content.decode()
    assert "What changed since the return on Dec 4, 2026" in page
    assert Submission.all_agencies.count() == 3


# The comparison itself, on snapshots as `pledges.engine.submissions` freezes them.


def mou(title, sha, organization="Harbor Crisis Center"):
    document = {"id": f"id-{sha}", "file": f"{title}.pdf", "sha256": sha * 64}
    return {"title": title, "organization": organization, "document": document}


def test_mous_are_matched_by_agreement_and_compared_by_fingerprint():
    before = [mou("Drop-off MOU", "a"), mou("Mobile crisis MOU", "b"), mou("Old MOU", "c")]
    after = [mou("Drop-off MOU", "a"), mou("Mobile crisis MOU", "d"), mou("New MOU", "e")]

    found = {(c.what, c.change) for c in changes.partnership_documents(before, after)}

    assert found == {
        ("MOU “Mobile crisis MOU” with Harbor Crisis Center", "replaced"),
        ("MOU “New MOU” with Harbor Crisis Center", "added"),
        ("MOU “Old MOU” with Harbor Crisis Center", "removed"),
    }


def test_a_policy_added_or_gone_is_said_so():
    policy = {"title": "Crisis response", "document": {"id": "x", "file": "p.pdf", "sha256": "f"}}
    [added] = changes.policy_documents(None, policy)
    [removed] = changes.policy_documents(policy, None)
    assert (added.change, removed.change) == ("added", "removed")
    assert changes.policy_documents(policy, policy) == []


def test_people_who_left_the_list_or_whose_training_changed_are_counted_all_and_listed_in_part(
    monkeypatch,
):
    monkeypatch.setattr(changes, "LISTED_PEOPLE", 2)
    before = [
        ["1", "Abbot", "Ann", True, False],
        ["2", "Baker", "Ben", False, False],
        ["3", "Cole", "Cy", False, True],
        ["4", "Diaz", "", False, True],
        ["5", "Ek", "Eva", False, True],
    ]
    after = [["1", "Abbot", "Ann", True, True], ["2", "Baker", "Ben", False, False]]

    people = changes.people_changes(before, after)

    assert people.removed_count == 3 and people.removed_more == 1
    assert [p.name for p in people.removed] == ["Cole, Cy", "Diaz"]
    assert [(b.mhfa, a.mhfa) for b, a in people.retrained] == [(False, True)]
    assert people.added_count == 0 and people.changed
