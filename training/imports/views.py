"""Import pages: upload, columns, values or courses, the preview, confirm, progress and
the result."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from agencies.access import agency_view
from agencies.forms import add_service_error
from agencies.models import Capability
from onemind.lib.paging import page_of
from onemind.lib.spreadsheets import write_csv
from onemind.lib.tables import BLANK_ROWS_ENDING_A_TABLE
from training.forms import ImportMappingForm, ImportUploadForm, ImportValuesForm
from training.imports import courses as course_matching
from training.imports import queries as import_queries
from training.imports import samples as import_samples
from training.imports import services as import_services
from training.imports.guide import import_guides
from training.imports.planning import summary_sentence
from training.imports.rows import columns_for
from training.imports.vocabularies import VOCABULARIES
from training.models import EDITABLE_STATES, ImportBatch, ImportKind

SHOWN_ERRORS = 200


@agency_view(Capability.VIEW, methods=("GET",))
def import_list(request, agency_slug: str):
    batches = ImportBatch.objects.select_related("uploaded_by").order_by("-created_at")
    page = page_of(batches, request.GET.get("page"), 25)
    return render(request, "training/imports.html", {"page": page})


@agency_view(Capability.EDIT)
def import_upload(request, agency_slug: str):
    form = ImportUploadForm(
        request.POST or None, request.FILES or None, kind=request.GET.get("kind")
    )
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
    return render(request, "training/import_upload.html", {"form": form, "guides": import_guides()})


def _batch(batch_id) -> ImportBatch:
    return get_object_or_404(ImportBatch.objects.select_related("uploaded_by"), public_id=batch_id)


def _mapping_form(batch: ImportBatch, data=None) -> ImportMappingForm:
    return ImportMappingForm(
        data,
        columns=columns_for(batch.kind),
        headers=batch.preview.get("headers", []),
        initial_mapping=batch.mapping,
    )


def _value_options(batch: ImportBatch, agency) -> dict[str, list[tuple[str, str]]]:
    if batch.kind == ImportKind.TRAINING:
        return {"course": course_matching.choice_labels(course_matching.usable_courses(agency))}
    return {field: list(v.meanings) for field, v in VOCABULARIES.items()}


def _values_form(batch: ImportBatch, agency, data=None) -> ImportValuesForm:
    return ImportValuesForm(
        data, lines=batch.preview.get("values", []), options=_value_options(batch, agency)
    )


@agency_view(Capability.VIEW, methods=("GET",))
def import_detail(request, agency_slug: str, batch_id):
    return _detail(request, _batch(batch_id))


def _detail(request, batch: ImportBatch, values_form: ImportValuesForm | None = None):
    """The import's page: its steps while it is checked, then its progress and result."""
    counts = batch.preview.get("counts")
    context = {
        "batch": batch,
        "form": _mapping_form(batch),
        "steps": import_queries.steps(batch),
        "counts": counts,
        "errors": batch.preview.get("errors", [])[:SHOWN_ERRORS],
        "more_errors": (counts or {}).get("errors", 0) - SHOWN_ERRORS,
        "progress": import_services.import_progress(batch),
        "blank_rows_ending_a_table": f"{BLANK_ROWS_ENDING_A_TABLE:,}",
    }
    if batch.preview.get("values") and batch.state in EDITABLE_STATES:
        values_form = values_form or _values_form(batch, request.agency)
        context["values_form"] = values_form
        context["value_groups"] = import_queries.value_groups(batch, values_form)
    refused = values_form is not None and bool(values_form.errors)
    if refused:
        context["counts"] = None  # an earlier check's preview, no longer what was chosen
    elif counts:
        context["confirm_label"] = summary_sentence(counts)
        context["preview"] = import_queries.preview(batch)
    status = 400 if refused else 200
    return render(request, "training/import_detail.html", context, status=status)


@agency_view(Capability.EDIT, methods=("POST",))
def import_columns(request, agency_slug: str, batch_id):
    batch = _batch(batch_id)
    form = _mapping_form(batch, request.POST)
    if form.is_valid():
        try:
            import_services.import_columns(
                agency=request.agency, actor=request.user, batch=batch, mapping=form.mapping()
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    return redirect(_step_url(batch, "values" if batch.preview.get("values") else "preview"))


@agency_view(Capability.EDIT, methods=("POST",))
def import_values(request, agency_slug: str, batch_id):
    batch = _batch(batch_id)
    form = _values_form(batch, request.agency, request.POST)
    if not form.is_valid():
        return _detail(request, batch, values_form=form)  # with the error summary
    try:
        import_services.import_values(
            agency=request.agency, actor=request.user, batch=batch, meanings=form.meanings()
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_step_url(batch, "values"))
    return redirect(_step_url(batch, "preview"))


def _step_url(batch: ImportBatch, step: str) -> str:
    url = reverse(
        "import_detail", kwargs={"agency_slug": batch.agency.slug, "batch_id": batch.public_id}
    )
    return f"{url}#{step}"


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
        messages.success(
            request, _("The import of %(file)s was cancelled.") % {"file": batch.filename}
        )
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
    """The skipped rows, each with its reasons and its cells as the file had them, to fix
    and upload on their own."""
    batch = _batch(batch_id)
    headers, rows = import_queries.skipped_rows(batch)
    content = write_csv(headers, rows)
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    stem = batch.filename.rsplit(".", 1)[0][:60] or "import"
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"{stem}-skipped-rows.csv"
    )
    return response


@agency_view(Capability.VIEW, methods=("GET",))
def import_template(request, agency_slug: str, kind: str, fmt: str):
    """A file to fill in for one kind of import, as CSV or an Excel workbook."""
    if kind not in ImportKind.values or fmt not in import_samples.FORMATS:
        raise Http404
    template = import_samples.import_template(kind, fmt)
    response = HttpResponse(template.content, content_type=template.content_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=template.filename
    )
    return response
