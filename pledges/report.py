"""The agency's progress report: the dashboard's figures on a day, who is still untrained and
what lapses soon, and the report as a tagged PDF that stays fast for a 36,000-person roster.

The people lists are printed as fixed-width text, several entries to a line, in short blocks:
WeasyPrint spends its time per line box and per glyph (a table row costs milliseconds, one
long block is quadratic), so few, full lines keep the largest agency's 100-page appendix to
seconds.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import NamedTuple

from django.db.models import Max, Q
from django.utils.safestring import SafeString

from agencies.models import Agency
from onemind.lib.dates import day
from onemind.lib.pdfs import render_pdf
from partnerships.queries import PartnershipRow, partnerships
from pledges import queries
from pledges.engine import progress
from pledges.engine.evaluation import Evaluation
from pledges.engine.pace import Pace
from pledges.engine.submissions import people_with_training
from pledges.models import CoverageMode, Pledge, ProgramRules
from training.models import CIT_KINDS, IN_SCOPE, MHFA_KINDS, CourseKind, Person, TrainingRecord
from training.queries import EXPIRY_HORIZON_DAYS, valid_records


class UntrainedPerson(NamedTuple):
    employee_id: str
    last_name: str
    first_name: str


@dataclass(frozen=True)
class LapsingTraining:
    """Someone whose CIT or MHFA stops counting unless renewed: `lapses_on` is its last
    valid day."""

    employee_id: str
    name: str  # "Last, First", as rosters list people
    course_group: str  # "CIT" or "MHFA"
    lapses_on: date


@dataclass(frozen=True)
class ProgressReport:
    agency: Agency
    on: date
    pledge: Pledge | None
    rules: ProgramRules
    evaluation: Evaluation
    pace: Pace
    chart: SafeString
    untrained: list[UntrainedPerson]
    lapsing: list[LapsingTraining]  # within EXPIRY_HORIZON_DAYS of `on`
    expiring_partnerships: list[PartnershipRow]  # in force, ending within the same horizon

    @property
    def days_left(self) -> int | None:
        if self.pledge is None or not self.pledge.is_open:
            return None
        return (self.pledge.target_date - self.on).days

    @property
    def requirements_met(self) -> int:
        return sum(r.met for r in self.evaluation.requirements)


def progress_report(agency: Agency, on: date | None = None) -> ProgressReport:
    """Everything the progress report shows on `on` (the agency's today by default), in a
    fixed number of queries whatever the roster's size."""
    on = on or agency.today()
    pledge, rules = queries.pledge_and_rules(agency, on)
    open_pledge = pledge if pledge and pledge.is_open else None
    history = queries.snapshot_history(agency, on)
    evaluation = progress.agency_evaluation(agency, on, rules=rules)
    coverage = evaluation["coverage"]
    horizon = on + timedelta(days=EXPIRY_HORIZON_DAYS)
    return ProgressReport(
        agency=agency,
        on=on,
        pledge=pledge,
        rules=rules,
        evaluation=evaluation,
        pace=queries.pace(history, coverage.count, coverage.required, on, open_pledge),
        chart=queries.chart(history, evaluation, rules, on),
        untrained=untrained_people(agency, rules, on),
        lapsing=lapsing_training(agency, on, EXPIRY_HORIZON_DAYS, rules),
        expiring_partnerships=[
            row
            for row in partnerships(agency, on)
            if row.standing.in_force and row.standing.ends_on and row.standing.ends_on < horizon
        ],
    )


def untrained_people(agency: Agency, rules: ProgramRules, on: date) -> list[UntrainedPerson]:
    """People in scope who do not meet the coverage requirement as `rules` count it, by
    last name, first name and employee ID."""
    people = people_with_training(agency, rules, on)
    if rules.coverage_mode == CoverageMode.CIT_OR_MHFA:
        people = people.filter(has_cit=False, has_mhfa=False)
    else:
        people = people.filter(has_mhfa=False)
    rows = people.order_by("last_name", "first_name", "employee_id").values_list(
        "employee_id", "last_name", "first_name"
    )
    return [UntrainedPerson._make(row) for row in rows.iterator(chunk_size=5000)]


def _course_groups(rules: ProgramRules) -> dict[str, tuple[str, ...]]:
    """The course kinds that count as CIT and as MHFA under `rules`."""
    if rules.equivalents_count:
        return {"CIT": CIT_KINDS, "MHFA": MHFA_KINDS}
    return {"CIT": (CourseKind.CIT,), "MHFA": (CourseKind.MHFA,)}


def lapsing_training(
    agency: Agency, on: date, days: int, rules: ProgramRules | None = None
) -> list[LapsingTraining]:
    """People in scope who hold valid CIT (or MHFA) on `on` but no record of it still valid
    `days` later: their training lapses unless renewed. By lapse date, then name. Under
    the agency's rules (its open pledge's, else those in force) unless `rules` is given.
    Two queries, whatever the roster's size (two more to find the rules)."""
    if rules is None:
        rules = queries.pledge_and_rules(agency, on)[1]
    if not rules.training_must_be_current:
        return []  # under these rules a lapsed certificate still counts: nothing stops counting
    later = on + timedelta(days=days)
    in_scope = Person.all_agencies.filter(IN_SCOPE, agency=agency)
    found = []
    for label, kinds in _course_groups(rules).items():
        held = valid_records(
            on,
            TrainingRecord.all_agencies.filter(
                agency=agency, course__kind__in=kinds, person__in=in_scope
            ),
        )
        lasting = held.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=later))
        rows = (
            held.exclude(person__in=lasting.values("person"))
            .values("person__employee_id", "person__last_name", "person__first_name")
            .annotate(lapses_on=Max("valid_until"))
            .order_by()
            .values_list(
                "person__employee_id", "person__last_name", "person__first_name", "lapses_on"
            )
        )
        found.extend(
            LapsingTraining(employee_id, _name(last, first), label, lapses_on)
            for employee_id, last, first, lapses_on in rows
        )
    return sorted(found, key=lambda t: (t.lapses_on, t.name, t.employee_id))


def _name(last: str, first: str) -> str:
    return f"{last}, {first}" if first else last


# The listings' geometry: a line of 7pt DejaVu Sans Mono on letter paper with 0.5in margins
# (static/css/progress-report.css) holds 128 characters.
PEOPLE_PER_LINE, PEOPLE_CELL = 4, 32
LAPSING_PER_LINE, LAPSING_CELL = 2, 64
LINES_PER_BLOCK = 20  # WeasyPrint lays out a block in time quadratic in its lines
ID_WIDTH_CAP = 10


@dataclass(frozen=True)
class Listing:
    """Entries as fixed-width text: a line of column labels, then blocks of lines of
    `per_line` entries each, read across then down."""

    columns: str
    blocks: list[str]
    count: int


def listing(cells: Iterable[str], header: str, per_line: int, width: int) -> Listing:
    """Cells of fewer than `width` characters laid out `per_line` to a line, in blocks of
    LINES_PER_BLOCK lines, under a line of column labels."""
    cells = list(cells)
    lines = [_line(cells[i : i + per_line], width) for i in range(0, len(cells), per_line)]
    blocks = [
        "\n".join(lines[i : i + LINES_PER_BLOCK]) for i in range(0, len(lines), LINES_PER_BLOCK)
    ]
    columns = _line([header] * min(per_line, len(cells)), width)
    return Listing(columns, blocks, len(cells))


def _line(cells: list[str], width: int) -> str:
    """Cells padded to `width` characters but the last: trailing spaces are glyphs too.

    Spaces rather than tabs: WeasyPrint draws a tab 2.4% wider than it lays it out, so
    tabbed columns go ragged by up to a character."""
    return "".join(f"{cell:<{width}}" for cell in cells[:-1]) + cells[-1] if cells else ""


def _fit(text: str, width: int) -> str:
    """`text` on one line, cut to `width` characters with an ellipsis when longer."""
    text = " ".join(text.split())  # a tab or newline in a name would break the columns
    return text if len(text) <= width else text[: width - 1] + "…"


def _id_width(employee_ids: Iterable[str]) -> int:
    return min(max((len(e) for e in employee_ids), default=2), ID_WIDTH_CAP)


def untrained_listing(people: list[UntrainedPerson]) -> Listing:
    """Employee ID and "Last, First", four to a line."""
    id_width = max(_id_width(p.employee_id for p in people), 2)
    name_width = PEOPLE_CELL - id_width - 3  # a space after the ID, two before the next
    cells = (
        f"{_fit(p.employee_id, id_width):<{id_width}} "
        f"{_fit(_name(p.last_name, p.first_name), name_width)}"
        for p in people
    )
    return listing(cells, f"{'ID':<{id_width}} Name", PEOPLE_PER_LINE, PEOPLE_CELL)


def lapsing_listing(lapsing: list[LapsingTraining]) -> Listing:
    """Last valid day, course group, employee ID and name, two to a line."""
    id_width = max(_id_width(t.employee_id for t in lapsing), 2)
    before_name = 12 + 1 + 4 + 1 + id_width + 1  # date, kind and ID, a space after each
    name_width = LAPSING_CELL - before_name - 2  # two spaces before the next entry
    cells = (
        f"{day(t.lapses_on):<12} {t.course_group:<4} {_fit(t.employee_id, id_width):<{id_width}}"
        f" {_fit(t.name, name_width)}"
        for t in lapsing
    )
    header = f"{'Valid until':<12} {'Kind':<4} {'ID':<{id_width}} Name"
    return listing(cells, header, LAPSING_PER_LINE, LAPSING_CELL)


def progress_report_pdf(report: ProgressReport) -> bytes:
    """The report as a tagged PDF (PDF/UA-1), the untrained and the lapsing in appendices."""
    return render_pdf(
        "pledges/progress_report_pdf.html",
        {
            "report": report,
            "agency": report.agency,
            "horizon_days": EXPIRY_HORIZON_DAYS,
            "untrained": untrained_listing(report.untrained),
            "lapsing": lapsing_listing(report.lapsing),
            "lapsing_groups": _count_by_group(report.lapsing),
        },
    )


def _count_by_group(lapsing: list[LapsingTraining]) -> list[tuple[str, int, date]]:
    """(group, people, first lapse date) for each course group with someone lapsing."""
    groups: dict[str, tuple[int, date]] = {}
    for entry in lapsing:  # sorted by date: the first seen is the earliest
        count, first = groups.get(entry.course_group, (0, entry.lapses_on))
        groups[entry.course_group] = (count + 1, first)
    return [(group, count, first) for group, (count, first) in sorted(groups.items())]
