"""The public library: only published resources, searched and filtered, a page and a file
for each; no sign-in needed."""

import re

import pytest
from django.db import connection
from django.urls import reverse

from assistance.library import queries
from assistance.models import Status
from tests.assistance.library.objects import make_resource
from tests.conftest import login
from tests.files import pdf


def titles(response) -> list[str]:
    return re.findall(
        r'class="usa-card__heading"[^>]*><a href="[^"]+">([^<]+)</a>', response.content.decode()
    )


@pytest.fixture
def shelf(db):
    """A few resources across kinds, requirements, audiences and topics; one draft, one
    retired."""
    return {
        "policy": make_resource(
            "Model policy on mental-health response",
            summary="Definitions, signs and symptoms, risk, referrals and training.",
            requirements=("policy",),
            audiences=("leadership",),
        ),
        "mou": make_resource(
            "MOU template for a crisis center partnership",
            kind="mou_template",
            summary="An agreement naming alternatives to arrest.",
            requirements=("partnership",),
            audiences=("leadership", "partners"),
            topics=("co-responder-programs",),
        ),
        "cit": make_resource(
            "Forty-hour CIT course for rural agencies",
            kind="training",
            summary="Crisis intervention team training with regional partners.",
            requirements=("cit",),
            audiences=("officers",),
            topics=("crisis-intervention-teams",),
        ),
        "youth": make_resource(
            "Youth in crisis: a toolkit",
            kind="toolkit",
            summary="De-escalation with young people and their families.",
            requirements=("cit", "coverage"),
            audiences=("officers", "dispatch"),
            topics=("youth",),
        ),
        "draft": make_resource("Draft model policy", status=Status.DRAFT, requirements=("policy",)),
        "retired": make_resource(
            "Retired MOU template", kind="mou_template", status=Status.RETIRED
        ),
    }


def test_the_library_lists_published_resources_only_to_anyone(client, shelf):
    response = client.get(reverse("library"))

    assert response.status_code == 200
    assert sorted(titles(response)) == sorted(
        shelf[key].title for key in ("policy", "mou", "cit", "youth")
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("requirement=cit", {"cit", "youth"}),
        ("requirement=partnership", {"mou"}),
        ("kind=mou_template", {"mou"}),
        ("audience=dispatch", {"youth"}),
        ("audience=leadership", {"policy", "mou"}),
        ("topic=youth", {"youth"}),
        ("requirement=cit&kind=training", {"cit"}),
        ("requirement=policy&kind=model_policy", {"policy"}),
        ("requirement=nonsense", {"policy", "mou", "cit", "youth"}),
    ],
)
def test_filters_narrow_the_list(client, shelf, query, expected):
    response = client.get(reverse("library") + "?" + query)

    assert set(titles(response)) == {shelf[key].title for key in expected}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("crisis", {"mou", "cit", "youth"}),
        ("CRISIS partnership", {"mou"}),
        ("referrals", {"policy"}),
        ("crisis toolkit", {"youth"}),
        ("submarine", set()),
    ],
)
def test_search_wants_every_word_in_the_title_or_summary(client, shelf, text, expected):
    response = client.get(reverse("library"), {"q": text})

    assert set(titles(response)) == {shelf[key].title for key in expected}


@pytest.mark.postgres
def test_postgresql_ranks_title_matches_above_summary_matches(db):
    in_summary = make_resource("Working with partners", summary="Responding to youth in crisis.")
    in_title = make_resource("Youth crisis response", summary="For every officer.")
    make_resource("Veterans court referrals", summary="Nothing about the young.")
    make_resource("Draft on youth", status=Status.DRAFT)

    def found(text: str) -> list:
        return list(queries.library_resources(queries.LibraryFilters(text=text)))

    # Ranked: the title weighs more than the summary.
    assert found("youth crisis") == [in_title, in_summary]
    # Stemmed ("responses" finds "response"); a quoted phrase, in order; a word left out.
    assert found("responses") == [in_title]
    assert found('"youth crisis"') == [in_title]
    assert found("youth -partners") == [in_title]


@pytest.mark.postgres
def test_postgresql_search_asks_what_the_search_index_holds(db):
    """The planner can answer the search from the GIN index only when the query's vector is
    the index's expression, to the letter (on a small table it scans anyway)."""
    make_resource("Youth crisis response")
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'resource_search'")
        (definition,) = cursor.fetchone()
    indexed = re.fullmatch(r".* USING gin \(\((.*)\)\)", definition)[1]  # its expression

    plan = queries.library_resources(queries.LibraryFilters(text="youth crisis")).explain()

    assert "to_tsvector" in indexed and f"{indexed} @@" in plan


def test_the_list_takes_the_same_queries_however_many_resources(
    client, shelf, django_assert_num_queries
):
    for n in range(15):
        make_resource(f"Extra toolkit {n}", kind="toolkit", topics=("veterans",))
    url = reverse("library")
    client.get(url)  # the session and caches settled

    # topics offered, count, page, its topics, requirements, audiences, upcoming events
    with django_assert_num_queries(7):
        response = client.get(url, {"requirement": "policy", "q": "toolkit"})
    assert response.status_code == 200
    with django_assert_num_queries(7):
        client.get(url)


def test_the_list_is_paginated(client, db):
    for n in range(25):
        make_resource(f"Toolkit number {n:02}", kind="toolkit")

    first = client.get(reverse("library"), {"kind": "toolkit"})
    second = client.get(reverse("library"), {"kind": "toolkit", "page": 2})

    assert len(titles(first)) == 20 and len(titles(second)) == 5
    assert "kind=toolkit&amp;page=2" in first.content.decode()


def test_a_resource_page_shows_what_it_helps_with(client, shelf):
    response = client.get(shelf["youth"].get_absolute_url())

    page = response.content.decode()
    assert response.status_code == 200
    assert "Youth in crisis: a toolkit" in page
    assert "CIT training (20% of sworn officers)" in page
    assert "Dispatchers and call takers" in page
    assert 'href="https://example.org/resource"' in page


@pytest.mark.parametrize("key", ["draft", "retired"])
def test_an_unpublished_resource_is_not_found(client, shelf, key):
    assert client.get(shelf[key].get_absolute_url()).status_code == 404


def test_an_uploaded_file_is_served_while_published_only(client, db, private_files):
    resource = make_resource("Sample MOU", kind="mou_template", upload=pdf("Sample MOU.pdf"))

    page = client.get(resource.get_absolute_url()).content.decode()
    download = client.get(resource.link)

    assert resource.link in page
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert "Sample MOU.pdf" in download["Content-Disposition"]
    assert private_files() == [resource.file.name] and resource.file.name.startswith("library/")
    type(resource).objects.filter(pk=resource.pk).update(status=Status.RETIRED)
    assert client.get(resource.link).status_code == 404


def test_a_link_resource_has_no_file_to_serve(client, shelf):
    url = reverse("library_resource_file", kwargs={"resource_id": shelf["policy"].public_id})
    assert client.get(url).status_code == 404


def test_every_page_links_to_the_library_in_its_header(client, coordinator):
    link = f'<a href="{reverse("library")}"'
    assert link in client.get(reverse("event_list")).content.decode()
    login(client, coordinator)
    assert link in client.get(reverse("account_email")).content.decode()
