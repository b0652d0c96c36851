"""The ledger: idempotent operations, locked accounts, append-only entries and their cached balances.

Every money write goes the same way, inside one transaction (the service's `@transaction.atomic`):

1. `claim_key` inserts the Operation row of the write's idempotency key. A second write with the key
   finds it (or, racing, waits on the unique index until the first commits) and returns the first
   result instead of acting again. A write that fails rolls its Operation back: the key is free again.
2. `lock` takes the accounts the write touches with SELECT … FOR UPDATE, always in ascending pk
   order, so two writes that touch the same accounts queue instead of deadlocking.
3. The service checks its ceiling against the locked, fresh balances.
4. `post` appends the entries and adds each amount to its account's bucket with an F() update, in
   the same transaction: the cached balance is the sum of the entries, always (tests prove it).
"""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Model
from django.utils.translation import gettext as _

from prm.tenancy.models import Tenant

from .models import Account, AccountKind, Bucket, LedgerEntry, Operation

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Move:
    account: Account
    kind: str
    bucket: str
    amount: Decimal


def money(value) -> Decimal:
    return Decimal(value).quantize(CENT)


def label_of(obj: Model) -> str:
    return f"{obj._meta.label_lower}:{obj.pk}"


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
                                                created_by=_user_or_none(actor)), False
        except IntegrityError:  # another write with this key committed while we waited on the index
            found = Operation.objects.get(key=key)
    if found.name != name or found.subject != subject_label:
        raise ValidationError({"idempotency_key": _("This idempotency key was already used for another write.")})
    return found, True


def _user_or_none(actor):
    from django.contrib.auth import get_user_model

    return actor if isinstance(actor, get_user_model()) else None


def finish(operation: Operation, result: Model) -> None:
    """Remember what the write made, for its replays."""
    operation.result_type, operation.result_id = result._meta.label_lower, result.pk
    Operation.objects.filter(pk=operation.pk).update(result_type=operation.result_type, result_id=result.pk)


def result_of(operation: Operation, model: type[Model]):
    return model.objects.get(pk=operation.result_id)


def account_for(owner: Model) -> Account:
    """The owner's account, made on first use (a budget, an allocation or a fund request)."""
    field = {"mdf.budget": "budget", "mdf.allocation": "allocation", "mdf.fundrequest": "fund_request"}[owner._meta.label_lower]
    kind = {"budget": AccountKind.BUDGET, "allocation": AccountKind.ALLOCATION, "fund_request": AccountKind.REQUEST}[field]
    account = Account.objects.filter(**{field: owner}).first()
    if account is None:
        account = Account.objects.create(tenant=owner.tenant, kind=kind, currency=owner.tenant.currency,
                                         partner_id=getattr(owner, "partner_id", None), **{field: owner})
    return account


def lock(*accounts: Account) -> list[Account]:
    """The accounts, locked and read afresh, in the order given (the locks are taken by ascending pk)."""
    ids = [a.pk for a in accounts]
    fresh = {a.pk: a for a in Account.objects.select_for_update().filter(pk__in=ids).order_by("pk")}
    return [fresh[pk] for pk in ids]


def post(*, operation: Operation, moves: list[Move], actor, source: str = "", memo: str = "") -> list[LedgerEntry]:
    """Append the entries and move the cached balances with them (call with the accounts locked)."""
    entries, changes = [], {}
    for move in moves:
        if move.bucket not in Bucket.values:
            raise ValueError(f"Unknown bucket {move.bucket!r}")
        amount = money(move.amount)
        entries.append(LedgerEntry(tenant=operation.tenant, operation=operation, account=move.account,
                                   partner_id=move.account.partner_id, kind=move.kind, bucket=move.bucket,
                                   amount=amount, currency=move.account.currency, source=source[:80], memo=memo[:200],
                                   created_by=_user_or_none(actor)))
        buckets = changes.setdefault(move.account.pk, (move.account, {}))[1]
        buckets[move.bucket] = buckets.get(move.bucket, Decimal("0")) + amount
    # One INSERT for the entries and one UPDATE per account (all its buckets at once, so the database's
    # overspend check sees the write's end state, never a half-posted one).
    LedgerEntry.objects.bulk_create(entries)
    for pk, (account, buckets) in changes.items():
        Account.objects.filter(pk=pk).update(**{bucket: F(bucket) + delta for bucket, delta in buckets.items()})
        for bucket, delta in buckets.items():
            setattr(account, bucket, getattr(account, bucket) + delta)
    return entries
