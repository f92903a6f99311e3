"""Partnerships (MOUs) through the API: those that concern the agency (its own, and the shared
ones it is a party to), where each stands for the agency today, and every version with the
SHA-256 fingerprint of its signed document."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from django.http import Http404
from ninja import Field, Router, Schema

from agencies.tokens.auth import READ
from partnerships.models import Partnership, PartnershipParty, PartnershipVersion
from partnerships.queries import partnerships as partnership_rows
from partnerships.shared.queries import visible_partnership
from partnerships.standing import standing

router = Router(tags=["partnerships"])


class DocumentOut(Schema):
    filename: str
    content_type: str
    size: int
    sha256: str = Field(description="The SHA-256 fingerprint of the file as uploaded.")
    uploaded_at: datetime


class VersionOut(Schema):
    id: UUID
    kind: str = Field(description="original, renewal or amendment.")
    summary: str
    signed_on: date | None = Field(description="null: a draft, not yet signed.")
    effective_on: date | None
    expires_on: date | None
    auto_renews: bool
    program_models: list[str]
    alternative: str = Field(description="The alternative to arrest or civil commitment.")
    referral_criteria: str
    custody_transfer: str
    information_sharing: str
    review_cadence: str
    signatories: list[dict]
    document: DocumentOut | None
    in_force: bool = Field(description="The version in force today.")
    created_at: datetime


class PartnershipOut(Schema):
    id: UUID
    title: str
    organization: str
    organization_type: str
    lead: bool = Field(description="The agency recorded it; false: it is a party to it.")
    shared: bool = Field(description="It names other agencies as parties.")
    party_status: str | None = Field(
        description="For a shared partnership: the agency's part (awaiting, confirmed, "
        "declined, left)."
    )
    status: str = Field(
        description="draft, pending, active, expiring, expired, terminated; for a shared one "
        "also unconfirmed, declined, left."
    )
    counts: bool = Field(description="It meets the partnership requirement today.")
    problem: str = Field(description="Why it does not count toward the pledge; empty when it does.")
    ends_on: date | None
    terminated_on: date | None
    versions: list[VersionOut]
    created_at: datetime


class PartnershipList(Schema):
    items: list[PartnershipOut]


def _document(document) -> dict | None:
    if document is None:
        return None
    return {
        "filename": document.filename,
        "content_type": document.content_type,
        "size": document.size,
        "sha256": document.sha256,
        "uploaded_at": document.uploaded_at,
    }


def _version(version: PartnershipVersion, in_force: PartnershipVersion | None) -> dict:
    return {
        "id": version.public_id,
        "kind": version.kind,
        "summary": version.summary,
        "signed_on": version.signed_on,
        "effective_on": version.effective_on,
        "expires_on": version.expires_on,
        "auto_renews": version.auto_renews,
        "program_models": version.program_models,
        "alternative": version.alternative,
        "referral_criteria": version.referral_criteria,
        "custody_transfer": version.custody_transfer,
        "information_sharing": version.information_sharing,
        "review_cadence": version.review_cadence,
        "signatories": version.signatories,
        "document": _document(version.document),
        "in_force": in_force is not None and version.pk == in_force.pk,
        "created_at": version.created_at,
    }


def _partnership(
    agency, partnership: Partnership, party: PartnershipParty | None, shared: bool, today: date
) -> dict:
    versions = sorted(partnership.versions.all(), key=lambda v: (v.created_at, v.pk))
    where = standing(partnership, versions, today, party)
    return {
        "id": partnership.public_id,
        "title": partnership.title,
        "organization": partnership.organization.name,
        "organization_type": partnership.organization.organization_type,
        "lead": partnership.agency_id == agency.pk,
        "shared": shared,
        "party_status": party.status if party else None,
        "status": where.status,
        "counts": where.in_force and where.counts,
        "problem": where.problem,
        "ends_on": where.ends_on,
        "terminated_on": partnership.terminated_on,
        "versions": [_version(v, where.version if where.in_force else None) for v in versions],
        "created_at": partnership.created_at,
    }


@router.get("", response=PartnershipList, auth=READ, summary="List the agency's partnerships")
def partnership_list(request):
    """Every partnership (MOU) that concerns the agency, as its Partnerships page lists
    them: its own, and the shared ones it is a party to (a shared MOU counts for each party
    that confirmed it), each with where it stands today and all its versions, oldest first.
    Not paged: an agency holds a handful."""
    agency = request.agency
    today = agency.today()
    return {
        "items": [
            _partnership(agency, row.partnership, row.party, row.shared, today)
            for row in partnership_rows(agency, today)
        ]
    }


@router.get("/{partnership_id}", response=PartnershipOut, auth=READ, summary="Read one partnership")
def partnership_detail(request, partnership_id: UUID):
    agency = request.agency
    try:
        partnership, party = visible_partnership(agency, partnership_id)
    except Partnership.DoesNotExist:
        raise Http404 from None
    shared = any(True for _ in partnership.parties.all())
    return _partnership(agency, partnership, party, shared, agency.today())
