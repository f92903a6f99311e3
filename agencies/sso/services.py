"""Writes for agencies' single sign-on, each with its audit event, and the look-ups a
sign-in makes before any agency is known."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.audit import record_event
from agencies.models import Agency, Membership, Role, User
from agencies.sso.models import SSOConnection, SSOStatus

# A role above editor for everyone the provider lets in needs a reason program staff read.
SSO_ROLES = (Role.VIEWER, Role.EDITOR, Role.COORDINATOR)
FIELDS = ("issuer", "client_id", "client_secret", "domains", "default_role")
REVIEWED_FIELDS = (*FIELDS, "coordinator_reason", "trust_domain_emails")


def provider_id_for(agency: Agency) -> str:
    """The allauth provider id of the agency's connection: its own once saved, else
    `agency-<slug>` (with a piece of the agency's public id when an agency that had the
    same address before still keeps that one)."""
    existing = SSOConnection.all_agencies.filter(agency=agency).values_list(
        "provider_id", flat=True
    )
    if existing:
        return existing[0]
    provider_id = f"agency-{agency.slug}"
    if SSOConnection.all_agencies.filter(provider_id=provider_id).exists():
        provider_id = f"{provider_id}-{agency.public_id.hex[:8]}"
    return provider_id


def normalise_domains(domains: list[str]) -> list[str]:
    return sorted({d.strip().lower().lstrip("@").rstrip(".") for d in domains if d.strip()})


def _check(values: dict) -> None:
    errors = {}
    if values["default_role"] not in SSO_ROLES:
        errors["default_role"] = _("Choose the role new members get.")
    elif values["default_role"] == Role.COORDINATOR and not values["coordinator_reason"].strip():
        errors["coordinator_reason"] = _(
            "Say why everyone who signs in should be a coordinator: program staff read it "
            "before they approve the connection."
        )
    if not values["domains"]:
        errors["domains"] = _("Enter at least one email domain.")
    if errors:
        raise ValidationError(errors)


def connection_save(
    *,
    agency: Agency,
    actor: User,
    issuer: str,
    client_id: str,
    client_secret: str,
    domains: list[str],
    default_role: str,
    coordinator_reason: str = "",
    trust_domain_emails: bool = False,
) -> SSOConnection:
    """The agency's connection, created or changed by its coordinator. A change to anything
    a sign-in depends on sends it back to program staff for approval. An empty secret keeps
    the one stored."""
    values = {
        "issuer": issuer.strip().rstrip("/"),
        "client_id": client_id.strip(),
        "client_secret": client_secret.strip(),
        "domains": normalise_domains(domains),
        "default_role": default_role,
        "coordinator_reason": coordinator_reason.strip()
        if default_role == Role.COORDINATOR
        else "",
        "trust_domain_emails": trust_domain_emails,
    }
    with transaction.atomic():
        connection = SSOConnection.all_agencies.select_for_update().filter(agency=agency).first()
        if connection is not None and not values["client_secret"]:
            values["client_secret"] = connection.client_secret
        if not values["client_secret"]:
            raise ValidationError({"client_secret": _("Enter the client secret.")})
        _check(values)
        if connection is None:
            connection = SSOConnection.all_agencies.create(
                agency=agency, provider_id=provider_id_for(agency), updated_by=actor, **values
            )
            record_event(
                action="sso.created",
                actor=actor,
                agency=agency,
                obj=connection,
                values=_audited(values),
            )
            return connection
        changes = {
            name: [getattr(connection, name), value]
            for name, value in values.items()
            if getattr(connection, name) != value
        }
        if not changes:
            return connection
        for name, (_old, new) in changes.items():
            setattr(connection, name, new)
        connection.status = SSOStatus.PENDING
        connection.updated_by = actor
        connection.updated_at = timezone.now()
        connection.save()
        if "client_secret" in changes:
            changes["client_secret"] = ["…", "…"]  # that it changed, never what it is
        record_event(
            action="sso.changed", actor=actor, agency=agency, obj=connection, changes=changes
        )
    return connection


def _audited(values: dict) -> dict:
    return {name: value for name, value in values.items() if name != "client_secret"}


def connection_review(*, connection: SSOConnection, actor: User, approve: bool) -> SSOConnection:
    """Program staff approve a connection (it is then offered at sign-in) or turn it off.
    A domain is approved for one agency at a time: its members' sign-ins go to one provider."""
    status = SSOStatus.APPROVED if approve else SSOStatus.DISABLED
    with transaction.atomic():
        connection = SSOConnection.all_agencies.select_for_update().get(pk=connection.pk)
        if approve:
            taken = _domains_taken(connection)
            if taken:
                raise ValidationError(
                    _("Another agency's approved connection already uses %(domains)s.")
                    % {"domains": ", ".join(taken)}
                )
        if connection.status == status:
            return connection
        before = connection.status
        connection.status = status
        connection.reviewed_by = actor
        connection.reviewed_at = timezone.now()
        connection.save(update_fields=["status", "reviewed_by", "reviewed_at"])
        record_event(
            action="sso.approved" if approve else "sso.disabled",
            actor=actor,
            agency=connection.agency,
            obj=connection,
            changes={"status": [before, status]},
        )
    return connection


def _domains_taken(connection: SSOConnection) -> list[str]:
    others = SSOConnection.all_agencies.filter(status=SSOStatus.APPROVED).exclude(pk=connection.pk)
    taken = {domain for other in others for domain in other.domains}
    return sorted(taken & set(connection.domains))


def connection_for_email(email: str) -> SSOConnection | None:
    """The approved connection whose agency allows the address's domain, if any."""
    domain = email.rpartition("@")[2].strip().lower()
    if not domain:
        return None
    approved = SSOConnection.all_agencies.filter(status=SSOStatus.APPROVED)
    for connection in approved.select_related("agency"):
        if domain in connection.domains:
            return connection
    return None


def approved_connections(provider_id: str | None = None) -> list[SSOConnection]:
    rows = SSOConnection.all_agencies.filter(status=SSOStatus.APPROVED).select_related("agency")
    if provider_id is not None:
        rows = rows.filter(provider_id=provider_id)
    return list(rows)


def join_by_sso(*, connection: SSOConnection, user: User) -> Membership | None:
    """A user the agency's provider signed in joins the agency with the connection's role,
    unless already a member. Recorded with the user as the actor."""
    agency = connection.agency
    with transaction.atomic():
        if Membership.all_agencies.filter(agency=agency, user=user).exists():
            return None
        membership = Membership.all_agencies.create(
            agency=agency, user=user, role=connection.default_role
        )
        record_event(
            action="member.joined_by_sso",
            actor=user,
            agency=agency,
            obj=membership,
            values={"user": user.email, "role": connection.default_role},
        )
    return membership
