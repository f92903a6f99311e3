"""The dashboard's evaluation comes from the shared cache until the agency's evidence
changes; a committed change shows at once, and an unreachable cache changes nothing."""

from unittest import mock

from django.urls import reverse

from pledges.engine import evaluation_cache
from tests.conftest import login
from tests.factories import PersonFactory, TrainingRecordFactory, course
from training import services as training_services
from training.models import CourseKind


def dashboard(client, agency):
    return client.get(reverse("agency_dashboard", kwargs={"agency_slug": agency.slug}))


def test_an_unchanged_agency_is_evaluated_once(client, agency_a, viewer):
    TrainingRecordFactory(person__agency=agency_a, course=course(CourseKind.CIT))
    login(client, viewer)
    evaluate_now = evaluation_cache.progress.agency_evaluation
    with mock.patch.object(
        evaluation_cache.progress, "agency_evaluation", wraps=evaluate_now
    ) as evaluate:
        first = dashboard(client, agency_a).content.decode()
        second = dashboard(client, agency_a).content.decode()
    assert evaluate.call_count == 1
    assert "<strong>1</strong> of 1 in scope" in first
    assert "<strong>1</strong> of 1 in scope" in second


def test_a_committed_change_shows_at_once(
    client, agency_a, editor, viewer, django_capture_on_commit_callbacks
):
    person = PersonFactory(agency=agency_a, employee_id="A-1")
    login(client, viewer)
    assert "<strong>0</strong> of 1 in scope" in dashboard(client, agency_a).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        training_services.class_record(
            agency=agency_a,
            actor=editor,
            course=course(CourseKind.CIT),
            completed_on=agency_a.today(),
            people=[person],
        )

    assert "<strong>1</strong> of 1 in scope" in dashboard(client, agency_a).content.decode()


def test_another_agencys_change_leaves_this_one_cached(agency_a, agency_b):
    rules = mock.Mock(pk=1)
    with mock.patch.object(evaluation_cache.progress, "agency_evaluation", return_value="a"):
        evaluation_cache.evaluation(agency_a, agency_a.today(), rules)
    evaluation_cache.evidence_changed(agency_b.pk)
    with mock.patch.object(evaluation_cache.progress, "agency_evaluation") as evaluate:
        assert evaluation_cache.evaluation(agency_a, agency_a.today(), rules) == "a"
    assert not evaluate.called


def test_with_the_cache_unreachable_the_dashboard_is_evaluated_directly(client, agency_a, viewer):
    PersonFactory(agency=agency_a)
    login(client, viewer)
    with mock.patch.object(evaluation_cache.cache, "get", side_effect=ConnectionError("down")):
        response = dashboard(client, agency_a)
    assert response.status_code == 200
    assert "<strong>0</strong> of 1 in scope" in response.content.decode()
    with mock.patch.object(evaluation_cache.cache, "set", side_effect=ConnectionError("down")):
        evaluation_cache.evidence_changed(agency_a.pk)  # logged, not raised
