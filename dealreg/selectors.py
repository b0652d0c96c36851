from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from partners.models import Partner
from prm.business_hours import business_hours_between

from .models import Deal, DealStatus

EXPIRY_WARNING_DAYS = 14  # a protection ending this soon is "ending": the partner is warned, the list can show them



def deal_filter(*, status: str = "", protection: str = "", now: datetime | None = None) -> Q:
    """The rows a deal list shows for `?status=…&protection=…` (protection: "protected" now, or
    "ending" within EXPIRY_WARNING_DAYS): one definition for the lists and for every figure that
    links to them, so a tile's number is the number of rows behind its link."""
    condition = Q()
    if status:
        condition &= Q(status=status)
    if protection:
        now = now or timezone.now()
        condition &= Q(status=DealStatus.APPROVED, protected_until__gt=now)
        if protection == "ending":
            condition &= Q(protected_until__lte=now + timedelta(days=EXPIRY_WARNING_DAYS))
        elif protection != "protected":
            raise ValueError(f"Unknown protection filter {protection!r}")
    return condition


def deal_search(base: QuerySet[Deal], *, query: str = "", status: str = "", protection: str = "",
                partner: Partner | None = None) -> QuerySet[Deal]:
    deals = base.filter(deal_filter(status=status, protection=protection))
    query = (query or "").strip()
    if query:
        deals = deals.filter(
            Q(customer_name__icontains=query) | Q(customer_domain__icontains=query)
            | Q(contact_email__icontains=query) | Q(contact_name__icontains=query)
        )
    if partner is not None:
        deals = deals.filter(partner=partner)
    return deals


def review_queue() -> QuerySet[Deal]:
    """Deals waiting for the vendor, the most urgent approval clock first."""
    return Deal.objects.filter(status=DealStatus.SUBMITTED).select_related("partner").order_by("sla_due_at", "pk")


def approval_clock(deal: Deal, time_zone: str, now: datetime | None = None) -> float | None:
    """Business hours left before the approval SLA (negative when overdue), or None if not waiting."""
    if deal.status != DealStatus.SUBMITTED or deal.sla_due_at is None:
        return None
    return business_hours_between(now or timezone.now(), deal.sla_due_at, time_zone)


def with_clocks(deals: Iterable[Deal], time_zone: str) -> Iterable[Deal]:
    """Annotate each deal in a page with `clock_hours` and `protection_days` for display."""
    now = timezone.now()
    for deal in deals:
        deal.clock_hours = approval_clock(deal, time_zone, now)
        deal.protection_days = protection_days_left(deal, now)
    return deals


def protection_days_left(deal: Deal, now: datetime | None = None) -> int | None:
    if deal.status != DealStatus.APPROVED or deal.protected_until is None:
        return None
    return (deal.protected_until - (now or timezone.now())).days


def won_deals() -> QuerySet[Deal]:
    """Won deals of the tenant in force, with the end-customer contact to survey."""
    return Deal.objects.filter(status=DealStatus.WON).order_by("closed_at", "pk")
