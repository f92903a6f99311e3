"""Pages of a long list, read by the view: the template shows the page's rows without
running a query while it renders."""

from django.core.paginator import Page, Paginator


def page_of(rows, number, size: int) -> Page:
    """Page `number` (as given in the URL: missing, out of range or not a number gives the
    first or last page) of `rows`, its rows read now."""
    page = Paginator(rows, size).get_page(number)
    page.object_list = list(page.object_list)
    return page
