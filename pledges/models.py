"""Program rules, pledges, progress, reviews and certificates — and the agency's
crisis-response policy, one of the four requirements the pledge judges."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django_countries.fields import CountryField

from agencies.names import NameField, clean_name
from agencies.tenancy import TenantModel

# The six elements the program requires of the policy: (field, what it covers).
POLICY_ELEMENTS: list[tuple[str, str]] = [
    ("definitions_at", "Definitions of key terms"),
    ("signs_and_symptoms_at", "Recognizing signs and symptoms"),
    ("risk_assessment_at", "Assessing risk"),
    ("referrals_at", "Making referrals"),
    ("care_providers_at", "A list of care providers"),
    ("training_at", "Training requirements"),
]


# Which version supersedes which: the later effective date, then adoption, then recording.
NEWEST_FIRST = ["-effective_on", "-adopted_on", "-created_at", "-pk"]


def _element(label: str) -> models.CharField:
    return models.CharField(
        label,
        max_length=100,
        blank=True,
        help_text="The section or page of the policy that covers it; blank if it does not.",
    )


class CrisisPolicy(TenantModel):
    """One adopted version of the agency's policy on police response to people with
    mental-health conditions. A new version supersedes the old from its effective date;
    no version is ever changed or deleted."""

    title = NameField(max_length=200)
    adopted_on = models.DateField("adopted")
    effective_on = models.DateField("effective from")
    based_on_iacp_model = models.BooleanField(
        "based on the IACP model policy",
        default=False,
        help_text="IACP's Model Policy on Responding to Persons Affected by Mental Illness "
        "or in Crisis.",
    )
    definitions_at = _element("Definitions of key terms")
    signs_and_symptoms_at = _element("Recognizing signs and symptoms")
    risk_assessment_at = _element("Assessing risk")
    referrals_at = _element("Making referrals")
    care_providers_at = _element("A list of care providers")
    training_at = _element("Training requirements")
    change_summary = models.TextField("what changed from the previous version", blank=True)
    document = models.ForeignKey("agencies.Document", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta(TenantModel.Meta):
        verbose_name_plural = "crisis policies"
        constraints = [
            *TenantModel.Meta.constraints,
            models.CheckConstraint(
                condition=Q(effective_on__gte=F("adopted_on")),
                name="policy_effective_after_adoption",
                violation_error_message="The effective date cannot be before the adoption date.",
            ),
        ]
        indexes = [models.Index(fields=["agency", "effective_on"], name="policy_agency_effective")]

    def __str__(self) -> str:
        return f"{self.title} (adopted {self.adopted_on:%Y-%m-%d})"

    @property
    def elements(self) -> list[tuple[str, str]]:
        """(what the element covers, where the policy covers it — "" when it does not)."""
        return [(label, getattr(self, name)) for name, label in POLICY_ELEMENTS]

    @property
    def missing_elements(self) -> list[str]:
        return [label for label, where in self.elements if not where.strip()]

    @property
    def covered_count(self) -> int:
        return len(self.elements) - len(self.missing_elements)


class CoverageMode(models.TextChoices):
    MHFA_FOR_ALL = "mhfa_for_all", "MHFA for everyone in scope, and CIT for the minimum share"
    CIT_OR_MHFA = "cit_or_mhfa", "Everyone in scope has CIT or MHFA"


class ProgramRulesQuerySet(models.QuerySet):
    def in_force(self, on) -> ProgramRules | None:
        """The rules version that applies to a pledge signed on `on`."""
        return self.filter(effective_on__lte=on).order_by("-effective_on").first()


class ProgramRules(models.Model):
    """One version of the program's rules. A pledge stays bound to the version it was signed
    under; new versions only apply to pledges signed from their effective date."""

    name = NameField(max_length=100, unique=True)
    effective_on = models.DateField("takes effect", unique=True)
    cit_minimum_percent = models.PositiveSmallIntegerField(
        "CIT minimum (% of people in scope)",
        default=20,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    coverage_target_percent = models.PositiveSmallIntegerField(
        "coverage target (% of people in scope)",
        default=100,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    coverage_mode = models.CharField(max_length=20, choices=CoverageMode.choices)
    equivalents_count = models.BooleanField("approved equivalent courses count", default=True)
    window_min_months = models.PositiveSmallIntegerField(default=12)
    window_max_months = models.PositiveSmallIntegerField(default=36)
    description = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ProgramRulesQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "program rules"
        ordering = ["-effective_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(window_min_months__lte=F("window_max_months")),
                name="rules_window_in_order",
                violation_error_message="The shortest window cannot exceed the longest.",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PledgeStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PLEDGED = "pledged", "Pledged"
    SUBMITTED = "submitted", "Submitted for certification"
    RETURNED = "returned", "Returned for changes"
    CERTIFIED = "certified", "Certified"
    LAPSED = "lapsed", "Lapsed"
    WITHDRAWN = "withdrawn", "Withdrawn"


OPEN_STATUSES = (
    PledgeStatus.DRAFT,
    PledgeStatus.PLEDGED,
    PledgeStatus.SUBMITTED,
    PledgeStatus.RETURNED,
)


# Signed and not yet ended: what "the agency's pledge" means on its pages.
SIGNED_OPEN_STATUSES = tuple(s for s in OPEN_STATUSES if s != PledgeStatus.DRAFT)


class Pledge(TenantModel):
    """An agency's commitment to meet the four requirements by its target date."""

    rules = models.ForeignKey(ProgramRules, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=20, choices=PledgeStatus.choices, default=PledgeStatus.DRAFT
    )
    pledged_on = models.DateField(null=True, blank=True)
    target_date = models.DateField()
    chief_name = NameField("chief executive's name", max_length=200)
    chief_title = NameField("chief executive's title", max_length=200)
    signature = NameField("typed signature", max_length=200, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_ip = models.GenericIPAddressField(null=True, blank=True)
    status_changed_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta(TenantModel.Meta):
        constraints = [
            *TenantModel.Meta.constraints,
            models.UniqueConstraint(
                fields=["agency"],
                condition=Q(status__in=OPEN_STATUSES),
                name="one_open_pledge_per_agency",
                violation_error_message="Your agency already has an open pledge.",
            ),
        ]

    def __str__(self) -> str:
        return f"Pledge of {self.agency_id} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class Submission(TenantModel):
    """A pledge submitted for certification, with the evidence frozen as the reviewer sees
    it: later changes to the roster or documents do not change what was submitted."""

    pledge = models.ForeignKey(Pledge, on_delete=models.PROTECT, related_name="submissions")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    snapshot = models.JSONField()
    snapshot_sha256 = models.CharField(max_length=64)

    class Meta(TenantModel.Meta):
        ordering = ["-submitted_at"]

    def __str__(self) -> str:
        return f"Submission of {self.pledge_id} at {self.submitted_at:%Y-%m-%d %H:%M}"


class ProgressSnapshot(TenantModel):
    """An agency's figures and requirement results on one day, updated in place during the
    day; the rows over time are the progress chart."""

    day = models.DateField()
    # Not indexed: the snapshot is rewritten for every agency nightly, and nothing looks
    # snapshots up by rules or pledge.
    rules = models.ForeignKey(
        ProgramRules, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    pledge = models.ForeignKey(
        Pledge, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    in_scope = models.PositiveIntegerField(default=0)
    cit_count = models.PositiveIntegerField(default=0)
    cit_required = models.PositiveIntegerField(default=0)
    covered_count = models.PositiveIntegerField(default=0)
    covered_required = models.PositiveIntegerField(default=0)
    partnership_met = models.BooleanField(default=False)
    policy_met = models.BooleanField(default=False)
    cit_met = models.BooleanField(default=False)
    coverage_met = models.BooleanField(default=False)
    all_met = models.BooleanField(default=False)
    # At the last 90 days' pace: when everyone would be trained, and whether that misses the
    # open pledge's target date.
    projected_on = models.DateField(null=True, blank=True)
    at_risk = models.BooleanField(default=False)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta(TenantModel.Meta):
        constraints = [
            *TenantModel.Meta.constraints,
            models.UniqueConstraint(fields=["agency", "day"], name="snapshot_agency_day"),
        ]

    def __str__(self) -> str:
        return f"Progress of {self.agency_id} on {self.day}"


class Decision(models.TextChoices):
    APPROVED = "approved", "Approved"
    RETURNED = "returned", "Returned for changes"


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


def place_in_words(locality: str, region: str, country) -> str:
    """An agency's place in words: "Millbrook, NY", with the country outside the United
    States ("Ottawa, ON, Canada")."""
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


class ReportFrequency(models.TextChoices):
    WEEKLY = "weekly", "Weekly"
    MONTHLY = "monthly", "Monthly"
    OFF = "off", "Off"


class EmailPreference(TenantModel):
    """One member's choice of the agency's emails. Without a row, the role's defaults
    apply (`pledges.subscriptions.preference_of`)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    progress_report = models.CharField(
        "progress report", max_length=10, choices=ReportFrequency.choices
    )
    reminders = models.BooleanField(
        "reminders and notices",
        help_text="Target date nearing, partnership or training expiring, a submission "
        "returned, a certificate issued.",
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta(TenantModel.Meta):
        constraints = [
            *TenantModel.Meta.constraints,
            models.UniqueConstraint(fields=["agency", "user"], name="email_preference_member"),
        ]

    def __str__(self) -> str:
        return f"Emails of {self.user_id} in {self.agency_id}"


class StaffEmailPreference(models.Model):
    """A program staff member's choice of the weekly digest (on unless turned off)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    weekly_digest = models.BooleanField(default=True)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Digest of {self.user_id}: {'on' if self.weekly_digest else 'off'}"


class EmailKind(models.TextChoices):
    """The program's emails, registered with the outbox (`pledges.emails`)."""

    PROGRESS_REPORT = "progress_report", "Progress report"
    TARGET_REMINDER = "target_reminder", "Target date reminder"
    PARTNERSHIP_EXPIRING = "partnership_expiring", "Partnership expiring"
    TRAINING_EXPIRING = "training_expiring", "Training expiring"
    SUBMISSION_RETURNED = "submission_returned", "Submission returned"
    CERTIFICATE_ISSUED = "certificate_issued", "Certificate issued"
    STAFF_DIGEST = "staff_digest", "Weekly program digest"
