from django import forms

from pledges.models import ReportFrequency


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
