"""Every write of loyalty points. Points move only through ledger.py: a write claims its idempotency key
(earning and reversing derive theirs from the rule and the source), locks the partner's account, then
the lots it touches in ascending pk order, checks inside the lock and posts entries with their cached
balances in the same transaction.

The lots follow the balance: while `available` is not negative the available lots' remainders add up to
it; while it is negative (a reversal took back points already spent) they are all zero. So points that
arrive on a negative account (earned, released, refunded, awarded) first pay it off: `_pay_off` draws
the excess from the lots, oldest expiry first, and records the draws on the entry that made it
(a reversal's draws likewise say which other lots its spent part came out of)."""

import calendar
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, F, Model, Sum, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from partners.models import Partner
from prm.audit.services import Actor, audit_record
from prm.tenancy.models import Tenant

from . import ledger
from .audit_verbs import LoyaltyVerb
from .ledger import Move
from .models import MANUAL_RULE, REFUND_RULE, Bucket, EntryKind, LotDraw, LotState, Operation, PointsAccount, PointsEntry, PointsLot
from .selectors import loyalty_settings_for

Source = Model | tuple[str, int]
BATCH = 1000  # lots per transaction of a sweep
RESERVED_RULES = (MANUAL_RULE, REFUND_RULE)


def _points(points: int, field: str = "points") -> int:
    if isinstance(points, bool) or not isinstance(points, int):
        raise ValidationError({field: _("Points are whole numbers.")})
    if points <= 0:
        raise ValidationError({field: _("Enter a number of points above zero.")})
    return points


def _source(source: Source) -> tuple[str, int]:
    if isinstance(source, Model):
        return source._meta.label_lower, int(source.pk)
    source_type, source_id = source
    return str(source_type), int(source_id)


def add_months(moment: datetime, months: int) -> datetime:
    """The same day and time `months` later (the month's last day where it is shorter)."""
    month = moment.month - 1 + months
    year, month = moment.year + month // 12, month % 12 + 1
    return moment.replace(year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1]))


def _once(*, tenant: Tenant, key: str, name: str, subject: Model | None, actor: Actor,
          act: Callable[[Operation], PointsEntry | PointsLot]) -> PointsEntry | PointsLot:
    """Run `act(operation)` once per idempotency key; a replay returns the first result."""
    operation, replay = ledger.claim_key(tenant=tenant, key=key, name=name, subject=subject, actor=actor)
    if replay:
        model = PointsLot if operation.result_type == PointsLot._meta.label_lower else PointsEntry
        return model.objects.get(pk=operation.result_id)
    result = act(operation)
    ledger.finish(operation, result)
    return result


def _draw(account: PointsAccount, entry: PointsEntry, points: int) -> int:
    """Take up to `points` from the account's available lots, oldest expiry first, recording each draw
    on `entry`; returns what was taken. Call with the account locked."""
    taken = 0
    for lot in ledger.lock_lots(ledger.spendable(account)):
        if taken == points:
            break
        part = min(lot.remaining, points - taken)
        PointsLot.objects.filter(pk=lot.pk).update(remaining=F("remaining") - part)
        LotDraw.objects.create(tenant_id=account.tenant_id, entry=entry, lot=lot, points=part)
        taken += part
    return taken


def _pay_off(account: PointsAccount, entry: PointsEntry) -> int:
    """Bring the lots' remainders down to the balance (call after a write that left or found `available`
    negative): what they hold beyond max(available, 0) pays off the debt, drawn on `entry`."""
    held = ledger.spendable(account).aggregate(total=Sum("remaining"))["total"] or 0
    excess = held - max(account.available, 0)
    return _draw(account, entry, excess) if excess > 0 else 0


def _check_rule(rule: str) -> str:
    rule = (rule or "").strip()
    if not rule or len(rule) > 60 or rule in RESERVED_RULES:
        raise ValidationError({"rule": _("Name the earning rule (up to 60 characters; not “manual” or “refund”).")})
    return rule


# Earning ------------------------------------------------------------------------------------------


@transaction.atomic
def points_earn(*, partner: Partner, rule: str, source: Source, points: int, actor: Actor,
                user: Model | None = None, available_at: datetime | None = None) -> PointsLot:
    """Credit `points` to the partner for `source` under `rule`: a lot, pending until `available_at`
    (default: the tenant's pending days from now; at once when it is not in the future), expiring the
    tenant's expiry months after it becomes available. A source earns once per rule: asked again (a
    task run twice, a signal sent twice) this returns the first lot and posts nothing."""
    rule, points = _check_rule(rule), _points(points)
    source_type, source_id = _source(source)
    tenant = partner.tenant
    key = f"points.earn:{rule}:{source_type}:{source_id}"

    def act(operation):
        account = ledger.lock_account(partner)
        settings = loyalty_settings_for(tenant)
        now = timezone.now()
        starts = available_at or now + timedelta(days=settings.pending_days)
        ready = starts <= now
        lot = PointsLot(tenant=tenant, account=account, user=user, points=points, remaining=points,
                        state=LotState.AVAILABLE if ready else LotState.PENDING, available_at=starts,
                        expires_at=add_months(max(starts, now), settings.expiry_months), rule=rule,
                        source_type=source_type, source_id=source_id)
        try:
            with transaction.atomic():
                lot.save(force_insert=True)
        except IntegrityError:  # earned already (by a write that did not go through this key)
            return PointsLot.objects.get(rule=rule, source_type=source_type, source_id=source_id)
        before = account.available
        [entry] = ledger.post(operation=operation, account=account, actor=actor, moves=[
            Move(EntryKind.EARNED, Bucket.AVAILABLE if ready else Bucket.PENDING, points, lot=lot)])
        if ready and before < 0:
            _pay_off(account, entry)
        audit_record(tenant=tenant, actor=actor, verb=LoyaltyVerb.EARNED, target=lot,
                     data={"points": points, "rule": rule, "source": f"{source_type}:{source_id}", "partner": partner.pk})
        return lot

    # The key names the rule and the source, not the partner: asked again for whichever partner, the
    # source has earned already and the first lot is the answer.
    return _once(tenant=tenant, key=key, name="points.earn", subject=None, actor=actor, act=act)


@transaction.atomic
def points_reverse(*, rule: str, source: Source, actor: Actor, memo: str = "") -> PointsEntry | None:
    """Take back exactly what `source` gave under `rule` (None if it gave nothing): what is left of its
    lot, pending or available, and the part already spent, which comes out of the other available lots
    and, beyond them, makes `available` negative (redemption is refused until it is earned back). What
    expired of the lot is gone already and is not taken twice. Reversing again returns the first entry."""
    source_type, source_id = _source(source)
    lot = PointsLot.objects.filter(rule=rule, source_type=source_type, source_id=source_id).first()
    if lot is None:
        return None

    def act(operation):
        account = ledger.lock_account(lot.account)
        [fresh] = ledger.lock_lots(PointsLot.objects.filter(pk=lot.pk))
        take = fresh.points - fresh.expired
        bucket = Bucket.PENDING if fresh.state == LotState.PENDING else Bucket.AVAILABLE
        PointsLot.objects.filter(pk=fresh.pk).update(remaining=0, state=LotState.REVERSED)
        [entry] = ledger.post(operation=operation, account=account, actor=actor, memo=memo,
                              moves=[Move(EntryKind.REVERSED, bucket, -take, lot=fresh)])
        if account.available < 0:
            _pay_off(account, entry)
        audit_record(tenant=lot.tenant, actor=actor, verb=LoyaltyVerb.REVERSED, target=fresh,
                     data={"points": take, "rule": rule, "source": f"{source_type}:{source_id}"})
        return entry

    return _once(tenant=lot.tenant, key=f"points.reverse:{rule}:{source_type}:{source_id}", name="points.reverse",
                 subject=lot, actor=actor, act=act)


# Spending -----------------------------------------------------------------------------------------


@transaction.atomic
def points_redeem(*, partner: Partner, points: int, key: str, actor: Actor, memo: str = "") -> PointsEntry:
    """Spend `points` of the partner's available points, oldest expiry first; refused beyond what is
    available (and while the balance is negative). A replay of `key` returns the first debit."""
    points = _points(points)

    def act(operation):
        account = ledger.lock_account(partner)
        if points > account.available:
            raise ValidationError({"points": _("Only %(available)s points are available.") % {
                "available": max(account.available, 0)}})
        [entry] = ledger.post(operation=operation, account=account, actor=actor, memo=memo,
                              moves=[Move(EntryKind.REDEEMED, Bucket.AVAILABLE, -points,
                                          source_type=Operation._meta.label_lower, source_id=operation.pk)])
        if _draw(account, entry, points) != points:
            raise RuntimeError(f"Points account {account.pk}: its lots hold less than its balance.")
        audit_record(tenant=partner.tenant, actor=actor, verb=LoyaltyVerb.REDEEMED, target=account,
                     data={"points": points, "entry": entry.pk})
        return entry

    return _once(tenant=partner.tenant, key=key, name="points.redeem", subject=partner, actor=actor, act=act)


@transaction.atomic
def points_refund(*, entry: PointsEntry, key: str, actor: Actor, memo: str = "") -> PointsEntry:
    """Give back a redemption: exactly the points it drew, each to the lot it came from. Points of a
    lot that has expired meanwhile expire at once; points of a lot reversed meanwhile (the reversal
    charged for them) come back as a new lot with that lot's expiry. Refunded once; returns the refund."""

    def act(operation):
        account = ledger.lock_account(entry.account)
        debit = PointsEntry.objects.get(pk=entry.pk)
        if debit.kind != EntryKind.REDEEMED:
            raise ValidationError(_("Only a redemption can be refunded."))
        if PointsEntry.objects.filter(refund_of=debit).exists():
            raise ValidationError(_("This redemption was refunded already."))
        draws = {draw.lot_id: draw for draw in LotDraw.objects.filter(entry=debit)}
        lots = ledger.lock_lots(PointsLot.objects.filter(pk__in=draws))
        before, now = account.available, timezone.now()
        [refund] = ledger.post(operation=operation, account=account, actor=actor, memo=memo, moves=[
            Move(EntryKind.REFUNDED, Bucket.AVAILABLE, -debit.points, source_type=debit.source_type,
                 source_id=debit.source_id, refund_of=debit)])
        expired = []
        for lot in lots:
            part = draws[lot.pk].points
            if lot.state == LotState.EXPIRED or (lot.state == LotState.REVERSED and lot.expires_at <= now):
                PointsLot.objects.filter(pk=lot.pk).update(expired=F("expired") + part)
                expired.append(Move(EntryKind.EXPIRED, Bucket.AVAILABLE, -part, lot=lot))
            elif lot.state == LotState.REVERSED:
                PointsLot.objects.create(tenant_id=lot.tenant_id, account=account, user=lot.user, points=part,
                                         remaining=part, state=LotState.AVAILABLE, available_at=now,
                                         expires_at=lot.expires_at, rule=REFUND_RULE,
                                         source_type=LotDraw._meta.label_lower, source_id=draws[lot.pk].pk)
            else:
                PointsLot.objects.filter(pk=lot.pk).update(remaining=F("remaining") + part)
        if expired:
            ledger.post(operation=operation, account=account, actor=actor, memo=memo, moves=expired)
        if before < 0:
            _pay_off(account, refund)
        audit_record(tenant=account.tenant, actor=actor, verb=LoyaltyVerb.REFUNDED, target=account,
                     data={"points": -debit.points, "debit": debit.pk, "expired": -sum(m.points for m in expired)})
        return refund

    return _once(tenant=entry.tenant, key=key, name="points.refund", subject=entry, actor=actor, act=act)


@transaction.atomic
def points_adjust(*, partner: Partner, points: int, reason: str, actor: Actor, key: str) -> PointsEntry:
    """A manager's award (points > 0: a lot of rule "manual", available at once) or deduction (points < 0,
    taken from the available lots, oldest expiry first; refused beyond what is available), with a reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the points are adjusted.")})
    if isinstance(points, bool) or not isinstance(points, int) or points == 0:
        raise ValidationError({"points": _("Enter a whole number of points other than zero (below zero deducts).")})
    tenant = partner.tenant

    def act(operation):
        account = ledger.lock_account(partner)
        before, now = account.available, timezone.now()
        if points < 0 and -points > account.available:
            raise ValidationError({"points": _("Only %(available)s points are available to deduct.") % {
                "available": max(account.available, 0)}})
        lot = None
        if points > 0:
            lot = PointsLot.objects.create(
                tenant=tenant, account=account, points=points, remaining=points, state=LotState.AVAILABLE,
                available_at=now, expires_at=add_months(now, loyalty_settings_for(tenant).expiry_months),
                rule=MANUAL_RULE, source_type=Operation._meta.label_lower, source_id=operation.pk)
        [entry] = ledger.post(operation=operation, account=account, actor=actor, memo=reason, moves=[
            Move(EntryKind.ADJUSTED, Bucket.AVAILABLE, points, lot=lot, source_type=Operation._meta.label_lower,
                 source_id=operation.pk)])
        if points < 0:
            _draw(account, entry, -points)
        elif before < 0:
            _pay_off(account, entry)
        audit_record(tenant=tenant, actor=actor, verb=LoyaltyVerb.ADJUSTED, target=account,
                     data={"points": points, "reason": reason[:200]})
        return entry

    return _once(tenant=tenant, key=key, name="points.adjust", subject=partner, actor=actor, act=act)


# Sweeps: pending → available, expiry -------------------------------------------------------------


def _sweep_operation(tenant: Tenant, name: str) -> Operation:
    return Operation.objects.create(tenant=tenant, key=f"{name}:{uuid.uuid4().hex}", name=name)


def _move_columns(changes: dict[int, dict[str, int]]) -> None:
    """Add each account's column changes in one UPDATE ({account id: {column: delta}})."""
    columns = {column for change in changes.values() for column in change}
    PointsAccount.objects.filter(pk__in=changes).update(**{
        column: F(column) + Case(*[When(pk=pk, then=Value(change.get(column, 0))) for pk, change in changes.items()],
                                 default=Value(0))
        for column in columns})


def _locked_batch(**due: Any) -> tuple[dict[int, PointsAccount], list[PointsLot]]:
    """The next batch of due lots and their accounts, locked: the accounts first, then the lots, each in pk order."""
    account_ids = set(PointsLot.objects.filter(**due).order_by("pk").values_list("account_id", flat=True)[:BATCH])
    if not account_ids:
        return {}, []
    accounts = {a.pk: a for a in PointsAccount.objects.select_for_update().filter(pk__in=account_ids).order_by("pk")}
    lots = list(PointsLot.objects.select_for_update().filter(account_id__in=accounts, **due).order_by("pk")[:BATCH])
    return accounts, lots


@transaction.atomic
def points_release_batch(*, tenant: Tenant) -> int:
    """Make the next batch of pending lots whose time has come available: one UPDATE of the lots, their
    entries inserted together, one UPDATE of the accounts. Returns how many lots (0: none are due)."""
    accounts, lots = _locked_batch(state=LotState.PENDING, available_at__lte=timezone.now())
    if not lots:
        return 0
    PointsLot.objects.filter(pk__in=[lot.pk for lot in lots]).update(state=LotState.AVAILABLE)
    operation = _sweep_operation(tenant, "points.release")
    entries, changes = [], {}
    for lot in lots:
        for bucket, points in ((Bucket.PENDING, -lot.remaining), (Bucket.AVAILABLE, lot.remaining)):
            entries.append(PointsEntry(tenant=tenant, operation=operation, account_id=lot.account_id, lot=lot,
                                       kind=EntryKind.BECAME_AVAILABLE, bucket=bucket, points=points,
                                       source_type=lot.source_type, source_id=lot.source_id))
        change = changes.setdefault(lot.account_id, {"pending": 0, "available": 0})
        change["pending"] -= lot.remaining
        change["available"] += lot.remaining
    entries = PointsEntry.objects.bulk_create(entries)
    _move_columns(changes)
    for account_id, account in accounts.items():  # rare: points released onto a negative balance pay it off
        if account.available < 0:
            account.available += changes[account_id]["available"]
            last = next(e for e in reversed(entries) if e.account_id == account_id and e.bucket == Bucket.AVAILABLE)
            _pay_off(account, last)
    return len(lots)


@transaction.atomic
def points_expire_batch(*, tenant: Tenant) -> int:
    """Expire the remainder of the next batch of available lots past their `expires_at`: one UPDATE of the
    lots (set-based), their entries inserted together, one UPDATE of the accounts. Returns how many lots."""
    _accounts, lots = _locked_batch(state=LotState.AVAILABLE, expires_at__lte=timezone.now())
    if not lots:
        return 0
    PointsLot.objects.filter(pk__in=[lot.pk for lot in lots]).update(
        state=LotState.EXPIRED, expired=F("expired") + F("remaining"), remaining=0)
    operation = _sweep_operation(tenant, "points.expire")
    entries, changes = [], {}
    for lot in lots:
        if lot.remaining:
            entries.append(PointsEntry(tenant=tenant, operation=operation, account_id=lot.account_id, lot=lot,
                                       kind=EntryKind.EXPIRED, bucket=Bucket.AVAILABLE, points=-lot.remaining,
                                       source_type=lot.source_type, source_id=lot.source_id))
            change = changes.setdefault(lot.account_id, {"available": 0, "expired": 0})
            change["available"] -= lot.remaining
            change["expired"] += lot.remaining
    PointsEntry.objects.bulk_create(entries)
    if changes:
        _move_columns(changes)
    return len(lots)


def points_release_due(*, tenant: Tenant) -> int:
    """Every pending lot whose time has come, made available, a batch per transaction (idempotent: a
    second run finds nothing due). Returns how many lots."""
    total = 0
    while done := points_release_batch(tenant=tenant):
        total += done
    return total


def points_expire_due(*, tenant: Tenant) -> int:
    """Every available lot past its expiry, expired, a batch per transaction (idempotent). Returns how many lots."""
    total = 0
    while done := points_expire_batch(tenant=tenant):
        total += done
    return total
