"""Reads for the roster and training records: training status computed in SQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    Q,
    QuerySet,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from agencies.tenancy import agency_scope
from training.models import (
    ACTIVE_SWORN,
    IN_SCOPE,
    LEFT_OUT,
    Category,
    Course,
    CourseStatus,
    ImportBatch,
    ImportTouch,
    LeftOut,
    Person,
    Status,
    TrainingRecord,
)

EXPIRY_HORIZON_DAYS = 90


def current_on(on: date) -> Q:
    """A record whose certificate has not lapsed by `on` (a course without expiry never does)."""
    return Q(valid_until__isnull=True) | Q(valid_until__gte=on)


def completed_records(on: date, records: QuerySet[TrainingRecord] | None = None):
    """Records completed by `on`, of an approved course, lapsed or not: what counts on `on`
    under rules that let a lapsed certificate count.

    From the scoped agency's records, or from `records` (say, `all_agencies`) when given.
    """
    records = TrainingRecord.objects.all() if records is None else records
    return records.filter(completed_on__lte=on, course__status=CourseStatus.APPROVED)


def valid_records(on: date, records: QuerySet[TrainingRecord] | None = None):
    """Records that count on `on`: completed by then, not expired, of an approved course.

    From the scoped agency's records, or from `records` (say, `all_agencies`) when given.
    """
    return completed_records(on, records).filter(current_on(on))


def holds_cit(on: date) -> Q:
    """People holding counted CIT (or an approved equivalent) on `on`."""
    return Q(cit_until__gte=on)


def holds_mhfa(on: date) -> Q:
    """People holding counted MHFA (or an approved equivalent) on `on`."""
    return Q(mhfa_until__gte=on)


def lapsing_soon(on: date) -> Q:
    """People whose CIT or MHFA, held on `on`, lapses within EXPIRY_HORIZON_DAYS unless
    renewed (their latest record of it runs out by then)."""
    horizon = on + timedelta(days=EXPIRY_HORIZON_DAYS)
    return Q(cit_until__gte=on, cit_until__lte=horizon) | Q(
        mhfa_until__gte=on, mhfa_until__lte=horizon
    )


def refresher_due(on: date) -> Q:
    """People holding a course that calls for a refresher (CIT, or a refresher itself) of
    whom none of their records puts the next one after `on`."""
    return Q(refresher_due_on__lte=on)


def _flag(condition: Q) -> Case:
    return Case(When(condition, then=Value(True)), default=Value(False))


def with_training_status(people: QuerySet[Person], on: date) -> QuerySet[Person]:
    """Annotate has_cit, has_mhfa, expiring_soon (within 90 days) and refresher_due, from
    the status stored on each person (`training.status`)."""
    return people.annotate(
        has_cit=_flag(holds_cit(on)),
        has_mhfa=_flag(holds_mhfa(on)),
        expiring_soon=_flag(lapsing_soon(on)),
        refresher_due=_flag(refresher_due(on)),
    )


# Each filter of the roster by training status: a condition on the stored columns on a day
# (rather than on the annotations, which wrap them in CASE for the planner to see through).
TRAINING_FILTERS = {
    "cit": holds_cit,
    "mhfa_only": lambda on: holds_mhfa(on) & ~holds_cit(on),
    "untrained": lambda on: ~holds_cit(on) & ~holds_mhfa(on),
    "expiring": lapsing_soon,
    "refresher_due": refresher_due,
}
SORTS = {
    "name": ("last_name", "first_name", "employee_id"),
    "-name": ("-last_name", "-first_name", "-employee_id"),
    "employee_id": ("employee_id",),
    "-employee_id": ("-employee_id",),
    "hire_date": ("hire_date", "last_name"),
    "-hire_date": ("-hire_date", "last_name"),
    "status": ("status", "last_name", "first_name"),
}


# What each filter and order is called where a page's title or summary names it.
TRAINING_FILTER_WORDS = {
    "cit": _("with CIT or an equivalent"),
    "mhfa_only": _("with MHFA only"),
    "untrained": _("untrained"),
    "expiring": _("with training expiring within 90 days"),
    "refresher_due": _("due a CIT refresher"),
}
SORT_WORDS = {
    "name": _("sorted by name"),
    "-name": _("sorted by name, Z to A"),
    "employee_id": _("sorted by employee ID"),
    "-employee_id": _("sorted by employee ID, last first"),
    "hire_date": _("sorted by hire date"),
    "-hire_date": _("sorted by hire date, newest first"),
    "status": _("sorted by status"),
}


@dataclass(frozen=True)
class RosterFilters:
    search: str = ""
    category: str = ""
    status: str = ""
    scope: str = ""  # "in" or "out"
    training: str = ""  # a key of TRAINING_FILTERS
    left_out: str = ""  # a key of training.models.LEFT_OUT
    sort: str = "name"

    def chosen(self) -> list[str]:
        """The filters in use, in words ("sworn", "untrained", …)."""
        words = []
        if self.search:
            words.append(_("matching “%(search)s”") % {"search": self.search})
        if self.category:
            words.append(Category(self.category).label.lower())
        if self.status:
            words.append(Status(self.status).label.lower())
        if self.scope:
            words.append(str(_("in scope") if self.scope == "in" else _("not in scope")))
        if self.training:
            words.append(str(TRAINING_FILTER_WORDS[self.training]))
        if self.left_out:
            reason = LeftOut(self.left_out).label.lower()
            words.append(_("left out: %(reason)s") % {"reason": reason})
        return words

    def in_words(self) -> str:
        """The filters and the order, as the page's title says them, so that each filtered
        or sorted roster has a title of its own."""
        return ", ".join([*self.chosen(), str(SORT_WORDS[self.sort])])


def roster_matches(people: QuerySet[Person], search: str) -> QuerySet[Person]:
    """People whose name contains the words, or whose employee ID starts with them."""
    term = search.strip()
    return people.filter(
        Q(last_name__icontains=term)
        | Q(first_name__icontains=term)
        | Q(employee_id__istartswith=term)  # an exact ID starts with itself
    )


def roster(agency: Agency, filters: RosterFilters, on: date) -> QuerySet[Person]:
    """The agency's people, filtered, sorted and annotated with their training status."""
    with agency_scope(agency):
        people = Person.objects.all()
    if filters.search:
        people = roster_matches(people, filters.search)
    if filters.category:
        people = people.filter(category=filters.category)
    if filters.status:
        people = people.filter(status=filters.status)
    if filters.scope == "in":
        people = people.filter(IN_SCOPE)
    elif filters.scope == "out":
        people = people.exclude(IN_SCOPE)
    if filters.left_out in LEFT_OUT:
        people = people.filter(LEFT_OUT[filters.left_out])
    if filters.training in TRAINING_FILTERS:
        people = people.filter(TRAINING_FILTERS[filters.training](on))
    people = with_training_status(people, on)
    return people.order_by(*SORTS.get(filters.sort, SORTS["name"]))


def roster_page(agency: Agency, filters: RosterFilters, on: date, number, size: int) -> Page:
    """One page of the roster, each person on it with their training status: two queries
    (the count and the page), whatever the roster's size."""
    return Paginator(roster(agency, filters, on), size).get_page(number)


def roster_rows(people, link) -> list[dict]:
    """A page of the roster (`roster_page`) as plain rows of what each cell shows, worked
    out once per person, so that the page renders each cell from a dict; `link(public_id)`
    is the person's page."""
    categories, statuses = dict(Category.choices), dict(Status.choices)
    return [
        {
            "link": link(person.public_id),
            "last_name": person.last_name,
            "first_name": person.first_name,
            "rank": person.rank,
            "employee_id": person.employee_id,
            "category": categories.get(person.category, person.category),
            "selected": person.selected,
            "status": statuses.get(person.status, person.status),
            "has_cit": person.has_cit,
            "has_mhfa": person.has_mhfa,
            "expiring_soon": person.expiring_soon,
            "refresher_due": person.refresher_due,
        }
        for person in people
    ]


@dataclass(frozen=True)
class ScopeCounts:
    """How the roster divides against the pledge's scope."""

    active_sworn: int
    selected_non_sworn: int  # active non-sworn staff the agency brought into scope
    left_out: dict[str, int]  # people per reason, every reason of LEFT_OUT


def scope_counts(agency: Agency) -> ScopeCounts:
    """The roster's active sworn officers, its selected non-sworn staff and the people left
    out per reason: one aggregate query, whatever the roster's size."""
    counts = {reason.value: Count("pk", filter=rule) for reason, rule in LEFT_OUT.items()}
    with agency_scope(agency):
        row = Person.objects.aggregate(
            active_sworn=Count("pk", filter=ACTIVE_SWORN),
            selected_non_sworn=Count("pk", filter=IN_SCOPE & ~ACTIVE_SWORN),
            **counts,
        )
    return ScopeCounts(
        active_sworn=row["active_sworn"],
        selected_non_sworn=row["selected_non_sworn"],
        left_out={reason.value: row[reason.value] for reason in LEFT_OUT},
    )


def left_out_people(agency: Agency, per_reason: int) -> list[Person]:
    """Up to `per_reason` people of each reason the pledge leaves out, each with its reason
    (`left_out_reason`), in one query: by reason, then the latest change of status first
    (who went on leave or left lately), then by name."""
    reason = Case(
        *(When(rule, then=Value(reason.value)) for reason, rule in LEFT_OUT.items()),
        output_field=CharField(),
    )
    order = [
        F("status_changed_on").desc(nulls_last=True),
        "last_name",
        "first_name",
        "employee_id",
    ]
    with agency_scope(agency):
        people = (
            Person.objects.annotate(left_out_reason=reason)
            .filter(left_out_reason__isnull=False)
            .annotate(
                rank_in_reason=Window(RowNumber(), partition_by="left_out_reason", order_by=order)
            )
            .filter(rank_in_reason__lte=per_reason)
        )
        listed = list(people)
    position = {reason.value: n for n, reason in enumerate(LEFT_OUT)}
    return sorted(listed, key=lambda p: (position[p.left_out_reason], p.rank_in_reason))


# Recording a class: a roster up to this many active people is listed whole to tick from;
# a larger one is searched, this many matches at a time.
CLASS_LIST_LIMIT = 300
CLASS_FIND_LIMIT = 50


def class_attendees(active: QuerySet[Person], find: str, ticked: set[str]) -> dict:
    """The people a class form offers to tick: a small roster whole; for a large one the
    matches for `find`, and whoever was ticked already (ids of the active roster)."""
    active_count = active.count()
    if active_count <= CLASS_LIST_LIMIT:
        return {"listed": list(active), "active_count": active_count, "searchable": False}
    listed = list(roster_matches(active, find)[:CLASS_FIND_LIMIT]) if find else []
    shown = {str(person.pk) for person in listed}
    listed += list(active.filter(pk__in=[pk for pk in ticked if pk not in shown]))
    return {"listed": listed, "active_count": active_count, "searchable": True}


def person_history(person: Person) -> QuerySet[TrainingRecord]:
    """The person's training records, newest first, with their courses."""
    with agency_scope(person.agency):
        return (
            TrainingRecord.objects.filter(person=person)
            .select_related("course", "entered_by", "evidence")
            .order_by("-completed_on", "course__name")
        )


def next_refresher(records) -> date | None:
    """When the person's next CIT refresher is recommended, from their records."""
    return max((r.refresher_due_on for r in records if r.refresher_due_on), default=None)


def person_imports(person: Person) -> QuerySet[ImportBatch]:
    """The import batches that created or changed this person or their records."""
    with agency_scope(person.agency):
        touched = ImportTouch.objects.filter(person=person).values("batch")
        return ImportBatch.objects.filter(pk__in=touched).order_by("-created_at")


def catalogue(agency: Agency) -> QuerySet[Course]:
    """Courses an agency can record: the program's and its own (approved or not)."""
    return Course.objects.available_to(agency).select_related("refresher_of")


def recordable_courses(agency: Agency) -> QuerySet[Course]:
    """Courses offered when recording training: not the agency's rejected proposals."""
    return catalogue(agency).exclude(status=CourseStatus.REJECTED)


def proposed_courses() -> QuerySet[Course]:
    """Courses agencies proposed, awaiting a program administrator, oldest first."""
    return (
        Course.objects.filter(status=CourseStatus.PROPOSED)
        .exclude(agency=None)
        .select_related("agency", "proposed_by")
        .order_by("created_at")
    )
