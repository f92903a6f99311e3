from django import forms

from agencies.forms import DayField
from agencies.models import Agency
from agencies.names import NameFormField
from onemind.lib.dates import PLANNED_DAYS
from partnerships.forms import PartnershipForm, VersionForm, text_area
from partnerships.models import OrganizationType


def parties_field(agencies, help_text: str) -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        queryset=agencies,
        label="Other parties",
        help_text=help_text,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "usa-checkbox__input"}),
        error_messages={"required": "Choose at least one other agency that is a party."},
    )


class SharedPartnershipForm(PartnershipForm):
    """A partnership the agency shares with other agencies of its regions: it is the lead."""

    head = ["organization", "title", "parties"]
    field_order = ["organization", "title", "parties", *VersionForm.field_order]

    def __init__(self, *args, fellows, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parties"] = parties_field(
            fellows,
            "Agencies of your regions that signed the same agreement. Each one's coordinator "
            "confirms it before it counts for that agency.",
        )


class RegionPartnershipForm(VersionForm):
    """A partnership a region records for its member agencies, kept by the lead among them."""

    head = ["lead", "parties", "organization_name", "organization_type", "title"]
    field_order = [*head, *VersionForm.field_order]

    lead = forms.ModelChoiceField(
        queryset=Agency.objects.none(),
        label="Lead agency",
        help_text="The party that keeps the agreement on record; its people record renewals "
        "and amendments.",
    )
    organization_name = NameFormField(
        max_length=200,
        label="Mental-health organization",
        help_text="Its name as the lead agency lists it; added to the lead's list if new.",
    )
    organization_type = forms.ChoiceField(
        label="Type of organization", choices=OrganizationType.choices
    )
    title = NameFormField(
        max_length=200, help_text="For example: “County crisis partnership MOU”.", label="Title"
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = members
        self.fields["parties"] = parties_field(
            members,
            "Every other member agency that signed it. Each one's coordinator (the lead's too) "
            "confirms it before it counts for that agency.",
        )


ANSWERS = [
    ("confirm", "Confirm: our agency is a party to this agreement"),
    ("decline", "Decline: our agency is not a party to it"),
]


class PartyAnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label="Your agency's answer",
        choices=ANSWERS,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether your agency confirms or declines."},
    )
    reason = text_area("Reason, if your agency declines")


class PartyLeaveForm(forms.Form):
    on = DayField(
        PLANNED_DAYS,
        label="No longer applies to our agency from",
        help_text="The first day the agreement no longer applies to your agency.",
    )
    reason = text_area("Reason", required=True)
