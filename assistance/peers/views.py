"""Peer sites of one agency, under /a/<agency_slug>/peers/: finding peers, offering the
agency as one, asking a peer for help, and the requests sent and received."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from agencies.access import agency_view
from agencies.forms import add_service_error
from agencies.models import Capability
from assistance.models import PeerOffer, PeerRequest, PeerRequestStatus
from assistance.peers import queries, services
from assistance.peers.forms import AnswerForm, OfferForm, PeerFilterForm, RequestForm


@agency_view(Capability.VIEW, methods=("GET",))
def peer_list(request, agency_slug: str):
    form = PeerFilterForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    filters = queries.PeerFilters(
        state=data.get("state", "").strip(),
        size=data.get("size", ""),
        requirement=data.get("requirement", ""),
    )
    page, rows = queries.peer_page(request.agency, filters, request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    offer = queries.own_offer(request.agency)
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "query": query.urlencode(),
        "filtered": any((filters.state, filters.size, filters.requirement)),
        "offer": offer,
        "listing": queries.own_listing(request.agency, offer) if offer else None,
    }
    return render(request, "assistance/peers/list.html", context)


@agency_view(Capability.MANAGE)
def peer_offer(request, agency_slug: str):
    offer = queries.own_offer(request.agency)
    met = queries.met_requirements(request.agency)
    form = OfferForm(request.POST or None, instance=offer, met=met)
    if request.method == "POST" and form.is_valid():
        try:
            services.peer_offer_save(
                agency=request.agency,
                actor=request.user,
                requirements=form.cleaned_data["requirements"],
                note=form.cleaned_data["note"],
                contact_name=form.cleaned_data["contact_name"],
                contact_title=form.cleaned_data["contact_title"],
                contact_email=form.cleaned_data["contact_email"],
                contact_phone=form.cleaned_data["contact_phone"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Your agency's offer to be a peer site is saved."))
            return redirect("peer_list", agency_slug=request.agency.slug)
    context = {"form": form, "offer": offer, "met": met}
    # A POST that reaches here did not go through: the form says why.
    status = 400 if request.method == "POST" else 200
    return render(request, "assistance/peers/offer.html", context, status=status)


@agency_view(Capability.MANAGE, methods=("POST",))
def peer_offer_withdraw(request, agency_slug: str):
    if services.peer_offer_withdraw(agency=request.agency, actor=request.user):
        messages.success(request, _("Your agency is no longer listed as a peer site."))
    return redirect("peer_list", agency_slug=request.agency.slug)


@agency_view(Capability.MANAGE)
def peer_request_create(request, agency_slug: str, peer_offer_id):
    try:
        offer, helping = queries.listed_offer(request.agency, peer_offer_id)
    except PeerOffer.DoesNotExist:
        raise Http404("No such peer site.") from None
    form = RequestForm(request.POST or None, helping=helping)
    if request.method == "POST" and form.is_valid():
        try:
            peer_request = services.peer_request_send(
                agency=request.agency, actor=request.user, offer=offer, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("Your request was sent to %(peer)s. You will be emailed when they accept it.")
                % {"peer": offer.agency.name},
            )
            return redirect(
                "peer_request_detail",
                agency_slug=request.agency.slug,
                peer_request_id=peer_request.public_id,
            )
    context = {"form": form, "offer": offer, "peer": offer.agency}
    # A POST that reaches here did not go through: the form says why.
    status = 400 if request.method == "POST" else 200
    return render(request, "assistance/peers/request_form.html", context, status=status)


@agency_view(Capability.MANAGE, methods=("GET",))
def peer_request_list(request, agency_slug: str):
    context = {
        "received": list(queries.received_requests(request.agency)[:100]),
        "sent": list(queries.sent_requests(request.agency)[:100]),
    }
    return render(request, "assistance/peers/requests.html", context)


@agency_view(Capability.MANAGE)
def peer_request_detail(request, agency_slug: str, peer_request_id):
    try:
        peer_request = queries.request_of(request.agency, peer_request_id)
    except PeerRequest.DoesNotExist:
        raise Http404("No such request.") from None
    received = peer_request.peer_id == request.agency.pk
    answerable = received and peer_request.status == PeerRequestStatus.PENDING
    form = AnswerForm(request.POST or None) if answerable else None
    if request.method == "POST":
        if form is None:  # answered meanwhile (another tab), or the requester's own
            if received:
                messages.info(request, _("This request was answered already."))
            return redirect(request.path)
        if form.is_valid():
            try:
                peer_request = services.peer_request_answer(
                    agency=request.agency,
                    actor=request.user,
                    peer_request=peer_request,
                    accept=form.cleaned_data["answer"] == "accept",
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("Your answer was sent."))
                return redirect(request.path)
    context = {
        "peer_request": peer_request,
        "received": received,
        "form": form,
        # Each side's contact, only once the peer accepted.
        "shared": peer_request.accepted,
    }
    # A POST that reaches here did not go through: the form says why.
    status = 400 if request.method == "POST" else 200
    return render(request, "assistance/peers/request_detail.html", context, status=status)
