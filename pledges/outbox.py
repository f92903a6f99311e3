"""The outbox: every email is first a row, written in the transaction of the event that
causes it, then sent exactly once by the dispatcher.

- A row's `key` (kind, agency, period or event, recipient) is unique: an event or a schedule
  that runs twice writes one row.
- The dispatcher claims a row with a conditional UPDATE (pending, or a claim whose lease ran
  out), renders it outside any transaction, then sends it while holding the row's lock and
  marks it sent in that same transaction. Two workers never both send a row: the second
  one's claim matches nothing, or waits for the lock and then finds it sent.
- A worker that dies while rendering leaves a claim whose lease runs out; the row is
  claimed again later, so nothing is dropped. Failures retry with a growing delay and end
  as "failed" with the error, which staff see.
- The one window left is a worker dying after the mail server accepted the message and
  before the commit. The row is then sent again; its Message-ID is the same, which many
  mail systems use to drop the duplicate.
"""

from __future__ import annotations

import logging
import secrets
import smtplib
from dataclasses import dataclass
from datetime import timedelta

from django.core.mail import mailers
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from agencies.audit import record_event
from agencies.models import User
from pledges import emails
from pledges.models import OutboxEmail, OutboxStatus

log = logging.getLogger(__name__)

BATCH_SIZE = 50
LEASE = timedelta(minutes=15)  # longer than the slowest render (the largest agency's report)
MAX_ATTEMPTS = 6
FIRST_RETRY = timedelta(minutes=1)  # then 2, 4, 8, 16 minutes
ERROR_LENGTH = 2000


def outbox_key(*, kind: str, agency_id: int | None, period: str, recipient_id: int) -> str:
    return f"{kind}:{agency_id or '-'}:{period}:{recipient_id}"


@dataclass(frozen=True)
class Letter:
    """One email to write to the outbox."""

    kind: str
    recipient_id: int
    agency_id: int | None
    period: str  # the period or the event it is for: "2026-12", "review:42"
    context: dict

    @property
    def key(self) -> str:
        return outbox_key(
            kind=self.kind,
            agency_id=self.agency_id,
            period=self.period,
            recipient_id=self.recipient_id,
        )


def outbox_add(letters: list[Letter]) -> int:
    """Write the letters to the outbox in the caller's transaction; those already there
    (same key) are left as they are. Returns how many rows are new. The dispatcher is
    asked to run once the transaction commits; if that cannot reach the broker, its next
    periodic run sends them."""
    written = 0
    for start in range(0, len(letters), 1000):
        written += _add_chunk(letters[start : start + 1000])
    if written:
        transaction.on_commit(dispatch_soon)
    return written


def _add_chunk(letters: list[Letter]) -> int:
    keys = {letter.key for letter in letters}
    existing = set(OutboxEmail.objects.filter(key__in=keys).values_list("key", flat=True))
    rows = {
        letter.key: OutboxEmail(
            key=letter.key,
            kind=letter.kind,
            agency_id=letter.agency_id,
            recipient_id=letter.recipient_id,
            context={"period": letter.period, **letter.context},
        )
        for letter in letters
        if letter.key not in existing
    }
    # A concurrent writer of the same key loses quietly: its row is the same email.
    OutboxEmail.objects.bulk_create(rows.values(), ignore_conflicts=True)
    return len(rows)


def dispatch_soon() -> None:
    from pledges.tasks import dispatch_outbox

    try:
        dispatch_outbox.apply_async(countdown=1)
    except Exception:  # broker unreachable: the periodic dispatcher sends them
        log.exception("Could not queue the outbox dispatcher; its next periodic run sends it")


def _claimable(now) -> Q:
    return Q(status=OutboxStatus.PENDING, next_attempt_at__lte=now) | Q(
        status=OutboxStatus.SENDING, claimed_until__lt=now
    )


def claim(pk: int) -> str | None:
    """Take one row for this worker: a token when it is ours, None when someone else has
    it or it is done. Counts an attempt, so a row that kills its worker gives up in time."""
    now = timezone.now()
    token = secrets.token_hex(16)
    taken = (
        OutboxEmail.objects.filter(_claimable(now), pk=pk)
        .filter(attempts__lt=MAX_ATTEMPTS)
        .update(
            status=OutboxStatus.SENDING,
            claim_token=token,
            claimed_until=now + LEASE,
            attempts=F("attempts") + 1,
        )
    )
    return token if taken else None


@dataclass
class DispatchResult:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    skipped: int = 0
    lost: int = 0  # claimed again by another worker after our lease ran out
    looked_at: int = 0  # rows that were due when the run began (at most the limit)


def dispatch(*, limit: int = BATCH_SIZE) -> DispatchResult:
    """Send the rows that are due, oldest first, over one mail connection."""
    result = DispatchResult()
    _give_up_on_exhausted()
    now = timezone.now()
    due = list(
        OutboxEmail.objects.filter(_claimable(now), attempts__lt=MAX_ATTEMPTS)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    result.looked_at = len(due)
    if not due:
        return result
    mailer = mailers.default
    renderer = emails.Renderer()
    try:
        for pk in due:
            token = claim(pk)
            if token is not None:
                outcome = _deliver(pk, token, mailer, renderer)
                setattr(result, outcome, getattr(result, outcome) + 1)
    finally:
        mailer.close()
    return result


def _deliver(pk: int, token: str, mailer, renderer) -> str:
    row = OutboxEmail.objects.select_related("recipient", "agency").get(pk=pk)
    try:
        message = renderer.message(row)
    except emails.Skip as skip:
        return _finish(row, token, OutboxStatus.SKIPPED, error=str(skip))
    except Exception as error:  # a bug or a missing object: retried, then shown to staff
        log.exception("Could not render outbox email %s", pk)
        return _failed(row, token, error)
    with transaction.atomic():
        locked = (
            OutboxEmail.objects.select_for_update()
            .filter(pk=pk, claim_token=token, status=OutboxStatus.SENDING)
            .first()
        )
        if locked is None:
            return "lost"
        try:
            mailer.send_messages([message])
        except Exception as error:
            mailer.close()  # the next message opens a fresh connection
            return _failed(locked, token, error)
        message_id = message.extra_headers.get("Message-ID", "")
        return _finish(locked, token, OutboxStatus.SENT, message_id=message_id)


def _finish(row: OutboxEmail, token: str, status: str, *, error: str = "", message_id=""):
    OutboxEmail.objects.filter(pk=row.pk, claim_token=token).update(
        status=status,
        sent_at=timezone.now() if status == OutboxStatus.SENT else None,
        message_id=message_id,
        last_error=error[:ERROR_LENGTH],
        claimed_until=None,
    )
    return {OutboxStatus.SENT: "sent", OutboxStatus.SKIPPED: "skipped"}[status]


def _permanent(error: Exception) -> bool:
    """The mail server refused for good (5xx): trying again will not help."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    return isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500


def _failed(row: OutboxEmail, token: str, error: Exception) -> str:
    attempts = OutboxEmail.objects.filter(pk=row.pk).values_list("attempts", flat=True).get()
    text = f"{type(error).__name__}: {error}"[:ERROR_LENGTH]
    final = attempts >= MAX_ATTEMPTS or _permanent(error)
    OutboxEmail.objects.filter(pk=row.pk, claim_token=token).update(
        status=OutboxStatus.FAILED if final else OutboxStatus.PENDING,
        next_attempt_at=timezone.now() + FIRST_RETRY * 2 ** (attempts - 1),
        last_error=text,
        claimed_until=None,
    )
    return "failed" if final else "retrying"


def _give_up_on_exhausted() -> None:
    """A row whose every attempt ended with its worker gone is failed, for staff to see."""
    OutboxEmail.objects.filter(_claimable(timezone.now()), attempts__gte=MAX_ATTEMPTS).update(
        status=OutboxStatus.FAILED,
        claimed_until=None,
        last_error="The worker stopped while sending, on every attempt.",
    )


def outbox_retry(*, actor: User, email: OutboxEmail) -> OutboxEmail:
    """Staff send a failed email again: a fresh set of attempts (audited)."""
    with transaction.atomic():
        locked = OutboxEmail.objects.select_for_update().get(pk=email.pk)
        if locked.status != OutboxStatus.FAILED:
            return locked
        locked.status, locked.attempts = OutboxStatus.PENDING, 0
        locked.next_attempt_at = timezone.now()
        locked.save(update_fields=["status", "attempts", "next_attempt_at"])
        record_event(
            action="outbox.retried",
            actor=actor,
            agency=locked.agency,
            obj=locked,
            values={"kind": locked.kind, "recipient": locked.recipient.email},
        )
        transaction.on_commit(dispatch_soon)
    return locked
