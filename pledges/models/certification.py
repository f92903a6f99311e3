"""Reviewers' decisions and the certificates they issue."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django_countries.fields import CountryField

from agencies.names import clean_name
from agencies.tenancy import TenantModel
from pledges.models.pledge import Pledge, Submission


class Decision(models.TextChoices):
    APPROVED = "approved", "Approved"
    RETURNED = "returned", "Returned for changes"


# The requirements a reviewer comments on, by the key of `Review.comments`.
REQUIREMENT_TITLES = {
    "partnership": "Partnership",
    "policy": "Policy",
    "cit": "CIT training",
    "coverage": "Training coverage",
}


class Review(TenantModel):
    """A reviewer's decision on one submission: append-only, citing the snapshot it judged."""

    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)
    decision = models.CharField(max_length=20, choices=Decision.choices)
    comments = models.JSONField(default=dict, blank=True)  # requirement key -> comment
    snapshot_sha256 = models.CharField(max_length=64)

    class Meta(TenantModel.Meta):
        ordering = ["-decided_at"]
        constraints = [
            *TenantModel.Meta.constraints,
            models.UniqueConstraint(
                fields=["agency", "submission"], name="one_decision_per_submission"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} ({self.decided_at:%Y-%m-%d})"

    @property
    def titled_comments(self) -> list[tuple[str, str]]:
        """The comments, each under its requirement's title."""
        return [(REQUIREMENT_TITLES.get(key, key), text) for key, text in self.comments.items()]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("Review decisions are append-only.")
        super().save(*args, **kwargs)


class CertificateSequence(models.Model):
    """The last certificate number issued in a year; locked while the next is taken."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


def certificate_path(certificate: Certificate, filename: str) -> str:
    return f"certificates/{certificate.agency.public_id}/{certificate.number}.pdf"


def place_in_words(locality: str, region: str, country=None) -> str:
    """An agency's place in words: "Millbrook, NY", with the country outside the United
    States ("Ottawa, ON, Canada") when it is given."""
    parts = [locality, region]
    if country and str(country) != "US":
        parts.append(getattr(country, "name", str(country)))
    return ", ".join(part for part in parts if part)


# The parts of an agency's identity a certificate records: (agency field, certificate field).
CERTIFIED_IDENTITY = [
    ("name", "agency_name"),
    ("ori", "agency_ori"),
    ("country", "agency_country"),
    ("region", "agency_region"),
    ("locality", "agency_locality"),
]


class Certificate(TenantModel):
    """One Mind certification of an agency, verifiable publicly by number or token.

    It records whom it was issued to (the agency's name, place and ORI that day): the
    agency can rename itself later, but what it was certified as cannot change with it.
    """

    pledge = models.ForeignKey(Pledge, on_delete=models.PROTECT, related_name="certificates")
    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="+")
    number = models.CharField(max_length=20, unique=True)
    issued_on = models.DateField()
    agency_name = models.CharField("issued to", max_length=200)
    agency_ori = models.CharField("ORI when issued", max_length=9, blank=True)
    agency_country = CountryField("country when issued")
    agency_region = models.CharField("state or province when issued", max_length=100, blank=True)
    agency_locality = models.CharField("city or county when issued", max_length=120, blank=True)
    token = models.CharField(max_length=64, unique=True)
    pdf = models.FileField(upload_to=certificate_path, max_length=255, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.TextField(blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    replaces = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta(TenantModel.Meta):
        ordering = ["-issued_on", "-number"]

    def __str__(self) -> str:
        return self.number

    @property
    def audit_label(self) -> str:
        return gettext("certificate %(number)s") % {"number": self.number}

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None

    @staticmethod
    def identity_of(agency) -> dict:
        """The certificate fields that record `agency` as it is now."""
        return {field: getattr(agency, source) for source, field in CERTIFIED_IDENTITY}

    @property
    def agency_place(self) -> str:
        return place_in_words(self.agency_locality, self.agency_region, self.agency_country)

    def identity_changes(self) -> list[tuple[str, str, str]]:
        """("name" | "place" | "ori", as certified, as the agency is now) for each part of
        the agency's identity that changed since this certificate was issued."""
        agency = self.agency
        now_place = place_in_words(agency.locality, agency.region, agency.country)
        pairs = [
            ("name", self.agency_name, agency.name),
            ("place", self.agency_place, now_place),
            ("ori", self.agency_ori, agency.ori),
        ]
        # A name recorded before names were cleaned (doubled or non-breaking spaces, invisible
        # characters) is the same name once cleaned.
        return [
            (what, then, now) for what, then, now in pairs if clean_name(then) != clean_name(now)
        ]
