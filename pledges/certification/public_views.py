"""Public pages, no sign-in: certificate verification and the directory of agencies."""

import re

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from onemind.lib.paging import page_of
from onemind.ratelimit import limited_per_client
from pledges.certification import queries
from pledges.models import Certificate, PledgeStatus

NUMBER = re.compile(r"^OM-\d{4}-\d{6}$")
TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


def public_certificate(certificate: Certificate | None) -> dict | None:
    """Only what the public may see: no people, no documents, no reviewer. The agency is
    named as the certificate recorded it; what it has changed since is listed apart, so a
    renamed agency cannot borrow the certificate for its new name."""
    if certificate is None:
        return None
    labels = {"name": _("name"), "place": _("place"), "ori": _("ORI")}
    changes = [
        {"what": labels[what], "certified": then, "now": now}
        for what, then, now in certificate.identity_changes()
    ]
    return {
        "number": certificate.number,
        "agency": certificate.agency_name,
        "place": certificate.agency_place,
        "ori": certificate.agency_ori,
        "issued_on": certificate.issued_on,
        "valid": certificate.is_valid,
        "revoked_on": certificate.revoked_at,
        "changes": changes,
        "changed": _in_words([change["what"] for change in changes]),
    }


def _in_words(items: list[str]) -> str:
    """["name", "place", "ORI"] as "name, place and ORI"."""
    if len(items) < 2:
        return "".join(items)
    return _("%(first)s and %(last)s") % {"first": ", ".join(items[:-1]), "last": items[-1]}


# Numbers are sequential (the program wants them so): the limit keeps anyone from reading
# every certificate in turn, and a person verifying a few never meets it.
verification_limited = limited_per_client("verify", setting="VERIFY_LOOKUPS_PER_MINUTE")


@require_GET
@verification_limited
def certificate_verify(request):
    number = request.GET.get("number", "").strip().upper()
    context = {"number": number, "searched": bool(number)}
    if number:
        found = queries.verifiable_certificate(number=number) if NUMBER.match(number) else None
        context["certificate"] = public_certificate(found)
    return render(request, "public/verify.html", context)


@require_GET
@verification_limited
def certificate_verify_token(request, token: str):
    certificate = (
        public_certificate(queries.verifiable_certificate(token=token))
        if TOKEN.match(token)
        else None
    )
    status = 200 if certificate else 404
    return render(
        request,
        "public/verify.html",
        {"certificate": certificate, "searched": True, "by_link": True},
        status=status,
    )


DIRECTORY_PAGE_SIZE = 50


def _public_status(status: str) -> str:
    """What the public sees: pledged (however the review stands) or certified."""
    return "Certified" if status == PledgeStatus.CERTIFIED else "Pledged"


@require_GET
def directory(request):
    """Agencies that chose to be listed, with their pledge; counts per state."""
    region = request.GET.get("state", "").strip().upper()[:10]
    listed = queries.directory_agencies()
    counts = queries.directory_counts()
    if region:
        listed = listed.filter(region__iexact=region)
    page = page_of(listed.order_by("name"), request.GET.get("page"), DIRECTORY_PAGE_SIZE)
    rows = [
        (agency.name, agency.region, agency.pledged_on, _public_status(agency.pledge_status))
        for agency in page
    ]
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "rows": rows,
        "counts": counts,
        "state": region,
        "query": query.urlencode(),
    }
    return render(request, "public/directory.html", context)
