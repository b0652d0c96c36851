"""The signed copy as a PDF (WeasyPrint, which needs the Pango system library).

Rendering never touches the network or the disk: the URL fetcher refuses every fetch, so a link or
image in the text cannot make the server fetch anything. Where WeasyPrint cannot load (Pango
missing), `PdfUnavailable` says so and the views answer with a message instead of a file."""

from django.template.loader import render_to_string

from .models import Signature


class PdfUnavailable(Exception):
    """WeasyPrint or its system libraries are not installed."""


def _weasyprint():
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: Pango's shared library is missing
        raise PdfUnavailable(str(exc)) from exc
    return weasyprint


def signed_pdf(signature: Signature) -> bytes:
    weasyprint = _weasyprint()

    class NoFetch(weasyprint.URLFetcher):
        def fetch(self, url, headers=None):
            raise ValueError(f"Fetching {url} is not allowed while rendering an agreement.")

    html = render_to_string("partners/agreements/signed_pdf.html", {"signature": signature})
    return weasyprint.HTML(string=html, url_fetcher=NoFetch()).write_pdf()


def pdf_filename(signature: Signature) -> str:
    return f"agreement-{signature.version.template_id}-v{signature.version.number}-{signature.partner_id}.pdf"
