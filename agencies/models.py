import uuid
import zoneinfo
from datetime import date

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower, Upper
from django.utils import timezone
from django.utils.translation import gettext
from django_countries.fields import CountryField

from agencies.names import NameField
from agencies.tenancy import TenantModel


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra):
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractUser):
    """A person who signs in with their email address."""

    username = None
    email = models.EmailField("email address", unique=True)
    first_name = NameField("first name", max_length=150, blank=True)
    last_name = NameField("last name", max_length=150, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    @property
    def audit_label(self) -> str:
        return gettext("account %(email)s") % {"email": self.email}

    @property
    def is_locked(self) -> bool:
        return SignInLock.objects.filter(email=self.email.lower()).exists()

    def get_session_auth_hash(self) -> str:
        """The HMAC of the password's hash that each session must match: as the signed-in
        user's cached row keeps it while the password is unread (`agencies.auth_backends`),
        else worked out from the password (a new one, once set)."""
        kept = getattr(self, "kept_session_auth_hash", None)
        if kept and "password" in self.get_deferred_fields():
            return kept
        return super().get_session_auth_hash()


class SignInFailure(models.Model):
    """One failed sign-in for an address (known or not); counted in a sliding window."""

    email = models.CharField(max_length=254)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["email", "at"], name="signin_failure_email_at")]

    def __str__(self) -> str:
        return f"{self.email} failed at {self.at:%Y-%m-%d %H:%M:%S}"


class SignInLock(models.Model):
    """An address locked after too many failed sign-ins (CJIS Security Policy AC-7).

    Keyed by address, not account, so an unknown address locks and answers exactly like a
    real one. Released by the agency's coordinator, a program administrator, or a password
    reset by email.
    """

    email = models.CharField(max_length=254, unique=True)
    locked_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.email} locked at {self.locked_at:%Y-%m-%d %H:%M}"


class Heartbeat(models.Model):
    """When a background process last showed it runs: beat when it sends the heartbeat task
    (every minute), a worker when it runs it. `/healthz` reports them."""

    class Process(models.TextChoices):
        BEAT = "beat"
        WORKER = "worker"

    process = models.CharField(max_length=16, choices=Process.choices, primary_key=True)
    at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.process} seen at {self.at:%Y-%m-%d %H:%M:%S}"


class AgencyType(models.TextChoices):
    MUNICIPAL = "municipal", "Municipal police department"
    SHERIFF = "sheriff", "Sheriff's office"
    STATE = "state", "State police or highway patrol"
    COUNTY = "county", "County police department"
    CAMPUS = "campus", "Campus police department"
    HOSPITAL = "hospital", "Hospital or health-system police"
    TRIBAL = "tribal", "Tribal police department"
    TRANSIT = "transit", "Transit police department"
    OTHER = "other", "Other"


ORI_VALIDATOR = RegexValidator(
    r"^[A-Z]{2}[A-Z0-9]{7}$",
    "An ORI is 9 characters: the two-letter state code followed by 7 letters or digits "
    "(for example VA0010000).",
)


NORTH_AMERICAN_TIME_ZONES = [
    ("America/New_York", "Eastern (New York)"),
    ("America/Detroit", "Eastern (Detroit)"),
    ("America/Indiana/Indianapolis", "Eastern (Indianapolis)"),
    ("America/Chicago", "Central (Chicago)"),
    ("America/Denver", "Mountain (Denver)"),
    ("America/Phoenix", "Mountain, no daylight saving (Phoenix)"),
    ("America/Los_Angeles", "Pacific (Los Angeles)"),
    ("America/Anchorage", "Alaska (Anchorage)"),
    ("America/Adak", "Hawaii-Aleutian (Adak)"),
    ("Pacific/Honolulu", "Hawaii (Honolulu)"),
    ("America/Puerto_Rico", "Atlantic (Puerto Rico, U.S. Virgin Islands)"),
    ("Pacific/Guam", "Chamorro (Guam, Northern Mariana Islands)"),
    ("Pacific/Pago_Pago", "Samoa (American Samoa)"),
    ("America/St_Johns", "Newfoundland (St. John's)"),
    ("America/Halifax", "Atlantic (Halifax)"),
    ("America/Toronto", "Eastern (Toronto)"),
    ("America/Winnipeg", "Central (Winnipeg)"),
    ("America/Regina", "Central, no daylight saving (Regina)"),
    ("America/Edmonton", "Mountain (Edmonton)"),
    ("America/Vancouver", "Pacific (Vancouver)"),
    ("America/Whitehorse", "Yukon (Whitehorse)"),
]


def time_zone_choices() -> list:
    """North American zones first, then every other named zone (no aliases like Etc/GMT+5)."""
    listed = {name for name, _ in NORTH_AMERICAN_TIME_ZONES}
    others = sorted(
        name
        for name in zoneinfo.available_timezones()
        if "/" in name
        and name not in listed
        and not name.startswith(("Etc/", "SystemV/", "US/", "posix/", "right/"))
    )
    return [
        ("United States and Canada", NORTH_AMERICAN_TIME_ZONES),
        ("Other time zones", [(name, name.replace("_", " ")) for name in others]),
    ]


class Agency(models.Model):
    """A law-enforcement agency: the tenant that owns a pledge and all its evidence."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = NameField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    ori = models.CharField(
        "ORI",
        max_length=9,
        blank=True,
        validators=[ORI_VALIDATOR],
        help_text="The 9-character NCIC Originating Agency Identifier, if the agency has one.",
    )
    agency_type = models.CharField("type", max_length=20, choices=AgencyType.choices)
    country = CountryField(default="US")
    region = models.CharField(
        "state or province",
        max_length=100,
        blank=True,
        help_text="Two-letter code for a US state or Canadian province (for example VA, ON).",
    )
    locality = NameField("city or county", max_length=120, blank=True)
    sworn_strength = models.PositiveIntegerField(
        "authorized sworn strength",
        null=True,
        blank=True,
        help_text="The number of sworn positions the agency is authorized to fill.",
    )
    time_zone = models.CharField(
        max_length=64, default="America/New_York", choices=time_zone_choices
    )
    directory_opt_in = models.BooleanField(
        "list in the public directory",
        default=False,
        help_text="Show the agency's name, state and pledge status in the public directory.",
    )
    verified = models.BooleanField(default=False)
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name_plural = "agencies"
        ordering = ["name"]
        indexes = [
            # The staff list and the directory: by name, or in a state by name.
            models.Index(fields=["name"], name="agency_name"),
            models.Index(Upper("region"), models.F("name"), name="agency_region_name"),
            # On PostgreSQL the name and place are also trigram-indexed for the staff list's
            # search: migration 0005, outside the models' state (onemind.migrations).
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["ori"],
                condition=~models.Q(ori=""),
                name="agency_ori_unique",
                violation_error_message="Another agency already uses this ORI.",
            ),
            # One agency per name and place: also what stops a double-submitted registration.
            models.UniqueConstraint(
                Lower("name"),
                "country",
                Lower("region"),
                Lower("locality"),
                name="agency_name_place_unique",
                violation_error_code="duplicate_agency",
                violation_error_message="An agency with this name is already registered in "
                "this place. If it is yours, ask its coordinator to invite you.",
            ),
        ]
        permissions = [
            ("review_agencies", "Can review agencies, pledges and submissions"),
            ("administer_program", "Can administer program rules, courses and staff"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def audit_label(self) -> str:
        return gettext("agency “%(name)s”") % {"name": self.name}

    def today(self) -> date:
        """Today's date where the agency is: what "valid on" and "days left" are judged by."""
        return timezone.localdate(timezone=zoneinfo.ZoneInfo(self.time_zone))


class Role(models.TextChoices):
    COORDINATOR = "coordinator", "Coordinator"
    EDITOR = "editor", "Editor"
    VIEWER = "viewer", "Viewer"


class Capability(models.TextChoices):
    """What a view needs from the member's role."""

    VIEW = "view"  # every member
    EDIT = "edit"  # roster, records, documents
    MANAGE = "manage"  # members, agency settings, signing, submitting


ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    Role.COORDINATOR: frozenset({Capability.VIEW, Capability.EDIT, Capability.MANAGE}),
    Role.EDITOR: frozenset({Capability.VIEW, Capability.EDIT}),
    Role.VIEWER: frozenset({Capability.VIEW}),
}


class Membership(TenantModel):
    """A user's role in one agency; a user may belong to several agencies."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta(TenantModel.Meta):
        constraints = [
            *TenantModel.Meta.constraints,
            models.UniqueConstraint(fields=["agency", "user"], name="membership_agency_user"),
        ]
        indexes = [models.Index(fields=["agency", "role"], name="membership_agency_role")]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"

    @property
    def audit_label(self) -> str:
        return gettext("membership of %(email)s as %(role)s") % {
            "email": self.user.email,
            "role": self.get_role_display().lower(),
        }

    def can(self, capability: str) -> bool:
        return capability in ROLE_CAPABILITIES[self.role]


class Invitation(TenantModel):
    """An emailed invitation to join an agency with a role; single use, expiring."""

    email = models.EmailField()
    role = models.CharField(max_length=20, choices=Role.choices)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta(TenantModel.Meta):
        indexes = [models.Index(fields=["agency", "email"], name="invitation_agency_email")]
        constraints = [
            *TenantModel.Meta.constraints,
            # One invitation waiting per address: a newer one withdraws the older first, and
            # two sent at the same moment cannot both stand. (An expired one still counts
            # until a new one replaces it: expiry is a matter of time, not of a column.)
            models.UniqueConstraint(
                fields=["agency", "email"],
                condition=models.Q(accepted_at=None, revoked_at=None),
                name="invitation_one_waiting_per_address",
            ),
        ]

    def __str__(self) -> str:
        return f"Invitation of {self.email} to {self.agency_id} as {self.role}"

    @property
    def audit_label(self) -> str:
        return gettext("invitation of %(email)s as %(role)s") % {
            "email": self.email,
            "role": self.get_role_display().lower(),
        }

    @property
    def is_open(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )

    @property
    def state(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "open"


class DocumentKind(models.TextChoices):
    EVIDENCE = "evidence", "Training evidence"
    PARTNERSHIP = "partnership", "Partnership agreement"
    POLICY = "policy", "Policy"


def document_path(document: "Document", filename: str) -> str:
    """A server-made name in the agency's private folder; the user's name is kept apart."""
    return f"documents/{document.agency.public_id}/{uuid.uuid4().hex}{document.extension}"


class Document(TenantModel):
    """An uploaded file, checked to be what it claims, kept privately and never changed.

    Created only through `agencies.documents.store`; served only by `document_download`.
    """

    kind = models.CharField(max_length=20, choices=DocumentKind.choices)
    file = models.FileField(upload_to=document_path, max_length=255)
    filename = models.CharField("file name", max_length=255)  # sanitised, for display
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now, editable=False)

    def __str__(self) -> str:
        return self.filename

    @property
    def audit_label(self) -> str:
        return gettext("%(kind)s document “%(file)s”") % {
            "kind": self.get_kind_display(),
            "file": self.filename,
        }

    @property
    def extension(self) -> str:
        return "." + self.filename.rsplit(".", 1)[-1].lower() if "." in self.filename else ""


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("Audit events are append-only.")

    def delete(self):
        raise TypeError("Audit events are append-only.")


class AuditEvent(models.Model):
    """One change or security event: append-only, written in the transaction of the change.

    Not a tenant model: staff and sign-in events have no agency. Agency trails are read
    through `agencies.queries.agency_audit_trail`.
    """

    at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Kept as written, so the trail still reads right after an account changes its address.
    actor_email = models.CharField(max_length=254, blank=True)
    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # A region's events, and an agency's dealings with a region (in both trails).
    region = models.ForeignKey(
        "agencies.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # A change made through the API: the agency's token that made it (`actor` is empty,
    # `actor_email` holds the token's name as it read then).
    api_token = models.ForeignKey(
        "agencies.ApiToken", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=200, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["agency", "-at"], name="audit_agency_at"),
            models.Index(fields=["region", "-at"], name="audit_region_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Audit events are append-only.")


class OutboxStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENDING = "sending", "Being sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    SKIPPED = "skipped", "Not sent (no longer wanted)"


class OutboxEmail(models.Model):
    """One email to send, written in the transaction of the event that causes it.

    `key` (kind, agency, period or event, recipient) is unique, so an event or a schedule
    that runs twice writes one row; the dispatcher claims rows with a conditional UPDATE, so
    two workers never send the same one (`agencies.outbox`). The recipient is an account,
    or only an address for someone who has none yet (an invitation).
    """

    key = models.CharField(max_length=200, unique=True)
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=30)  # a kind registered with `agencies.outbox`
    agency = models.ForeignKey(
        "agencies.Agency", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    recipient_email = models.EmailField(blank=True)
    context = models.JSONField(default=dict, blank=True)  # what the event or period was
    status = models.CharField(
        max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveSmallIntegerField(default=0)
    claim_token = models.CharField(max_length=32, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    message_id = models.CharField(max_length=200, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        indexes = [
            # Only the rows still to send: sent ones pile up and are never looked up by it.
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status__in=["pending", "sending"]),
                name="outbox_due",
            ),
            models.Index(fields=["agency", "-created_at"], name="outbox_agency_created"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(recipient__isnull=False) | ~models.Q(recipient_email=""),
                name="outbox_has_recipient",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {self.address} ({self.status})"

    @property
    def audit_label(self) -> str:
        return gettext("email “%(kind)s” to %(address)s") % {
            "kind": self.kind.replace("_", " "),
            "address": self.address,
        }

    @property
    def address(self) -> str:
        """Where it goes: the account's address as it is now, or the address written."""
        return self.recipient.email if self.recipient_id else self.recipient_email


# Regions: a second kind of scope beside the agency, in its own package (agencies.regions).
from agencies.regions.models import (  # noqa: E402, F401
    MemberAgency,
    MemberAgencyStatus,
    OnboardingInvitation,
    OnboardingList,
    Region,
    RegionInvitation,
    RegionKind,
    RegionMembership,
    RegionRole,
    Sharing,
)

# Agency single sign-on (agencies.sso).
from agencies.sso.models import SSOConnection, SSOStatus  # noqa: E402, F401

# Agency API tokens (agencies.tokens).
from agencies.tokens.models import ApiToken, IdempotencyKey, TokenScope  # noqa: E402, F401

# Signed webhooks (agencies.webhooks).
from agencies.webhooks.models import (  # noqa: E402, F401
    DeliveryStatus,
    EventType,
    RegionWebhookDelivery,
    RegionWebhookEndpoint,
    WebhookDelivery,
    WebhookEndpoint,
)
