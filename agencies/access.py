"""Declaring what an agency page needs; AgencyTenancyMiddleware enforces it."""

from collections.abc import Callable

from django.views.decorators.http import require_http_methods

from agencies.models import Capability


def agency_view(capability: Capability, methods: tuple[str, ...] = ("GET", "POST")):
    """Mark a view under /a/<slug>/ with the capability its role must have.

    Pages that change anything take POST only for the change and declare EDIT or MANAGE.
    """

    def decorator(view: Callable) -> Callable:
        view = require_http_methods(list(methods))(view)
        view.agency_capability = capability
        return view

    return decorator
