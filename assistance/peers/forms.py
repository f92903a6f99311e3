"""Forms of the peer sites' pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from assistance.models import PeerOffer, Requirement
from assistance.peers.queries import SIZE_BANDS


class OfferForm(forms.ModelForm):
    """The agency's offer; only the requirements it meets now can be chosen."""

    requirements = forms.MultipleChoiceField(
        label=_("Requirements your agency can help with"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only the requirements your agency meets now are listed."),
    )

    class Meta:
        model = PeerOffer
        fields = ["note", "contact_name", "contact_title", "contact_email", "contact_phone"]
        widgets = {"note": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "note": _("A few lines on what your agency did, shown to other agencies."),
            "contact_name": _("Shown only to an agency whose request your agency accepts."),
        }

    def __init__(self, *args, met: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(Requirement.choices)
        self.fields["requirements"].choices = [(key, labels[key]) for key in met]
        if self.instance.pk:
            self.initial.setdefault("requirements", self.instance.requirements)


class PeerFilterForm(forms.Form):
    state = forms.CharField(
        label=_("State or province (two letters)"), required=False, max_length=10
    )
    size = forms.ChoiceField(
        label=_("Size"),
        required=False,
        choices=[("", _("Any size")), *((key, label) for key, label, _low, _high in SIZE_BANDS)],
    )
    requirement = forms.ChoiceField(
        label=_("Requirement"),
        required=False,
        choices=[("", _("Any requirement")), *Requirement.choices],
    )


class RequestForm(forms.Form):
    requirement = forms.ChoiceField(label=_("What your agency needs help with"))
    message = forms.CharField(
        label=_("Your message"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Where your agency stands and what it would like to learn."),
    )

    def __init__(self, *args, helping: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(Requirement.choices)
        self.fields["requirement"].choices = [(key, labels[key]) for key in helping]


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Your answer"),
        widget=forms.RadioSelect,
        choices=[
            ("accept", _("Accept: each agency sees the other's contact")),
            ("decline", _("Decline: nothing is shared")),
        ],
    )
