"""Server-drawn SVG charts: no script, no external library, readable by screen readers via a table.

The NPS line fills its card at any width: the outer SVG is 100% wide with a fixed height, points
and labels sit at percentages of the width (so text keeps its size on a phone), and the band and
the line are drawn in an inner SVG whose viewBox is stretched to the same box.
"""

from datetime import date, timedelta

from babel.dates import format_skeleton
from django import template
from django.template.defaultfilters import floatformat
from django.utils import translation
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _, ngettext

from prm.i18n.formatting import number

register = template.Library()

HEIGHT = 240  # px, whatever the width
TOP, BOTTOM = 26, 50  # room for value labels above, month labels below
LEFT, RIGHT = 9.0, 92.0  # % of the width: the y-axis labels sit left of LEFT, the last month's labels fit right of RIGHT
MAX_LABELS = 12  # more months than this: label every second (third…) one
INNER_WIDTH = 1000  # the inner viewBox is 1000 wide: x in % × 10


def _y(value):
    return TOP + (100 - value) / 200 * (HEIGHT - TOP - BOTTOM)


def _month(period: str) -> date:
    year, month = period.split("-")
    return date(int(year), int(month), 1)


def _months(start: date, end: date) -> list[str]:
    periods, day = [], start.replace(day=1)
    while day <= end:
        periods.append(day.strftime("%Y-%m"))
        day = (day + timedelta(days=32)).replace(day=1)
    return periods


def _so_far(run) -> str | None:
    """The run's month, unless the run counted it to its last day."""
    if (run.run_date + timedelta(days=1)).month == run.run_date.month:
        return run.run_date.strftime("%Y-%m")
    return None


def _whole(value) -> str:
    return number(round(value))


def _describe(point, minimum) -> str:
    """The point's tooltip: a whole sentence per case, for the translators."""
    values = {"month": point["month"], "nps": _whole(point["nps"]), "low": _whole(point["low"]),
              "high": _whole(point["high"]), "n": number(point["n"]), "minimum": number(minimum)}
    n = point["n"]
    if point["thin"] and point["so_far"]:
        text = ngettext("%(month)s (so far): NPS %(nps)s, 95%% interval %(low)s to %(high)s, %(n)s answer: "
                        "fewer than the %(minimum)s needed for a full point",
                        "%(month)s (so far): NPS %(nps)s, 95%% interval %(low)s to %(high)s, %(n)s answers: "
                        "fewer than the %(minimum)s needed for a full point", n)
    elif point["thin"]:
        text = ngettext("%(month)s: NPS %(nps)s, 95%% interval %(low)s to %(high)s, %(n)s answer: "
                        "fewer than the %(minimum)s needed for a full point",
                        "%(month)s: NPS %(nps)s, 95%% interval %(low)s to %(high)s, %(n)s answers: "
                        "fewer than the %(minimum)s needed for a full point", n)
    elif point["so_far"]:
        text = ngettext("%(month)s (so far): NPS %(nps)s, 95%% interval %(low)s to %(high)s, %(n)s answer",
                        "%(month)s (so far): NPS %(nps)s, 95%% interval %(low)s to %(high)s, %(n)s answers", n)
    else:
        text = ngettext("%(month)s: NPS %(nps)s, 95%% interval %(low)s to %(high)s, %(n)s answer",
                        "%(month)s: NPS %(nps)s, 95%% interval %(low)s to %(high)s, %(n)s answers", n)
    return text % values


def _axis_lines(period: str, index: int, so_far: bool, language: str) -> list[str]:
    month = _month(period)
    lines = [format_skeleton("MMM", month, locale=language)]
    if index == 0 or month.month == 1:
        lines.append(str(month.year))
    if so_far:
        lines.append(_("so far"))
    return lines


def chart_points(scores, run, minimum: int) -> list[dict]:
    """One dict per month of the run's window, oldest first: where to draw it and how.

    A month below `minimum` answers is `thin` (a hollow point with its interval, off the line); a
    month without answers is `empty` (a gap); the run's own month is `so_far` unless the run
    counted it to the end."""
    by_period = {s.period: s for s in scores}
    periods = _months(run.window_start, run.window_end) if run is not None else sorted(by_period)
    so_far = _so_far(run) if run is not None else None
    language = translation.to_locale(translation.get_language() or "en")
    step = (RIGHT - LEFT) / max(len(periods) - 1, 1)
    every = -(-len(periods) // MAX_LABELS)  # ceiling division
    points = []
    for index, period in enumerate(periods):
        score = by_period.get(period)
        x = LEFT + index * step if len(periods) > 1 else (LEFT + RIGHT) / 2
        labelled = index % every == 0 or index == len(periods) - 1
        point = {
            "period": period, "month": date_format(_month(period), "YEAR_MONTH_FORMAT"), "x": f"{x:.2f}",
            "so_far": period == so_far, "n": score.n if score else 0, "empty": score is None or score.nps is None,
            "axis": _axis_lines(period, index, period == so_far, language) if labelled else [],
        }
        if not point["empty"]:
            y = _y(score.nps)
            # Coordinates as text: a template would write a float the language's way ("8,5" in German).
            point.update(nps=score.nps, low=score.ci_low, high=score.ci_high, thin=score.n < minimum,
                         y=f"{y:.1f}", y_low=f"{_y(score.ci_low):.1f}", y_high=f"{_y(score.ci_high):.1f}",
                         nps_text=_whole(score.nps), low_text=_whole(score.ci_low), high_text=_whole(score.ci_high),
                         label_y=f"{y - 9 if y - 9 > 12 else y + 19:.1f}", show_label=labelled)
            point["title"] = _describe(point, minimum)
            point["label"] = (_("n = %(n)s") % {"n": number(score.n)}) if point["thin"] else point["nps_text"]
        points.append(point)
    return points


def _runs(points):
    """Stretches of consecutive full months (not thin, not empty, not so far): the solid line."""
    runs, current = [], []
    for point in points:
        if point["empty"] or point["thin"] or point["so_far"]:
            if current:
                runs.append(current)
            current = []
        else:
            current.append(point)
    if current:
        runs.append(current)
    return runs


def _inner(x: str) -> str:
    """A point's x (text, in % of the width) in the inner viewBox's units."""
    return f"{float(x) * INNER_WIDTH / 100:.1f}"


def chart_shapes(points) -> dict:
    """The band polygons, solid polylines and the dashed step into the month so far (inner coordinates),
    and the points drawn with an interval line of their own."""
    bands, lines, whiskers = [], [], []
    for run in _runs(points):
        if len(run) == 1:
            whiskers.append(run[0])
            continue
        upper = " ".join(f"{_inner(p['x'])},{p['y_high']}" for p in run)
        lower = " ".join(f"{_inner(p['x'])},{p['y_low']}" for p in reversed(run))
        bands.append(f"{upper} {lower}")
        lines.append(" ".join(f"{_inner(p['x'])},{p['y']}" for p in run))
    dashed = None
    for before, point in zip(points, points[1:]):
        if point["so_far"] and not point["empty"] and not point["thin"]:
            whiskers.append(point)
            if not before["empty"] and not before["thin"]:
                dashed = {"x1": _inner(before["x"]), "y1": before["y"], "x2": _inner(point["x"]), "y2": point["y"]}
    whiskers += [p for p in points if not p["empty"] and p["thin"]]
    return {"bands": bands, "lines": lines, "dashed": dashed, "whiskers": whiskers}


GRID = (100, 50, 0, -50, -100)


@register.inclusion_tag("surveys/includes/nps_chart.html")
def nps_over_time(scores, title, run, minimum):
    """A line of monthly NPS with its 95% interval as a band, and the same figures as a table.

    Months below `minimum` answers are hollow points with their interval, off the line; months
    without answers are gaps; the month the run is in is marked "so far"."""
    points = chart_points(scores, run, minimum)
    drawn = [p for p in points if not p["empty"]]
    return {
        "title": title, "points": points, "drawn": drawn, "minimum": minimum, "height": HEIGHT,
        "left": f"{LEFT:.0f}", "right": f"{RIGHT:.0f}", "inner_width": INNER_WIDTH, "axis_y": HEIGHT - BOTTOM + 16,
        "grid": [{"value": _whole(v), "y": f"{_y(v):.1f}", "text_y": f"{_y(v) + 4:.1f}"} for v in GRID],
        "has_thin": any(p["thin"] for p in drawn), "has_so_far": any(p["so_far"] for p in points),
        **chart_shapes(points),
    }


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
