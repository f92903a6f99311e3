"""Program staff curate the library: every write audited as a program-wide change; a
resource is retired, never deleted; events are entered as the clock reads in their zone."""

import re
from datetime import UTC, datetime

import pytest
from django.urls import reverse

from agencies.models import AuditEvent
from assistance.models import Event, Resource, Status, Topic
from tests.assistance.library.objects import make_event, make_resource
from tests.conftest import login
from tests.files import pdf, upload


@pytest.fixture
def staff_client(client, reviewer):
    login(client, reviewer, mfa=True)
    return client


def resource_body(**changes) -> dict:
    return {
        "title": "Model MOU with a crisis stabilization center",
        "summary": "Names drop-off as the alternative to arrest.",
        "kind": "mou_template",
        "topics": [],
        "requirements": ["partnership"],
        "audiences": ["leadership", "partners"],
        "url": "",
        "published_on": "",
        "updated_on": "",
        "status": "published",
        **changes,
    }


def test_a_reviewer_adds_a_resource_with_a_file(staff_client, reviewer, private_files):
    response = staff_client.post(
        reverse("staff:library_resource_create"),
        {**resource_body(), "upload": pdf("Model MOU.pdf")},
    )

    assert response.status_code == 302
    resource = Resource.objects.get()
    assert resource.filename == "Model MOU.pdf" and resource.url == ""
    assert [r.requirement for r in resource.requirements.all()] == ["partnership"]
    assert resource.published_on is not None  # published today
    event = AuditEvent.objects.get(action="library.resource_created")
    assert event.agency is None and event.actor == reviewer
    assert event.object_id == str(resource.public_id)
    assert "Model MOU.pdf" in event.changes["file"][1]


def test_a_file_that_fails_the_document_checks_is_refused(staff_client, private_files):
    response = staff_client.post(
        reverse("staff:library_resource_create"),
        {**resource_body(), "upload": upload("policy.pdf", b"<html>not a pdf</html>")},
    )

    assert response.status_code == 200
    assert "is not a PDF" in response.content.decode()
    assert not Resource.objects.exists() and private_files() == []


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({}, "Give a link to the resource, or upload its file."),
        ({"url": "https://example.org/mou", "upload": "file"}, "not both"),
    ],
)
def test_a_resource_needs_a_link_or_a_file(staff_client, private_files, changes, message):
    if changes.get("upload"):
        changes["upload"] = pdf()
    response = staff_client.post(reverse("staff:library_resource_create"), resource_body(**changes))

    page = response.content.decode()
    assert response.status_code == 200 and message in page
    assert "There is a problem with what you entered" in page
    assert not Resource.objects.exists()


def test_retiring_a_resource_takes_it_off_the_public_library(client, reviewer):
    resource = make_resource("Old model policy")
    assert client.get(resource.get_absolute_url()).status_code == 200
    login(client, reviewer, mfa=True)
    edit = reverse("staff:library_resource_edit", kwargs={"resource_id": resource.public_id})

    response = client.post(
        edit,
        resource_body(
            title="Old model policy",
            kind="model_policy",
            url="https://example.org/resource",
            requirements=["policy"],
            status="retired",
        ),
    )

    assert response.status_code == 302
    resource.refresh_from_db()
    assert resource.status == Status.RETIRED
    event = AuditEvent.objects.get(action="library.resource_updated")
    assert event.changes["status"] == ["published", "retired"]
    assert event.changes["audiences"] == [["leadership"], ["leadership", "partners"]]
    client.logout()
    assert client.get(resource.get_absolute_url()).status_code == 404
    assert "Old model policy" not in client.get(reverse("library")).content.decode()


def test_the_staff_list_shows_every_resource_by_status(staff_client):
    make_resource("Published one")
    make_resource("A draft", status=Status.DRAFT)

    everything = staff_client.get(reverse("staff:library_resources")).content.decode()
    drafts = staff_client.get(reverse("staff:library_resources"), {"status": "draft"})

    assert "Published one" in everything and "A draft" in everything
    assert "Published one" not in drafts.content.decode()


def test_an_event_is_entered_in_its_own_time_zone(staff_client):
    response = staff_client.post(
        reverse("staff:library_event_create"),
        {
            "title": "Officer wellness after critical incidents",
            "summary": "",
            "kind": "webinar",
            "starts": "2027-07-01T14:00",
            "ends": "2027-07-01T15:00",
            "time_zone": "America/Denver",
            "registration_url": "https://example.org/register",
            "status": "published",
        },
    )

    assert response.status_code == 302
    event = Event.objects.get()
    assert event.starts_at == datetime(2027, 7, 1, 20, 0, tzinfo=UTC)  # MDT, UTC-6
    assert AuditEvent.objects.filter(action="library.event_created", agency=None).exists()
    edit = reverse("staff:library_event_edit", kwargs={"event_id": event.public_id})
    assert 'value="2027-07-01T14:00"' in staff_client.get(edit).content.decode()


def test_an_event_must_end_after_it_starts(staff_client):
    event = make_event()
    edit = reverse("staff:library_event_edit", kwargs={"event_id": event.public_id})

    response = staff_client.post(
        edit,
        {
            "title": event.title,
            "kind": "webinar",
            "starts": "2027-07-01T14:00",
            "ends": "2027-07-01T13:00",
            "time_zone": "America/Chicago",
            "status": "published",
        },
    )

    assert "The event must end after it starts." in response.content.decode()
    assert not AuditEvent.objects.filter(action="library.event_updated").exists()


def test_the_edit_form_shows_what_the_resource_has(staff_client):
    resource = make_resource(
        "Youth toolkit", kind="toolkit", requirements=("cit",), topics=("youth",)
    )
    edit = reverse("staff:library_resource_edit", kwargs={"resource_id": resource.public_id})

    page = staff_client.get(edit).content.decode()

    checked = set(
        re.findall(r'<input type="checkbox" name="(\w+)" value="([^"]+)"[^>]* checked', page)
    )
    youth = str(Topic.objects.get(slug="youth").pk)
    assert checked == {("topics", youth), ("requirements", "cit"), ("audiences", "leadership")}
