"""A content file in and out: the upload checked by the shared module (kind by content, size capped
while reading) with its SHA-256, and the download served only as an attachment by a view that
found the item in scope. The file lives in Django's default storage under a non-public path
(local disk by default; an S3-compatible bucket when STORAGES["default"] says so)."""

import hashlib

from django.http import FileResponse, Http404

from prm.uploads import check_file
from prm.uploads.files import CHUNK

from .models import ContentVersion

MAX_BYTES = 9 * 1024 * 1024  # under the request cap (PRM_MAX_REQUEST_BYTES, 10 MB by default)
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpeg": "image/jpeg",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "zip": "application/zip",
}


def checked_upload(upload, *, field: str = "file") -> tuple[str, int, str]:
    """(content type, size, SHA-256) of an allowed upload; a ValidationError on `field` otherwise."""
    kind = check_file(upload, allowed_types=tuple(CONTENT_TYPES), max_bytes=MAX_BYTES, field=field)
    digest, size = hashlib.sha256(), 0
    upload.seek(0)
    for chunk in upload.chunks(CHUNK) if hasattr(upload, "chunks") else iter(lambda: upload.read(CHUNK), b""):
        digest.update(chunk)
        size += len(chunk)
    upload.seek(0)
    return CONTENT_TYPES[kind], size, digest.hexdigest()


def download_response(version: ContentVersion) -> FileResponse:
    """The version's file as an attachment under its original name; a file gone from storage is a 404."""
    try:
        handle = version.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=version.filename, content_type=version.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
