"""The dashboard's MDF return on investment: per activity and per activity type, the leads, the deals
the partners registered from it and won, against what was spent; and the activity table's export."""

from django.shortcuts import render
from django.utils import timezone
from django.views import View

from prm.tenancy.views import DashboardViewMixin

from ..forms import RoiFilterForm
from ..periods import fiscal_year_label, fiscal_year_of
from ..roi import activity_roi, roi_export, roi_years
from ..selectors import mdf_settings_for

LIST_LIMIT = 500  # activities listed on the page; the export has them all


def _selection(request, tenant):
    """The fiscal year asked for (None: all years); by default this fiscal year, or the newest with
    activities. An unknown year falls back to the default."""
    years = roi_years(tenant)
    this_year = fiscal_year_of(timezone.localdate(), mdf_settings_for(tenant).fiscal_year_start_month)
    default = this_year if this_year in years or not years else years[0]
    form = RoiFilterForm(request.GET or None, years=years, initial={"year": default})
    if form.is_bound and form.is_valid():
        return form, form.cleaned_data["year"], this_year
    if form.is_bound:
        form = RoiFilterForm(years=years, initial={"year": default})
    return form, default if years else None, this_year


class RoiView(DashboardViewMixin, View):
    def get(self, request):
        form, year, this_year = _selection(request, self.tenant)
        report = activity_roi(self.tenant, fiscal_year=year)
        ratios = [kind.won_per_unit for kind in report.types if kind.won_per_unit is not None]
        context = {"filter_form": form, "report": report, "currency": report.currency,
                   "chart_max": max(ratios) if any(ratios) else None,  # the chart's longest bar: the best type
                   "activities": report.activities[:LIST_LIMIT], "cut": len(report.activities) > LIST_LIMIT,
                   "limit": LIST_LIMIT, "year_label": fiscal_year_label(year) if year else "",
                   "so_far": year is None or year >= this_year,  # the year is still running: its figures grow
                   "query": request.GET.urlencode()}
        return render(request, "mdf/dashboard/roi.html", context)


class RoiExportView(DashboardViewMixin, View):
    def get(self, request, fmt):
        _form, year, _this_year = _selection(request, self.tenant)
        return roi_export(activity_roi(self.tenant, fiscal_year=year), fmt, tenant=self.tenant)
