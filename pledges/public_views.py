"""Public pages, no sign-in: certificate verification."""

import re

from django.shortcuts import render
from django.views.decorators.http import require_GET

from pledges.models import Certificate

NUMBER = re.compile(r"^OM-\d{4}-\d{6}$")


def _public(certificate: Certificate | None) -> dict | None:
    """Only what the public may see: no people, no documents, no reviewer."""
    if certificate is None:
        return None
    agency = certificate.agency
    return {
        "number": certificate.number,
        "agency": agency.name,
        "place": ", ".join(p for p in (agency.locality, agency.region) if p),
        "issued_on": certificate.issued_on,
        "valid": certificate.is_valid,
        "revoked_on": certificate.revoked_at,
    }


def _lookup(**criteria) -> Certificate | None:
    return Certificate.all_agencies.select_related("agency").filter(**criteria).first()


@require_GET
def certificate_verify(request):
    number = request.GET.get("number", "").strip().upper()
    context = {"number": number, "searched": bool(number)}
    if number:
        found = _lookup(number=number) if NUMBER.match(number) else None
        context["certificate"] = _public(found)
    return render(request, "public/verify.html", context)


@require_GET
def certificate_verify_token(request, token: str):
    certificate = _public(_lookup(token=token))
    status = 200 if certificate else 404
    return render(
        request,
        "public/verify.html",
        {"certificate": certificate, "searched": True, "by_link": True},
        status=status,
    )
