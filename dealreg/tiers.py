"""Deal registration's kinds of tier requirement (registered from DealregConfig.ready()): won deal value
and won deals over the trailing 12 months.

A deal counts while its `closed_at` lies in (as_of − 365 days, as_of]: as of a day ahead, the deals
won by today that will still be inside the window then (nothing new assumed). Value counts only deals
in the program's currency: deals in other currencies don't count (the program has no exchange rates)."""

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext, gettext_lazy as _

from partners.tiers.requirements import Measure, RequirementKind, register
from prm.i18n import formatting
from prm.tenancy.context import require_current_tenant

from .models import Deal, DealStatus

WINDOW = timedelta(days=365)


def _end_of(day: date) -> datetime:
    """The first moment after `day` (UTC): a deal closed on `day` is inside a window ending then."""
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=UTC)


# Asked for more partners than this (the nightly evaluation asks for all of them), the GROUP BY runs over
# the whole program and keeps those asked: a list of thousands of ids in the WHERE clause cost more than
# the groups of the partners not asked (bench/tiers.py).
MANY = 200


def _window(day: date) -> Q:
    return Q(closed_at__gte=_end_of(day - WINDOW), closed_at__lt=_end_of(day))


def _won_at(partner_ids: Iterable[int], days: tuple[date, ...], *, value: bool) -> dict[date, dict[int, Measure]]:
    """One GROUP BY over the won deals of every day's window (of the partners asked, or of the whole
    program when many are), a filtered aggregate per day: several days cost one scan."""
    ids = list(partner_ids)
    deals = Deal.objects.filter(status=DealStatus.WON, closed_at__gte=_end_of(min(days) - WINDOW),
                                closed_at__lt=_end_of(max(days)))
    if value:
        deals = deals.filter(currency=require_current_tenant().currency)
    keep = set(ids) if len(ids) > MANY else None
    if keep is None:
        deals = deals.filter(partner_id__in=ids)
    aggregates = {f"n{i}": Count("pk", filter=_window(day)) for i, day in enumerate(days)}
    if value:
        aggregates |= {f"v{i}": Sum("value", filter=_window(day)) for i, day in enumerate(days)}
    rows = deals.order_by().values("partner_id").annotate(**aggregates).values("partner_id", *aggregates)
    out: dict[date, dict[int, Measure]] = {day: {} for day in days}
    for row in rows:
        pid = row["partner_id"]
        if keep is not None and pid not in keep:
            continue
        for i, day in enumerate(days):
            n = row[f"n{i}"]
            if n:
                out[day][pid] = Measure(row[f"v{i}"] or Decimal("0"), n) if value else Measure(Decimal(n), n)
    return out


def won_value_at(partner_ids: Iterable[int], days: tuple[date, ...], requirement=None) -> dict[date, dict[int, Measure]]:
    """Sum of won deals' value in the program's currency (deals in other currencies don't count); the
    sample is the number of deals summed."""
    return _won_at(partner_ids, days, value=True)


def won_deals_at(partner_ids: Iterable[int], days: tuple[date, ...], requirement=None) -> dict[date, dict[int, Measure]]:
    """Number of won deals (any currency)."""
    return _won_at(partner_ids, days, value=False)


def measure_won_value(partner_ids: Iterable[int], as_of: date, requirement=None) -> dict[int, Measure]:
    return won_value_at(partner_ids, (as_of,))[as_of]


def measure_won_deals(partner_ids: Iterable[int], as_of: date, requirement=None) -> dict[int, Measure]:
    return won_deals_at(partner_ids, (as_of,))[as_of]


def _leaving(partner_ids, start: date, end: date, *, currency: str | None):
    """Won deals whose 365 days end in [start, end): they leave the window on those days."""
    deals = Deal.objects.filter(partner_id__in=list(partner_ids), status=DealStatus.WON,
                                closed_at__gte=_end_of(start - timedelta(days=1) - WINDOW),
                                closed_at__lt=_end_of(end - timedelta(days=1) - WINDOW))
    if currency:
        deals = deals.filter(currency=currency)
    return deals.order_by("closed_at").values_list("partner_id", "closed_at", "customer_name", "value", "currency")


def lapses_won_value(partner_ids, start: date, end: date, requirement=None) -> dict[int, list[tuple[date, str]]]:
    out: dict[int, list[tuple[date, str]]] = {}
    for pid, closed_at, customer, value, currency in _leaving(partner_ids, start, end,
                                                              currency=require_current_tenant().currency):
        day = closed_at.astimezone(UTC).date() + WINDOW
        out.setdefault(pid, []).append((day, gettext("Won deal “%(customer)s” (%(value)s) leaves the last 12 months")
                                        % {"customer": customer, "value": formatting.money(value, currency)}))
    return out


def lapses_won_deals(partner_ids, start: date, end: date, requirement=None) -> dict[int, list[tuple[date, str]]]:
    out: dict[int, list[tuple[date, str]]] = {}
    for pid, closed_at, customer, _value, _currency in _leaving(partner_ids, start, end, currency=None):
        day = closed_at.astimezone(UTC).date() + WINDOW
        out.setdefault(pid, []).append((day, gettext("Won deal “%(customer)s” leaves the last 12 months")
                                        % {"customer": customer}))
    return out


WON_VALUE = RequirementKind("won_value", _("Won deal value, last 12 months"), measure_won_value, unit="money",
                            lapses=lapses_won_value, measure_at=won_value_at)
WON_DEALS = RequirementKind("won_deals", _("Won deals, last 12 months"), measure_won_deals, unit="count",
                            lapses=lapses_won_deals, measure_at=won_deals_at)


def register_all() -> None:
    register(WON_VALUE)
    register(WON_DEALS)
