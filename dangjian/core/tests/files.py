"""Small genuine files of every accepted type, for tests of uploads (the content checks read magic bytes).

``upload("报告.pdf")`` gives a SimpleUploadedFile whose content really is a PDF; pass
``content=`` to give it other bytes (a PNG called .pdf …).
"""

from __future__ import annotations

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def docx_bytes(text: str = "正文") -> bytes:
    from docx import Document

    doc = Document()
    doc.add_paragraph(text)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def xlsx_bytes() -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    book.active["A1"] = "姓名"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


SAMPLES = {
    "pdf": lambda: b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
    "png": lambda: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 32,
    "jpg": lambda: b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32,
    "jpeg": lambda: b"\xff\xd8\xff\xe1\x00\x10Exif\x00" + b"\x00" * 32,
    "gif": lambda: b"GIF89a\x01\x00\x01\x00" + b"\x00" * 16,
    "webp": lambda: b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 24,
    "doc": lambda: OLE,
    "xls": lambda: OLE,
    "ppt": lambda: OLE,
    "wps": lambda: OLE,
    "et": lambda: OLE,
    "docx": docx_bytes,
    "xlsx": xlsx_bytes,
    "pptx": lambda: _zip({"[Content_Types].xml": b"<Types/>", "ppt/presentation.xml": b"<p/>"}),
    "ofd": lambda: _zip({"OFD.xml": b"<ofd:OFD/>", "Doc_0/Document.xml": b"<d/>"}),
    "zip": lambda: _zip({"说明.txt": "材料".encode()}),
    "txt": lambda: "整改情况说明：已完成。\n".encode(),
}


def content(ext: str) -> bytes:
    return SAMPLES[ext]()


def upload(name: str, content: bytes | None = None) -> SimpleUploadedFile:
    """A file as the browser sends it; its content matches its extension unless ``content`` is given."""
    if content is None:
        content = SAMPLES[name.rsplit(".", 1)[-1].lower()]()
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")
