"""Server-drawn SVG charts: no script, no external library, readable by screen readers via a table."""

from django import template
from django.template.defaultfilters import floatformat
from django.utils import translation
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from prm.i18n.formatting import number

register = template.Library()

WIDTH, HEIGHT, PAD = 640, 220, 32


def _y(value):
    return PAD + (100 - value) / 200 * (HEIGHT - 2 * PAD)


@register.simple_tag
def nps_over_time(scores, title=None):
    """A line of monthly NPS with its 95% interval as a band; months without answers are gaps."""
    title = title or _("NPS over time")
    points = [s for s in scores if s.nps is not None]
    if not points:
        return format_html('<p class="muted">{}</p>', _("No answers in this period yet."))
    step = (WIDTH - 2 * PAD) / max(len(scores) - 1, 1)
    xs = {s.period: PAD + i * step for i, s in enumerate(scores)}
    band = " ".join(f"{xs[s.period]:.1f},{_y(s.ci_high):.1f}" for s in points)
    band += " " + " ".join(f"{xs[s.period]:.1f},{_y(s.ci_low):.1f}" for s in reversed(points))
    line = " ".join(f"{xs[s.period]:.1f},{_y(s.nps):.1f}" for s in points)
    labels = "".join(
        format_html('<text x="{}" y="{}" class="chart__label" text-anchor="middle">{}</text>',
                    f"{xs[s.period]:.1f}", HEIGHT - 6, s.period[2:])
        for s in scores
    )
    grid = "".join(
        format_html('<line x1="{}" x2="{}" y1="{}" y2="{}" class="chart__grid"/><text x="4" y="{}" class="chart__label">{}</text>',
                    PAD, WIDTH - PAD, f"{_y(v):.1f}", f"{_y(v):.1f}", f"{_y(v) + 4:.1f}", v)
        for v in (100, 50, 0, -50, -100)
    )
    dots = "".join(
        format_html('<circle cx="{}" cy="{}" r="3.5" class="chart__dot"><title>{}</title></circle>',
                    f"{xs[s.period]:.1f}", f"{_y(s.nps):.1f}",
                    _("%(month)s: NPS %(nps)s (95%% interval %(low)s to %(high)s, n = %(n)s)") % {
                        "month": s.period, "nps": f"{s.nps:.0f}", "low": f"{s.ci_low:.0f}", "high": f"{s.ci_high:.0f}",
                        "n": number(s.n)})
        for s in points
    )
    return mark_safe(
        f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" class="chart" role="img" aria-label="{escape(title)}">'
        f'{grid}<polygon points="{band}" class="chart__band"/><polyline points="{line}" class="chart__line"/>{dots}{labels}</svg>'
    )


@register.simple_tag
def interval_bar(low, high, nps):
    """A −100…100 track with the interval as a bar and the score as a tick."""
    if nps is None:
        return mark_safe('<span class="muted">—</span>')

    def pct(value):
        return (value + 100) / 2

    label = _("NPS %(nps)s with 95%% interval %(low)s to %(high)s") % {
        "nps": f"{nps:.0f}", "low": f"{low:.0f}", "high": f"{high:.0f}"}
    return format_html(
        '<span class="ibar" role="img" aria-label="{}">'
        '<svg viewBox="0 0 100 10" preserveAspectRatio="none"><line x1="50" x2="50" y1="0" y2="10" class="ibar__zero"/>'
        '<rect x="{}" y="2" width="{}" height="6" class="ibar__range"/>'
        '<rect x="{}" y="0" width="1" height="10" class="ibar__score"/></svg></span>',
        label, f"{pct(low):.2f}", f"{max(pct(high) - pct(low), 0.5):.2f}", f"{pct(nps) - 0.5:.2f}",
    )


@register.filter
def ordinal(value):
    from surveys.statistics import ordinal as to_ordinal

    return to_ordinal(int(value), translation.get_language() or "en") if value is not None else ""


@register.filter
def signed(value):
    """A change in NPS with its sign: +12, -3, 0."""
    text = floatformat(value, 0)
    return f"+{text}" if value > 0 else text
