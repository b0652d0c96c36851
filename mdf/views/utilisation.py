"""The dashboard's budget utilisation: allocated, encumbered, claimed, paid, expired and available, by
partner, activity type or fiscal year, as a stacked chart beside its table, and the table's export."""

from django.shortcuts import render
from django.utils import timezone
from django.views import View

from prm.tenancy.lists import paged
from prm.tenancy.views import DashboardViewMixin

from ..exports import utilisation_export
from ..forms import UtilisationFilterForm
from ..models import Unspent
from ..periods import fiscal_year_of
from ..selectors import mdf_settings_for
from ..utilisation import BY_ACTIVITY, BY_PARTNER, BY_YEAR, CAPTIONS, GROUPINGS, SEGMENTS, budget_years, utilisation

ROWS_PER_PAGE = 50  # partners on one page (and in its chart); the export has them all


def _selection(request, tenant):
    """The grouping and the fiscal year asked for; by default by partner in this fiscal year (or the
    newest one with budgets); an empty year is every year. An unknown grouping or year falls back to the default."""
    years = budget_years()
    this_year = fiscal_year_of(timezone.localdate(), mdf_settings_for(tenant).fiscal_year_start_month)
    default_year = this_year if this_year in years or not years else years[0]
    form = UtilisationFilterForm(request.GET or None, years=years, groupings=GROUPINGS,
                                 initial={"by": BY_PARTNER, "year": default_year})
    by, year = BY_PARTNER, default_year
    if form.is_bound and form.is_valid():
        by = form.cleaned_data["by"] or BY_PARTNER
        year = form.cleaned_data["year"] if "year" in request.GET else default_year
    elif form.is_bound:
        form = UtilisationFilterForm(years=years, groupings=GROUPINGS, initial={"by": BY_PARTNER, "year": default_year})
    return form, by, (None if by == BY_YEAR else year)


class UtilisationView(DashboardViewMixin, View):
    def get(self, request):
        form, by, year = _selection(request, self.tenant)
        report = utilisation(by, year)
        listing = paged(request, report.rows, ROWS_PER_PAGE)
        context = {**listing, "filter_form": form, "report": report, "rows": listing["page_obj"].object_list,
                   "grouping": GROUPINGS[by], "caption": CAPTIONS[by], "by_activity": by == BY_ACTIVITY, "segments": SEGMENTS,
                   "currency": self.tenant.currency,
                   "rolls_over": mdf_settings_for(self.tenant).unspent == Unspent.ROLL_OVER}
        return render(request, "mdf/dashboard/utilisation.html", context)


class UtilisationExportView(DashboardViewMixin, View):
    def get(self, request, fmt):
        _form, by, year = _selection(request, self.tenant)
        return utilisation_export(utilisation(by, year), fmt, tenant=self.tenant, grouping_label=str(GROUPINGS[by]))

