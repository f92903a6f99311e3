"""The header's menu of an agency's pages, grouped so that it fits one line at desktop
widths, with the page a person is on marked for everyone: `aria-current="page"` on its link
(`"true"` on the link of the section a deeper page belongs to, as GOV.UK's service
navigation does) and the group holding it underlined."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from agencies.models import Capability
from agencies.regions.models import RegionCapability


@dataclass(frozen=True)
class Entry:
    label: str
    url_name: str
    capability: str = Capability.VIEW


@dataclass(frozen=True)
class Link:
    label: str
    url: str
    current: str  # "page", "true" on a page below it, or ""


@dataclass(frozen=True)
class Group:
    label: str
    id: str
    links: list[Link]

    @property
    def current(self) -> bool:
        return any(link.current for link in self.links)


# (group label and id, or None for a link of its own; the group's pages)
AGENCY_MENU = [
    (None, [Entry(_("Dashboard"), "agency_dashboard")]),
    (
        (_("Roster and training"), "menu-training"),
        [
            Entry(_("Roster"), "roster"),
            Entry(_("Record a class"), "class_create", Capability.EDIT),
            Entry(_("Regional classes"), "hosted_class_list"),
            Entry(_("Imports"), "import_list"),
            Entry(_("Courses"), "course_list"),
        ],
    ),
    (None, [Entry(_("Partnerships"), "partnership_list")]),
    (None, [Entry(_("Policy"), "policy_detail")]),
    (
        (_("Help"), "menu-help"),
        [
            Entry(_("Ask the program"), "assistance_request_list"),
            Entry(_("Peer sites"), "peer_list"),
        ],
    ),
    (
        (_("Agency settings"), "menu-agency"),
        [
            Entry(_("Members"), "member_list"),
            Entry(_("Regions"), "agency_regions", Capability.MANAGE),
            Entry(_("Agency details"), "agency_settings", Capability.MANAGE),
            Entry(_("API tokens"), "api_token_list", Capability.MANAGE),
            Entry(_("Single sign-on"), "sso_settings", Capability.MANAGE),
            Entry(_("Webhooks"), "webhook_list", Capability.MANAGE),
            Entry(_("Spotlight"), "spotlight_consent", Capability.MANAGE),
            Entry(_("Audit trail"), "agency_audit", Capability.MANAGE),
        ],
    ),
]


# The region's pages (/r/<slug>/), for region coordinators and viewers; each app adds its own.
REGION_MENU = [
    (None, [Entry(_("Dashboard"), "region_home", RegionCapability.VIEW)]),
    (
        (_("Agencies"), "menu-region-agencies"),
        [
            Entry(_("Member agencies"), "region_agencies", RegionCapability.VIEW),
            Entry(_("Onboarding"), "onboarding_page", RegionCapability.VIEW),
        ],
    ),
    (None, [Entry(_("Shared partnerships"), "region_partnership_list", RegionCapability.VIEW)]),
    (None, [Entry(_("Classes"), "regional_class_list", RegionCapability.VIEW)]),
    (
        (_("Region settings"), "menu-region"),
        [
            Entry(_("Team"), "region_team", RegionCapability.VIEW),
            Entry(_("Region details"), "region_settings", RegionCapability.MANAGE),
            Entry(_("Audit trail"), "region_audit", RegionCapability.MANAGE),
            Entry(_("Webhooks"), "region_webhook_list", RegionCapability.MANAGE),
        ],
    ),
]


def current(url: str, path: str, *, root: str) -> str:
    """How the link to `url` relates to the page at `path`; the agency's home page is above
    every page of the agency, and only itself is it current for."""
    if path == url:
        return "page"
    if url != root and path.startswith(url):
        return "true"
    return ""


def menu(request) -> dict:
    return {"agency_menu": agency_menu(request), "region_menu": region_menu(request)}


def agency_menu(request) -> list[Link | Group]:
    """Links, and groups of links (a group left with one link is that link)."""
    agency = getattr(request, "agency", None)
    membership = getattr(request, "membership", None)
    if agency is None or membership is None:
        return []
    return _build(
        AGENCY_MENU,
        membership,
        {"agency_slug": agency.slug},
        request.path,
        root=reverse("agency_dashboard", kwargs={"agency_slug": agency.slug}),
    )


def region_menu(request) -> list[Link | Group]:
    """The region's links and groups, for the region's team on its pages."""
    region = getattr(request, "region", None)
    membership = getattr(request, "region_membership", None)
    if region is None or membership is None:
        return []
    return _build(
        REGION_MENU,
        membership,
        {"region_slug": region.slug},
        request.path,
        root=reverse("region_home", kwargs={"region_slug": region.slug}),
    )


def _build(menu_spec, membership, kwargs: dict, path: str, *, root: str) -> list[Link | Group]:
    items: list[Link | Group] = []
    for group, entries in menu_spec:
        links = []
        for entry in entries:
            if membership.can(entry.capability):
                url = reverse(entry.url_name, kwargs=kwargs)
                links.append(Link(entry.label, url, current(url, path, root=root)))
        if group is None or len(links) == 1:
            items.extend(links)
        elif links:
            items.append(Group(*group, links))
    return items
