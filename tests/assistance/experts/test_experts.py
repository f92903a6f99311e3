"""Subject-matter experts: added and ended by administrators, they hold one permission that
opens only the requests assigned to them, and it ends at `access_until` to the second."""

from datetime import UTC, datetime, timedelta

import time_machine
from django.core import mail
from django.urls import reverse

from agencies.models import AuditEvent
from agencies.outbox import sending
from assistance.experts.services import expert_end
from assistance.models import ANSWER_REQUESTS, AssistanceRequest, Expert, RequestAttachment
from assistance.requests import queries
from assistance.requests.services import request_assign, request_close
from tests.assistance.objects import expert_of, request_of
from tests.conftest import login, with_totp
from tests.factories import UserFactory

START = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)


def attachment_url(ta) -> str:
    attachment = RequestAttachment.all_agencies.get(request=ta)
    return reverse(
        "staff:assistance_request_attachment",
        kwargs={"request_id": ta.public_id, "attachment_id": attachment.public_id},
    )


def test_access_ends_at_access_until(client, agency_a):
    with time_machine.travel(START, tick=False) as traveller:
        expert = expert_of(days=10)
        ta = request_of(agency_a, expert=expert, attachment=True)
        user = with_totp(expert.user)
        page = reverse("staff:assistance_request", kwargs={"request_id": ta.public_id})

        traveller.move_to(expert.access_until - timedelta(seconds=1))
        login(client, user, mfa=True)
        assert client.get(page).status_code == 200
        assert client.get(attachment_url(ta)).status_code == 200

        traveller.move_to(expert.access_until)
        assert client.get(page).status_code == 403
        assert client.get(attachment_url(ta)).status_code == 403
        assert client.get(reverse("staff:assistance_mine")).status_code == 403
        assert not UserFactory._meta.model.objects.get(pk=user.pk).has_perm(ANSWER_REQUESTS)


def test_attachments_open_to_the_assigned_expert_only(client, agency_a):
    assigned, other = expert_of(), expert_of()
    ta = request_of(agency_a, expert=assigned, attachment=True)
    login(client, with_totp(other.user), mfa=True)
    assert client.get(attachment_url(ta)).status_code == 404
    login(client, with_totp(assigned.user), mfa=True)
    response = client.get(attachment_url(ta))
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"


def test_the_program_side_query_fails_closed(agency_a, agency_b, reviewer, stranger):
    assigned = expert_of()
    theirs = request_of(agency_a, expert=assigned)
    others = request_of(agency_b, expert=expert_of())
    assert set(queries.program_requests(reviewer)) == {theirs, others}
    assert list(queries.program_requests(assigned.user)) == [theirs]
    assert list(queries.program_requests(stranger)) == []
    Expert.objects.filter(pk=assigned.pk).update(ended_at=START)
    fresh = UserFactory._meta.model.objects.get(pk=assigned.user_id)
    assert list(queries.program_requests(fresh)) == []


def test_ending_an_experts_access_returns_their_requests_to_the_queue(
    client, agency_a, administrator
):
    expert = expert_of()
    ta = request_of(agency_a, expert=expert)
    login(client, administrator, mfa=True)
    response = client.post(
        reverse("staff:assistance_expert_end", kwargs={"expert_id": expert.public_id})
    )
    assert response.status_code == 302
    expert.refresh_from_db()
    assert expert.ended_at is not None and expert.ended_by == administrator
    assert AssistanceRequest.all_agencies.get(pk=ta.pk).expert is None
    login(client, with_totp(expert.user), mfa=True)
    assert client.get(reverse("staff:assistance_mine")).status_code == 403


def test_administrators_add_an_expert_by_the_email_of_an_account(client, administrator):
    person = UserFactory(email="dr.lee@university.example")
    login(client, administrator, mfa=True)
    url = reverse("staff:assistance_experts")
    until = (datetime.now(UTC).date() + timedelta(days=90)).isoformat()
    missing = client.post(
        url, {"email": "nobody@example.org", "expertise": ["cit"], "access_until": until}
    )
    assert missing.status_code == 200 and b"No account uses this address" in missing.content
    response = client.post(
        url,
        {
            "email": "DR.LEE@university.example",
            "expertise": ["cit", "policy"],
            "access_until": until,
        },
    )
    assert response.status_code == 302
    expert = Expert.objects.get(user=person)
    assert expert.expertise == ["policy", "cit"] and expert.added_by == administrator
    assert b"dr.lee@university.example" in client.get(url).content


def test_an_expert_sees_their_own_link_and_starts_on_their_requests(client, agency_a):
    expert = expert_of()
    login(client, with_totp(expert.user), mfa=True)
    home = client.get(reverse("home"))
    assert home["Location"] == reverse("staff:assistance_mine")
    page = client.get(reverse("staff:assistance_mine")).content.decode()
    assert "My assistance requests" in page
    assert reverse("staff:review_queue") not in page


def test_an_expert_must_enrol_a_second_factor(client, agency_a):
    expert = expert_of()
    login(client, expert.user)
    response = client.get(reverse("staff:assistance_mine"))
    assert response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp")


def test_an_expert_is_emailed_once_when_given_a_request(agency_a):
    expert = expert_of()
    ta = request_of(agency_a)
    reviewer = UserFactory()
    request_assign(request=ta, actor=reviewer, expert=expert)
    request_assign(request=ta, actor=reviewer, expert=expert)  # saved again: no second email

    sending.dispatch()

    assert [m.to for m in mail.outbox] == [[expert.user.email]]
    url = reverse("staff:assistance_request", kwargs={"request_id": ta.public_id})
    assert url in mail.outbox[0].body
    assert ta.subject in mail.outbox[0].subject
    assert ta.tried not in mail.outbox[0].body  # what the agency wrote stays behind sign-in


def test_no_assignment_email_reaches_an_expert_whose_access_ended_before_it_was_sent(agency_a):
    expert = expert_of()
    request_assign(request=request_of(agency_a), actor=UserFactory(), expert=expert)
    expert_end(actor=UserFactory(), expert=expert)

    sending.dispatch()

    assert mail.outbox == []


def test_ending_access_keeps_who_answered_closed_requests_and_tells_each_agency(agency_a):
    expert = expert_of()
    answered = request_of(agency_a, expert=expert)
    request_close(request=answered, actor=UserFactory(), outcome="resolved", outcome_note="")
    waiting = request_of(agency_a, expert=expert)

    expert_end(actor=UserFactory(), expert=expert)

    assert AssistanceRequest.all_agencies.get(pk=answered.pk).expert == expert
    assert AssistanceRequest.all_agencies.get(pk=waiting.pk).expert is None
    released = AuditEvent.objects.filter(
        agency=agency_a, action="assistance_request.assigned", object_id=str(waiting.public_id)
    ).order_by("-pk")[0]
    assert released.changes == {"expert": [expert.user.email, None]}


def test_saving_the_same_expert_again_records_nothing(agency_a):
    expert = expert_of()
    ta = request_of(agency_a, expert=expert)
    events = AuditEvent.objects.count()

    request_assign(request=ta, actor=UserFactory(), expert=expert)

    assert AuditEvent.objects.count() == events
