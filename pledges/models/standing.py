"""Where each agency stands now: one row per agency holding its latest pledge's state and its
latest progress, which the lists, filters and counts across agencies read (the staff list,
the program dashboard, the directory, a region's dashboard). Written by
`pledges.engine.standing` in the transaction of every pledge's move and of every recompute,
never worked out when read."""

from __future__ import annotations

from django.db import models

from pledges.models.pledge import Pledge, PledgeStatus


class AgencyStanding(models.Model):
    """The agency's row continued: its latest pledge (by creation) and its latest progress
    snapshot (by day), copied. Every column is empty until the agency has that pledge or
    snapshot; an agency without a row has neither."""

    agency = models.OneToOneField(
        "agencies.Agency", primary_key=True, on_delete=models.CASCADE, related_name="latest"
    )
    # The latest pledge.
    pledge = models.ForeignKey(
        Pledge, null=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    pledge_status = models.CharField(max_length=20, choices=PledgeStatus.choices, null=True)
    pledge_target = models.DateField(null=True)
    pledged_on = models.DateField(null=True)
    # The latest progress snapshot (`ProgressSnapshot`'s columns of the same names).
    day = models.DateField(null=True)
    computed_at = models.DateTimeField(null=True)
    in_scope = models.PositiveIntegerField(null=True)
    cit_count = models.PositiveIntegerField(null=True)
    cit_total = models.PositiveIntegerField(null=True)
    cit_required = models.PositiveIntegerField(null=True)
    covered_count = models.PositiveIntegerField(null=True)
    covered_required = models.PositiveIntegerField(null=True)
    partnership_met = models.BooleanField(null=True)
    policy_met = models.BooleanField(null=True)
    cit_met = models.BooleanField(null=True)
    coverage_met = models.BooleanField(null=True)
    all_met = models.BooleanField(null=True)
    projected_on = models.DateField(null=True)
    at_risk = models.BooleanField(null=True)

    class Meta:
        indexes = [
            # The staff list's "at risk" filter and the dashboards' at-risk lists.
            models.Index(
                fields=["pledge_target"], condition=models.Q(at_risk=True), name="standing_at_risk"
            ),
            models.Index(fields=["pledge_status", "pledge_target"], name="standing_status"),
        ]

    def __str__(self) -> str:
        return f"Standing of {self.agency_id}"


# The snapshot's columns the standing copies, by the same names.
PROGRESS_FIELDS = [
    "day",
    "computed_at",
    "in_scope",
    "cit_count",
    "cit_total",
    "cit_required",
    "covered_count",
    "covered_required",
    "partnership_met",
    "policy_met",
    "cit_met",
    "coverage_met",
    "all_met",
    "projected_on",
    "at_risk",
]
# The standing's pledge columns and the pledge's fields they copy.
PLEDGE_FIELDS = {
    "pledge_id": "pk",
    "pledge_status": "status",
    "pledge_target": "target_date",
    "pledged_on": "pledged_on",
}
