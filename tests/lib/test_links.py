"""A list's links are reversed once a page: each is the link Django's reverse would give."""

import uuid

from django.urls import reverse

from onemind.lib.links import link_for_each


def test_each_link_is_the_reversed_url():
    ids = [uuid.uuid4() for _ in range(3)]

    person = link_for_each("person_detail", "person_id", agency_slug="millbrook-pd")
    agency = link_for_each("staff:agency_detail", "agency_id")

    for public_id in ids:
        kwargs = {"agency_slug": "millbrook-pd", "person_id": public_id}
        assert person(public_id) == reverse("person_detail", kwargs=kwargs)
        assert agency(public_id) == reverse("staff:agency_detail", kwargs={"agency_id": public_id})
