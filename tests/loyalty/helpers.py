"""Points made through the services (so entries, lots, balances and audit rows are real), and the
invariants every test may check. Every helper needs the tenant in force."""

import itertools
from datetime import timedelta

from django.db.models import Sum
from django.utils import timezone

from loyalty import services
from loyalty.models import Bucket, EntryKind, LotDraw, LotState, PointsAccount, PointsEntry, PointsLot

_KEYS = itertools.count(1)
_SOURCES = itertools.count(1000)


def key(prefix="k"):
    return f"{prefix}-{next(_KEYS)}"


def source():
    """A fresh (type, id) source that no other test uses."""
    return ("tests.thing", next(_SOURCES))


def earn(partner, points, *, rule="deal.won", src=None, pending=False, actor="test rule", **kwargs):
    """Points earned for a fresh source: available at once unless `pending`."""
    if not pending:
        kwargs.setdefault("available_at", timezone.now() - timedelta(seconds=1))
    return services.points_earn(partner=partner, rule=rule, source=src or source(), points=points, actor=actor, **kwargs)


def redeem(partner, points, actor="test", **kwargs):
    return services.points_redeem(partner=partner, points=points, key=kwargs.pop("key", None) or key("redeem"),
                                  actor=actor, **kwargs)


def account(partner):
    return PointsAccount.objects.get(partner=partner)


def shift_clock(days):
    """Move every lot's dates `days` into the past: as if `days` had passed."""
    for lot in PointsLot.objects.all():
        PointsLot.objects.filter(pk=lot.pk).update(available_at=lot.available_at - timedelta(days=days),
                                                   expires_at=lot.expires_at - timedelta(days=days))


def _sum(queryset, field="points"):
    return queryset.aggregate(total=Sum(field))["total"] or 0


def assert_ledger_holds():
    """Every cached column is the sum of its entries; every lot's parts stay within its points; the
    available lots hold exactly the available points (nothing while the balance is negative); every
    redemption drew exactly its points."""
    for acc in PointsAccount.objects.all():
        entries = PointsEntry.objects.filter(account=acc)
        assert acc.pending == _sum(entries.filter(bucket=Bucket.PENDING)), acc
        assert acc.available == _sum(entries.filter(bucket=Bucket.AVAILABLE)), acc
        assert acc.redeemed == -_sum(entries.filter(kind__in=[EntryKind.REDEEMED, EntryKind.REFUNDED])), acc
        assert acc.expired == -_sum(entries.filter(kind=EntryKind.EXPIRED)), acc
        lots = PointsLot.objects.filter(account=acc)
        assert acc.pending == _sum(lots.filter(state=LotState.PENDING), "remaining"), acc
        held = _sum(lots.filter(state=LotState.AVAILABLE), "remaining")
        assert held == max(acc.available, 0), (acc, held, acc.available)
        assert acc.pending >= 0 and acc.redeemed >= 0 and acc.expired >= 0
    for lot in PointsLot.objects.all():
        assert 0 <= lot.remaining <= lot.points and lot.remaining + lot.expired <= lot.points, lot
        if lot.state in (LotState.EXPIRED, LotState.REVERSED):
            assert lot.remaining == 0, lot
    for debit in PointsEntry.objects.filter(kind=EntryKind.REDEEMED):
        assert _sum(LotDraw.objects.filter(entry=debit)) == -debit.points, debit
