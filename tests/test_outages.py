"""Redis down or hung, as cache and as broker: every page still works from the database, a
committed change stays committed, and nothing waits long on the dead server."""

import logging
import os
import time

import pytest
import redis
import time_machine
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from kombu.exceptions import OperationalError

from agencies.models import Agency, Invitation, User
from onemind import cache as shared_cache
from onemind.cache import OutageTolerantRedisCache
from pledges import services as pledge_services
from pledges.models import Certificate
from pledges.tasks import recompute_agency
from tests.conftest import DEAD_REDIS, deadline, login, redis_at, totp_code
from tests.factories import PASSWORD, ImportBatchFactory, meets_everything, sign
from tests.forms import sign_up
from training.models import ImportBatch, ImportState, Person

LOGIN = "/accounts/login/"
NEW_PERSON = {
    "employee_id": "1042",
    "first_name": "Maria",
    "last_name": "Delgado",
    "email": "",
    "rank": "Officer",
    "category": "sworn",
    "position": "patrol",
    "hire_date": "2019-06-03",
}


def agency_url(name, agency, **kwargs):
    return reverse(name, kwargs={"agency_slug": agency.slug, **kwargs})


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def cache_warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "onemind.cache"]


def test_signing_in_and_working_while_redis_is_down(client, redis_down, agency_a, coordinator):
    pages = [
        agency_url("agency_dashboard", agency_a),
        agency_url("roster", agency_a),
        agency_url("member_list", agency_a),
        reverse("directory"),
    ]
    assert client.get(LOGIN).status_code == 200
    response = client.post(LOGIN, {"login": coordinator.email, "password": PASSWORD})
    assert response.status_code == 302 and signed_in(client)
    assert client.get("/")["Location"] == agency_url("agency_dashboard", agency_a)
    for page in pages:
        assert client.get(page).status_code == 200, page
    assert client.post(reverse("account_logout")).status_code == 302
    assert not signed_in(client)
    assert client.get(agency_url("roster", agency_a)).status_code == 302  # to sign in


@pytest.mark.redis
def test_a_sign_out_while_redis_is_down_stays_a_sign_out_when_it_is_back(
    client, settings, agency_a, coordinator
):
    """A session kept in the cache would outlive a sign-out whose cache delete was dropped,
    and a stolen cookie would work again once Redis answered."""
    page = agency_url("roster", agency_a)
    with redis_at(settings, os.environ["REDIS_URL"]):
        client.post(LOGIN, {"login": coordinator.email, "password": PASSWORD})
        assert client.get(page).status_code == 200
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    with redis_at(settings, DEAD_REDIS):
        assert client.post(reverse("account_logout")).status_code == 302
    with redis_at(settings, os.environ["REDIS_URL"]):
        client.cookies[settings.SESSION_COOKIE_NAME] = cookie
        assert client.get(page).status_code == 302  # to sign in


def test_the_outage_is_logged_once_not_on_every_call(client, coordinator, redis_down, caplog):
    caplog.set_level(logging.INFO, logger="onemind.cache")
    client.post(LOGIN, {"login": coordinator.email, "password": PASSWORD})
    for _ in range(3):
        client.get("/")
    [warning] = cache_warnings(caplog)
    assert "The cache (Redis) is unreachable" in warning
    assert "sign-in throttling by client address is off" in warning


def test_signing_up_and_resetting_a_password_while_redis_is_down(client, redis_down, editor):
    response = sign_up(client, email="new@agency.example")
    assert response.status_code == 302
    assert User.objects.filter(email="new@agency.example").exists()
    response = client.post(reverse("account_reset_password"), {"email": editor.email})
    assert response.status_code == 302
    assert any("/password/reset/key/" in message.body for message in mail.outbox)


def test_staff_sign_in_with_totp_and_open_staff_pages_while_redis_is_down(
    client, redis_down, reviewer
):
    response = client.post(LOGIN, {"login": reviewer.email, "password": PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate")
    # The code and its check in one 30-second step, whenever the test runs.
    with time_machine.travel(time.time(), tick=False):
        code = totp_code(reviewer.totp_secret)
        response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert response.status_code == 302
    assert client.get(reverse("staff:dashboard")).status_code == 200
    assert client.get(reverse("staff:program_dashboard")).status_code == 200


def test_throttling_by_address_gives_way_to_the_lockout_while_redis_is_down(
    client, redis_down, editor
):
    """allauth's limit (10 failures a minute per client address) lives in the cache: without
    it sign-ins go on, and the lockout per address, in the database, still locks."""
    for email, times in [("a@elsewhere.example", 4), ("b@elsewhere.example", 4), (editor.email, 3)]:
        for _ in range(times):
            client.post(LOGIN, {"login": email, "password": "not-the-password"})
    response = client.post(LOGIN, {"login": editor.email, "password": PASSWORD})
    assert response.status_code == 302 and signed_in(client)
    client.post(reverse("account_logout"))
    for _ in range(5):
        response = client.post(LOGIN, {"login": "c@elsewhere.example", "password": "wrong"})
    assert "This account is locked" in response.content.decode()


def test_changes_commit_while_the_broker_is_down(
    client, agency_a, coordinator, redis_down, django_capture_on_commit_callbacks
):
    """Each change below sends a task once it has committed: the send fails and is logged,
    and the page answers as usual."""
    login(client, coordinator)
    batch = ImportBatchFactory(agency=agency_a, uploaded_by=coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        added = client.post(agency_url("person_create", agency_a), NEW_PERSON)
        invited = client.post(
            agency_url("member_invite", agency_a),
            {"email": "new.colleague@millbrook.example", "role": "viewer"},
        )
        confirmed = client.post(agency_url("import_confirm", agency_a, batch_id=batch.public_id))
    assert added.status_code == invited.status_code == confirmed.status_code == 302
    assert Person.all_agencies.filter(employee_id="1042").exists()
    assert Invitation.all_agencies.filter(email="new.colleague@millbrook.example").exists()
    assert ImportBatch.all_agencies.get(pk=batch.pk).state == ImportState.QUEUED


def test_an_approval_commits_while_the_broker_is_down(
    client, agency_a, coordinator, reviewer, redis_down, django_capture_on_commit_callbacks
):
    """Approval sends the certificate's rendering once it has committed."""
    meets_everything(agency_a)
    Agency.objects.filter(pk=agency_a.pk).update(verified=True)
    pledge = sign(agency_a, coordinator)
    submission = pledge_services.pledge_submit(agency=agency_a, actor=coordinator, pledge=pledge)
    login(client, reviewer, mfa=True)
    review = reverse("staff:review_detail", kwargs={"submission_id": submission.public_id})
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(review, {"decision": "approve"}).status_code == 302
    assert Certificate.all_agencies.filter(agency=agency_a).exists()


def test_a_task_sent_to_a_dead_broker_fails_at_once(redis_down):
    """Celery's and kombu's defaults retry a refused send for about six seconds, inside the
    request that committed; the bound here is generous and only catches that."""
    with deadline(2), pytest.raises(OperationalError):
        recompute_agency.apply_async((1,))


def test_a_hung_redis_costs_a_page_well_under_its_timeouts(
    client, redis_hung, agency_a, coordinator
):
    """The first call waits for the socket timeout; later ones leave Redis alone a while."""
    with deadline(3):
        response = client.post(LOGIN, {"login": coordinator.email, "password": PASSWORD})
        assert response.status_code == 302
        assert client.get(agency_url("agency_dashboard", agency_a)).status_code == 200


def test_redis_down_reads_as_a_cache_that_keeps_nothing(redis_down):
    """As Django's DummyCache: what allauth's throttling, the recompute's coalescing and the
    outbox's lock expect of a cache, so each goes on without it."""
    assert cache.add("key", 1) is True
    assert cache.get("key") is None and cache.get("key", "default") == "default"
    cache.set("key", 1)
    assert "key" not in cache
    assert cache.get_many(["key"]) == {}
    assert cache.set_many({"key": 1}) == []
    assert cache.get_or_set("key", 2) == 2
    assert cache.touch("key") is False and cache.delete("key") is False
    cache.delete_many(["key"])
    with pytest.raises(ValueError):
        cache.incr("key")
    assert cache.clear() is False


class RedisThatComesBack:
    """Stands in for the connection to Redis: refused until `up`, then keeps values."""

    def __init__(self):
        self.up, self.values, self.calls = False, {}, 0

    def _answer(self):
        self.calls += 1
        if not self.up:
            raise redis.ConnectionError("Connection refused.")

    def get(self, key, default):
        self._answer()
        return self.values.get(key, default)

    def set(self, key, value, timeout):
        self._answer()
        self.values[key] = value


def test_after_a_failure_redis_is_left_alone_a_while_then_used_again(monkeypatch, caplog):
    caplog.set_level(logging.INFO, logger="onemind.cache")
    now = [1000.0]
    monkeypatch.setattr(shared_cache, "clock", lambda: now[0])
    backend = OutageTolerantRedisCache(DEAD_REDIS, {})
    server = backend.__dict__["_cache"] = RedisThatComesBack()
    assert backend.get("key") is None
    now[0] += OutageTolerantRedisCache.RETRY_SECONDS - 1
    server.up = True
    assert backend.get("key") is None
    assert server.calls == 1  # a dead Redis costs one attempt, not one per call
    now[0] += 1
    backend.set("key", "kept")
    assert backend.get("key") == "kept"
    assert [r.levelname for r in caplog.records] == ["WARNING", "INFO"]
    assert "reachable again" in caplog.records[-1].getMessage()
