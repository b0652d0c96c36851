"""Certificate files: checked by prm.uploads, stored through Django's storage API, served only
through a view that found the completion in scope."""

from django.http import FileResponse, Http404

from prm.uploads import check_file
from prm.uploads.kinds import kind_of_name

MAX_BYTES = 5 * 1024 * 1024
TYPES = ("pdf", "png", "jpeg")
CONTENT_TYPES = {"pdf": "application/pdf", "png": "image/png", "jpeg": "image/jpeg"}


def check_certificate(upload, field: str = "certificate") -> str:
    """The file's kind, or a ValidationError on `field` that says what to fix."""
    return check_file(upload, allowed_types=TYPES, max_bytes=MAX_BYTES, field=field)


def certificate_response(completion) -> FileResponse:
    """The stored certificate as a download; a completion without one (or whose file is gone) is a 404."""
    kind = kind_of_name(completion.certificate.name) if completion.certificate else None
    if kind not in CONTENT_TYPES:
        raise Http404
    try:
        handle = completion.certificate.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    filename = f"certificate-{completion.pk}{completion.certificate.name[completion.certificate.name.rfind('.'):]}"
    response = FileResponse(handle, content_type=CONTENT_TYPES[kind], as_attachment=True, filename=filename)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
