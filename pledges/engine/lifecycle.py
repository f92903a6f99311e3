"""The one place a pledge changes status: the allowed moves, checked under a row lock and
audited, and the last day a pledge may be submitted. Services decide when to move; this
decides whether the move is allowed."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from agencies.audit import record_event
from agencies.models import User
from agencies.webhooks.services import emit
from pledges.engine import standing
from pledges.models import Pledge, PledgeStatus

S = PledgeStatus
ALLOWED: dict[str, set[str]] = {
    S.DRAFT: {S.PLEDGED, S.WITHDRAWN},
    S.PLEDGED: {S.SUBMITTED, S.LAPSED, S.WITHDRAWN},
    S.SUBMITTED: {S.RETURNED, S.CERTIFIED, S.WITHDRAWN},
    S.RETURNED: {S.SUBMITTED, S.LAPSED, S.WITHDRAWN},
    S.CERTIFIED: set(),
    S.LAPSED: set(),
    S.WITHDRAWN: set(),
}


def can_move(pledge: Pledge, to: str) -> bool:
    return to in ALLOWED[pledge.status]


def move(pledge: Pledge, to: str, *, actor: User | None, **facts: Any) -> Pledge:
    """Move `pledge` to status `to`, or refuse; inside the caller's transaction.

    The row is locked and re-read, so two requests racing (a double submit, a reviewer
    and a withdrawal) make one move and a clear refusal.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("move a pledge inside the transaction of its change")
    locked = Pledge.all_agencies.select_for_update().get(pk=pledge.pk)
    if to not in ALLOWED[locked.status]:
        raise ValidationError(
            f"A pledge that is {locked.get_status_display().lower()} cannot become "
            f"{PledgeStatus(to).label.lower()}."
        )
    before = locked.status
    locked.status, locked.status_changed_at = to, timezone.now()
    locked.save(update_fields=["status", "status_changed_at"])
    standing.pledge_changed(locked.agency_id)
    record_event(
        action=f"pledge.{to}",
        actor=actor,
        agency=locked.agency,
        obj=locked,
        changes={"status": [before, to]},
        values=facts or None,
    )
    emit(
        locked.agency_id,
        "pledge.state_changed",
        {
            "pledge_id": str(locked.public_id),
            "previous_state": before,
            "state": to,
            "changed_at": locked.status_changed_at.isoformat(),
        },
    )
    pledge.status, pledge.status_changed_at = locked.status, locked.status_changed_at
    return pledge


# A returned pledge may be resubmitted this long after the return, even past its target date.
RESUBMIT_GRACE_DAYS = 30


def submission_deadline(pledge: Pledge) -> date:
    """The last day the pledge can be submitted: its target date, or, once returned,
    30 days after the return if that is later (time to fix what the reviewer found)."""
    deadline = pledge.target_date
    if pledge.status == PledgeStatus.RETURNED:
        returned_on = timezone.localdate(pledge.status_changed_at)
        deadline = max(deadline, returned_on + timedelta(days=RESUBMIT_GRACE_DAYS))
    return deadline
