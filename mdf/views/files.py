"""Proof files of fund claims, served only by a view that found the proof in scope (the claim's
partner in the portal, the tenant on the dashboard): a download by default; inline only an image
(PNG, JPEG) for the dashboard's review page, from this same origin, so the strict CSP holds."""

from django.http import FileResponse, Http404

from prm.spreadsheets import XLSX

from ..models import ClaimProof

CONTENT_TYPES = {"pdf": "application/pdf", "png": "image/png", "jpeg": "image/jpeg", "xlsx": XLSX,
                 "csv": "text/csv"}
INLINE = ("png", "jpeg")


def proof_response(proof: ClaimProof, *, inline: bool = False) -> FileResponse:
    """The stored file; one whose kind is not allowed here (or inline, not an image), or whose file is gone, is a 404."""
    if proof.kind not in CONTENT_TYPES or (inline and proof.kind not in INLINE):
        raise Http404
    try:
        handle = proof.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=CONTENT_TYPES[proof.kind], as_attachment=not inline,
                            filename=proof.name)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
