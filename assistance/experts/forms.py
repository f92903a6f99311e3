from django import forms
from django.utils.translation import gettext_lazy as _

from agencies.forms import DayField
from assistance.models import Requirement
from onemind.lib.dates import PLANNED_DAYS


class ExpertForm(forms.Form):
    email = forms.EmailField(
        label=_("Email of the expert's account"),
        help_text=_("They sign in with this account; ask them to create one first."),
    )
    expertise = forms.MultipleChoiceField(
        label=_("Expertise"),
        choices=Requirement.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    access_until = DayField(
        PLANNED_DAYS,
        label=_("Access ends on"),
        help_text=_("Their access ends at the start of this day (program time)."),
    )
