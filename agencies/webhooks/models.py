"""An agency's webhook endpoints and their deliveries. Foreign keys name their models by
label, so this module imports nothing of `agencies.models`, which re-exports it."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from agencies.regions.scope import RegionOwnedModel
from agencies.tenancy import TenantModel


class EventType(models.TextChoices):
    REQUIREMENT_STATUS_CHANGED = (
        "requirement.status_changed",
        _("A requirement became met or unmet"),
    )
    PLEDGE_STATE_CHANGED = "pledge.state_changed", _("The pledge changed state")
    CERTIFICATE_ISSUED = "certificate.issued", _("A certificate was issued")
    CERTIFICATE_REVOKED = "certificate.revoked", _("A certificate was revoked")
    IMPORT_FINISHED = "import.finished", _("An import finished")


PING = "ping"  # the test event a coordinator sends; no endpoint subscribes to it


class EndpointFields(models.Model):
    """Where events go, for an agency (WebhookEndpoint) or a region (RegionWebhookEndpoint).
    The signing secret is kept as it is (it signs every request); the previous one stays
    valid for a day after a rotation."""

    url = models.URLField(max_length=500)
    description = models.CharField(max_length=200, blank=True)
    events = models.JSONField(default=list)
    secret = models.CharField(max_length=80)
    previous_secret = models.CharField(max_length=80, blank=True)
    previous_secret_until = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.url

    @property
    def audit_label(self) -> str:
        return gettext("webhook endpoint %(url)s") % {"url": self.url}

    def get_events_display(self) -> list[str]:
        labels = dict(EventType.choices)
        return [str(labels.get(event, event)) for event in self.events]

    def signing_secrets(self, now=None) -> list[str]:
        """The secrets a request is signed with: the current one, and the previous one
        during the day after a rotation."""
        now = now or timezone.now()
        if self.previous_secret and self.previous_secret_until and self.previous_secret_until > now:
            return [self.secret, self.previous_secret]
        return [self.secret]


class WebhookEndpoint(EndpointFields, TenantModel):
    """Where one agency's events go."""

    class Meta(TenantModel.Meta):
        ordering = ["created_at"]


class RegionWebhookEndpoint(EndpointFields, RegionOwnedModel):
    """Where a region's events go: those of its member agencies, as their sharing allows
    (`services.emit`)."""

    class Meta(RegionOwnedModel.Meta):
        ordering = ["created_at"]


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")


class DeliveryFields(models.Model):
    """One event for one endpoint, written in the transaction of the event; unique per
    (event, endpoint), so an event written twice is delivered once. The dispatcher
    (`delivery`) sends an agency's and a region's alike."""

    event_id = models.UUIDField(default=uuid.uuid4)
    event_type = models.CharField(max_length=40)
    payload = models.JSONField()  # {type, timestamp, data}
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveSmallIntegerField(default=0)
    claim_token = models.CharField(max_length=32, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.event_type} to {self.endpoint_id} ({self.status})"

    @property
    def audit_label(self) -> str:
        return gettext("webhook delivery of %(type)s") % {"type": self.event_type}


class WebhookDelivery(DeliveryFields, TenantModel):
    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="+")

    class Meta(TenantModel.Meta):
        constraints = [
            *TenantModel.Meta.constraints,
            models.UniqueConstraint(
                fields=["agency", "endpoint", "event_id"], name="webhook_delivery_once"
            ),
        ]
        indexes = [
            # Only the rows still to send: delivered ones pile up and are never looked up by it.
            # The dispatcher reads it whole (the rows due are few), so the agency may lead.
            models.Index(
                fields=["agency", "next_attempt_at"],
                condition=models.Q(status__in=["pending", "sending"]),
                name="webhook_delivery_due",
            ),
            models.Index(fields=["agency", "endpoint", "-created_at"], name="webhook_delivery_log"),
        ]


class RegionWebhookDelivery(DeliveryFields, RegionOwnedModel):
    endpoint = models.ForeignKey(RegionWebhookEndpoint, on_delete=models.CASCADE, related_name="+")

    class Meta(RegionOwnedModel.Meta):
        constraints = [
            *RegionOwnedModel.Meta.constraints,
            models.UniqueConstraint(
                fields=["region", "endpoint", "event_id"], name="region_webhook_delivery_once"
            ),
        ]
        indexes = [
            models.Index(
                fields=["region", "next_attempt_at"],
                condition=models.Q(status__in=["pending", "sending"]),
                name="region_webhook_delivery_due",
            ),
            models.Index(
                fields=["region", "endpoint", "-created_at"], name="region_webhook_delivery_log"
            ),
        ]
