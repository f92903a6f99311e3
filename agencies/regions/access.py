"""Declaring what a region page needs; RegionScopeMiddleware enforces it."""

from collections.abc import Callable

from django.views.decorators.http import require_http_methods

from agencies.regions.models import RegionCapability


def region_view(capability: RegionCapability, methods: tuple[str, ...] = ("GET", "POST")):
    """Mark a view under /r/<slug>/ with the capability its region role must have."""

    def decorator(view: Callable) -> Callable:
        view = require_http_methods(list(methods))(view)
        view.region_capability = capability
        return view

    return decorator
