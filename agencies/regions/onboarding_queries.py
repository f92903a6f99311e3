"""Reads for a region's onboarding page: where each agency it invited to register stands —
invited (and whether the email went), registered and asked to join, joined, declined,
expired — and the lists it sent. Three queries, however many invitations."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from agencies.models import OutboxEmail, OutboxStatus
from agencies.regions.models import (
    MemberAgency,
    MemberAgencyStatus,
    OnboardingInvitation,
    OnboardingList,
    Region,
)
from agencies.regions.onboarding import onboarding_letter


class Stage(models.TextChoices):
    """Where an invited agency stands, in the order the onboarding goes."""

    INVITED = "invited", _("Invited to register")
    ASKED = "asked", _("Registered, asked to join")
    JOINED = "joined", _("Joined")
    DECLINED = "declined", _("Declined to join")
    LEFT = "left", _("Joined, then left")
    REGISTERED = "registered", _("Registered, not asked now")
    EXPIRED = "expired", _("Invitation expired")
    WITHDRAWN = "withdrawn", _("Invitation withdrawn")


# The agency's latest standing with the region, once registered.
_STAGE_OF_STATUS = {
    MemberAgencyStatus.INVITED: Stage.ASKED,
    MemberAgencyStatus.MEMBER: Stage.JOINED,
    MemberAgencyStatus.DECLINED: Stage.DECLINED,
    MemberAgencyStatus.LEFT: Stage.LEFT,
    MemberAgencyStatus.WITHDRAWN: Stage.REGISTERED,
}
_EMAIL_STATES = {
    OutboxStatus.PENDING: _("Email waiting to be sent"),
    OutboxStatus.SENDING: _("Email waiting to be sent"),
    OutboxStatus.SENT: _("Email sent"),
    OutboxStatus.FAILED: _("The email could not be delivered: check the address"),
    OutboxStatus.SKIPPED: _("Email not sent"),
}


@dataclass(frozen=True)
class InvitationProgress:
    invitation: OnboardingInvitation
    stage: Stage
    email_state: str = ""  # while the agency is invited: did the email go?

    @property
    def can_withdraw(self) -> bool:
        return self.stage in (Stage.INVITED, Stage.EXPIRED)


@dataclass(frozen=True)
class OnboardingProgress:
    rows: list[InvitationProgress]
    counts: list[tuple[Stage, int]]  # every stage, in order, with how many are at it
    registered: int  # invitations used to register an agency, whatever happened next

    @property
    def total(self) -> int:
        return len(self.rows)


def onboarding_progress(region: Region) -> OnboardingProgress:
    """Every invitation to register the region sent, newest first, with its stage."""
    invitations = list(
        OnboardingInvitation.all_regions.filter(region=region)
        .select_related("registered_agency")
        .order_by("-created_at", "agency_name")
    )
    standing = _latest_standing(region, [i.registered_agency_id for i in invitations])
    emails = dict(
        OutboxEmail.objects.filter(
            key__in=[onboarding_letter(i).key for i in invitations if i.status == "open"]
        ).values_list("key", "status")
    )
    rows = []
    for invitation in invitations:
        stage = _stage(invitation, standing)
        email_state = ""
        if stage == Stage.INVITED:
            status = emails.get(onboarding_letter(invitation).key, OutboxStatus.PENDING)
            email_state = str(_EMAIL_STATES[status])
        rows.append(InvitationProgress(invitation, stage, email_state))
    counted = Counter(row.stage for row in rows)
    return OnboardingProgress(
        rows=rows,
        counts=[(stage, counted[stage]) for stage in Stage],
        registered=sum(1 for i in invitations if i.registered_at is not None),
    )


def _latest_standing(region: Region, agency_ids: list[int | None]) -> dict[int, str]:
    """Each registered agency's latest standing with the region (a rejoin is a new row)."""
    latest: dict[int, str] = {}
    for agency_id, status in (
        MemberAgency.all_regions.filter(region=region, agency_id__in=[a for a in agency_ids if a])
        .order_by("invited_at", "pk")
        .values_list("agency_id", "status")
    ):
        latest[agency_id] = status
    return latest


def _stage(invitation: OnboardingInvitation, standing: dict[int, str]) -> Stage:
    status = invitation.status
    if status == "registered":
        member_status = standing.get(invitation.registered_agency_id)
        return _STAGE_OF_STATUS.get(member_status, Stage.REGISTERED)
    return {"revoked": Stage.WITHDRAWN, "expired": Stage.EXPIRED}.get(status, Stage.INVITED)


def onboarding_lists(region: Region) -> QuerySet[OnboardingList]:
    """The lists the region sent, newest first."""
    return OnboardingList.all_regions.filter(region=region).select_related("uploaded_by")
