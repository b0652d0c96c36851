"""An agreement's Markdown body as the HTML a partner reads and signs.

Placeholders are plain text replaced after rendering (no template language): `{{ partner_name }}`
and `{{ date }}` (spaces inside the braces optional). The Markdown is rendered, then sanitised with
nh3 (an allowlist of tags and attributes: no scripts, styles, event handlers, images or forms), then
the placeholders become the partner's name and the date, HTML-escaped. The result is what the
signer sees and what the signature's SHA-256 covers, byte for byte."""

import hashlib
import re
from datetime import date

import markdown
import nh3
from django.utils.formats import date_format
from django.utils.html import escape

PLACEHOLDERS = ("partner_name", "date")
_PLACEHOLDER = re.compile(r"\{\{\s*(partner_name|date)\s*\}\}")
# Markers Markdown leaves alone (letters only) that stand for a placeholder while the text is rendered.
_MARKER = "PRMPLACEHOLDER{}END"

ALLOWED_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "strong", "em", "b", "i", "u", "blockquote",
                "ul", "ol", "li", "dl", "dt", "dd", "code", "pre", "table", "thead", "tbody", "tr", "th", "td", "a"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}, "ol": {"start"}}


def _marker(name: str) -> str:
    return _MARKER.format(name.replace("_", "").upper())


def render_html(body: str, *, partner_name: str, on: date) -> str:
    """The sanitised HTML of `body` with the placeholders filled in."""
    marked = _PLACEHOLDER.sub(lambda m: _marker(m.group(1)), body)
    html = markdown.markdown(marked, extensions=["tables", "sane_lists"], output_format="html")
    clean = nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes={"http", "https", "mailto"},
                      link_rel="noopener noreferrer nofollow")
    values = {"partner_name": escape(partner_name), "date": escape(date_format(on, "DATE_FORMAT"))}
    for name, value in values.items():
        clean = clean.replace(_marker(name), value)
    return clean


def sha256_of(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
