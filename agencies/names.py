"""Names people type: agencies and places, people, organizations, courses, titles,
signatures and file names. One rule cleans them all, wherever they come in: the model field
(services' full_clean and every save), the form field, and imports.
"""

import unicodedata

from django import forms
from django.db import models


def clean_name(value: str) -> str:
    """The name with invisible characters removed, compatibility forms unified and
    whitespace collapsed to single spaces.

    Control and format characters go: bidirectional overrides, embeddings and isolates
    (U+202A-U+202E, U+2066-U+2069), direction marks (U+200E, U+200F, U+061C), zero-width
    spaces and joiners, soft hyphens, byte-order marks, tag characters, and private-use or
    unassigned code points. In a name they only make it display as something other than
    what is stored (a reversed word in a page title, a staff list or an email subject) or
    pass for another agency's name; letters of any script, right-to-left ones included,
    are kept. NFKC, as RFC 8266 does for nicknames, turns full-width and other
    compatibility forms into the ordinary letters, for the same reason.
    """
    kept = "".join(ch for ch in value if ch.isspace() or unicodedata.category(ch)[0] != "C")
    return " ".join(unicodedata.normalize("NFKC", kept).split())


class NameFormField(forms.CharField):
    """A form's name field: cleaned by `clean_name` before it is checked (length,
    required), so a name of invisible characters alone is an empty one."""

    def to_python(self, value):
        value = super().to_python(value)
        return clean_name(value) if isinstance(value, str) else value


class NameField(models.CharField):
    """A CharField holding a name, cleaned by `clean_name` in full_clean and on every save
    (and by its form field in model forms).

    Bulk writes that bypass both (PostgreSQL COPY in imports) clean their values first.
    """

    def to_python(self, value):
        value = super().to_python(value)
        return clean_name(value) if isinstance(value, str) else value

    def pre_save(self, model_instance, add):
        value = getattr(model_instance, self.attname)
        if isinstance(value, str):
            value = clean_name(value)
            setattr(model_instance, self.attname, value)
        return value

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": NameFormField, **kwargs})

    def deconstruct(self):
        # The column is a plain varchar: migrations neither change for nor depend on this class.
        name, _, args, kwargs = super().deconstruct()
        return name, "django.db.models.CharField", args, kwargs
