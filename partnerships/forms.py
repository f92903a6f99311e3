from django import forms

from agencies.documents import AGREEMENT_TYPES
from agencies.forms import DayField, DocumentField
from agencies.names import NameFormField
from onemind.lib.dates import EXPIRY_DAYS, PAST_DAYS, PLANNED_DAYS
from partnerships.models import (
    AlternativeService,
    MentalHealthOrganization,
    PartnershipVersion,
    ProgramModel,
    ReviewCadence,
)
from partnerships.services import ORGANIZATION_FIELDS

SIGNATORY_SLOTS = 4
SIGNATORY_PARTS = ("name", "title", "organization")
# Terms a renewal or amendment starts from; its dates are its own.
CARRIED_TERMS = [
    "program_models",
    "alternative",
    "referral_criteria",
    "custody_transfer",
    "information_sharing",
    "review_cadence",
    "auto_renews",
]
DATES = ["signed_on", "effective_on", "expires_on"]


def checkboxes(choices, label: str, help_text: str = "") -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        choices=choices,
        required=False,
        label=label,
        help_text=help_text,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "usa-checkbox__input"}),
    )


class OrganizationForm(forms.ModelForm):
    services = checkboxes(
        AlternativeService.choices, "Alternatives to arrest or civil commitment it offers"
    )

    class Meta:
        model = MentalHealthOrganization
        fields = ORGANIZATION_FIELDS
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}


def text_area(label: str, help_text: str = "", required: bool = False) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=required,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class VersionForm(forms.Form):
    """The terms of one version of a partnership, its signatories and its signed document."""

    field_order = [
        "summary",
        "signed_on",
        "effective_on",
        "expires_on",
        "auto_renews",
        "program_models",
        "alternative",
    ]

    summary = text_area("What this version changes")
    program_models = checkboxes(ProgramModel.choices, "Program models")
    alternative = text_area(
        "Alternative to arrest or civil commitment",
        "What the partner provides instead of arrest or civil commitment, for example "
        "“24/7 drop-off at the crisis stabilization unit”. The pledge counts an agreement "
        "only when it names one.",
    )
    referral_criteria = text_area("Referral criteria", "Who officers may refer, and when.")
    custody_transfer = text_area(
        "How custody or responsibility passes to the clinician",
        "For example: the officer stays until the clinician accepts the person, then leaves.",
    )
    information_sharing = text_area(
        "Information-sharing terms", "What is shared and under which rules (HIPAA, 42 CFR Part 2)."
    )
    review_cadence = forms.ChoiceField(
        label="Joint review meetings",
        choices=[("", "— not agreed —"), *ReviewCadence.choices],
        required=False,
    )
    signed_on = DayField(
        PAST_DAYS,
        label="Signed on",
        required=False,
        help_text="Leave blank while the agreement is a draft.",
    )
    effective_on = DayField(PLANNED_DAYS, label="Effective from", required=False)
    expires_on = DayField(
        EXPIRY_DAYS,
        label="Expires on",
        required=False,
        help_text="The last day it is in force. Leave blank if it is open-ended.",
    )
    auto_renews = forms.BooleanField(
        label="Renews automatically unless either side ends it", required=False
    )
    document = DocumentField(
        types=AGREEMENT_TYPES,
        label="Signed agreement",
        required=False,
        help_text="PDF or Word (.docx), up to 20 MB. Needed once the agreement is signed.",
    )

    def __init__(self, *args, with_summary: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_summary:
            del self.fields["summary"]
        for slot in range(1, SIGNATORY_SLOTS + 1):
            for part in SIGNATORY_PARTS:
                self.fields[f"signatory_{slot}_{part}"] = NameFormField(
                    label=f"Signatory {slot}: {part}", max_length=200, required=False
                )

    def signatory_rows(self):
        """The signatory fields in rows of (name, title, organization), for the template."""
        return [
            [self[f"signatory_{slot}_{part}"] for part in SIGNATORY_PARTS]
            for slot in range(1, SIGNATORY_SLOTS + 1)
        ]

    # What the agreement is and who is party to it, shown before its terms.
    head = ["organization", "title"]

    def head_fields(self):
        return [self[name] for name in self.head if name in self.fields]

    def term_fields(self):
        rows = self.signatory_rows()
        names = {*self.head, "summary", "document", *(f.name for r in rows for f in r)}
        return [self[name] for name in self.fields if name not in names]

    def clean(self):
        cleaned = super().clean()
        for slot in range(1, SIGNATORY_SLOTS + 1):
            values = [cleaned.get(f"signatory_{slot}_{part}", "") for part in SIGNATORY_PARTS]
            if any(values[1:]) and not values[0]:
                self.add_error(f"signatory_{slot}_name", "Give the name of this signatory.")
        return cleaned

    def terms(self) -> dict:
        data = self.cleaned_data
        terms = {name: data[name] for name in [*CARRIED_TERMS, *DATES]}
        terms["signatories"] = [
            {part: data[f"signatory_{slot}_{part}"] for part in SIGNATORY_PARTS}
            for slot in range(1, SIGNATORY_SLOTS + 1)
        ]
        return terms

    @staticmethod
    def initial_from(version: PartnershipVersion | None, *, dates: bool) -> dict:
        """Initial values copied from an earlier version (its dates only when asked)."""
        if version is None:
            return {}
        names = [*CARRIED_TERMS, *DATES] if dates else CARRIED_TERMS
        initial = {name: getattr(version, name) for name in names}
        if dates:
            initial["summary"] = version.summary
        for slot, signatory in enumerate(version.signatories, start=1):
            for part in SIGNATORY_PARTS:
                initial[f"signatory_{slot}_{part}"] = signatory.get(part, "")
        return initial


class PartnershipForm(VersionForm):
    """A new partnership: the organization, a title and the original agreement's terms."""

    organization = forms.ModelChoiceField(
        queryset=MentalHealthOrganization.all_agencies.none(), label="Organization"
    )
    title = NameFormField(
        max_length=200, help_text="For example: “Crisis stabilization MOU”.", label="Title"
    )
    field_order = ["organization", "title", *VersionForm.field_order]

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations


class TerminationForm(forms.Form):
    on = DayField(
        PLANNED_DAYS,
        label="No longer in force from",
        help_text="The first day the partnership no longer applies.",
    )
    reason = text_area("Reason", required=True)
