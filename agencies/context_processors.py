from django.conf import settings

from agencies.models import Capability
from agencies.queries import user_memberships
from agencies.regions.models import RegionCapability
from agencies.staff import is_program_staff, staff_roles_of


def navigation(request) -> dict:
    """What the header needs: the agencies (and on region pages, the regions) the user can
    switch to, and the staff link."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    membership = getattr(request, "membership", None)
    # Read here, not by the template as it renders (the header lists them).
    memberships = getattr(request, "memberships", None) or list(user_memberships(user))
    # Known on region pages only (the middleware read them); elsewhere the memberships say
    # whether there are any, so that no page asks the database once more for the header.
    region_memberships = getattr(request, "region_memberships", None) or []
    return {
        "nav_memberships": memberships,
        "nav_region_memberships": region_memberships,
        "nav_on_region_team": lambda: (
            bool(region_memberships) or any(m.on_region_team for m in memberships)
        ),
        "nav_is_staff": is_program_staff(user),
        # A narrower staff role (an expert) sees the link to its own pages, not the staff area.
        "nav_staff_roles": lambda: staff_roles_of(user),
        "current_agency": getattr(request, "agency", None),
        "current_membership": membership,
        "can_manage": membership is not None and membership.can(Capability.MANAGE),
        "can_edit": membership is not None and membership.can(Capability.EDIT),
        "current_region": getattr(request, "region", None),
        "can_manage_region": _can_manage_region(request),
    }


def _can_manage_region(request) -> bool:
    membership = getattr(request, "region_membership", None)
    return membership is not None and membership.can(RegionCapability.MANAGE)


def support(request) -> dict:
    """The address people write to when an account email does not arrive (SUPPORT_EMAIL)."""
    return {"support_email": settings.SUPPORT_EMAIL}
