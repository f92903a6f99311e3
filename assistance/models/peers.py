"""Peer sites: an agency that has met a requirement offers to help others with it, and
another agency asks for its help. Contact details pass only once the peer accepts."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from agencies.tenancy import TenantManager, TenantModel, TenantScopeError, current_agency
from assistance.models.library import Requirement


class PeerOffer(TenantModel):
    """An agency's offer to be a peer site: the requirements it can help with, what it did,
    and whom to contact. Listed to other agencies only for the requirements it meets on its
    latest standing, read when the list is; the contact is shown only through an accepted
    request."""

    partnership = models.BooleanField(_("partnership"), default=False)
    policy = models.BooleanField(_("policy"), default=False)
    cit = models.BooleanField(_("CIT training"), default=False)
    coverage = models.BooleanField(_("everyone trained"), default=False)
    note = models.TextField(_("what your agency did"), max_length=1000)
    contact_name = models.CharField(_("contact name"), max_length=200)
    contact_title = models.CharField(_("contact title"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact email"))
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    offered_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta(TenantModel.Meta):
        constraints = [
            *TenantModel.Meta.constraints,
            models.UniqueConstraint(fields=["agency"], name="peer_offer_one_per_agency"),
        ]

    def __str__(self) -> str:
        return f"Peer offer of {self.agency_id}"

    @property
    def audit_label(self) -> str:
        return gettext("peer-site offer")

    @property
    def requirements(self) -> list[str]:
        """The keys of the requirements offered, in the dashboard's order."""
        return [key for key in Requirement.values if getattr(self, key)]


class PeerRequestStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


# A request that still stands between two agencies for a requirement: at most one.
OPEN_STATUSES = [PeerRequestStatus.PENDING, PeerRequestStatus.ACCEPTED]


class ReceivedManager(models.Manager):
    """The requests made to the current agency as a peer; outside a scope, an error."""

    def get_queryset(self) -> models.QuerySet:
        agency = current_agency()
        if agency is None:
            raise TenantScopeError(
                "PeerRequest.received used outside an agency scope; use agency_scope(agency)."
            )
        return super().get_queryset().filter(peer=agency)


class PeerRequest(TenantModel):
    """One agency's request for a peer's help with a requirement, answered by the peer's
    coordinator. The row is the requester's (`agency`, read through `objects`); the peer
    reads it through `received`, scoped by `peer`: both fail closed."""

    peer = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    offer = models.ForeignKey(PeerOffer, on_delete=models.PROTECT, related_name="+")
    requirement = models.CharField(max_length=20, choices=Requirement.choices)
    message = models.TextField(_("what your agency needs"), max_length=2000)
    status = models.CharField(
        max_length=12, choices=PeerRequestStatus.choices, default=PeerRequestStatus.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    objects = TenantManager()
    all_agencies = models.Manager()  # noqa: DJ012 - a manager; ruff counts only `objects`
    received = ReceivedManager()

    class Meta(TenantModel.Meta):
        ordering = ["-requested_at"]
        constraints = [
            *TenantModel.Meta.constraints,
            models.UniqueConstraint(
                fields=["agency", "peer", "requirement"],
                condition=Q(status__in=OPEN_STATUSES),
                name="peer_request_one_open",
                violation_error_message=_(
                    "Your agency has already asked this peer for help with this requirement."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(agency=models.F("peer")), name="peer_request_not_to_itself"
            ),
        ]

    def __str__(self) -> str:
        return f"Peer request of {self.agency_id} to {self.peer_id} ({self.status})"

    @property
    def audit_label(self) -> str:
        return gettext("peer request about %(requirement)s") % {
            "requirement": self.get_requirement_display()
        }

    @property
    def accepted(self) -> bool:
        return self.status == PeerRequestStatus.ACCEPTED
