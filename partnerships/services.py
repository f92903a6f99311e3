"""Writes for organizations and partnerships: each in one transaction with its audit event;
partnership changes announce the agency's changed evidence on commit.

Signed versions are never changed: a renewal or an amendment is a new version. A shared
partnership is changed by its lead (whose row it is) and concerns every party: each change is
announced for all of them. Its parties' own writes are in `partnerships.shared.services`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from agencies import documents
from agencies.audit import changes_between, record_event, snapshot
from agencies.documents import CheckedUpload
from agencies.hooks import announce_evidence_changed
from agencies.models import Agency, DocumentKind, Region, User
from agencies.tenancy import agency_scope
from agencies.validation import check_same_agency, save_unique, validate
from onemind.lib.dates import EXPIRY_DAYS, PAST_DAYS, PLANNED_DAYS, check_days, day
from partnerships.models import (
    VERSION_TERMS,
    AlternativeService,
    MentalHealthOrganization,
    Partnership,
    PartnershipParty,
    PartnershipVersion,
    PartyStatus,
    ProgramModel,
    VersionKind,
)

ORGANIZATION_FIELDS = [
    "name",
    "organization_type",
    "address",
    "contact_name",
    "contact_email",
    "contact_phone",
    "services",
]


# Organizations


def organization_create(*, agency: Agency, actor: User, **fields: Any) -> MentalHealthOrganization:
    organization = MentalHealthOrganization(agency=agency, **fields)
    _check_choices(organization.services, AlternativeService, "services")
    with agency_scope(agency), transaction.atomic():
        validate(organization)
        save_unique(organization)
        record_event(
            action="organization.created",
            actor=actor,
            agency=agency,
            obj=organization,
            values=snapshot(organization, ORGANIZATION_FIELDS),
        )
    return organization


def organization_update(
    *, agency: Agency, actor: User, organization: MentalHealthOrganization, **fields: Any
) -> MentalHealthOrganization:
    check_same_agency(agency, organization)
    before = snapshot(organization, ORGANIZATION_FIELDS)
    for name, value in fields.items():
        if name not in ORGANIZATION_FIELDS:
            raise ValueError(f"{name} is not an editable organization field")
        setattr(organization, name, value)
    _check_choices(organization.services, AlternativeService, "services")
    changes = changes_between(before, snapshot(organization, ORGANIZATION_FIELDS))
    if not changes:
        return organization
    organization.updated_at = timezone.now()
    with agency_scope(agency), transaction.atomic():
        validate(organization)
        save_unique(organization, update_fields=[*changes, "updated_at"])
        record_event(
            action="organization.updated",
            actor=actor,
            agency=agency,
            obj=organization,
            changes=changes,
        )
        announce_evidence_changed(agency)  # reasons name the organization
    return organization


# Partnerships and their versions


def partnership_create(
    *,
    agency: Agency,
    actor: User,
    organization: MentalHealthOrganization,
    title: str,
    terms: dict[str, Any],
    document: CheckedUpload | None = None,
    region: Region | None = None,
) -> Partnership:
    """A new partnership with its original agreement (a draft until it has a signed date);
    `region` when a region records it for the agency."""
    check_same_agency(agency, organization)
    partnership = Partnership(
        agency=agency,
        organization=organization,
        title=title.strip(),
        created_by=actor,
        region=region,
    )
    with agency_scope(agency), transaction.atomic():
        # One new partnership at a time per organization: the same one sent twice at once (a
        # double click) waits here for the first, then finds it and is that partnership.
        MentalHealthOrganization.objects.select_for_update().only("pk").get(pk=organization.pk)
        namesake = (
            Partnership.objects.filter(
                organization=organization, title=partnership.title, terminated_on__isnull=True
            )
            .order_by("created_at")
            .first()
        )
        if namesake:
            original = namesake.versions.select_related("document").order_by("created_at")[0]
            if _same_version(original, VersionKind.ORIGINAL, terms, "", document):
                return namesake
            raise ValidationError(
                {
                    "title": f"Your agency already has “{namesake.title}” with "
                    f"{organization.name}. Add a renewal or an amendment to it, or give this "
                    "agreement another title."
                }
            )
        validate(partnership)
        partnership.save()
        version = _add_version(
            agency, actor, partnership, VersionKind.ORIGINAL, terms, "", document
        )
        record_event(
            action="partnership.created",
            actor=actor,
            agency=agency,
            region=region,
            obj=partnership,
            values={
                "organization": organization.name,
                "title": partnership.title,
                **_version_values(version),
            },
        )
        announce_evidence_changed(agency)
    return partnership


def version_add(
    *,
    agency: Agency,
    actor: User,
    partnership: Partnership,
    kind: str,
    terms: dict[str, Any],
    summary: str = "",
    document: CheckedUpload | None = None,
) -> PartnershipVersion:
    """A renewal or an amendment: a new version in force from its effective date."""
    check_same_agency(agency, partnership)
    if kind not in (VersionKind.RENEWAL, VersionKind.AMENDMENT):
        raise ValidationError("Add a renewal or an amendment.")
    with agency_scope(agency), transaction.atomic():
        _lock_open(partnership)
        # The same version sent twice at once (a double click) waited for the lock above.
        latest = (
            PartnershipVersion.objects.filter(partnership=partnership)
            .select_related("document")
            .order_by("-created_at", "-pk")
            .first()
        )
        if latest and _same_version(latest, kind, terms, summary, document):
            return latest
        version = _add_version(agency, actor, partnership, kind, terms, summary, document)
        record_event(
            action=f"partnership.{kind}_added",
            actor=actor,
            agency=agency,
            obj=partnership,
            values={"summary": summary, **_version_values(version)},
        )
        announce_to_parties(partnership)
    return version


def draft_update(
    *,
    agency: Agency,
    actor: User,
    version: PartnershipVersion,
    terms: dict[str, Any],
    summary: str = "",
    document: CheckedUpload | None = None,
) -> PartnershipVersion:
    """Change a version that is not signed yet, or sign it by giving its signed date."""
    check_same_agency(agency, version)
    with agency_scope(agency), transaction.atomic():
        _lock_open(version.partnership)
        # Re-read under the lock: two people signing the same draft at once sign it once.
        locked = PartnershipVersion.objects.select_related("document").get(pk=version.pk)
        if not locked.is_draft:
            raise ValidationError("This version is signed and can no longer change.")
        before = {**snapshot(locked, VERSION_TERMS), "summary": locked.summary}
        replaced = locked.document
        _apply_terms(locked, terms)
        locked.summary = summary.strip()
        _check_version(agency, locked, has_document=bool(document or locked.document_id))
        if document:
            locked.document = _store(document, agency, actor)
        validate(locked)
        locked.save()
        after = {**snapshot(locked, VERSION_TERMS), "summary": locked.summary}
        changes = changes_between(before, after)
        if document:
            changes["document"] = [
                documents.audit_value(replaced),
                documents.audit_value(locked.document),
            ]
        record_event(
            action="partnership.signed" if not locked.is_draft else "partnership.draft_updated",
            actor=actor,
            agency=agency,
            obj=locked.partnership,
            changes=changes,
        )
        announce_to_parties(locked.partnership)
    return locked


def _lock_open(partnership: Partnership) -> Partnership:
    """Lock the partnership for this change (changes to it queue up); refuse a terminated one."""
    locked = Partnership.objects.select_for_update().get(pk=partnership.pk)
    if locked.terminated_on:
        raise ValidationError("This partnership was terminated; start a new one instead.")
    return locked


def partnership_terminate(
    *, agency: Agency, actor: User, partnership: Partnership, on: date, reason: str
) -> Partnership:
    """End a partnership from `on` (the first day it is no longer in force), with a reason."""
    check_same_agency(agency, partnership)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the partnership ends."})
    check_days(agency.today(), on=(on, PLANNED_DAYS))
    with agency_scope(agency), transaction.atomic():
        locked = Partnership.objects.select_for_update().get(pk=partnership.pk)
        if locked.terminated_on:
            raise ValidationError(
                f"This partnership was already terminated on {day(locked.terminated_on)}."
            )
        locked.terminated_on, locked.termination_reason = on, reason
        locked.save(update_fields=["terminated_on", "termination_reason"])
        record_event(
            action="partnership.terminated",
            actor=actor,
            agency=agency,
            obj=locked,
            changes={"terminated_on": [None, on]},
            values={"reason": reason},
        )
        announce_to_parties(locked)
    return locked


def announce_to_parties(partnership: Partnership) -> None:
    """The partnership's evidence changed for its lead and for every agency that is (or was
    asked to be) a party to it."""
    announce_evidence_changed(partnership.agency)
    parties = (
        PartnershipParty.all_agencies.filter(partnership=partnership)
        .exclude(agency=partnership.agency_id)
        .exclude(status=PartyStatus.DECLINED)
        .select_related("agency")
    )
    for party in parties:
        announce_evidence_changed(party.agency)


def _add_version(agency, actor, partnership, kind, terms, summary, document):
    version = PartnershipVersion(
        agency=agency,
        partnership=partnership,
        kind=kind,
        summary=summary.strip(),
        created_by=actor,
    )
    _apply_terms(version, terms)
    _check_version(agency, version, has_document=document is not None)
    if document:
        version.document = _store(document, agency, actor)
    validate(version)
    version.save()
    return version


def _same_version(
    recorded: PartnershipVersion,
    kind: str,
    terms: dict[str, Any],
    summary: str,
    document: CheckedUpload | None,
) -> bool:
    """Whether a version with these terms, summary and file would repeat `recorded`."""
    candidate = PartnershipVersion(kind=kind, summary=summary.strip())
    _apply_terms(candidate, terms)
    if document is None:
        same_file = recorded.document_id is None
    else:
        same_file = recorded.document is not None and recorded.document.sha256 == document.sha256
    return (
        same_file
        and (recorded.kind, recorded.summary) == (candidate.kind, candidate.summary)
        and snapshot(recorded, VERSION_TERMS) == snapshot(candidate, VERSION_TERMS)
    )


def _apply_terms(version: PartnershipVersion, terms: dict[str, Any]) -> None:
    for name, value in terms.items():
        if name not in VERSION_TERMS:
            raise ValueError(f"{name} is not a term of a partnership")
        setattr(version, name, value.strip() if isinstance(value, str) else value)
    version.signatories = [
        {key: (s.get(key) or "").strip() for key in ("name", "title", "organization")}
        for s in version.signatories
        if (s.get("name") or "").strip()
    ]


def _check_version(agency: Agency, version: PartnershipVersion, *, has_document: bool) -> None:
    """The rules of a version, checked before its document is stored."""
    _check_choices(version.program_models, ProgramModel, "program_models")
    errors = {}
    if version.expires_on and version.effective_on and version.expires_on < version.effective_on:
        errors["expires_on"] = "The expiry date cannot be before the effective date."
    if version.signed_on:
        if version.signed_on > agency.today():
            errors["signed_on"] = "The signed date cannot be in the future."
        if not version.effective_on:
            errors["effective_on"] = "Give the date the signed agreement takes effect."
        if not has_document:
            errors["document"] = "Attach the signed agreement."
        if not version.signatories:
            errors["signatories"] = "Name at least one person who signed it."
    if errors:
        raise ValidationError(errors)
    check_days(
        agency.today(),
        signed_on=(version.signed_on, PAST_DAYS),
        effective_on=(version.effective_on, PLANNED_DAYS),
        expires_on=(version.expires_on, EXPIRY_DAYS),
    )


def _check_choices(values: list, choices, field: str) -> None:
    if not isinstance(values, list) or not set(values) <= set(choices.values):
        raise ValidationError({field: "Choose from the list."})


def _store(document: CheckedUpload, agency: Agency, actor: User):
    return documents.store(document, agency=agency, actor=actor, kind=DocumentKind.PARTNERSHIP)


def _version_values(version: PartnershipVersion) -> dict[str, Any]:
    return {
        "kind": version.kind,
        **snapshot(version, VERSION_TERMS),
        "document": documents.audit_value(version.document),
    }
