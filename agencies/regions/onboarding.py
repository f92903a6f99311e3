"""Writes for onboarding: a verified region invites agencies that are not registered yet —
one by email, or a whole list at once — and each coordinator-to-be registers the agency by
the emailed link; the region then *asks* the agency to join, and its coordinator accepts on
the agency's regions page with what it shares. An agency already registered is asked to
join at once instead. Every step is on the region's trail, with its emails written to the
outbox in the same transaction."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.audit import record_event
from agencies.models import Agency, User
from agencies.outbox.services import Letter, outbox_add
from agencies.regions.models import MemberAgency, OnboardingInvitation, OnboardingList, Region
from agencies.regions.onboarding_rows import (
    ASK,
    INVITE,
    ListPlan,
    ListRow,
    plan_list,
    rows_from_values,
)
from agencies.regions.services import member_agency_invite
from agencies.services import agency_register

ONBOARDING_EMAIL = "region_onboarding"  # the outbox's email kind (agencies.emails)
ONBOARDING_SALT = "agencies.region-onboarding"
LIST_SALT = "agencies.region-onboarding-list"
# Longer than an invitation to a colleague: the chief first decides who coordinates, and
# that person then registers the agency.
ONBOARDING_VALID_DAYS = 30
# How long a checked list may wait for its confirmation.
LIST_CHECK_VALID_SECONDS = 24 * 60 * 60


class OnboardingLinkError(ValidationError):
    """The link cannot be used; the message says why, in its reader's words."""


class ListChanged(ValidationError):
    """A checked list has problems now that it had not when checked (an agency registered
    or joined since, someone else invited it): nothing was sent."""

    def __init__(self, plan: ListPlan):
        super().__init__(_("Something changed since the list was checked: nothing was sent."))
        self.plan = plan


@dataclass(frozen=True)
class Onboarded:
    """What inviting one agency did: an invitation to register, or a request to join."""

    invitation: OnboardingInvitation | None = None
    member: MemberAgency | None = None


def _check_verified(region: Region) -> None:
    if not region.verified:
        raise ValidationError(
            _(
                "Program staff have not verified this region yet: it can invite agencies "
                "once they have."
            )
        )


def _lock(region: Region) -> None:
    """One onboarding write per region at a time, so each one's checks (already invited,
    already asked) hold until it commits."""
    Region.objects.select_for_update().filter(pk=region.pk).first()


def onboarding_token(invitation: OnboardingInvitation) -> str:
    return signing.dumps(str(invitation.public_id), salt=ONBOARDING_SALT)


def onboarding_letter(invitation: OnboardingInvitation) -> Letter:
    """The invitation's email (its outbox key tells the onboarding page whether it went)."""
    return Letter(
        ONBOARDING_EMAIL,
        None,
        None,
        f"onboarding:{invitation.pk}",
        {"invitation_id": invitation.pk},
        recipient_email=invitation.email,
    )


def onboarding_invite(
    *, region: Region, actor: User, agency_name: str, email: str, ori: str = "", state: str = ""
) -> Onboarded:
    """Invite one agency: its coordinator-to-be gets a link to register it, or, when it is
    registered already, the agency is asked to join. Problems raise, keyed by field."""
    _check_verified(region)
    row = ListRow(number=1, agency_name=agency_name, ori=ori, state=state, email=email)
    try:
        with transaction.atomic():
            _lock(region)
            plan_list(region, [row])
            if row.errors:
                errors: dict[str, list[str]] = {}
                for column, message in row.errors:
                    errors.setdefault(column, []).append(message)
                raise ValidationError(errors)
            return _send(region, actor, [row], sent_with=None)[0]
    except IntegrityError as error:
        raise ValidationError(
            {"email": _("Someone invited %(email)s a moment ago.") % {"email": row.email}}
        ) from error


def _send(
    region: Region, actor: User, rows: list[ListRow], *, sent_with: OnboardingList | None
) -> list[Onboarded]:
    """Invite each good row's agency, in the caller's transaction and region lock."""
    invite = [row for row in rows if row.action == INVITE]
    _replace_expired(region, actor, {row.email for row in invite})
    expires_at = timezone.now() + timedelta(days=ONBOARDING_VALID_DAYS)
    invitations = OnboardingInvitation.all_regions.bulk_create(
        OnboardingInvitation(
            region=region,
            agency_name=row.agency_name,
            ori=row.ori,
            state=row.state,
            email=row.email,
            invited_by=actor,
            expires_at=expires_at,
            sent_with=sent_with,
        )
        for row in invite
    )
    for invitation in invitations:
        record_event(
            action="onboarding_invitation.created",
            actor=actor,
            region=region,
            obj=invitation,
            values={
                "agency": invitation.agency_name,
                "ori": invitation.ori,
                "state": invitation.state,
                "email": invitation.email,
                **({"list": sent_with.filename} if sent_with else {}),
            },
        )
    outbox_add([onboarding_letter(invitation) for invitation in invitations])
    sent = dict(zip((row.number for row in invite), invitations, strict=True))
    return [
        Onboarded(invitation=sent[row.number])
        if row.action == INVITE
        else Onboarded(member=member_agency_invite(region=region, actor=actor, agency=row.agency))
        for row in rows
        if row.action in (INVITE, ASK)
    ]


def _replace_expired(region: Region, actor: User, emails: set[str]) -> None:
    """An expired invitation to an address gives way to the new one (one waits per address)."""
    for invitation in OnboardingInvitation.all_regions.filter(
        region=region, email__in=emails, registered_at=None, revoked_at=None
    ):
        _withdraw(region, actor, invitation, reason="replaced")


def _withdraw(region: Region, actor: User, invitation: OnboardingInvitation, reason: str) -> bool:
    withdrawn = OnboardingInvitation.all_regions.filter(
        pk=invitation.pk, registered_at=None, revoked_at=None
    ).update(revoked_at=timezone.now())
    if withdrawn:
        record_event(
            action="onboarding_invitation.revoked",
            actor=actor,
            region=region,
            obj=invitation,
            values={"email": invitation.email, "reason": reason},
        )
    return bool(withdrawn)


def onboarding_withdraw(
    *, region: Region, actor: User, invitation: OnboardingInvitation
) -> OnboardingInvitation:
    """The region withdraws an invitation not used yet: its link stops working."""
    if invitation.region_id != region.pk:
        raise ValidationError(_("This invitation was not sent by this region."))
    with transaction.atomic():
        if not _withdraw(region, actor, invitation, reason="withdrawn"):
            invitation.refresh_from_db()
            raise ValidationError(
                _("This invitation was already used or withdrawn: %(agency)s is %(status)s.")
                % {"agency": invitation.agency_name, "status": invitation.status}
            )
    invitation.refresh_from_db()
    return invitation


# A list of agencies: checked, then sent by a confirmation that carries the checked rows


def list_confirmation(*, region: Region, actor: User, filename: str, plan: ListPlan) -> str:
    """What the confirmation button sends back: the checked rows and the list's id, signed,
    so the rows sent are those the coordinator saw, and a second click is the same list."""
    return signing.dumps(
        {
            "list": str(uuid.uuid4()),
            "region": region.pk,
            "actor": actor.pk,
            "file": filename,
            "rows": [row.values for row in plan.rows],
        },
        salt=LIST_SALT,
        compress=True,
    )


@dataclass(frozen=True)
class CheckedList:
    public_id: uuid.UUID
    filename: str
    rows: list[ListRow]


def list_from_confirmation(token: str, *, region: Region, actor: User) -> CheckedList:
    try:
        data = signing.loads(token, salt=LIST_SALT, max_age=LIST_CHECK_VALID_SECONDS)
    except signing.SignatureExpired as error:
        raise ValidationError(
            _("The list was checked more than a day ago. Upload it again to check it anew.")
        ) from error
    except signing.BadSignature as error:
        raise ValidationError(_("The list could not be read back. Upload it again.")) from error
    if data["region"] != region.pk or data["actor"] != actor.pk:
        raise ValidationError(_("The list could not be read back. Upload it again."))
    return CheckedList(uuid.UUID(data["list"]), data["file"], rows_from_values(data["rows"]))


def onboarding_list_send(
    *, region: Region, actor: User, checked: CheckedList
) -> tuple[OnboardingList, bool]:
    """Send the invitations of a checked list, all or none: checked again first, as the
    region's agencies may have changed since. Returns the list and whether it was sent now
    (False: the same confirmation arrived before, and nothing more was sent)."""
    _check_verified(region)
    try:
        with transaction.atomic():
            _lock(region)
            earlier = OnboardingList.all_regions.filter(
                region=region, public_id=checked.public_id
            ).first()
            if earlier is not None:
                return earlier, False
            plan = plan_list(region, checked.rows)
            if plan.errors:
                raise ListChanged(plan)
            sent = OnboardingList.all_regions.create(
                region=region,
                public_id=checked.public_id,
                filename=checked.filename,
                uploaded_by=actor,
                invited=len(plan.invited),
                asked=len(plan.asked),
            )
            _send(region, actor, plan.rows, sent_with=sent)
            record_event(
                action="onboarding_list.sent",
                actor=actor,
                region=region,
                obj=sent,
                values={"file": sent.filename, "invited": sent.invited, "asked": sent.asked},
            )
    except IntegrityError as error:
        # The same confirmation, sent twice at once: the other request sent the list.
        earlier = OnboardingList.all_regions.filter(
            region=region, public_id=checked.public_id
        ).first()
        if earlier is None:
            raise ValidationError(
                _("Someone invited some of these agencies a moment ago. Upload the list again.")
            ) from error
        return earlier, False
    return sent, True


# The link: the coordinator-to-be registers the agency, which the region then asks to join


def onboarding_from_token(token: str) -> OnboardingInvitation:
    try:
        public_id = signing.loads(token, salt=ONBOARDING_SALT)
        return OnboardingInvitation.all_regions.select_related("region", "invited_by").get(
            public_id=public_id
        )
    except (signing.BadSignature, OnboardingInvitation.DoesNotExist, ValidationError) as error:
        raise OnboardingLinkError(
            _(
                "This invitation link is not valid. Check that you copied the whole link, or "
                "ask the region's coordinator for a new invitation."
            )
        ) from error


def onboarding_check(invitation: OnboardingInvitation, user: User | None = None) -> None:
    """Raise OnboardingLinkError unless the invitation can register an agency now (and,
    given a user, by that user: the invited address must be one they confirmed)."""
    status = invitation.status
    if status == "registered":
        raise OnboardingLinkError(_("This invitation has already been used to register an agency."))
    if status == "revoked":
        raise OnboardingLinkError(_("This invitation was withdrawn or replaced by a newer one."))
    if status == "expired":
        raise OnboardingLinkError(
            _("This invitation has expired. Ask the region's coordinator for a new one.")
        )
    if not invitation.region.verified:
        raise OnboardingLinkError(
            _(
                "%(region)s cannot invite agencies until program staff verify it again. You "
                "can register your agency on your own meanwhile."
            )
            % {"region": invitation.region.name}
        )
    if (
        user is not None
        and not EmailAddress.objects.filter(
            user=user, email__iexact=invitation.email, verified=True
        ).exists()
    ):
        raise OnboardingLinkError(
            _(
                "This invitation was sent to %(invited)s, but you are signed in as %(email)s. "
                "Sign in (or create an account) with the invited address."
            )
            % {"invited": invitation.email, "email": user.email}
        )


def onboarding_register(*, token: str, user: User, **profile) -> Agency:
    """Register the invited agency with `user` as its coordinator; the region that invited
    it then asks it to join (nothing is shared until its coordinator accepts)."""
    with transaction.atomic():
        invitation = onboarding_from_token(token)
        invitation = (
            OnboardingInvitation.all_regions.select_for_update()
            .select_related("region", "invited_by")
            .get(pk=invitation.pk)
        )
        onboarding_check(invitation, user)
        agency = agency_register(actor=user, **profile)
        invitation.registered_agency, invitation.registered_at = agency, timezone.now()
        invitation.save(update_fields=["registered_agency", "registered_at"])
        record_event(
            action="onboarding_invitation.registered",
            actor=user,
            agency=agency,
            region=invitation.region,
            obj=invitation,
            values={"agency": agency.name, "email": invitation.email},
        )
        # The region asked when it invited: the request is its inviter's.
        member_agency_invite(region=invitation.region, actor=invitation.invited_by, agency=agency)
    return agency
