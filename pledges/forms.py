from django import forms

from agencies.documents import AGREEMENT_TYPES
from agencies.forms import DayField, DocumentField
from agencies.names import NameFormField
from onemind.lib.dates import PAST_DAYS, PLANNED_DAYS
from pledges.models import POLICY_ELEMENTS, CrisisPolicy
from pledges.services import POLICY_FIELDS, pledge_window


class PolicyForm(forms.ModelForm):
    adopted_on = DayField(PAST_DAYS, label="Adopted")
    effective_on = DayField(PLANNED_DAYS, label="Effective from")
    document = DocumentField(
        types=AGREEMENT_TYPES,
        label="Policy document",
        required=False,
        help_text="PDF or Word (.docx), up to 20 MB.",
    )

    class Meta:
        model = CrisisPolicy
        fields = POLICY_FIELDS
        widgets = {"change_summary": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, previous: CrisisPolicy | None, **kwargs):
        super().__init__(*args, **kwargs)
        for name, _ in POLICY_ELEMENTS:
            self.fields[name].help_text = "Section or page."
        if previous is None:
            del self.fields["change_summary"]
            self.fields["document"].required = True
        else:
            self.fields[
                "document"
            ].help_text = (
                f"PDF or Word (.docx), up to 20 MB. Leave empty to keep “{previous.document}”."
            )

    def element_fields(self):
        return [self[name] for name, _ in POLICY_ELEMENTS]

    def other_fields(self):
        elements = {name for name, _ in POLICY_ELEMENTS}
        return [self[name] for name in self.fields if name not in elements]


class PledgeForm(forms.Form):
    chief_name = NameFormField(label="Chief executive's name", max_length=200)
    chief_title = NameFormField(
        label="Chief executive's title", max_length=200, help_text="For example: Chief of Police."
    )
    target_date = DayField(PLANNED_DAYS, label="Target date")
    signature = NameFormField(
        label="Your signature",
        max_length=200,
        help_text="Type your full name. It is recorded with the time and your network address.",
    )
    affirmed = forms.BooleanField(required=True)

    def __init__(self, *args, agency_name: str, rules, earliest, latest, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["affirmed"].label = (
            f"I affirm that {agency_name} pledges to complete the four requirements of the "
            "One Mind Campaign by the target date, and that I may sign for it."
        )
        self.fields["target_date"].help_text = pledge_window(rules, earliest, latest)
        self.fields["target_date"].widget.attrs.update(
            min=earliest.isoformat(), max=latest.isoformat()
        )


class WithdrawForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Reason")
