"""Technical-assistance requests: an agency asks for help on a requirement, and the
program (staff, or the subject-matter expert they assign) answers in a thread of messages.
The experts themselves are program-wide (`Expert`), each with an access end date."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.tenancy import TenantModel
from assistance.models.library import Requirement

ANSWER_REQUESTS = "assistance.answer_requests"


class Expert(models.Model):
    """A subject-matter expert: an account that may answer the requests assigned to it,
    and read what their agencies attached, until `access_until` (or until ended early)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="expert_roles"
    )
    # The requirement keys the expert knows (Requirement values); a short list, never joined.
    expertise = models.JSONField(_("expertise"), default=list, blank=True)
    access_until = models.DateTimeField(_("access until"))
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now, editable=False)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-added_at"]
        constraints = [
            # One live role per account: adding the same person again is an extension.
            models.UniqueConstraint(
                fields=["user"], condition=models.Q(ended_at__isnull=True), name="expert_one_live"
            )
        ]

    def __str__(self) -> str:
        return self.user.email

    @property
    def audit_label(self) -> str:
        return _("subject-matter expert %(email)s") % {"email": self.user.email}

    def is_live(self, now=None) -> bool:
        now = now or timezone.now()
        return self.ended_at is None and self.access_until > now

    def expertise_labels(self) -> list[str]:
        labels = dict(Requirement.choices)
        return [str(labels[key]) for key in self.expertise if key in labels]


class RequestStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting for the program")
    ANSWERED = "answered", _("Waiting for the agency")
    CLOSED = "closed", _("Closed")


OPEN_STATUSES = (RequestStatus.WAITING, RequestStatus.ANSWERED)


class Outcome(models.TextChoices):
    RESOLVED = "resolved", _("Resolved")
    REFERRED = "referred", _("Referred elsewhere")
    WITHDRAWN = "withdrawn", _("Withdrawn by the agency")
    NO_RESPONSE = "no_response", _("No response from the agency")


class Side(models.TextChoices):
    AGENCY = "agency", _("Agency")
    PROGRAM = "program", _("Program")


class AssistanceRequest(TenantModel):
    """An agency's request for help on one requirement, and where it stands."""

    requirement = models.CharField(_("requirement"), max_length=20, choices=Requirement.choices)
    subject = models.CharField(_("subject"), max_length=200)
    tried = models.TextField(_("what you have tried"))
    status = models.CharField(
        max_length=10, choices=RequestStatus.choices, default=RequestStatus.WAITING
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(default=timezone.now, editable=False)
    # Since when the agency has waited for the program's next answer (the queue's order).
    waiting_since = models.DateTimeField(null=True, blank=True)
    first_response_at = models.DateTimeField(null=True, blank=True)
    expert = models.ForeignKey(
        Expert, null=True, blank=True, on_delete=models.SET_NULL, related_name="requests"
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(_("outcome note"), blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta(TenantModel.Meta):
        ordering = ["-opened_at"]
        indexes = [
            models.Index(fields=["agency", "status", "waiting_since"], name="assist_req_status"),
            models.Index(fields=["agency", "opened_at"], name="assist_req_opened"),
        ]
        constraints = [
            *TenantModel.Meta.constraints,
            models.CheckConstraint(
                condition=models.Q(status="closed", closed_at__isnull=False)
                | (~models.Q(status="closed") & models.Q(closed_at__isnull=True)),
                name="assist_req_closed_at",
            ),
        ]
        permissions = [
            ("answer_requests", "Can answer the technical-assistance requests assigned to them")
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def audit_label(self) -> str:
        return _("assistance request “%(subject)s”") % {"subject": self.subject}

    @property
    def is_open(self) -> bool:
        return self.status != RequestStatus.CLOSED


class RequestMessage(TenantModel):
    """One message of a request's thread, from the agency's side or the program's.

    `token` comes from the form the message was written in, so that the same form sent
    twice posts once."""

    request = models.ForeignKey(
        AssistanceRequest, on_delete=models.CASCADE, related_name="messages"
    )
    side = models.CharField(max_length=10, choices=Side.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("message"))
    token = models.UUIDField()
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta(TenantModel.Meta):
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["agency", "request", "created_at"], name="assist_msg_thread")
        ]
        constraints = [
            *TenantModel.Meta.constraints,
            models.UniqueConstraint(fields=["agency", "token"], name="assist_msg_token"),
        ]

    def __str__(self) -> str:
        return self.body[:50]

    @property
    def audit_label(self) -> str:
        return _("message on “%(subject)s”") % {"subject": self.request.subject}


class RequestAttachment(TenantModel):
    """A document the agency attached to a message of its request."""

    request = models.ForeignKey(
        AssistanceRequest, on_delete=models.CASCADE, related_name="attachments"
    )
    message = models.ForeignKey(
        RequestMessage, on_delete=models.CASCADE, related_name="attachments"
    )
    document = models.ForeignKey("agencies.Document", on_delete=models.PROTECT, related_name="+")

    class Meta(TenantModel.Meta):
        indexes = [models.Index(fields=["agency", "request"], name="assist_att_request")]

    def __str__(self) -> str:
        return str(self.document)
