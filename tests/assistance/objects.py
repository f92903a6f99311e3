"""Objects the initiative's tests share: an agency's standing on the pledge, peer sites,
technical-assistance requests and experts."""

import uuid
from datetime import timedelta

from django.utils import timezone

from agencies.documents import KNOWN_TYPES, check_upload
from agencies.models import Role
from assistance.experts.services import expert_add
from assistance.models import AssistanceRequest, Expert, PeerOffer, PeerRequest, Requirement
from assistance.requests.services import request_assign, request_open
from pledges.models import ProgramRules, ProgressSnapshot
from tests.factories import AgencyFactory, MembershipFactory, UserFactory, refresh_standing
from tests.files import pdf


def standing(agency, *, day=None, **met):
    """The agency's latest progress snapshot, meeting the requirements named (cit=True...),
    and its standing as the recompute leaves it."""
    snapshot = ProgressSnapshot.all_agencies.create(
        agency=agency,
        day=day or timezone.localdate(),
        rules=ProgramRules.objects.get(name="Current rules"),
        **{f"{key}_met": value for key, value in met.items()},
    )
    refresh_standing(agency)
    return snapshot


def peer_offer(agency, *requirements, met=True, **fields):
    """The agency's offer to help with `requirements`, which it meets unless `met=False`."""
    if met:
        standing(agency, **dict.fromkeys(requirements, True))
    return PeerOffer.all_agencies.create(
        agency=agency,
        offered_by=UserFactory(),
        note=fields.pop("note", "We signed an MOU with the county's crisis center."),
        contact_name=fields.pop("contact_name", "Lt. Rosa Diaz"),
        contact_email=fields.pop("contact_email", "rosa.diaz@peer.example"),
        contact_phone=fields.pop("contact_phone", "555-0100"),
        **dict.fromkeys(requirements, True),
        **fields,
    )


def peer_request(requester, offer, requirement, **fields):
    """A request of `requester` to the agency of `offer`, pending unless told."""
    return PeerRequest.all_agencies.create(
        agency=requester,
        peer=offer.agency,
        offer=offer,
        requirement=requirement,
        message=fields.pop("message", "How did you get the county to sign?"),
        requested_by=fields.pop("requested_by", None) or UserFactory(),
        **fields,
    )


def a_request_of(agency):
    """A request `agency` sent to a peer elsewhere (for the isolation walk)."""
    return peer_request(agency, peer_offer(AgencyFactory(), "cit"), "cit")


def unlisted_offer_of(agency):
    """The agency's offer, of a requirement it does not meet now (for the isolation walk,
    which asks for it once per role): a listed offer is meant for every agency."""
    found = PeerOffer.all_agencies.filter(agency=agency).first()
    return found or peer_offer(agency, "cit", met=False)


def expert_of(user=None, *, days: int = 30, expertise=(Requirement.PARTNERSHIP,)) -> Expert:
    """A live expert (a new account unless one is given) for `days` more days."""
    return expert_add(
        actor=UserFactory(),
        email=(user or UserFactory()).email,
        expertise=list(expertise),
        access_until=timezone.now() + timedelta(days=days),
    )


def request_of(
    agency, *, coordinator=None, expert: Expert | None = None, attachment: bool = False
) -> AssistanceRequest:
    """An open request of `agency` about its partnership, with a PDF attached if asked,
    assigned to `expert` if given."""
    coordinator = coordinator or MembershipFactory(agency=agency, role=Role.COORDINATOR).user
    files = [check_upload(pdf("draft-mou.pdf"), KNOWN_TYPES)] if attachment else []
    opened = request_open(
        agency=agency,
        actor=coordinator,
        requirement=Requirement.PARTNERSHIP,
        subject="No crisis center within 60 miles",
        tried="We asked the county CSB; they have no staff for an MOU this year.",
        token=uuid.uuid4(),
        attachments=files,
    )
    if expert is not None:
        opened = request_assign(request=opened, actor=UserFactory(), expert=expert)
    return opened
