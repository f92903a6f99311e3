"""Writes of the pledges app: each in one transaction with its audit event."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import OperationalError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from agencies import documents
from agencies.audit import record_event, snapshot
from agencies.documents import CheckedUpload
from agencies.hooks import announce_evidence_changed
from agencies.models import Agency, DocumentKind, User
from agencies.tenancy import agency_scope
from agencies.validation import check_same_agency, save_unique, validate
from onemind.lib.dates import PAST_DAYS, PLANNED_DAYS, add_months, check_days, day
from pledges.emails import notices
from pledges.engine import lifecycle, progress
from pledges.engine.submissions import fingerprint, frozen_evidence
from pledges.models import (
    NEWEST_FIRST,
    POLICY_ELEMENTS,
    SIGNED_OPEN_STATUSES,
    CrisisPolicy,
    Pledge,
    PledgeStatus,
    ProgramRules,
    Submission,
)

POLICY_FIELDS = [
    "title",
    "adopted_on",
    "effective_on",
    "based_on_iacp_model",
    *(name for name, _ in POLICY_ELEMENTS),
    "change_summary",
]


def policy_adopt(
    *, agency: Agency, actor: User, document: CheckedUpload | None = None, **fields: Any
) -> CrisisPolicy:
    """Record an adopted version of the crisis-response policy; it supersedes the earlier
    one from its effective date. Without a new file, the previous version's document stays.
    The same version sent again (every field and the file alike) is the one recorded."""
    unknown = set(fields) - set(POLICY_FIELDS)
    if unknown:
        raise ValueError(f"not policy fields: {', '.join(sorted(unknown))}")
    policy = CrisisPolicy(
        agency=agency,
        created_by=actor,
        **{k: v.strip() if isinstance(v, str) else v for k, v in fields.items()},
    )
    if policy.adopted_on and policy.adopted_on > agency.today():
        raise ValidationError({"adopted_on": "Record the policy once it is adopted."})
    check_days(
        agency.today(),
        adopted_on=(policy.adopted_on, PAST_DAYS),
        effective_on=(policy.effective_on, PLANNED_DAYS),
    )
    with agency_scope(agency), transaction.atomic():
        # One version at a time per agency: the same version sent twice at once (a double
        # click) waits here for the first, then finds it and is that version.
        Agency.objects.select_for_update().only("pk").get(pk=agency.pk)
        # The version the form offered to keep the document of.
        previous = CrisisPolicy.objects.select_related("document").order_by(*NEWEST_FIRST).first()
        if document is None and previous is None:
            raise ValidationError({"document": "Attach the policy document."})
        if previous and _same_policy(previous, policy, document):
            return previous
        validate(policy, exclude=["document"])  # checked before the file is stored
        policy.document = (
            documents.store(document, agency=agency, actor=actor, kind=DocumentKind.POLICY)
            if document
            else previous.document
        )
        policy.save()
        record_event(
            action="policy.adopted",
            actor=actor,
            agency=agency,
            obj=policy,
            values={
                **snapshot(policy, POLICY_FIELDS),
                "document": documents.audit_value(policy.document),
                "supersedes": str(previous.public_id) if previous else None,
            },
        )
        announce_evidence_changed(agency)
    return policy


def _same_policy(recorded: CrisisPolicy, policy: CrisisPolicy, document: CheckedUpload | None):
    same_file = document is None or document.sha256 == recorded.document.sha256
    return same_file and all(
        getattr(recorded, name) == getattr(policy, name) for name in POLICY_FIELDS
    )


# The pledge


def pledge_window(rules: ProgramRules, earliest, latest) -> str:
    """The days a pledge's target date may fall on, in words ("Between … and …: 12 to 36
    months from today.")."""
    return ngettext(
        "Between %(earliest)s and %(latest)s: %(min)d to %(max)d month from today.",
        "Between %(earliest)s and %(latest)s: %(min)d to %(max)d months from today.",
        rules.window_max_months,
    ) % {
        "earliest": day(earliest),
        "latest": day(latest),
        "min": rules.window_min_months,
        "max": rules.window_max_months,
    }


def pledge_sign(
    *,
    agency: Agency,
    actor: User,
    chief_name: str,
    chief_title: str,
    target_date,
    signature: str,
    affirmed: bool,
    ip: str | None = None,
) -> Pledge:
    """The coordinator signs the pledge for the agency, under the rules in force today."""
    today = agency.today()
    rules = ProgramRules.objects.in_force(today)
    errors = {}
    if not affirmed:
        errors["affirmed"] = "Tick the box to affirm the pledge."
    if not signature.strip():
        errors["signature"] = "Type your full name as your signature."
    earliest = add_months(today, rules.window_min_months)
    latest = add_months(today, rules.window_max_months)
    if not earliest <= target_date <= latest:
        errors["target_date"] = gettext(
            "Choose a target date in the pledge's window. %(window)s"
        ) % {"window": pledge_window(rules, earliest, latest)}
    if errors:
        raise ValidationError(errors)
    with agency_scope(agency), transaction.atomic():
        # Locked before the check: a second signature sent at once waits for the first,
        # then finds the pledge signed (and without a draft, the open-pledge rule decides).
        draft = Pledge.objects.select_for_update().filter(status=PledgeStatus.DRAFT).first()
        if Pledge.objects.filter(status__in=SIGNED_OPEN_STATUSES).exists():
            raise ValidationError("Your agency already has an open pledge.")
        pledge = draft or Pledge(agency=agency, rules=rules, status=PledgeStatus.DRAFT)
        pledge.rules, pledge.pledged_on, pledge.target_date = rules, today, target_date
        pledge.chief_name, pledge.chief_title = chief_name.strip(), chief_title.strip()
        pledge.signature, pledge.signed_by = signature.strip(), actor
        pledge.signed_at, pledge.signed_ip = timezone.now(), ip
        validate(pledge)
        save_unique(pledge)
        lifecycle.move(
            pledge,
            PledgeStatus.PLEDGED,
            actor=actor,
            rules=rules.name,
            pledged_on=today,
            target_date=target_date,
            chief=f"{pledge.chief_name}, {pledge.chief_title}",
            signature=pledge.signature,
            affirmed=True,
        )
        notices.pledge_signed(pledge)
        announce_evidence_changed(agency)
    return pledge


SERIALIZATION_FAILURE = "40001"  # PostgreSQL's code for a REPEATABLE READ conflict
SUBMIT_ATTEMPTS = 3


def pledge_submit(*, agency: Agency, actor: User, pledge: Pledge) -> Submission:
    """Submit for certification: every requirement must be met; the evidence is frozen.

    The figures and the frozen evidence are read in one snapshot of the database
    (REPEATABLE READ on PostgreSQL), so the counts and the people list agree.
    """
    check_same_agency(agency, pledge, message="This pledge is not this agency's.")
    for _attempt in range(SUBMIT_ATTEMPTS):
        try:
            return _submit(agency, actor, pledge)
        except OperationalError as error:
            if getattr(error.__cause__, "pgcode", None) != SERIALIZATION_FAILURE:
                raise
            # Something this submission writes changed since it began reading: the agency's
            # standing by a recompute (read again, it goes through), or the pledge itself by
            # a double click (read again, the pledge is found submitted and says so).
            conflict = error
            pledge.refresh_from_db()
    raise ValidationError(
        "This pledge changed a moment ago, perhaps submitted already: reload the page."
    ) from conflict


def _submit(agency: Agency, actor: User, pledge: Pledge) -> Submission:
    today = agency.today()
    with agency_scope(agency), transaction.atomic():
        _read_one_snapshot()
        if not lifecycle.can_move(pledge, PledgeStatus.SUBMITTED):
            raise ValidationError(
                f"A pledge that is {pledge.get_status_display().lower()} cannot be submitted."
            )
        if today > lifecycle.submission_deadline(pledge):
            raise ValidationError(
                f"The target date ({day(pledge.target_date)}) has passed: the pledge can no "
                "longer be submitted."
            )
        evaluation = progress.agency_evaluation(agency, today, rules=pledge.rules)
        if not evaluation.all_met:
            raise ValidationError("Every requirement must be met before you submit.")
        snapshot = frozen_evidence(agency, pledge, evaluation, today)  # plain JSON
        lifecycle.move(pledge, PledgeStatus.SUBMITTED, actor=actor)
        submission = Submission.objects.create(
            agency=agency,
            pledge=pledge,
            submitted_by=actor,
            snapshot=snapshot,
            snapshot_sha256=fingerprint(snapshot),
        )
        notices.pledge_submitted(submission)
        announce_evidence_changed(agency)
    return submission


def _read_one_snapshot() -> None:
    """First statement of the outermost transaction: every read sees the same data."""
    connection = transaction.get_connection()
    if connection.vendor == "postgresql" and len(connection.savepoint_ids) == 0:
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")


def pledge_withdraw(*, agency: Agency, actor: User, pledge: Pledge, reason: str) -> Pledge:
    check_same_agency(agency, pledge, message="This pledge is not this agency's.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the agency withdraws its pledge."})
    with transaction.atomic():
        lifecycle.move(pledge, PledgeStatus.WITHDRAWN, actor=actor, reason=reason.strip())
        announce_evidence_changed(agency)
    return pledge


def lapse_overdue_pledges(on) -> int:
    """Pledges past their target date (and past a returned pledge's grace) lapse; one
    under review does not. A pledge that changed meanwhile is left as it is."""
    grace_start = timezone.now() - timedelta(days=lifecycle.RESUBMIT_GRACE_DAYS + 1)
    overdue = Pledge.all_agencies.filter(target_date__lt=on).filter(
        Q(status=PledgeStatus.PLEDGED)
        | Q(status=PledgeStatus.RETURNED, status_changed_at__lt=grace_start)
    )
    lapsed = 0
    for pledge in overdue.select_related("agency"):
        try:
            with transaction.atomic():
                lifecycle.move(
                    pledge, PledgeStatus.LAPSED, actor=None, target_date=pledge.target_date
                )
                announce_evidence_changed(pledge.agency)
        except ValidationError:  # submitted or withdrawn a moment ago
            continue
        lapsed += 1
    return lapsed


# Program rules


RULES_FIELDS = [
    "name",
    "effective_on",
    "cit_minimum_percent",
    "coverage_target_percent",
    "coverage_mode",
    "equivalents_count",
    "cit_base",
    "training_must_be_current",
    "window_min_months",
    "window_max_months",
    "description",
]


def rules_add(*, actor: User, **fields: Any) -> ProgramRules:
    """A program administrator adds a rules version; it applies to pledges signed from its
    effective date on, never to pledges already signed."""
    rules = ProgramRules(created_by=actor, **fields)
    check_days(timezone.localdate(), effective_on=(rules.effective_on, PLANNED_DAYS))
    if rules.effective_on and rules.effective_on <= timezone.localdate():
        raise ValidationError(
            {"effective_on": "Rules take effect from a future date: pledges already signed "
             "keep the rules they were signed under."}
        )  # fmt: skip
    with transaction.atomic():
        validate(rules)
        save_unique(rules)
        record_event(
            action="rules.added", actor=actor, obj=rules, values=snapshot(rules, RULES_FIELDS)
        )
    return rules
