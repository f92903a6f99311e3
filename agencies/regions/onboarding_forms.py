"""Forms of a region's onboarding page: one agency by email, or a list of them. The rows are
checked by `agencies.regions.onboarding_rows`, the same way for both."""

from django import forms
from django.utils.translation import gettext_lazy as _

from agencies.names import NameFormField
from agencies.regions.models import Region
from agencies.regions.onboarding_rows import MAX_LIST_BYTES, MAX_LIST_ROWS


class OnboardingInviteForm(forms.Form):
    prefix = "one"

    agency_name = NameFormField(label=_("Agency name"), max_length=200)
    ori = forms.CharField(
        label=_("ORI"),
        max_length=12,
        required=False,
        help_text=_("The agency's 9-character NCIC identifier, if you know it (VA0010000)."),
    )
    state = forms.CharField(label=_("State or province"), max_length=100, required=False)
    email = forms.EmailField(
        label=_("Coordinator's email address"),
        help_text=_("The person who will register the agency and coordinate its pledge."),
    )

    def __init__(self, *args, region: Region, **kwargs):
        super().__init__(*args, **kwargs)
        if region.state:
            self.fields["state"].initial = region.state
            self.fields["state"].help_text = _(
                "Two-letter code; left blank, the region's own (%(state)s)."
            ) % {"state": region.state}
        else:
            self.fields["state"].help_text = _("Two-letter code (for example VA, ON).")


class OnboardingListForm(forms.Form):
    prefix = "list"

    file = forms.FileField(
        label=_("List of agencies"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "A CSV file or an Excel workbook (.xlsx), up to %(size)d MB and %(rows)s agencies, "
            "with a row of column names: Agency, ORI, State and Coordinator email."
        ) % {"size": MAX_LIST_BYTES // 1048576, "rows": f"{MAX_LIST_ROWS:,}"}


class ListConfirmForm(forms.Form):
    confirmation = forms.CharField(widget=forms.HiddenInput)
