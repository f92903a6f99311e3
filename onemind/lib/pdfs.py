"""PDFs rendered with WeasyPrint from templates. Rendering reads only local static files
and `data:` URLs: nothing from the network, nothing outside the static folders."""

from __future__ import annotations

import ssl
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

from django.conf import settings
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher

STATIC_DIR = Path(settings.BASE_DIR) / "static"
# Never used (no network URL is fetched), but given, so that each render's fetcher does not
# load the system's certificate store again: some 50 ms a PDF.
UNUSED_TLS = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)


class LocalFilesOnly(URLFetcher):
    """Fetches `data:` URLs and files under the static folders; refuses everything else."""

    def __init__(self):
        super().__init__(
            allowed_protocols={"data", "file"}, allow_redirects=False, ssl_context=UNUSED_TLS
        )

    def fetch(self, url, headers=None):
        scheme = urlparse(url).scheme.lower()
        if scheme not in {"file", "data"}:
            raise ValueError(f"Not a local URL: {url}")
        if scheme == "file":
            path = Path(url2pathname(urlparse(url).path)).resolve()
            roots = [STATIC_DIR.resolve(), Path(settings.STATIC_ROOT).resolve()]
            if not any(path.is_relative_to(root) for root in roots):
                raise ValueError(f"Not a static file: {url}")
        return super().fetch(url, headers)


def render_pdf(template: str, context: dict) -> bytes:
    """A tagged PDF (PDF/UA-1: structure, title and language for screen readers)."""
    html = render_to_string(template, context)
    document = HTML(string=html, base_url=STATIC_DIR.as_uri() + "/", url_fetcher=LocalFilesOnly())
    return document.write_pdf(pdf_variant="pdf/ua-1")
