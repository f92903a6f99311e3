from django import forms
from django.utils.translation import gettext_lazy as _

from agencies.names import NameFormField
from agencies.tokens.models import TokenScope
from agencies.tokens.services import VALID_DAYS


class TokenForm(forms.Form):
    name = NameFormField(
        label=_("Name"),
        max_length=100,
        help_text=_("What uses it, for example “RMS nightly sync”."),
    )
    scopes = forms.MultipleChoiceField(
        label=_("What it may do"),
        choices=TokenScope.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[TokenScope.READ],
    )
    valid_days = forms.TypedChoiceField(
        label=_("Valid for"),
        coerce=int,
        choices=[(days, _("%(days)s days") % {"days": days}) for days in VALID_DAYS],
        initial=90,
    )
