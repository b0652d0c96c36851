"""Reads of loyalty points, scoped to the tenant in force."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Min, QuerySet, Sum
from django.utils import timezone

from partners.models import Partner
from prm.tenancy.models import Tenant

from .models import LotState, LoyaltySettings, PointsAccount, PointsEntry, PointsLot

EXPIRING_WITHIN = timedelta(days=30)  # "expiring soon" on the balance


def loyalty_settings_for(tenant: Tenant) -> LoyaltySettings:
    """The tenant's settings, or the defaults (unsaved) when it has none yet."""
    return LoyaltySettings.objects.filter(tenant=tenant).first() or LoyaltySettings(tenant=tenant)


@dataclass(frozen=True)
class PointsBalance:
    pending: int
    available: int  # negative after a reversal of points already spent: nothing may be redeemed then
    redeemed: int
    expired: int
    expiring_soon: int  # of the available points, those that expire within EXPIRING_WITHIN
    next_available_at: datetime | None  # when the next pending points become available
    next_available_points: int  # how many become available then


def points_balance(partner: Partner) -> PointsBalance:
    """The partner's balance: the cached account row and two small aggregates over its lots."""
    account = PointsAccount.objects.filter(partner=partner).first()
    if account is None:
        return PointsBalance(0, 0, 0, 0, 0, None, 0)
    lots = PointsLot.objects.filter(account=account).order_by()
    soon = lots.filter(state=LotState.AVAILABLE, remaining__gt=0, expires_at__lte=timezone.now() + EXPIRING_WITHIN)
    expiring = soon.aggregate(total=Sum("remaining"))["total"] or 0
    pending = lots.filter(state=LotState.PENDING)
    next_at = pending.aggregate(first=Min("available_at"))["first"]
    next_points = (pending.filter(available_at=next_at).aggregate(total=Sum("remaining"))["total"] or 0) if next_at else 0
    return PointsBalance(pending=account.pending, available=account.available, redeemed=account.redeemed,
                         expired=account.expired, expiring_soon=expiring, next_available_at=next_at,
                         next_available_points=next_points)


def points_history(partner: Partner) -> QuerySet[PointsEntry]:
    """The partner's entries, newest first; each names its source (`source_type`, `source_id`) and its lot."""
    return (PointsEntry.objects.filter(account__partner=partner)
            .select_related("lot", "created_by", "operation").order_by("-pk"))
