"""The agencies' own email — invitations to an agency or a region's team, a region's
request to an agency to join, and its invitation to register an agency not registered yet —
sent through the outbox like every other."""

from __future__ import annotations

from django.urls import reverse

from agencies.models import (
    Invitation,
    MemberAgency,
    MemberAgencyStatus,
    Membership,
    OnboardingInvitation,
    OutboxEmail,
    RegionInvitation,
    Role,
)
from agencies.outbox.kinds import Content, Kind, Skip
from agencies.outbox.messages import Renderer
from agencies.regions.onboarding import ONBOARDING_EMAIL, onboarding_token
from agencies.regions.services import (
    REGION_INVITATION_EMAIL,
    REGION_JOIN_EMAIL,
    region_invitation_token,
)
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


def _region_invitation(renderer: Renderer, row: OutboxEmail) -> Content:
    invitation = RegionInvitation.all_regions.select_related("region", "invited_by").get(
        pk=row.context["invitation_id"]
    )
    return Content(
        {
            "invitation": invitation,
            "region": invitation.region,
            "path": reverse("region_invitation_accept", args=[region_invitation_token(invitation)]),
        }
    )


def _region_invitation_still_open(row: OutboxEmail) -> None:
    invitation = RegionInvitation.all_regions.filter(pk=row.context["invitation_id"]).first()
    state = invitation.state if invitation else "deleted"
    if state != "open":
        raise Skip(f"The invitation is {state}: its link would not work.")


def _join_request(renderer: Renderer, row: OutboxEmail) -> Content:
    member = MemberAgency.all_regions.select_related("region", "invited_by").get(
        pk=row.context["member_agency_id"]
    )
    return Content(
        {
            "member": member,
            "region": member.region,
            "path": reverse("agency_regions", kwargs={"agency_slug": row.agency.slug}),
        }
    )


def _join_request_still_open(row: OutboxEmail) -> None:
    member = MemberAgency.all_regions.filter(pk=row.context["member_agency_id"]).first()
    if member is None or member.status != MemberAgencyStatus.INVITED:
        raise Skip("The region's request was answered or withdrawn.")
    if not Membership.all_agencies.filter(
        agency_id=row.agency_id, user_id=row.recipient_id, role=Role.COORDINATOR
    ).exists():
        raise Skip("The recipient is no longer the agency's coordinator.")


def _onboarding(renderer: Renderer, row: OutboxEmail) -> Content:
    invitation = OnboardingInvitation.all_regions.select_related("region", "invited_by").get(
        pk=row.context["invitation_id"]
    )
    return Content(
        {
            "invitation": invitation,
            "region": invitation.region,
            "path": reverse("onboarding_join", args=[onboarding_token(invitation)]),
        }
    )


def _onboarding_still_open(row: OutboxEmail) -> None:
    invitation = OnboardingInvitation.all_regions.filter(pk=row.context["invitation_id"]).first()
    status = invitation.status if invitation else "deleted"
    if status != "open":
        raise Skip(f"The invitation is {status}: its link would not work.")


KINDS = [
    Kind(INVITATION_EMAIL, "Invitation", compose=_invitation, still_wanted=_invitation_still_open),
    Kind(
        REGION_INVITATION_EMAIL,
        "Invitation to a region's team",
        compose=_region_invitation,
        still_wanted=_region_invitation_still_open,
    ),
    Kind(
        REGION_JOIN_EMAIL,
        "A region's request to join",
        compose=_join_request,
        still_wanted=_join_request_still_open,
    ),
    Kind(
        ONBOARDING_EMAIL,
        "A region's invitation to register an agency",
        compose=_onboarding,
        still_wanted=_onboarding_still_open,
    ),
]
