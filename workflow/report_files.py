"""Uploaded report files: checked by what they hold, not by their name (an HTML page named
report.pdf is refused), and served only to those who may see the case, as a download that
the browser will not sniff into something it runs."""

import zipfile
from pathlib import Path

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97-2003 (.doc)
ZIP = b"PK\x03\x04"
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
# Extension -> the content type it is served with.
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
}


def extension(name: str) -> str:
    return Path(name).suffix.lower().lstrip(".")


def _zip_holds(file, kind: str) -> bool:
    # Reads the central directory and, for ODT, the tiny stored `mimetype` entry: nothing that
    # a zip bomb could inflate.
    try:
        with zipfile.ZipFile(file) as archive:
            if kind == "docx":
                return "word/document.xml" in archive.namelist()
            with archive.open("mimetype") as mimetype:
                return mimetype.read(len(ODT_MIMETYPE) + 1).strip() == ODT_MIMETYPE
    except (zipfile.BadZipFile, KeyError, OSError):
        return False


def _looks_like(file, kind: str) -> bool:
    head = file.read(8)
    file.seek(0)
    if kind == "pdf":
        return head.startswith(b"%PDF-")
    if kind == "doc":
        return head == OLE2
    if kind in ("docx", "odt"):
        if not head.startswith(ZIP):
            return False
        try:
            return _zip_holds(file, kind)
        finally:
            file.seek(0)
    return False


def validate_report_content(file) -> None:
    """The file holds what its name says (a PDF starts %PDF-, a .docx is a Word zip...).
    An unknown extension is left to the extension validator, which names the allowed ones."""
    kind = extension(file.name)
    if kind not in CONTENT_TYPES:
        return
    try:
        file.seek(0)
        matches = _looks_like(file, kind)
    except (OSError, ValueError):
        matches = False
    if not matches:
        raise ValidationError(
            f"The report is not a real .{kind} file: upload the report as PDF, Word or "
            "OpenDocument text"
        )


def report_file_response(challenge) -> FileResponse:
    """The case's uploaded report as a download; 404 when it has none or its file is gone.
    The caller has already checked that the user may see the case."""
    if not challenge.report_file:
        raise Http404("this case has no uploaded report")
    kind = extension(challenge.report_file.name)
    try:
        handle = challenge.report_file.open("rb")
    except FileNotFoundError:
        raise Http404("the report's file is missing") from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"{challenge.reference}-report.{kind}",
        content_type=CONTENT_TYPES.get(kind, "application/octet-stream"),
    )
    # Whatever the file holds, the browser saves it and never renders it on our origin.
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
