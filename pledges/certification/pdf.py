"""A certificate as a PDF: what it says, and the QR code that leads to its public verification."""

from __future__ import annotations

import segno
from django.conf import settings
from django.urls import reverse
from django.utils.safestring import mark_safe

from onemind.lib.pdfs import render_pdf


def qr_svg(url: str) -> str:
    """The URL as a QR code in inline SVG markup."""
    return mark_safe(  # noqa: S308 - segno's own markup of our URL
        segno.make_qr(url, error="m").svg_inline(scale=4, omitsize=True, title=url)
    )


def certificate_pdf(certificate) -> bytes:
    verify_url = settings.SITE_URL.rstrip("/") + reverse(
        "certificate_verify_token", kwargs={"token": certificate.token}
    )
    # Whom the certificate was issued to is what it recorded then, whatever the agency has
    # renamed itself to since.
    context = {
        "certificate": certificate,
        "verify_url": verify_url,
        "qr": qr_svg(verify_url),
    }
    return render_pdf("pledges/certificate_pdf.html", context)
