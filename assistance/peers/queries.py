"""Reads of peer sites: the peers an agency may ask, filtered; its own offer; and the
requests it sent and received. A peer is listed for a requirement only while it offers it
and its latest standing (the progress snapshot the dashboards read) says it is met."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, Membership, Role
from agencies.tenancy import agency_scope
from assistance.models import PeerOffer, PeerRequest, Requirement
from pledges.models import place_in_words
from pledges.program.queries import with_progress

PAGE_SIZE = 25
REQUIREMENTS = Requirement.values

# Size bands of authorized sworn strength, as (key, label, lowest, highest or None).
SIZE_BANDS = [
    ("small", _("Fewer than 25 sworn officers"), 0, 24),
    ("medium", _("25 to 99 sworn officers"), 25, 99),
    ("large", _("100 to 499 sworn officers"), 100, 499),
    ("largest", _("500 sworn officers or more"), 500, None),
]


def size_band(sworn_strength: int | None) -> str:
    """The label of the band the agency's authorized sworn strength falls in."""
    if sworn_strength is None:
        return str(_("Size not given"))
    for _key, label, low, high in SIZE_BANDS:
        if sworn_strength >= low and (high is None or sworn_strength <= high):
            return str(label)
    return str(_("Size not given"))


def _size_q(key: str) -> Q:
    for band, _label, low, high in SIZE_BANDS:
        if band == key:
            q = Q(sworn_strength__gte=low)
            return q & Q(sworn_strength__lte=high) if high is not None else q
    return Q()


def _helps_with(requirement: str) -> Q:
    """Offered and met on the latest standing."""
    return Q(**{f"offers_{requirement}": True, f"{requirement}_met": True})


@dataclass(frozen=True)
class PeerFilters:
    state: str = ""  # the agency's state or province code
    size: str = ""  # a key of SIZE_BANDS
    requirement: str = ""  # a key of Requirement


@dataclass(frozen=True)
class PeerRow:
    """A peer as other agencies see it: never its contact details."""

    offer_id: UUID
    name: str
    place: str
    size: str
    requirements: list[str]  # the labels of what it helps with now
    note: str


def listed_peers(agency: Agency, filters: PeerFilters = PeerFilters()) -> QuerySet[Agency]:
    """The other agencies offering help with a requirement they meet now, with their
    offer's columns, by name."""
    offer = PeerOffer.all_agencies.filter(agency=OuterRef("pk"), withdrawn_at__isnull=True)
    rows = with_progress(
        Agency.objects.filter(Exists(offer)).exclude(pk=agency.pk), requirements=True
    ).annotate(
        offer_id=Subquery(offer.values("public_id")[:1]),
        offer_note=Subquery(offer.values("note")[:1]),
        **{f"offers_{key}": Subquery(offer.values(key)[:1]) for key in REQUIREMENTS},
    )
    if filters.requirement in REQUIREMENTS:
        helping = _helps_with(filters.requirement)
    else:
        helping = Q()
        for key in REQUIREMENTS:
            helping |= _helps_with(key)
    rows = rows.filter(helping)
    if filters.state:
        rows = rows.filter(region__iexact=filters.state)
    if filters.size:
        rows = rows.filter(_size_q(filters.size))
    return rows.order_by("name", "pk")


def helps_with(row: Agency) -> list[str]:
    """The keys of the requirements a listed peer helps with now."""
    return [k for k in REQUIREMENTS if getattr(row, f"offers_{k}") and getattr(row, f"{k}_met")]


def peer_page(agency: Agency, filters: PeerFilters, number) -> tuple[Page, list[PeerRow]]:
    """One page of listed peers (a count and a page query, whatever the number)."""
    page = Paginator(listed_peers(agency, filters), PAGE_SIZE).get_page(number)
    labels = dict(Requirement.choices)
    rows = [
        PeerRow(
            offer_id=row.offer_id,
            name=row.name,
            place=place_in_words(row.locality, row.region),
            size=size_band(row.sworn_strength),
            requirements=[str(labels[key]) for key in helps_with(row)],
            note=row.offer_note,
        )
        for row in page.object_list
    ]
    return page, rows


def listed_offer(agency: Agency, offer_id: UUID) -> tuple[PeerOffer, list[str]]:
    """Another agency's offer, listed now, and the keys of what it helps with; raises
    PeerOffer.DoesNotExist when it is not listed (withdrawn, no longer met, or the
    agency's own)."""
    row = listed_peers(agency).filter(offer_id=offer_id).first()
    if row is None:
        raise PeerOffer.DoesNotExist
    offer = PeerOffer.all_agencies.select_related("agency").get(agency=row, public_id=offer_id)
    return offer, helps_with(row)


def met_requirements(agency: Agency) -> list[str]:
    """The keys of the requirements the agency meets on its latest standing."""
    row = with_progress(Agency.objects.filter(pk=agency.pk), requirements=True).first()
    return [key for key in REQUIREMENTS if row is not None and getattr(row, f"{key}_met")]


@dataclass(frozen=True)
class OwnListing:
    """What the agency's own offer shows others now: the labels listed, and those offered but
    not listed while the agency does not meet them."""

    listed: list[str]
    unlisted: list[str]


def own_listing(agency: Agency, offer: PeerOffer) -> OwnListing:
    """How the agency's offer is listed now, read from its latest standing."""
    met = set(met_requirements(agency))
    labels = dict(Requirement.choices)
    return OwnListing(
        listed=[str(labels[k]) for k in offer.requirements if k in met],
        unlisted=[str(labels[k]) for k in offer.requirements if k not in met],
    )


def own_offer(agency: Agency) -> PeerOffer | None:
    """The agency's standing offer to be a peer site, if it has one."""
    return PeerOffer.all_agencies.filter(agency=agency, withdrawn_at__isnull=True).first()


def sent_requests(agency: Agency) -> QuerySet[PeerRequest]:
    """The requests the agency made to peers, newest first (its own scope)."""
    with agency_scope(agency):
        return PeerRequest.objects.select_related("peer", "offer")


def received_requests(agency: Agency) -> QuerySet[PeerRequest]:
    """The requests made to the agency as a peer, newest first (its scope as the peer)."""
    with agency_scope(agency):
        return PeerRequest.received.select_related("agency", "requested_by")


def request_of(agency: Agency, request_id: UUID) -> PeerRequest:
    """A request the agency sent or received, each side read through its own scope; raises
    PeerRequest.DoesNotExist for anyone else's."""
    related = ("agency", "peer", "offer", "requested_by", "answered_by")
    found = sent_requests(agency).select_related(*related).filter(public_id=request_id).first()
    if found is None:
        found = received_requests(agency).select_related(*related).get(public_id=request_id)
    return found


def coordinators(agency: Agency) -> QuerySet[Membership]:
    """The agency's coordinators, whom peer requests and answers are sent to."""
    return Membership.all_agencies.filter(agency=agency, role=Role.COORDINATOR)
