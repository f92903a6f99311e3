from django import forms

from agencies.documents import AGREEMENT_TYPES
from agencies.forms import DocumentField
from pledges.models import POLICY_ELEMENTS, CrisisPolicy
from pledges.services import POLICY_FIELDS

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PolicyForm(forms.ModelForm):
    document = DocumentField(
        types=AGREEMENT_TYPES,
        label="Policy document",
        required=False,
        help_text="PDF or Word (.docx), up to 20 MB.",
    )

    class Meta:
        model = CrisisPolicy
        fields = POLICY_FIELDS
        widgets = {
            "adopted_on": DATE_INPUT,
            "effective_on": DATE_INPUT,
            "change_summary": forms.Textarea(attrs={"rows": 3}),
        }

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
