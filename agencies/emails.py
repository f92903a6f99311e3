"""The agencies' own email: the invitation, sent through the outbox like every other."""

from __future__ import annotations

from django.urls import reverse

from agencies.models import Invitation, OutboxEmail
from agencies.outbox.kinds import Content, Kind, Skip
from agencies.outbox.messages import Renderer
from agencies.services import INVITATION_EMAIL, invitation_token


def _invitation(renderer: Renderer, row: OutboxEmail) -> Content:
    invitation = Invitation.all_agencies.select_related("agency", "invited_by").get(
        pk=row.context["invitation_id"]
    )
    return Content(
        {
            "invitation": invitation,
            "path": reverse("invitation_accept", args=[invitation_token(invitation)]),
        }
    )


def _invitation_still_open(row: OutboxEmail) -> None:
    invitation = Invitation.all_agencies.filter(pk=row.context["invitation_id"]).first()
    if invitation is None or not invitation.is_open:
        state = invitation.state if invitation else "deleted"
        raise Skip(f"The invitation is {state}: its link would not work.")


KINDS = [
    Kind(INVITATION_EMAIL, "Invitation", compose=_invitation, still_wanted=_invitation_still_open),
]
