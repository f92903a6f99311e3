"""Limits that hold for every request, before any view reads it."""

from django.conf import settings
from django.shortcuts import render
from django.utils.cache import patch_cache_control


class RequestSizeLimitMiddleware:
    """Refuse a request body larger than MAX_REQUEST_BYTES before it is read or spooled.

    Uploads are capped at 20 MB by the forms; this stops a far larger body from filling the
    disk first. Deployments behind a proxy should set the same limit there.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.MAX_REQUEST_BYTES:
            limit_mb = settings.MAX_REQUEST_BYTES // 2**20
            return render(request, "413.html", {"limit_mb": limit_mb}, status=413)
        return self.get_response(request)


class PrivatePagesMiddleware:
    """Whatever a signed-in person is shown (pages, exports, PDFs) is never stored by a
    browser or a proxy cache (ASVS 14.3.2): a shared computer's back button or a proxy must
    not hand it to the next person."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response
