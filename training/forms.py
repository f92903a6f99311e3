import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from agencies.documents import EVIDENCE_TYPES
from agencies.forms import DayField, DocumentField
from onemind.lib.dates import PAST_DAYS
from onemind.lib.tables import MAX_ROWS
from training.imports.services import MAX_FILE_BYTES
from training.models import (
    COMPLETION_DAYS,
    Course,
    CourseKind,
    ImportKind,
    Person,
    Status,
)
from training.services import PERSON_FIELDS


def hours_field() -> forms.DecimalField:
    return forms.DecimalField(
        max_digits=5,
        decimal_places=1,
        min_value=0,
        required=False,
        help_text="Leave blank to use the course's hours.",
    )


class PersonForm(forms.ModelForm):
    hire_date = DayField(PAST_DAYS, label="Hire date", required=False)

    class Meta:
        model = Person
        fields = PERSON_FIELDS

    def clean_employee_id(self) -> str:
        return self.cleaned_data["employee_id"].strip()


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=Status.choices)
    since = DayField(PAST_DAYS, label="Since", initial=timezone.localdate)


class RecordForm(forms.Form):
    course = forms.ModelChoiceField(queryset=Course.objects.none())
    completed_on = DayField(COMPLETION_DAYS, label="Completed on")
    hours = hours_field()
    credential_number = forms.CharField(
        label="Certificate or credential number", max_length=100, required=False
    )
    evidence = DocumentField(
        types=EVIDENCE_TYPES,
        label="Certificate (optional)",
        required=False,
        help_text="A scan or photo of the certificate: PDF, PNG or JPEG, up to 20 MB.",
    )

    def __init__(self, *args, courses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = courses


class ClassForm(forms.Form):
    course = forms.ModelChoiceField(queryset=Course.objects.none())
    completed_on = DayField(COMPLETION_DAYS, label="Class date")
    hours = hours_field()
    attendees = forms.ModelMultipleChoiceField(
        queryset=Person.all_agencies.none(),  # set per agency in __init__
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Attendees",
    )
    employee_ids = forms.CharField(
        label="Or paste employee IDs",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="From a sign-in sheet: one per line, or separated by commas or spaces.",
    )
    sign_in_sheet = DocumentField(
        types=EVIDENCE_TYPES,
        label="Signed attendance sheet (optional)",
        required=False,
        help_text="Kept as every new record's evidence: PDF, PNG or JPEG, up to 20 MB.",
    )

    def __init__(self, *args, courses, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = courses
        self.fields["attendees"].queryset = people
        self._people = people

    def clean(self):
        cleaned = super().clean()
        ids = [i for i in re.split(r"[\s,;]+", cleaned.get("employee_ids", "")) if i]
        pasted = list(self._people.filter(employee_id__in=ids))
        unknown = sorted(set(ids) - {p.employee_id for p in pasted})
        if unknown:
            listed, more = ", ".join(unknown[:20]), len(unknown) - 20
            self.add_error(
                "employee_ids",
                ngettext(
                    "Not on the active roster: %(ids)s and %(count)d more",
                    "Not on the active roster: %(ids)s and %(count)d more",
                    more,
                )
                % {"ids": listed, "count": more}
                if more > 0
                else _("Not on the active roster: %(ids)s") % {"ids": listed},
            )
        chosen = {p.pk: p for p in [*cleaned.get("attendees", []), *pasted]}
        if not chosen and not self.errors:
            self.add_error("attendees", "Tick at least one attendee, or paste employee IDs.")
        cleaned["people"] = list(chosen.values())
        return cleaned


class EvidenceForm(forms.Form):
    evidence = DocumentField(
        types=EVIDENCE_TYPES,
        label="Certificate",
        help_text="A scan or photo of the certificate: PDF, PNG or JPEG, up to 20 MB.",
    )


class CourseProposalForm(forms.ModelForm):
    kind = forms.ChoiceField(
        choices=[
            (CourseKind.CIT_EQUIVALENT, "Equivalent to CIT"),
            (CourseKind.MHFA_EQUIVALENT, "Equivalent to MHFA"),
        ],
        label="Proposed as",
    )

    class Meta:
        model = Course
        fields = ["name", "kind", "hours", "validity_months", "provider", "description"]


class CourseDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "Approve"), ("reject", "Reject")])
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Required to reject: the agency sees it.",
    )


class ImportUploadForm(forms.Form):
    """The file to import and what it holds; `kind` (from a link such as "next: import
    your training records") chooses the kind first, where it names one."""

    kind = forms.ChoiceField(
        choices=ImportKind.choices,
        widget=forms.RadioSelect,
        label=_("What the file holds"),
        initial=ImportKind.ROSTER,
    )
    file = forms.FileField(
        label=_("File"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,.txt"}),
    )

    def __init__(self, *args, kind: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if kind in ImportKind.values:
            self.fields["kind"].initial = kind
        self.fields["file"].help_text = _(
            "A CSV file or an Excel workbook (.xlsx), up to %(size)d MB and %(rows)s rows, "
            "with a row of column names."
        ) % {"size": MAX_FILE_BYTES // 1048576, "rows": f"{MAX_ROWS:,}"}


class ImportMappingForm(forms.Form):
    """For each field of the import, which of the file's columns holds it."""

    def __init__(self, *args, columns, headers, initial_mapping, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("— not in this file —")), *[(h, h) for h in headers if h]]
        for column in columns:
            self.fields[column.field] = forms.ChoiceField(
                label=column.label,
                choices=choices,
                required=False,
                initial=initial_mapping.get(column.field, ""),
                help_text=_("Required.") if column.required else "",
            )
        self.column_fields = [c.field for c in columns]

    def mapping(self) -> dict[str, str]:
        return {f: self.cleaned_data[f] for f in self.column_fields if self.cleaned_data[f]}


class ImportValuesForm(forms.Form):
    """The values (or courses) step: what each distinct value of the file means. One
    field per value line, named by its place in the step ("line-3")."""

    def __init__(self, *args, lines: list[dict], options: dict[str, list[tuple[str, str]]],
                 **kwargs):  # fmt: skip
        super().__init__(*args, **kwargs)
        self.lines = lines
        for number, line in enumerate(lines):
            self.fields[f"line-{number}"] = forms.ChoiceField(
                label=line["shown"],
                choices=[("", _("— choose —")), *options[line["field"]]],
                initial=line["meaning"],
                error_messages={
                    "required": _("Choose what “%(value)s” means.") % {"value": line["shown"]}
                },  # fmt: skip
            )

    def meanings(self) -> dict[int, str]:
        return {number: self.cleaned_data[f"line-{number}"] for number in range(len(self.lines))}
