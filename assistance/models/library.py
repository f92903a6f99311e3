"""The library's catalogue, curated by program staff: resources (trainings, webinars,
podcasts, toolkits, model policies, MOU templates, reports) and events (webinars and
trainings on a date). Program-wide, not any agency's: public to browse."""

import uuid

from django.conf import settings
from django.db import models
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


class Resource(models.Model):
    """One item of the library: a link or a file, and what it helps with."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=ResourceKind.choices)
    url = models.URLField(_("link"), max_length=500, blank=True)
    topics = models.ManyToManyField(Topic, blank=True, related_name="resources")
    published_on = models.DateField(_("published"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-published_on", "title"]

    def __str__(self) -> str:
        return self.title

    @property
    def audit_label(self) -> str:
        return _("resource “%(title)s”") % {"title": self.title}


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
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="event_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def audit_label(self) -> str:
        return _("event “%(title)s”") % {"title": self.title}
