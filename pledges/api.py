"""The pledge through the API: progress on the four requirements as the dashboard judges it,
the agency's pledge and its pace, the crisis policy, the agency's certificates; and public
verification of a certificate, as JSON, without a token."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from agencies.audit import request_ip
from agencies.tokens.auth import READ
from onemind.api_answers import note_allowance
from onemind.lib.cursors import page_after
from onemind.lib.problems import ProblemOut, problem
from onemind.ratelimit import client_key, count_request
from pledges.certification import queries as certification_queries
from pledges.certification.public_views import NUMBER, TOKEN, public_certificate
from pledges.engine import evaluation_cache, lifecycle, policy
from pledges.models import (
    OPEN_STATUSES,
    POLICY_ELEMENTS,
    Certificate,
    CrisisPolicy,
    PledgeStatus,
)
from pledges.queries import pace, pledge_and_rules, snapshot_history

progress = Router(tags=["pledge"])
pledge = Router(tags=["pledge"])
crisis_policy = Router(tags=["pledge"])
certificates = Router(tags=["certificates"])
verification = Router(tags=["verification"])


# Progress: the dashboard's evaluation, as it computes it (the same rules, the same cache).


class RequirementOut(Schema):
    key: str = Field(description="partnership, policy, cit or coverage.")
    title: str
    met: bool
    count: int | None = Field(description="People who meet it (training requirements).")
    required: int | None = Field(description="People needed.")
    total: int | None = Field(description="People it is a share of.")
    percent: str | None = Field(description="count / total, one decimal, as the dashboard shows.")
    sworn_only: bool = Field(description="`total` counts sworn officers in scope only.")
    missing: list[str] = Field(description="What is missing, in words; empty when met.")


class ProgressOut(Schema):
    on: date = Field(description="The agency's today, which the figures are of.")
    rules: str = Field(description="The program rules the agency is judged by.")
    all_met: bool
    requirements: list[RequirementOut]


@progress.get("", response=ProgressOut, auth=READ, summary="Read progress on the requirements")
def progress_read(request):
    """The four requirements (partnership, policy, CIT minimum, training coverage), each met
    or not with its figures and what is missing: the agency's dashboard, as figures."""
    agency = request.agency
    today = agency.today()
    _, rules = pledge_and_rules(agency, today)
    evaluation = evaluation_cache.evaluation(agency, today, rules)
    return {
        "on": today,
        "rules": rules.name,
        "all_met": evaluation.all_met,
        "requirements": [
            {
                "key": r.key,
                "title": str(r.title),
                "met": r.met,
                "count": r.count,
                "required": r.required,
                "total": r.total,
                "percent": r.percent_text if r.count is not None else None,
                "sworn_only": r.sworn_only,
                "missing": [str(m) for m in r.missing],
            }
            for r in evaluation.requirements
        ],
    }


# The pledge.


class WindowOut(Schema):
    starts_on: date | None = Field(description="The day it was signed.")
    ends_on: date = Field(description="The target date.")
    min_months: int = Field(description="The shortest window the rules allow.")
    max_months: int = Field(description="The longest window the rules allow.")


class PaceOut(Schema):
    projected_on: date | None = Field(
        description="When coverage would reach its target at the last 90 days' rate."
    )
    at_risk: bool = Field(description="The projection falls after the target date.")
    words: str


class PledgeOut(Schema):
    id: UUID
    status: str = Field(
        description="draft, pledged, submitted, returned, certified, lapsed or withdrawn."
    )
    pledged_on: date | None = Field(description="The day it was signed.")
    signed_at: datetime | None
    target_date: date
    window: WindowOut
    days_left: int | None = Field(description="Days from the agency's today to the target date.")
    resubmit_by: date | None = Field(description="For a returned pledge: the last day to resubmit.")
    rules: str
    pace: PaceOut | None = Field(description="For an open pledge: how fast people are trained.")


@pledge.get(
    "",
    response={200: PledgeOut, 404: ProblemOut},
    auth=READ,
    summary="Read the agency's current pledge",
)
def pledge_read(request):
    """The agency's latest pledge, with its window and, while it is open, its pace, as the
    dashboard shows them. 404 while the agency has no pledge."""
    agency = request.agency
    today = agency.today()
    current, rules = pledge_and_rules(agency, today)
    if current is None:
        return problem(404, "The agency has no pledge yet.")
    projected = None
    if current.status in OPEN_STATUSES:
        coverage = evaluation_cache.evaluation(agency, today, rules)["coverage"]
        history = snapshot_history(agency, today)
        projected = pace(history, coverage.count, coverage.required, today, current)
    return {
        "id": current.public_id,
        "status": current.status,
        "pledged_on": current.pledged_on,
        "signed_at": current.signed_at,
        "target_date": current.target_date,
        "window": {
            "starts_on": current.pledged_on,
            "ends_on": current.target_date,
            "min_months": current.rules.window_min_months,
            "max_months": current.rules.window_max_months,
        },
        "days_left": (current.target_date - today).days,
        "resubmit_by": (
            lifecycle.submission_deadline(current)
            if current.status == PledgeStatus.RETURNED
            else None
        ),
        "rules": current.rules.name,
        "pace": projected
        and {
            "projected_on": projected.projected_on,
            "at_risk": projected.at_risk,
            "words": str(projected.words),
        },
    }


# The crisis policy.


class DocumentOut(Schema):
    filename: str
    content_type: str
    size: int
    sha256: str = Field(description="The SHA-256 fingerprint of the file as uploaded.")
    uploaded_at: datetime


class ElementOut(Schema):
    element: str = Field(description="Its field: definitions, signs_and_symptoms, …")
    label: str
    where: str = Field(description="The section or page that covers it; empty if none does.")
    covered: bool


class PolicyVersionOut(Schema):
    id: UUID
    title: str
    adopted_on: date
    effective_on: date
    based_on_iacp_model: bool
    elements: list[ElementOut]
    covered_count: int = Field(description="Of the six elements.")
    change_summary: str
    document: DocumentOut
    created_at: datetime


class PolicyOut(Schema):
    met: bool = Field(description="A complete policy is in force today.")
    missing: list[str] = Field(description="What keeps the requirement from being met.")
    in_force: PolicyVersionOut | None = Field(description="The version in force today.")
    versions: list[PolicyVersionOut] = Field(description="Every version, newest first.")


def _policy_version(version: CrisisPolicy) -> dict:
    document = version.document
    return {
        "id": version.public_id,
        "title": version.title,
        "adopted_on": version.adopted_on,
        "effective_on": version.effective_on,
        "based_on_iacp_model": version.based_on_iacp_model,
        "elements": [
            {
                "element": name.removesuffix("_at"),
                "label": label,
                "where": getattr(version, name),
                "covered": bool(getattr(version, name).strip()),
            }
            for name, label in POLICY_ELEMENTS
        ],
        "covered_count": version.covered_count,
        "change_summary": version.change_summary,
        "document": {
            "filename": document.filename,
            "content_type": document.content_type,
            "size": document.size,
            "sha256": document.sha256,
            "uploaded_at": document.uploaded_at,
        },
        "created_at": version.created_at,
    }


@crisis_policy.get("", response=PolicyOut, auth=READ, summary="Read the crisis policy")
def policy_read(request):
    """The agency's policy on responding to people in crisis: whether the requirement is
    met today, the version in force with its six elements' coverage, and every version."""
    today = request.agency.today()
    versions = policy.versions(request.agency)
    current = policy.in_force(versions, today)
    finding = policy.finding(versions, today)
    return {
        "met": finding.met,
        "missing": finding.reasons,
        "in_force": current and _policy_version(current),
        "versions": [_policy_version(v) for v in versions],
    }


# Certificates.


def verification_url(certificate: Certificate) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(
        "certificate_verify_token", kwargs={"token": certificate.token}
    )


class CertificateOut(Schema):
    id: UUID = Field(alias="public_id")
    number: str
    issued_on: date
    issued_to: str = Field(alias="agency_name", description="The agency's name when issued.")
    valid: bool = Field(alias="is_valid")
    revoked_at: datetime | None
    revoked_reason: str
    verification_url: str = Field(description="The public page that verifies it.")
    created_at: datetime

    @staticmethod
    def resolve_verification_url(certificate) -> str:
        return verification_url(certificate)


class CertificatePage(Schema):
    items: list[CertificateOut]
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null on the last page."
    )


@certificates.get("", response=CertificatePage, auth=READ, summary="List the certificates")
def certificate_list(request, cursor: str | None = None, limit: int = Query(100, ge=1, le=500)):
    """The agency's certificates, oldest first, revoked ones included."""
    items, next_cursor = page_after(Certificate.objects.all(), cursor, limit, field="created_at")
    return {"items": items, "next_cursor": next_cursor}


@certificates.get(
    "/{certificate_id}", response=CertificateOut, auth=READ, summary="Read one certificate"
)
def certificate_detail(request, certificate_id: UUID):
    return get_object_or_404(Certificate.objects, public_id=certificate_id)


# Public verification: what the public page shows, and nothing more.


class IdentityChangeOut(Schema):
    what: str = Field(description="name, place or ORI.")
    certified: str = Field(description="As the certificate recorded it.")
    now: str = Field(description="As the agency is now.")


class VerificationOut(Schema):
    number: str
    agency: str = Field(description="The agency's name as the certificate recorded it.")
    place: str
    ori: str
    issued_on: date
    valid: bool
    revoked_on: date | None
    changes: list[IdentityChangeOut] = Field(
        description="What of the agency's identity changed since the certificate was issued."
    )


@verification.get(
    "/{reference}",
    response={200: VerificationOut, 404: ProblemOut},
    summary="Verify a certificate (public, no token)",
)
def certificate_verify(request, reference: str):
    """A certificate by its number (OM-2027-000123) or by the token of its verification
    link: valid or revoked, whom it was issued to. No token needed; lookups per client
    address are limited as on the public page (the two count together)."""
    allowance = count_request(
        "verify",
        client_key(request_ip.get()),
        limit=settings.VERIFY_LOOKUPS_PER_MINUTE,
        per_seconds=60,
    )
    note_allowance(request, allowance)
    if allowance.wait:
        response = problem(429, f"Too many lookups: wait {allowance.wait} seconds and try again.")
        response["Retry-After"] = str(allowance.wait)
        return response
    reference = reference.strip()
    found = None
    if NUMBER.match(reference.upper()):
        found = certification_queries.verifiable_certificate(number=reference.upper())
    elif TOKEN.match(reference):
        found = certification_queries.verifiable_certificate(token=reference)
    shown = public_certificate(found)
    if shown is None:
        return problem(404, "No One Mind certificate has this number or link.")
    revoked = shown["revoked_on"]
    return {
        "number": shown["number"],
        "agency": shown["agency"],
        "place": shown["place"],
        "ori": shown["ori"],
        "issued_on": shown["issued_on"],
        "valid": shown["valid"],
        "revoked_on": timezone.localdate(revoked) if revoked else None,
        "changes": [{**change, "what": str(change["what"])} for change in shown["changes"]],
    }
