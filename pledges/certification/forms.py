from django import forms
from django.utils.translation import gettext


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
