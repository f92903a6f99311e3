from datetime import timedelta

from allauth.account import forms as account_forms
from allauth.account.adapter import get_adapter
from allauth.core import context as allauth_context
from allauth.core import ratelimit
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from agencies import documents, queries, services
from agencies.models import ORI_VALIDATOR, Agency, Invitation, RegionInvitation, Role
from agencies.names import NameFormField
from agencies.places import REGIONS_BY_COUNTRY, normalize_region, ori_matches_state
from agencies.regions import services as region_services
from agencies.regions.models import OnboardingInvitation
from agencies.regions.onboarding import OnboardingLinkError, onboarding_from_token
from agencies.services import AGENCY_PROFILE_FIELDS
from onemind.lib.dates import PAST_DAYS, DayRange


class AgencyProfileForm(forms.ModelForm):
    class Meta:
        model = Agency
        fields = AGENCY_PROFILE_FIELDS
        help_texts = {
            "directory_opt_in": _(
                "The public directory lists the agencies that took the pledge, so the public "
                "and other agencies can see who did: only the name, state, pledge date and "
                "whether it is certified — nothing else. Off until you turn it on; an agency "
                "appears once program staff have verified it."
            )
        }

    def clean_ori(self) -> str:
        ori = self.cleaned_data["ori"].strip().upper().replace(" ", "")
        if not ori:
            return ori
        ORI_VALIDATOR(ori)
        if Agency.objects.filter(ori=ori).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(
                "Another agency already uses this ORI. If it is yours, ask its coordinator to "
                "invite you, or contact program staff."
            )
        return ori

    def clean(self):
        cleaned = super().clean()
        country = str(cleaned.get("country", ""))
        if country and "region" in cleaned:
            try:
                cleaned["region"] = normalize_region(country, cleaned["region"])
            except ValueError as error:
                self.add_error("region", str(error))
            else:
                if country in REGIONS_BY_COUNTRY and not cleaned["region"]:
                    self.add_error("region", "Enter the agency's state or province.")
        ori, region = cleaned.get("ori"), cleaned.get("region")
        if ori and country == "US" and region and not ori_matches_state(ori, region):
            self.add_error(
                "ori", f"A US ORI starts with the state's NCIC code; this agency is in {region}."
            )
        return cleaned


class AgencyRegistrationForm(AgencyProfileForm):
    slug = forms.SlugField(
        label="Web address",
        required=False,
        max_length=80,
        help_text="The short name in your agency's pages' addresses, such as "
        "“riverside-pd”. Leave blank to make one from the name.",
    )
    confirm = forms.BooleanField(
        label="I am authorized to register this agency and coordinate its One Mind pledge.",
    )

    class Meta(AgencyProfileForm.Meta):
        fields = ["name", "slug", *AGENCY_PROFILE_FIELDS[1:]]

    def clean_slug(self) -> str:
        slug = slugify(self.cleaned_data.get("slug", ""))
        if slug and Agency.objects.filter(slug=slug).exists():
            raise forms.ValidationError(
                "That web address is already taken by another agency. Choose another."
            )
        return slug


class InvitationForm(forms.Form):
    email = forms.EmailField(label="Email address")
    role = forms.ChoiceField(
        choices=Role.choices,
        initial=Role.EDITOR,
        help_text="Coordinators manage members and sign and submit the pledge; editors keep "
        "the roster, training records and documents; viewers can only read.",
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)


def add_service_error(form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on fields where it names them."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


# A date picker that sends ISO dates, whatever the browser's locale.
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DayField(forms.DateField):
    """A date picked or typed, within its range of days: year 9999 or 0001 is a mistake to
    point out, not a date to store. Judged by the server's day with one to spare, since an
    agency's own day can be ahead of it; the service judges again by the agency's day."""

    def __init__(self, days: DayRange = PAST_DAYS, **kwargs):
        self.days = days
        kwargs.setdefault("widget", DATE_INPUT)
        super().__init__(**kwargs)

    def validate(self, value) -> None:
        super().validate(value)
        today = timezone.localdate() + timedelta(days=1)
        if value is not None and (problem := self.days.problem(value, today)):
            raise ValidationError(f"{problem}.", code="out_of_range")


class DocumentField(forms.FileField):
    """A file upload checked by `agencies.documents`; cleans to a CheckedUpload."""

    def __init__(self, *, types, **kwargs):
        self.types = types
        kwargs.setdefault("help_text", f"{documents.accepted_list(types)}, up to 20 MB.")
        extensions = ",".join(e for t in types for e in t.extensions)
        kwargs.setdefault("widget", forms.FileInput(attrs={"accept": extensions}))
        super().__init__(allow_empty_file=True, **kwargs)  # documents says which file is empty

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        return documents.check_upload(upload, self.types) if upload else None


# Accounts (allauth's forms, named in ACCOUNT_FORMS)


def _open_invitation(token: str) -> Invitation | RegionInvitation | None:
    """The invitation a sign-up link carries — to an agency, or to a region's team — while it
    can still be accepted. The two are signed apart, so a token is only ever one of them."""
    if not token:
        return None
    try:
        invitation = services.invitation_from_token(token)
    except services.InvitationError:
        try:
            invitation = region_services.region_invitation_from_token(token)
        except region_services.RegionInvitationError:
            return None
    return invitation if invitation.state == "open" else None


def _open_onboarding(token: str) -> OnboardingInvitation | None:
    """A region's invitation to register an agency that a sign-up link carries, while open."""
    if not token:
        return None
    try:
        invitation = onboarding_from_token(token)
    except OnboardingLinkError:
        return None
    return invitation if invitation.status == "open" else None


class AccountNameForm(forms.Form):
    """The name an account goes by in members lists and email greetings: asked at sign-up,
    changed under My account. One name is enough; the last may stay blank."""

    first_name = NameFormField(
        label=_("First name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = NameFormField(
        label=_("Last name"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )


class SignupForm(AccountNameForm, account_forms.SignupForm):
    """allauth's sign-up, asking the person's name.

    Followed from an invitation (`?invitation=<token>`, kept in a hidden field) — to join an
    agency or a region's team, or from a region to register an agency — the address is the
    invited one and cannot be changed: the signed link went to that mailbox, so it confirms
    the address as a confirmation email would, and the invitee is signed in at once.
    Another address typed or posted in its place is ignored, so nobody gets a confirmed
    address they never received mail at.

    An address another account merely added and never confirmed does not count as taken:
    its owner signs up with it, and the other account loses it. Anyone could otherwise add
    someone's address to their own account and keep its owner from ever signing up or
    accepting an invitation."""

    invitation = forms.CharField(widget=forms.HiddenInput, required=False)
    invited_to = ""  # the agency's or region's name, when followed from an invitation to join
    field_order = ["first_name", "last_name", "email", "password1", "password2"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = allauth_context.request
        if not self.is_bound and request is not None:
            self.initial.setdefault("invitation", request.GET.get("invitation", ""))
        token = self["invitation"].value() or ""
        self.invited = _open_invitation(token)
        self.onboarding = None if self.invited else _open_onboarding(token)
        invited = self.invited or self.onboarding
        self.invited_email = invited.email if invited is not None else ""
        if self.invited is not None:
            # What the invitation is to, for the page: a region's team, or an agency.
            self.invited_to = (
                self.invited.region
                if isinstance(self.invited, RegionInvitation)
                else self.invited.agency
            ).name
        if self.invited_email:
            # Set on the form's initial data too: it outranks the field's, and allauth fills
            # it from `?email=` in the address.
            self.initial["email"] = self.invited_email
            self.fields["email"].disabled = True
            self.fields["email"].help_text = _(
                "The address your invitation was sent to. The invitation confirms it."
            )

    def validate_unique_email(self, value: str) -> str:
        if queries.email_in_use(value):
            return super().validate_unique_email(value)
        self.account_already_exists = False
        return get_adapter().validate_unique_email(value)

    def save(self, request):
        email = self.cleaned_data["email"]
        if self.invited_email:
            # allauth marks the address it finds stashed confirmed as it creates the account.
            get_adapter().stash_verified_email(request, self.invited_email)
        if services.email_address_release(email=email, reason="signed up"):
            # The pause between confirmation emails to one address counted the other
            # account's; the owner's own confirmation goes out now.
            ratelimit.clear(request, action="confirm_email", key=email.lower())
        return super().save(request)


class ResetPasswordForm(account_forms.ResetPasswordForm):
    """A reset link goes only to the accounts an address signs in to (its sign-in address,
    or one it confirmed), never to an account that merely added someone else's address."""

    def clean_email(self) -> str:
        email = super().clean_email()
        self.users = [user for user in self.users if queries.email_belongs_to(user, email)]
        return email
