"""Agency API tokens: created by the coordinator, shown once, stored as a digest, scoped,
expiring, revocable, their last use kept — and each step in the agency's trail."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from agencies.models import ApiToken, AuditEvent, Role, TokenScope
from agencies.tokens import services
from tests.conftest import login, member


def create_page(agency):
    return reverse("api_token_list", kwargs={"agency_slug": agency.slug})


def a_token(agency, actor, scopes=(TokenScope.READ,), valid_days=90):
    return services.token_create(
        agency=agency, actor=actor, name="RMS nightly sync", scopes=list(scopes),
        valid_days=valid_days,
    )  # fmt: skip


def test_the_coordinator_creates_a_token_that_is_shown_once(client, agency_a, coordinator):
    login(client, coordinator)
    response = client.post(
        create_page(agency_a),
        {"name": "RMS nightly sync", "scopes": ["read", "write_people"], "valid_days": "90"},
    )
    assert response.status_code == 302
    token = ApiToken.all_agencies.get(agency=agency_a)
    assert token.scopes == ["read", "write_people"]

    shown = client.get(create_page(agency_a)).content.decode()
    text = shown.split('<code class="api-token"')[1].split(">", 1)[1].split("<", 1)[0]
    assert text.startswith(f"om_{agency_a.public_id.hex}_")
    assert services.token_in_use(text) == token
    # Only a digest is kept, and the text is not shown again.
    assert text not in (token.digest, token.prefix) and token.prefix in text
    assert text not in client.get(create_page(agency_a)).content.decode()
    created = AuditEvent.objects.get(action="api_token.created")
    assert (created.agency, created.actor) == (agency_a, coordinator)
    assert text not in str(created.changes)


def test_a_token_needs_something_it_may_do(client, agency_a, coordinator):
    login(client, coordinator)
    response = client.post(create_page(agency_a), {"name": "Sync", "valid_days": "90"})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert not ApiToken.all_agencies.exists()
    with pytest.raises(ValidationError):
        a_token(agency_a, coordinator, scopes=["everything"])
    with pytest.raises(ValidationError):
        a_token(agency_a, coordinator, valid_days=10_000)


@pytest.mark.parametrize("role", [Role.EDITOR, Role.VIEWER])
def test_only_the_coordinator_manages_tokens(client, agency_a, coordinator, role):
    token, _ = a_token(agency_a, coordinator)
    login(client, member(agency_a, role, f"{role}@millbrook.example"))
    assert client.get(create_page(agency_a)).status_code == 403
    revoke = reverse(
        "api_token_revoke", kwargs={"agency_slug": agency_a.slug, "token_id": token.public_id}
    )
    assert client.post(revoke).status_code == 403
    token.refresh_from_db()
    assert token.revoked_at is None


def test_a_revoked_token_stops_at_once(client, agency_a, coordinator):
    token, text = a_token(agency_a, coordinator)
    login(client, coordinator)
    revoke = reverse(
        "api_token_revoke", kwargs={"agency_slug": agency_a.slug, "token_id": token.public_id}
    )
    client.post(revoke)
    assert services.token_in_use(text) is None
    assert "already revoked" in client.get(client.post(revoke, follow=False).url).content.decode()
    assert AuditEvent.objects.filter(action="api_token.revoked").count() == 1


def test_what_is_not_a_live_token_is_refused(agency_a, agency_b, coordinator):
    token, text = a_token(agency_a, coordinator)
    secret = text.split("_", 2)[2]
    for presented in [
        "",
        "Bearer " + text,
        text[:-1] + ("A" if text[-1] != "A" else "B"),  # a secret guessed wrong
        f"om_{agency_b.public_id.hex}_{secret}",  # the secret under another agency
        f"om_not-a-uuid_{secret}",
        "om__",
    ]:
        assert services.token_in_use(presented) is None, presented
    assert services.token_in_use(text) == token


def test_a_token_expires_and_notes_its_last_use_once_a_minute(agency_a, coordinator):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        token, text = a_token(agency_a, coordinator, valid_days=30)
        assert services.token_in_use(text).last_used_at == timezone.now()
        first_use = timezone.now()
        clock.shift(timedelta(seconds=30))
        services.token_in_use(text)
        token.refresh_from_db()
        assert token.last_used_at == first_use
        clock.shift(timedelta(minutes=2))
        services.token_in_use(text)
        token.refresh_from_db()
        assert token.last_used_at == timezone.now()
        clock.shift(timedelta(days=30))
        assert services.token_in_use(text) is None
        token.refresh_from_db()
        assert token.status == "expired"


def test_a_change_through_the_api_names_its_token_in_the_trail(agency_a, coordinator):
    from agencies.audit import record_event

    token, _text = a_token(agency_a, coordinator)
    event = record_event(action="person.created", actor=token, agency=agency_a)
    event.refresh_from_db()
    assert (event.actor, event.api_token) == (None, token)
    assert event.actor_email == f"API token “RMS nightly sync” ({token.prefix}…)"
