import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from agencies.documents import KNOWN_TYPES
from agencies.forms import DocumentField
from assistance.models import Expert, Outcome, Requirement


class _Once(forms.Form):
    """A form posted once: its token, made when the form is shown, names what it posts, so
    the same form sent again (a double click, a resent page) posts nothing more."""

    token = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("token", uuid.uuid4())
        super().__init__(*args, **kwargs)


class RequestForm(_Once):
    requirement = forms.ChoiceField(
        label=_("Which requirement do you need help with?"),
        choices=Requirement.choices,
        widget=forms.RadioSelect,
    )
    subject = forms.CharField(
        label=_("Subject"),
        max_length=200,
        help_text=_(
            "In a few words, for example “Finding a mental-health partner in a rural county”."
        ),
    )
    tried = forms.CharField(
        label=_("What have you tried so far?"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=10000,
        help_text=_("What you did, what stood in the way, and what help would move you forward."),
    )
    attachment = DocumentField(
        types=KNOWN_TYPES,
        label=_("Attach a document (optional)"),
        required=False,
        help_text=_(
            "A draft policy or MOU, say: PDF, Word (.docx), PNG or JPEG, up to 20 MB. "
            "The program staff and the expert they assign can read it."
        ),
    )


class MessageForm(_Once):
    body = forms.CharField(
        label=_("Your reply"), widget=forms.Textarea(attrs={"rows": 5}), max_length=10000
    )
    attachment = DocumentField(
        types=KNOWN_TYPES,
        label=_("Attach a document (optional)"),
        required=False,
        help_text=_("PDF, Word (.docx), PNG or JPEG, up to 20 MB."),
    )

    def __init__(self, *args, attachments: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not attachments:
            del self.fields["attachment"]


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=Outcome.choices, widget=forms.RadioSelect
    )
    outcome_note = forms.CharField(
        label=_("Note on the outcome"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        required=False,
        help_text=_("Where the agency was referred, or what resolved it."),
    )

    def __init__(self, *args, outcomes=None, **kwargs):
        super().__init__(*args, **kwargs)
        if outcomes is not None:
            self.fields["outcome"].choices = [c for c in Outcome.choices if c[0] in outcomes]


class AssignForm(forms.Form):
    expert = forms.ModelChoiceField(
        label=_("Subject-matter expert"),
        queryset=Expert.objects.none(),
        to_field_name="public_id",
        required=False,
        empty_label=_("Nobody: program staff answer"),
    )

    def __init__(self, *args, experts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expert"].queryset = experts
        self.fields["expert"].label_from_instance = _expert_choice


def _expert_choice(expert: Expert) -> str:
    name = expert.user.get_full_name() or expert.user.email
    labels = ", ".join(expert.expertise_labels())
    return f"{name} ({labels})" if labels else name
