"""Personas, as the product's users are: a coordinator, an editor and a viewer of agency A;
a coordinator of agency B; a program reviewer and administrator; a stranger."""

import os
import signal
import socket
import time
from contextlib import ExitStack, contextmanager
from types import SimpleNamespace

import pytest
from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.contrib.auth.models import Group

from agencies.models import Role
from agencies.staff import ADMINISTRATOR_GROUP, REVIEWER_GROUP
from onemind.celery import app as celery_app
from onemind.settings import redis_cache
from tests.factories import AgencyFactory, MembershipFactory, UserFactory

SERVICES = {
    "postgres": ("PostgreSQL", lambda: os.environ.get("DATABASE_URL", "").startswith("postgres")),
    "redis": ("Redis", lambda: bool(os.environ.get("REDIS_URL"))),
}


# What the migrations seed: the program rules, the course catalogue, the staff groups (and
# what they may do), the library's topics.
SEEDS = [
    ("agencies.migrations.0002_staff_groups", "create_groups"),
    ("assistance.migrations.0002_library", "seed_topics"),
    ("assistance.migrations.0003_requests", "grant_to_staff"),
    ("training.migrations.0002_seed_courses", "seed"),
    ("training.migrations.0007_mhfa_for_public_safety_hours", "six_and_a_half"),
    ("pledges.migrations.0003_seed_program_rules", "seed"),
    ("pledges.migrations.0009_seed_rules_2019_2022", "seed"),
]


def restore_program_seeds() -> None:
    """Put back what the migrations seed, after a transactional test emptied every table."""
    from importlib import import_module

    from django.apps import apps

    from pledges.models import ProgramRules

    if not ProgramRules.objects.exists():
        for module, function in SEEDS:
            getattr(import_module(module), function)(apps, None)


def migration(app: str, name: str):
    """A migration's module, and the models as they stood once it had run: to call its data
    steps on the test database."""
    from importlib import import_module

    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    state = MigrationExecutor(connection).loader.project_state((app, name))
    return import_module(f"{app}.migrations.{name}"), state.apps


def pytest_configure(config):
    # Staff dashboards read from a `replica` database when one is configured. The tests
    # configure one as a mirror of the test database (as a streaming replica would be);
    # tests marked `replica` route to it, the others see no replica (see below).
    from django.conf import settings

    settings.DATABASES.setdefault(
        "replica", {**settings.DATABASES["default"], "TEST": {"MIRROR": "default"}}
    )


@pytest.fixture(autouse=True)
def _program_seeds_in_transactional_tests(request):
    """A transactional test empties every table when it ends: the next one starts again from
    what the migrations seed, as every other test does, whichever ran before it."""
    marker = request.node.get_closest_marker("django_db")
    if marker and marker.kwargs.get("transaction"):
        request.getfixturevalue("_django_db_helper")
        restore_program_seeds()


@pytest.fixture(autouse=True)
def _replica_only_where_marked(request):
    """Outside tests marked `replica`, the router finds no replica configured."""
    from django.conf import settings

    if request.node.get_closest_marker("replica"):
        yield
        return
    replica = settings.DATABASES.pop("replica", None)
    yield
    if replica is not None:
        settings.DATABASES["replica"] = replica


def pytest_collection_modifyitems(config, items):
    """Tests that need a service run when it is configured, and are deselected (with a
    line saying so) when it is not. REQUIRE_SERVICES=true makes a missing one an error."""
    missing = {marker for marker, (_, available) in SERVICES.items() if not available()}
    if not missing:
        return
    deselected = [item for item in items if missing & {m.name for m in item.iter_markers()}]
    if not deselected:
        return
    names = ", ".join(SERVICES[m][0] for m in sorted(missing))
    if os.environ.get("REQUIRE_SERVICES", "").lower() in {"1", "true", "yes"}:
        raise pytest.UsageError(f"REQUIRE_SERVICES is set but {names} is not configured.")
    config.hook.pytest_deselected(items=deselected)
    items[:] = [item for item in items if item not in deselected]
    config._service_note = (
        f"{len(deselected)} tests need {names}: set DATABASE_URL / REDIS_URL to run them."
    )


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    note = getattr(config, "_service_note", None)
    if note:
        terminalreporter.write_line(note)


@pytest.fixture(autouse=True)
def _celery_eager():
    """Tasks run in-process in tests, except where a test starts a real worker."""
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


# A port where nothing listens: Redis refuses every connection, as when it is down.
DEAD_REDIS = "redis://127.0.0.1:1/0"


@contextmanager
def broker_at(url: str, transport_options: dict | None = None):
    """Tasks sent to the broker at `url`, as outside tests (not run in-process)."""
    conf = celery_app.conf
    saved = conf.broker_url, conf.broker_transport_options, conf.task_always_eager
    conf.broker_url = url
    conf.broker_transport_options = transport_options or {}
    conf.task_always_eager = False
    _forget_broker_connections()
    try:
        yield
    finally:
        conf.broker_url, conf.broker_transport_options, conf.task_always_eager = saved
        _forget_broker_connections()


def _forget_broker_connections():
    """Celery keeps its pools of the broker's connections and producers once made: the next
    send makes them again, for the broker now configured."""
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@contextmanager
def redis_at(settings, url: str):
    """Production's cache and broker, Redis at `url`, configured as settings.py does."""
    settings.CACHES = {"default": redis_cache(url)}
    with broker_at(url, settings.REDIS_BROKER_TRANSPORT_OPTIONS):
        yield


@pytest.fixture
def redis_down(settings):
    """Redis (the cache and the broker) is down: its port refuses connections."""
    with redis_at(settings, DEAD_REDIS):
        yield


@pytest.fixture
def redis_hung(settings):
    """Redis accepts connections and never answers (a hung server, a half-open connection):
    the kernel completes the handshakes on a listening socket nobody reads."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(64)
        with redis_at(settings, f"redis://127.0.0.1:{server.getsockname()[1]}/0"):
            yield


@pytest.fixture
def broker_down(settings):
    """The broker is unreachable (a closed port), with production's broker settings: sending
    a task fails at once. `broker_down.back()` brings it back (tasks run in-process again)."""
    with ExitStack() as outage:
        outage.enter_context(broker_at(DEAD_REDIS, settings.REDIS_BROKER_TRANSPORT_OPTIONS))
        yield SimpleNamespace(back=outage.close)


@contextmanager
def deadline(seconds: float):
    """Fails the block if it is still running after `seconds` (interrupting what it waits for)."""

    def expire(signum, frame):
        raise AssertionError(f"still waiting after {seconds} seconds")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture
def private_files(tmp_path, settings):
    """A fresh private storage folder for the test; returns the paths stored in it."""
    root = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**settings.STORAGES["default"], "OPTIONS": {"location": str(root)}},
    }

    def stored() -> list[str]:
        return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())

    return stored


@pytest.fixture
def agency_a(db):
    return AgencyFactory(name="Millbrook Police Department", slug="millbrook-pd", region="NY")


@pytest.fixture
def agency_b(db):
    return AgencyFactory(name="Harlan County Sheriff's Office", slug="harlan-so", region="KY")


def member(agency, role, email):
    return MembershipFactory(agency=agency, role=role, user=UserFactory(email=email)).user


@pytest.fixture
def coordinator(agency_a):
    return member(agency_a, Role.COORDINATOR, "coordinator@millbrook.example")


@pytest.fixture
def editor(agency_a):
    return member(agency_a, Role.EDITOR, "editor@millbrook.example")


@pytest.fixture
def viewer(agency_a):
    return member(agency_a, Role.VIEWER, "viewer@millbrook.example")


@pytest.fixture
def coordinator_b(agency_b):
    return member(agency_b, Role.COORDINATOR, "coordinator@harlan.example")


@pytest.fixture
def stranger(db):
    return UserFactory(email="stranger@elsewhere.example")


def totp_code(secret: str) -> str:
    """The code an authenticator app shows now for `secret`."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def with_totp(user):
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    user.totp_secret = secret
    return user


@pytest.fixture
def reviewer(db):
    user = UserFactory(email="reviewer@onemind.example")
    user.groups.add(Group.objects.get(name=REVIEWER_GROUP))
    return with_totp(user)


@pytest.fixture
def administrator(db):
    user = UserFactory(email="administrator@onemind.example")
    user.groups.add(Group.objects.get(name=ADMINISTRATOR_GROUP))
    return with_totp(user)


def login(client, user, *, mfa: bool = False):
    """Sign `user` in; with mfa=True the session carries allauth's record of a second factor."""
    client.force_login(user)
    session = client.session
    records = [{"method": "password", "at": time.time(), "email": user.email}]
    if mfa:
        authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
        records.append({"method": "mfa", "at": time.time(), "id": authenticator.pk, "type": "totp"})
    session[AUTHENTICATION_METHODS_SESSION_KEY] = records
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()
    return client


class Inbox:
    """What a real SMTP server (aiosmtpd, on loopback) received, as parsed messages."""

    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    @property
    def messages(self):
        import email
        from email import policy

        return [email.message_from_bytes(e.content, policy=policy.default) for e in self.envelopes]

    def to(self, address: str) -> list:
        return [m for m in self.messages if m["To"] == address]


@pytest.fixture
def smtp_inbox(settings):
    """A real SMTP server for the test; the product's mailer is pointed at it."""
    import socket

    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 10},
        }
    }
    yield inbox
    controller.stop()
