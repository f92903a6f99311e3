from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from agencies.documents import EVIDENCE_TYPES
from agencies.forms import DayField, DocumentField
from agencies.models import Agency
from training.forms import hours_field
from training.models import COMPLETION_DAYS, Course
from training.regional.attendee_lists import (
    MAX_ATTENDEE_FILE_BYTES,
    AttendeeList,
    read_attendee_list,
)
from training.regional.services import Attendee

# Row errors shown at once; the count of the rest is said after them.
SHOWN_ROW_ERRORS = 30
# Attendee rows the page offers, and the most it offers when asked for more.
ATTENDEE_ROWS = 8
MAX_ATTENDEE_FORM_ROWS = 100


class RegionalClassForm(forms.Form):
    course = forms.ModelChoiceField(queryset=Course.objects.none())
    completed_on = DayField(COMPLETION_DAYS, label=gettext_lazy("Class date"))
    instructor = forms.CharField(label=gettext_lazy("Instructor"), max_length=200)
    hours = hours_field()
    attendance_sheet = DocumentField(
        types=EVIDENCE_TYPES,
        label=gettext_lazy("Signed attendance sheet"),
        help_text=gettext_lazy(
            "Kept once, as the evidence on every attendee's record in their own agency: "
            "PDF, PNG or JPEG, up to 20 MB."
        ),
    )
    attendee_list = forms.FileField(
        label=gettext_lazy("Attendee list (optional)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
        help_text=gettext_lazy(
            "A CSV file or Excel workbook (.xlsx) with a row per attendee and columns for the "
            "agency (its ORI or name), employee ID, first name and last name. Its attendees "
            "are added to the rows below."
        ),
    )

    def __init__(self, *args, courses, members: list[Agency], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = courses
        self.members = members

    def clean_attendee_list(self) -> AttendeeList:
        upload = self.cleaned_data.get("attendee_list")
        if not upload:
            return AttendeeList()
        if upload.size > MAX_ATTENDEE_FILE_BYTES:
            raise forms.ValidationError(
                _("The attendee list is larger than %(size)d MB; a class's list is far smaller.")
                % {"size": MAX_ATTENDEE_FILE_BYTES // 2**20}
            )
        listed = read_attendee_list(upload.read(), upload.name or "", self.members)
        if listed.errors:
            shown, more = listed.errors[:SHOWN_ROW_ERRORS], len(listed.errors) - SHOWN_ROW_ERRORS
            if more > 0:
                shown.append(
                    ngettext("… and %(count)d more row.", "… and %(count)d more rows.", more)
                    % {"count": more}
                )
            raise forms.ValidationError(shown)
        return listed


class AttendeeRowForm(forms.Form):
    """One attendee entered by hand; a row left blank is no attendee."""

    agency = forms.ModelChoiceField(
        queryset=Agency.objects.none(), required=False, label=gettext_lazy("Agency")
    )
    employee_id = forms.CharField(label=gettext_lazy("Employee ID"), max_length=64, required=False)
    first_name = forms.CharField(label=gettext_lazy("First name"), max_length=100, required=False)
    last_name = forms.CharField(label=gettext_lazy("Last name"), max_length=100, required=False)

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = members

    def clean(self):
        cleaned = super().clean()
        if not any(cleaned.get(name) for name in self.fields):
            return cleaned
        required = {
            "agency": _("Choose the attendee's agency."),
            "employee_id": _("Enter the attendee's employee ID."),
            "last_name": _("Enter the attendee's last name."),
        }
        for name, message in required.items():
            if not cleaned.get(name) and name not in self.errors:
                self.add_error(name, message)
        return cleaned

    def attendee(self) -> Attendee | None:
        data = self.cleaned_data
        if not data.get("agency"):
            return None
        return Attendee(
            agency=data["agency"],
            employee_id=data["employee_id"].strip(),
            first_name=data["first_name"].strip(),
            last_name=data["last_name"].strip(),
        )


AttendeeRows = forms.formset_factory(AttendeeRowForm, extra=0, max_num=MAX_ATTENDEE_FORM_ROWS)


class AttendeeDecisionForm(forms.Form):
    """Confirm a pending attendee as a person on the roster, or reject them."""

    decision = forms.ChoiceField(
        choices=[
            ("confirm", gettext_lazy("Confirm: this is the person chosen")),
            ("reject", gettext_lazy("Reject: not one of our people")),
        ],
        widget=forms.RadioSelect,
        label=gettext_lazy("Decision"),
    )
    person = forms.UUIDField(required=False, label=gettext_lazy("Person on the roster"))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "confirm" and not cleaned.get("person"):
            self.add_error("person", _("Choose the person on the roster who attended."))
        return cleaned
