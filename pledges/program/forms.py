from django import forms

from agencies.forms import DayField
from onemind.lib.dates import PLANNED_DAYS
from pledges.models import ProgramRules
from pledges.services import RULES_FIELDS


class RulesForm(forms.ModelForm):
    effective_on = DayField(PLANNED_DAYS, label="Takes effect")

    class Meta:
        model = ProgramRules
        fields = RULES_FIELDS
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
