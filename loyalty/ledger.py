"""The points ledger: idempotent operations, locked accounts, append-only entries and cached balances.

The shape of mdf/ledger.py, for integer points. Every write, inside one transaction:

1. `claim_key` inserts the Operation row of the write's idempotency key; a second write with the key
   finds it (or, racing, waits on the unique index until the first commits) and returns the first
   result. A write that fails rolls its Operation back: the key is free again.
2. `lock_account` takes the partner's account with SELECT … FOR UPDATE, then the service locks the
   lots it touches in ascending pk order (`lock_lots`): account first, lots after, always, so two
   writes queue instead of deadlocking.
3. The service checks what it may do against the locked, fresh balance.
4. `post` appends the entries and moves the cached columns with one F() update in the same transaction.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Model, QuerySet
from django.utils.translation import gettext as _

from partners.models import Partner
from prm.tenancy.models import Tenant

from .models import EntryKind, LotState, Operation, PointsAccount, PointsEntry, PointsLot

# Kinds whose entries also move a counter column: a redemption adds to `redeemed`, a refund takes off it.
COUNTERS = {EntryKind.REDEEMED: "redeemed", EntryKind.REFUNDED: "redeemed", EntryKind.EXPIRED: "expired"}


@dataclass(frozen=True)
class Move:
    kind: str
    bucket: str
    points: int
    lot: PointsLot | None = None
    source_type: str = ""
    source_id: int | None = None
    refund_of: PointsEntry | None = None


def label_of(obj: Model) -> str:
    return f"{obj._meta.label_lower}:{obj.pk}"


def user_or_none(actor):
    from django.contrib.auth import get_user_model

    return actor if isinstance(actor, get_user_model()) else None


def claim_key(*, tenant: Tenant, key: str, name: str, subject: Model | None, actor) -> tuple[Operation, bool]:
    """The write's Operation and whether it is a replay (the key was used before, by this same write)."""
    key = (key or "").strip()
    if not key or len(key) > 200:
        raise ValidationError({"idempotency_key": _("Every write needs an idempotency key of 1 to 200 characters.")})
    subject_label = label_of(subject) if subject is not None else ""
    found = Operation.objects.filter(key=key).first()
    if found is None:
        try:
            with transaction.atomic():
                return Operation.objects.create(tenant=tenant, key=key, name=name, subject=subject_label,
                                                created_by=user_or_none(actor)), False
        except IntegrityError:  # another write with this key committed while we waited on the index
            found = Operation.objects.get(key=key)
    if found.name != name or found.subject != subject_label:
        raise ValidationError({"idempotency_key": _("This idempotency key was already used for another write.")})
    return found, True


def finish(operation: Operation, result: Model) -> None:
    """Remember what the write made, for its replays."""
    operation.result_type, operation.result_id = result._meta.label_lower, result.pk
    Operation.objects.filter(pk=operation.pk).update(result_type=operation.result_type, result_id=result.pk)


def account_for(partner: Partner) -> PointsAccount:
    """The partner's account, made on first use (two first uses at once make one)."""
    account = PointsAccount.objects.filter(partner=partner).first()
    if account is None:
        try:
            with transaction.atomic():
                account = PointsAccount.objects.create(tenant_id=partner.tenant_id, partner=partner)
        except IntegrityError:
            account = PointsAccount.objects.get(partner=partner)
    return account


def lock_account(account_or_partner: PointsAccount | Partner) -> PointsAccount:
    """The account, locked and read afresh (made first if the partner has none)."""
    account = (account_or_partner if isinstance(account_or_partner, PointsAccount)
               else account_for(account_or_partner))
    return PointsAccount.objects.select_for_update().get(pk=account.pk)


def lock_lots(queryset: QuerySet[PointsLot]) -> list[PointsLot]:
    """The lots, locked in ascending pk order and read afresh, then oldest expiry first (the order
    debits consume them in). Call with their account locked."""
    locked = list(queryset.select_for_update().order_by("pk"))
    return sorted(locked, key=lambda lot: (lot.expires_at, lot.pk))


def spendable(account: PointsAccount) -> QuerySet[PointsLot]:
    return PointsLot.objects.filter(account=account, state=LotState.AVAILABLE, remaining__gt=0)


def column_changes(moves: Iterable[Move]) -> dict[str, int]:
    """How much each cached column of an account moves with these entries."""
    changes: dict[str, int] = {}
    for move in moves:
        changes[move.bucket] = changes.get(move.bucket, 0) + move.points
        counter = COUNTERS.get(move.kind)
        if counter:
            changes[counter] = changes.get(counter, 0) - move.points
    return {column: delta for column, delta in changes.items() if delta}


def post(*, operation: Operation, account: PointsAccount, moves: list[Move], actor, memo: str = "") -> list[PointsEntry]:
    """Append the entries and move the account's cached columns with them (call with the account locked)."""
    entries = []
    for move in moves:
        entry = PointsEntry(tenant_id=account.tenant_id, operation=operation, account=account, lot=move.lot,
                            refund_of=move.refund_of, kind=move.kind, bucket=move.bucket, points=move.points,
                            source_type=move.source_type or (move.lot.source_type if move.lot else ""),
                            source_id=move.source_id if move.source_id is not None else (move.lot.source_id if move.lot else None),
                            memo=memo[:200], created_by=user_or_none(actor))
        entry.save(force_insert=True)
        entries.append(entry)
    changes = column_changes(moves)
    if changes:
        PointsAccount.objects.filter(pk=account.pk).update(**{column: F(column) + delta for column, delta in changes.items()})
        for column, delta in changes.items():
            setattr(account, column, getattr(account, column) + delta)
    return entries
