"""Serving a partner's logo: only through a view that found the partner in scope."""

from django.http import FileResponse, Http404

from prm.uploads.kinds import kind_of_name

CONTENT_TYPES = {"png": "image/png", "jpeg": "image/jpeg"}


def logo_response(partner) -> FileResponse:
    """The stored logo; a partner without one (or whose file is gone) is the 404 of a missing one."""
    kind = kind_of_name(partner.logo.name) if partner.logo else None
    if kind not in CONTENT_TYPES:
        raise Http404
    try:
        handle = partner.logo.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=CONTENT_TYPES[kind])
    response["Cache-Control"] = "private, max-age=300"
    response["X-Content-Type-Options"] = "nosniff"
    return response
