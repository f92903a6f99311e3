"""Writes for regions: registering and verifying them, their team, and the consent by which an
agency joins one. Each in one transaction with its audit event — an agency's dealings with a
region are recorded once, naming both, so they read in both trails — and its emails written
to the outbox in the same transaction."""

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
from django.utils.translation import gettext as _

from agencies.audit import changes_between, record_event, snapshot
from agencies.models import Agency, Membership, Role, User
from agencies.outbox.services import Letter, outbox_add
from agencies.regions.models import (
    CURRENT_STATUSES,
    MemberAgency,
    MemberAgencyStatus,
    Region,
    RegionInvitation,
    RegionMembership,
    RegionRole,
    Sharing,
)
from agencies.validation import validate

REGION_PROFILE_FIELDS = ["name", "kind", "country", "state"]
REGION_INVITATION_SALT = "agencies.region-invitation"
# Email kinds in the outbox (agencies.emails).
REGION_INVITATION_EMAIL = "region_invitation"
REGION_JOIN_EMAIL = "region_join_request"


class RegionInvitationError(ValidationError):
    """The invitation link cannot be used; the message says why, in the user's words."""


def _unique_slug(name: str) -> str:
    base = slugify(name)[:70] or "region"
    slug, n = base, 2
    while Region.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _region_save_new(region: Region, actor: User) -> None:
    validate(region)
    try:
        with transaction.atomic():
            region.save()
            record_event(
                action="region.registered",
                actor=actor,
                region=region,
                obj=region,
                values=snapshot(region, ["slug", *REGION_PROFILE_FIELDS, "verified"]),
            )
    except IntegrityError as error:
        raise ValidationError(_("A region of this name was registered a moment ago.")) from error


def region_register(*, actor: User, **profile: Any) -> Region:
    """A collaborative registers itself, with `actor` as its coordinator; program staff
    verify it before it may invite agencies."""
    region = Region(slug=_unique_slug(profile.get("name", "")), **profile)
    with transaction.atomic():
        _region_save_new(region, actor)
        _team_member_add(region=region, user=actor, role=RegionRole.COORDINATOR, actor=actor)
    return region


def region_create(*, actor: User, coordinator_email: str, **profile: Any) -> Region:
    """Program staff create a verified region and invite its first coordinator."""
    now = timezone.now()
    region = Region(
        slug=_unique_slug(profile.get("name", "")),
        verified=True,
        verified_at=now,
        verified_by=actor,
        **profile,
    )
    with transaction.atomic():
        _region_save_new(region, actor)
        region_invitation_create(
            region=region, actor=actor, email=coordinator_email, role=RegionRole.COORDINATOR
        )
    return region


def region_update(*, region: Region, actor: User, **profile: Any) -> Region:
    """Change the region's profile; a new name or place needs verifying again."""
    before = snapshot(region, REGION_PROFILE_FIELDS)
    for name, value in profile.items():
        if name not in REGION_PROFILE_FIELDS:
            raise ValueError(f"{name} is not an editable region field")
        setattr(region, name, value)
    validate(region)
    changes = changes_between(before, snapshot(region, REGION_PROFILE_FIELDS))
    if not changes:
        return region
    fields = list(changes)
    if region.verified and {"name", "country", "state"} & set(changes):
        region.verified, region.verified_at, region.verified_by = False, None, None
        changes["verified"] = [True, False]
        fields += ["verified", "verified_at", "verified_by"]
    with transaction.atomic():
        region.save(update_fields=fields)
        record_event(
            action="region.updated", actor=actor, region=region, obj=region, changes=changes
        )
    return region


def region_set_verified(*, region: Region, actor: User, verified: bool) -> Region:
    """Program staff confirm (or withdraw confirmation) that the region is who it says."""
    if region.verified == verified:
        return region
    with transaction.atomic():
        region.verified = verified
        region.verified_at = timezone.now() if verified else None
        region.verified_by = actor if verified else None
        region.save(update_fields=["verified", "verified_at", "verified_by"])
        record_event(
            action="region.verified" if verified else "region.unverified",
            actor=actor,
            region=region,
            obj=region,
            changes={"verified": [not verified, verified]},
        )
    return region


# The region's team


def _team_member_add(*, region: Region, user: User, role: str, actor: User) -> RegionMembership:
    membership = RegionMembership.all_regions.create(region=region, user=user, role=role)
    record_event(
        action="region_membership.created",
        actor=actor,
        region=region,
        obj=membership,
        values={"user": user.email, "role": role},
    )
    return membership


def _coordinator_count(region: Region) -> int:
    return len(
        RegionMembership.all_regions.select_for_update()
        .filter(region=region, role=RegionRole.COORDINATOR)
        .values_list("pk", flat=True)
    )


def team_member_change_role(
    *, region: Region, actor: User, membership: RegionMembership, role: str
) -> RegionMembership:
    if role not in RegionRole.values:
        raise ValidationError({"role": _("Choose coordinator or viewer.")})
    if membership.region_id != region.pk:
        raise ValidationError(_("This person is not on this region's team."))
    with transaction.atomic():
        if (
            membership.role == RegionRole.COORDINATOR
            and role != RegionRole.COORDINATOR
            and _coordinator_count(region) <= 1
        ):
            raise ValidationError(_("A region needs at least one coordinator."))
        before = membership.role
        if before == role:
            return membership
        membership.role = role
        membership.save(update_fields=["role"])
        record_event(
            action="region_membership.role_changed",
            actor=actor,
            region=region,
            obj=membership,
            changes={"role": [before, role]},
        )
    return membership


def team_member_remove(*, region: Region, actor: User, membership: RegionMembership) -> None:
    if membership.region_id != region.pk:
        raise ValidationError(_("This person is not on this region's team."))
    with transaction.atomic():
        if membership.role == RegionRole.COORDINATOR and _coordinator_count(region) <= 1:
            raise ValidationError(_("A region needs at least one coordinator."))
        record_event(
            action="region_membership.removed",
            actor=actor,
            region=region,
            obj=membership,
            values={"user": membership.user.email, "role": membership.role},
        )
        membership.delete()


def region_invitation_token(invitation: RegionInvitation) -> str:
    return signing.dumps(str(invitation.public_id), salt=REGION_INVITATION_SALT)


def region_invitation_create(
    *, region: Region, actor: User, email: str, role: str
) -> RegionInvitation:
    """Invite an address to the region's team; replaces any invitation still waiting."""
    email = email.strip().lower()
    if role not in RegionRole.values:
        raise ValidationError({"role": _("Choose coordinator or viewer.")})
    try:
        with transaction.atomic():
            if RegionMembership.all_regions.filter(
                region=region, user__email__iexact=email
            ).exists():
                raise ValidationError(
                    {"email": _("%(email)s is already on this region's team.") % {"email": email}}
                )
            for earlier in RegionInvitation.all_regions.select_for_update().filter(
                region=region, email=email, accepted_at=None, revoked_at=None
            ):
                _region_invitation_withdraw(
                    region=region, actor=actor, invitation=earlier, reason="replaced"
                )
            invitation = RegionInvitation.all_regions.create(
                region=region,
                email=email,
                role=role,
                invited_by=actor,
                expires_at=timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS),
            )
            record_event(
                action="region_invitation.created",
                actor=actor,
                region=region,
                obj=invitation,
                values={"email": email, "role": role},
            )
            outbox_add(
                [
                    Letter(
                        REGION_INVITATION_EMAIL,
                        None,
                        None,
                        f"region-invitation:{invitation.pk}",
                        {"invitation_id": invitation.pk},
                        recipient_email=email,
                    )
                ]
            )
    except IntegrityError as error:
        raise ValidationError(
            {"email": _("Someone else invited %(email)s a moment ago.") % {"email": email}}
        ) from error
    return invitation


def _region_invitation_withdraw(
    *, region: Region, actor: User, invitation: RegionInvitation, reason: str
) -> bool:
    withdrawn = RegionInvitation.all_regions.filter(
        pk=invitation.pk, accepted_at=None, revoked_at=None
    ).update(revoked_at=timezone.now())
    if withdrawn:
        record_event(
            action="region_invitation.revoked",
            actor=actor,
            region=region,
            obj=invitation,
            values={"email": invitation.email, "reason": reason},
        )
    return bool(withdrawn)


def region_invitation_revoke(*, region: Region, actor: User, invitation: RegionInvitation) -> None:
    with transaction.atomic():
        if invitation.state == "expired" or not _region_invitation_withdraw(
            region=region, actor=actor, invitation=invitation, reason="withdrawn"
        ):
            invitation.refresh_from_db()
            raise ValidationError(
                _("This invitation is already %(state)s.") % {"state": invitation.state}
            )


def region_invitation_from_token(token: str) -> RegionInvitation:
    try:
        public_id = signing.loads(token, salt=REGION_INVITATION_SALT)
        return RegionInvitation.all_regions.select_related("region").get(public_id=public_id)
    except (signing.BadSignature, RegionInvitation.DoesNotExist, ValidationError) as error:
        raise RegionInvitationError(
            _(
                "This invitation link is not valid. Check that you copied the whole link, "
                "or ask the region's coordinator for a new invitation."
            )
        ) from error


def region_invitation_accept(*, token: str, user: User) -> RegionMembership:
    """Join the region's team the invitation names, as the invited address, once."""
    with transaction.atomic():
        invitation = region_invitation_from_token(token)
        invitation = RegionInvitation.all_regions.select_for_update().get(pk=invitation.pk)
        region = invitation.region
        if invitation.accepted_at is not None:
            raise RegionInvitationError(_("This invitation has already been used."))
        if invitation.revoked_at is not None:
            raise RegionInvitationError(
                _("This invitation was withdrawn or replaced by a newer one.")
            )
        if invitation.expires_at <= timezone.now():
            raise RegionInvitationError(
                _("This invitation has expired. Ask the region's coordinator for a new one.")
            )
        if not EmailAddress.objects.filter(
            user=user, email__iexact=invitation.email, verified=True
        ).exists():
            raise RegionInvitationError(
                _(
                    "This invitation was sent to %(invited)s, but you are signed in as "
                    "%(email)s. Sign in (or create an account) with the invited address."
                )
                % {"invited": invitation.email, "email": user.email}
            )
        if RegionMembership.all_regions.filter(region=region, user=user).exists():
            raise RegionInvitationError(
                _("You are already on the team of %(region)s.") % {"region": region.name}
            )
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        record_event(
            action="region_invitation.accepted",
            actor=user,
            region=region,
            obj=invitation,
            values={"email": invitation.email, "role": invitation.role},
        )
        return _team_member_add(region=region, user=user, role=invitation.role, actor=user)


# Member agencies: the region asks, the agency's coordinator answers, and may leave


def _coordinator_letters(member: MemberAgency) -> list[Letter]:
    """The join request, to each of the agency's coordinators."""
    coordinators = Membership.all_agencies.filter(
        agency=member.agency, role=Role.COORDINATOR
    ).values_list("user_id", flat=True)
    return [
        Letter(
            REGION_JOIN_EMAIL,
            user_id,
            member.agency_id,
            f"region-join:{member.pk}",
            {"member_agency_id": member.pk},
        )
        for user_id in coordinators
    ]


def member_agency_invite(*, region: Region, actor: User, agency: Agency) -> MemberAgency:
    """Ask an agency to join the region. Nothing is shared until its coordinator accepts."""
    if not region.verified:
        raise ValidationError(
            _(
                "Program staff have not verified this region yet: it can invite agencies "
                "once they have."
            )
        )
    try:
        with transaction.atomic():
            current = (
                MemberAgency.all_regions.select_for_update()
                .filter(region=region, agency=agency, status__in=CURRENT_STATUSES)
                .first()
            )
            if current is not None:
                if current.status == MemberAgencyStatus.MEMBER:
                    raise ValidationError(
                        _("%(agency)s is already a member.") % {"agency": agency.name}
                    )
                return current  # already asked: the same request, not a second one
            member = MemberAgency.all_regions.create(region=region, agency=agency, invited_by=actor)
            record_event(
                action="member_agency.invited",
                actor=actor,
                agency=agency,
                region=region,
                obj=member,
                values={"agency": agency.name, "region": region.name},
            )
            outbox_add(_coordinator_letters(member))
    except IntegrityError:
        # Asked a moment ago by another request: that request stands.
        return MemberAgency.all_regions.get(
            region=region, agency=agency, status__in=CURRENT_STATUSES
        )
    return member


def _transition(
    member: MemberAgency, *, expected: str, status: str, actor: User, action: str, **fields
) -> MemberAgency:
    """Move the row from `expected` to `status` unless another request moved it first."""
    now = timezone.now()
    values = {"status": status, **fields}
    if status in (MemberAgencyStatus.MEMBER, MemberAgencyStatus.DECLINED):
        values.update(answered_at=now, answered_by=actor)
    if status in (MemberAgencyStatus.LEFT, MemberAgencyStatus.WITHDRAWN):
        values.update(ended_at=now, ended_by=actor)
    moved = MemberAgency.all_regions.filter(pk=member.pk, status=expected).update(**values)
    member.refresh_from_db()
    if not moved:
        raise ValidationError(
            _("This changed a moment ago: the agency's standing is now “%(status)s”.")
            % {"status": member.get_status_display()}
        )
    record_event(
        action=action,
        actor=actor,
        agency=member.agency,
        region=member.region,
        obj=member,
        changes={"status": [expected, status], **{k: [None, v] for k, v in fields.items()}},
    )
    return member


def member_agency_withdraw(*, region: Region, actor: User, member: MemberAgency) -> MemberAgency:
    """The region withdraws a request the agency has not answered."""
    if member.region_id != region.pk:
        raise ValidationError(_("This agency was not invited by this region."))
    with transaction.atomic():
        return _transition(
            member,
            expected=MemberAgencyStatus.INVITED,
            status=MemberAgencyStatus.WITHDRAWN,
            actor=actor,
            action="member_agency.withdrawn",
        )


def _check_agency(agency: Agency, member: MemberAgency) -> None:
    if member.agency_id != agency.pk:
        raise ValidationError(_("This region's request was made to another agency."))


def _check_sharing(sharing: str) -> None:
    if sharing not in Sharing.values:
        raise ValidationError({"sharing": _("Choose what the region may see.")})


def member_agency_accept(
    *, agency: Agency, actor: User, member: MemberAgency, sharing: str = Sharing.PROGRESS
) -> MemberAgency:
    """The agency's coordinator joins the region, choosing what it may see."""
    _check_agency(agency, member)
    _check_sharing(sharing)
    with transaction.atomic():
        return _transition(
            member,
            expected=MemberAgencyStatus.INVITED,
            status=MemberAgencyStatus.MEMBER,
            actor=actor,
            action="member_agency.joined",
            sharing=sharing,
        )


def member_agency_decline(*, agency: Agency, actor: User, member: MemberAgency) -> MemberAgency:
    _check_agency(agency, member)
    with transaction.atomic():
        return _transition(
            member,
            expected=MemberAgencyStatus.INVITED,
            status=MemberAgencyStatus.DECLINED,
            actor=actor,
            action="member_agency.declined",
        )


def member_agency_change_sharing(
    *, agency: Agency, actor: User, member: MemberAgency, sharing: str
) -> MemberAgency:
    """What the region may see changes at once: its next page asks again."""
    _check_agency(agency, member)
    _check_sharing(sharing)
    with transaction.atomic():
        # What it shares now, read under lock: a page opened earlier may show something else.
        before = (
            MemberAgency.all_regions.select_for_update()
            .filter(pk=member.pk, status=MemberAgencyStatus.MEMBER)
            .values_list("sharing", flat=True)
            .first()
        )
        if before is None:
            member.refresh_from_db()
            raise ValidationError(_("Your agency is no longer a member of this region."))
        MemberAgency.all_regions.filter(pk=member.pk).update(sharing=sharing)
        member.refresh_from_db()
        if before != sharing:
            record_event(
                action="member_agency.sharing_changed",
                actor=actor,
                agency=agency,
                region=member.region,
                obj=member,
                changes={"sharing": [before, sharing]},
            )
    return member


def member_agency_leave(*, agency: Agency, actor: User, member: MemberAgency) -> MemberAgency:
    """The agency leaves: the region sees nothing of it from this moment."""
    _check_agency(agency, member)
    with transaction.atomic():
        return _transition(
            member,
            expected=MemberAgencyStatus.MEMBER,
            status=MemberAgencyStatus.LEFT,
            actor=actor,
            action="member_agency.left",
        )
