"""Import an agency's roster or training-records file from the command line: the same
pipeline as the import pages, with the agency's remembered choices and the built-in
synonyms, for program staff onboarding many agencies.

Without --commit it is a dry run: it prints the preview and leaves nothing behind.
With --commit the rows the preview keeps are imported, whole or not at all, and audited
as imported by the staff member named with --by.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from agencies.models import Agency, User
from agencies.staff import is_program_staff
from training.imports import runs, services
from training.imports.kept_plans import drop_kept_plan
from training.imports.queries import SCOPE_LABELS, preview
from training.models import ImportBatch, ImportKind, ImportState


class _DryRun(Exception):  # noqa: N818 - how the dry run's transaction is rolled back
    pass


class Command(BaseCommand):
    help = "Check (and with --commit, import) an agency's roster or training-records file."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--agency", required=True, help="the agency's slug")
        parser.add_argument("--kind", required=True, choices=ImportKind.values)
        parser.add_argument("--by", required=True, help="the email of a program staff account")
        parser.add_argument("--commit", action="store_true", help="import the rows it keeps")
        parser.add_argument("--json", action="store_true", help="print a JSON summary")

    def handle(self, *args, file: Path, agency: str, kind: str, by: str, **options) -> None:
        target = Agency.objects.filter(slug=agency).first()
        if target is None:
            raise CommandError(f"No agency has the slug “{agency}”.")
        actor = User.objects.filter(email__iexact=by.strip()).first()
        if actor is None or not is_program_staff(actor):
            raise CommandError(f"{by} is not a program staff account.")
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"{file}: {error.strerror}") from error
        try:
            batch = self._check(target, actor, kind, file.name, data, options["commit"])
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        summary = _summary(batch)
        if options["json"]:
            self.stdout.write(json.dumps(summary, indent=2, ensure_ascii=False))
        else:
            self._print(batch, summary)
        if options["commit"] and batch.state != ImportState.DONE:
            raise CommandError(batch.error or "The import did not run.")

    def _check(self, agency, actor, kind, filename, data, commit: bool) -> ImportBatch:
        if commit:
            batch = self._checked(agency, actor, kind, filename, data)
            services.import_confirm(agency=agency, actor=actor, batch=batch)
            runs.import_run(batch_id=batch.pk)  # here, now; a worker's delivery finds it done
            batch.refresh_from_db()
            return batch
        checked = None
        try:
            with transaction.atomic():
                checked = self._checked(agency, actor, kind, filename, data)
                raise _DryRun
        except _DryRun:
            # The rows went with the rollback; the file and the plan kept for a run too.
            checked.file.delete(save=False)
            drop_kept_plan(checked)
        return checked

    def _checked(self, agency, actor, kind, filename, data) -> ImportBatch:
        batch = services.import_upload(
            agency=agency, actor=actor, kind=kind, filename=filename, data=data
        )
        return services.import_check(agency=agency, actor=actor, batch=batch)

    def _print(self, batch: ImportBatch, summary: dict) -> None:
        write = self.stdout.write
        counts = summary["counts"]
        write(f"{batch.filename}: {counts['rows']} rows read")
        write(f"  to create: {counts['create']}, to update: {counts['update']}, "
              f"unchanged: {counts['unchanged']}, skipped: {counts['skipped']}")  # fmt: skip
        for label, count in summary["scope"].items():
            write(f"  {label}: {count}")
        for sentence in preview(batch)["effect"]:
            write(f"  {sentence}")
        for error in summary["errors"]:
            where = f"row {error['row']}" + (f", {error['column']}" if error["column"] else "")
            write(f"  {where}: {error['reason']}")
        if batch.state == ImportState.DONE:
            write(self.style.SUCCESS("Imported."))
        else:
            write("Dry run: nothing was imported. Add --commit to import the rows it keeps.")


def _summary(batch: ImportBatch) -> dict:
    data = batch.preview
    split = data.get("effect", {}).get("split", {})
    return {
        "file": batch.filename,
        "kind": batch.kind,
        "committed": batch.state == ImportState.DONE,
        "counts": data.get("counts", {}),
        "errors": [
            {"row": row, "column": column, "reason": message}
            for row, column, message in data.get("errors", [])
        ],
        "notes": [message for _row, _column, message in data.get("notes", [])],
        "scope": {str(SCOPE_LABELS[reason]): split.get(reason, 0) for reason in SCOPE_LABELS},
        "in_scope": data.get("effect", {}).get("in_scope"),
        "values": [
            {
                "column": line["field"],
                "value": line["shown"],
                "rows": line["count"],
                "meaning": line["meaning"] or None,
                "why": line["reason"],
            }
            for line in data.get("values", [])
        ],  # fmt: skip
    }
