"""Writes of the expert role: program administrators add experts and end their access."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.audit import record_event
from agencies.models import User
from agencies.staff import forget_program_staff
from assistance.models import OPEN_STATUSES, AssistanceRequest, Expert, Requirement


def expert_add(
    *, actor: User, email: str, expertise: Sequence[str], access_until: datetime
) -> Expert:
    """Make an existing account an expert until `access_until`; for someone who is one
    already, the new expertise and end date replace the old."""
    user = User.objects.filter(email__iexact=email.strip()).first()
    if user is None:
        raise ValidationError({"email": _("No account uses this address. Ask them to sign up.")})
    if access_until <= timezone.now():
        raise ValidationError({"access_until": _("Choose a date in the future.")})
    expertise = [key for key in Requirement.values if key in set(expertise)]
    with transaction.atomic():
        expert = Expert.objects.select_for_update().filter(user=user, ended_at__isnull=True).first()
        if expert is None:
            expert = Expert.objects.create(
                user=user, expertise=expertise, access_until=access_until, added_by=actor
            )
            record_event(
                action="expert.added",
                actor=actor,
                obj=expert,
                values={"expertise": expertise, "access_until": access_until},
            )
        else:
            before = {"expertise": expert.expertise, "access_until": expert.access_until}
            expert.expertise = expertise
            expert.access_until = access_until
            expert.save(update_fields=["expertise", "access_until"])
            record_event(
                action="expert.changed",
                actor=actor,
                obj=expert,
                changes={
                    "expertise": [before["expertise"], expertise],
                    "access_until": [before["access_until"], access_until],
                },
            )
        forget_program_staff([user.pk])
        return expert


def expert_end(*, actor: User, expert: Expert) -> Expert:
    """End an expert's access now; their requests go back to the queue unassigned."""
    with transaction.atomic():
        locked = Expert.objects.select_for_update().get(pk=expert.pk)
        if locked.ended_at is not None:
            return locked
        locked.ended_at = timezone.now()
        locked.ended_by = actor
        locked.save(update_fields=["ended_at", "ended_by"])
        # Open requests go back to the queue, each agency's trail saying so; closed ones
        # keep the expert who answered them.
        open_requests = list(
            AssistanceRequest.all_agencies.select_for_update()
            .filter(expert=locked, status__in=OPEN_STATUSES)
            .select_related("agency")
        )
        for request in open_requests:
            request.expert = None
            request.save(update_fields=["expert"])
            record_event(
                action="assistance_request.assigned",
                actor=actor,
                agency=request.agency,
                obj=request,
                changes={"expert": [locked.user.email, None]},
            )
        released = len(open_requests)
        record_event(
            action="expert.ended",
            actor=actor,
            obj=locked,
            values={"ended_at": locked.ended_at, "requests_released": released},
        )
        forget_program_staff([locked.user_id])
        return locked
