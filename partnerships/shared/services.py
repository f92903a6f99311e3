"""Writes of shared partnerships: recording one with its parties, and each party's answer and
leaving. Each runs in one transaction with its audit events — on the trail of every agency it
concerns, and on the region's when a region recorded the agreement — and announces on commit
the changed evidence of each agency whose requirement it may move."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from agencies.audit import record_event
from agencies.documents import CheckedUpload
from agencies.hooks import announce_evidence_changed
from agencies.models import Agency, Region, User
from agencies.tenancy import agency_scope
from agencies.validation import check_same_agency
from onemind.lib.dates import PLANNED_DAYS, check_days, day
from partnerships import services
from partnerships.models import (
    MentalHealthOrganization,
    Partnership,
    PartnershipParty,
    PartyStatus,
)
from partnerships.shared.queries import fellow_members, region_members


def shared_partnership_create(
    *,
    actor: User,
    lead: Agency,
    parties: list[Agency],
    organization: MentalHealthOrganization,
    title: str,
    terms: dict[str, Any],
    document: CheckedUpload | None = None,
    region: Region | None = None,
) -> Partnership:
    """A partnership naming `lead` and `parties`, kept once as the lead's row. Recorded by
    the lead's coordinator (no `region`), the lead's part is confirmed by that act; recorded
    by a region for its members, every part waits for its own agency's coordinator."""
    others = _check_parties(lead, parties, region)
    started = timezone.now()
    with transaction.atomic():
        partnership = services.partnership_create(
            agency=lead,
            actor=actor,
            organization=organization,
            title=title,
            terms=terms,
            document=document,
            region=region,
        )
        if partnership.created_at < started:  # the same agreement, sent twice at once
            if not PartnershipParty.all_agencies.filter(partnership=partnership).exists():
                raise ValidationError(
                    {"title": f"{lead.name} already has “{partnership.title}” with "
                     f"{organization.name}, not shared. Give this agreement another title."}
                )  # fmt: skip
            return partnership
        now = timezone.now()
        by_lead = region is None
        rows = [
            PartnershipParty(
                agency=lead,
                partnership=partnership,
                named_by=actor,
                status=PartyStatus.CONFIRMED if by_lead else PartyStatus.AWAITING,
                answered_by=actor if by_lead else None,
                answered_at=now if by_lead else None,
            ),
            *(PartnershipParty(agency=a, partnership=partnership, named_by=actor) for a in others),
        ]
        PartnershipParty.all_agencies.bulk_create(rows)
        names = [lead.name, *(a.name for a in others)]
        for row in rows:
            record_event(
                action="partnership.party_named",
                actor=actor,
                agency=row.agency,
                region=region,
                obj=partnership,
                values={"lead": lead.name, "parties": names, "status": row.status},
            )
    return partnership


def region_partnership_create(
    *,
    region: Region,
    actor: User,
    lead: Agency,
    parties: list[Agency],
    organization_name: str,
    organization_type: str,
    title: str,
    terms: dict[str, Any],
    document: CheckedUpload | None = None,
) -> Partnership:
    """A region records a shared partnership for its member agencies, on behalf of the lead
    among them: the organization is the lead's (found by its name, or added to its list)."""
    _check_parties(lead, parties, region)
    with transaction.atomic():
        organization = _organization_of(lead, actor, organization_name, organization_type)
        return shared_partnership_create(
            actor=actor,
            lead=lead,
            parties=parties,
            organization=organization,
            title=title,
            terms=terms,
            document=document,
            region=region,
        )


def _check_parties(lead: Agency, parties: list[Agency], region: Region | None) -> list[Agency]:
    """The parties besides the lead, each a member now of the recording region (or of a
    region the lead is a member of)."""
    others = list({a.pk: a for a in parties if a.pk != lead.pk}.values())
    if not others:
        raise ValidationError({"parties": "Name at least one other agency that is a party."})
    if region is not None:
        allowed = set(region_members(region).values_list("pk", flat=True))
        if lead.pk not in allowed:
            raise ValidationError({"lead": f"{lead.name} is not a member of {region.name}."})
        where = f"members of {region.name}"
    else:
        allowed = set(fellow_members(lead).values_list("pk", flat=True))
        where = "members of a region your agency belongs to"
    outsiders = sorted(a.name for a in others if a.pk not in allowed)
    if outsiders:
        raise ValidationError(
            {"parties": f"Only {where} can be parties; not {', '.join(outsiders)}."}
        )
    return others


def _organization_of(lead: Agency, actor: User, name: str, organization_type: str):
    name = name.strip()
    with agency_scope(lead):
        known = MentalHealthOrganization.objects.filter(name__iexact=name).first()
    if known:
        return known
    return services.organization_create(
        agency=lead, actor=actor, name=name, organization_type=organization_type, services=[]
    )


# A party's own answers


def party_confirm(*, agency: Agency, actor: User, party: PartnershipParty) -> PartnershipParty:
    """The agency confirms its part: the agreement counts for it while in force."""
    with _changing(agency, party) as locked:
        if locked.status == PartyStatus.CONFIRMED:
            return locked
        if locked.status == PartyStatus.LEFT:
            raise ValidationError("Your agency left this agreement; it cannot confirm it again.")
        before = locked.status
        locked.status, locked.reason = PartyStatus.CONFIRMED, ""
        locked.answered_by, locked.answered_at = actor, timezone.now()
        locked.save(update_fields=["status", "reason", "answered_by", "answered_at"])
        _record(locked, actor, "partnership.party_confirmed", {"status": [before, locked.status]})
    return locked


def party_decline(
    *, agency: Agency, actor: User, party: PartnershipParty, reason: str = ""
) -> PartnershipParty:
    """The agency declines its part: the agreement does not count for it."""
    with _changing(agency, party) as locked:
        if locked.status == PartyStatus.DECLINED:
            return locked
        if locked.status != PartyStatus.AWAITING:
            raise ValidationError(
                "Your agency confirmed this agreement: to end it for your agency, leave it."
            )
        locked.status, locked.reason = PartyStatus.DECLINED, reason.strip()
        locked.answered_by, locked.answered_at = actor, timezone.now()
        locked.save(update_fields=["status", "reason", "answered_by", "answered_at"])
        _record(
            locked,
            actor,
            "partnership.party_declined",
            {"status": [PartyStatus.AWAITING, locked.status]},
            {"reason": locked.reason},
        )
    return locked


def party_leave(
    *, agency: Agency, actor: User, party: PartnershipParty, on: date, reason: str
) -> PartnershipParty:
    """The agency ends the agreement for itself alone from `on` (the first day it no longer
    applies to it); the other parties keep it."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the agreement ends for your agency."})
    check_days(agency.today(), on=(on, PLANNED_DAYS))
    with _changing(agency, party) as locked:
        if locked.status == PartyStatus.LEFT:
            raise ValidationError(
                f"Your agency already left this agreement from {day(locked.left_on)}."
            )
        if locked.status != PartyStatus.CONFIRMED:
            raise ValidationError("Only a party that confirmed the agreement can leave it.")
        locked.status, locked.left_on, locked.reason = PartyStatus.LEFT, on, reason
        locked.left_by, locked.left_at = actor, timezone.now()
        locked.save(update_fields=["status", "left_on", "reason", "left_by", "left_at"])
        _record(
            locked,
            actor,
            "partnership.party_left",
            {"status": [PartyStatus.CONFIRMED, locked.status], "left_on": [None, on]},
            {"reason": reason},
        )
    return locked


@contextmanager
def _changing(agency: Agency, party: PartnershipParty) -> Iterator[PartnershipParty]:
    """The party row, locked for one change, inside the agency's scope and a transaction."""
    check_same_agency(agency, party)
    with agency_scope(agency), transaction.atomic():
        locked = PartnershipParty.objects.select_for_update().get(pk=party.pk)
        locked.partnership = Partnership.all_agencies.select_related("organization", "region").get(
            pk=locked.partnership_id
        )
        locked.agency = agency
        yield locked


def _record(party: PartnershipParty, actor: User, action: str, changes, values=None) -> None:
    """The change on the party's trail (and its region's), and the party's evidence changed."""
    announce_evidence_changed(party.agency)
    record_event(
        action=action,
        actor=actor,
        agency=party.agency,
        region=party.partnership.region,
        obj=party.partnership,
        changes=changes,
        values=values,
    )
