"""Reads for the import's page: where the coordinator is in its steps, the values step's
lines grouped by column, the preview in words, and the skipped rows to download."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from training.imports import effect
from training.imports.rows import columns_for
from training.imports.runs import table_of
from training.imports.vocabularies import VOCABULARIES
from training.models import Category, ImportBatch, ImportKind, LeftOut, Status

SCOPE_LABELS = {
    effect.SWORN_IN_SCOPE: gettext_lazy("Sworn, active: in scope"),
    effect.SELECTED_NON_SWORN: gettext_lazy("Non-sworn, selected: in scope"),
    LeftOut.LEAVE: gettext_lazy("On extended leave: left out"),
    LeftOut.SEPARATED: gettext_lazy("Separated: left out"),
    LeftOut.NOT_SELECTED: gettext_lazy("Non-sworn, not selected: left out"),
}


def steps(batch: ImportBatch) -> dict:
    """How far the import's checking has come, and how many columns were matched."""
    preview = batch.preview
    headers = [h for h in preview.get("headers", []) if h]
    return {
        "matched": len(batch.mapping),
        "columns": len(headers),
        "values_found": "values" in preview,
        "previewed": "counts" in preview,
        "header_row": preview.get("header_row", 1),
    }


def value_groups(batch: ImportBatch, form) -> list[dict]:
    """The values step's lines, one group per column, each line with its form field."""
    groups: dict[str, dict] = {}
    more = batch.preview.get("values_more", {})
    for number, line in enumerate(form.lines):
        field = line["field"]
        if field not in groups:
            vocabulary = VOCABULARIES.get(field)
            groups[field] = {
                "field": field,
                "question": vocabulary.question if vocabulary else _("Which course each title is"),
                "more": more.get(field, 0),
                "lines": [],
            }
        groups[field]["lines"].append({**line, "form_field": form[f"line-{number}"]})
    return list(groups.values())


def preview(batch: ImportBatch) -> dict:
    """The preview's sample rows with their meanings in words, the scope split and the
    training requirements after the import."""
    data = batch.preview
    result = data.get("effect", {})
    split = result.get("split", {})
    return {
        "sample": [_sample_row(batch.kind, row) for row in data.get("sample", [])],
        "notes": data.get("notes", []),
        "split": [
            {"reason": reason, "label": label, "count": split.get(reason, 0)}
            for reason, label in SCOPE_LABELS.items()
        ],
        "left_out": sum(n for reason, n in split.items() if reason not in effect.IN_SCOPE_REASONS),
        "effect": _effect_sentences(result) if result else [],
    }


def _sample_row(kind: str, row: dict) -> dict:
    labels = {column.field: str(column.label) for column in columns_for(kind)}
    row = {**row, "changed": [labels.get(name, name) for name in row.get("changed", [])]}
    if kind == ImportKind.TRAINING:
        return row
    in_scope = effect.scope_reason(row["category"], row["status"], row["selected"])
    return {
        **row,
        "category_label": Category(row["category"]).label,
        "status_label": Status(row["status"]).label,
        "in_scope": in_scope in effect.IN_SCOPE_REASONS,
    }


def _effect_sentences(result: dict) -> list[str]:
    in_scope = result["in_scope"]
    sentences = [
        ngettext(
            "After this import, %(count)d person is in the pledge's scope.",
            "After this import, %(count)d people are in the pledge's scope.",
            in_scope,
        )
        % {"count": in_scope}
    ]
    if "cit" not in result:  # no rules engine judged the requirements
        return sentences
    cit, coverage = result["cit"], result["coverage"]
    return [
        *sentences,
        ngettext(
            "CIT: %(count)d trained of the %(required)d person needed.",
            "CIT: %(count)d trained of the %(required)d people needed.",
            cit["required"],
        )
        % cit,
        (
            ngettext(
                "CIT or MHFA: %(count)d trained of the %(required)d person needed.",
                "CIT or MHFA: %(count)d trained of the %(required)d people needed.",
                coverage["required"],
            )
            if coverage["either"]
            else ngettext(
                "MHFA: %(count)d trained of the %(required)d person needed.",
                "MHFA: %(count)d trained of the %(required)d people needed.",
                coverage["required"],
            )
        )
        % coverage,
    ]


def skipped_rows(batch: ImportBatch) -> tuple[list[str], list[list]]:
    """The rows the import skips, each with its reasons and its cells as the file had them."""
    reasons = {int(row): why for row, why in batch.preview.get("skipped", {}).items()}
    table = table_of(batch)
    headers = [_("Row"), _("Why it is skipped"), *table.headers]
    rows = [[row.number, reasons[row.number], *row.cells] for row in table.rows
            if row.number in reasons]  # fmt: skip
    return headers, rows
