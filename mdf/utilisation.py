"""Budget utilisation for the dashboard: what the partners' allocations hold, spend and lose, by fiscal
year, by partner, or by activity type, read from the accounts' cached balances (each the sum of its
ledger entries) in one grouped query per view, whatever the number of entries.

By year and by partner a row is the allocations' accounts: `base` is what was allocated and accrued to
them, and it splits into encumbered (held by approved requests), claimed (approved claims not yet
paid), paid, expired and available. By activity type a row is the approved requests' own accounts:
`base` is what was approved (less what was released), and it splits into encumbered (not yet claimed),
claimed and paid."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from .models import Account, AccountKind, Budget
from .periods import fiscal_year_label

ZERO = Decimal("0.00")
BY_PARTNER, BY_ACTIVITY, BY_YEAR = "partner", "activity", "year"
GROUPINGS = {BY_PARTNER: _("Partner"), BY_ACTIVITY: _("Activity type"), BY_YEAR: _("Fiscal year")}
CAPTIONS = {BY_PARTNER: _("Utilisation by partner"), BY_ACTIVITY: _("Utilisation by activity type"),
            BY_YEAR: _("Utilisation by fiscal year")}
BUCKETS = ("encumbered", "claimed", "paid", "expired")
# The chart's segments, in the order they are stacked from the left, with the legend's words.
SEGMENTS = (("paid", _("Paid")), ("claimed", _("Claimed, not yet paid")), ("encumbered", _("Encumbered")),
            ("expired", _("Expired")), ("available", _("Available")))


@dataclass
class Segment:
    name: str
    x: float  # where it starts, in % of the row's base
    width: float  # % of the row's base


@dataclass
class UtilisationRow:
    key: int
    label: str
    base: Decimal
    encumbered: Decimal
    claimed: Decimal
    paid: Decimal
    expired: Decimal

    @property
    def spent(self) -> Decimal:
        """Claims approved, paid or not: the money the partners have used."""
        return self.claimed + self.paid

    @property
    def available(self) -> Decimal:
        return self.base - self.encumbered - self.claimed - self.paid - self.expired

    @property
    def used_percent(self) -> Decimal | None:
        """Spent as a share of the base, or None when there is no base to share."""
        return (self.spent * 100 / self.base).quantize(Decimal("0.1")) if self.base > 0 else None

    def segments(self) -> list[Segment]:
        if self.base <= 0:
            return []
        drawn, x = [], 0.0
        for name, _label in SEGMENTS:
            width = float(max(getattr(self, name), ZERO) * 100 / self.base)
            if width > 0:
                drawn.append(Segment(name, round(x, 3), round(width, 3)))
                x += width
        return drawn


@dataclass
class Utilisation:
    by: str
    fiscal_year: int | None
    rows: list[UtilisationRow]
    total: UtilisationRow


def _allocation_accounts(fiscal_year: int | None) -> QuerySet[Account]:
    accounts = Account.objects.filter(kind=AccountKind.ALLOCATION)
    return accounts.filter(allocation__budget__fiscal_year=fiscal_year) if fiscal_year is not None else accounts


def _request_accounts(fiscal_year: int | None) -> QuerySet[Account]:
    accounts = Account.objects.filter(kind=AccountKind.REQUEST)
    if fiscal_year is not None:
        accounts = accounts.filter(fund_request__allocation__budget__fiscal_year=fiscal_year)
    return accounts


def _sums(accounts: QuerySet[Account], *group) -> QuerySet:
    return (accounts.values(*group).annotate(base=Sum("funded"), **{bucket: Sum(bucket) for bucket in BUCKETS})
            .order_by())


def _row(key, label, sums, *, of_requests=False) -> UtilisationRow:
    row = UtilisationRow(key=key, label=label, base=sums["base"] or ZERO, **{bucket: sums[bucket] or ZERO for bucket in BUCKETS})
    if of_requests:  # a request's own account holds what is not claimed yet: that is what it encumbers
        row.encumbered = row.base - row.claimed - row.paid - row.expired
    return row


def utilisation(by: str, fiscal_year: int | None = None) -> Utilisation:
    """Rows of the grouping `by` (largest base first; years newest first) and their total; by year the
    fiscal year is ignored (every year is a row)."""
    if by == BY_YEAR:
        fiscal_year = None
        grouped = _sums(_allocation_accounts(None), "allocation__budget__fiscal_year")
        rows = sorted((_row(g["allocation__budget__fiscal_year"], fiscal_year_label(g["allocation__budget__fiscal_year"]), g)
                       for g in grouped), key=lambda row: -row.key)
        accounts = _allocation_accounts(None)
    elif by == BY_ACTIVITY:
        accounts = _request_accounts(fiscal_year)
        grouped = _sums(accounts, "fund_request__activity_type", "fund_request__activity_type__name")
        rows = [_row(g["fund_request__activity_type"], g["fund_request__activity_type__name"], g, of_requests=True)
                for g in grouped]
    else:
        accounts = _allocation_accounts(fiscal_year)
        grouped = _sums(accounts, "allocation__partner", "allocation__partner__name")
        rows = [_row(g["allocation__partner"], g["allocation__partner__name"], g) for g in grouped]
    if by != BY_YEAR:
        rows.sort(key=lambda row: (-row.base, row.label.casefold()))
    total = _row(None, str(_("Total")), accounts.aggregate(base=Sum("funded"), **{b: Sum(b) for b in BUCKETS}),
                 of_requests=by == BY_ACTIVITY)
    return Utilisation(by=by, fiscal_year=fiscal_year, rows=rows, total=total)


def budget_years() -> list[int]:
    """The fiscal years that have budgets, newest first."""
    return list(Budget.objects.order_by("-fiscal_year").values_list("fiscal_year", flat=True).distinct())
