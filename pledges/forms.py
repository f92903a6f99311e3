from django import forms
from django.utils.translation import gettext

from agencies.documents import AGREEMENT_TYPES
from agencies.forms import DayField, DocumentField
from agencies.names import NameFormField
from onemind.lib.dates import PAST_DAYS, PLANNED_DAYS
from pledges.models import POLICY_ELEMENTS, CrisisPolicy, ProgramRules, ReportFrequency
from pledges.services import POLICY_FIELDS, RULES_FIELDS, pledge_window


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


class RulesForm(forms.ModelForm):
    effective_on = DayField(PLANNED_DAYS, label="Takes effect")

    class Meta:
        model = ProgramRules
        fields = RULES_FIELDS
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", "Approve and certify"), ("return", "Return for changes")],
        widget=forms.RadioSelect(attrs={"class": "usa-radio__input"}),
        label="Decision",
    )
    partnership = forms.CharField(
        label="Comment on the partnership", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    policy = forms.CharField(
        label="Comment on the policy", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    cit = forms.CharField(
        label="Comment on CIT training", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    coverage = forms.CharField(
        label="Comment on training coverage",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, can_approve: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_approve:
            # An agency staff have not verified can only be returned (the page says why).
            decision = self.fields["decision"]
            decision.choices = [("return", "Return for changes")]
            decision.error_messages["invalid_choice"] = gettext(
                "The agency is not verified, so it cannot be approved. Verify the agency first."
            )

    def comments(self) -> dict[str, str]:
        keys = ("partnership", "policy", "cit", "coverage")
        return {k: self.cleaned_data[k] for k in keys if self.cleaned_data.get(k)}


class EmailPreferenceForm(forms.Form):
    progress_report = forms.ChoiceField(
        choices=ReportFrequency.choices,
        widget=forms.RadioSelect(attrs={"class": "usa-radio__input"}),
        label="Progress report, with the PDF attached",
    )
    reminders = forms.BooleanField(
        required=False,
        label="Reminders and notices",
        help_text="Target date nearing; a partnership or people's training about to expire; "
        "a submission returned; a certificate issued.",
    )


class DigestForm(forms.Form):
    weekly_digest = forms.BooleanField(
        required=False,
        label="Send me the weekly program digest",
        help_text="The review queue, the week's new pledges and the agencies at risk.",
    )
