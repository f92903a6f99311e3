from django.forms.renderers import TemplatesSetting


class USWDSFormRenderer(TemplatesSetting):
    """Renders forms with the U.S. Web Design System markup (templates/forms, widget overrides)."""

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"
