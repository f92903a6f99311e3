"""What every page's <title> says beyond its own name (WCAG 2.4.2): that the form sent has
errors, and which page of a long list this is."""

from django import template
from django.core.paginator import Page
from django.forms import BaseForm, BaseFormSet
from django.utils.translation import gettext as _

register = template.Library()


def _has_errors(value) -> bool:
    if isinstance(value, BaseForm):
        return value.is_bound and bool(value.errors)
    if isinstance(value, BaseFormSet):
        return value.is_bound and not value.is_valid()
    return False


@register.simple_tag(takes_context=True)
def error_prefix(context) -> str:
    """'Error: ' before the title of a page answering a submit that failed, so that a screen
    reader says so first, as the GOV.UK Design System does."""
    if any(_has_errors(value) for value in context.flatten().values()):
        return _("Error: ")
    return ""


@register.simple_tag(takes_context=True)
def page_number(context) -> str:
    """' (page 2 of 4)' after the title of a list's later pages."""
    page = context.get("page")
    if isinstance(page, Page) and page.number > 1:
        return _(" (page %(number)s of %(pages)s)") % {
            "number": page.number,
            "pages": page.paginator.num_pages,
        }
    return ""
