"""Writes of technical-assistance requests: opening one, the thread's messages, assigning an
expert, closing. Each runs in a transaction, records its audit event and writes the emails
the other side is owed to the outbox."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies import documents
from agencies.audit import record_event
from agencies.documents import CheckedUpload
from agencies.models import Agency, DocumentKind, User
from agencies.outbox.services import Letter, outbox_add
from agencies.staff import ADMINISTRATOR_GROUP, REVIEWER_GROUP
from agencies.tenancy import agency_scope
from assistance.models import (
    AssistanceRequest,
    Expert,
    Outcome,
    RequestAttachment,
    RequestMessage,
    RequestStatus,
    Side,
)
from assistance.requests import queries

MESSAGE_EMAIL = "assistance_message"
ASSIGNED_EMAIL = "assistance_assigned"


def request_open(
    *,
    agency: Agency,
    actor: User,
    requirement: str,
    subject: str,
    tried: str,
    token: uuid.UUID,
    attachments: Sequence[CheckedUpload] = (),
) -> AssistanceRequest:
    """Open a request; what the agency tried is the thread's first message. The same form
    sent twice (same token) opens one request."""
    with transaction.atomic(), agency_scope(agency):
        existing = _message_of_token(agency, token)
        if existing is not None:
            return existing.request
        request = AssistanceRequest(
            agency=agency,
            requirement=requirement,
            subject=subject,
            tried=tried,
            opened_by=actor,
        )
        request.full_clean()
        request.save()
        record_event(
            action="assistance_request.opened",
            actor=actor,
            agency=agency,
            obj=request,
            values={"requirement": requirement, "subject": subject},
        )
        message = _post(
            request, actor=actor, side=Side.AGENCY, body=tried, token=token, files=attachments
        )
        if message.request_id != request.pk:
            # The same form, sent twice at once: the other one opened the request, so this
            # one and its audit event are undone.
            transaction.set_rollback(True)
            return message.request
        return request


def message_post(
    *,
    request: AssistanceRequest,
    actor: User,
    side: str,
    body: str,
    token: uuid.UUID,
    attachments: Sequence[CheckedUpload] = (),
) -> RequestMessage:
    """Add a message to an open request's thread, from the agency's side or the program's,
    and email the other side. The same form sent twice (same token) posts once."""
    if attachments and side != Side.AGENCY:
        raise ValidationError(_("Only the agency attaches documents to its request."))
    with transaction.atomic():
        existing = _message_of_token(request.agency, token)
        if existing is not None and existing.request_id != request.pk:
            # A form's token names one request: reused on another, it would post nothing.
            raise ValidationError(_("This form was already sent. Open the request again."))
        if existing is not None:
            return existing
        locked = AssistanceRequest.all_agencies.select_for_update().get(pk=request.pk)
        if not locked.is_open:
            raise ValidationError(_("This request is closed."))
        return _post(locked, actor=actor, side=side, body=body, token=token, files=attachments)


def _message_of_token(agency: Agency, token: uuid.UUID) -> RequestMessage | None:
    return (
        RequestMessage.all_agencies.filter(agency=agency, token=token)
        .select_related("request")
        .first()
    )


def _post(
    request: AssistanceRequest,
    *,
    actor: User,
    side: str,
    body: str,
    token: uuid.UUID,
    files: Sequence[CheckedUpload],
) -> RequestMessage:
    if not body.strip():
        raise ValidationError({"body": _("Write a message.")})
    message = RequestMessage(
        agency=request.agency, request=request, side=side, author=actor, body=body, token=token
    )
    try:
        with transaction.atomic():
            message.save()
    except IntegrityError:
        # The same form, sent twice at once: the other one posted it.
        return RequestMessage.all_agencies.get(agency=request.agency, token=token)
    names = []
    for checked in files:
        document = documents.store(
            checked, agency=request.agency, actor=actor, kind=DocumentKind.EVIDENCE
        )
        RequestAttachment.all_agencies.create(
            agency=request.agency, request=request, message=message, document=document
        )
        names.append(document.filename)
    now = timezone.now()
    if side == Side.AGENCY:
        request.status = RequestStatus.WAITING
        request.waiting_since = request.waiting_since or now
    else:
        request.status = RequestStatus.ANSWERED
        request.waiting_since = None
        request.first_response_at = request.first_response_at or now
    request.save(update_fields=["status", "waiting_since", "first_response_at"])
    record_event(
        action="assistance_request.message_posted",
        actor=actor,
        agency=request.agency,
        obj=request,
        values={"side": side, "attachments": names},
    )
    outbox_add(
        [
            Letter(
                MESSAGE_EMAIL,
                recipient_id,
                request.agency_id,
                f"message:{message.public_id}",
                {"request_id": request.pk, "message_id": message.pk},
            )
            for recipient_id in _other_side(request, message)
        ]
    )
    return message


def _other_side(request: AssistanceRequest, message: RequestMessage) -> list[int]:
    """Who hears of a message: for the agency's, the assigned expert while their access
    lasts, else the program staff who answered before and still may (not an expert whose
    access ended), else every reviewer; for the program's, the agency's coordinators and
    editors."""
    if message.side == Side.PROGRAM:
        recipients = queries.agency_side_recipients(request)
    elif request.expert_id and request.expert.is_live():
        recipients = [request.expert.user_id]
    else:
        staff = User.objects.filter(
            groups__name__in=[REVIEWER_GROUP, ADMINISTRATOR_GROUP], is_active=True
        )
        answered = RequestMessage.all_agencies.filter(
            agency_id=request.agency_id, request=request, side=Side.PROGRAM
        ).values("author_id")
        recipients = list(
            staff.filter(pk__in=answered).values_list("pk", flat=True).distinct()
        ) or list(staff.filter(groups__name=REVIEWER_GROUP).values_list("pk", flat=True))
    return sorted(set(recipients) - {message.author_id})


def request_assign(
    *, request: AssistanceRequest, actor: User, expert: Expert | None
) -> AssistanceRequest:
    """Give an open request to a live expert (or take it back with None)."""
    if expert is not None and not expert.is_live():
        raise ValidationError({"expert": _("This expert's access has ended.")})
    with transaction.atomic():
        locked = AssistanceRequest.all_agencies.select_for_update().get(pk=request.pk)
        if not locked.is_open:
            raise ValidationError(_("This request is closed."))
        if locked.expert_id == (expert.pk if expert else None):
            return locked  # saved again as it was: nothing to record or send
        before = locked.expert.user.email if locked.expert else None
        locked.expert = expert
        locked.save(update_fields=["expert"])
        record_event(
            action="assistance_request.assigned",
            actor=actor,
            agency=locked.agency,
            obj=locked,
            changes={"expert": [before, expert.user.email if expert else None]},
        )
        if expert is not None:
            # Once per expert and request: assigning the same expert again writes nothing.
            outbox_add(
                [
                    Letter(
                        ASSIGNED_EMAIL,
                        expert.user_id,
                        locked.agency_id,
                        f"assigned:{locked.public_id}",
                        {"request_id": locked.pk},
                    )
                ]
            )
        return locked


def request_close(
    *, request: AssistanceRequest, actor: User, outcome: str, outcome_note: str
) -> AssistanceRequest:
    """Close an open request with its outcome; closing again changes nothing."""
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": _("Choose an outcome.")})
    with transaction.atomic():
        locked = AssistanceRequest.all_agencies.select_for_update().get(pk=request.pk)
        if not locked.is_open:
            return locked
        locked.status = RequestStatus.CLOSED
        locked.outcome = outcome
        locked.outcome_note = outcome_note
        locked.closed_at = timezone.now()
        locked.closed_by = actor
        locked.waiting_since = None
        locked.save(
            update_fields=[
                "status",
                "outcome",
                "outcome_note",
                "closed_at",
                "closed_by",
                "waiting_since",
            ]
        )
        record_event(
            action="assistance_request.closed",
            actor=actor,
            agency=locked.agency,
            obj=locked,
            values={"outcome": outcome, "outcome_note": outcome_note},
        )
        return locked
