"""Writes to the outbox: the letters of an event or a schedule, and staff's send-again."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from agencies.audit import record_event
from agencies.models import OutboxEmail, OutboxStatus, User
from agencies.outbox import kinds
from agencies.tasks import dispatch_outbox
from onemind.enqueue import enqueue


def outbox_key(*, kind: str, agency_id: int | None, period: str, recipient: int | str) -> str:
    return f"{kind}:{agency_id or '-'}:{period}:{recipient}"


@dataclass(frozen=True)
class Letter:
    """One email to write to the outbox, to an account (`recipient_id`) or, for someone
    without one yet, to an address (`recipient_email`)."""

    kind: str
    recipient_id: int | None
    agency_id: int | None
    period: str  # the period or the event it is for: "2026-12", "review:42"
    context: dict
    recipient_email: str = ""

    @property
    def key(self) -> str:
        return outbox_key(
            kind=self.kind,
            agency_id=self.agency_id,
            period=self.period,
            recipient=self.recipient_id or self.recipient_email,
        )


def outbox_add(letters: list[Letter]) -> int:
    """Write the letters to the outbox in the caller's transaction; those already there
    (same key) are left as they are. Returns how many rows are new. The dispatcher is
    asked to run once the transaction commits; if that cannot reach the broker, its next
    periodic run sends them."""
    for kind in {letter.kind for letter in letters}:
        kinds.get(kind)  # an unknown kind is a mistake to see now, not at sending time
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
            recipient_email=letter.recipient_email,
            context={"period": letter.period, **letter.context},
        )
        for letter in letters
        if letter.key not in existing
    }
    # A concurrent writer of the same key loses quietly: its row is the same email.
    OutboxEmail.objects.bulk_create(rows.values(), ignore_conflicts=True)
    return len(rows)


def dispatch_soon() -> None:
    """Ask for a dispatcher run in a second; if the broker is down, the periodic one sends."""
    enqueue(dispatch_outbox, countdown=1)


def outbox_retry(*, actor: User, email: OutboxEmail) -> OutboxEmail:
    """Staff send a failed email again: a fresh set of attempts (audited)."""
    with transaction.atomic():
        locked = OutboxEmail.objects.select_for_update().get(pk=email.pk)
        if locked.status != OutboxStatus.FAILED:
            return locked
        locked.status, locked.attempts, locked.claim_token = OutboxStatus.PENDING, 0, ""
        locked.next_attempt_at = timezone.now()
        locked.save(update_fields=["status", "attempts", "claim_token", "next_attempt_at"])
        record_event(
            action="outbox.retried",
            actor=actor,
            agency=locked.agency,
            obj=locked,
            values={"kind": locked.kind, "recipient": locked.address},
        )
        transaction.on_commit(dispatch_soon)
    return locked


def outbox_retry_failed(*, actor: User) -> int:
    """Staff send every failed email again, say after fixing the mail settings (audited)."""
    with transaction.atomic():
        count = OutboxEmail.objects.filter(status=OutboxStatus.FAILED).update(
            status=OutboxStatus.PENDING, attempts=0, claim_token="", next_attempt_at=timezone.now()
        )
        if count:
            record_event(action="outbox.retried_all", actor=actor, values={"emails": count})
            transaction.on_commit(dispatch_soon)
    return count
