"""The API's way into an agency's scope: a bearer token, checked for the scope an operation
needs. A live token enters its agency's scope for the rest of the request, as
AgencyTenancyMiddleware does for a member's page (and leaves it as the request ends), so the
same fail-closed managers serve the API."""

from __future__ import annotations

from ninja.errors import AuthorizationError
from ninja.security import HttpBearer

from agencies.tenancy import enter_agency_scope
from agencies.tokens.models import ApiToken, TokenScope
from agencies.tokens.services import token_in_use


class AgencyToken(HttpBearer):
    """`Authorization: Bearer om_…` with the scope the operation needs."""

    def __init__(self, scope: TokenScope) -> None:
        self.scope = scope
        super().__init__()

    def authenticate(self, request, token: str) -> ApiToken | None:
        api_token = token_in_use(token)
        if api_token is None:
            return None
        if self.scope not in api_token.scopes:
            what = str(self.scope.label)
            raise AuthorizationError(message=f"This token may not {what[0].lower()}{what[1:]}.")
        if getattr(request, "_agency_scope_token", None) is None:
            request._agency_scope_token = enter_agency_scope(api_token.agency)
        request.agency = api_token.agency
        return api_token


READ = AgencyToken(TokenScope.READ)
WRITE_PEOPLE = AgencyToken(TokenScope.WRITE_PEOPLE)
WRITE_TRAINING = AgencyToken(TokenScope.WRITE_TRAINING)
