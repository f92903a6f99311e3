"""Test data that reads like the product's own: agencies, people and their roles."""

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import timezone

from agencies.models import (
    Agency,
    AgencyType,
    Document,
    DocumentKind,
    Invitation,
    MemberAgency,
    MemberAgencyStatus,
    Membership,
    OutboxEmail,
    OutboxStatus,
    Region,
    RegionKind,
    RegionMembership,
    RegionRole,
    Role,
    Sharing,
    User,
)
from agencies.outbox.services import Letter, outbox_add
from agencies.staff import REVIEWER_GROUP
from agencies.webhooks.signing import new_secret
from onemind.lib.dates import add_months
from partnerships.models import (
    MentalHealthOrganization,
    OrganizationType,
    Partnership,
    PartnershipParty,
    PartnershipVersion,
    PartyStatus,
    VersionKind,
)
from pledges import services as pledge_services
from pledges.certification import services as certification
from pledges.models import CoverageMode, CrisisPolicy, EmailKind, ProgramRules
from training.models import (
    AttendeeStatus,
    Category,
    ClassAttendee,
    Course,
    CourseKind,
    ImportBatch,
    ImportKind,
    ImportState,
    Person,
    RegionalClass,
    TrainingRecord,
)
from training.status import refresh_training_status

PASSWORD = "a-long-test-password-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@agency.example")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified_email(user, create, extracted, **kwargs):
        if create and extracted is not False:
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    name = factory.Sequence(lambda n: f"Town {n} Police Department")
    slug = factory.Sequence(lambda n: f"town-{n}-pd")
    agency_type = AgencyType.MUNICIPAL
    region = "VA"
    locality = factory.Faker("city")
    sworn_strength = 40


class TenantFactory(factory.django.DjangoModelFactory):
    """Test set-up writes across agencies, so it uses the explicit cross-agency manager."""

    class Meta:
        abstract = True

    @classmethod
    def _get_manager(cls, model_class):
        return model_class.all_agencies


class MembershipFactory(TenantFactory):
    class Meta:
        model = Membership

    agency = factory.SubFactory(AgencyFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.EDITOR


class InvitationFactory(TenantFactory):
    class Meta:
        model = Invitation

    agency = factory.SubFactory(AgencyFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@agency.example")
    role = Role.EDITOR
    invited_by = factory.SubFactory(UserFactory)
    expires_at = factory.LazyFunction(lambda: timezone.now() + timezone.timedelta(days=7))


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region

    name = factory.Sequence(lambda n: f"County {n} Crisis Collaborative")
    slug = factory.Sequence(lambda n: f"county-{n}-collaborative")
    kind = RegionKind.COUNTY_COLLABORATIVE
    state = "VA"
    verified = True


class RegionOwnedFactory(factory.django.DjangoModelFactory):
    """Set-up writes across regions too, through the explicit cross-region manager."""

    class Meta:
        abstract = True

    @classmethod
    def _get_manager(cls, model_class):
        return model_class.all_regions


class RegionMembershipFactory(RegionOwnedFactory):
    class Meta:
        model = RegionMembership

    region = factory.SubFactory(RegionFactory)
    user = factory.SubFactory(UserFactory)
    role = RegionRole.COORDINATOR


class MemberAgencyFactory(RegionOwnedFactory):
    """An agency that accepted the region's invitation (status member), sharing progress."""

    class Meta:
        model = MemberAgency

    region = factory.SubFactory(RegionFactory)
    agency = factory.SubFactory(AgencyFactory)
    status = MemberAgencyStatus.MEMBER
    sharing = Sharing.PROGRESS
    answered_at = factory.LazyFunction(timezone.now)


class DocumentFactory(TenantFactory):
    class Meta:
        model = Document

    agency = factory.SubFactory(AgencyFactory)
    kind = DocumentKind.POLICY
    filename = "policy.pdf"
    file = factory.django.FileField(filename="policy.pdf", data=b"%PDF-1.7\n%%EOF\n")
    content_type = "application/pdf"
    size = 15
    sha256 = "0" * 64
    uploaded_by = factory.SubFactory(UserFactory)


class PersonFactory(TenantFactory):
    class Meta:
        model = Person

    agency = factory.SubFactory(AgencyFactory)
    employee_id = factory.Sequence(lambda n: f"E{n:05d}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    category = Category.SWORN
    position = "Patrol"


def course(kind: str) -> Course:
    """The program catalogue's course of this kind (seeded by migration)."""
    return Course.objects.get(agency=None, kind=kind)


class TrainingRecordFactory(TenantFactory):
    class Meta:
        model = TrainingRecord
        skip_postgeneration_save = True

    person = factory.SubFactory(PersonFactory)
    agency = factory.SelfAttribute("person.agency")
    course = factory.LazyFunction(lambda: course(CourseKind.CIT))
    completed_on = factory.LazyFunction(lambda: timezone.localdate() - timezone.timedelta(days=30))
    valid_until = factory.LazyAttribute(lambda r: r.course.valid_until(r.completed_on))
    refresher_due_on = factory.LazyAttribute(lambda r: r.course.refresher_due(r.completed_on))

    @factory.post_generation
    def training_status(record, create, extracted, **kwargs):
        """The person's stored status follows, as after every service that writes records."""
        if create:
            with transaction.atomic():  # as in the service's transaction
                refresh_training_status([record.person_id])


class RegionalClassFactory(RegionOwnedFactory):
    class Meta:
        model = RegionalClass

    region = factory.SubFactory(RegionFactory)
    course = factory.LazyFunction(lambda: course(CourseKind.CIT))
    completed_on = factory.LazyFunction(lambda: timezone.localdate() - timezone.timedelta(days=7))
    instructor = "Sgt. Maria Alvarez"
    sheet = factory.django.FileField(filename="attendance.pdf", data=b"%PDF-1.7\n%%EOF\n")
    sheet_filename = "attendance.pdf"
    sheet_content_type = "application/pdf"
    sheet_sha256 = "0" * 64
    recorded_by = factory.SubFactory(UserFactory)


class ClassAttendeeFactory(TenantFactory):
    """An attendee of a regional class waiting for their agency (status pending)."""

    class Meta:
        model = ClassAttendee

    agency = factory.SubFactory(AgencyFactory)
    regional_class = factory.SubFactory(RegionalClassFactory)
    employee_id = factory.Sequence(lambda n: f"R{n:05d}")
    first_name = "Jordan"
    last_name = "Reyes"
    status = AttendeeStatus.PENDING
    evidence = factory.SubFactory(
        DocumentFactory, agency=factory.SelfAttribute("..agency"), kind=DocumentKind.EVIDENCE
    )


class ImportBatchFactory(TenantFactory):
    class Meta:
        model = ImportBatch

    agency = factory.SubFactory(AgencyFactory)
    kind = ImportKind.ROSTER
    state = ImportState.PREVIEWED
    filename = "roster.csv"
    file = factory.django.FileField(filename="roster.csv", data=b"Employee ID,Last name\n1,Ng\n")
    sha256 = "0" * 64
    uploaded_by = factory.SubFactory(UserFactory)
    preview = factory.LazyFunction(
        lambda: {
            "headers": ["Employee ID", "Last name"],
            "rows": 1,
            "counts": {"errors": 0, "create": 1, "imported_rows": 1},
        }
    )


class OrganizationFactory(TenantFactory):
    class Meta:
        model = MentalHealthOrganization

    agency = factory.SubFactory(AgencyFactory)
    name = factory.Sequence(lambda n: f"Harbor Crisis Center {n}")
    organization_type = OrganizationType.CRISIS_CENTER
    services = factory.LazyFunction(lambda: ["crisis_stabilization", "drop_off"])


class PartnershipFactory(TenantFactory):
    class Meta:
        model = Partnership

    organization = factory.SubFactory(OrganizationFactory)
    agency = factory.SelfAttribute("organization.agency")
    title = "Crisis stabilization MOU"
    created_by = factory.SubFactory(UserFactory)


class PartnershipVersionFactory(TenantFactory):
    """A signed original agreement in force since a year ago, open-ended."""

    class Meta:
        model = PartnershipVersion

    partnership = factory.SubFactory(PartnershipFactory)
    agency = factory.SelfAttribute("partnership.agency")
    kind = VersionKind.ORIGINAL
    signed_on = factory.LazyFunction(lambda: timezone.localdate() - timezone.timedelta(days=370))
    effective_on = factory.LazyFunction(lambda: timezone.localdate() - timezone.timedelta(days=365))
    alternative = "24/7 drop-off at the crisis stabilization unit instead of jail or an ER hold."
    signatories = factory.LazyFunction(lambda: [{"name": "Chief A. Rivera", "title": "Chief"}])
    document = factory.SubFactory(
        DocumentFactory, agency=factory.SelfAttribute("..agency"), kind="partnership"
    )
    created_by = factory.SubFactory(UserFactory)


class PartnershipPartyFactory(TenantFactory):
    """An agency's confirmed part in a shared partnership."""

    class Meta:
        model = PartnershipParty

    partnership = factory.SubFactory(PartnershipFactory)
    agency = factory.SubFactory(AgencyFactory)
    status = PartyStatus.CONFIRMED
    named_by = factory.SubFactory(UserFactory)
    answered_at = factory.LazyFunction(timezone.now)


def shared_agreement(lead, *others, region=None, lead_status=PartyStatus.CONFIRMED, **terms):
    """A signed partnership in force kept by `lead`, shared with `others` (their parts
    awaiting confirmation) — as a region or the lead would have recorded it."""
    version = PartnershipVersionFactory(
        partnership__organization__agency=lead, partnership__region=region, **terms
    )
    partnership = version.partnership
    PartnershipPartyFactory(partnership=partnership, agency=lead, status=lead_status)
    for agency in others:
        PartnershipPartyFactory(
            partnership=partnership, agency=agency, status=PartyStatus.AWAITING, answered_at=None
        )
    return partnership


class CrisisPolicyFactory(TenantFactory):
    """An adopted policy covering all six elements, in force since a year ago."""

    class Meta:
        model = CrisisPolicy

    agency = factory.SubFactory(AgencyFactory)
    title = "Response to persons affected by mental illness or in crisis"
    adopted_on = factory.LazyFunction(lambda: timezone.localdate() - timezone.timedelta(days=380))
    effective_on = factory.LazyFunction(lambda: timezone.localdate() - timezone.timedelta(days=365))
    based_on_iacp_model = True
    definitions_at = "§ 2"
    signs_and_symptoms_at = "§ 3.A"
    risk_assessment_at = "§ 3.B"
    referrals_at = "§ 4"
    care_providers_at = "Appendix A"
    training_at = "§ 6"
    document = factory.SubFactory(
        DocumentFactory, agency=factory.SelfAttribute("..agency"), kind="policy"
    )
    created_by = factory.SubFactory(UserFactory)


# Agencies in a given state of their pledge, built the way the product builds them.


def meets_everything(agency, people=5):
    """An agency whose four requirements are met today: everyone trained, 1 in 5 with CIT."""
    PartnershipVersionFactory(partnership__organization__agency=agency)
    CrisisPolicyFactory(agency=agency)
    for n in range(people):
        kind = CourseKind.CIT if n == 0 else CourseKind.MHFA
        TrainingRecordFactory(person__agency=agency, course=course(kind))


RECEIPTS = (EmailKind.PLEDGE_SIGNED, EmailKind.PLEDGE_SUBMITTED)


def receipts_sent() -> int:
    """Mark the receipts of signing and submitting waiting in the outbox as sent long ago:
    for tests about other emails, whose pledge was signed before the story begins."""
    return OutboxEmail.objects.filter(kind__in=RECEIPTS, status=OutboxStatus.PENDING).update(
        status=OutboxStatus.SENT, sent_at=timezone.now()
    )


def sign(agency, actor, receipt_sent=True, **overrides):
    """The agency's pledge, signed by `actor` through the service, 24 months out (its
    receipt email already sent, unless `receipt_sent=False`)."""
    today = agency.today()
    fields = {
        "chief_name": "Ana Rivera",
        "chief_title": "Chief of Police",
        "target_date": add_months(today, 24),
        "signature": "Dana Whitfield",
        "affirmed": True,
        "ip": "203.0.113.7",
        **overrides,
    }
    pledge = pledge_services.pledge_sign(agency=agency, actor=actor, **fields)
    if receipt_sent:
        receipts_sent()
    return pledge


def submit(agency, actor, pledge=None):
    """The agency's pledge (signed now if not given) submitted by `actor`, its receipts
    already sent."""
    pledge = pledge or sign(agency, actor)
    submission = pledge_services.pledge_submit(agency=agency, actor=actor, pledge=pledge)
    receipts_sent()
    return submission


def submission_of(agency):
    """The agency's pledge, met, signed and submitted by its coordinator; the agency verified
    by program staff, so a reviewer may approve it."""
    coordinator = MembershipFactory(agency=agency, role=Role.COORDINATOR).user
    meets_everything(agency)
    pledge = sign(agency, coordinator)
    submission = pledge_services.pledge_submit(agency=agency, actor=coordinator, pledge=pledge)
    Agency.objects.filter(pk=agency.pk).update(verified=True)
    return submission


def certificate_of(agency):
    """The certificate of the agency's submitted pledge, approved by a reviewer."""
    return certification.review_approve(reviewer=UserFactory(), submission=submission_of(agency))[1]


# The program's rules versions as the migrations seed them, unsaved (no database needed).
ORIGINAL_RULES = ProgramRules(
    name="Original",
    cit_minimum_percent=20,
    coverage_target_percent=100,
    coverage_mode=CoverageMode.MHFA_FOR_ALL,
    equivalents_count=False,
)
CURRENT_RULES = ProgramRules(
    name="Current",
    cit_minimum_percent=20,
    coverage_target_percent=100,
    coverage_mode=CoverageMode.CIT_OR_MHFA,
    equivalents_count=True,
)
RULES_2019_2022 = ProgramRules(
    name="2019–2022",
    cit_minimum_percent=20,
    coverage_target_percent=100,
    coverage_mode=CoverageMode.MHFA_FOR_ALL,
    equivalents_count=True,
)


def staff_digests(count: int) -> list[OutboxEmail]:
    """`count` digests to as many reviewers: a cheap kind to send (no PDF)."""
    # Made here too: a transactional test may run after another emptied the tables.
    group, _ = Group.objects.get_or_create(name=REVIEWER_GROUP)
    group.permissions.add(Permission.objects.get(codename="review_agencies"))
    users = UserFactory.create_batch(count)
    for user in users:
        user.groups.add(group)
    with transaction.atomic():
        outbox_add([Letter(EmailKind.STAFF_DIGEST, u.pk, None, "2026-W49", {}) for u in users])
    return list(OutboxEmail.objects.order_by("pk"))


# Regions, as their teams and member agencies find them.


def region_member(region, role=RegionRole.COORDINATOR, email=None):
    """A user on the region's team with `role`."""
    user = UserFactory(email=email) if email else UserFactory()
    return RegionMembershipFactory(region=region, user=user, role=role).user


# Webhooks (agencies.webhooks): made as rows, without resolving their host.


class WebhookEndpointFactory(TenantFactory):
    class Meta:
        model = "agencies.WebhookEndpoint"

    agency = factory.SubFactory(AgencyFactory)
    url = factory.Sequence(lambda n: f"https://hooks{n}.example/onemind")
    description = "RMS dashboard"
    events = factory.LazyFunction(lambda: ["pledge.state_changed", "certificate.issued"])
    secret = factory.LazyFunction(new_secret)
    created_by = factory.SubFactory(UserFactory)


class WebhookDeliveryFactory(TenantFactory):
    class Meta:
        model = "agencies.WebhookDelivery"

    endpoint = factory.SubFactory(WebhookEndpointFactory)
    agency = factory.SelfAttribute("endpoint.agency")
    event_type = "pledge.state_changed"
    payload = factory.LazyFunction(
        lambda: {
            "type": "pledge.state_changed",
            "timestamp": "2026-12-01T12:00:00+00:00",
            "data": {},
        }
    )


# A region's webhooks (agencies.webhooks): made as rows, without resolving their host.


class RegionWebhookEndpointFactory(RegionOwnedFactory):
    class Meta:
        model = "agencies.RegionWebhookEndpoint"

    region = factory.SubFactory(RegionFactory)
    url = factory.Sequence(lambda n: f"https://region-hooks{n}.example/onemind")
    description = "Region dashboard"
    events = factory.LazyFunction(lambda: ["pledge.state_changed", "certificate.issued"])
    secret = factory.LazyFunction(new_secret)
    created_by = factory.SubFactory(UserFactory)


class RegionWebhookDeliveryFactory(RegionOwnedFactory):
    class Meta:
        model = "agencies.RegionWebhookDelivery"

    endpoint = factory.SubFactory(RegionWebhookEndpointFactory)
    region = factory.SelfAttribute("endpoint.region")
    event_type = "pledge.state_changed"
    payload = factory.LazyFunction(
        lambda: {
            "type": "pledge.state_changed",
            "timestamp": "2026-12-01T12:00:00+00:00",
            "data": {},
        }
    )


def refresh_standing(*agencies) -> None:
    """The agencies' standing worked out again, after a test wrote their pledges or snapshots
    directly (the services write it in the same transaction)."""
    from pledges.engine import standing

    standing.refresh([agency.pk for agency in agencies])
