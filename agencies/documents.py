"""Uploaded documents: accepted only when the content is what the file claims to be,
stored privately under server-made names, and served only to the agency's members.

Every upload in the product goes through here: `check_upload` in the form (or any other
caller), `store` inside the service's transaction, `serve` from a permission-checked view.
"""

from __future__ import annotations

import hashlib
import re
import struct
import uuid
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import timedelta

from defusedxml import ElementTree as safe_xml
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse
from django.shortcuts import render
from django.utils import timezone
from PIL import Image

from agencies.models import Agency, Document, User
from agencies.names import clean_name

MAX_BYTES = 20 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024  # what a Word document may expand to
MAX_ZIP_ENTRIES = 5000
MAX_IMAGE_PIXELS = 50_000_000
CHUNK = 64 * 1024

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc, .xls, password-protected Office
ZIP_END_RECORD = struct.Struct("<4s4H2LH")  # its fifth field: the number of entries
MAX_XML_PART_BYTES = 2**20  # XML parts read whole to check them
WORD_MAIN_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
CONTENT_TYPES_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
RELATIONSHIPS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"

# What makes a PDF act rather than show: scripts (run on opening by /OpenAction, on events by
# /AA, or by the /JavaScript name tree; XFA forms carry scripts of their own), programs to
# /Launch, files carried inside it, Flash. A name may spell its letters as #-escapes
# (/J#61vaScript), and the dictionaries naming them may sit in compressed object streams.
_PDF_DELIMITER = rb"\x00\t\n\x0c\r ()<>\[\]{}/%"
_PDF_ACTIVE_NAME = re.compile(
    rb"/(?:JavaScript|JS|Launch|EmbeddedFiles?|RichMedia|XFA)(?=[" + _PDF_DELIMITER + rb"]|\Z)"
)
_PDF_ESCAPED_NAME = re.compile(rb"/[^" + _PDF_DELIMITER + rb"]*#[^" + _PDF_DELIMITER + rb"]*")
_PDF_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
# Lenient readers accept spaces between the keyword and its end of line.
_PDF_STREAM_START = re.compile(rb"(?<!end)stream[ \t]*(?:\r\n|\n|\r)")
_PDF_OBJECT_START = re.compile(rb"\d+\s+\d+\s+obj\b")
# Readers find an object stream through the cross-reference table, whatever its /Type says;
# only object streams carry /First (where their objects start).
_PDF_OBJECT_STREAM = re.compile(rb"/Type\s*/ObjStm\b|/First\b")
_PDF_FLATE_ONLY = re.compile(rb"/Filter\s*(?:/FlateDecode|\[\s*/FlateDecode\s*\])")


@dataclass(frozen=True)
class FileType:
    label: str
    content_type: str
    extensions: tuple[str, ...]
    check: Callable[[UploadedFile, str], None]  # raises ValidationError

    @property
    def extension(self) -> str:
        return self.extensions[0]


def _check_pdf(upload: UploadedFile, name: str) -> None:
    head = _read(upload, 0, 1024)
    start = head.find(b"%PDF-")
    # Readers allow a few bytes before the header; markup there is a disguised web page.
    if start < 0 or b"<" in head[:start]:
        raise ValidationError(f"“{name}” is not a PDF: its contents are not a PDF document.")
    if b"%%EOF" not in _read(upload, max(upload.size - 8192, 0), 8192):
        raise ValidationError(f"“{name}” looks cut short: the end of the PDF is missing.")
    _check_pdf_is_passive(_read(upload, 0, upload.size), name)


def _check_pdf_is_passive(data: bytes, name: str) -> None:
    """Refuse a PDF that names scripts, launch actions or embedded files anywhere, in its
    plain dictionaries or in its object streams; one whose object streams cannot be read
    (encrypted, or packed some other way) cannot be checked and is refused too."""
    refused = ValidationError(
        f"“{name}” contains scripts, embedded files or actions that start programs, which "
        "are not accepted. Print it to a new PDF (File › Print › Save as PDF) and upload that."
    )
    unreadable = ValidationError(
        f"“{name}” is encrypted or packed in a way that cannot be checked. Print it to a new "
        "PDF (File › Print › Save as PDF) and upload that."
    )
    if _PDF_ACTIVE_NAME.search(_pdf_names(_pdf_syntax(data))):
        raise refused
    budget = MAX_UNCOMPRESSED_BYTES
    view = memoryview(data)
    for dictionary, contents_at in _pdf_object_streams(data):
        if not _PDF_FLATE_ONLY.search(dictionary) or b"/DecodeParms" in dictionary:
            raise unreadable
        try:
            objects = zlib.decompressobj().decompress(view[contents_at:], budget + 1)
        except zlib.error:
            raise unreadable from None
        budget -= len(objects)
        if budget < 0:
            raise ValidationError(
                f"“{name}” expands to more than {MAX_UNCOMPRESSED_BYTES // 2**20} MB of "
                "objects when opened, which no policy or agreement needs."
            )
        if _PDF_ACTIVE_NAME.search(_pdf_names(objects)):
            raise refused


def _pdf_syntax(data: bytes) -> bytes:
    """The PDF without its streams' contents: compressed data, in which any three bytes may
    spell /JS (one 20 MB scan in ten would). Contents that hold an object header stay: a
    reader finds an object by its offset, so one can hide inside another's stream."""
    parts = []
    position = 0
    while start := _PDF_STREAM_START.search(data, position):
        parts.append(data[position : start.end()])
        end = data.find(b"endstream", start.end())
        end = len(data) if end < 0 else end
        hides_an_object = _PDF_OBJECT_START.search(data, start.end(), end)
        position = start.end() if hides_an_object else end
    parts.append(data[position:])
    return b"\n".join(parts)


def _pdf_object_streams(data: bytes) -> Iterator[tuple[bytes, int]]:
    """Each object stream's dictionary (names written out) and where its contents start.
    Every stream keyword counts, even one inside another stream, with what came since the
    keyword before it as its dictionary: a string holding the word "stream" cannot hide the
    object stream that follows it."""
    previous = 0
    for keyword in _PDF_STREAM_START.finditer(data):
        dictionary = _pdf_names(data[previous : keyword.start()])
        previous = keyword.end()
        if _PDF_OBJECT_STREAM.search(dictionary):
            yield dictionary, keyword.end()


def _pdf_names(data: bytes) -> bytes:
    """The bytes with the #-escapes in names written out: /J#61vaScript is /JavaScript."""

    def unescape(name: re.Match) -> bytes:
        return _PDF_ESCAPE.sub(lambda escape: bytes([int(escape[1], 16)]), name[0])

    return _PDF_ESCAPED_NAME.sub(unescape, data)


def _check_docx(upload: UploadedFile, name: str) -> None:
    if _read(upload, 0, 8) == OLE_SIGNATURE:
        raise ValidationError(
            f"“{name}” is an older Word (.doc) file or a password-protected document. "
            "Save it as PDF, or as a Word document (.docx) without a password."
        )
    damaged = ValidationError(f"“{name}” is damaged or is not a Word document (.docx).")
    entries = _zip_entry_count(upload)
    if entries is None:
        raise damaged
    if entries > MAX_ZIP_ENTRIES:
        raise ValidationError(f"“{name}” holds too many parts to be a Word document.")
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if not {"[Content_Types].xml", "word/document.xml"} <= names:
                raise ValidationError(f"“{name}” is not a Word document (.docx).")
            _expand_within_limit(archive, name)
            macros = any(n.lower().endswith("vbaproject.bin") for n in names)
            if macros or _part_type(archive, "/word/document.xml") != WORD_MAIN_TYPE:
                raise ValidationError(
                    f"“{name}” is not a plain Word document (.docx); documents with macros "
                    "and templates are not accepted. Save it as PDF or .docx."
                )
            if _links_outside(archive, "word/_rels/settings.xml.rels"):
                raise ValidationError(
                    f"“{name}” loads a template from elsewhere. Save it as PDF, or as a "
                    "Word document without an attached template."
                )
    except ValidationError:
        raise
    except Exception:  # any failure to parse untrusted content: not an acceptable file
        raise damaged from None
    finally:
        upload.seek(0)


def _zip_entry_count(upload: UploadedFile) -> int | None:
    """How many parts the zip's end record declares, read before anything parses the
    directory itself (which could hold hundreds of thousands of entries)."""
    tail_size = min(upload.size, ZIP_END_RECORD.size + 65535)
    tail = _read(upload, upload.size - tail_size, tail_size)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < ZIP_END_RECORD.size:
        return None
    return ZIP_END_RECORD.unpack_from(tail, at)[4]


def _expand_within_limit(archive: zipfile.ZipFile, name: str) -> None:
    """Decompress every part, counting real bytes: sizes declared in a zip can lie."""
    budget = MAX_UNCOMPRESSED_BYTES
    for entry in archive.infolist():
        with archive.open(entry) as member:
            while chunk := member.read(CHUNK):
                budget -= len(chunk)
                if budget < 0:
                    raise ValidationError(
                        f"“{name}” expands to more than {MAX_UNCOMPRESSED_BYTES // 2**20} MB "
                        "when opened, which no policy or agreement needs."
                    )


def _xml_part(archive: zipfile.ZipFile, part: str):
    with archive.open(part) as member:
        data = member.read(MAX_XML_PART_BYTES + 1)
    if len(data) > MAX_XML_PART_BYTES:
        raise ValueError(f"{part} is too large")
    return safe_xml.fromstring(data)


def _part_type(archive: zipfile.ZipFile, part_name: str) -> str:
    """The content type [Content_Types].xml gives a part, "" when it gives none."""
    for override in _xml_part(archive, "[Content_Types].xml").iter(
        f"{{{CONTENT_TYPES_NS}}}Override"
    ):
        if override.get("PartName") == part_name:
            return override.get("ContentType", "")
    return ""


def _links_outside(archive: zipfile.ZipFile, rels: str) -> bool:
    """Whether a relationships part points outside the file (a remote template)."""
    if rels not in archive.namelist():
        return False
    relationships = _xml_part(archive, rels).iter(f"{{{RELATIONSHIPS_NS}}}Relationship")
    return any(r.get("TargetMode") == "External" for r in relationships)


def _image_check(format_name: str, signature: bytes) -> Callable[[UploadedFile, str], None]:
    def check(upload: UploadedFile, name: str) -> None:
        if _read(upload, 0, len(signature)) != signature:
            raise ValidationError(f"“{name}” is not a {format_name} image.")
        upload.seek(0)
        try:
            with Image.open(upload) as image:
                if image.width * image.height > MAX_IMAGE_PIXELS:
                    raise ValidationError(f"“{name}” is too large an image.")
                image.verify()
        except ValidationError:
            raise
        except Exception:  # any failure to decode untrusted content: not an image we accept
            raise ValidationError(f"“{name}” is damaged or is not a {format_name} image.") from None
        finally:
            upload.seek(0)

    return check


PDF = FileType("PDF", "application/pdf", (".pdf",), _check_pdf)
DOCX = FileType(
    "Word (.docx)",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    (".docx",),
    _check_docx,
)
PNG = FileType("PNG", "image/png", (".png",), _image_check("PNG", b"\x89PNG\r\n\x1a\n"))
JPEG = FileType("JPEG", "image/jpeg", (".jpg", ".jpeg"), _image_check("JPEG", b"\xff\xd8\xff"))

AGREEMENT_TYPES = (PDF, DOCX)
EVIDENCE_TYPES = (PDF, PNG, JPEG)
KNOWN_TYPES = (PDF, DOCX, PNG, JPEG)


@dataclass(frozen=True)
class CheckedUpload:
    """An upload that passed `check_upload`: the only thing `store` accepts."""

    upload: UploadedFile
    file_type: FileType
    filename: str
    size: int
    sha256: str


def accepted_list(types: Sequence[FileType]) -> str:
    labels = [t.label for t in types]
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " or " + labels[-1]


def check_upload(upload: UploadedFile, types: Sequence[FileType]) -> CheckedUpload:
    """The upload as a CheckedUpload, or a ValidationError saying what is wrong with it."""
    name = display_name(upload.name or "")
    if not upload.size:
        raise ValidationError(f"“{name}” is empty.")
    if upload.size > MAX_BYTES:
        raise ValidationError(
            f"“{name}” is {upload.size / 2**20:.1f} MB; files can be at most "
            f"{MAX_BYTES // 2**20} MB."
        )
    file_type = _claimed_type(name, types) or _sniffed_type(upload, types)
    if file_type is None:
        raise ValidationError(f"Upload a {accepted_list(types)} file.")
    file_type.check(upload, name)
    return CheckedUpload(
        upload=upload,
        file_type=file_type,
        filename=_with_extension(name, file_type),
        size=upload.size,
        sha256=_sha256(upload),
    )


def _claimed_type(name: str, types: Sequence[FileType]) -> FileType | None:
    """The type the name's extension claims. A known type not accepted here is refused;
    any other ending ("Policy v2.1", "MOU 2024.03", none at all) leaves it to the content."""
    extension = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    for file_type in types:
        if extension in file_type.extensions:
            return file_type
    if any(extension in known.extensions for known in KNOWN_TYPES):
        raise ValidationError(
            f"“{name}” cannot be uploaded here. Upload a {accepted_list(types)} file."
        )
    return None


def _sniffed_type(upload: UploadedFile, types: Sequence[FileType]) -> FileType | None:
    """For a name without a known extension: the accepted type its content passes, if any."""
    for file_type in types:
        try:
            file_type.check(upload, "")
        except ValidationError:
            continue
        return file_type
    return None


def display_name(name: str) -> str:
    """The user's file name made safe to show and to send back in a header: cleaned as
    every name is, without its folders or the characters that file systems refuse."""
    name = re.split(r"[\\/]", clean_name(name))[-1]
    name = " ".join(re.sub(r'[<>:"|?*;]', "", name).split()).rstrip(". ")
    return name[-200:] or "document"


def _with_extension(name: str, file_type: FileType) -> str:
    stem, dot, extension = name.rpartition(".")
    if dot and "." + extension.lower() in file_type.extensions:
        name = stem.rstrip(". ")
    return f"{name[:150] or 'document'}{file_type.extension}"


def _read(upload: UploadedFile, offset: int, size: int) -> bytes:
    upload.seek(offset)
    data = upload.read(size)
    upload.seek(0)
    return data


def _sha256(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks(CHUNK):
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def store(checked: CheckedUpload, *, agency: Agency, actor: User, kind: str) -> Document:
    """Write the file under a server-made name and its row; call inside the transaction.

    If the transaction then rolls back, the file stays behind without a row;
    `sweep_orphans` removes such files.
    """
    document = Document(
        agency=agency,
        kind=kind,
        filename=checked.filename,
        content_type=checked.file_type.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=actor,
    )
    checked.upload.seek(0)
    document.file.save(checked.filename, checked.upload, save=False)
    document.save()
    return document


# Files held by several agencies at once (a regional class's attendance sheet): in a folder of
# no agency's, so no agency's folder holds another's file.
SHARED_FOLDER = "documents/shared"


def store_file_once(checked: CheckedUpload, *, folder: str = SHARED_FOLDER) -> str:
    """Write a checked file under a server-made name in `folder`; its stored name. By
    default a file several agencies' documents will name: call inside the transaction that
    writes those documents (`document_of_stored`). The program's own files (the library's)
    name another folder, outside `documents/`, which `sweep_orphans` keeps to agencies'."""
    checked.upload.seek(0)
    name = f"{folder}/{uuid.uuid4().hex}{checked.file_type.extension}"
    return default_storage.save(name, checked.upload)


def document_of_stored(
    stored: str, checked: CheckedUpload, *, agency: Agency, actor: User, kind: str
) -> Document:
    """One agency's document row of a file stored once (`store_file_once`): the agency's
    evidence stays its own row, while the file is written only once."""
    document = Document(
        agency=agency,
        kind=kind,
        file=stored,
        filename=checked.filename,
        content_type=checked.file_type.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=actor,
    )
    document.save()
    return document


def sweep_orphans(min_age: timedelta = timedelta(days=1)) -> int:
    """Delete stored files that no document row names (left by a rolled-back change)."""
    cutoff = timezone.now() - min_age
    removed = 0
    try:
        folders, _ = default_storage.listdir("documents")
    except FileNotFoundError:
        return 0
    for folder in folders:
        prefix = f"documents/{folder}/"
        known = set(
            Document.all_agencies.filter(file__startswith=prefix).values_list("file", flat=True)
        )
        for name in default_storage.listdir(prefix)[1]:
            path = prefix + name
            if path not in known and default_storage.get_modified_time(path) < cutoff:
                default_storage.delete(path)
                removed += 1
    return removed


def serve(document: Document) -> FileResponse:
    return serve_file(document.file, document.filename, document.content_type)


def serve_file(file, filename: str, content_type: str) -> FileResponse:
    """A private file, always as a download: never sniffed, never cached, and should a
    browser display it anyway, sandboxed (no script, no form, not this site's origin)."""
    response = FileResponse(
        file.open("rb"), as_attachment=True, filename=filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


# A PDF asked for on a page is usually made by the worker within seconds.
BEING_PREPARED_RETRY_SECONDS = 10


def being_prepared(request, heading: str, *, retry_label: str, back: tuple[str, str]):
    """202 with Retry-After: the worker is making the file this page asked for; the page says
    so, offers to try again and a way `back` (url, label)."""
    back_url, back_label = back
    context = {
        "heading": heading,
        "retry_label": retry_label,
        "back_url": back_url,
        "back_label": back_label,
    }
    response = render(request, "pdf_pending.html", context, status=202)
    response["Retry-After"] = str(BEING_PREPARED_RETRY_SECONDS)
    return response


def audit_value(document: Document | None) -> str | None:
    """How a document appears in an audit event: its name and its fingerprint."""
    if document is None:
        return None
    return f"{document.filename} (SHA-256 {document.sha256})"
