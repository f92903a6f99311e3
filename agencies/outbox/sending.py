"""The dispatcher: each due row claimed by one worker, rendered, sent once, marked sent.

- A worker that dies while rendering leaves a claim whose lease runs out; the row is
  claimed again later, so nothing is dropped. Failures retry with a growing delay and end
  as "failed" with the error, which staff see and can send again. A mail server that
  refuses us altogether (down, wrong password) stops the batch: the rest keep their
  attempts for when it is back.
- The one window left is a worker dying after the mail server accepted the message and
  before the commit. The row is then sent again; its Message-ID is the same, which many
  mail systems use to drop the duplicate.
"""

from __future__ import annotations

import logging
import secrets
import smtplib
import time
from dataclasses import dataclass
from datetime import timedelta

from django.core.mail import mailers
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from agencies.models import OutboxEmail, OutboxStatus
from agencies.outbox.kinds import Skip
from agencies.outbox.messages import Renderer

log = logging.getLogger(__name__)

BATCH_SIZE = 50
LEASE = timedelta(minutes=15)  # longer than the slowest render (the largest agency's report)
# Ten attempts over about eight hours: a mail server down for a night's maintenance loses
# nothing.
MAX_ATTEMPTS = 10
FIRST_RETRY = timedelta(minutes=1)  # then 2, 4, 8 … minutes
LONGEST_RETRY = timedelta(hours=4)
ERROR_LENGTH = 2000


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
    server_unavailable: bool = False  # the run stopped early: the mail server refused us


def dispatch(*, limit: int = BATCH_SIZE) -> DispatchResult:
    """Send the rows that are due, oldest first. Stops early when the mail server itself is
    unavailable: the rest wait for the next run rather than spend their attempts."""
    result = DispatchResult()
    _give_up_on_exhausted()
    now = timezone.now()
    due = list(
        OutboxEmail.objects.filter(_claimable(now), attempts__lt=MAX_ATTEMPTS)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    result.looked_at = len(due)
    renderer = Renderer()
    for pk in due:
        token = claim(pk)
        if token is None:
            continue
        outcome = deliver(pk, token, renderer)
        if outcome == UNAVAILABLE:
            result.retrying += 1
            result.server_unavailable = True
            break
        setattr(result, outcome, getattr(result, outcome) + 1)
    return result


def dispatch_all(*, seconds: float | None = None) -> DispatchResult:
    """Batch after batch until nothing is due, the mail server is unavailable, or (when
    given) `seconds` have passed; the totals of every batch."""
    totals, started = DispatchResult(), time.monotonic()
    while seconds is None or time.monotonic() - started < seconds:
        result = dispatch()
        for counted in ("sent", "retrying", "failed", "skipped", "lost", "looked_at"):
            setattr(totals, counted, getattr(totals, counted) + getattr(result, counted))
        totals.server_unavailable = result.server_unavailable
        if result.looked_at < BATCH_SIZE or result.server_unavailable:
            break
    return totals


UNAVAILABLE = "unavailable"


def deliver(pk: int, token: str, renderer: Renderer) -> str:
    """Render and send one claimed row: "sent", "skipped", "retrying", "failed", "lost"
    (our claim was taken over) or UNAVAILABLE (the mail server refused us)."""
    row = OutboxEmail.objects.select_related("recipient", "agency").get(pk=pk)
    try:
        message = renderer.message(row)
    except Skip as skip:
        return _finish(row, token, OutboxStatus.SKIPPED, error=str(skip))
    except Exception as error:  # a bug or a missing object: retried, then shown to staff
        log.exception("Could not render outbox email %s", pk)
        return _failed(row, token, error)
    # A connection of its own per message: rendering the next one can take long enough for
    # a server to drop an idle session.
    with transaction.atomic():
        locked = (
            OutboxEmail.objects.select_for_update()
            .filter(pk=pk, claim_token=token, status=OutboxStatus.SENDING)
            .first()
        )
        if locked is None:
            return "lost"
        try:
            mailers.default.send_messages([message])
        except Exception as error:
            outcome = _failed(locked, token, error)
            return UNAVAILABLE if _server_trouble(error) else outcome
        message_id = message.extra_headers.get("Message-ID", "")
        return _finish(locked, token, OutboxStatus.SENT, message_id=message_id)


def _mine(row: OutboxEmail, token: str):
    return OutboxEmail.objects.filter(pk=row.pk, claim_token=token, status=OutboxStatus.SENDING)


def _finish(row: OutboxEmail, token: str, status: str, *, error: str = "", message_id=""):
    _mine(row, token).update(
        status=status,
        sent_at=timezone.now() if status == OutboxStatus.SENT else None,
        message_id=message_id,
        last_error=error[:ERROR_LENGTH],
        claimed_until=None,
    )
    return {OutboxStatus.SENT: "sent", OutboxStatus.SKIPPED: "skipped"}[status]


def _refused_for_good(error: Exception) -> bool:
    """The server refused this message or its recipient for good (5xx): retrying the same
    email will not help. Its refusing us altogether (sign-in, sender) is not this."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    return isinstance(error, smtplib.SMTPDataError) and error.smtp_code >= 500


def _server_trouble(error: Exception) -> bool:
    """The mail server is unreachable or refuses us (connection, sign-in, sender): every
    email would fail the same way."""
    if isinstance(error, smtplib.SMTPRecipientsRefused | smtplib.SMTPDataError):
        return False
    return isinstance(error, OSError)  # smtplib's errors and socket errors alike


def retry_delay(attempts: int) -> timedelta:
    """After the n-th failed attempt: 1, 2, 4 … minutes, at most LONGEST_RETRY."""
    return min(FIRST_RETRY * 2 ** (attempts - 1), LONGEST_RETRY)


def _failed(row: OutboxEmail, token: str, error: Exception) -> str:
    attempts = OutboxEmail.objects.filter(pk=row.pk).values_list("attempts", flat=True).get()
    text = f"{type(error).__name__}: {error}"[:ERROR_LENGTH]
    final = attempts >= MAX_ATTEMPTS or _refused_for_good(error)
    _mine(row, token).update(
        status=OutboxStatus.FAILED if final else OutboxStatus.PENDING,
        next_attempt_at=timezone.now() + retry_delay(attempts),
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
