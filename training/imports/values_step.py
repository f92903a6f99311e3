"""The values and courses steps: each distinct value of a file's vocabulary columns, how
many rows hold it, and what it is proposed to become, with why.

A proposal comes from the agency's remembered choice first, then the built-in synonyms
(or, for a course title, the closest catalogue course; for a rank, the words of the title),
else nothing: the coordinator must choose, and the page says so.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass

from django.utils.translation import gettext as _

from onemind.lib.tables import Table
from training.imports import courses as course_matching
from training.imports.rows import Choices, columns_for
from training.imports.vocabularies import RANK_CATEGORY, category_from_title, value_key
from training.models import Category, Course, ImportKind

# Past this many distinct values a column is most likely not the one meant (a name column
# chosen for Status); the first ones are shown and the page asks to check the column.
MAX_VALUES_PER_COLUMN = 100

REMEMBERED, BUILT_IN, MATCHED, FROM_TITLE = "remembered", "built-in", "matched", "title"


@dataclass(frozen=True)
class ValueLine:
    field: str
    key: str
    shown: str  # the value as the file first spells it
    count: int
    meaning: str  # "" when nothing is known: the coordinator chooses
    source: str  # REMEMBERED, BUILT_IN, MATCHED, FROM_TITLE or ""
    reason: str

    def as_json(self) -> dict:
        return asdict(self)


def _distinct(values) -> tuple[Counter, dict[str, str]]:
    counts: Counter = Counter()
    shown: dict[str, str] = {}
    # Counted by their text first: a column repeats a few dozen texts on every row.
    for value, count in Counter(value for value in values if value).items():
        key = value_key(value)
        counts[key] += count
        shown.setdefault(key, value)
    return counts, shown


def value_lines(
    *,
    kind: str,
    table: Table,
    mapping: dict[str, int],
    remembered: Choices,
    known_ids: set[str],
    courses: list[Course],
) -> tuple[list[ValueLine], dict[str, int]]:
    """The lines of the values (or courses) step, and per column how many distinct values
    were left out past MAX_VALUES_PER_COLUMN."""
    lines: list[ValueLine] = []
    more: dict[str, int] = {}

    def add(field: str, values, propose) -> None:
        counts, shown = _distinct(values)
        for key, count in counts.most_common(MAX_VALUES_PER_COLUMN):
            meaning, source, reason = propose(key, shown[key])
            lines.append(ValueLine(field, key, shown[key], count, meaning, source, reason))
        if len(counts) > MAX_VALUES_PER_COLUMN:
            more[field] = len(counts) - MAX_VALUES_PER_COLUMN

    def cells(field: str):
        return (row.cells[mapping[field]] for row in table.rows)

    if kind == ImportKind.TRAINING:
        usable = {str(c.public_id) for c in courses}

        def propose_course(key: str, shown: str):
            choice = remembered.get("course", {}).get(key)
            if choice and (choice in usable or choice == course_matching.NOT_FOR_THE_PLEDGE):
                return choice, REMEMBERED, _("as chosen in an earlier import")
            match = course_matching.match_course(shown, courses)
            return match.choice, MATCHED, match.reason

        if "course" in mapping:
            add("course", cells("course"), propose_course)
        return lines, more

    for column in columns_for(kind):
        vocabulary = column.vocabulary
        if vocabulary is None or column.field not in mapping:
            continue

        def propose(key: str, shown: str, vocabulary=vocabulary):
            if meaning := remembered.get(vocabulary.field, {}).get(key):
                return meaning, REMEMBERED, _("as chosen in an earlier import")
            if meaning := vocabulary.builtin(shown):
                return meaning, BUILT_IN, _("a common word for it")
            return "", "", _("not a word the import knows: choose what it means")

        add(column.field, cells(column.field), propose)

    if "rank" in mapping and "employee_id" in mapping:
        add(RANK_CATEGORY.field, _ranks_needing_a_category(table, mapping, known_ids),
            _propose_from_title(remembered))  # fmt: skip
    return lines, more


def _ranks_needing_a_category(table: Table, mapping: dict[str, int], known_ids: set[str]):
    """The ranks of people new to the roster whose row does not say sworn or non-sworn."""
    rank, employee_id = mapping["rank"], mapping["employee_id"]
    category = mapping.get("category")
    for row in table.rows:
        cells = row.cells
        if cells[employee_id] not in known_ids and (category is None or not cells[category]):
            yield cells[rank]


def _propose_from_title(remembered: Choices):
    def propose(key: str, shown: str):
        if meaning := remembered.get(RANK_CATEGORY.field, {}).get(key):
            return meaning, REMEMBERED, _("as chosen in an earlier import")
        meaning, word = category_from_title(shown)
        if meaning is None:
            return "", "", _("the title does not say: choose")
        if meaning == Category.SWORN:
            return meaning, FROM_TITLE, _("“%(word)s” is a sworn rank") % {"word": word}
        return meaning, FROM_TITLE, _("“%(word)s” is a non-sworn title") % {"word": word}

    return propose
