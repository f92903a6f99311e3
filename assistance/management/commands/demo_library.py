"""Demo resources and events for the library; run after demo_data (idempotent)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.html import escape
from weasyprint import HTML

from agencies.documents import AGREEMENT_TYPES, check_upload
from agencies.models import User
from assistance.library import services
from assistance.models import Event, Resource, Status, Topic

# (title, kind, summary, requirements, audiences, topic slugs, link or None for a file)
RESOURCES = [
    (
        "Model policy: responding to people with mental illness",
        "model_policy",
        "A policy an agency can adopt as written or adapt: definitions, recognizing signs and "
        "symptoms, assessing risk, referrals, a list of care providers and training.",
        ["policy"],
        ["leadership"],
        ["crisis-intervention-teams"],
        None,
    ),
    (
        "MOU template: partnering with a community mental-health center",
        "mou_template",
        "A memorandum of understanding naming drop-off at a crisis stabilization unit as the "
        "alternative to arrest, with the partners' duties and a review date.",
        ["partnership"],
        ["leadership", "partners"],
        ["co-responder-programs"],
        "https://library.example.org/mou-community-mental-health-center",
    ),
    (
        "MOU template: a county co-responder program",
        "mou_template",
        "Clinicians riding with officers: scheduling, records, supervision and what each "
        "partner pays for.",
        ["partnership"],
        ["leadership", "partners"],
        ["co-responder-programs"],
        "https://library.example.org/mou-co-responder",
    ),
    (
        "Crisis intervention team training, 40 hours",
        "training",
        "The Memphis-model course for patrol officers, taught with local mental-health "
        "partners and people with lived experience.",
        ["cit"],
        ["officers", "trainers"],
        ["crisis-intervention-teams"],
        "https://library.example.org/cit-40-hour",
    ),
    (
        "Mental Health First Aid for Public Safety",
        "training",
        "The eight-hour course that covers everyone in scope who does not take CIT.",
        ["coverage"],
        ["officers", "dispatch"],
        [],
        "https://library.example.org/mhfa-public-safety",
    ),
    (
        "Recognizing intellectual and developmental disabilities on calls",
        "training",
        "A four-hour module: communication, sensory needs, and what looks like defiance "
        "but is not.",
        ["cit", "coverage"],
        ["officers"],
        ["intellectual-developmental-disabilities"],
        "https://library.example.org/idd-on-calls",
    ),
    (
        "Youth in crisis: a toolkit for school resource officers",
        "toolkit",
        "De-escalation with young people, working with families and school counselors, and "
        "referrals that avoid juvenile court.",
        ["cit"],
        ["officers", "trainers"],
        ["youth"],
        "https://library.example.org/youth-in-crisis",
    ),
    (
        "Veterans in crisis: what officers should know",
        "webinar",
        "A recorded webinar with a veterans-court coordinator on post-traumatic stress and "
        "the services that answer the phone at night.",
        ["coverage"],
        ["officers", "leadership"],
        ["veterans"],
        "https://library.example.org/veterans-in-crisis",
    ),
    (
        "Dispatch and 9-8-8: transferring calls to the crisis line",
        "toolkit",
        "Call-taking protocols, a transfer script and the data to share with the 9-8-8 center.",
        ["partnership", "coverage"],
        ["dispatch", "leadership"],
        ["dispatch-988"],
        "https://library.example.org/dispatch-988",
    ),
    (
        "Officer wellness after critical incidents",
        "podcast",
        "Peer support leaders on the weeks after a hard call, and how agencies make asking "
        "for help ordinary.",
        [],
        ["officers", "leadership"],
        ["officer-wellness"],
        "https://library.example.org/officer-wellness-podcast",
    ),
    (
        "How small agencies met the pledge",
        "report",
        "Twelve departments under 25 officers: how they found partners, trained 20% in CIT "
        "and covered everyone else.",
        ["partnership", "policy", "cit", "coverage"],
        ["leadership"],
        [],
        "https://library.example.org/small-agencies-report",
    ),
    (
        "Writing the list of care providers for your policy",
        "toolkit",
        "A worksheet for the policy's list of local care providers, kept current each year.",
        ["policy"],
        ["leadership", "partners"],
        [],
        "https://library.example.org/care-providers-worksheet",
    ),
]

# (title, kind, days from today, local start hour, hours, time zone)
EVENTS = [
    ("Co-responder programs in rural counties", "webinar", 10, 13, 1.5, "America/Chicago"),
    ("Train the CIT trainers", "training", 40, 9, 8, "America/Los_Angeles"),
    ("Dispatch and 9-8-8 working together", "webinar", -20, 14, 1, "America/New_York"),
]


def policy_pdf(title: str, body: str):
    content = HTML(string=f"<h1>{escape(title)}</h1><p>{escape(body)}</p>").write_pdf()
    return check_upload(SimpleUploadedFile(f"{title}.pdf", content), AGREEMENT_TYPES)


class Command(BaseCommand):
    help = "Fill the library with a dozen resources and three events (idempotent)."

    def handle(self, *args, **options) -> None:
        if settings.HTTPS:
            raise CommandError("Demo data is not loaded where HTTPS=true.")
        actor = User.objects.filter(email="reviewer@onemind.example").first()
        for title, kind, summary, requirements, audiences, topics, url in RESOURCES:
            if Resource.objects.filter(title=title).exists():
                continue
            services.resource_create(
                actor=actor,
                title=title,
                summary=summary,
                kind=kind,
                status=Status.PUBLISHED,
                url=url or "",
                published_on=None,
                updated_on=None,
                topics=list(Topic.objects.filter(slug__in=topics)),
                requirements=requirements,
                audiences=audiences,
                upload=None if url else policy_pdf(title, summary),
            )
            self.stdout.write(f"  resource: {title}")
        today = timezone.localdate()
        for title, kind, days, hour, hours, zone in EVENTS:
            if Event.objects.filter(title=title).exists():
                continue
            day = today + timedelta(days=days)
            starts = datetime(day.year, day.month, day.day, hour, tzinfo=ZoneInfo(zone))
            services.event_create(
                actor=actor,
                title=title,
                summary="",
                kind=kind,
                status=Status.PUBLISHED,
                starts_at=starts,
                ends_at=starts + timedelta(hours=hours),
                time_zone=zone,
                registration_url="https://events.example.org/register",
            )
            self.stdout.write(f"  event: {title}")
