"""Which emails the program writes to the outbox, and when.

Events (a submission returned, a certificate issued) write theirs inside the event's own
transaction. Schedules run daily (`queue_scheduled_emails`) and key each email by its
period — the week or month of the progress report, the reminder's threshold — so a run
repeated, or a day missed and caught up, still writes each email once.
"""

from __future__ import annotations

import zoneinfo
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from agencies.models import Agency
from agencies.outbox.services import Letter, outbox_add
from partnerships.queries import parties_counting, partnerships, versions_in_force
from partnerships.standing import renewed_in_time
from pledges.emails.subscriptions import (
    Stream,
    digest_recipients,
    region_digest_recipients,
    subscribers,
)
from pledges.engine.progress import by_local_date
from pledges.models import (
    SIGNED_OPEN_STATUSES,
    Certificate,
    EmailKind,
    Pledge,
    PledgeStatus,
    ReportFrequency,
    Review,
    Submission,
)
from training.models import CIT_KINDS, IN_SCOPE, MHFA_KINDS, Person, TrainingRecord
from training.queries import valid_records

TARGET_REMINDER_DAYS = (7, 30, 90, 180)
PARTNERSHIP_REMINDER_DAYS = (30, 60)
TRAINING_EXPIRY_DAYS = 60


def _reminder_subscribers(agency_ids) -> dict[int, list[int]]:
    """Who wants reminders, per agency, for many agencies in one query."""
    found: dict[int, list[int]] = {}
    for s in subscribers(sorted(set(agency_ids)), Stream.REMINDERS):
        found.setdefault(s.agency_id, []).append(s.user_id)
    return found


def _to_members(agency_id: int, kind: str, period: str, context: dict) -> list[Letter]:
    """One agency's letter, to each member who wants reminders."""
    members = _reminder_subscribers([agency_id]).get(agency_id, [])
    return [Letter(kind, user_id, agency_id, period, context) for user_id in members]


def _announce(kind: str, event, name: str) -> int:
    """An event's email to the agency's members who want notices, keyed by the event's row
    (`name`: pledge, submission, review, certificate), so telling it twice writes it once."""
    context = {f"{name}_id": event.pk}
    return outbox_add(_to_members(event.agency_id, kind, f"{name}:{event.pk}", context))


def pledge_signed(pledge: Pledge) -> int:
    """A receipt of the signature."""
    return _announce(EmailKind.PLEDGE_SIGNED, pledge, "pledge")


def pledge_submitted(submission: Submission) -> int:
    """A receipt of the submission: what the reviewer will see, and what happens next."""
    return _announce(EmailKind.PLEDGE_SUBMITTED, submission, "submission")


def submission_returned(review: Review) -> int:
    """Tell the agency its submission came back, with the reviewer's comments."""
    return _announce(EmailKind.SUBMISSION_RETURNED, review, "review")


def certificate_issued(certificate: Certificate) -> int:
    return _announce(EmailKind.CERTIFICATE_ISSUED, certificate, "certificate")


def report_period(frequency: str, on: date) -> str:
    """The week (ISO) or month a progress report on `on` belongs to."""
    if frequency == ReportFrequency.WEEKLY:
        year, week, _ = on.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{on:%Y-%m}"


def _committed_agencies() -> set[int]:
    """Agencies with a signed pledge still open, or certified: those the reminders help
    keep their partnership and training up."""
    statuses = [*SIGNED_OPEN_STATUSES, PledgeStatus.CERTIFIED]
    return set(Pledge.all_agencies.filter(status__in=statuses).values_list("agency_id", flat=True))


def _local_days(agency_ids) -> dict[int, date]:
    return {
        agency_id: day
        for day, ids in by_local_date(sorted(set(agency_ids))).items()
        for agency_id in ids
    }


def progress_report_letters() -> list[Letter]:
    """This period's report for every member who wants one, of every agency with a signed,
    open pledge."""
    pledged = set(
        Pledge.all_agencies.filter(status__in=SIGNED_OPEN_STATUSES).values_list(
            "agency_id", flat=True
        )
    )
    wanting = [s for s in subscribers(None, Stream.REPORTS) if s.agency_id in pledged]
    days = _local_days(s.agency_id for s in wanting)
    return [
        Letter(
            EmailKind.PROGRESS_REPORT,
            s.user_id,
            s.agency_id,
            report_period(s.preference.progress_report, days[s.agency_id]),
            {"frequency": s.preference.progress_report},
        )
        for s in wanting
    ]


def threshold(days_left: int, thresholds: tuple[int, ...]) -> int | None:
    """The smallest threshold `days_left` is within: 100 days left is the 180-day
    reminder, 85 the 90-day one; None past the largest or once the day has passed."""
    return next((t for t in sorted(thresholds) if 0 <= days_left <= t), None)


def target_reminder_letters() -> list[Letter]:
    """Target date in 180, 90, 30 and 7 days, for pledges still to be submitted."""
    pledges = list(
        Pledge.all_agencies.filter(
            status__in=[PledgeStatus.PLEDGED, PledgeStatus.RETURNED]
        ).values_list("pk", "agency_id", "target_date")
    )
    days = _local_days(agency_id for _, agency_id, _ in pledges)
    due = [
        (pledge_id, agency_id, target, reached)
        for pledge_id, agency_id, target in pledges
        if (reached := threshold((target - days[agency_id]).days, TARGET_REMINDER_DAYS))
    ]
    members = _reminder_subscribers(agency_id for _, agency_id, _, _ in due)
    return [
        Letter(
            EmailKind.TARGET_REMINDER,
            user_id,
            agency_id,
            f"pledge:{pledge_id}:{target}:{reached}",
            {"pledge_id": pledge_id, "threshold": reached},
        )
        for pledge_id, agency_id, target, reached in due
        for user_id in members.get(agency_id, [])
    ]


def partnership_reminder_letters() -> list[Letter]:
    """An MOU whose term ends in 60 and in 30 days (not auto-renewing, not terminated), to
    its agency and to each party of a shared one."""
    today = timezone.now().date()
    ending = versions_in_force(today).filter(
        auto_renews=False,
        partnership__terminated_on__isnull=True,
        expires_on__gte=today - timedelta(days=1),
        expires_on__lte=today + timedelta(days=max(PARTNERSHIP_REMINDER_DAYS) + 1),
    )
    leads = set(ending.values_list("agency_id", flat=True))
    parties = set(
        parties_counting(today)
        .filter(partnership__in=ending.values("partnership"))
        .values_list("agency_id", flat=True)
    )  # a shared MOU's end is news to each party it applies to
    letters = []
    candidates = (leads | parties) & _committed_agencies()
    for agency in Agency.objects.filter(pk__in=candidates).order_by("pk"):
        on = agency.today()
        for row in partnerships(agency, on):
            standing = row.standing
            if row.partnership.terminated_on or not (standing.in_force and standing.ends_on):
                continue
            if row.party and row.party.left_on:  # the agency itself chose the end
                continue
            if renewed_in_time(standing, row.partnership.versions.all()):
                continue
            reached = threshold((standing.ends_on - on).days, PARTNERSHIP_REMINDER_DAYS)
            if reached:
                letters += _to_members(
                    agency.pk,
                    EmailKind.PARTNERSHIP_EXPIRING,
                    f"partnership:{row.partnership.pk}:{standing.ends_on}:{reached}",
                    {"partnership_id": row.partnership.pk, "threshold": reached},
                )
    return letters


def training_expiry_letters() -> list[Letter]:
    """Once a month, one summary per agency whose people's CIT or MHFA lapses within 60
    days (who exactly is worked out when it is sent)."""
    today = timezone.now().date()
    horizon = today + timedelta(days=TRAINING_EXPIRY_DAYS + 1)
    agency_ids = (
        valid_records(today - timedelta(days=1), TrainingRecord.all_agencies.all())
        .filter(
            valid_until__lte=horizon,
            course__kind__in=CIT_KINDS + MHFA_KINDS,
            person__in=_in_scope_people(),
        )
        .values_list("agency_id", flat=True)
        .distinct()
    )
    days = _local_days(set(agency_ids) & _committed_agencies())
    members = _reminder_subscribers(days)
    return [
        Letter(
            EmailKind.TRAINING_EXPIRING,
            user_id,
            agency_id,
            f"{day:%Y-%m}",
            {"days": TRAINING_EXPIRY_DAYS},
        )
        for agency_id, day in sorted(days.items())
        for user_id in members.get(agency_id, [])
    ]


def _in_scope_people():
    return Person.all_agencies.filter(IN_SCOPE).values("pk")


def staff_digest_letters() -> list[Letter]:
    """The week's digest for every program staff member who has not turned it off."""
    today = timezone.localdate(timezone=zoneinfo.ZoneInfo(settings.PROGRAM_TIME_ZONE))
    year, week, _ = today.isocalendar()
    return [
        Letter(EmailKind.STAFF_DIGEST, user_id, None, f"{year}-W{week:02d}", {})
        for user_id in digest_recipients().values_list("pk", flat=True)
    ]


def region_digest_letters() -> list[Letter]:
    """The month's digest of each region, for every member of its team who has not turned
    it off: keyed by region and month, so it is written once a month however often the
    schedule runs."""
    today = timezone.localdate(timezone=zoneinfo.ZoneInfo(settings.PROGRAM_TIME_ZONE))
    return [
        Letter(
            EmailKind.REGION_DIGEST,
            user_id,
            None,
            f"region:{region_id}:{today:%Y-%m}",
            {"region_id": region_id},
        )
        for region_id, user_id in region_digest_recipients().values_list("region_id", "user_id")
    ]


SCHEDULES = (
    progress_report_letters,
    target_reminder_letters,
    partnership_reminder_letters,
    training_expiry_letters,
    staff_digest_letters,
    region_digest_letters,
)


def queue_scheduled_emails() -> int:
    """Write every email that is due by now and not yet written; returns how many."""
    written = 0
    for schedule in SCHEDULES:
        with transaction.atomic():
            written += outbox_add(schedule())
    return written
