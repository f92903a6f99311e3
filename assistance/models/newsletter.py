"""Newsletters and spotlights: program staff's issues, sent to the members who opted in and
kept in a public archive once sent, and the certified agencies featured with their consent."""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from agencies.tenancy import TenantModel
from assistance.models.library import Event, Resource
from assistance.newsletter.markup import sanitize


class NewsletterStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")


class Newsletter(models.Model):
    """One issue: a subject, an introduction in Markdown (kept with its sanitized HTML), and
    its items. Sending walks the subscribers in batches, remembering the last one written."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    subject = models.CharField(_("subject"), max_length=200)
    intro = models.TextField(_("introduction"), blank=True)
    intro_html = models.TextField(blank=True, editable=False)
    status = models.CharField(
        max_length=10, choices=NewsletterStatus.choices, default=NewsletterStatus.DRAFT
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    send_started_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    # The last subscriber (by user id) whose letter is written: a resumed send starts after.
    written_through = models.BigIntegerField(default=0)
    letters_written = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-sent_at", "-created_at"]
        indexes = [models.Index(fields=["status", "sent_at"], name="newsletter_status_sent")]

    def __str__(self) -> str:
        return self.subject

    def get_absolute_url(self) -> str:
        return reverse("newsletter_issue", kwargs={"newsletter_id": self.public_id})

    @property
    def audit_label(self) -> str:
        return _("newsletter “%(subject)s”") % {"subject": self.subject}

    @property
    def intro_markup(self) -> SafeString:
        """The introduction's HTML, sanitized again as it is shown: a row written any other
        way than through the services is still safe."""
        return mark_safe(sanitize(self.intro_html))  # noqa: S308 - sanitized just here

    @property
    def is_draft(self) -> bool:
        return self.status == NewsletterStatus.DRAFT


class NewsletterItem(models.Model):
    """A resource, an event or a spotlight in an issue, in order. A spotlight is named by its
    public id (it is an agency's row, on the agency's shard) and read through its gates."""

    newsletter = models.ForeignKey(Newsletter, on_delete=models.CASCADE, related_name="items")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    position = models.PositiveIntegerField()
    resource = models.ForeignKey(
        Resource, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    event = models.ForeignKey(
        Event, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    spotlight_public_id = models.UUIDField(null=True, blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["newsletter", "position"], name="newsletter_item_position"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(resource__isnull=False, event__isnull=True)
                    & models.Q(spotlight_public_id__isnull=True)
                )
                | (
                    models.Q(resource__isnull=True, event__isnull=False)
                    & models.Q(spotlight_public_id__isnull=True)
                )
                | (
                    models.Q(resource__isnull=True, event__isnull=True)
                    & models.Q(spotlight_public_id__isnull=False)
                ),
                name="newsletter_item_one_thing",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.newsletter} #{self.position}"


class NewsletterSubscription(models.Model):
    """A person's own choice of the newsletter: off unless they turn it on."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="newsletter_choice"
    )
    subscribed = models.BooleanField(_("send me the newsletter"), default=False)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(
                fields=["user"],
                condition=models.Q(subscribed=True),
                name="newsletter_subscribed_users",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.subscribed}"


class SpotlightConsent(TenantModel):
    """An agency's agreement to be featured, given (and withdrawn) by its coordinator."""

    consented = models.BooleanField(default=False)
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta(TenantModel.Meta):
        constraints = [
            *TenantModel.Meta.constraints,
            models.UniqueConstraint(fields=["agency"], name="spotlight_consent_one_per_agency"),
        ]

    def __str__(self) -> str:
        return f"{self.agency_id}: {self.consented}"

    @property
    def audit_label(self) -> str:
        return _("consent to be featured")


class Spotlight(TenantModel):
    """A story about a certified agency, written by program staff; public only while it is
    published, the agency consents and its certificate stands."""

    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("story"))
    body_html = models.TextField(blank=True, editable=False)
    published = models.BooleanField(_("published"), default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta(TenantModel.Meta):
        ordering = ["-updated_at"]
        indexes = [models.Index(fields=["agency", "published"], name="spotlight_agency_pub")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("spotlight_detail", kwargs={"spotlight_id": self.public_id})

    @property
    def body_markup(self) -> SafeString:
        """The story's HTML, sanitized again as it is shown."""
        return mark_safe(sanitize(self.body_html))  # noqa: S308 - sanitized just here

    @property
    def audit_label(self) -> str:
        return _("spotlight “%(title)s”") % {"title": self.title}
