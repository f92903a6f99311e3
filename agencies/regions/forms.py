from django import forms
from django.utils.translation import gettext_lazy as _

from agencies.models import ORI_VALIDATOR
from agencies.places import normalize_region
from agencies.regions.models import Region, RegionRole, Sharing
from agencies.regions.services import REGION_PROFILE_FIELDS


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


class RegionProfileForm(forms.ModelForm):
    """Who the region is: what program staff verify."""

    class Meta:
        model = Region
        fields = REGION_PROFILE_FIELDS

    def clean(self):
        cleaned = super().clean()
        country = str(cleaned.get("country", ""))
        if country and "state" in cleaned:
            try:
                cleaned["state"] = normalize_region(country, cleaned["state"])
            except ValueError as error:
                self.add_error("state", str(error))
        return cleaned


class RegionRegistrationForm(RegionProfileForm):
    confirm = forms.BooleanField(
        label=_(
            "I am authorized to register this collaborative and coordinate its work in the "
            "One Mind Pledge Tracker."
        ),
    )


class RegionCreateForm(RegionProfileForm):
    """Program staff create a region and invite its first coordinator."""

    coordinator_email = forms.EmailField(
        label=_("First coordinator's email address"),
        help_text=_(
            "We email them an invitation to the region's team as its coordinator; it works "
            "once, for 7 days, and only for this address."
        ),
    )


class RegionInvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))
    role = forms.ChoiceField(
        choices=RegionRole.choices,
        initial=RegionRole.VIEWER,
        help_text=_(
            "Region coordinators invite agencies and people and change the region's details; "
            "region viewers can only read."
        ),
    )


class RegionRoleForm(forms.Form):
    role = forms.ChoiceField(choices=RegionRole.choices)


class AgencySearchForm(forms.Form):
    """Find a registered agency to ask: by its ORI, or by its name and state."""

    ori = forms.CharField(label=_("ORI"), max_length=20, required=False)
    name = forms.CharField(label=_("Agency name, or part of it"), max_length=200, required=False)
    state = forms.CharField(
        label=_("State or province"),
        max_length=100,
        required=False,
        help_text=_("Two-letter code, for example VA or ON."),
    )

    def clean_ori(self) -> str:
        ori = self.cleaned_data["ori"].strip().upper().replace(" ", "")
        if ori:
            ORI_VALIDATOR(ori)
        return ori

    def clean_state(self) -> str:
        return self.cleaned_data["state"].strip().upper()

    def clean(self):
        cleaned = super().clean()
        name = cleaned.get("name", "").strip()
        cleaned["name"] = name
        if not self.errors and not cleaned.get("ori") and len(name) < 2:
            raise forms.ValidationError(
                _("Enter the agency's ORI, or at least two letters of its name."),
                code="nothing_to_find",
            )
        return cleaned
