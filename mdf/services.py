"""Every write of market development funds. Money moves only through mdf/ledger.py: each write claims
its idempotency key, locks the accounts it touches (ascending pk), checks its ceiling inside the lock
and posts entries with their cached balances in the same transaction.

Ceilings: a sub-budget ≤ its parent's available; an allocation ≤ its budget's available; an approval
≤ the requested amount, ≤ the allocation's available and ≤ the approver's limit (tenant admins have none)."""

from collections.abc import Callable
from datetime import date
from decimal import ROUND_DOWN, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model, Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from dealreg.selectors import won_deals
from partners.models import Partner
from prm.audit.services import Actor, audit_record
from prm.i18n.formatting import money as format_money
from prm.tenancy.models import Membership, Role, Tenant

from . import emails, ledger
from .audit_verbs import MdfVerb
from .ledger import Move
from .models import (
    ActivityType,
    Allocation,
    ApprovalLimit,
    Bucket,
    Budget,
    ClaimStatus,
    EntryKind,
    FundRequest,
    LedgerEntry,
    MdfSettings,
    Operation,
    RequestStatus,
)
from .periods import add_business_days, business_days_after, fiscal_year_bounds, fiscal_year_label, fiscal_year_of
from .selectors import mdf_settings_for
from .states import TRANSITIONS

ZERO = Decimal("0.00")
CLAIMS_THAT_TAKE_NOTHING = (ClaimStatus.REJECTED, ClaimStatus.WITHDRAWN)


def _today(tenant: Tenant) -> date:
    return timezone.localdate(timezone=ZoneInfo(tenant.time_zone))


def _positive(amount: Decimal | int | str, field: str = "amount") -> Decimal:
    try:
        value = ledger.money(amount)
    except (ArithmeticError, TypeError, ValueError):
        raise ValidationError({field: _("Enter an amount, e.g. 1500.00.")}) from None
    if value <= 0:
        raise ValidationError({field: _("Enter an amount above zero.")})
    return value


def _shown(amount: Decimal, tenant: Tenant) -> str:
    return format_money(amount, tenant.currency)


def _once(*, tenant: Tenant, key: str, name: str, subject: Model | None, actor: Actor, model: type[Model],
          act: Callable[[Any], Any]) -> Any:
    """Run `act(operation)` once per idempotency key; a replay returns the first result."""
    operation, replay = ledger.claim_key(tenant=tenant, key=key, name=name, subject=subject, actor=actor)
    if replay:
        return ledger.result_of(operation, model)
    result = act(operation)
    ledger.finish(operation, result)
    return result


# Settings and lists -----------------------------------------------------------------------------------

@transaction.atomic
def mdf_settings_update(*, tenant: Tenant, actor: Actor, **fields: Any) -> MdfSettings:
    settings = MdfSettings.objects.select_for_update().filter(tenant=tenant).first() or MdfSettings(tenant=tenant)
    for name, value in fields.items():
        setattr(settings, name, value)
    settings.full_clean()
    settings.save()
    audit_record(tenant=tenant, actor=actor, verb=MdfVerb.SETTINGS_UPDATED, target=settings,
                 data={name: str(value) for name, value in fields.items()})
    return settings


@transaction.atomic
def activity_type_create(*, tenant: Tenant, actor: Actor, name: str) -> ActivityType:
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Name the activity type.")})
    if ActivityType.objects.filter(name__iexact=name).exists():
        raise ValidationError({"name": _("The program already has this activity type.")})
    activity = ActivityType(tenant=tenant, name=name)
    activity.full_clean()
    activity.save()
    audit_record(tenant=tenant, actor=actor, verb=MdfVerb.ACTIVITY_TYPE_ADDED, target=activity, data={"name": name})
    return activity


@transaction.atomic
def activity_type_toggle(*, activity_type: ActivityType, actor: Actor) -> ActivityType:
    activity_type.is_active = not activity_type.is_active
    activity_type.save(update_fields=["is_active"])
    audit_record(tenant=activity_type.tenant, actor=actor, verb=MdfVerb.ACTIVITY_TYPE_TOGGLED, target=activity_type,
                 data={"offered": activity_type.is_active})
    return activity_type


@transaction.atomic
def approval_limit_set(*, membership: Membership, actor: Actor, max_amount: Decimal | None) -> ApprovalLimit | None:
    """A channel manager's ceiling per request; None takes it away (no ceiling of their own)."""
    if membership.role != Role.CHANNEL_MANAGER:
        raise ValidationError({"membership": _("Approval limits are for channel managers; tenant admins have none.")})
    current = ApprovalLimit.objects.filter(membership=membership).first()
    if max_amount is None:
        if current is not None:
            audit_record(tenant=membership.tenant, actor=actor, verb=MdfVerb.LIMIT_SET, target=current,
                         data={"membership": membership.pk, "max_amount": None})
            current.delete()
        return None
    limit = current or ApprovalLimit(tenant=membership.tenant, membership=membership)
    limit.max_amount = ledger.money(max_amount)
    limit.full_clean()
    limit.save()
    audit_record(tenant=membership.tenant, actor=actor, verb=MdfVerb.LIMIT_SET, target=limit,
                 data={"membership": membership.pk, "max_amount": str(limit.max_amount)})
    return limit


# Budgets and allocations ------------------------------------------------------------------------------

def _fund_moves(budget: Budget, amount: Decimal) -> list[Move]:
    """Money into `budget`: from outside for a top-level budget, from its parent for a sub-budget
    (refused beyond the parent's available). Call inside the transaction; locks what it moves."""
    if budget.parent_id is None:
        [account] = ledger.lock(ledger.account_for(budget))
        return [Move(account, EntryKind.FUNDED, Bucket.FUNDED, amount)]
    parent_account, account = ledger.account_for(budget.parent), ledger.account_for(budget)
    parent, child = ledger.lock(parent_account, account)
    if amount > parent.available:
        raise ValidationError({"amount": _("“%(parent)s” has only %(available)s available.") % {
            "parent": budget.parent.name, "available": _shown(parent.available, budget.tenant)}})
    return [Move(parent, EntryKind.ALLOCATED, Bucket.ALLOCATED, amount), Move(child, EntryKind.FUNDED, Bucket.FUNDED, amount)]


def _fund(budget: Budget, amount: Decimal, operation: Operation, actor: Actor, memo: str = "") -> Budget:
    ledger.post(operation=operation, moves=_fund_moves(budget, amount), actor=actor, source=ledger.label_of(budget),
                memo=memo)
    audit_record(tenant=budget.tenant, actor=actor, verb=MdfVerb.BUDGET_FUNDED, target=budget,
                 data={"amount": str(amount), "from": budget.parent_id})
    return budget


@transaction.atomic
def budget_create(*, tenant: Tenant, actor: Actor, key: str, name: str, fiscal_year: int,
                  parent: Budget | None = None, amount: Decimal | None = None) -> Budget:
    """A budget of a fiscal year (or a sub-budget of `parent`, in its year), funded with `amount` if given
    (a sub-budget's amount comes out of its parent's available)."""

    def act(operation):
        budget = Budget(tenant=tenant, name=name.strip(), fiscal_year=parent.fiscal_year if parent else fiscal_year,
                        parent=parent)
        budget.full_clean(validate_unique=False)
        if Budget.objects.filter(fiscal_year=budget.fiscal_year, name__iexact=budget.name).exists():
            raise ValidationError({"name": _("%(year)s already has a budget of this name.") % {
                "year": fiscal_year_label(budget.fiscal_year)}})
        budget.save()
        ledger.account_for(budget)
        audit_record(tenant=tenant, actor=actor, verb=MdfVerb.BUDGET_CREATED, target=budget,
                     data={"name": budget.name, "fiscal_year": budget.fiscal_year, "parent": budget.parent_id})
        if amount:
            _fund(budget, _positive(amount), operation, actor)
        return budget

    return _once(tenant=tenant, key=key, name="budget.create", subject=parent, actor=actor, model=Budget, act=act)


@transaction.atomic
def budget_fund(*, budget: Budget, actor: Actor, key: str, amount: Decimal, memo: str = "") -> Budget:
    """More money for `budget`: a funded entry, or for a sub-budget a move out of its parent's available."""
    amount = _positive(amount)
    return _once(tenant=budget.tenant, key=key, name="budget.fund", subject=budget, actor=actor, model=Budget,
                 act=lambda operation: _fund(budget, amount, operation, actor, memo))


def _allocate(allocation: Allocation, amount: Decimal, operation: Operation, actor: Actor, kind: str = EntryKind.ALLOCATED,
              source: str = "", cap: bool = False) -> Decimal:
    """Move `amount` from the allocation's budget to it (refused beyond the budget's available, or with
    `cap` cut down to it). Returns what moved."""
    budget_account, account = ledger.lock(ledger.account_for(allocation.budget), ledger.account_for(allocation))
    if amount > budget_account.available:
        if not cap:
            raise ValidationError({"amount": _("“%(budget)s” has only %(available)s available.") % {
                "budget": allocation.budget.name, "available": _shown(budget_account.available, allocation.tenant)}})
        amount = budget_account.available
    if amount <= 0:
        return ZERO
    in_kind = EntryKind.ACCRUED if kind == EntryKind.ACCRUED else EntryKind.FUNDED
    ledger.post(operation=operation, actor=actor, source=source or ledger.label_of(allocation),
                moves=[Move(budget_account, EntryKind.ALLOCATED, Bucket.ALLOCATED, amount),
                       Move(account, in_kind, Bucket.FUNDED, amount)])
    audit_record(tenant=allocation.tenant, actor=actor,
                 verb=MdfVerb.ACCRUED if kind == EntryKind.ACCRUED else MdfVerb.ALLOCATED,
                 target=allocation, data={"amount": str(amount), "partner": allocation.partner_id})
    return amount


def _allocation_of(budget: Budget, partner: Partner, actor: Actor) -> Allocation:
    allocation = Allocation.objects.filter(budget=budget, partner=partner).first()
    if allocation is None:
        if partner.tenant_id != budget.tenant_id:
            raise ValidationError({"partner": _("Choose a partner of this program.")})
        allocation = Allocation.objects.create(tenant=budget.tenant, budget=budget, partner=partner)
        ledger.account_for(allocation)
        audit_record(tenant=budget.tenant, actor=actor, verb=MdfVerb.ALLOCATION_CREATED, target=allocation,
                     data={"budget": budget.pk, "partner": partner.pk})
    return allocation


@transaction.atomic
def allocation_create(*, budget: Budget, partner: Partner, actor: Actor, key: str,
                      amount: Decimal | None = None) -> Allocation:
    """The partner's allocation of `budget` (made on first use), topped up with `amount`."""
    amount = _positive(amount) if amount is not None else None

    def act(operation):
        allocation = _allocation_of(budget, partner, actor)
        if amount:
            _allocate(allocation, amount, operation, actor)
        return allocation

    return _once(tenant=budget.tenant, key=key, name="allocation.create", subject=budget, actor=actor,
                 model=Allocation, act=act)


@transaction.atomic
def allocate(*, allocation: Allocation, actor: Actor, key: str, amount: Decimal) -> Allocation:
    """More of the budget for the partner (never beyond the budget's available)."""
    amount = _positive(amount)

    def act(operation):
        _allocate(allocation, amount, operation, actor)
        return allocation

    return _once(tenant=allocation.tenant, key=key, name="allocation.allocate", subject=allocation, actor=actor,
                 model=Allocation, act=act)


def _won_value(partner: Partner, first: date, last: date) -> Decimal:
    """The partner's won deal value closed in [first, last], in the program's currency."""
    won = won_deals().filter(partner=partner, currency=partner.tenant.currency, closed_at__date__gte=first,
                             closed_at__date__lte=last).order_by().aggregate(total=Sum("value"))
    return won["total"] or ZERO


@transaction.atomic
def accrual_run(*, budget: Budget, actor: Actor, today: date | None = None) -> dict[int, Decimal]:
    """Accrue to each partner of a tier with an MDF accrual % its share of the won deal value of the
    budget's fiscal year so far, out of `budget`, less what earlier runs accrued. Idempotent: the key of
    a partner's accrual names the total it brings the partner to, so running again adds nothing until
    more deals are won. When the budget runs short a partner gets what is left. Returns {partner id: accrued}."""
    tenant = budget.tenant
    settings = mdf_settings_for(tenant)
    first, last = fiscal_year_bounds(budget.fiscal_year, settings.fiscal_year_start_month)
    last = min(last, today or _today(tenant))
    source = f"accrual:{budget.pk}:{fiscal_year_label(budget.fiscal_year)}"
    accrued = {}
    partners = Partner.objects.filter(tier__mdf_accrual_percent__gt=0).select_related("tier", "tenant").order_by("pk")
    for partner in partners:
        due = ledger.money(_won_value(partner, first, last) * partner.tier.mdf_accrual_percent / 100)
        allocation = _allocation_of(budget, partner, actor)
        before = LedgerEntry.objects.filter(account__allocation=allocation, kind=EntryKind.ACCRUED,
                                            source=source).aggregate(total=Sum("amount"))["total"] or ZERO
        if due <= before:
            continue
        key = f"{source}:partner-{partner.pk}:to-{due}"
        moved = _once(tenant=tenant, key=key, name="allocation.accrue", subject=allocation, actor=actor, model=Allocation,
                      act=lambda operation, a=allocation, d=due - before: _accrued(a, d, operation, actor, source))
        accrued[partner.pk] = getattr(moved, "_accrued", ZERO)
    return accrued


def _accrued(allocation: Allocation, amount: Decimal, operation: Operation, actor: Actor, source: str) -> Allocation:
    allocation._accrued = _allocate(allocation, amount, operation, actor, kind=EntryKind.ACCRUED, source=source, cap=True)
    return allocation


# Fund requests ----------------------------------------------------------------------------------------

REQUEST_FIELDS = ("activity_type", "title", "description", "starts_on", "ends_on", "expected_leads",
                  "expected_attendees", "total_cost", "requested_amount")


def vendor_share_of(total_cost: Decimal, settings: MdfSettings) -> Decimal:
    """The most the vendor pays of `total_cost` (rounded down to the cent)."""
    return (Decimal(total_cost) * settings.vendor_share_percent / 100).quantize(ledger.CENT, rounding=ROUND_DOWN)


def earliest_start(tenant: Tenant) -> date:
    """The first day an activity may start for a request submitted today."""
    return add_business_days(_today(tenant), mdf_settings_for(tenant).notice_business_days)


def _check_request(request: FundRequest, *, on_submit: bool) -> None:
    settings = mdf_settings_for(request.tenant)
    errors = {}
    if request.activity_type_id and not ActivityType.objects.filter(pk=request.activity_type_id, is_active=True).exists():
        errors["activity_type"] = [_("Choose one of the activity types offered.")]
    if request.starts_on and request.ends_on and request.ends_on < request.starts_on:
        errors["ends_on"] = [_("The activity cannot end before it starts.")]
    if request.total_cost and request.requested_amount:
        share = vendor_share_of(request.total_cost, settings)
        if request.requested_amount > share:
            errors["requested_amount"] = [_("At most %(share)s: the vendor pays up to %(percent)s %% of the total cost.") % {
                "share": _shown(share, request.tenant), "percent": f"{settings.vendor_share_percent.normalize():f}"}]
    if on_submit and request.starts_on:
        days = settings.notice_business_days
        if business_days_after(_today(request.tenant), request.starts_on) < days:
            errors["starts_on"] = [_("Requests must arrive %(days)s business days before the activity: start on %(date)s "
                                     "or later.") % {"days": days, "date": date_format(earliest_start(request.tenant), "DATE_FORMAT")}]
    if errors:
        raise ValidationError(errors)


def _locked(request: FundRequest, action: str) -> FundRequest:
    """The request's row, locked and read afresh, if `action` may move it; else the reason."""
    fresh = FundRequest.objects.select_for_update().get(pk=request.pk)
    sources, _target, refusal = TRANSITIONS[action]
    if fresh.status not in sources:
        raise ValidationError(str(refusal))
    return fresh


def _moved(request: FundRequest, action: str, actor: Actor, previous: str, data: dict | None = None,
           fields: tuple = ()) -> FundRequest:
    request.status = TRANSITIONS[action][1]
    request.save(update_fields=["status", "updated_at", *fields])
    audit_record(tenant=request.tenant, actor=actor, verb=MdfVerb.of_move(action), target=request, from_state=previous,
                 to_state=request.status, data=data)
    emails.send_request_moved(request, action)
    return request


def _submit(request: FundRequest, actor: Actor) -> FundRequest:
    request = _locked(request, "submit")
    _check_request(request, on_submit=True)
    request.submitted_at = timezone.now()
    return _moved(request, "submit", actor, RequestStatus.DRAFT, fields=("submitted_at",))


@transaction.atomic
def fund_request_create(*, partner: Partner, actor: Actor, key: str, submit: bool = True, **fields: Any) -> FundRequest:
    """A partner's request for funds (a draft, or with `submit` submitted at once: all or nothing)."""
    unknown = set(fields) - set(REQUEST_FIELDS)
    if unknown:
        raise TypeError(f"Unknown fund request fields: {sorted(unknown)}")

    def act(operation):
        if not partner.is_active:
            raise ValidationError(_("This partner is deactivated and cannot request funds."))
        request = FundRequest(tenant=partner.tenant, partner=partner, currency=partner.tenant.currency,
                              created_by=actor if isinstance(actor, get_user_model()) else None, **fields)
        request.full_clean(exclude=["partner", "created_by", "allocation"], validate_constraints=False)
        _check_request(request, on_submit=submit)
        request.save()
        ledger.account_for(request)
        audit_record(tenant=request.tenant, actor=actor, verb=MdfVerb.REQUEST_CREATED, target=request,
                     to_state=RequestStatus.DRAFT, data={"requested": str(request.requested_amount)})
        return _submit(request, actor) if submit else request

    return _once(tenant=partner.tenant, key=key, name="fund_request.create", subject=partner, actor=actor,
                 model=FundRequest, act=act)


@transaction.atomic
def fund_request_submit(*, request: FundRequest, actor: Actor, key: str) -> FundRequest:
    return _once(tenant=request.tenant, key=key, name="fund_request.submit", subject=request, actor=actor,
                 model=FundRequest, act=lambda operation: _submit(request, actor))


def _approver_ceiling(tenant: Tenant, actor: Actor) -> Decimal | None:
    """The most `actor` may approve on one request (None: no ceiling)."""
    membership = (Membership.objects.filter(user=actor, is_active=True).select_related("mdf_approval_limit").first()
                  if isinstance(actor, get_user_model()) else None)
    if membership is None or membership.role == Role.TENANT_ADMIN:
        return None  # tenant admins decide above every limit; an API key acts like a manager without one
    if membership.role != Role.CHANNEL_MANAGER:
        raise ValidationError(_("Only channel managers and tenant admins decide fund requests."))
    limit = getattr(membership, "mdf_approval_limit", None)
    return limit.max_amount if limit is not None else None


def _allocation_for(request: FundRequest, allocation: Allocation | None) -> Allocation:
    chosen = allocation or request.allocation
    if chosen is not None:
        if chosen.partner_id != request.partner_id:
            raise ValidationError({"allocation": _("Choose one of this partner's allocations.")})
        return chosen
    settings = mdf_settings_for(request.tenant)
    year = fiscal_year_of(request.starts_on, settings.fiscal_year_start_month)
    candidates = sorted(Allocation.objects.filter(partner=request.partner, budget__fiscal_year=year)
                        .select_related("account", "budget"), key=lambda a: (-a.account.available, a.pk))
    if not candidates:
        raise ValidationError({"allocation": _("%(partner)s has no allocation in %(year)s to approve this from.") % {
            "partner": request.partner.name, "year": fiscal_year_label(year)}})
    return candidates[0]


@transaction.atomic
def fund_request_approve(*, request: FundRequest, actor: Actor, key: str, amount: Decimal | None = None,
                         allocation: Allocation | None = None) -> FundRequest:
    """Approve the request for `amount` (default: what was requested), out of `allocation` (default: the
    partner's allocation of the activity's fiscal year with the most available). The amount is encumbered."""

    def act(operation):
        locked = _locked(request, "approve")
        approved = _positive(amount if amount not in (None, "") else locked.requested_amount)
        if approved > locked.requested_amount:
            raise ValidationError({"amount": _("At most the %(requested)s requested.") % {
                "requested": _shown(locked.requested_amount, locked.tenant)}})
        ceiling = _approver_ceiling(locked.tenant, actor)
        if ceiling is not None and approved > ceiling:
            raise ValidationError({"amount": _("Your approval limit is %(limit)s: a tenant admin decides above it.") % {
                "limit": _shown(ceiling, locked.tenant)}})
        source = _allocation_for(locked, allocation)
        pool, own = ledger.lock(ledger.account_for(source), ledger.account_for(locked))
        if approved > pool.available:
            raise ValidationError({"amount": _("The partner's allocation has only %(available)s available.") % {
                "available": _shown(pool.available, locked.tenant)}})
        ledger.post(operation=operation, actor=actor, source=ledger.label_of(locked),
                    moves=[Move(pool, EntryKind.ENCUMBERED, Bucket.ENCUMBERED, approved),
                           Move(own, EntryKind.ENCUMBERED, Bucket.FUNDED, approved)])
        locked.approved_amount, locked.allocation = approved, source
        locked.decided_by = actor if isinstance(actor, get_user_model()) else None
        locked.decided_at = timezone.now()
        return _moved(locked, "approve", actor, RequestStatus.SUBMITTED,
                      data={"amount": str(approved), "allocation": source.pk},
                      fields=("approved_amount", "allocation", "decided_by", "decided_at"))

    return _once(tenant=request.tenant, key=key, name="fund_request.approve", subject=request, actor=actor,
                 model=FundRequest, act=act)


def _decide(request: FundRequest, action: str, actor: Actor, key: str, text_field: str, text: str,
            required: str) -> FundRequest:
    text = (text or "").strip()
    if not text:
        raise ValidationError({text_field: required})

    def act(operation):
        locked = _locked(request, action)
        previous = locked.status
        setattr(locked, text_field, text)
        fields = (text_field,)
        if action == "reject":
            locked.decided_by = actor if isinstance(actor, get_user_model()) else None
            locked.decided_at = timezone.now()
            fields += ("decided_by", "decided_at")
        return _moved(locked, action, actor, previous, data={text_field: text}, fields=fields)

    return _once(tenant=request.tenant, key=key, name=f"fund_request.{action}", subject=request, actor=actor,
                 model=FundRequest, act=act)


@transaction.atomic
def fund_request_reject(*, request: FundRequest, actor: Actor, key: str, reason: str) -> FundRequest:
    return _decide(request, "reject", actor, key, "reason", reason, _("Say why: the partner reads it."))


@transaction.atomic
def fund_request_more_info(*, request: FundRequest, actor: Actor, key: str, question: str) -> FundRequest:
    return _decide(request, "more_info", actor, key, "question", question, _("Ask the partner what you need to know."))


@transaction.atomic
def fund_request_answer(*, request: FundRequest, actor: Actor, key: str, answer: str) -> FundRequest:
    """The partner answers the question; the request is submitted again (its notice counts from the first submit)."""
    return _decide(request, "answer", actor, key, "answer", answer, _("Answer the question."))


@transaction.atomic
def fund_request_cancel(*, request: FundRequest, actor: Actor, key: str, reason: str = "") -> FundRequest:
    """Cancel the request; an approved one releases what it still holds back to its allocation."""

    def act(operation):
        locked = _locked(request, "cancel")
        previous = locked.status
        released = ZERO
        if previous == RequestStatus.APPROVED and locked.claims.exclude(status__in=CLAIMS_THAT_TAKE_NOTHING).exists():
            raise ValidationError(_("Part of this request is claimed: close it instead, which releases the rest."))
        if previous == RequestStatus.APPROVED:
            pool, own = ledger.lock(ledger.account_for(locked.allocation), ledger.account_for(locked))
            released = own.available
            if released > 0:
                ledger.post(operation=operation, actor=actor, source=ledger.label_of(locked),
                            moves=[Move(pool, EntryKind.RELEASED, Bucket.ENCUMBERED, -released),
                                   Move(own, EntryKind.RELEASED, Bucket.FUNDED, -released)])
        locked.reason = (reason or "").strip() or locked.reason
        return _moved(locked, "cancel", actor, previous, data={"released": str(released)}, fields=("reason",))

    return _once(tenant=request.tenant, key=key, name="fund_request.cancel", subject=request, actor=actor,
                 model=FundRequest, act=act)


def operation_respond(*, tenant: Tenant, key: str, status: int, body: str) -> None:
    """Keep the API's first answer to a write with this key, for its replays (once; later answers are not kept)."""
    Operation.objects.filter(key=key, response__isnull=True).update(response={"status": status, "body": body})
