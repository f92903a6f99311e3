"""The pledge: signing, the lifecycle, submission with frozen evidence, recompute, dashboard."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from agencies.models import AuditEvent
from onemind.lib.dates import add_months
from pledges import services, tasks
from pledges.engine import lifecycle
from pledges.models import Pledge, PledgeStatus, ProgramRules, ProgressSnapshot, Submission
from tests.conftest import login
from tests.factories import (
    PersonFactory,
    TrainingRecordFactory,
    course,
    meets_everything,
    sign,
)
from tests.races import in_the_worst_order
from training.models import CourseKind


def url(name, agency):
    return reverse(name, kwargs={"agency_slug": agency.slug})


def test_the_coordinator_signs_the_pledge_on_the_page(client, agency_a, coordinator):
    login(client, coordinator)
    target = add_months(agency_a.today(), 18)

    response = client.post(
        url("pledge_sign", agency_a),
        {
            "chief_name": "Ana Rivera",
            "chief_title": "Chief of Police",
            "target_date": target.isoformat(),
            "signature": "Dana Whitfield",
            "affirmed": "on",
        },
        REMOTE_ADDR="203.0.113.7",
    )

    assert response["Location"] == url("agency_dashboard", agency_a)
    pledge = Pledge.all_agencies.get()
    assert (pledge.status, pledge.target_date, pledge.signed_ip) == (
        "pledged",
        target,
        "203.0.113.7",
    )
    assert pledge.rules == ProgramRules.objects.get(name="Current rules")
    event = AuditEvent.objects.get(action="pledge.pledged")
    assert event.changes["affirmed"] == [None, True] and event.ip == "203.0.113.7"


@pytest.mark.parametrize("months", [11, 37])
def test_the_target_date_must_fall_in_the_window(agency_a, coordinator, months):
    with pytest.raises(ValidationError) as refused:
        sign(agency_a, coordinator, target_date=add_months(agency_a.today(), months))
    assert "12 to 36 months" in str(refused.value)
    assert not Pledge.all_agencies.exists()


def test_the_window_edges_are_allowed(agency_a, agency_b, coordinator, coordinator_b):
    assert sign(agency_a, coordinator, target_date=add_months(agency_a.today(), 12)).pk
    assert sign(agency_b, coordinator_b, target_date=add_months(agency_b.today(), 36)).pk


def test_without_the_affirmation_nothing_is_signed(agency_a, coordinator):
    with pytest.raises(ValidationError):
        sign(agency_a, coordinator, affirmed=False)
    assert not Pledge.all_agencies.exists()


def test_one_open_pledge_per_agency(agency_a, coordinator):
    sign(agency_a, coordinator)
    with pytest.raises(ValidationError, match="already has an open pledge"):
        sign(agency_a, coordinator)


def test_editors_can_neither_sign_nor_submit(client, agency_a, editor):
    login(client, editor)
    assert client.get(url("pledge_sign", agency_a)).status_code == 403
    assert client.post(url("pledge_submit", agency_a)).status_code == 403


@pytest.mark.parametrize("start", list(PledgeStatus))
def test_moves_the_lifecycle_does_not_allow_are_refused(agency_a, coordinator, start):
    pledge = sign(agency_a, coordinator)
    Pledge.all_agencies.filter(pk=pledge.pk).update(status=start)
    pledge.refresh_from_db()
    for target in PledgeStatus:
        if target in lifecycle.ALLOWED[start]:
            continue
        with pytest.raises(ValidationError), transaction.atomic():
            lifecycle.move(pledge, target, actor=coordinator)
        pledge.refresh_from_db()
        assert pledge.status == start


def test_submitting_needs_every_requirement_met(client, agency_a, coordinator):
    sign(agency_a, coordinator)
    login(client, coordinator)
    page = client.get(url("agency_dashboard", agency_a)).content.decode()
    assert "Once every requirement below is met" in page
    assert url("pledge_submit", agency_a) not in page  # no way to submit yet

    response = client.post(url("pledge_submit", agency_a), follow=True)

    assert "Every requirement must be met" in response.content.decode()
    assert not Submission.all_agencies.exists()
    assert Pledge.all_agencies.get().status == "pledged"


def test_a_submission_freezes_the_evidence_and_later_changes_do_not_touch_it(
    client, agency_a, coordinator
):
    meets_everything(agency_a)
    sign(agency_a, coordinator)
    login(client, coordinator)
    assert "Available once" not in client.get(url("agency_dashboard", agency_a)).content.decode()

    client.post(url("pledge_submit", agency_a))
    again = client.post(url("pledge_submit", agency_a), follow=True)  # a double submit

    assert "cannot be submitted" in again.content.decode()
    submission = Submission.all_agencies.get()
    frozen = dict(submission.snapshot)
    assert [r["met"] for r in frozen["requirements"]] == [True] * 4
    assert len(frozen["people"]) == 5 and frozen["policy"]["document"]["sha256"]
    PersonFactory.create_batch(3, agency=agency_a)  # the roster changes afterwards
    submission.refresh_from_db()
    assert submission.snapshot == frozen
    from pledges.engine.submissions import fingerprint

    assert submission.snapshot_sha256 == fingerprint(frozen)
    assert Pledge.all_agencies.get().status == "submitted"


def test_overdue_pledges_lapse_but_one_under_review_does_not(
    agency_a, agency_b, coordinator, coordinator_b
):
    overdue = sign(agency_a, coordinator)
    under_review = sign(agency_b, coordinator_b)
    Pledge.all_agencies.filter(pk=under_review.pk).update(status="submitted")
    later = overdue.target_date + timedelta(days=1)

    assert services.lapse_overdue_pledges(later) == 1
    overdue.refresh_from_db()
    assert overdue.status == "lapsed"
    assert Pledge.all_agencies.get(pk=under_review.pk).status == "submitted"
    assert services.lapse_overdue_pledges(overdue.target_date) == 0


def test_a_change_recomputes_the_agencys_progress_after_commit(
    agency_a, editor, django_capture_on_commit_callbacks
):
    from training import services as training_services

    with django_capture_on_commit_callbacks(execute=True):
        training_services.person_create(
            agency=agency_a, actor=editor, employee_id="7", last_name="Ng", category="sworn"
        )

    snapshot = ProgressSnapshot.all_agencies.get(agency=agency_a)
    assert (snapshot.in_scope, snapshot.covered_count, snapshot.all_met) == (1, 0, False)


def test_a_burst_of_changes_queues_one_recompute(agency_a):
    with mock.patch.object(tasks.recompute_agency, "apply_async") as queued:
        for _ in range(5):
            tasks.schedule_recompute(agency_a.pk)
    assert queued.call_count == 1


def test_with_the_broker_down_the_change_still_commits_and_the_next_change_retries(agency_a):
    with mock.patch.object(
        tasks.recompute_agency, "apply_async", side_effect=ConnectionError("broker down")
    ) as queued:
        tasks.schedule_recompute(agency_a.pk)  # logged, not raised
        tasks.schedule_recompute(agency_a.pk)
    assert queued.call_count == 2  # nothing left "pending" for a task that never ran


def test_the_nightly_recompute_covers_every_agency(agency_a, agency_b):
    meets_everything(agency_a)
    assert tasks.recompute_all_agencies() >= 2
    assert ProgressSnapshot.all_agencies.get(agency=agency_a).all_met
    assert not ProgressSnapshot.all_agencies.get(agency=agency_b).all_met


def test_the_dashboard_shows_exact_figures_and_what_is_missing(client, agency_a, viewer):
    PersonFactory.create_batch(4, agency=agency_a)
    TrainingRecordFactory(person__agency=agency_a, course=course(CourseKind.CIT))
    login(client, viewer)

    page = client.get(url("agency_dashboard", agency_a)).content.decode()

    assert "<strong>1</strong> of 5 in scope (20.0%) · 1 needed" in page
    assert "4 people in scope have neither CIT nor MHFA (or an equivalent)." in page
    assert "No partnership (MOU)" in page and "No policy on responding" in page
    assert "<svg" in page and 'role="img"' in page
    assert "Sign the pledge" not in page  # a viewer does not sign


def test_the_dashboard_query_count_does_not_grow_with_the_roster(
    client, agency_a, coordinator, django_assert_max_num_queries
):
    sign(agency_a, coordinator)
    meets_everything(agency_a, people=1)
    login(client, coordinator)
    client.get(url("agency_dashboard", agency_a))
    with django_assert_max_num_queries(30) as small:
        client.get(url("agency_dashboard", agency_a))
    for _ in range(20):
        TrainingRecordFactory(person__agency=agency_a)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url("agency_dashboard", agency_a))


def test_a_year_of_daily_snapshots_is_charted_in_the_same_queries(
    client, agency_a, coordinator, django_assert_max_num_queries
):
    from pledges.charts import day

    sign(agency_a, coordinator)
    login(client, coordinator)
    client.get(url("agency_dashboard", agency_a))
    with django_assert_max_num_queries(30) as without_history:
        client.get(url("agency_dashboard", agency_a))
    today = agency_a.today()
    rules = ProgramRules.objects.in_force(today)
    ProgressSnapshot.all_agencies.bulk_create(
        ProgressSnapshot(agency=agency_a, day=today - timedelta(days=back), rules=rules)
        for back in range(1, 366)
    )

    with django_assert_max_num_queries(len(without_history.captured_queries)):
        page = client.get(url("agency_dashboard", agency_a)).content.decode()

    assert f"Progress from {day(today - timedelta(days=365))} to {day(today)}" in page


def test_the_coordinator_withdraws_with_a_reason(client, agency_a, coordinator):
    from tests.pages import check_page

    sign(agency_a, coordinator)
    login(client, coordinator)
    check_page(client.get(url("pledge_withdraw", agency_a)).content.decode())
    refused = client.post(url("pledge_withdraw", agency_a), {"reason": " "})
    assert "This field is required." in refused.content.decode()

    client.post(url("pledge_withdraw", agency_a), {"reason": "New chief, new plan."})

    assert Pledge.all_agencies.get().status == "withdrawn"
    assert AuditEvent.objects.get(action="pledge.withdrawn").changes["reason"][1] == (
        "New chief, new plan."
    )
    board = client.get(url("agency_dashboard", agency_a)).content.decode()
    assert "The pledge was withdrawn on" in board and "Sign a new pledge" in board


def test_frozen_people_are_flagged_as_the_pledges_rules_count_them(agency_a, coordinator):
    """Under the original rules a CRIT (CIT-equivalent) holder has no CIT."""
    pledge = sign(agency_a, coordinator)
    original = ProgramRules.objects.get(name="Original rules")
    Pledge.all_agencies.filter(pk=pledge.pk).update(rules=original)
    pledge.refresh_from_db()
    crit = TrainingRecordFactory(
        person__agency=agency_a, person__last_name="Crit", course=course(CourseKind.CIT_EQUIVALENT)
    )
    from pledges.engine import progress
    from pledges.engine.submissions import frozen_evidence

    today = agency_a.today()
    evaluation = progress.agency_evaluation(agency_a, today, rules=original)
    frozen = frozen_evidence(agency_a, pledge, evaluation, today)

    assert evaluation["cit"].count == 0
    assert frozen["people"] == [
        [crit.person.employee_id, "Crit", crit.person.first_name, False, False]
    ]


def test_a_pledged_pledge_cannot_be_submitted_after_its_target_date(agency_a, coordinator):
    meets_everything(agency_a)
    pledge = sign(agency_a, coordinator)
    Pledge.all_agencies.filter(pk=pledge.pk).update(target_date=agency_a.today() - timedelta(1))
    pledge.refresh_from_db()
    with pytest.raises(ValidationError, match="has passed"):
        services.pledge_submit(agency=agency_a, actor=coordinator, pledge=pledge)


def test_a_returned_pledge_has_30_days_to_resubmit_even_past_its_target(agency_a, coordinator):
    from django.utils import timezone

    meets_everything(agency_a)
    pledge = sign(agency_a, coordinator)
    Pledge.all_agencies.filter(pk=pledge.pk).update(
        status="returned", target_date=agency_a.today() - timedelta(10)
    )
    pledge.refresh_from_db()
    assert services.lapse_overdue_pledges(agency_a.today()) == 0  # still in its grace
    assert services.pledge_submit(agency=agency_a, actor=coordinator, pledge=pledge).pk

    Pledge.all_agencies.filter(pk=pledge.pk).update(
        status="returned", status_changed_at=timezone.now() - timedelta(days=40)
    )
    assert services.lapse_overdue_pledges(agency_a.today()) == 1


def test_one_pledge_changing_mid_run_does_not_stop_the_others_lapsing(
    agency_a, agency_b, coordinator, coordinator_b
):
    first, second = sign(agency_a, coordinator), sign(agency_b, coordinator_b)
    later = max(first.target_date, second.target_date) + timedelta(days=1)
    real_move = lifecycle.move

    def submitted_meanwhile(pledge, to, **kwargs):
        if pledge.pk == first.pk:
            Pledge.all_agencies.filter(pk=pledge.pk).update(status="submitted")
        return real_move(pledge, to, **kwargs)

    with mock.patch.object(lifecycle, "move", side_effect=submitted_meanwhile):
        assert services.lapse_overdue_pledges(later) == 1
    assert Pledge.all_agencies.get(pk=second.pk).status == "lapsed"
    assert Pledge.all_agencies.get(pk=first.pk).status != "lapsed"


def test_with_the_cache_down_too_the_change_still_stands(agency_a):
    with mock.patch.object(tasks.cache, "add", side_effect=ConnectionError("redis down")):
        tasks.schedule_recompute(agency_a.pk)  # logged, not raised


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_draft_signed_twice_at_once_is_signed_once(agency_a, coordinator):
    Pledge.all_agencies.create(
        agency=agency_a,
        rules=ProgramRules.objects.in_force(agency_a.today()),
        target_date=add_months(agency_a.today(), 24),
        chief_name="Ana Rivera",
        chief_title="Chief of Police",
    )

    first, second = in_the_worst_order(
        lambda: sign(agency_a, coordinator),
        lambda: sign(agency_a, coordinator, signature="Someone Else"),
        pause_before=(Pledge, "save"),
    )

    assert isinstance(first, Pledge)
    assert isinstance(second, ValidationError)
    assert second.messages == ["Your agency already has an open pledge."]
    assert Pledge.all_agencies.get().signature == "Dana Whitfield"
    assert AuditEvent.objects.filter(action="pledge.pledged").count() == 1
