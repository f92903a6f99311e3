"""allauth's social-account hooks for agencies' single sign-on.

Each approved SSOConnection is an allauth app `agency-<slug>` of the OpenID Connect
provider, built from the row on each request (nothing is copied into allauth's SocialApp
table, so turning a connection off takes effect at once). A sign-in goes through when the
provider vouches for an address in one of the agency's allowed domains:

- `email_verified: true` in the claims, or, for a connection whose provider sends no such
  claim and that program staff approved with "trust addresses in these domains", any
  address in the allowed domains;
- a new user is created with that address (already verified) and joins the agency with the
  connection's role, recorded as `member.joined_by_sso`;
- an existing account is signed in and linked only by such a verified address (allauth's
  email authentication); if that account never confirmed the address itself, allauth
  removes its password, so whoever set it cannot come back in with it.

Whoever has an authenticator passes allauth's MFA step after the provider, as after a
password; program staff without one are sent to set one up (StaffMFAEnrolmentMiddleware)
and the staff area asks for the second factor in the session (StaffAreaMiddleware).
"""

from __future__ import annotations

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount import app_settings as socialaccount_settings
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.base.constants import AuthProcess
from django.shortcuts import render
from django.utils.translation import gettext as _

from agencies.sso import services
from agencies.sso.http import provider_session
from agencies.sso.models import SSOConnection

OIDC = "openid_connect"


def app_for(connection: SSOConnection) -> SocialApp:
    """The allauth app of an approved connection (never saved)."""
    return SocialApp(
        provider=OIDC,
        provider_id=connection.provider_id,
        name=connection.agency.name[:40],
        client_id=connection.client_id,
        secret=connection.client_secret,
        settings={
            "server_url": connection.issuer,
            "hidden": True,  # offered by the email step on the sign-in page, not as a button
            "oauth_pkce_enabled": True,
            # The ID token from the token endpoint says all a sign-in needs.
            "fetch_userinfo": False,
            "email_authentication": True,
            "verified_email": list(connection.domains) if connection.trust_domain_emails else None,
        },
    )


def refuse(request, message: str):
    response = render(request, "sso/refused.html", {"message": message}, status=403)
    return ImmediateHttpResponse(response)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def get_requests_session(self):
        """Providers are reached at public addresses only, checked at each connection."""
        return provider_session(socialaccount_settings.REQUESTS_TIMEOUT)

    def list_apps(self, request, provider=None, client_id=None):
        apps = super().list_apps(request, provider=provider, client_id=client_id)
        if provider is None or provider == OIDC:
            connections = services.approved_connections()
        elif provider.startswith("agency-"):
            connections = services.approved_connections(provider)
        else:
            connections = []
        apps.extend(
            app_for(c) for c in connections if client_id is None or c.client_id == client_id
        )
        return apps

    def is_email_verified(self, provider, email) -> bool:
        verified = provider.app.settings.get("verified_email") if provider.app else None
        if verified is None:
            return False
        return super().is_email_verified(provider, email)

    def connection(self, sociallogin) -> SSOConnection | None:
        provider_id = sociallogin.account.provider
        return next(iter(services.approved_connections(provider_id)), None)

    def pre_social_login(self, request, sociallogin) -> None:
        connection = self.connection(sociallogin)
        if connection is None:
            raise refuse(request, _("Your agency's single sign-on is not in use."))
        if sociallogin.state.get("process") == AuthProcess.CONNECT:
            # An agency's provider signs its people in; added to an account signed in some
            # other way, it would make that account (whatever its address) a member.
            raise refuse(
                request,
                _("Your agency's single sign-on signs you in; it cannot be added to an account."),
            )
        addresses = [
            address
            for address in sociallogin.email_addresses
            if address.verified and connection.allows(address.email)
        ]
        if not addresses:
            emails = ", ".join(a.email for a in sociallogin.email_addresses) or _("no address")
            raise refuse(
                request,
                _(
                    "Your identity provider signed you in as %(emails)s, but %(agency)s allows "
                    "single sign-on only for verified addresses at %(domains)s. Sign in with "
                    "your password instead, or ask your agency coordinator."
                )
                % {
                    "emails": emails,
                    "agency": connection.agency.name,
                    "domains": ", ".join(connection.domains),
                },
            )
        # Only the addresses the agency vouches for come with a new account. (The account
        # was looked up by address just before this hook, from the one `email` claim an
        # OpenID Connect provider sends, so the address checked here is the one it used.)
        if not sociallogin.is_existing:
            addresses[0].primary = True
            sociallogin.email_addresses = addresses
            sociallogin.user.email = addresses[0].email
        request._sso_connection = connection

    def is_open_for_signup(self, request, sociallogin) -> bool:
        return True

    def save_user(self, request, sociallogin, form=None):
        user = super().save_user(request, sociallogin, form)
        connection = getattr(request, "_sso_connection", None) or self.connection(sociallogin)
        if connection is not None:
            services.join_by_sso(connection=connection, user=user)
        return user


def account_connected(sender, request, sociallogin, **kwargs) -> None:
    """An existing account signed in through its agency's provider for the first time (by
    its verified address) joins the agency as a new user would."""
    connection = getattr(request, "_sso_connection", None)
    if connection is not None and sociallogin.user is not None:
        services.join_by_sso(connection=connection, user=sociallogin.user)
