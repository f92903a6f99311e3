"""The agency's API tokens. Foreign keys name their models by label, so this module imports
nothing of `agencies.models`, which re-exports it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from agencies.names import NameField
from agencies.tenancy import TenantModel


class TokenScope(models.TextChoices):
    READ = "read", _("Read the roster, training, progress, pledge, partnerships and policy")
    WRITE_PEOPLE = "write_people", _("Add and update people on the roster")
    WRITE_TRAINING = "write_training", _("Add and update training records")


class ApiToken(TenantModel):
    """One token of one agency. The secret is never stored: only its SHA-256 digest (a
    random 256-bit secret needs no slow hash) and a short prefix that names it in lists."""

    name = NameField(max_length=100, help_text=_("What uses it, for example “RMS nightly sync”."))
    scopes = models.JSONField(default=list)
    prefix = models.CharField(max_length=16)
    digest = models.CharField(max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta(TenantModel.Meta):
        ordering = ["-created_at"]
        constraints = [
            *TenantModel.Meta.constraints,
            # The digest is what a request is matched by; unique with the agency, and
            # 256 random bits never collide across agencies either.
            models.UniqueConstraint(fields=["agency", "digest"], name="api_token_digest"),
        ]
        indexes = [models.Index(fields=["agency", "revoked_at"], name="api_token_agency_live")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @cached_property  # named once by each of a bulk write's many events
    def audit_label(self) -> str:
        return gettext("API token “%(name)s” (%(prefix)s…)") % {
            "name": self.name,
            "prefix": self.prefix,
        }

    @property
    def status(self) -> str:
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "active"

    def get_scopes_display(self) -> list[str]:
        labels = dict(TokenScope.choices)
        return [str(labels.get(scope, scope)) for scope in self.scopes]


# How long an Idempotency-Key holds its first answer.
IDEMPOTENCY_HOURS = 24


class IdempotencyKey(TenantModel):
    """The first answer an API write gave under an `Idempotency-Key`, kept for a day so the
    same request sent again (a retry after a lost reply) gets it back without writing again.
    Unique per agency: two requests at once under one key write once, the other waits for
    the first to commit and then answers as it did."""

    key = models.CharField(max_length=255)
    # The operation and a digest of its body: the same key with another request is refused.
    operation = models.CharField(max_length=100)
    fingerprint = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField()
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta(TenantModel.Meta):
        constraints = [
            *TenantModel.Meta.constraints,
            models.UniqueConstraint(fields=["agency", "key"], name="idempotency_key_once"),
        ]
        indexes = [models.Index(fields=["agency", "created_at"], name="idempotency_agency_at")]

    def __str__(self) -> str:
        return f"{self.operation} ({self.key})"
