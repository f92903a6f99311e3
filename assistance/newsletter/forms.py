"""Forms of newsletters and spotlights."""

from django import forms
from django.utils.translation import gettext_lazy as _

from assistance.models import Event, Resource, Status
from assistance.newsletter import queries

MARKDOWN_HELP = _(
    "Markdown: **bold**, *italic*, [a link](https://example.org), lists, tables. HTML is "
    "shown as text; images only from this site."
)


class NewsletterForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=200)
    intro = forms.CharField(
        label=_("Introduction"),
        required=False,
        help_text=MARKDOWN_HELP,
        widget=forms.Textarea(attrs={"rows": 10}),
    )


class ItemAddForm(forms.Form):
    """One thing to add: a resource, an event or a spotlight, chosen from a list."""

    resource = forms.ModelChoiceField(
        label=_("Resource"),
        queryset=Resource.objects.filter(status=Status.PUBLISHED).order_by("title"),
        to_field_name="public_id",
        required=False,
    )
    event = forms.ModelChoiceField(
        label=_("Event"),
        queryset=Event.objects.filter(status=Status.PUBLISHED).order_by("-starts_at"),
        to_field_name="public_id",
        required=False,
    )
    spotlight = forms.ModelChoiceField(
        label=_("Spotlight"),
        queryset=queries.public_spotlights(),
        to_field_name="public_id",
        required=False,
    )

    def clean(self):
        cleaned = super().clean()
        chosen = [name for name in ("resource", "event", "spotlight") if cleaned.get(name)]
        if len(chosen) != 1:
            raise forms.ValidationError(_("Choose one resource, one event or one spotlight."))
        return cleaned


class SendForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I have read the preview: send this issue to everyone who subscribed.")
    )


class SubscriptionForm(forms.Form):
    subscribed = forms.BooleanField(
        label=_("Send me the One Mind newsletter (resources, events and agencies' stories)"),
        required=False,
    )


class ConsentForm(forms.Form):
    consented = forms.BooleanField(
        label=_("Program staff may feature our agency in a public spotlight and in the newsletter"),
        required=False,
    )


class SpotlightForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Story"), help_text=MARKDOWN_HELP, widget=forms.Textarea(attrs={"rows": 12})
    )
    published = forms.BooleanField(
        label=_("Published (shown while the agency consents and stays certified)"),
        required=False,
    )


class SpotlightCreateForm(SpotlightForm):
    agency = forms.ModelChoiceField(
        label=_("Agency"),
        help_text=_("Certified agencies that agreed to be featured."),
        queryset=queries.spotlight_candidates(),
        to_field_name="public_id",
    )

    field_order = ["agency", "title", "body", "published"]
