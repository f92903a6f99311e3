"""Writes for agencies, memberships, invitations and accounts: each in one transaction with
its audit event, side effects scheduled on commit."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from agencies import lockout
from agencies.audit import changes_between, record_event, snapshot
from agencies.models import Agency, Invitation, Membership, Role, User
from agencies.names import clean_name
from agencies.outbox.services import Letter, outbox_add
from agencies.tenancy import agency_scope
from agencies.validation import validate

AGENCY_PROFILE_FIELDS = [
    "name",
    "agency_type",
    "ori",
    "country",
    "region",
    "locality",
    "sworn_strength",
    "time_zone",
    "directory_opt_in",
]
# Changing any of these withdraws program staff's verification of the agency: they are who
# staff verified, and what a certificate records as whom it was issued to.
IDENTITY_FIELDS = {"name", "ori", "country", "region", "locality"}
INVITATION_SALT = "agencies.invitation"
INVITATION_EMAIL = "invitation"  # its kind in the outbox (`agencies.emails`)


def _unique_slug(name: str) -> str:
    base = slugify(name)[:70] or "agency"
    slug, n = base, 2
    while Agency.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def agency_register(*, actor: User, slug: str = "", **profile: Any) -> Agency:
    """Create an agency with `actor` as its coordinator; program staff verify it later."""
    agency = Agency(slug=slug or _unique_slug(profile.get("name", "")), **profile)
    validate(agency)
    try:
        with transaction.atomic():
            agency.save()
            record_event(
                action="agency.registered",
                actor=actor,
                agency=agency,
                obj=agency,
                values=snapshot(agency, ["slug", *AGENCY_PROFILE_FIELDS]),
            )
            _membership_create(agency=agency, user=actor, role=Role.COORDINATOR, actor=actor)
    except IntegrityError as error:
        # Two submissions racing for the same address, ORI or name: the constraints decide.
        raise ValidationError(
            "An agency with this web address, ORI or name and place was registered a moment "
            "ago. If it is yours, ask its coordinator to invite you."
        ) from error
    return agency


def agency_update(*, agency: Agency, actor: User, **profile: Any) -> Agency:
    """Change the agency's profile (not its slug or verification)."""
    before = snapshot(agency, AGENCY_PROFILE_FIELDS)
    for name, value in profile.items():
        if name not in AGENCY_PROFILE_FIELDS:
            raise ValueError(f"{name} is not an editable agency field")
        setattr(agency, name, value)
    validate(agency)
    changes = changes_between(before, snapshot(agency, AGENCY_PROFILE_FIELDS))
    if not changes:
        return agency
    update_fields = list(changes)
    if agency.verified and _identity_changed(changes):
        # Staff verified who the agency is; a new identity needs verifying again.
        agency.verified, agency.verified_at, agency.verified_by = False, None, None
        changes["verified"] = [True, False]
        update_fields += ["verified", "verified_at", "verified_by"]
    try:
        with transaction.atomic():
            agency.save(update_fields=update_fields)
            record_event(
                action="agency.updated", actor=actor, agency=agency, obj=agency, changes=changes
            )
    except IntegrityError as error:
        raise ValidationError(
            "Another agency was saved with this ORI, or this name and place, a moment ago."
        ) from error
    return agency


def _identity_changed(changes: dict[str, list]) -> bool:
    """Who the agency is changed, not only how a name was written down: a name stored before
    names were cleaned (doubled spaces, invisible characters) is the same name cleaned."""
    return any(
        clean_name(str(before or "")) != clean_name(str(after or ""))
        for name, (before, after) in changes.items()
        if name in IDENTITY_FIELDS
    )


def agency_set_verified(*, agency: Agency, actor: User, verified: bool) -> Agency:
    """Program staff confirm (or withdraw confirmation) that the agency is who it says."""
    if agency.verified == verified:
        return agency
    with transaction.atomic():
        agency.verified = verified
        agency.verified_at = timezone.now() if verified else None
        agency.verified_by = actor if verified else None
        agency.save(update_fields=["verified", "verified_at", "verified_by"])
        record_event(
            action="agency.verified" if verified else "agency.unverified",
            actor=actor,
            agency=agency,
            obj=agency,
            changes={"verified": [not verified, verified]},
        )
    return agency


# Memberships


def _membership_create(*, agency: Agency, user: User, role: str, actor: User) -> Membership:
    membership = Membership.all_agencies.create(agency=agency, user=user, role=role)
    record_event(
        action="membership.created",
        actor=actor,
        agency=agency,
        obj=membership,
        values={"user": user.email, "role": role},
    )
    return membership


def _coordinator_count(agency: Agency) -> int:
    # Lock the agency's coordinator rows so two concurrent demotions cannot both pass.
    return len(
        Membership.all_agencies.select_for_update()
        .filter(agency=agency, role=Role.COORDINATOR)
        .values_list("pk", flat=True)
    )


def membership_change_role(
    *, agency: Agency, actor: User, membership: Membership, role: str
) -> Membership:
    """Give a member another role; an agency always keeps at least one coordinator."""
    if role not in Role.values:
        raise ValidationError({"role": "Choose coordinator, editor or viewer."})
    if membership.role == role:
        return membership
    with transaction.atomic():
        if membership.role == Role.COORDINATOR and _coordinator_count(agency) <= 1:
            raise ValidationError(
                "This is the agency's only coordinator. Make someone else coordinator first."
            )
        before = membership.role
        membership.role = role
        membership.save(update_fields=["role"])
        record_event(
            action="membership.role_changed",
            actor=actor,
            agency=agency,
            obj=membership,
            changes={"role": [before, role]},
        )
    return membership


def membership_remove(*, agency: Agency, actor: User, membership: Membership) -> None:
    """Take a member out of the agency (their account and the trail stay)."""
    with transaction.atomic():
        if membership.role == Role.COORDINATOR and _coordinator_count(agency) <= 1:
            raise ValidationError(
                "This is the agency's only coordinator. Make someone else coordinator first."
            )
        record_event(
            action="membership.removed",
            actor=actor,
            agency=agency,
            obj=membership,
            values={"user": membership.user.email, "role": membership.role},
        )
        membership.delete()


# Invitations


def invitation_token(invitation: Invitation) -> str:
    """The signed token in the invitation link; nothing secret is stored in the database."""
    return signing.dumps(str(invitation.public_id), salt=INVITATION_SALT)


def invitation_create(*, agency: Agency, actor: User, email: str, role: str) -> Invitation:
    """Invite an email address to the agency; replaces any invitation still waiting for it.

    The email is written to the outbox with the invitation, so it goes out even if the
    broker is down at that moment. Two invitations of one address sent at the same moment
    (a double click, two coordinators) leave one: the second lands on the first when it
    asks the same, and is told so otherwise.
    """
    email = email.strip().lower()
    if role not in Role.values:
        raise ValidationError({"role": "Choose coordinator, editor or viewer."})
    try:
        return _invitation_create(agency=agency, actor=actor, email=email, role=role)
    except IntegrityError:
        # Another invitation of this address was saved while ours was being written.
        with agency_scope(agency):
            waiting = Invitation.objects.filter(
                email=email, accepted_at=None, revoked_at=None
            ).first()
        if waiting is None:
            raise
        if waiting.role == role:
            return waiting
        raise ValidationError(
            {
                "email": f"Someone else invited {email} as {waiting.get_role_display().lower()} "
                "a moment ago. See the members page; invite again to change the role."
            }
        ) from None


def _invitation_create(*, agency: Agency, actor: User, email: str, role: str) -> Invitation:
    with transaction.atomic(), agency_scope(agency):
        if Membership.objects.filter(user__email__iexact=email).exists():
            raise ValidationError({"email": f"{email} is already a member of this agency."})
        now = timezone.now()
        # Every one not used or withdrawn, the expired too: at most one waits per address.
        for earlier in Invitation.objects.select_for_update().filter(
            email=email, accepted_at=None, revoked_at=None
        ):
            _invitation_withdraw(agency=agency, actor=actor, invitation=earlier, reason="replaced")
        invitation = Invitation.objects.create(
            agency=agency,
            email=email,
            role=role,
            invited_by=actor,
            expires_at=now + timedelta(days=settings.INVITATION_VALID_DAYS),
        )
        record_event(
            action="invitation.created",
            actor=actor,
            agency=agency,
            obj=invitation,
            values={"email": email, "role": role},
        )
        # Keyed by the invitation: sending again (a new invitation) is a new email, while a
        # repeat of this one is not.
        outbox_add(
            [
                Letter(
                    INVITATION_EMAIL,
                    None,
                    agency.pk,
                    f"invitation:{invitation.pk}",
                    {"invitation_id": invitation.pk},
                    recipient_email=email,
                )
            ]
        )
    return invitation


def _invitation_withdraw(
    *, agency: Agency, actor: User, invitation: Invitation, reason: str
) -> bool:
    """Withdraw an invitation unless it was used or withdrawn meanwhile; audited."""
    withdrawn = Invitation.all_agencies.filter(
        pk=invitation.pk, accepted_at=None, revoked_at=None
    ).update(revoked_at=timezone.now())
    if withdrawn:
        record_event(
            action="invitation.revoked",
            actor=actor,
            agency=agency,
            obj=invitation,
            values={"email": invitation.email, "reason": reason},
        )
    return bool(withdrawn)


def invitation_revoke(*, agency: Agency, actor: User, invitation: Invitation) -> None:
    """Withdraw an open invitation, so its link stops working."""
    with transaction.atomic():
        if invitation.state == "expired" or not _invitation_withdraw(
            agency=agency, actor=actor, invitation=invitation, reason="withdrawn"
        ):
            invitation.refresh_from_db()
            raise ValidationError(f"This invitation is already {invitation.state}.")


class InvitationError(ValidationError):
    """The invitation link cannot be used; the message says why, in the user's words."""


def invitation_from_token(token: str) -> Invitation:
    """The invitation a link points to, whatever its state; a forged link is an error."""
    try:
        public_id = signing.loads(token, salt=INVITATION_SALT)
        return Invitation.all_agencies.select_related("agency").get(public_id=public_id)
    except (signing.BadSignature, Invitation.DoesNotExist, ValidationError) as error:
        raise InvitationError(
            "This invitation link is not valid. Check that you copied the whole link, "
            "or ask your agency coordinator for a new invitation."
        ) from error


def invitation_accept(*, token: str, user: User) -> Membership:
    """Join the agency the invitation names, as the invited address, once."""
    with transaction.atomic():
        invitation = invitation_from_token(token)
        invitation = Invitation.all_agencies.select_for_update().get(pk=invitation.pk)
        agency = invitation.agency
        if invitation.accepted_at is not None:
            raise InvitationError("This invitation has already been used.")
        if invitation.revoked_at is not None:
            raise InvitationError(
                "This invitation was withdrawn or replaced by a newer one. "
                "Use the most recent invitation email."
            )
        if invitation.expires_at <= timezone.now():
            raise InvitationError(
                "This invitation has expired. Ask your agency coordinator to send a new one."
            )
        if not EmailAddress.objects.filter(
            user=user, email__iexact=invitation.email, verified=True
        ).exists():
            raise InvitationError(
                f"This invitation was sent to {invitation.email}, but you are signed in as "
                f"{user.email}. Sign out and sign in (or create an account) with the invited "
                "address."
            )
        with agency_scope(agency):
            if Membership.objects.filter(user=user).exists():
                raise InvitationError(f"You are already a member of {agency.name}.")
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        record_event(
            action="invitation.accepted",
            actor=user,
            agency=agency,
            obj=invitation,
            values={"email": invitation.email, "role": invitation.role},
        )
        membership = _membership_create(agency=agency, user=user, role=invitation.role, actor=user)
    return membership


# Accounts

ACCOUNT_NAME_FIELDS = ["first_name", "last_name"]


def account_rename(*, user: User, first_name: str, last_name: str) -> User:
    """Change the name the account goes by (members lists, email greetings); audited."""
    before = snapshot(user, ACCOUNT_NAME_FIELDS)
    user.first_name, user.last_name = clean_name(first_name), clean_name(last_name)
    changes = changes_between(before, snapshot(user, ACCOUNT_NAME_FIELDS))
    if changes:
        with transaction.atomic():
            user.save(update_fields=ACCOUNT_NAME_FIELDS)
            record_event(action="account.renamed", actor=user, obj=user, changes=changes)
    return user


def account_lock(*, email: str, user: User | None) -> None:
    """Lock an address after repeated failed sign-ins (an unknown one too, alike)."""
    with transaction.atomic():
        if lockout.lock(email):
            record_event(action="account.locked", obj=user, actor_email=email[:254])


def account_unlock(*, user: User, actor: User | None, agency: Agency | None = None) -> None:
    """Release a locked account (by a coordinator, an administrator, or a password reset)."""
    with transaction.atomic():
        if lockout.unlock(user.email):
            record_event(
                action="account.unlocked",
                actor=actor,
                agency=agency,
                obj=user,
                actor_email=user.email if actor is None else "",
            )


def email_address_release(
    *, email: str, claimant: User | None = None, reason: str
) -> list[EmailAddress]:
    """Take `email` off every other account that added it and never confirmed it, so that
    its owner can sign up with it, confirm it, accept an invitation to it and reset a
    password by it; an account's own sign-in address stays. Audited on each account."""
    email = email.strip().lower()
    with transaction.atomic():
        unconfirmed = (
            EmailAddress.objects.select_related("user")
            .select_for_update(of=("self",))
            .filter(email__iexact=email, verified=False)
            .exclude(user__email__iexact=email)
        )
        if claimant is not None:
            unconfirmed = unconfirmed.exclude(user=claimant)
        released = list(unconfirmed)
        for address in released:
            address.delete()
            record_event(
                action="account.email_released",
                actor=claimant,
                actor_email=email,
                obj=address.user,
                values={"email": email, "reason": reason},
            )
    return released
