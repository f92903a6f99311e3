from django import forms
from django.utils.translation import gettext_lazy as _


class RegionDigestForm(forms.Form):
    monthly_digest = forms.BooleanField(
        required=False,
        label=_("Send me the region's monthly digest"),
        help_text=_(
            "The member agencies' totals, those at risk of missing their target date and "
            "those whose target date is near."
        ),
    )
