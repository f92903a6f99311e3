import re

from django import forms
from django.utils.translation import gettext_lazy as _

from agencies.models import Role
from agencies.sso.provider import allowed_url

DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


class ConnectionForm(forms.Form):
    issuer = forms.URLField(
        label=_("Issuer URL"),
        max_length=500,
        assume_scheme="https",
        help_text=_(
            "Your identity provider's issuer, for example https://login.microsoftonline.com/"
            "your-tenant-id/v2.0. Its settings are read from /.well-known/openid-configuration "
            "under it."
        ),
    )
    client_id = forms.CharField(label=_("Client ID"), max_length=191)
    client_secret = forms.CharField(
        label=_("Client secret"),
        max_length=191,
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_("Leave empty to keep the secret already saved."),
    )
    domains = forms.CharField(
        label=_("Allowed email domains"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One a line, for example springfield-pd.gov. Only people whose address is at one "
            "of these domains may sign in through your provider."
        ),
    )
    default_role = forms.ChoiceField(
        label=_("Role of new members"),
        choices=[
            (Role.VIEWER, _("Viewer: sees the agency's records")),
            (Role.EDITOR, _("Editor: also keeps the roster, records and documents")),
            (Role.COORDINATOR, _("Coordinator: also manages members and settings")),
        ],
        initial=Role.VIEWER,
        widget=forms.RadioSelect,
    )
    coordinator_reason = forms.CharField(
        label=_("Why everyone who signs in should be a coordinator"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed only for the coordinator role; program staff read it."),
    )
    trust_domain_emails = forms.BooleanField(
        label=_(
            "My provider owns every address in these domains (for providers that send no "
            "email_verified claim, such as Microsoft Entra ID)"
        ),
        required=False,
    )

    def clean_issuer(self):
        issuer = self.cleaned_data["issuer"]
        if not allowed_url(issuer):
            raise forms.ValidationError(
                _("The issuer URL must start with https:// and name a public address.")
            )
        return issuer

    def clean_domains(self):
        domains = [
            d.strip().lower().lstrip("@")
            for d in re.split(r"[\s,;]+", self.cleaned_data["domains"])
            if d.strip()
        ]
        wrong = [d for d in domains if not DOMAIN.match(d)]
        if wrong:
            raise forms.ValidationError(
                _("These are not email domains: %(wrong)s.") % {"wrong": ", ".join(wrong)}
            )
        if not domains:
            raise forms.ValidationError(_("Enter at least one email domain."))
        return domains


class StartForm(forms.Form):
    email = forms.EmailField(
        label=_("Your work email address"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)
