from django.forms import BaseForm, BaseFormSet
from django.forms.renderers import TemplatesSetting


class USWDSFormRenderer(TemplatesSetting):
    """Renders forms with the U.S. Web Design System markup (templates/forms, widget overrides)."""

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"


def with_choices_read[F: BaseForm](form: F, *names: str) -> F:
    """The form, the choices of its model choice fields `names` read now (by the view)
    rather than by the template as it renders them. Called where a form is about to be
    shown, once its own __init__ has set each field's queryset (a queryset set after would
    not show). Only the fields the page shows as choices: a field the page lists its own
    way (a roster to tick from) would be read whole for nothing."""
    for name in names:
        field = form.fields[name]
        field.choices = _read(field)
    return form


def rows_with_choices_read[S: BaseFormSet](rows: S, *names: str) -> S:
    """A formset whose rows offer the same choices: each field `names` read once for all
    the rows, by the view (see `with_choices_read`)."""
    for name in names:
        choices = None
        for form in rows.forms:
            field = form.fields[name]
            if choices is None:
                choices = _read(field)
            field.choices = choices
    return rows


def _read(field) -> list:
    # Through iter(): list() would first ask the choices' length, a COUNT query of its own.
    return list(iter(field.choices))
