"""The peer sites' emails, sent through the outbox: a request to a peer's coordinators, and
its acceptance to the requester's. Neither carries anyone's contact details: the request's
page shows them, to each side, once the peer accepted."""

from __future__ import annotations

from django.urls import reverse

from agencies.models import Membership, OutboxEmail, Role
from agencies.outbox.kinds import Content, Kind, Skip
from agencies.outbox.messages import Renderer
from assistance.models import PeerRequest, PeerRequestStatus
from assistance.peers.services import PEER_ACCEPTED_EMAIL, PEER_REQUEST_EMAIL


def _request(row: OutboxEmail) -> PeerRequest:
    return PeerRequest.all_agencies.select_related("agency", "peer").get(
        pk=row.context["peer_request_id"]
    )


def _compose(renderer: Renderer, row: OutboxEmail) -> Content:
    peer_request = _request(row)
    path = reverse(
        "peer_request_detail",
        kwargs={"agency_slug": row.agency.slug, "peer_request_id": peer_request.public_id},
    )
    return Content({"peer_request": peer_request, "path": path})


def _still(status: str):
    def still_wanted(row: OutboxEmail) -> None:
        peer_request = PeerRequest.all_agencies.filter(pk=row.context["peer_request_id"]).first()
        if peer_request is None or peer_request.status != status:
            raise Skip("The request was answered, or its answer changed.")
        if not Membership.all_agencies.filter(
            agency_id=row.agency_id, user_id=row.recipient_id, role=Role.COORDINATOR
        ).exists():
            raise Skip("The recipient is no longer the agency's coordinator.")

    return still_wanted


KINDS = [
    Kind(
        PEER_REQUEST_EMAIL,
        "A request for a peer site's help",
        compose=_compose,
        still_wanted=_still(PeerRequestStatus.PENDING),
    ),
    Kind(
        PEER_ACCEPTED_EMAIL,
        "A peer site accepted a request",
        compose=_compose,
        still_wanted=_still(PeerRequestStatus.ACCEPTED),
    ),
]
