"""A certificate as a PDF: what it says, who signs it, its seal, and the QR code that leads
to its public verification. One landscape page whatever the names it carries."""

from __future__ import annotations

import math
from dataclasses import dataclass

import segno
from django.conf import settings
from django.urls import reverse
from django.utils.safestring import mark_safe

from onemind.lib.pdfs import render_pdf


@dataclass(frozen=True)
class Signatory:
    name: str
    title: str


def signatories() -> list[Signatory]:
    """The program's signatories as the settings name them ("Name, Title"), in order: none
    unless configured, so that no certificate carries an invented signature."""
    found = []
    for entry in settings.CERTIFICATE_SIGNATORIES:
        name, _, title = entry.partition(",")
        found.append(Signatory(name.strip(), title.strip()))
    return found


def qr_svg(url: str) -> str:
    """The URL as a QR code in inline SVG markup."""
    return mark_safe(  # noqa: S308 - segno's own markup of our URL
        segno.make_qr(url, error="m").svg_inline(scale=4, omitsize=True, title=url)
    )


def _seal_edge(teeth: int = 60, outer: float = 99, inner: float = 93) -> str:
    """The seal's serrated rim in a 200-unit square: a polygon alternating two radii."""
    corners = []
    for index in range(2 * teeth):
        radius = outer if index % 2 == 0 else inner
        angle = math.pi * index / teeth
        corners.append(f"{100 + radius * math.sin(angle):.1f},{100 - radius * math.cos(angle):.1f}")
    return " ".join(corners)


SEAL_EDGE = _seal_edge()


def size_for(text: str, regular: int, long: int) -> str:
    """A CSS class setting long text smaller, so that the certificate stays one page: none up
    to `regular` characters, "long" up to `long`, then "longest"."""
    if len(text) <= regular:
        return ""
    return "long" if len(text) <= long else "longest"


def certificate_pdf(certificate) -> bytes:
    verify_url = settings.SITE_URL.rstrip("/") + reverse(
        "certificate_verify_token", kwargs={"token": certificate.token}
    )
    # Whom the certificate was issued to is what it recorded then, whatever the agency has
    # renamed itself to since; its chief is the one named in the pledge it certifies.
    pledge = certificate.pledge
    context = {
        "certificate": certificate,
        "pledge": pledge,
        "cit_minimum_percent": pledge.rules.cit_minimum_percent,
        "program_name": settings.PROGRAM_NAME,
        "issuer": settings.CERTIFICATE_ISSUER,
        "signatories": signatories(),
        "name_size": size_for(certificate.agency_name, 45, 90),
        "chief_size": size_for(pledge.chief_name + pledge.chief_title, 100, 200),
        "seal_edge": SEAL_EDGE,
        "verify_url": verify_url,
        "qr": qr_svg(verify_url),
    }
    return render_pdf("pledges/certificate_pdf.html", context)
