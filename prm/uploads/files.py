"""Reading an upload under a size cap, and checking its kind by content against an allowlist."""

from collections.abc import Collection

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.text import get_text_list
from django.utils.translation import gettext as _

from .kinds import EXTENSIONS, ZIP, ZIP_KINDS, kind_of_content, kind_of_name
from .spreadsheet import check_archive

CHUNK = 64 * 1024
HEAD = 4096  # enough to tell every kind apart


def read_capped(upload, *, max_bytes: int) -> bytes:
    """The upload's bytes, read in chunks; refused as soon as more than `max_bytes` arrived.

    The declared size is not trusted: counting while reading also bounds a file object that
    lies about its size or has none.
    """
    return b"".join(_chunks(upload, max_bytes))


def _chunks(upload, max_bytes):
    upload.seek(0)
    chunks = upload.chunks(CHUNK) if hasattr(upload, "chunks") else iter(lambda: upload.read(CHUNK), b"")
    total = 0
    for chunk in chunks:
        total += len(chunk)
        if total > max_bytes:
            raise ValidationError(
                _("The file is larger than %(limit)s; split it or make it smaller.")
                % {"limit": filesizeformat(max_bytes)}, code="too_large")
        yield chunk
    upload.seek(0)


def kind_checked(name: str, head: bytes, allowed_types: Collection[str]) -> str:
    """The file's kind if its name and its content agree on one of `allowed_types`, else refused."""
    named = kind_of_name(name)
    if named not in allowed_types:
        extensions = [EXTENSIONS[kind][0] for kind in allowed_types]
        raise ValidationError(_("Upload a %(extensions)s file.") % {"extensions": get_text_list(extensions, _("or"))},
                              code="file_type")
    found = kind_of_content(head)
    if found == named or (named in ZIP_KINDS and head.startswith(ZIP)):
        return named
    if found == "ole2" and named == "xlsx":
        message = _("This is an old-style or password-protected Excel file. Save it as an unprotected "
                    "Excel workbook (.xlsx) and upload it again.")
    elif found == "csv" and named == "xlsx":
        message = _("This file is named .xlsx but holds text (CSV). Rename it .csv, or save it as an "
                    "Excel workbook.")
    elif named == "csv":
        message = _("This file is named .csv but is not UTF-8 text. Save it as “CSV UTF-8” and upload it again.")
    else:
        message = _("This file is named %(extension)s but its content is not a %(extension)s file.") % {
            "extension": EXTENSIONS[named][0]}
    raise ValidationError(message, code="file_type")


def check_file(upload, *, allowed_types: Collection[str], max_bytes: int, field: str = "file") -> str:
    """Check a stored upload (a PDF proof, a logo…): size under `max_bytes`, kind by content.

    Returns the kind ("pdf", "png", "jpeg", "xlsx", "csv", "docx", "pptx", "zip"); raises ValidationError on `field`.
    A workbook must also open as one and not inflate past the spreadsheet limits (a zip bomb is refused
    before anyone downloads it). The upload is rewound, ready to be saved through the storage API.
    """
    try:
        head = b""
        for chunk in _chunks(upload, max_bytes):  # counted to the end, only the head kept
            if len(head) < HEAD:
                head += chunk[:HEAD - len(head)]
        kind = kind_checked(upload.name, head, allowed_types)
        if kind == "xlsx":
            check_archive(upload)
            upload.seek(0)
        return kind
    except ValidationError as exc:
        raise ValidationError({field: exc.error_list}) from None
