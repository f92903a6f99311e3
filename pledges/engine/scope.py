"""Who the pledge leaves out, and whether the roster holds the agency's sworn officers: read
live for the dashboard, frozen into a submission for the reviewer, and read back from it."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import ngettext

from agencies.models import Agency
from training.models import LEFT_OUT, LeftOut
from training.queries import left_out_people, scope_counts

# The roster is held to be short of the agency's sworn officers when it lists fewer active
# sworn officers than this share of the authorized sworn strength. Authorized strength
# counts budgeted positions, and US agencies commonly carry vacancies of up to about a tenth
# of them, so a roster a little below it is normal; below 90% officers are more likely
# missing from the roster, and the pledge's percentages would rest on too few of them.
SWORN_ROSTER_MIN_PERCENT = 90

# People listed per reason: a glance on the dashboard (the roster, filtered, lists them
# all); in a submission enough for a reviewer to check, bounded so that an agency with
# decades of separations still freezes a snapshot of reasonable size.
DASHBOARD_LISTED_PER_REASON = 10
FROZEN_LISTED_PER_REASON = 1000


@dataclass(frozen=True)
class LeftOutPerson:
    employee_id: str
    last_name: str
    first_name: str
    reason: LeftOut
    public_id: str | None = None  # for a link to the person's page; not frozen


@dataclass(frozen=True)
class ReasonGroup:
    """The people left out for one reason: how many, and the first of them."""

    reason: LeftOut
    count: int
    people: list[LeftOutPerson]

    @property
    def label(self) -> str:
        return self.reason.label

    @property
    def sentence(self) -> str:
        """The count in words, as in "2 people are on extended leave"."""
        count = self.count
        if self.reason == LeftOut.LEAVE:
            text = ngettext(
                "%(count)s person is on extended leave",
                "%(count)s people are on extended leave",
                count,
            )
        elif self.reason == LeftOut.SEPARATED:
            text = ngettext(
                "%(count)s person has separated from the agency",
                "%(count)s people have separated from the agency",
                count,
            )
        else:
            text = ngettext(
                "%(count)s non-sworn staff member is not selected for the pledge",
                "%(count)s non-sworn staff members are not selected for the pledge",
                count,
            )
        return text % {"count": count}

    @property
    def unlisted(self) -> int:
        return self.count - len(self.people)


@dataclass(frozen=True)
class SwornStrength:
    """The roster's active sworn officers beside the authorized sworn strength."""

    on_roster: int
    authorized: int | None  # as the agency gave it; None or 0 when not given

    @property
    def given(self) -> bool:
        return bool(self.authorized)

    @property
    def short(self) -> bool:
        """The roster lists markedly fewer sworn officers than the agency is authorized."""
        return self.given and self.on_roster * 100 < self.authorized * SWORN_ROSTER_MIN_PERCENT

    @property
    def threshold_percent(self) -> int:
        return SWORN_ROSTER_MIN_PERCENT


@dataclass(frozen=True)
class Scope:
    """Who the pledge leaves out, by reason, and the roster's sworn officers."""

    groups: list[ReasonGroup]
    sworn: SwornStrength
    listed_per_reason: int

    @property
    def total(self) -> int:
        return sum(group.count for group in self.groups)

    @property
    def people(self) -> list[LeftOutPerson]:
        """Everyone listed, reason by reason."""
        return [person for group in self.groups for person in group.people]


def scope(agency: Agency, listed_per_reason: int = DASHBOARD_LISTED_PER_REASON) -> Scope:
    """The agency's scope as it stands: two queries, whatever the roster's size."""
    counts = scope_counts(agency)
    listed: dict[str, list[LeftOutPerson]] = {reason.value: [] for reason in LEFT_OUT}
    if any(counts.left_out.values()):
        for person in left_out_people(agency, listed_per_reason):
            listed[person.left_out_reason].append(
                LeftOutPerson(
                    person.employee_id,
                    person.last_name,
                    person.first_name,
                    LeftOut(person.left_out_reason),
                    str(person.public_id),
                )
            )
    return Scope(
        groups=[
            ReasonGroup(reason, counts.left_out[reason.value], listed[reason.value])
            for reason in LEFT_OUT
        ],
        sworn=SwornStrength(on_roster=counts.active_sworn, authorized=agency.sworn_strength),
        listed_per_reason=listed_per_reason,
    )


def frozen_scope(agency: Agency) -> dict:
    """What a submission freezes of the scope: the counts per reason, the people left out
    (employee ID, last name, first name, reason; up to FROZEN_LISTED_PER_REASON of each
    reason) and both sworn figures."""
    live = scope(agency, FROZEN_LISTED_PER_REASON)
    return {
        "left_out": {
            "counts": {group.reason.value: group.count for group in live.groups},
            "listed_per_reason": live.listed_per_reason,
            "people": [
                [person.employee_id, person.last_name, person.first_name, person.reason.value]
                for person in live.people
            ],
        },
        "sworn": {"on_roster": live.sworn.on_roster, "authorized": live.sworn.authorized},
    }


def scope_as_submitted(snapshot: dict) -> Scope | None:
    """The scope a submission froze; None for a submission made before it was frozen."""
    frozen, sworn = snapshot.get("left_out"), snapshot.get("sworn")
    if frozen is None or sworn is None:
        return None
    listed: dict[str, list[LeftOutPerson]] = {reason.value: [] for reason in LEFT_OUT}
    for employee_id, last_name, first_name, reason in frozen["people"]:
        listed[reason].append(LeftOutPerson(employee_id, last_name, first_name, LeftOut(reason)))
    return Scope(
        groups=[
            ReasonGroup(reason, frozen["counts"].get(reason.value, 0), listed[reason.value])
            for reason in LEFT_OUT
        ],
        sworn=SwornStrength(on_roster=sworn["on_roster"], authorized=sworn["authorized"]),
        listed_per_reason=frozen["listed_per_reason"],
    )
