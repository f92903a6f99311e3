"""Model choices and pages of a list are read by the view, in one query each, so that the
template that shows them runs none (tests/test_templates_read_nothing.py)."""

from django import forms
from django.forms import formset_factory

from agencies.models import Agency
from onemind.forms import rows_with_choices_read, with_choices_read
from onemind.lib.paging import page_of
from tests.factories import AgencyFactory
from tests.rendering import queries_in_templates


class AgencyForm(forms.Form):
    agency = forms.ModelChoiceField(queryset=Agency.objects.order_by("name"))


def test_a_forms_choices_are_read_in_one_query_and_shown_without_one(db, django_assert_num_queries):
    AgencyFactory.create_batch(3)

    with django_assert_num_queries(1):  # the choices, without a count first
        form = with_choices_read(AgencyForm(), "agency")
    with queries_in_templates() as guard:
        shown = form.as_div()

    assert guard.found == []
    assert all(agency.name in shown for agency in Agency.objects.all())


def test_rows_of_a_formset_share_one_reading_of_their_choices(db, django_assert_num_queries):
    AgencyFactory.create_batch(2)
    rows = formset_factory(AgencyForm, extra=4)()

    with django_assert_num_queries(1):
        rows_with_choices_read(rows, "agency")
    with queries_in_templates() as guard:
        rows.as_div()

    assert guard.found == []


def test_a_page_of_a_list_is_read_by_the_view(db, django_assert_num_queries):
    AgencyFactory.create_batch(3)

    with django_assert_num_queries(2):  # the count, then the page's rows
        page = page_of(Agency.objects.order_by("name"), "2", 2)

    assert isinstance(page.object_list, list) and len(page.object_list) == 1
    assert page_of(Agency.objects.order_by("name"), "many", 2).number == 1
