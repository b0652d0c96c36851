"""Closing a fiscal year: what is left of the partners' allocations (their available) expires, or rolls
over into the next fiscal year, at the end of the program's close day (MdfSettings.unspent and
unspent_offset_days; by default the fiscal year's last day). The nightly sweep (sweeps.close_periods)
closes every allocation of a fiscal year whose close day has passed, and again whenever money comes back
to such an allocation later (a request closed after its claim deadline releases what it did not use).
Only allocations close: a budget's unallocated funds stay where they are, for the vendor to decide.

Money moves through mdf/ledger.py as in every write of this app: the accounts are locked (ascending pk)
and read afresh, the amount is checked inside the lock (what is available, never more), and the
entries and cached balances are posted in one transaction.

Expire ("allocation.expire"): one "expired" entry moves the allocation's available into its `expired`
bucket. The money leaves the program (the vendor keeps it); the budget's `allocated` still shows that
it was given to the partner.

Roll over ("allocation.roll_over"): money moves, it never appears. One operation posts the old
allocation's available into its `expired` bucket (it left that year; memo "Rolled over into FY…"),
and the same amount as funds of the next year's budget of the same name (made, with its parents, when
the vendor has not created it yet): into the top of that budget's tree as funded, handed down its
parents the way a sub-budget is funded (parent allocated, child funded) and allocated to the partner's
allocation there (budget allocated, allocation funded). So the next year's budgets carry it like any
other money, their balances stay the sums of their entries, and the operation's changes of available,
summed over every account it touches, are zero: what the old year's allocation loses, the new year's
gains. The top budget's funded entry of a roll-over is therefore not new money from outside; the
operation's name says so.

Idempotent: each closing's key names the allocation and its expired total before it, read inside
the lock, so a second run (or a second worker, queued on the lock) finds nothing available and posts
nothing, while money released to the allocation later is closed under a new key."""

from datetime import date
from decimal import Decimal
from itertools import pairwise

from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet, Sum
from django.utils.translation import gettext as _

from prm.audit.services import Actor, audit_record
from prm.tenancy.models import Tenant

from . import ledger
from .audit_verbs import MdfVerb
from .ledger import Move
from .models import Allocation, Bucket, Budget, EntryKind, MdfSettings, Unspent
from .periods import close_on, fiscal_year_label
from .selectors import mdf_settings_for
from .services import ZERO, _allocation_of

EXPIRE, ROLL_OVER = "allocation.expire", "allocation.roll_over"

LEFT = (F("account__funded") - F("account__allocated") - F("account__encumbered") - F("account__claimed")
        - F("account__paid") - F("account__expired"))


def budget_years() -> list[int]:
    """The fiscal years the program has budgets in, oldest first."""
    return list(Budget.objects.order_by("fiscal_year").values_list("fiscal_year", flat=True).distinct())


def closed_years(settings: MdfSettings, today: date) -> list[int]:
    """The fiscal years whose close day has passed, oldest first."""
    return [year for year in budget_years() if close_on(year, settings) < today]


def unspent_allocations(fiscal_year: int) -> QuerySet[Allocation]:
    """The allocations of `fiscal_year` with something available."""
    return (Allocation.objects.filter(budget__fiscal_year=fiscal_year).annotate(left=LEFT).filter(left__gt=0)
            .select_related("budget", "partner", "tenant").order_by("pk"))


def unspent_by_partner(fiscal_year: int) -> dict[int, Decimal]:
    """What is available in each partner's allocations of `fiscal_year` (partners with nothing left omitted)."""
    rows = (Allocation.objects.filter(budget__fiscal_year=fiscal_year).values("partner_id")
            .annotate(total=Sum(LEFT)).filter(total__gt=0).order_by("partner_id"))
    return {row["partner_id"]: ledger.money(row["total"]) for row in rows}


def _successor(budget: Budget, actor: Actor) -> Budget:
    """The next fiscal year's budget of the same name; made (with its parents' successors) when missing."""
    year = budget.fiscal_year + 1
    found = Budget.objects.filter(fiscal_year=year, name__iexact=budget.name).first()
    if found is not None:
        return found
    parent = _successor(budget.parent, actor) if budget.parent_id else None
    try:
        with transaction.atomic():
            made = Budget.objects.create(tenant=budget.tenant, fiscal_year=year, name=budget.name, parent=parent)
    except IntegrityError:  # another run made it a moment ago
        return Budget.objects.get(fiscal_year=year, name__iexact=budget.name)
    ledger.account_for(made)
    audit_record(tenant=budget.tenant, actor=actor, verb=MdfVerb.BUDGET_CREATED, target=made,
                 data={"name": made.name, "fiscal_year": year, "parent": made.parent_id, "rolled_over_from": budget.pk})
    return made


def _tree_down_to(budget: Budget) -> list[Budget]:
    """`budget`'s ancestors from the top-level budget down, ending with `budget`."""
    chain = [budget]
    while chain[0].parent_id is not None:
        chain.insert(0, chain[0].parent)
    return chain


@transaction.atomic
def allocation_close(*, allocation: Allocation, actor: Actor, settings: MdfSettings) -> Decimal:
    """Expire what is available in `allocation`, or roll it over into the partner's allocation of the
    next fiscal year (settings.unspent). Returns the amount moved (zero when nothing was left)."""
    tenant = allocation.tenant
    year = fiscal_year_label(allocation.budget.fiscal_year)
    if settings.unspent != Unspent.ROLL_OVER:
        [account] = ledger.lock(ledger.account_for(allocation))
        amount = account.available
        operation = _claim(tenant, EXPIRE, allocation, account, amount, actor)
        if operation is None:
            return ZERO
        ledger.post(operation=operation, actor=actor, source=ledger.label_of(allocation),
                    memo=_("Unspent at the close of %(year)s") % {"year": year},
                    moves=[Move(account, EntryKind.EXPIRED, Bucket.EXPIRED, amount)])
        audit_record(tenant=tenant, actor=actor, verb=MdfVerb.EXPIRED, target=allocation,
                     data={"amount": str(amount), "partner": allocation.partner_id, "fiscal_year": allocation.budget.fiscal_year})
        ledger.finish(operation, allocation)
        return amount

    target = _allocation_of(_successor(allocation.budget, actor), allocation.partner, actor)
    chain = _tree_down_to(target.budget)
    locked = ledger.lock(ledger.account_for(allocation), *(ledger.account_for(b) for b in chain),
                         ledger.account_for(target))
    account, budgets, into = locked[0], locked[1:-1], locked[-1]
    amount = account.available
    operation = _claim(tenant, ROLL_OVER, allocation, account, amount, actor)
    if operation is None:
        return ZERO
    source = ledger.label_of(allocation)
    ledger.post(operation=operation, actor=actor, source=source,
                memo=_("Rolled over into %(year)s") % {"year": fiscal_year_label(target.budget.fiscal_year)},
                moves=[Move(account, EntryKind.ROLLED_OVER, Bucket.EXPIRED, amount)])
    moves = [Move(budgets[0], EntryKind.FUNDED, Bucket.FUNDED, amount)]
    for parent, child in pairwise(budgets):
        moves += [Move(parent, EntryKind.ALLOCATED, Bucket.ALLOCATED, amount),
                  Move(child, EntryKind.FUNDED, Bucket.FUNDED, amount)]
    moves += [Move(budgets[-1], EntryKind.ALLOCATED, Bucket.ALLOCATED, amount),
              Move(into, EntryKind.FUNDED, Bucket.FUNDED, amount)]
    ledger.post(operation=operation, actor=actor, source=source, moves=moves,
                memo=_("Rolled over from %(year)s") % {"year": year})
    audit_record(tenant=tenant, actor=actor, verb=MdfVerb.ALLOCATED, target=target,
                 data={"amount": str(amount), "partner": target.partner_id, "rolled_over_from": allocation.pk})
    audit_record(tenant=tenant, actor=actor, verb=MdfVerb.ROLLED_OVER, target=allocation,
                 data={"amount": str(amount), "partner": allocation.partner_id, "into": target.pk,
                       "fiscal_year": target.budget.fiscal_year})
    ledger.finish(operation, allocation)
    return amount


def _claim(tenant: Tenant, name: str, allocation: Allocation, account, amount: Decimal, actor: Actor):
    """The closing's operation, or None when nothing is left (or this closing was posted already).
    Call with the allocation's account locked: its expired total names the closing."""
    if amount <= 0:
        return None
    operation, replay = ledger.claim_key(tenant=tenant, key=f"{name}:{ledger.label_of(allocation)}:after-{account.expired}",
                                         name=name, subject=allocation, actor=actor)
    return None if replay else operation


def close_due(*, tenant: Tenant, today: date, actor: Actor = None) -> dict[str, Decimal]:
    """Close every allocation of the fiscal years whose close day has passed, oldest year first (so money
    rolled into a year that has closed too moves on in the same run). Returns the totals moved."""
    settings = mdf_settings_for(tenant)
    totals = {"expired": ZERO, "rolled_over": ZERO, "allocations": 0}
    kind = "rolled_over" if settings.unspent == Unspent.ROLL_OVER else "expired"
    done: set[int] = set()
    while pending := [year for year in closed_years(settings, today) if year not in done]:
        done.add(pending[0])
        for allocation in unspent_allocations(pending[0]):
            moved = allocation_close(allocation=allocation, actor=actor, settings=settings)
            if moved > 0:
                totals[kind] += moved
                totals["allocations"] += 1
    return totals
