"""The program staff area (/staff/): agencies to verify, locked accounts, the audit trail."""

import uuid

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from agencies import queries, services
from agencies.models import Agency, User
from agencies.staff import ADMINISTER, ANY_STAFF_ROLE, REVIEW, has_mfa, staff_view
from onemind.lib.paging import page_of

PAGE_SIZE = 50


# Every other staff page sends a session that has not passed MFA here, so this one opens
# without it (to program staff and the holders of narrower staff roles, who need MFA too).
@staff_view(ANY_STAFF_ROLE, session_mfa=False)
@require_GET
def mfa_required(request):
    """Explains why a staff page needs a second factor, and where to give one."""
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    context = {"next": next_url, "has_mfa": has_mfa(request.user)}
    return render(request, "staff/mfa_required.html", context)


@staff_view(REVIEW)
@require_POST
def agency_verify(request):
    """The buttons of the agency list and the agency's page: `verify` or `withdraw`, with
    the agency's public id; back to the page (`next`) the button was on."""
    verified = "verify" in request.POST
    agency_id = request.POST.get("verify" if verified else "withdraw", "")
    try:
        agency_id = uuid.UUID(agency_id)
    except ValueError:
        raise Http404("No such agency.") from None
    agency = get_object_or_404(Agency, public_id=agency_id)
    services.agency_set_verified(agency=agency, actor=request.user, verified=verified)
    state = "verified" if verified else "marked as not verified"
    messages.success(request, f"{agency.name} is {state}.")
    return redirect(_back(request, request.POST.get("next", "")))


def _back(request, next_url: str) -> str:
    """`next_url` when it is a page of this site, else the staff area's home."""
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return settings.STAFF_HOME_URL


@staff_view(ADMINISTER)
@require_GET
def locked_accounts(request):
    return render(request, "staff/locked.html", {"users": list(queries.locked_accounts())})


@staff_view(ADMINISTER)
@require_POST
def account_unlock(request, user_id: int):
    user = get_object_or_404(User, pk=user_id)
    services.account_unlock(user=user, actor=request.user)
    messages.success(request, f"{user.email} can sign in again.")
    return redirect("staff:locked_accounts")


@staff_view(REVIEW)
@require_GET
def audit(request):
    page = page_of(queries.all_audit_events(), request.GET.get("page"), PAGE_SIZE)
    return render(request, "staff/audit.html", {"page": page})
