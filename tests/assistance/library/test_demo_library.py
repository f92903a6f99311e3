from io import StringIO

from django.core.management import call_command
from django.urls import reverse

from agencies.models import AuditEvent
from assistance.models import Event, Resource


def test_demo_library_is_filled_once_and_public(client, db, private_files):
    call_command("demo_library", stdout=StringIO())
    events = AuditEvent.objects.count()
    call_command("demo_library", stdout=StringIO())

    assert (Resource.objects.count(), Event.objects.count()) == (12, 3)
    assert AuditEvent.objects.count() == events
    page = client.get(reverse("library")).content.decode()
    assert "12 resources" in page and "Co-responder programs in rural counties" in page
    with_file = Resource.objects.exclude(file="").get()
    assert client.get(with_file.link)["Content-Type"] == "application/pdf"
