"""Every named page of the product, walked from the URL resolver, so that a test that must
cover each page covers a new one the day it is added; and an agency as months of use leave
it, with what agencies really type (long e-mail addresses, a place name of 58 letters, a
surname of 35, a file name without spaces), to open each page with."""

import re
from collections.abc import Iterator
from dataclasses import dataclass

from django.urls import URLResolver, get_resolver, reverse

from agencies import lockout
from agencies.models import OutboxEmail, OutboxStatus, Role
from agencies.services import invitation_token
from pledges.emails.subscriptions import Stream, unsubscribe_token
from tests.conftest import member
from tests.factories import (
    AgencyFactory,
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
    TrainingRecordFactory,
    UserFactory,
    certificate_of,
    staff_digests,
    submission_of,
)
from tests.files import RIVERTON_ROSTER
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


def named_routes(patterns=None, prefix: str = "", namespaces=()) -> Iterator[tuple[str, str]]:
    """(name with its namespaces, route) of every named URL pattern."""
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = (*namespaces, entry.namespace) if entry.namespace else namespaces
            yield from named_routes(entry.url_patterns, route, inner)
        elif entry.name:
            yield ":".join([*namespaces, entry.name]), route


def route_parameters(route: str) -> list[str]:
    return [converter or regex for converter, regex in PARAMETER.findall(route)]


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
    MemberAgencyFactory(region=region, agency=agency)
    return coordinator, {
        "member_id": colleague.public_id,
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
        "region_id": region.public_id,
        "region_agency:agency_id": agency.public_id,  # the member agency, as its region sees it
        "kind": "roster",
        "fmt": "csv",
        "invitation_accept:token": invitation_token(invitation),
        "certificate_verify_token:token": certificate.token,
        "email_unsubscribe:token": unsubscribe_token(
            user_id=coordinator.pk, agency_id=agency.pk, stream=Stream.REPORTS
        ),
    }


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
