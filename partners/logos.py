"""A partner's logo: stored on replacement (the old file removed once the change commits), and
served only through a view that found the partner in scope."""

from django.db import transaction
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


def logo_replace(partner, upload) -> str:
    """Store `upload` as the partner's logo (the caller saves the row) and return the old file's name.

    The old file is deleted only after the surrounding transaction commits: a rolled-back change
    keeps the logo the row still names. Called inside a service's transaction."""
    old_name = partner.logo.name if partner.logo else ""
    partner.logo.save(upload.name, upload, save=False)
    if old_name and old_name != partner.logo.name:
        storage = partner.logo.storage
        transaction.on_commit(lambda: storage.delete(old_name))
    return old_name
