"""The policy requirement: which version is in force on a day and whether it covers all six
elements — for one agency with reasons, and for every agency at once in SQL."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db.models import Exists, OuterRef, Q, QuerySet

from agencies.models import Agency
from agencies.tenancy import agency_scope
from onemind.lib.dates import day
from onemind.lib.findings import Finding
from pledges.models import NEWEST_FIRST, POLICY_ELEMENTS, CrisisPolicy


def _recency(version: CrisisPolicy) -> tuple:
    """The order of NEWEST_FIRST, as a key: the largest supersedes the rest."""
    return (version.effective_on, version.adopted_on, version.created_at, version.pk)


def in_force(versions: Iterable[CrisisPolicy], on: date) -> CrisisPolicy | None:
    """The adopted version with the latest effective date on or before `on`."""
    adopted = [v for v in versions if v.adopted_on <= on and v.effective_on <= on]
    return max(adopted, key=_recency, default=None)


def versions(agency: Agency) -> list[CrisisPolicy]:
    """Every version of the agency's policy, newest first, with its document."""
    with agency_scope(agency):
        return list(
            CrisisPolicy.objects.select_related("document", "created_by").order_by(*NEWEST_FIRST)
        )


def finding(all_versions: list[CrisisPolicy], on: date) -> Finding:
    """ "Policy adopted and complete on `on`", with the reasons when not."""
    current = in_force(all_versions, on)
    if current is None:
        upcoming = [v for v in all_versions if max(v.adopted_on, v.effective_on) > on]
        if upcoming:
            starts = min(max(v.adopted_on, v.effective_on) for v in upcoming)
            return Finding(
                met=False,
                reasons=[f"The policy takes effect on {day(starts)}."],
            )
        return Finding(
            met=False, reasons=["No policy on responding to people in crisis is on record."]
        )
    missing = current.missing_elements
    if missing:
        return Finding(
            met=False,
            reasons=[
                f"The policy in force (“{current.title}”) does not cover: "
                + "; ".join(m[0].lower() + m[1:] for m in missing)
                + "."
            ],
        )
    return Finding(met=True)


def policy_finding(agency: Agency, on: date) -> Finding:
    return finding(versions(agency), on)


def complete_policies_in_force(on: date) -> QuerySet[CrisisPolicy]:
    """Across all agencies, in SQL: the version in force on `on` of each agency whose
    policy covers all six elements. The same rule as `finding`; tests hold them together."""
    adopted_by_then = Q(adopted_on__lte=on, effective_on__lte=on)
    later = CrisisPolicy.all_agencies.filter(adopted_by_then, agency=OuterRef("agency")).filter(
        Q(effective_on__gt=OuterRef("effective_on"))
        | Q(effective_on=OuterRef("effective_on"), adopted_on__gt=OuterRef("adopted_on"))
        | Q(
            effective_on=OuterRef("effective_on"),
            adopted_on=OuterRef("adopted_on"),
            created_at__gt=OuterRef("created_at"),
        )
        | Q(
            effective_on=OuterRef("effective_on"),
            adopted_on=OuterRef("adopted_on"),
            created_at=OuterRef("created_at"),
            pk__gt=OuterRef("pk"),
        )
    )
    every_element = Q()
    for name, _ in POLICY_ELEMENTS:
        every_element &= ~Q(**{name: ""})
    return CrisisPolicy.all_agencies.filter(adopted_by_then, every_element).exclude(Exists(later))


def agencies_with_complete_policy(on: date) -> QuerySet[Agency]:
    """Agencies meeting the policy requirement on `on`, as one query."""
    return Agency.objects.filter(
        Exists(complete_policies_in_force(on).filter(agency=OuterRef("pk")))
    )
