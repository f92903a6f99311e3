"""Files as agencies upload them: real documents, and the disguised ones that must be refused."""

import io
import zipfile
from functools import cache

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


@cache
def pdf_bytes() -> bytes:
    """A real PDF, rendered by WeasyPrint."""
    from weasyprint import HTML

    return HTML(string="<h1>Crisis response policy</h1><p>Section 4: referrals.</p>").write_pdf()


def docx_bytes(*, content_type: str = DOCX_TYPE, padding: int = 0) -> bytes:
    """A minimal Word document (the parts Word needs to open it), optionally padded."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/'
            '2006/content-types"><Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
            f'ContentType="application/xml"/><Override PartName="/word/document.xml" '
            f'ContentType="{content_type}"/></Types>',
        )
        archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
            'openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
            'Target="word/document.xml"/></Relationships>',
        )
        archive.writestr(
            "word/document.xml",
            '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
            'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Memorandum of understanding'
            "</w:t></w:r></w:p></w:body></w:document>",
        )
        if padding:
            archive.writestr("word/media/padding.bin", b"\0" * padding)
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
