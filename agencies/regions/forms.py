from django import forms
from django.utils.translation import gettext_lazy as _

from agencies.regions.models import Sharing


class SharingForm(forms.Form):
    sharing = forms.ChoiceField(
        label=_("What the region may see"),
        choices=Sharing.choices,
        initial=Sharing.PROGRESS,
        widget=forms.RadioSelect,
        help_text=_(
            "Progress is your requirement status, figures, target date and pace. Progress and "
            "roster adds your people's names and training. You can change this or leave the "
            "region at any time; the region sees the change at once."
        ),
    )
