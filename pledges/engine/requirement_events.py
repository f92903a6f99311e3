"""The `requirement.status_changed` webhook event: a recompute compares each requirement's
result with the agency's latest snapshot before it, for the agencies that have an endpoint
for the event (none read otherwise), and writes the event in the transaction of the new
snapshot. Two runs that start from the same snapshot write the same event id, so a change
is delivered once."""

from __future__ import annotations

from datetime import date

from django.db.models import Max, Q

from agencies.webhooks.services import agencies_listening, emit, event_id_for
from pledges.models import ProgressSnapshot

EVENT = "requirement.status_changed"
# Each requirement, with the snapshot's figures that say how far along it is.
REQUIREMENTS = {
    "partnership": ("partnership_met", None, None),
    "policy": ("policy_met", None, None),
    "cit": ("cit_met", "cit_count", "cit_required"),
    "coverage": ("coverage_met", "covered_count", "covered_required"),
}


def previous_results(agency_ids: list[int], on: date) -> dict[int, ProgressSnapshot]:
    """The latest snapshot up to `on` of each agency listening for the event."""
    listening = agencies_listening(EVENT, agency_ids)
    if not listening:
        return {}
    snapshots = ProgressSnapshot.all_agencies.filter(agency_id__in=listening, day__lte=on)
    latest = (
        snapshots.values("agency_id").annotate(last=Max("day")).values_list("agency_id", "last")
    )
    wanted = Q()
    for agency_id, day in latest:
        wanted |= Q(agency_id=agency_id, day=day)
    if not wanted:
        return {}
    return {snapshot.agency_id: snapshot for snapshot in snapshots.filter(wanted)}


def emit_changes(
    previous: dict[int, ProgressSnapshot], rows: list[dict], *, day: date, computed_at
) -> int:
    """An event for each requirement whose result differs from the previous snapshot's, of
    the snapshots of `day` computed at `computed_at` (`rows`: their other columns)."""
    written = 0
    for row in rows:
        before = previous.get(row["agency_id"])
        # None: the agency's first snapshot. Newer: a run that began after this one wrote
        # first; this one's row was not written, and its results are not news.
        if before is None or before.computed_at >= computed_at:
            continue
        for name, (met_field, count_field, required_field) in REQUIREMENTS.items():
            if getattr(before, met_field) == row[met_field]:
                continue
            data = {
                "requirement": name,
                "met": row[met_field],
                "previous_met": getattr(before, met_field),
                "day": day.isoformat(),
                "all_met": row["all_met"],
            }
            if count_field:
                data["count"], data["required"] = row[count_field], row[required_field]
            written += emit(
                row["agency_id"],
                EVENT,
                data,
                event_id=event_id_for(
                    EVENT, row["agency_id"], name, before.computed_at.isoformat(), row[met_field]
                ),
            )
    return written
