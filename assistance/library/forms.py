"""Forms of the library: the staff's resource and event forms, and the public filters."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django import forms
from django.utils.translation import gettext_lazy as _

from agencies.documents import AGREEMENT_TYPES
from agencies.forms import DATE_INPUT, DocumentField
from assistance.models import (
    TIME_ZONES,
    Audience,
    Event,
    EventKind,
    Requirement,
    Resource,
    ResourceKind,
    Status,
    Topic,
)

LOCAL_TIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _checkboxes(choices, label) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        choices=choices,
        required=False,
        label=label,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "usa-checkbox__input"}),
    )


class ResourceForm(forms.ModelForm):
    """A resource: what it is, what it helps with, and a link or a file."""

    topics = forms.ModelMultipleChoiceField(
        queryset=Topic.objects.order_by("name"),
        required=False,
        label=_("Topics"),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "usa-checkbox__input"}),
    )
    requirements = _checkboxes(Requirement.choices, _("Requirements it helps with"))
    audiences = _checkboxes(Audience.choices, _("Written for"))
    upload = DocumentField(
        types=AGREEMENT_TYPES,
        label=_("File"),
        required=False,
        help_text=_("PDF or Word (.docx), up to 20 MB, instead of a link."),
    )

    class Meta:
        model = Resource
        fields = ["title", "summary", "kind", "status", "url", "published_on", "updated_on"]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 4}),
            "published_on": DATE_INPUT,
            "updated_on": DATE_INPUT,
        }
        help_texts = {
            "url": _("Where the resource is, or upload a file below."),
            "status": _("Only published resources are public. Retire one rather than delete it."),
        }

    field_order = [
        "title",
        "summary",
        "kind",
        "topics",
        "requirements",
        "audiences",
        "url",
        "upload",
        "published_on",
        "updated_on",
        "status",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["topics"] = list(self.instance.topics.all())
            self.initial["requirements"] = [r.requirement for r in self.instance.requirements.all()]
            self.initial["audiences"] = [a.audience for a in self.instance.audiences.all()]
            if self.instance.file:
                self.fields["upload"].help_text = _(
                    "Now: %(name)s. Upload another PDF or Word (.docx) file to replace it."
                ) % {"name": self.instance.filename}

    def clean(self):
        cleaned = super().clean()
        has_file = cleaned.get("upload") is not None or bool(self.instance.file)
        if cleaned.get("url") and cleaned.get("upload") is not None:
            self.add_error("url", _("Give a link or upload a file, not both."))
        elif not cleaned.get("url") and not has_file and "url" not in self.errors:
            self.add_error("url", _("Give a link to the resource, or upload its file."))
        return cleaned

    def _post_clean(self):
        """The service validates the resource once its file is stored; not here."""

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        arguments = {name: data[name] for name in self.Meta.fields}
        arguments.update(
            topics=list(data["topics"]),
            requirements=data["requirements"],
            audiences=data["audiences"],
            upload=data["upload"],
        )
        return arguments


class EventForm(forms.ModelForm):
    """An event, its times entered as the clock reads in its time zone."""

    time_zone = forms.ChoiceField(choices=TIME_ZONES, label=_("Time zone"))
    starts = forms.DateTimeField(
        label=_("Starts"), widget=LOCAL_TIME_INPUT, help_text=_("In the event’s time zone.")
    )
    ends = forms.DateTimeField(
        label=_("Ends"), widget=LOCAL_TIME_INPUT, help_text=_("In the event’s time zone.")
    )

    class Meta:
        model = Event
        fields = ["title", "summary", "kind", "time_zone", "registration_url", "status"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 4})}

    field_order = [
        "title",
        "summary",
        "kind",
        "starts",
        "ends",
        "time_zone",
        "registration_url",
        "status",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = EventKind.choices
        if self.instance.pk:
            self.initial["starts"] = self.instance.local_start.replace(tzinfo=None)
            self.initial["ends"] = self.instance.local_end.replace(tzinfo=None)

    def clean(self):
        cleaned = super().clean()
        zone = cleaned.get("time_zone")
        starts, ends = cleaned.get("starts"), cleaned.get("ends")
        if zone and starts and ends:
            cleaned["starts_at"] = _in_zone(starts, zone)
            cleaned["ends_at"] = _in_zone(ends, zone)
            if cleaned["ends_at"] <= cleaned["starts_at"]:
                self.add_error("ends", _("The event must end after it starts."))
        return cleaned

    def _post_clean(self):
        """The service validates the event; not here."""

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        arguments = {name: data[name] for name in self.Meta.fields}
        arguments.update(starts_at=data["starts_at"], ends_at=data["ends_at"])
        return arguments


def _in_zone(local: datetime, zone: str) -> datetime:
    """The clock time as read in `zone` (the form's own time zone is set aside)."""
    return local.replace(tzinfo=None).replace(tzinfo=ZoneInfo(zone))


class LibraryFilterForm(forms.Form):
    """The public library's search and filters (a GET form: every field optional)."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    topic = forms.ChoiceField(label=_("Topic"), required=False)
    requirement = forms.ChoiceField(label=_("Requirement"), required=False)
    audience = forms.ChoiceField(label=_("Audience"), required=False)

    def __init__(self, *args, topics=(), **kwargs):
        super().__init__(*args, **kwargs)
        anything = [("", _("Any"))]
        self.fields["kind"].choices = anything + ResourceKind.choices
        self.fields["topic"].choices = anything + [(t.slug, t.name) for t in topics]
        self.fields["requirement"].choices = anything + Requirement.choices
        self.fields["audience"].choices = anything + Audience.choices


STATUS_FILTER = {value for value, _label in Status.choices}
