"""Program staff review submissions: return with comments, or approve and certify.

Every decision is an append-only `Review` citing the SHA-256 of the snapshot it judged.
Certificate numbers (OM-<year>-<000123>) come from a per-year counter row locked for the
approving transaction, so two approvals at the same moment get consecutive numbers and a
rolled-back approval leaves no gap.
"""

from __future__ import annotations

import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.audit import changes_between, record_event, snapshot
from agencies.hooks import announce_evidence_changed
from agencies.models import Agency, Document, Membership, User
from agencies.webhooks.services import emit, event_id_for
from onemind.enqueue import enqueue_on_commit
from pledges.emails import notices
from pledges.engine import lifecycle
from pledges.models import (
    CERTIFIED_IDENTITY,
    REQUIREMENT_TITLES,
    Certificate,
    CertificateSequence,
    Decision,
    PledgeStatus,
    Review,
    Submission,
)
from pledges.tasks import render_certificate_pdf

REQUIREMENT_KEYS = tuple(REQUIREMENT_TITLES)
IDENTITY_FIELDS = [field for _source, field in CERTIFIED_IDENTITY]


def _open_submission(submission: Submission) -> Submission:
    """Lock the submission's pledge; refuse a submission already decided or superseded."""
    pledge = submission.pledge
    locked = type(pledge).all_agencies.select_for_update().get(pk=pledge.pk)
    if locked.status != PledgeStatus.SUBMITTED:
        raise ValidationError("This submission was decided already.")
    latest = Submission.all_agencies.filter(pledge=pledge).order_by("-submitted_at").first()
    if latest.pk != submission.pk or Review.all_agencies.filter(submission=submission).exists():
        raise ValidationError("This submission was decided already.")
    return submission


def _verified_agency(agency_id: int) -> Agency:
    """The agency, locked until the transaction ends, so a rename or a withdrawn
    verification waits for the certificate that records who it is; refused unless program
    staff verified that the agency is who it says."""
    agency = Agency.objects.select_for_update().get(pk=agency_id)
    if not agency.verified:
        raise ValidationError(
            _(
                "%(agency)s is not verified: program staff confirm who an agency is (its "
                "name, place and ORI) before it can be certified. Verify the agency first."
            )
            % {"agency": agency.name},
            code="agency_not_verified",
        )
    return agency


def _check_reviewer(reviewer: User, submission: Submission) -> None:
    if Membership.all_agencies.filter(agency=submission.agency, user=reviewer).exists():
        raise ValidationError("You are a member of this agency: another reviewer decides.")


def review_return(*, reviewer: User, submission: Submission, comments: dict[str, str]) -> Review:
    """Send the pledge back to the agency with a comment on what to fix."""
    comments = {k: v.strip() for k, v in comments.items() if k in REQUIREMENT_KEYS and v.strip()}
    if not comments:
        raise ValidationError("Comment on at least one requirement: say what to fix.")
    _check_reviewer(reviewer, submission)
    with transaction.atomic():
        _open_submission(submission)
        review = _decide(reviewer, submission, Decision.RETURNED, comments)
        lifecycle.move(submission.pledge, PledgeStatus.RETURNED, actor=reviewer, comments=comments)
        announce_evidence_changed(submission.agency)
        notices.submission_returned(review)
    return review


def review_approve(*, reviewer: User, submission: Submission, comments: dict | None = None):
    """Certify the agency: the pledge becomes certified and a certificate is issued to the
    agency's name, place and ORI as staff verified them."""
    _check_reviewer(reviewer, submission)
    with transaction.atomic():
        agency = _verified_agency(submission.agency_id)
        _open_submission(submission)
        review = _decide(reviewer, submission, Decision.APPROVED, comments or {})
        lifecycle.move(submission.pledge, PledgeStatus.CERTIFIED, actor=reviewer)
        certificate = _issue(submission, review, reviewer, agency)
        announce_evidence_changed(submission.agency)
    return review, certificate


def _decide(reviewer, submission, decision, comments) -> Review:
    review = Review(
        agency=submission.agency,
        submission=submission,
        reviewer=reviewer,
        decision=decision,
        comments=comments,
        snapshot_sha256=submission.snapshot_sha256,
    )
    review.save()
    record_event(
        action=f"review.{decision}",
        actor=reviewer,
        agency=submission.agency,
        obj=submission.pledge,
        values={"comments": comments, "snapshot_sha256": submission.snapshot_sha256},
    )
    return review


def next_certificate_number(year: int) -> str:
    """The next number of `year`; call inside the issuing transaction (the row stays locked
    until it commits, so concurrent approvals queue and numbers never repeat or skip)."""
    CertificateSequence.objects.get_or_create(year=year)
    sequence = CertificateSequence.objects.select_for_update().get(year=year)
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    return f"OM-{year}-{sequence.last_number:06d}"


def _issue(submission, review, actor, agency: Agency, replaces=None) -> Certificate:
    issued_on = timezone.localdate()
    certificate = Certificate.all_agencies.create(
        agency=agency,
        pledge=submission.pledge,
        review=review,
        number=next_certificate_number(issued_on.year),
        issued_on=issued_on,
        token=secrets.token_urlsafe(32),
        replaces=replaces,
        **Certificate.identity_of(agency),
    )
    # Whom it certifies; a replacement records what differs from the certificate it replaces
    # as before -> after.
    identity = snapshot(certificate, IDENTITY_FIELDS)
    changed = changes_between(snapshot(replaces, IDENTITY_FIELDS), identity) if replaces else {}
    unchanged = {name: value for name, value in identity.items() if name not in changed}
    record_event(
        action="certificate.issued",
        actor=actor,
        agency=agency,
        obj=certificate,
        changes=changed,
        values={
            "number": certificate.number,
            "replaces": replaces and replaces.number,
            **unchanged,
        },
    )
    emit(
        agency,
        "certificate.issued",
        {
            "certificate_id": str(certificate.public_id),
            "number": certificate.number,
            "issued_on": certificate.issued_on.isoformat(),
            "pledge_id": str(submission.pledge.public_id),
            "replaces": replaces.number if replaces else None,
        },
        event_id=event_id_for("certificate.issued", certificate.public_id),
    )
    # With the broker down the certificate stands without its PDF until the sweep renders it.
    enqueue_on_commit(render_certificate_pdf, certificate.pk)
    notices.certificate_issued(certificate)
    return certificate


def certificate_revoke(*, actor: User, certificate: Certificate, reason: str) -> Certificate:
    _check_reviewer(actor, certificate.review.submission)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the certificate is revoked."})
    with transaction.atomic():
        locked = Certificate.all_agencies.select_for_update().get(pk=certificate.pk)
        if locked.revoked_at:
            raise ValidationError(f"{locked.number} was revoked already.")
        locked.revoked_at, locked.revoked_reason, locked.revoked_by = timezone.now(), reason, actor
        locked.save(update_fields=["revoked_at", "revoked_reason", "revoked_by"])
        record_event(
            action="certificate.revoked",
            actor=actor,
            agency=locked.agency,
            obj=locked,
            values={"number": locked.number, "reason": reason},
        )
        emit(
            locked.agency_id,
            "certificate.revoked",
            {
                "certificate_id": str(locked.public_id),
                "number": locked.number,
                "revoked_at": locked.revoked_at.isoformat(),
            },
            event_id=event_id_for("certificate.revoked", locked.public_id),
        )
    return locked


def certificate_reissue(*, actor: User, certificate: Certificate, reason: str) -> Certificate:
    """Revoke a certificate and issue its replacement with a new number (say, the agency's
    name changed): the certification stands, and the replacement records the agency's name,
    place and ORI as they are now, which staff must have verified again."""
    with transaction.atomic():
        agency = _verified_agency(certificate.agency_id)
        revoked = certificate_revoke(actor=actor, certificate=certificate, reason=reason)
        submission = revoked.review.submission
        return _issue(submission, revoked.review, actor, agency, replaces=revoked)


def evidence_opened(*, reviewer: User, document: Document) -> None:
    """A reviewer opened an agency's document: each opening is in the agency's audit trail."""
    record_event(
        action="document.opened_by_staff",
        actor=reviewer,
        agency=document.agency,
        obj=document,
        values={"file": document.filename},
    )
