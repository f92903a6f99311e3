"""The emails of a request: a new message to the other side (who wrote on which request,
and the link to the page), and an assignment to the expert given it. What the agency and
the program wrote stays on the page, behind sign-in (and MFA for the program side), not in
an inbox."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from agencies.models import OutboxEmail
from agencies.outbox.kinds import Content, Kind, Skip
from assistance.models import AssistanceRequest, RequestMessage, Side
from assistance.requests import queries
from assistance.requests.services import ASSIGNED_EMAIL, MESSAGE_EMAIL


def _message(row: OutboxEmail) -> RequestMessage:
    message = (
        RequestMessage.all_agencies.filter(pk=row.context["message_id"])
        .select_related("request", "author")
        .first()
    )
    if message is None:
        raise Skip("The message no longer exists.")
    return message


def _still_wanted(row: OutboxEmail) -> None:
    """The recipient is still on the side the email goes to: a coordinator or editor of
    the agency, or someone on the program side who may still open the request."""
    message = _message(row)
    if message.side == Side.PROGRAM:
        if row.recipient_id not in queries.agency_side_recipients(message.request):
            raise Skip("The recipient is no longer a coordinator or editor of the agency.")
    elif not queries.program_requests(row.recipient).filter(pk=message.request_id).exists():
        raise Skip("The recipient may no longer open the request.")


def _compose(renderer, row: OutboxEmail) -> Content:
    message = _message(row)
    request: AssistanceRequest = message.request
    if message.side == Side.PROGRAM:
        path = reverse(
            "assistance_request_detail",
            kwargs={"agency_slug": row.agency.slug, "request_id": request.public_id},
        )
    else:
        path = reverse("staff:assistance_request", kwargs={"request_id": request.public_id})
    return Content(
        {
            "request": request,
            "author_name": message.author.get_full_name() or message.author.email,
            "from_program": message.side == Side.PROGRAM,
            "url": settings.SITE_URL + path,
        }
    )


def _assigned_request(row: OutboxEmail) -> AssistanceRequest:
    """The request, while the recipient is still the live expert assigned to it."""
    request = (
        queries.program_requests(row.recipient)
        .filter(pk=row.context["request_id"], expert__user_id=row.recipient_id)
        .first()
    )
    if request is None or not request.is_open:
        raise Skip("The recipient is no longer the expert on this open request.")
    return request


def _compose_assigned(renderer, row: OutboxEmail) -> Content:
    request = _assigned_request(row)
    path = reverse("staff:assistance_request", kwargs={"request_id": request.public_id})
    return Content({"request": request, "url": settings.SITE_URL + path})


KINDS = [
    Kind(
        name=MESSAGE_EMAIL,
        label=_("Technical-assistance reply"),
        compose=_compose,
        still_wanted=_still_wanted,
    ),
    Kind(
        name=ASSIGNED_EMAIL,
        label=_("Technical-assistance request assigned"),
        compose=_compose_assigned,
        still_wanted=_assigned_request,
    ),
]
