"""Every named page of the product, walked from the URL resolver, so that a test that must
cover each page covers a new one the day it is added; and an agency as months of use leave
it, with what agencies really type (long e-mail addresses, a place name of 58 letters, a
surname of 35, a file name without spaces), to open each page with."""

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone

from agencies import lockout
from agencies.models import (
    OnboardingInvitation,
    OutboxEmail,
    OutboxStatus,
    RegionInvitation,
    RegionRole,
    Role,
    SSOStatus,
)
from agencies.regions.onboarding import onboarding_token
from agencies.regions.services import region_invitation_token
from agencies.services import invitation_token
from agencies.tokens.services import token_create
from assistance.models import RequestAttachment
from assistance.newsletter.emails import unsubscribe_token as newsletter_unsubscribe_token
from partnerships.models import PartnershipVersion, PartyStatus
from pledges.emails.subscriptions import Stream, unsubscribe_token
from tests.assistance.library.objects import make_event, make_resource
from tests.assistance.newsletter import objects as newsletters
from tests.assistance.objects import expert_of, peer_offer, peer_request, request_of
from tests.conftest import member
from tests.factories import (
    AgencyFactory,
    ClassAttendeeFactory,
    DocumentFactory,
    InvitationFactory,
    MemberAgencyFactory,
    MembershipFactory,
    OrganizationFactory,
    PartnershipFactory,
    PartnershipVersionFactory,
    PersonFactory,
    RegionFactory,
    RegionMembershipFactory,
    RegionWebhookDeliveryFactory,
    TrainingRecordFactory,
    UserFactory,
    WebhookDeliveryFactory,
    certificate_of,
    shared_agreement,
    staff_digests,
    submission_of,
)
from tests.files import RIVERTON_ROSTER, pdf
from tests.sso.objects import sso_connection
from training.imports import services as import_services
from training.models import Course, CourseKind

LONG_EMAIL = "alexandra.konstantinopoulou-whitfield@millbrook-police-department.example"
LONG_PLACE = "Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch"
LONG_SURNAME = "Wolfeschlegelsteinhausenbergerdorff"
LONG_FILE = "millbrook_police_department_personnel_export_2026-12-01_final.csv"

# Django's own admin keeps its own templates; every other page is the product's layout.
NOT_THE_PRODUCTS_LAYOUT = ("admin/",)

# A route's parameters, as `<converter:name>` or, in a regular expression, `(?P<name>…)`.
PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>")


def url_patterns(patterns=None, prefix: str = "", namespaces=()) -> Iterator[tuple]:
    """(pattern, full route, namespaces) of every URL pattern."""
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = (*namespaces, entry.namespace) if entry.namespace else namespaces
            yield from url_patterns(entry.url_patterns, route, inner)
        else:
            yield entry, route, namespaces


def named_routes() -> Iterator[tuple[str, str]]:
    """(name with its namespaces, route) of every named URL pattern."""
    for entry, route, namespaces in url_patterns():
        if entry.name:
            yield ":".join([*namespaces, entry.name]), route


def route_parameters(route: str) -> list[str]:
    return [converter or regex for converter, regex in PARAMETER.findall(route)]


def scoped_routes(scope_parameter: str) -> list[tuple[str, str]]:
    """(name, route) of every URL under one agency (`agency_slug`) or one region
    (`region_slug`): the pages a scope's middleware resolves, each with a name to walk by."""
    routes = set()
    for entry, route, namespaces in url_patterns():
        if f"<slug:{scope_parameter}>" in route:
            assert entry.name, f"{route} needs a name"
            routes.add((":".join([*namespaces, entry.name]), route))
    return sorted(routes)


# A random public id in a URL; what a refused write sends (a form that would act if let in).
PUBLIC_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
A_WRITE = {"role": "viewer", "email": "x@y.example", "sharing": "roster"}


def assert_not_found(client, method: str, url: str) -> None:
    """404 — or, where the page never takes this method (405) or never lets this role act
    (403), that same answer for a made-up id: nothing tells that the object exists."""
    status = getattr(client, method)(url, A_WRITE).status_code
    if status in {403, 405}:
        made_up = PUBLIC_ID.sub(str(uuid.uuid4()), url)
        assert made_up != url, f"{method.upper()} {url}: {status} for a page of the caller's own"
        assert getattr(client, method)(made_up).status_code == status
        return
    assert status == 404, f"{method.upper()} {url}: {status}"


def a_full_agency():
    """Agency A as months of use leave it: certified, a roster with records and evidence, an
    import, a proposed course, partners, a policy; members and an invitation with long
    addresses. Returns its coordinator and the objects the URLs name."""
    agency = AgencyFactory(name="Millbrook Police Department", slug="millbrook-pd")
    certificate = certificate_of(agency)  # met, signed, submitted and approved
    agency.locality = LONG_PLACE
    agency.save(update_fields=["locality"])
    coordinator = member(agency, Role.COORDINATOR, "dana@millbrook.example")
    colleague = MembershipFactory(
        agency=agency, role=Role.VIEWER, user=UserFactory(email=LONG_EMAIL)
    )
    invitation = InvitationFactory(agency=agency, email="new." + LONG_EMAIL)
    person = PersonFactory(agency=agency, last_name=LONG_SURNAME, email=LONG_EMAIL, rank="Sgt.")
    record = TrainingRecordFactory(
        person=person, evidence=DocumentFactory(agency=agency, filename=LONG_FILE)
    )
    batch = import_services.import_upload(
        agency=agency, actor=coordinator, kind="roster", filename=LONG_FILE,
        data=RIVERTON_ROSTER.encode(),
    )  # fmt: skip
    Course.objects.create(
        name="Regional crisis partner course", kind=CourseKind.CIT_EQUIVALENT, hours=40,
        agency=agency, proposed_by=coordinator, provider=LONG_EMAIL,
    )  # fmt: skip
    organization = OrganizationFactory(
        agency=agency, name="Millbrook County Crisis Stabilization and Behavioral Health Center"
    )
    partnership = PartnershipFactory(organization=organization, title=f"MOU with {LONG_PLACE}")
    PartnershipVersionFactory(partnership=partnership, alternative=f"Drop-off, see {LONG_FILE}")
    draft = PartnershipVersionFactory(partnership=partnership, signed_on=None)
    # The coordinator also leads the county's collaborative, which the agency joined.
    region = RegionFactory(name=f"{LONG_PLACE} County Crisis Collaborative", slug="millbrook-cc")
    RegionMembershipFactory(region=region, user=coordinator)
    region_colleague = RegionMembershipFactory(
        region=region, user=UserFactory(email="region." + LONG_EMAIL), role=RegionRole.VIEWER
    )
    region_invitation = RegionInvitation.all_regions.create(
        region=region, email="viewer." + LONG_EMAIL, role=RegionRole.VIEWER,
        invited_by=coordinator, expires_at=timezone.now() + timedelta(days=7),
    )  # fmt: skip
    standing = MemberAgencyFactory(region=region, agency=agency)
    # A regional class the agency hosted for the collaborative, with one attendee the
    # roster did not match.
    attendee = ClassAttendeeFactory(
        agency=agency,
        regional_class__region=region,
        regional_class__host_agency=agency,
        last_name=LONG_SURNAME,
    )
    # The collaborative recorded the county MOU for the agency and a neighbour: waiting for
    # the agency's answer.
    neighbour = MemberAgencyFactory(region=region, agency__name="Harlan County Sheriff's Office")
    county_mou = shared_agreement(
        agency, neighbour.agency, region=region, lead_status=PartyStatus.AWAITING
    )
    county_version = PartnershipVersion.all_agencies.get(partnership=county_mou)
    onboarding = OnboardingInvitation.all_regions.create(
        region=region, agency_name=f"{LONG_PLACE} Township Police Department", state="NY",
        email="chief." + LONG_EMAIL, invited_by=coordinator,
        expires_at=timezone.now() + timedelta(days=30),
    )  # fmt: skip
    api_token, _ = token_create(
        agency=agency, actor=coordinator, name=f"{LONG_PLACE} records sync",
        scopes=["read", "write_people", "write_training"], valid_days=365,
    )  # fmt: skip
    sso = sso_connection(
        agency, status=SSOStatus.APPROVED, coordinator=coordinator,
        issuer="https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0",
        domains=["millbrook.example", "millbrook-police-department.example"],
    )  # fmt: skip
    # A webhook endpoint whose receiver was down for a day: its delivery failed.
    failed_delivery = WebhookDeliveryFactory(
        agency=agency,
        endpoint__agency=agency,
        endpoint__url=f"https://{LONG_PLACE.lower()}.millbrook-police-department.example/hooks",
        endpoint__description=f"{LONG_PLACE} records dashboard",
        status="failed",
        attempts=8,
        last_status_code=503,
        last_error="HTTP 503",
    )
    # The region's endpoint, whose receiver was down too.
    region_failed_delivery = RegionWebhookDeliveryFactory(
        endpoint__region=region,
        endpoint__url=f"https://{LONG_PLACE.lower()}.millbrook-cc.example/hooks",
        endpoint__description=f"{LONG_PLACE} collaborative dashboard",
        status="failed",
        attempts=8,
        last_status_code=503,
        last_error="HTTP 503",
    )
    # A peer site the agency may ask, and a neighbour's request to the agency as a peer.
    riverton = AgencyFactory(name=f"{LONG_PLACE} Police Department", locality=LONG_PLACE)
    listed = peer_offer(riverton, "cit", note=f"We trained every shift at {LONG_PLACE}.")
    received = peer_request(
        neighbour.agency, peer_offer(agency, "cit", met=False), "cit", message=LONG_FILE
    )
    # The agency agreed to be featured: its spotlight was in the newsletter the program sent.
    newsletters.consenting(agency)
    spotlight = newsletters.spotlight(agency, title=f"{LONG_PLACE}'s crisis partnership")
    newsletter = newsletters.sent(subject=f"News from {LONG_PLACE}")
    # The agency asked the program for help with its partnership, attaching its draft MOU;
    # an expert answers it.
    expert = expert_of()
    assistance = request_of(agency, coordinator=coordinator, expert=expert, attachment=True)
    return coordinator, {
        "peer_offer_id": listed.public_id,
        "peer_request_id": received.public_id,
        "newsletter_id": newsletter.public_id,
        "spotlight_id": spotlight.public_id,
        "newsletter_unsubscribe:token": newsletter_unsubscribe_token(coordinator),
        "member_id": colleague.public_id,
        "request_id": assistance.public_id,
        "expert_id": expert.public_id,
        "attachment_id": RequestAttachment.all_agencies.get(request=assistance).public_id,
        "endpoint_id": failed_delivery.endpoint.public_id,
        "delivery_id": failed_delivery.public_id,
        "token_id": api_token.public_id,
        "invitation_id": invitation.public_id,
        "person_id": person.public_id,
        "record_id": record.public_id,
        "batch_id": batch.public_id,
        "document_id": record.evidence.public_id,
        "certificate_id": certificate.public_id,
        "organization_id": organization.public_id,
        "partnership_id": partnership.public_id,
        "version_id": draft.public_id,
        "agency_slug": agency.slug,
        "region_slug": region.slug,
        "member_agency_id": standing.public_id,
        "class_id": attendee.regional_class.public_id,
        "region_id": region.public_id,
        "attendee_id": attendee.public_id,
        "partnership_party_answer:partnership_id": county_mou.public_id,
        "partnership_party_leave:partnership_id": county_mou.public_id,
        "region_partnership_detail:partnership_id": county_mou.public_id,
        "region_partnership_document:partnership_id": county_mou.public_id,
        "region_partnership_document:version_id": county_version.public_id,
        "onboarding_id": onboarding.public_id,
        "team_member_id": region_colleague.public_id,
        "region_invitation_id": region_invitation.public_id,
        "region_agency:agency_id": agency.public_id,  # the member agency, as its region sees it
        "kind": "roster",
        "fmt": "csv",
        "provider_id": sso.provider_id,
        "sso_connection_id": sso.public_id,
        "invitation_accept:token": invitation_token(invitation),
        "region_invitation_accept:token": region_invitation_token(region_invitation),
        "onboarding_join:token": onboarding_token(onboarding),
        "certificate_verify_token:token": certificate.token,
        "email_unsubscribe:token": unsubscribe_token(
            user_id=coordinator.pk, agency_id=agency.pk, stream=Stream.REPORTS
        ),
        "api:certificate_verify:reference": certificate.number,
        **{
            f"{name}:{parameter}": value
            for name in REGION_WEBHOOK_PAGES
            for parameter, value in [
                ("endpoint_id", region_failed_delivery.endpoint.public_id),
                ("delivery_id", region_failed_delivery.public_id),
            ]
        },
    }


# The region's webhook pages name the region's endpoint, not the agency's.
REGION_WEBHOOK_PAGES = [
    "region_webhook_edit",
    "region_webhook_delete",
    "region_webhook_rotate",
    "region_webhook_test",
    "region_webhook_deliveries",
    "region_webhook_delivery_retry",
]


def the_staff_areas_work(agency_objects):
    """A pending submission, a proposed course, a locked account, an email that failed."""
    submission = submission_of(AgencyFactory(name="Harlan County Sheriff's Office"))
    lockout.lock(UserFactory(email="locked." + LONG_EMAIL).email)
    email = staff_digests(1)[0]
    OutboxEmail.objects.filter(pk=email.pk).update(status=OutboxStatus.FAILED, attempts=5)
    return {
        **agency_objects,
        "submission_id": submission.public_id,
        "agency_id": submission.agency.public_id,
        "course_id": Course.objects.get(provider=LONG_EMAIL).public_id,
        "user_id": UserFactory(email="x@y.example").pk,
        "email_id": email.public_id,
        "connection_id": agency_objects["sso_connection_id"],
        # The library's: a resource whose file is uploaded, an upcoming webinar.
        "resource_id": make_resource(
            f"Model MOU for {LONG_PLACE}", kind="mou_template", upload=pdf(LONG_FILE)
        ).public_id,
        "event_id": make_event(f"Co-responders in {LONG_PLACE}").public_id,
        # Links a person follows from an email: an invalid or spent one has its own page.
        "key": "a-link-that-expired",
        "uidb36": "1",
        "pk": 1,
    }


def url_of(name: str, route: str, objects: dict) -> str:
    kwargs = {p: objects.get(f"{name}:{p}", objects.get(p)) for p in route_parameters(route)}
    missing = [p for p, value in kwargs.items() if value is None]
    assert not missing, f"{name}: add {missing} to the objects the walk makes"
    return reverse(name, kwargs=kwargs)


@dataclass(frozen=True)
class Pages:
    """One URL of each page: the agency's (for its members), the region's (for its team), the
    staff area's, the rest."""

    agency: list[str]
    region: list[str]
    staff: list[str]
    other: list[str]


def every_page(objects: dict) -> Pages:
    urls = {"agency": [], "region": [], "staff": [], "other": []}
    for name, route in named_routes():
        if route.startswith(NOT_THE_PRODUCTS_LAYOUT):
            continue
        if "<slug:agency_slug>" in route:
            area = "agency"
        elif "<slug:region_slug>" in route:
            area = "region"
        elif name.startswith("staff:"):
            area = "staff"
        else:
            area = "other"
        urls[area].append(url_of(name, route, objects))
    return Pages(**urls)
