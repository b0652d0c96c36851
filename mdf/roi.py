"""The return on MDF activities, for the dashboard's ROI page and its export.

An activity is a funded fund request (approved or closed). Per activity: the leads the partner
expected, the leads its accepted claims (approved or paid) report, the deals the partner named as
produced by it (attribution.py) once submitted, and of those the won ones, against what was spent
(its account's claimed and paid buckets: claims approved, paid or not). Values are in the program's
currency: a deal registered in another currency is counted, and its value left out (`other_currency`
says how many). A ratio is None when what it divides by is zero. Each figure is one grouped query
over the activities, whatever their number; the activity types' and the total's figures are sums of
the activities'."""

from dataclasses import dataclass, fields
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

import pandas as pd
from django.db.models import Count, Max, Min, Q, Sum
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from dealreg.models import DealStatus
from prm.spreadsheets import neutralise_frame, spreadsheet_response
from prm.tenancy.models import Tenant

from .attribution import FUNDED
from .models import Account, ActivityDeal, Claim, ClaimStatus, FundRequest
from .periods import fiscal_year_bounds, fiscal_year_of
from .selectors import mdf_settings_for

ZERO = Decimal("0.00")
ACCEPTED_CLAIMS = (ClaimStatus.APPROVED, ClaimStatus.PAID)  # the claims whose reported results count
CENT = Decimal("0.01")


def _ratio(value: Decimal, base: Decimal | int) -> Decimal | None:
    return (Decimal(value) / Decimal(base)).quantize(CENT, rounding=ROUND_HALF_UP) if base else None


@dataclass
class Figures:
    expected_leads: int = 0
    leads: int = 0
    registered: int = 0
    registered_value: Decimal = ZERO
    won: int = 0
    won_value: Decimal = ZERO
    spent: Decimal = ZERO
    other_currency: int = 0  # registered deals in another currency than the program's: counted, value left out

    @property
    def won_per_unit(self) -> Decimal | None:
        """Won deal value per one unit of the program's currency spent."""
        return _ratio(self.won_value, self.spent)

    @property
    def registered_per_unit(self) -> Decimal | None:
        return _ratio(self.registered_value, self.spent)

    @property
    def cost_per_lead(self) -> Decimal | None:
        return _ratio(self.spent, self.leads)

    def add(self, other: "Figures") -> None:
        for item in fields(Figures):
            setattr(self, item.name, getattr(self, item.name) + getattr(other, item.name))


@dataclass
class ActivityRoi(Figures):
    request: FundRequest | None = None


@dataclass
class TypeRoi(Figures):
    name: str = ""
    activities: int = 0


@dataclass
class RoiReport:
    activities: list[ActivityRoi]
    types: list[TypeRoi]
    total: Figures
    currency: str
    fiscal_year: int | None


def roi_years(tenant: Tenant) -> list[int]:
    """The fiscal years in which funded activities started, newest first."""
    span = FundRequest.objects.filter(status__in=FUNDED).aggregate(first=Min("starts_on"), last=Max("starts_on"))
    if span["first"] is None:
        return []
    start_month = mdf_settings_for(tenant).fiscal_year_start_month
    first, last = fiscal_year_of(span["first"], start_month), fiscal_year_of(span["last"], start_month)
    return list(range(last, first - 1, -1))


def _by_request(rows) -> dict[int, dict]:
    return {row["fund_request"]: row for row in rows}


def activity_roi(tenant: Tenant, *, fiscal_year: int | None = None) -> RoiReport:
    """Every funded activity that started in `fiscal_year` (all years when None), by activity type
    and start; the activity types' sums, largest won value first; the total."""
    requests = FundRequest.objects.filter(status__in=FUNDED)
    if fiscal_year is not None:
        first, last = fiscal_year_bounds(fiscal_year, mdf_settings_for(tenant).fiscal_year_start_month)
        requests = requests.filter(starts_on__gte=first, starts_on__lte=last)
    currency = tenant.currency
    in_program = Q(deal__currency=currency)
    won = Q(deal__status=DealStatus.WON)
    spent = _by_request(Account.objects.filter(fund_request__in=requests).values("fund_request", "claimed", "paid"))
    leads = _by_request(Claim.objects.filter(fund_request__in=requests, status__in=ACCEPTED_CLAIMS)
                        .values("fund_request").annotate(leads=Sum("leads")).order_by())
    deals = _by_request(
        ActivityDeal.objects.filter(fund_request__in=requests, deal__submitted_at__isnull=False)
        .values("fund_request").annotate(
            registered=Count("pk"), registered_value=Sum("deal__value", filter=in_program),
            won=Count("pk", filter=won), won_value=Sum("deal__value", filter=won & in_program),
            other_currency=Count("pk", filter=~in_program)).order_by())
    activities, types, total = [], {}, Figures()
    for request in requests.select_related("partner", "activity_type").order_by("activity_type__name", "starts_on", "pk"):
        account, claimed, linked = spent.get(request.pk, {}), leads.get(request.pk, {}), deals.get(request.pk, {})
        row = ActivityRoi(
            request=request, expected_leads=request.expected_leads, leads=claimed.get("leads") or 0,
            registered=linked.get("registered", 0), registered_value=linked.get("registered_value") or ZERO,
            won=linked.get("won", 0), won_value=linked.get("won_value") or ZERO,
            spent=account.get("claimed", ZERO) + account.get("paid", ZERO), other_currency=linked.get("other_currency", 0))
        activities.append(row)
        kind = types.setdefault(request.activity_type_id, TypeRoi(name=request.activity_type.name))
        kind.add(row)
        kind.activities += 1
        total.add(row)
    ranked = sorted(types.values(), key=lambda kind: (-kind.won_value, kind.name))
    return RoiReport(activities=activities, types=ranked, total=total, currency=currency, fiscal_year=fiscal_year)


# The export of the activity table ----------------------------------------------------------------

def _headers(currency: str) -> dict[str, str]:
    return {
        "activity": _("Activity"), "activity_type": _("Activity type"), "partner": _("Partner"),
        "starts_on": _("Starts on"), "ends_on": _("Ends on"), "expected_leads": _("Expected leads"),
        "leads": _("Leads (accepted claims)"), "registered": _("Deals registered"),
        "registered_value": _("Registered value (%(currency)s)") % {"currency": currency},
        "won": _("Deals won"), "won_value": _("Won value (%(currency)s)") % {"currency": currency},
        "spent": _("Spent (%(currency)s)") % {"currency": currency},
        "won_per_unit": _("Won value per 1 %(currency)s spent") % {"currency": currency},
        "other_currency": _("Deals in other currencies (value left out)"),
    }


TEXT_COLUMNS = ("activity", "activity_type", "partner", "starts_on", "ends_on")


def roi_export(report: RoiReport, fmt: str, *, tenant: Tenant) -> HttpResponse:
    """The activity table as the page shows it, amounts and ratios as numbers (a ratio without spend is empty)."""
    headers = _headers(report.currency)
    rows = [{
        "activity": row.request.title, "activity_type": row.request.activity_type.name, "partner": row.request.partner.name,
        "starts_on": row.request.starts_on.isoformat(), "ends_on": row.request.ends_on.isoformat(),
        "expected_leads": row.expected_leads, "leads": row.leads, "registered": row.registered,
        "registered_value": row.registered_value, "won": row.won, "won_value": row.won_value, "spent": row.spent,
        "won_per_unit": row.won_per_unit, "other_currency": row.other_currency,
    } for row in report.activities]
    frame = neutralise_frame(pd.DataFrame(rows, columns=list(headers)), list(TEXT_COLUMNS))
    for column in ("registered_value", "won_value", "spent", "won_per_unit"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce")
    stamp = timezone.localtime(timezone=ZoneInfo(tenant.time_zone)).strftime("%Y%m%d-%H%M")
    year = f"-fy{report.fiscal_year}" if report.fiscal_year else ""
    return spreadsheet_response(frame.rename(columns=headers), fmt, filename=f"{tenant.slug}-mdf-roi{year}-{stamp}",
                                sheet_name=_("ROI"), float_format="%.2f")
