"""Certificates kept as evidence of training: on a record, later, or one sign-in sheet per class."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from agencies.models import AuditEvent, Document
from tests import files
from tests.conftest import login
from tests.factories import PersonFactory, TrainingRecordFactory, course
from training.models import CourseKind, TrainingRecord


def record_url(person):
    return reverse(
        "record_create", kwargs={"agency_slug": person.agency.slug, "person_id": person.public_id}
    )


def person_url(person):
    return reverse(
        "person_detail", kwargs={"agency_slug": person.agency.slug, "person_id": person.public_id}
    )


def evidence_url(record):
    return reverse(
        "record_evidence",
        kwargs={
            "agency_slug": record.agency.slug,
            "person_id": record.person.public_id,
            "record_id": record.public_id,
        },
    )


def record_form(evidence):
    return {
        "course": course(CourseKind.CIT).pk,
        "completed_on": (timezone.localdate() - timedelta(days=10)).isoformat(),
        "evidence": evidence,
    }


def test_a_record_keeps_its_certificate_for_the_agency_to_open(
    client, agency_a, editor, viewer, private_files
):
    person = PersonFactory(agency=agency_a)
    login(client, editor)

    response = client.post(record_url(person), record_form(files.pdf("CIT certificate.pdf")))

    assert response.status_code == 302
    record = TrainingRecord.all_agencies.get(person=person)
    assert record.evidence.filename == "CIT certificate.pdf"
    assert private_files() == [record.evidence.file.name]
    event = AuditEvent.objects.get(action="record.created")
    assert event.changes["evidence"][1] == f"CIT certificate.pdf (SHA-256 {record.evidence.sha256})"
    login(client, viewer)
    page = client.get(person_url(person)).content.decode()
    download = reverse(
        "document_download",
        kwargs={"agency_slug": agency_a.slug, "document_id": record.evidence.public_id},
    )
    assert f'href="{download}"' in page
    assert client.get(download).status_code == 200


def test_a_disguised_file_is_refused_and_nothing_is_saved(client, agency_a, editor, private_files):
    person = PersonFactory(agency=agency_a)
    login(client, editor)

    response = client.post(record_url(person), record_form(files.html_as_pdf("cert.pdf")))

    assert response.status_code == 200
    assert "“cert.pdf” is not a PDF" in response.content.decode()
    assert 'href="#id_evidence"' in response.content.decode()  # the error summary links to it
    assert not TrainingRecord.all_agencies.exists()
    assert not Document.all_agencies.exists()
    assert private_files() == []


def test_a_certificate_attached_later_replaces_the_shown_one_and_keeps_the_first(
    client, agency_a, editor, private_files
):
    record = TrainingRecordFactory(person__agency=agency_a)
    url = evidence_url(record)
    login(client, editor)

    client.post(url, {"evidence": files.png("scan.png")})
    client.post(url, {"evidence": files.jpeg("better scan.jpg")})

    record.refresh_from_db()
    assert record.evidence.filename == "better scan.jpg"
    assert Document.all_agencies.count() == 2 and len(private_files()) == 2
    replaced = AuditEvent.objects.filter(action="record.evidence_attached").first()
    before, after = replaced.changes["evidence"]
    assert before.startswith("scan.png (SHA-256 ") and after.startswith("better scan.jpg (")


def test_an_empty_attachment_is_refused(client, agency_a, editor, private_files):
    record = TrainingRecordFactory(person__agency=agency_a)
    url = evidence_url(record)
    login(client, editor)

    response = client.post(url, {"evidence": files.upload("scan.png", b"")})

    assert "“scan.png” is empty" in response.content.decode()
    record.refresh_from_db()
    assert record.evidence is None and private_files() == []


def test_a_class_sign_in_sheet_is_every_new_records_evidence(
    client, agency_a, editor, private_files
):
    people = PersonFactory.create_batch(3, agency=agency_a)
    login(client, editor)

    client.post(
        reverse("class_create", kwargs={"agency_slug": agency_a.slug}),
        {
            "course": course(CourseKind.MHFA).pk,
            "completed_on": (timezone.localdate() - timedelta(days=1)).isoformat(),
            "attendees": [p.pk for p in people],
            "sign_in_sheet": files.pdf("Sign-in sheet.pdf"),
        },
    )

    sheets = set(TrainingRecord.all_agencies.values_list("evidence__filename", flat=True))
    assert sheets == {"Sign-in sheet.pdf"}
    assert TrainingRecord.all_agencies.count() == 3 and len(private_files()) == 1


def test_a_sign_in_sheet_with_no_new_records_is_not_kept_and_the_page_says_so(
    client, agency_a, editor, private_files
):
    when = timezone.localdate() - timedelta(days=1)
    record = TrainingRecordFactory(
        person__agency=agency_a, course=course(CourseKind.MHFA), completed_on=when
    )
    login(client, editor)

    response = client.post(
        reverse("class_create", kwargs={"agency_slug": agency_a.slug}),
        {
            "course": record.course.pk,
            "completed_on": when.isoformat(),
            "attendees": [record.person.pk],
            "sign_in_sheet": files.pdf("Sign-in sheet.pdf"),
        },
    )

    assert "The sign-in sheet was not kept" in response.content.decode()
    assert private_files() == []
