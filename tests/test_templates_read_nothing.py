"""No page runs a query while its template renders: what a page shows is read by its view
(and its queries), in as few queries as it takes, never cell by cell by the template. Every
page of the walk (tests/walk.py) is opened with the guard on, as its users see it."""

from collections import defaultdict

from django.template import engines
from django.urls import reverse

from agencies.models import Membership
from tests.conftest import login
from tests.rendering import queries_in_templates
from tests.walk import a_full_agency, every_page, the_staff_areas_work

# allauth's own pages, whose views hand their templates querysets and whose template tags
# read the sign-in providers as they render: account settings a person opens now and then,
# each reading a handful of the person's own rows.
ALLAUTH_PAGES = {
    reverse("mfa_list_webauthn"): "the person's passkeys",
    reverse("socialaccount_connections"): "the person's linked sign-ins and the providers",
}


def queries_while_rendering(client, urls) -> list[str]:
    """`url: templates: SQL` of the queries run while each page's templates rendered."""
    found = []
    for url in urls:
        if url in ALLAUTH_PAGES:
            continue
        with queries_in_templates() as guard:
            client.get(url)
        by_template = defaultdict(list)
        for templates, sql in guard.found:
            by_template[templates].append(sql)
        found += [
            f"{url}: {templates}: {len(sqls)} queries: " + " | ".join(sql[:150] for sql in sqls)
            for templates, sqls in by_template.items()
        ]
    return found


def test_no_page_queries_the_database_while_rendering(client, administrator):
    coordinator, objects = a_full_agency()
    pages = every_page(the_staff_areas_work(objects))
    login(client, coordinator)
    found = queries_while_rendering(client, pages.agency + pages.region + pages.other)
    login(client, administrator, mfa=True)
    found += queries_while_rendering(client, pages.staff)
    assert found == [], "\n".join(found)


def test_the_guard_sees_a_query_run_by_a_template(coordinator):
    template = engines["django"].from_string("{% for m in members %}{{ m.role }}{% endfor %}")

    with queries_in_templates() as guard:
        template.render({"members": Membership.all_agencies.all()})
        template.render({"members": list(Membership.all_agencies.all())})

    assert len(guard.found) == 1
