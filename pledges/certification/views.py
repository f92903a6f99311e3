"""Program staff review submissions: the queue, a submission with its frozen evidence and the
decision, the agencies' documents as evidence, and revoking or reissuing a certificate."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from agencies import documents
from agencies.forms import add_service_error
from agencies.models import Document
from agencies.queries import agency_audit_trail
from agencies.staff import REVIEW, staff_view
from pledges.certification import changes, queries, services
from pledges.certification.forms import DecisionForm
from pledges.engine.scope import scope_as_submitted
from pledges.models import Certificate, PledgeStatus, Review, Submission


@staff_view(REVIEW)
@require_GET
def review_queue(request):
    """Submitted pledges waiting for a decision, oldest first."""
    today = timezone.localdate()
    waiting = queries.review_queue()
    rows = [(s, (today - timezone.localdate(s.submitted_at)).days) for s in waiting[:200]]
    return render(request, "staff/review_queue.html", {"rows": rows})


@staff_view(REVIEW)
def review_detail(request, submission_id):
    submission = get_object_or_404(
        Submission.all_agencies.select_related("agency", "pledge", "pledge__rules", "submitted_by"),
        public_id=submission_id,
    )
    form = DecisionForm(request.POST or None, can_approve=submission.agency.verified)
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["decision"] == "approve":
                _, certificate = services.review_approve(
                    reviewer=request.user, submission=submission, comments=form.comments()
                )
                messages.success(request, f"Approved: certificate {certificate.number} issued.")
            else:
                services.review_return(
                    reviewer=request.user, submission=submission, comments=form.comments()
                )
                messages.success(request, f"Returned to {submission.agency.name} with comments.")
        except ValidationError as error:
            add_service_error(form, error)
        else:
            return redirect("staff:review_queue")
    people = Paginator(submission.snapshot.get("people", []), 100).get_page(request.GET.get("page"))
    scope = scope_as_submitted(submission.snapshot)  # None for older submissions
    left_out = scope and Paginator(scope.people, 100).get_page(request.GET.get("left_out_page"))
    context = {
        "submission": submission,
        "snapshot": submission.snapshot,
        "since_return": changes.since_return(submission),
        "people": people,
        "scope": scope,
        "left_out": left_out,
        "earlier": list(
            Review.all_agencies.filter(submission__pledge=submission.pledge)
            .select_related("reviewer", "submission")
            .order_by("-decided_at")
        ),
        "certificates": list(Certificate.all_agencies.filter(pledge=submission.pledge)),
        "events": list(agency_audit_trail(submission.agency)[:50]),
        "form": form,
        "decided": submission.pledge.status != PledgeStatus.SUBMITTED
        or Review.all_agencies.filter(submission=submission).exists(),
    }
    return render(request, "staff/review_detail.html", context)


@staff_view(REVIEW)
@require_GET
def staff_document(request, document_id):
    """An agency's document, for a reviewer; each opening is recorded."""
    document = get_object_or_404(
        Document.all_agencies.select_related("agency"), public_id=document_id
    )
    services.evidence_opened(reviewer=request.user, document=document)
    return documents.serve(document)


@staff_view(REVIEW)
@require_POST
def certificate_revoke(request, certificate_id):
    certificate = get_object_or_404(Certificate.all_agencies, public_id=certificate_id)
    reissue = request.POST.get("action") == "reissue"
    try:
        if reissue:
            new = services.certificate_reissue(
                actor=request.user, certificate=certificate, reason=request.POST.get("reason", "")
            )
            messages.success(request, f"{certificate.number} revoked; {new.number} issued.")
        else:
            services.certificate_revoke(
                actor=request.user, certificate=certificate, reason=request.POST.get("reason", "")
            )
            messages.success(request, f"{certificate.number} revoked.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("staff:review_detail", submission_id=certificate.review.submission.public_id)
