"""Demo agencies and logins for trying the product; safe to run again and again."""

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from agencies import services
from agencies.models import Agency, Membership, Region, RegionKind, Role, Sharing, User
from agencies.regions import services as region_services
from agencies.staff import ADMINISTRATOR_GROUP, REVIEWER_GROUP

DEMO_PASSWORD = "pledge-demo-2026"  # noqa: S105 - printed for local demo logins only

AGENCIES = [
    {
        "slug": "millbrook-pd",
        "name": "Millbrook Police Department",
        "agency_type": "municipal",
        "ori": "NY0140300",
        "region": "NY",
        "locality": "Millbrook",
        "sworn_strength": 142,
        "time_zone": "America/New_York",
        "directory_opt_in": True,
        "coordinator": ("dana.whitfield@millbrook.example", "Dana", "Whitfield"),
    },
    {
        "slug": "harlan-county-so",
        "name": "Harlan County Sheriff's Office",
        "agency_type": "sheriff",
        "ori": "KY0480000",
        "region": "KY",
        "locality": "Harlan County",
        "sworn_strength": 38,
        "time_zone": "America/New_York",
        "directory_opt_in": True,
        "coordinator": ("ray.combs@harlancounty.example", "Ray", "Combs"),
    },
    {
        "slug": "lakeshore-state-university-pd",
        "name": "Lakeshore State University Police",
        "agency_type": "campus",
        "ori": "",
        "region": "MI",
        "locality": "Marquette",
        "sworn_strength": 24,
        "time_zone": "America/Detroit",
        "directory_opt_in": False,
        "coordinator": ("p.okafor@lakeshore.example", "Priya", "Okafor"),
    },
    {
        "slug": "cedar-valley-transit-police",
        "name": "Cedar Valley Regional Transit Police",
        "agency_type": "transit",
        "ori": "",
        "region": "IA",
        "locality": "Cedar Rapids",
        "sworn_strength": 11,
        "time_zone": "America/Chicago",
        "directory_opt_in": False,
        "coordinator": ("m.lindqvist@cvtransit.example", "Maja", "Lindqvist"),
    },
]
MILLBROOK_STAFF = [
    ("sam.ortega@millbrook.example", "Sam", "Ortega", Role.EDITOR),
    ("chief.harris@millbrook.example", "Angela", "Harris", Role.VIEWER),
]
# A regional CIT program two demo agencies joined (one sharing its roster, one its progress
# only) and that asked Millbrook, whose coordinator finds the request under Agency settings.
REGION = {
    "slug": "regional-cit-training-collaborative",
    "name": "Regional CIT Training Collaborative",
    "kind": RegionKind.REGIONAL_CIT,
    "coordinator": ("lee.tran@regionalcit.example", "Lee", "Tran"),
    "members": {
        "harlan-county-so": Sharing.ROSTER,
        "cedar-valley-transit-police": Sharing.PROGRESS,
    },
    "asked": ["millbrook-pd"],
}
PROGRAM_STAFF = [
    ("reviewer@onemind.example", "Jordan", "Reyes", REVIEWER_GROUP),
    ("administrator@onemind.example", "Casey", "Morgan", ADMINISTRATOR_GROUP),
]


def demo_user(email: str, first: str, last: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email, DEMO_PASSWORD, first_name=first, last_name=last)
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


class Command(BaseCommand):
    help = "Create demo agencies, members and program staff (idempotent) and print the logins."

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        if settings.HTTPS:
            raise CommandError(
                "Demo data has well-known passwords; it is not loaded where HTTPS=true."
            )
        logins = []
        for spec in AGENCIES:
            spec = dict(spec)
            email, first, last = spec.pop("coordinator")
            coordinator = demo_user(email, first, last)
            agency = Agency.objects.filter(slug=spec["slug"]).first()
            if agency is None:
                agency = services.agency_register(actor=coordinator, **spec)
            logins.append((email, f"coordinator, {agency.name}"))
        millbrook = Agency.objects.get(slug="millbrook-pd")
        for email, first, last, role in MILLBROOK_STAFF:
            user = demo_user(email, first, last)
            Membership.all_agencies.get_or_create(
                agency=millbrook, user=user, defaults={"role": role}
            )
            logins.append((email, f"{role}, {millbrook.name}"))
        logins.append(self._region())
        for email, first, last, group_name in PROGRAM_STAFF:
            user = demo_user(email, first, last)
            user.groups.add(Group.objects.get(name=group_name))
            logins.append(
                (email, f"{group_name.lower().rstrip('s')} (sets up two-factor at first sign-in)")
            )

        self.stdout.write(
            self.style.SUCCESS("Demo logins (password for all: " + DEMO_PASSWORD + ")")
        )
        for email, what in logins:
            self.stdout.write(f"  {email:<36} {what}")

    def _region(self) -> tuple[str, str]:
        spec = dict(REGION)
        email, first, last = spec.pop("coordinator")
        members, asked = spec.pop("members"), spec.pop("asked")
        lead = demo_user(email, first, last)
        region = Region.objects.filter(slug=spec.pop("slug")).first()
        if region is None:
            region = region_services.region_register(actor=lead, **spec)
            region_services.region_set_verified(region=region, actor=None, verified=True)
            for slug in [*members, *asked]:
                agency = Agency.objects.get(slug=slug)
                request = region_services.member_agency_invite(
                    region=region, actor=lead, agency=agency
                )
                if slug in members:
                    coordinator = Membership.all_agencies.filter(
                        agency=agency, role=Role.COORDINATOR
                    ).first()
                    region_services.member_agency_accept(
                        agency=agency,
                        actor=coordinator.user,
                        member=request,
                        sharing=members[slug],
                    )
        return email, f"region coordinator, {region.name}"
