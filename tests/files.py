"""Files as agencies upload them: real documents, and the disguised ones that must be refused."""

import io
import re
import zipfile
import zlib
from contextlib import contextmanager
from functools import cache
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook
from PIL import Image

# A roster as an agency exports it: a byte-order mark, names as "Last, First", dates written
# three ways, a blank line and cells padded with spaces.
ROSTER_CSV = (
    "\ufeffEmployee ID,Name,Rank,Sworn,Status,Hire Date\r\n"
    '1001,"Delgado, Maria",Officer,Sworn,Active,06/03/2019\r\n'
    '1002,"O\'Brien, Sean",Sergeant,Sworn,Active,2011-09-14\r\n'
    "\r\n"
    '  1003 , "Ng, Lily ",Telecommunicator,Civilian,LOA,3/1/21\r\n'
).encode()

# A records system's export, as delivered: a title line, free-text assignments, Y/N sworn.
RIVERTON_ROSTER = (
    "Riverton PD personnel export\n"
    "Badge #,Last Name,First Name,Rank,Assignment,Sworn?,Status\n"
    "1001,Delgado,Maria,Officer,Patrol - B Shift,Y,Active\n"
    "1002,O'Brien,Sean,Sergeant,SRO,Y,LOA\n"
    "1003,Ng,Lily,Telecommunicator,Communications,Prof,Active\n"
)
# A learning system's export: the catalogue's courses by other names, and other training.
RIVERTON_TRAINING = (
    "Student ID,Course Title,Completion Date\n"
    "1001,Crisis Intervention Team (CIT),2026-05-10\n"
    "1002,Mental Health First Aid - Public Safety,2026-06-01\n"
    "1002,Defensive Tactics,2026-06-02\n"
)

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


@cache
def pdf_bytes() -> bytes:
    """A real PDF, rendered by WeasyPrint."""
    from weasyprint import HTML

    return HTML(string="<h1>Crisis response policy</h1><p>Section 4: referrals.</p>").write_pdf()


def pdf_of_objects(*objects: bytes, trailer: bytes = b"") -> bytes:
    """A PDF written by hand: objects 1, 2, 3… as given (1 the catalog), with its table."""
    body = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
    offsets = []
    for number, content in enumerate(objects, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj\n" % number + content + b"\nendobj\n"
    table = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    body += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    body += b"trailer\n<< /Size %d /Root 1 0 R %s>>\n" % (len(objects) + 1, trailer)
    return body + b"startxref\n%d\n%%%%EOF\n" % table


def pdf_opening_with(action: bytes, *more: bytes, trailer: bytes = b"") -> bytes:
    """A one-page PDF that runs this action when opened (object 4), then further objects."""
    return pdf_of_objects(
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
        action,
        *more,
        trailer=trailer,
    )


def object_stream(objects: dict[int, bytes], *, packed=zlib.compress) -> bytes:
    """An object stream (PDF 1.5) holding these objects, compressed as readers expect."""
    offsets, content = [], b""
    for number, obj in objects.items():
        offsets.append(b"%d %d" % (number, len(content)))
        content += obj + b"\n"
    header = b" ".join(offsets) + b"\n"
    data = packed(header + content)
    return (
        b"<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
        % (len(objects), len(header), len(data))
        + data
        + b"\nendstream"
    )


def docx_bytes(*, content_type: str = DOCX_TYPE, padding: int = 0) -> bytes:
    """A minimal Word document (the parts Word needs to open it), optionally padded."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        # The same bytes every time: a part's time would otherwise be the clock's, and two
        # documents made either side of an even second would differ.
        def writestr(name: str, data) -> None:
            archive.writestr(
                zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)),
                data,
                compress_type=zipfile.ZIP_DEFLATED,
            )

        writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/'
            '2006/content-types"><Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
            f'ContentType="application/xml"/><Override PartName="/word/document.xml" '
            f'ContentType="{content_type}"/></Types>',
        )
        writestr(
            "_rels/.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
            'openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
            'Target="word/document.xml"/></Relationships>',
        )
        writestr(
            "word/document.xml",
            '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
            'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Memorandum of understanding'
            "</w:t></w:r></w:p></w:body></w:document>",
        )
        if padding:
            writestr("word/media/padding.bin", b"\0" * padding)
    return buffer.getvalue()


def image_bytes(format_name: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(buffer, format=format_name)
    return buffer.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def pdf(name: str = "certificate.pdf"):
    return upload(name, pdf_bytes(), "application/pdf")


def docx(name: str = "agreement.docx"):
    return upload(name, docx_bytes())


def png(name: str = "certificate.png"):
    return upload(name, image_bytes("PNG"), "image/png")


def jpeg(name: str = "certificate.jpg"):
    return upload(name, image_bytes("JPEG"), "image/jpeg")


def html_as_pdf(name: str = "policy.pdf"):
    """A web page renamed .pdf, with a script in it."""
    page = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
    return upload(name, page, "application/pdf")


def zip_bomb_as_docx(name: str = "agreement.docx"):
    """A Word document's parts plus 150 MB of zeros that compress to about 150 KB."""
    return upload(name, docx_bytes(padding=150 * 2**20))


def xlsx(*rows: list) -> bytes:
    """A workbook of these rows, as openpyxl saves it."""
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def with_rows(
    data: bytes, rows_xml: bytes, *, sheet: str = "sheet1", declared_size: bool = True
) -> bytes:
    """The workbook with these <row> elements added at the end of a sheet's data (and the
    sheet's declared size left out if asked)."""
    original = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as changed:
        for item in original.infolist():
            content = original.read(item)
            if item.filename == f"xl/worksheets/{sheet}.xml":
                content = content.replace(b"</sheetData>", rows_xml + b"</sheetData>")
                content = content.replace(
                    b"<sheetData />", b"<sheetData>" + rows_xml + b"</sheetData>"
                )
                if not declared_size:
                    content = re.sub(rb"<dimension [^>]*/>", b"", content)
            changed.writestr(item.filename, content)
    return buffer.getvalue()


def blank_rows(first: int, count: int) -> bytes:
    return b"".join(b'<row r="%d"/>' % number for number in range(first, first + count))


@contextmanager
def unpacked_bytes():
    """Counts the bytes the reader decompresses from the workbook's parts."""
    count = {"bytes": 0}
    read = zipfile.ZipExtFile.read

    def counting_read(self, n=-1):
        data = read(self, n)
        count["bytes"] += len(data)
        return data

    with mock.patch.object(zipfile.ZipExtFile, "read", counting_read):
        yield count
