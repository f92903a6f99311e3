"""Single sign-on connections for tests that need one (the walks, the pages)."""

from django.utils import timezone

from agencies.models import Role, SSOConnection, SSOStatus
from agencies.sso.services import provider_id_for
from tests.factories import AgencyFactory, MembershipFactory


def sso_connection(
    agency=None, *, status=SSOStatus.PENDING, coordinator=None, **fields
) -> SSOConnection:
    agency = agency or AgencyFactory()
    coordinator = coordinator or MembershipFactory(agency=agency, role=Role.COORDINATOR).user
    values = {
        "issuer": "https://login.example-idp.test/tenant/v2.0",
        "client_id": "onemind",
        "client_secret": "a-client-secret",
        "domains": [f"{agency.slug}.example"],
        "default_role": Role.VIEWER,
        "status": status,
        "updated_by": coordinator,
        # An approved one was reviewed, as program staff's approval does.
        **({"reviewed_at": timezone.now()} if status == SSOStatus.APPROVED else {}),
        **fields,
    }
    return SSOConnection.all_agencies.create(
        agency=agency, provider_id=provider_id_for(agency), **values
    )
