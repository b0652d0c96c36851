"""Server-drawn SVG charts: no script, no external library, readable by screen readers via a table."""

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

register = template.Library()

WIDTH, HEIGHT, PAD = 640, 220, 32


def _y(value):
    return PAD + (100 - value) / 200 * (HEIGHT - 2 * PAD)


@register.simple_tag
def nps_over_time(scores, title="NPS over time"):
    """A line of monthly NPS with its 95% interval as a band; months without answers are gaps."""
    points = [s for s in scores if s.nps is not None]
    if not points:
        return mark_safe('<p class="muted">No answers in this period yet.</p>')
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
        format_html('<circle cx="{}" cy="{}" r="3.5" class="chart__dot"><title>{}: NPS {} (95% interval {} to {}, n = {})</title></circle>',
                    f"{xs[s.period]:.1f}", f"{_y(s.nps):.1f}", s.period, f"{s.nps:.0f}", f"{s.ci_low:.0f}", f"{s.ci_high:.0f}", s.n)
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

    return format_html(
        '<span class="ibar" role="img" aria-label="NPS {} with 95% interval {} to {}">'
        '<svg viewBox="0 0 100 10" preserveAspectRatio="none"><line x1="50" x2="50" y1="0" y2="10" class="ibar__zero"/>'
        '<rect x="{}" y="2" width="{}" height="6" class="ibar__range"/>'
        '<rect x="{}" y="0" width="1" height="10" class="ibar__score"/></svg></span>',
        f"{nps:.0f}", f"{low:.0f}", f"{high:.0f}", f"{pct(low):.2f}", f"{max(pct(high) - pct(low), 0.5):.2f}", f"{pct(nps) - 0.5:.2f}",
    )


@register.filter
def ordinal(value):
    from surveys.statistics import ordinal as to_ordinal

    return to_ordinal(int(value)) if value is not None else ""
