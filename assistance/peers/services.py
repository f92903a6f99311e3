"""Writes of peer sites: offering and withdrawing an offer, asking a peer for help, and the
peer's answer. Each runs in one transaction with its audit events — a request on both
agencies' trails — and writes its emails to the outbox in the same transaction."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.audit import changes_between, record_event, snapshot
from agencies.models import Agency, User
from agencies.outbox.services import Letter, outbox_add
from agencies.tenancy import agency_scope
from assistance.models import PeerOffer, PeerRequest, PeerRequestStatus, Requirement
from assistance.models.peers import OPEN_STATUSES
from assistance.peers import queries

# Email kinds in the outbox (assistance.peers.emails).
PEER_REQUEST_EMAIL = "peer_request"
PEER_ACCEPTED_EMAIL = "peer_request_accepted"

OFFER_FIELDS = [
    *Requirement.values,
    "note",
    "contact_name",
    "contact_title",
    "contact_email",
    "contact_phone",
]


def peer_offer_save(
    *,
    agency: Agency,
    actor: User,
    requirements: list[str],
    note: str,
    contact_name: str,
    contact_email: str,
    contact_title: str = "",
    contact_phone: str = "",
) -> PeerOffer:
    """Offer the agency as a peer site for requirements it meets now, or change its offer."""
    if not requirements:
        raise ValidationError({"requirements": _("Choose at least one requirement.")})
    unmet = set(requirements) - set(queries.met_requirements(agency))
    if unmet:
        labels = dict(Requirement.choices)
        raise ValidationError(
            {
                "requirements": _(
                    "Your agency can offer help only with a requirement it meets now; "
                    "not %(unmet)s."
                )
                % {"unmet": ", ".join(str(labels[key]) for key in sorted(unmet))}
            }
        )
    values = {
        **{key: key in requirements for key in Requirement.values},
        "note": note.strip(),
        "contact_name": contact_name.strip(),
        "contact_title": contact_title.strip(),
        "contact_email": contact_email.strip(),
        "contact_phone": contact_phone.strip(),
    }
    with agency_scope(agency), transaction.atomic():
        # The agency's row, locked: two first offers saved at once make one, not an error.
        Agency.objects.select_for_update().get(pk=agency.pk)
        offer = PeerOffer.objects.select_for_update().first()
        if offer is None:
            offer = PeerOffer(agency=agency, offered_by=actor, **values)
            offer.full_clean()
            offer.save()
            record_event(
                action="peer.offered",
                actor=actor,
                agency=agency,
                obj=offer,
                values={"requirements": requirements, "note": offer.note},
            )
            return offer
        before = {**snapshot(offer, OFFER_FIELDS), "withdrawn": offer.withdrawn_at is not None}
        for field, value in values.items():
            setattr(offer, field, value)
        if offer.withdrawn_at is not None:
            offer.withdrawn_at, offer.offered_by, offer.offered_at = None, actor, timezone.now()
        offer.full_clean()
        offer.save()
        after = {**snapshot(offer, OFFER_FIELDS), "withdrawn": False}
        changes = changes_between(before, after)
        if changes:
            record_event(
                action="peer.offer_changed", actor=actor, agency=agency, obj=offer, changes=changes
            )
    return offer


def peer_offer_withdraw(*, agency: Agency, actor: User) -> PeerOffer | None:
    """The agency is no longer a peer site; requests already made can still be answered."""
    with transaction.atomic():
        offer = (
            PeerOffer.all_agencies.select_for_update()
            .filter(agency=agency, withdrawn_at__isnull=True)
            .first()
        )
        if offer is None:  # withdrawn already (another tab, a double click)
            return None
        offer.withdrawn_at = timezone.now()
        offer.save(update_fields=["withdrawn_at"])
        record_event(action="peer.offer_withdrawn", actor=actor, agency=agency, obj=offer)
    return offer


def peer_request_send(
    *, agency: Agency, actor: User, offer: PeerOffer, requirement: str, message: str
) -> PeerRequest:
    """Ask a peer for help with a requirement it is listed for now; its coordinators are
    emailed. Asking again while a request stands returns that request, unchanged."""
    if offer.agency_id == agency.pk:
        raise ValidationError(_("Your agency cannot ask itself for help."))
    try:
        _offer, helping = queries.listed_offer(agency, offer.public_id)
    except PeerOffer.DoesNotExist:
        raise ValidationError(_("This agency is no longer listed as a peer site.")) from None
    if requirement not in helping:
        raise ValidationError(
            {"requirement": _("This peer does not offer help with that requirement now.")}
        )
    with transaction.atomic():
        standing = _open_request(agency, offer.agency, requirement)
        if standing is not None:
            return standing
        row = PeerRequest(
            agency=agency,
            peer=offer.agency,
            offer=offer,
            requirement=requirement,
            message=message.strip(),
            requested_by=actor,
        )
        row.full_clean(validate_constraints=False)
        try:
            with transaction.atomic():
                row.save()
        except IntegrityError:  # the same request, sent twice at once
            return _open_request(agency, offer.agency, requirement)
        values = {
            "requester": agency.name,
            "peer": offer.agency.name,
            "requirement": requirement,
            "message": row.message,
        }
        record_event(action="peer.requested", actor=actor, agency=agency, obj=row, values=values)
        # The peer's trail names the asking agency, not its coordinator: no contact detail
        # of either side is shared before the peer accepts.
        record_event(
            action="peer.requested", actor=actor, agency=offer.agency, obj=row, values=values,
            shown_as=agency.name,
        )  # fmt: skip
        outbox_add(
            [
                Letter(PEER_REQUEST_EMAIL, user_id, offer.agency_id, f"peer:{row.pk}", {
                    "peer_request_id": row.pk
                })
                for user_id in queries.coordinators(offer.agency).values_list("user_id", flat=True)
            ]
        )  # fmt: skip
    return row


def _open_request(agency: Agency, peer: Agency, requirement: str) -> PeerRequest | None:
    return (
        PeerRequest.all_agencies.select_for_update()
        .filter(agency=agency, peer=peer, requirement=requirement, status__in=OPEN_STATUSES)
        .first()
    )


def peer_request_answer(
    *, agency: Agency, actor: User, peer_request: PeerRequest, accept: bool
) -> PeerRequest:
    """The peer accepts (each side then sees the other's contact, and the requester is
    emailed) or declines (nothing is shared). Answering the same way twice changes nothing."""
    answer = PeerRequestStatus.ACCEPTED if accept else PeerRequestStatus.DECLINED
    with transaction.atomic():
        locked = PeerRequest.all_agencies.select_for_update().get(pk=peer_request.pk, peer=agency)
        if locked.status == answer:
            return locked
        if locked.status != PeerRequestStatus.PENDING:
            raise ValidationError(
                _("Your agency already answered this request: it is %(status)s.")
                % {"status": locked.get_status_display().lower()}
            )
        locked.status, locked.answered_by, locked.answered_at = answer, actor, timezone.now()
        locked.save(update_fields=["status", "answered_by", "answered_at"])
        changes = {"status": [PeerRequestStatus.PENDING, answer]}
        record_event(
            action=f"peer.request_{answer}", actor=actor, agency=agency, obj=locked,
            changes=changes,
        )  # fmt: skip
        # The requester's trail names the peer agency, not the coordinator who answered.
        record_event(
            action=f"peer.request_{answer}", actor=actor, agency=locked.agency, obj=locked,
            changes=changes, shown_as=agency.name,
        )  # fmt: skip
        if accept:
            outbox_add(
                [
                    Letter(PEER_ACCEPTED_EMAIL, user_id, locked.agency_id, f"peer:{locked.pk}", {
                        "peer_request_id": locked.pk
                    })
                    for user_id in queries.coordinators(locked.agency).values_list(
                        "user_id", flat=True
                    )
                ]
            )  # fmt: skip
    return locked
