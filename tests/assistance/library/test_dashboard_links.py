"""Each requirement's card on the agency dashboard leads to the library's help for it: the
resources for the requirement, and model policies, MOU templates or courses beside it."""

import re
from html import unescape

import pytest
from django.urls import reverse

from tests.assistance.library.objects import make_resource
from tests.conftest import login
from tests.factories import sign


@pytest.fixture
def dashboard(client, agency_a, coordinator) -> str:
    sign(agency_a, coordinator)
    login(client, coordinator)
    response = client.get(reverse("agency_dashboard", kwargs={"agency_slug": agency_a.slug}))
    assert response.status_code == 200
    return response.content.decode()


def library_links(page: str, label: str) -> list[str]:
    pattern = rf'<a href="(/resources/\?[^"]+)">{re.escape(label)}</a>'
    return [unescape(url) for url in re.findall(pattern, page)]


def test_every_requirement_card_links_to_its_resources(dashboard):
    assert library_links(dashboard, "Resources for this requirement") == [
        f"/resources/?requirement={key}" for key in ("partnership", "policy", "cit", "coverage")
    ]
    assert library_links(dashboard, "Model policies") == [
        "/resources/?requirement=policy&kind=model_policy"
    ]
    assert library_links(dashboard, "MOU templates") == [
        "/resources/?requirement=partnership&kind=mou_template"
    ]
    assert library_links(dashboard, "Find a course") == [
        "/resources/?requirement=cit&kind=training",
        "/resources/?requirement=coverage&kind=training",
    ]


def test_the_links_open_the_right_resources(client, dashboard):
    policy = make_resource("County model policy", requirements=("policy",))
    mou = make_resource("MOU template", kind="mou_template", requirements=("partnership",))
    cit = make_resource("Rural CIT course", kind="training", requirements=("cit",))
    mhfa = make_resource("MHFA for Public Safety", kind="training", requirements=("coverage",))
    make_resource("CIT podcast", kind="podcast", requirements=("cit",))
    expected = {
        "/resources/?requirement=policy&kind=model_policy": {policy},
        "/resources/?requirement=partnership&kind=mou_template": {mou},
        "/resources/?requirement=cit&kind=training": {cit},
        "/resources/?requirement=coverage&kind=training": {mhfa},
    }

    for url, resources in expected.items():
        page = client.get(url).content.decode()
        shown = set(re.findall(r'class="usa-card__heading"[^>]*><a href="[^"]+">([^<]+)<', page))
        assert shown == {resource.title for resource in resources}, url


def help_links(page: str, label: str) -> list[str]:
    pattern = rf'<a href="(/a/[^"]+)">{re.escape(label)}</a>'
    return [unescape(url) for url in re.findall(pattern, page)]


def test_a_requirement_not_met_leads_to_peers_and_to_the_program(dashboard, agency_a):
    keys = ("partnership", "policy", "cit", "coverage")
    assert help_links(dashboard, "Ask an agency that met it") == [
        f"/a/{agency_a.slug}/peers/?requirement={key}" for key in keys
    ]
    assert help_links(dashboard, "Ask the program for help") == [
        f"/a/{agency_a.slug}/assistance/new/?requirement={key}" for key in keys
    ]


def test_only_those_who_may_ask_the_program_are_offered_it(client, agency_a, coordinator, viewer):
    sign(agency_a, coordinator)
    login(client, viewer)
    page = client.get(reverse("agency_dashboard", kwargs={"agency_slug": agency_a.slug}))
    page = page.content.decode()
    assert len(help_links(page, "Ask an agency that met it")) == 4
    assert help_links(page, "Ask the program for help") == []
