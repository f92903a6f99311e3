"""The library's catalogue, curated by program staff: resources (trainings, webinars,
podcasts, toolkits, model policies, MOU templates, reports) and events (webinars and
trainings on a date). Program-wide, not any agency's: public to browse."""

import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Requirement(models.TextChoices):
    """The pledge's four requirements, by the keys the rest of the product uses."""

    PARTNERSHIP = "partnership", _("Partnership with mental-health organizations")
    POLICY = "policy", _("Mental-health response policy")
    CIT = "cit", _("CIT training (20% of sworn officers)")
    COVERAGE = "coverage", _("Mental Health First Aid for everyone else")


class ResourceKind(models.TextChoices):
    TRAINING = "training", _("Training")
    WEBINAR = "webinar", _("Webinar")
    PODCAST = "podcast", _("Podcast")
    TOOLKIT = "toolkit", _("Toolkit")
    MODEL_POLICY = "model_policy", _("Model policy")
    MOU_TEMPLATE = "mou_template", _("MOU template")
    REPORT = "report", _("Report")


class Audience(models.TextChoices):
    LEADERSHIP = "leadership", _("Chiefs and command staff")
    OFFICERS = "officers", _("Sworn officers")
    DISPATCH = "dispatch", _("Dispatchers and call takers")
    TRAINERS = "trainers", _("Trainers and coordinators")
    PARTNERS = "partners", _("Mental-health partners")


class Topic(models.Model):
    """A subject resources are filed under ("Intellectual and developmental disabilities",
    "Youth in crisis", "Co-responder programs")."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Status(models.TextChoices):
    """Where an item of the catalogue stands: only published items are public. An item is
    retired, never deleted, since newsletters and requests may cite it."""

    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired")


class Resource(models.Model):
    """One item of the library: a link or a file, and what it helps with."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=ResourceKind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    url = models.URLField(_("link"), max_length=500, blank=True)
    # An uploaded file instead of a link, checked by agencies.documents and kept in private
    # storage; served through the library's view while the resource is published.
    file = models.FileField(_("file"), max_length=300, blank=True)
    filename = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    topics = models.ManyToManyField(Topic, blank=True, related_name="resources")
    published_on = models.DateField(_("published"), null=True, blank=True)
    updated_on = models.DateField(_("updated"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-published_on", "title"]
        indexes = [models.Index(fields=["status", "kind"], name="resource_status_kind")]
        constraints = [
            models.CheckConstraint(
                condition=(~models.Q(url="") & models.Q(file=""))
                | (models.Q(url="") & ~models.Q(file="")),
                name="resource_link_or_file",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("library_resource", kwargs={"resource_id": self.public_id})

    @property
    def is_public(self) -> bool:
        return self.status == Status.PUBLISHED

    @property
    def link(self) -> str:
        """Where the resource itself is: its link, or the library's view of its file."""
        if self.url:
            return self.url
        return reverse("library_resource_file", kwargs={"resource_id": self.public_id})

    @property
    def audit_label(self) -> str:
        return _("resource “%(title)s”") % {"title": self.title}


class ResourceRequirement(models.Model):
    """One of the pledge's requirements a resource helps with: a row per requirement, so
    the library filters on it alike on SQLite and PostgreSQL."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="requirements")
    requirement = models.CharField(max_length=20, choices=Requirement.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["resource", "requirement"], name="resource_requirement_once"
            )
        ]
        indexes = [models.Index(fields=["requirement", "resource"], name="requirement_resources")]

    def __str__(self) -> str:
        return self.get_requirement_display()


class ResourceAudience(models.Model):
    """One audience a resource is written for (a row per audience, as requirements)."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="audiences")
    audience = models.CharField(max_length=20, choices=Audience.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["resource", "audience"], name="resource_audience_once")
        ]
        indexes = [models.Index(fields=["audience", "resource"], name="audience_resources")]

    def __str__(self) -> str:
        return self.get_audience_display()


# The zones events are announced in: the US's and Canada's, by the places that name them.
TIME_ZONES = [
    ("America/New_York", _("Eastern time (New York, Toronto)")),
    ("America/Chicago", _("Central time (Chicago, Winnipeg)")),
    ("America/Denver", _("Mountain time (Denver, Edmonton)")),
    ("America/Phoenix", _("Mountain time without daylight saving (Phoenix)")),
    ("America/Los_Angeles", _("Pacific time (Los Angeles, Vancouver)")),
    ("America/Anchorage", _("Alaska time (Anchorage)")),
    ("Pacific/Honolulu", _("Hawaii time (Honolulu)")),
    ("America/Halifax", _("Atlantic time (Halifax)")),
    ("America/St_Johns", _("Newfoundland time (St. John’s)")),
    ("America/Regina", _("Central time without daylight saving (Regina)")),
    ("America/Puerto_Rico", _("Atlantic time without daylight saving (Puerto Rico)")),
]


class EventKind(models.TextChoices):
    WEBINAR = "webinar", _("Webinar")
    TRAINING = "training", _("Training")


class Event(models.Model):
    """A webinar or training on a date, with the time zone it is announced in."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    time_zone = models.CharField(_("time zone"), max_length=64, default="America/New_York")
    registration_url = models.URLField(_("registration link"), max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["status", "starts_at"], name="event_status_start")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="event_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("event_detail", kwargs={"event_id": self.public_id})

    @property
    def time_zone_name(self) -> str:
        """The zone in words ("Eastern time (New York, Toronto)"), else its identifier."""
        return str(dict(TIME_ZONES).get(self.time_zone, self.time_zone))

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @property
    def local_start(self) -> datetime:
        return self.starts_at.astimezone(self.zone)

    @property
    def local_end(self) -> datetime:
        return self.ends_at.astimezone(self.zone)

    @property
    def audit_label(self) -> str:
        return _("event “%(title)s”") % {"title": self.title}
