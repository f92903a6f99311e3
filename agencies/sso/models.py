"""An agency's single sign-on connection (OpenID Connect). Foreign keys name their models by
label, so this module imports nothing of `agencies.models`, which re-exports it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from agencies.tenancy import TenantModel


class SSOStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for program staff")
    APPROVED = "approved", _("In use")
    DISABLED = "disabled", _("Turned off by program staff")


class SSOConnection(TenantModel):
    """One agency's identity provider. Used for signing in only once program staff approve
    it; any change the coordinator makes afterwards sends it back for approval.

    The client secret is stored as allauth stores a SocialApp's secret: as given (the
    provider needs it in clear to present it). `provider_id` is fixed when the connection
    is created, so accounts linked to it survive a change of the agency's address."""

    provider_id = models.CharField(max_length=200, unique=True, editable=False)
    issuer = models.URLField(max_length=500)
    client_id = models.CharField(max_length=191)
    client_secret = models.CharField(max_length=191)
    domains = models.JSONField(default=list)
    default_role = models.CharField(max_length=20)
    coordinator_reason = models.TextField(blank=True)
    # For providers that send no `email_verified` claim (Microsoft Entra ID): every address in
    # the allowed domains is taken as verified, because the provider's directory owns them.
    trust_domain_emails = models.BooleanField(default=False)
    status = models.CharField(max_length=20, choices=SSOStatus.choices, default=SSOStatus.PENDING)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta(TenantModel.Meta):
        constraints = [
            *TenantModel.Meta.constraints,
            models.UniqueConstraint(fields=["agency"], name="sso_connection_one_per_agency"),
        ]

    def __str__(self) -> str:
        return self.provider_id

    @property
    def audit_label(self) -> str:
        return gettext("single sign-on through %(issuer)s") % {"issuer": self.issuer}

    @property
    def is_approved(self) -> bool:
        return self.status == SSOStatus.APPROVED

    def allows(self, email: str) -> bool:
        return email.rpartition("@")[2].lower() in self.domains
