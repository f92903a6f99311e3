"""Import pages: upload, columns, dry-run preview, confirm, progress and result."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from agencies.access import agency_view
from agencies.forms import add_service_error
from agencies.models import Capability
from training.forms import ImportMappingForm, ImportUploadForm
from training.imports import services as import_services
from training.imports.reading import BLANK_ROWS_ENDING_A_TABLE
from training.imports.rows import columns_for
from training.models import ImportBatch
from training.spreadsheets import write_csv

SHOWN_ERRORS = 200


@agency_view(Capability.VIEW, methods=("GET",))
def import_list(request, agency_slug: str):
    batches = ImportBatch.objects.select_related("uploaded_by").order_by("-created_at")
    page = Paginator(batches, 25).get_page(request.GET.get("page"))
    return render(request, "training/imports.html", {"page": page})


@agency_view(Capability.EDIT)
def import_upload(request, agency_slug: str):
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = import_services.import_upload(
                agency=request.agency,
                actor=request.user,
                kind=form.cleaned_data["kind"],
                filename=upload.name,
                data=upload.read(import_services.MAX_FILE_BYTES + 1),
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            return redirect("import_detail", agency_slug=agency_slug, batch_id=batch.public_id)
    return render(request, "training/import_upload.html", {"form": form})


def _batch(batch_id) -> ImportBatch:
    return get_object_or_404(ImportBatch.objects.select_related("uploaded_by"), public_id=batch_id)


def _mapping_form(batch: ImportBatch, data=None) -> ImportMappingForm:
    return ImportMappingForm(
        data,
        columns=columns_for(batch.kind),
        headers=batch.preview.get("headers", []),
        initial_mapping=batch.mapping,
        kind=batch.kind,
        initial={"default_category": batch.preview.get("default_category", "")},
    )


@agency_view(Capability.VIEW, methods=("GET",))
def import_detail(request, agency_slug: str, batch_id):
    batch = _batch(batch_id)
    errors = batch.preview.get("errors", [])
    context = {
        "batch": batch,
        "form": _mapping_form(batch),
        "counts": batch.preview.get("counts"),
        "errors": errors[:SHOWN_ERRORS],
        "more_errors": batch.preview.get("counts", {}).get("errors", 0) - SHOWN_ERRORS,
        "progress": import_services.import_progress(batch),
        "blank_rows_ending_a_table": f"{BLANK_ROWS_ENDING_A_TABLE:,}",
    }
    return render(request, "training/import_detail.html", context)


@agency_view(Capability.EDIT, methods=("POST",))
def import_preview(request, agency_slug: str, batch_id):
    batch = _batch(batch_id)
    form = _mapping_form(batch, request.POST)
    if form.is_valid():
        try:
            import_services.import_preview(
                agency=request.agency,
                actor=request.user,
                batch=batch,
                mapping=form.mapping(),
                default_category=form.cleaned_data.get("default_category", ""),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    return redirect("import_detail", agency_slug=agency_slug, batch_id=batch.public_id)


@agency_view(Capability.EDIT, methods=("POST",))
def import_confirm(request, agency_slug: str, batch_id):
    batch = _batch(batch_id)
    try:
        import_services.import_confirm(agency=request.agency, actor=request.user, batch=batch)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("import_detail", agency_slug=agency_slug, batch_id=batch.public_id)


@agency_view(Capability.EDIT, methods=("POST",))
def import_retry(request, agency_slug: str, batch_id):
    batch = _batch(batch_id)
    try:
        import_services.import_retry(agency=request.agency, actor=request.user, batch=batch)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("The import of %(file)s will run again from the start.") % {"file": batch.filename},
        )
    return redirect("import_detail", agency_slug=agency_slug, batch_id=batch.public_id)


@agency_view(Capability.EDIT, methods=("POST",))
def import_cancel(request, agency_slug: str, batch_id):
    batch = _batch(batch_id)
    try:
        import_services.import_cancel(agency=request.agency, actor=request.user, batch=batch)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("import_detail", agency_slug=agency_slug, batch_id=batch.public_id)
    else:
        messages.success(request, f"The import of {batch.filename} was cancelled.")
    return redirect("import_list", agency_slug=agency_slug)


@agency_view(Capability.VIEW, methods=("GET",))
def import_progress(request, agency_slug: str, batch_id):
    batch = _batch(batch_id)
    return JsonResponse(
        {
            "state": batch.state,
            "state_label": batch.state_label,
            "progress": import_services.import_progress(batch),
            "finished": not batch.in_progress,
        }
    )


@agency_view(Capability.VIEW, methods=("GET",))
def import_errors(request, agency_slug: str, batch_id):
    batch = _batch(batch_id)
    content = write_csv(["Row", "Column", "Problem"], batch.preview.get("errors", []))
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    stem = batch.filename.rsplit(".", 1)[0][:60] or "import"
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"{stem}-errors.csv"
    )
    return response
