"""Writes for webhooks, each with its audit event; and `emit`, which the apps call in the
transaction of a change."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.audit import record_event
from agencies.models import Agency, User
from agencies.regions.models import MemberAgency, MemberAgencyStatus, Region, Sharing
from agencies.webhooks import network, signing
from agencies.webhooks.models import (
    PING,
    DeliveryStatus,
    EventType,
    RegionWebhookDelivery,
    RegionWebhookEndpoint,
    WebhookDelivery,
    WebhookEndpoint,
)

# How long the secret before a rotation still signs requests, beside the new one.
ROTATION_OVERLAP = timedelta(hours=24)
# Enough for a records system, a dashboard and a test receiver; more is a mistake.
MAX_ENDPOINTS = 10
# The namespace of the ids of events that happen once per object (a certificate's issue):
# the same event written twice has the same id, and is delivered once.
EVENT_NAMESPACE = uuid.UUID("5b0c6b7e-2f4a-4f3e-9d3b-1c8e4a7d2e10")


def event_id_for(*parts: object) -> uuid.UUID:
    return uuid.uuid5(EVENT_NAMESPACE, ":".join(map(str, parts)))


def _check(url: str, events: list[str]) -> list[str]:
    errors = {}
    try:
        network.destination(url)
    except network.UnsafeDestination as refusal:
        errors["url"] = str(refusal)
    events = sorted(set(events))
    if not events or not set(events) <= set(EventType.values):
        errors["events"] = _("Choose the events to send.")
    if errors:
        raise ValidationError(errors)
    return events


def _payload(event_type: str, data: dict, at) -> dict:
    return {"type": event_type, "timestamp": at.isoformat(), "data": data}


def emit(agency: Agency | int, event_type: str, data: dict, *, event_id=None) -> int:
    """Write the event for each of the agency's endpoints that wants it, and for each
    endpoint of a region the agency is a member of now that wants it and may see it, in the
    caller's transaction; returns how many deliveries are new. An event written again with
    the same `event_id` adds nothing. The dispatcher is asked to run once the transaction
    commits."""
    if event_type not in EventType.values:
        raise ValueError(f"Unknown webhook event {event_type!r}")
    agency_id = agency if isinstance(agency, int) else agency.pk
    event_id = event_id or uuid.uuid4()
    rows = list(
        WebhookEndpoint.all_agencies.filter(agency_id=agency_id).values_list(
            "pk", "events", "agency__public_id"
        )
    )
    endpoints = [endpoint_id for endpoint_id, events, _ in rows if event_type in events]
    regional = _region_endpoints(agency_id, event_type)
    if not endpoints and not regional:
        return 0
    # Each event names its agency by its public id: a receiver may serve several agencies.
    public_id = (
        rows[0][2] if rows else Agency.objects.values_list("public_id", flat=True).get(pk=agency_id)
    )
    data = {"agency_id": str(public_id), **data}
    written = _write(agency_id, endpoints, event_type, data, event_id) if endpoints else 0
    for region_id, endpoint_ids in regional.items():
        written += _write(
            region_id, endpoint_ids, event_type, data, event_id, model=RegionWebhookDelivery
        )
    return written


# What a region sees of a member agency's events: its progress with "progress" sharing;
# an import (about the roster) only with "progress and roster".
ROSTER_EVENTS = {EventType.IMPORT_FINISHED}


def _region_endpoints(agency_id: int, event_type: str) -> dict[int, list[int]]:
    """The endpoints, by region, of the regions the agency is a member of now (and shares
    enough with) that want the event: one query."""
    members = MemberAgency.all_regions.filter(agency_id=agency_id, status=MemberAgencyStatus.MEMBER)
    if event_type in ROSTER_EVENTS:
        members = members.filter(sharing=Sharing.ROSTER)
    found: dict[int, list[int]] = {}
    for pk, region_id, events in RegionWebhookEndpoint.all_regions.filter(
        region_id__in=members.values("region_id")
    ).values_list("pk", "region_id", "events"):
        if event_type in events:
            found.setdefault(region_id, []).append(pk)
    return found


def _write(
    owner_id: int,
    endpoints: list[int],
    event_type: str,
    data: dict,
    event_id,
    *,
    model=WebhookDelivery,
) -> int:
    """The deliveries of one event to an agency's endpoints (owner: the agency) or a
    region's (model RegionWebhookDelivery, owner: the region)."""
    owner = "agency_id" if model is WebhookDelivery else "region_id"
    manager = model.all_agencies if model is WebhookDelivery else model.all_regions
    now = timezone.now()
    payload = _payload(event_type, data, now)
    existing = set(
        manager.filter(
            **{owner: owner_id}, endpoint_id__in=endpoints, event_id=event_id
        ).values_list("endpoint_id", flat=True)
    )
    rows = [
        model(
            **{owner: owner_id},
            endpoint_id=endpoint_id,
            event_id=event_id,
            event_type=event_type,
            payload=payload,
            created_at=now,
            next_attempt_at=now,
        )
        for endpoint_id in endpoints
        if endpoint_id not in existing
    ]
    # A concurrent writer of the same event loses quietly: its row is the same delivery.
    manager.bulk_create(rows, ignore_conflicts=True)
    if rows:
        transaction.on_commit(dispatch_soon)
    return len(rows)


def dispatch_soon() -> None:
    """Ask for a dispatcher run in a second; if the broker is down, the periodic one sends."""
    from agencies.tasks import dispatch_webhooks
    from onemind.enqueue import enqueue

    enqueue(dispatch_webhooks, countdown=1)


def agencies_listening(event_type: str, agency_ids: list[int]) -> set[int]:
    """Which of these agencies have an endpoint for the event, or are members of a region
    that has one (and may see it): two queries. Endpoints are few, so past a batch of ids
    reading them all is cheaper than sending the ids."""
    endpoints = WebhookEndpoint.all_agencies.all()
    if len(agency_ids) <= 2000:
        endpoints = endpoints.filter(agency_id__in=agency_ids)
    wanted = set(agency_ids)
    listening = {
        agency_id
        for agency_id, events in endpoints.values_list("agency_id", "events")
        if event_type in events and agency_id in wanted
    }
    regions = {
        region_id
        for region_id, events in RegionWebhookEndpoint.all_regions.values_list(
            "region_id", "events"
        )
        if event_type in events
    }
    if regions:
        members = MemberAgency.all_regions.filter(
            region_id__in=regions, status=MemberAgencyStatus.MEMBER
        )
        if event_type in ROSTER_EVENTS:
            members = members.filter(sharing=Sharing.ROSTER)
        listening |= {
            agency_id
            for agency_id in members.values_list("agency_id", flat=True)
            if agency_id in wanted
        }
    return listening


@dataclass(frozen=True)
class _Owner:
    """An agency or a region, as its webhooks see it: its endpoints and deliveries, the
    key they carry, and the trail its changes go to. Every write below serves both."""

    obj: Agency | Region

    @property
    def is_region(self) -> bool:
        return isinstance(self.obj, Region)

    @property
    def key(self) -> str:
        return "region_id" if self.is_region else "agency_id"

    @property
    def endpoints(self):
        return RegionWebhookEndpoint.all_regions if self.is_region else WebhookEndpoint.all_agencies

    @property
    def delivery_model(self):
        return RegionWebhookDelivery if self.is_region else WebhookDelivery

    @property
    def deliveries(self):
        model = self.delivery_model
        return model.all_regions if self.is_region else model.all_agencies

    def record(self, **event) -> None:
        record_event(**event, **({"region": self.obj} if self.is_region else {"agency": self.obj}))

    def owns(self, row, what: str) -> None:
        if getattr(row, self.key) != self.obj.pk:
            other = _("another region") if self.is_region else _("another agency")
            raise ValidationError(_("This %(what)s belongs to %(other)s.") % {
                "what": what, "other": other,
            })  # fmt: skip


def _endpoint_create(owner: _Owner, actor: User, url: str, description: str, events):
    events = _check(url, events)
    with transaction.atomic():
        if owner.endpoints.filter(**{owner.key: owner.obj.pk}).count() >= MAX_ENDPOINTS:
            most = (
                _("A region has at most %(count)d webhook endpoints.")
                if owner.is_region
                else _("An agency has at most %(count)d webhook endpoints.")
            )
            raise ValidationError(most % {"count": MAX_ENDPOINTS})
        endpoint = owner.endpoints.create(
            **{owner.key: owner.obj.pk},
            url=url,
            description=description.strip(),
            events=events,
            secret=signing.new_secret(),
            created_by=actor,
        )
        owner.record(
            action="webhook.created",
            actor=actor,
            obj=endpoint,
            values={"url": url, "description": endpoint.description, "events": events},
        )
    return endpoint


def _endpoint_update(owner: _Owner, actor: User, endpoint, url: str, description: str, events):
    owner.owns(endpoint, _("webhook endpoint"))
    events = _check(url, events)
    with transaction.atomic():
        locked = owner.endpoints.select_for_update().get(pk=endpoint.pk)
        before = {"url": locked.url, "description": locked.description, "events": locked.events}
        after = {"url": url, "description": description.strip(), "events": events}
        changes = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
        if changes:
            locked.url, locked.description, locked.events = url, after["description"], events
            locked.save(update_fields=["url", "description", "events"])
            owner.record(action="webhook.changed", actor=actor, obj=locked, changes=changes)
    return locked


def _endpoint_delete(owner: _Owner, actor: User, endpoint) -> None:
    """The endpoint and its delivery log go; nothing more is sent to it."""
    owner.owns(endpoint, _("webhook endpoint"))
    with transaction.atomic():
        owner.record(
            action="webhook.deleted", actor=actor, obj=endpoint, values={"url": endpoint.url}
        )
        owner.endpoints.filter(pk=endpoint.pk).delete()


def _secret_rotate(owner: _Owner, actor: User, endpoint):
    """A new secret; the previous one signs too for a day, time to change the receiver."""
    owner.owns(endpoint, _("webhook endpoint"))
    with transaction.atomic():
        locked = owner.endpoints.select_for_update().get(pk=endpoint.pk)
        locked.previous_secret, locked.secret = locked.secret, signing.new_secret()
        locked.previous_secret_until = timezone.now() + ROTATION_OVERLAP
        locked.save(update_fields=["secret", "previous_secret", "previous_secret_until"])
        owner.record(
            action="webhook.secret_rotated",
            actor=actor,
            obj=locked,
            values={"previous_valid_until": locked.previous_secret_until},
        )
    return locked


def _send_test_event(owner: _Owner, actor: User, endpoint):
    """A `ping` to one endpoint, to check the receiver and its signature check; it names
    its owner (the agency, or the region)."""
    owner.owns(endpoint, _("webhook endpoint"))
    with transaction.atomic():
        event_id = uuid.uuid4()
        data = {"endpoint_id": str(endpoint.public_id), owner.key: str(owner.obj.public_id)}
        _write(owner.obj.pk, [endpoint.pk], PING, data, event_id, model=owner.delivery_model)
        delivery = owner.deliveries.get(endpoint=endpoint, event_id=event_id)
        owner.record(
            action="webhook.test_sent",
            actor=actor,
            obj=endpoint,
            values={"event_id": str(event_id)},
        )
    return delivery


def _delivery_retry(owner: _Owner, actor: User, delivery):
    """Send a failed delivery again: a fresh set of attempts (audited)."""
    owner.owns(delivery, _("delivery"))
    with transaction.atomic():
        locked = owner.deliveries.select_for_update().get(pk=delivery.pk)
        if locked.status != DeliveryStatus.FAILED:
            raise ValidationError(_("Only a failed delivery can be sent again."))
        locked.status, locked.attempts, locked.claim_token = DeliveryStatus.PENDING, 0, ""
        locked.next_attempt_at = timezone.now()
        locked.save(update_fields=["status", "attempts", "claim_token", "next_attempt_at"])
        owner.record(
            action="webhook.delivery_retried",
            actor=actor,
            obj=locked.endpoint,
            values={"event_type": locked.event_type, "event_id": str(locked.event_id)},
        )
        transaction.on_commit(dispatch_soon)
    return locked


# An agency's endpoints (audited in its trail), and a region's (in the region's).


def endpoint_create(*, agency: Agency, actor: User, url: str, description: str, events):
    return _endpoint_create(_Owner(agency), actor, url, description, events)


def endpoint_update(*, agency: Agency, actor: User, endpoint, url: str, description: str, events):
    return _endpoint_update(_Owner(agency), actor, endpoint, url, description, events)


def endpoint_delete(*, agency: Agency, actor: User, endpoint) -> None:
    _endpoint_delete(_Owner(agency), actor, endpoint)


def secret_rotate(*, agency: Agency, actor: User, endpoint):
    return _secret_rotate(_Owner(agency), actor, endpoint)


def send_test_event(*, agency: Agency, actor: User, endpoint):
    return _send_test_event(_Owner(agency), actor, endpoint)


def delivery_retry(*, agency: Agency, actor: User, delivery):
    return _delivery_retry(_Owner(agency), actor, delivery)


def region_endpoint_create(*, region: Region, actor: User, url: str, description: str, events):
    return _endpoint_create(_Owner(region), actor, url, description, events)


def region_endpoint_update(
    *, region: Region, actor: User, endpoint, url: str, description: str, events
):
    return _endpoint_update(_Owner(region), actor, endpoint, url, description, events)


def region_endpoint_delete(*, region: Region, actor: User, endpoint) -> None:
    _endpoint_delete(_Owner(region), actor, endpoint)


def region_secret_rotate(*, region: Region, actor: User, endpoint):
    return _secret_rotate(_Owner(region), actor, endpoint)


def region_send_test_event(*, region: Region, actor: User, endpoint):
    return _send_test_event(_Owner(region), actor, endpoint)


def region_delivery_retry(*, region: Region, actor: User, delivery):
    return _delivery_retry(_Owner(region), actor, delivery)
