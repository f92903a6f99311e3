"""The probes: /healthz reports every dependency (503 naming what is down), /readyz only what
pages cannot do without (the database), /livez only that the process answers."""

import time
from datetime import timedelta

import pytest
import time_machine
from celery.beat import Scheduler
from celery.contrib.testing.worker import start_worker
from django.contrib.auth.models import Group
from django.utils import timezone

from agencies.models import Heartbeat
from agencies.staff import REVIEWER_GROUP
from agencies.tasks import heartbeat
from onemind.celery import app as celery_app
from tests.conftest import broker_at, deadline, login, redis_at
from tests.factories import UserFactory

DEPENDENCIES = ["database", "cache", "broker", "beat", "worker"]
PROBES = ["/livez", "/readyz", "/healthz"]


def heartbeats(at=None):
    for process in Heartbeat.Process:
        Heartbeat.objects.update_or_create(process=process, defaults={"at": at or timezone.now()})


def checks(response) -> dict:
    return response.json()["checks"]


def test_healthz_answers_200_when_every_dependency_answers(client, db):
    heartbeats()
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {name: {"status": "ok"} for name in DEPENDENCIES},
    }
    assert response["Cache-Control"] == "no-store"


@pytest.mark.redis
def test_healthz_answers_200_with_redis_as_cache_and_broker(client, db, settings):
    assert settings.CACHES["default"]["BACKEND"] == "onemind.cache.OutageTolerantRedisCache"
    assert celery_app.conf.broker_url.startswith("redis://")
    heartbeats()
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json()["status"] == "ok"


def test_healthz_names_the_cache_and_the_broker_when_redis_is_down(client, db, redis_down):
    heartbeats()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "failed"
    assert checks(response) == {
        "database": {"status": "ok"},
        "cache": {"status": "failed", "reason": "unreachable (ConnectionError)"},
        "broker": {"status": "failed", "reason": "unreachable (OperationalError)"},
        "beat": {"status": "ok"},
        "worker": {"status": "ok"},
    }


def test_a_hung_redis_does_not_hold_healthz(client, db, redis_hung):
    """Each probe has its own timeouts: the cache's first call and the broker's PING each
    wait half a second."""
    heartbeats()
    with deadline(2.5):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert checks(response)["cache"] == {"status": "failed", "reason": "unreachable (TimeoutError)"}
    assert checks(response)["broker"]["status"] == "failed"


def test_probes_never_show_where_redis_is_or_its_password(client, db, settings):
    with redis_at(settings, "redis://:s3cret-word@127.0.0.1:1/0"):
        for path in PROBES:
            body = client.get(path).content.decode()
            assert "s3cret-word" not in body and "127.0.0.1" not in body
        assert client.get("/healthz").status_code == 503


def test_a_stale_or_missing_heartbeat_fails_healthz(client, db):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        heartbeats()
    with time_machine.travel(start + timedelta(minutes=4), tick=False):
        Heartbeat.objects.filter(process="beat").update(at=timezone.now())
    with time_machine.travel(start + timedelta(minutes=5, seconds=1), tick=False):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert checks(response)["beat"] == {"status": "ok"}
    assert checks(response)["worker"] == {
        "status": "failed",
        "reason": "last seen 301 seconds ago",
    }
    Heartbeat.objects.filter(process="beat").delete()
    with time_machine.travel(start + timedelta(minutes=5), tick=False):
        response = client.get("/healthz")
    assert checks(response)["beat"] == {"status": "failed", "reason": "never seen"}
    assert checks(response)["worker"] == {"status": "ok"}


def test_readyz_and_livez_stay_200_while_redis_and_the_workers_are_down(
    client, db, redis_down, django_assert_num_queries
):
    """A web process serves pages without Redis and without workers, so a load balancer
    must keep sending it requests; /healthz tells the people on call."""
    assert client.get("/healthz").status_code == 503
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": {"status": "ok"}}}
    with django_assert_num_queries(0):
        assert client.get("/livez").content == b"ok"


def test_probes_are_not_redirected_to_https(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True
    heartbeats()
    for path in PROBES:
        assert client.get(path).status_code == 200, path
    assert client.get("/").status_code == 301


def test_probes_answer_staff_who_have_not_enrolled_an_authenticator(client, db):
    """Everything else sends them to enrol first."""
    heartbeats()
    user = UserFactory(email="new.reviewer@onemind.example")
    user.groups.add(Group.objects.get(name=REVIEWER_GROUP))
    login(client, user)
    for path in PROBES:
        assert client.get(path).status_code == 200, path


def test_beat_sending_the_heartbeat_and_a_worker_running_it_are_recorded(client, db):
    assert not Heartbeat.objects.exists()
    with broker_at("memory://"):
        scheduler = Scheduler(app=celery_app)
        scheduler.apply_entry(scheduler.schedule["heartbeat"], producer=scheduler.producer)
    assert list(Heartbeat.objects.values_list("process", flat=True)) == ["beat"]
    heartbeat.delay()  # run in-process, as a worker runs it
    assert client.get("/healthz").status_code == 200


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_beat_and_a_worker_through_redis_keep_healthz_ok(client):
    celery_app.conf.task_always_eager = False
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        scheduler = Scheduler(app=celery_app)
        scheduler.apply_entry(scheduler.schedule["heartbeat"], producer=scheduler.producer)
        until = time.monotonic() + 20
        while not Heartbeat.objects.filter(process="worker").exists():
            assert time.monotonic() < until, "no worker ran the heartbeat"
            time.sleep(0.05)
    assert client.get("/healthz").status_code == 200
