"""Conflict snapshots for the review queue: computed when a deal is submitted, and refreshed for
the deals waiting in the queue whenever a registration they may collide with changes state.

The queue then reads a handful of rows instead of running a trigram search per deal; the deal
page, bulk approval and every approval still check live."""

from zoneinfo import ZoneInfo

from django.utils import timezone

from prm.enqueue import enqueue_on_commit

from .conflicts import find_conflicts, key_of
from .models import Deal, DealStatus

SNAPSHOT_SIZE = 5


def snapshot(conflicts):
    return [
        {
            "deal": c.deal.pk, "reference": c.deal.reference, "customer": c.deal.customer_name,
            "partner": c.deal.partner.name, "partner_id": c.deal.partner_id, "status": c.deal.status,
            "protected_until": _day(c.deal) if c.deal.status == DealStatus.APPROVED else "",
            "strong": c.strong, "reasons": [r.detail for r in c.reasons],
        }
        for c in conflicts[:SNAPSHOT_SIZE]
    ]


def _day(deal):
    """The protection's last day in the program's time zone (ISO; pages print it in the reader's language)."""
    return deal.protected_until.astimezone(ZoneInfo(deal.tenant.time_zone)).date().isoformat() if deal.protected_until else ""


def store(deal, conflicts):
    Deal.objects.filter(pk=deal.pk).update(
        conflict_count=len(conflicts), conflict_snapshot=snapshot(conflicts), conflicts_checked_at=timezone.now()
    )


def refresh(deal_ids):
    """Recompute the snapshots of those of `deal_ids` that are waiting for a decision."""
    for deal in Deal.objects.filter(pk__in=deal_ids, status=DealStatus.SUBMITTED).prefetch_related("products"):
        store(deal, find_conflicts(key_of(deal), exclude_deal_id=deal.pk))


def refresh_later(deal_ids: list[int], tenant_id: int) -> None:
    """Refresh these deals' snapshots in a task, after the current transaction commits."""
    if deal_ids:
        enqueue_on_commit("dealreg.tasks.refresh_conflict_snapshots", tenant_id=tenant_id, deal_ids=list(deal_ids))


def refresh_neighbours_after(deal):
    """After `deal` changed state, the waiting deals that match it get fresh snapshots."""
    conflicts = find_conflicts(key_of(deal), exclude_deal_id=deal.pk)
    refresh_later([c.deal.pk for c in conflicts if c.deal.status == DealStatus.SUBMITTED], deal.tenant_id)
