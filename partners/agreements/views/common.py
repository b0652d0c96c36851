from allauth.account.adapter import get_adapter
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from ..models import Signature
from ..pdf import PdfUnavailable, pdf_filename, signed_pdf


def client_ip(request) -> str | None:
    """The client's address as sign-in rate limits see it (REMOTE_ADDR, or what trusted proxies set)."""
    return get_adapter().get_client_ip(request) or None


def user_agent(request) -> str:
    return request.META.get("HTTP_USER_AGENT", "")[:500]


def pdf_response(request, signature: Signature) -> HttpResponse:
    """The signed copy as a download, or a page saying why there is none (503: the server lacks Pango)."""
    try:
        content = signed_pdf(signature)
    except PdfUnavailable:
        return render(request, "partners/agreements/pdf_unavailable.html", {"signature": signature,
                      "message": _("The signed copy cannot be made as a PDF on this server: its PDF library "
                                   "(WeasyPrint with Pango) is not installed. The signed text is shown on the agreement's page.")},
                      status=503)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pdf_filename(signature)}"'
    return response
