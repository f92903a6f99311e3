"""What the upload page tells a coordinator about each kind of import: each column's name,
whether the import needs it, an example, the other column names it recognises and, for
the sworn, status and in-scope columns, common words it understands."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from training.imports.rows import Column, columns_for
from training.imports.vocabularies import CATEGORY, NO, SELECTED, STATUS, YES, word_key
from training.models import Category, ImportKind, Status

SHOWN_OTHER_NAMES = 4

# A few of the words each vocabulary understands, as people type them (the vocabularies
# keep their words as keys, "nonsworn", unfit to show). Each is checked by a test against
# the vocabulary, so the page never promises a word the import does not know.
SAMPLE_WORDS: dict[str, dict[str, list[str]]] = {
    CATEGORY.field: {
        Category.SWORN: ["Y", "Yes", "Sworn", "Officer", "Deputy"],
        Category.NON_SWORN: ["N", "No", "Non-sworn", "Civilian", "Professional staff"],
    },
    STATUS.field: {
        Status.ACTIVE: ["Active", "A", "Full-time", "Light duty"],
        Status.LEAVE: ["LOA", "Leave", "FMLA", "Military leave"],
        Status.SEPARATED: ["Retired", "Resigned", "Terminated", "Separated"],
    },
    SELECTED.field: {
        YES: ["Y", "Yes", "X", "Selected"],
        NO: ["N", "No", "Excluded"],
    },
}

# Columns of which a file needs one or the other: {field: the other field}.
_EITHER = {ImportKind.ROSTER: {"last_name": "full_name", "full_name": "last_name"}}


@dataclass(frozen=True)
class ColumnGuide:
    label: str
    requirement: str
    example: str
    other_names: list[str]
    # (what a value means, a few words that mean it), for a vocabulary column.
    words: list[tuple[str, list[str]]]


@dataclass(frozen=True)
class KindGuide:
    kind: str
    heading: str
    template_name: str
    caption: str
    columns: list[ColumnGuide]
    notes: list[str]

    @property
    def vocabulary_columns(self) -> list[ColumnGuide]:
        return [column for column in self.columns if column.words]


def import_guides() -> list[KindGuide]:
    """The guide to each kind of import, roster first."""
    return [
        KindGuide(
            kind=ImportKind.ROSTER,
            heading=_("Roster files"),
            template_name=_("Roster template"),
            caption=_("Columns of a roster file"),
            columns=column_guides(ImportKind.ROSTER),
            notes=[
                _(
                    "The in-scope column is for non-sworn staff: active sworn officers are "
                    "always in scope."
                ),
                _(
                    "Any other value in the sworn, status or in-scope columns is asked about "
                    "after the upload, and your answer is remembered for your next file."
                ),
            ],
        ),
        KindGuide(
            kind=ImportKind.TRAINING,
            heading=_("Training-record files"),
            template_name=_("Training-records template"),
            caption=_("Columns of a training-records file"),
            columns=column_guides(ImportKind.TRAINING),
            notes=[
                _("Import the roster first: each row's employee ID must be on the roster."),
                _(
                    "Course titles need not match the catalogue exactly: each title is matched "
                    "to a catalogue course, and you confirm the matches in the courses step."
                ),
                _(
                    "Training that is not for the pledge (defensive tactics, say) is skipped, "
                    "never an error."
                ),
            ],
        ),
    ]


def column_guides(kind: str) -> list[ColumnGuide]:
    """Each column of one kind of import, as the upload page describes it."""
    columns = columns_for(kind)
    labels = {column.field: str(column.label) for column in columns}
    either = _EITHER.get(kind, {})
    return [
        ColumnGuide(
            label=labels[column.field],
            requirement=_requirement(column, labels.get(either.get(column.field, ""))),
            example=column.example,
            other_names=_other_names(column),
            words=_sample_words(column),
        )
        for column in columns
    ]


def _requirement(column: Column, other_label: str | None) -> str:
    if column.required:
        return _("Required")
    if other_label:
        return _("Required, or %(column)s") % {"column": other_label}
    return _("Optional")


def _other_names(column: Column) -> list[str]:
    """A few of the other column names recognised, one of each spelling ("emp id", "empid"
    and "Emp ID" are one name to the import)."""
    seen = {word_key(str(column.label))}
    names = []
    for name in column.synonyms:
        if word_key(name) not in seen:
            seen.add(word_key(name))
            names.append(name)
    return names[:SHOWN_OTHER_NAMES]


def _sample_words(column: Column) -> list[tuple[str, list[str]]]:
    vocabulary = column.vocabulary
    if vocabulary is None:
        return []
    words = SAMPLE_WORDS[vocabulary.field]
    return [(str(vocabulary.label_of(meaning)), words[meaning]) for meaning in words]
