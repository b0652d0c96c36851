"""Reads of market development funds, scoped to the tenant in force (and the partner where named)."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Exists, Model, OuterRef, Prefetch, QuerySet, Sum

from partners.models import Partner
from prm.tenancy.models import Tenant

from .models import (
    Account,
    ActivityType,
    Allocation,
    ApprovalLimit,
    Budget,
    Claim,
    ClaimProof,
    ClaimStatus,
    FundRequest,
    LedgerEntry,
    MdfSettings,
    Operation,
    Payment,
    RequestStatus,
    Unspent,
)
from .periods import close_on

OPEN = (RequestStatus.SUBMITTED, RequestStatus.MORE_INFO)
ZERO = Decimal("0.00")


def mdf_settings_for(tenant: Tenant) -> MdfSettings:
    """The tenant's settings, or the defaults (unsaved) when it has none yet."""
    return MdfSettings.objects.filter(tenant=tenant).first() or MdfSettings(tenant=tenant)


def activity_types(*, offered_only: bool = False) -> QuerySet[ActivityType]:
    types = ActivityType.objects.all()
    return types.filter(is_active=True) if offered_only else types


def approval_limits() -> QuerySet[ApprovalLimit]:
    return ApprovalLimit.objects.select_related("membership__user").order_by("membership__user__email")


@dataclass
class BudgetRow:
    budget: Budget
    account: Account
    depth: int
    children: list = field(default_factory=list)
    held: Decimal = Decimal("0.00")  # encumbered by approved requests in its allocations and its sub-budgets'

    @property
    def indent(self) -> str:
        return "↳ " * self.depth


def budget_tree(fiscal_year: int | None = None) -> dict[int, list[BudgetRow]]:
    """Budgets by fiscal year (newest first), each top-level budget followed by its sub-budgets, depth-first;
    `held` is what approved requests hold in the budget's allocations and those of its sub-budgets."""
    budgets = list(Budget.objects.select_related("account").order_by("name", "pk"))
    if fiscal_year is not None:
        budgets = [b for b in budgets if b.fiscal_year == fiscal_year]
    children: dict[int | None, list[Budget]] = {}
    for budget in budgets:
        children.setdefault(budget.parent_id, []).append(budget)
    by_year: dict[int, list[BudgetRow]] = {}
    held_here = {row["allocation__budget"]: row["total"] for row in Account.objects.filter(kind="allocation")
                 .values("allocation__budget").annotate(total=Sum("encumbered")).order_by()}

    def walk(budget, depth) -> Decimal:
        row = BudgetRow(budget, budget.account, depth)
        by_year.setdefault(budget.fiscal_year, []).append(row)
        row.held = held_here.get(budget.pk, ZERO) + sum((walk(c, depth + 1) for c in children.get(budget.pk, [])), ZERO)
        return row.held

    for top in children.get(None, []):
        walk(top, 0)
    return dict(sorted(by_year.items(), reverse=True))


def allocations_of(budget: Budget) -> QuerySet[Allocation]:
    return budget.allocations.select_related("partner", "account").order_by("partner__name")


def review_queue() -> QuerySet[FundRequest]:
    """Requests waiting for a decision, the activity starting soonest first."""
    return (FundRequest.objects.filter(status__in=OPEN).select_related("partner", "activity_type")
            .order_by("starts_on", "pk"))


def ledger_of(account: Account, limit: int = 50) -> QuerySet[LedgerEntry]:
    return account.entries.order_by("-pk")[:limit]


@dataclass
class PartnerFunds:
    available: Decimal
    encumbered: Decimal
    claimed: Decimal
    paid: Decimal
    allocations: list  # [(allocation, account, expires_on or None)]
    expiring: list  # [(amount, expires_on)] soonest first, what expires unspent
    currency: str


def partner_funds(partner: Partner, settings: MdfSettings, today: date) -> PartnerFunds:
    """The partner's balances over its allocations; with "expire", what lapses at each fiscal year's end."""
    allocations = list(Allocation.objects.filter(partner=partner).select_related("budget", "account")
                       .order_by("-budget__fiscal_year", "budget__name"))
    rows, expiring = [], {}
    for allocation in allocations:
        account = allocation.account
        expires_on = close_on(allocation.budget.fiscal_year, settings) if settings.unspent == Unspent.EXPIRE else None
        rows.append((allocation, account, expires_on))
        if expires_on is not None and expires_on >= today and account.available > 0:
            expiring[expires_on] = expiring.get(expires_on, ZERO) + account.available
    totals = Account.objects.filter(allocation__partner=partner).aggregate(
        funded=Sum("funded"), encumbered=Sum("encumbered"), claimed=Sum("claimed"), paid=Sum("paid"),
        expired=Sum("expired"))
    totals = {k: v or ZERO for k, v in totals.items()}
    available = totals["funded"] - totals["encumbered"] - totals["claimed"] - totals["paid"] - totals["expired"]
    return PartnerFunds(available=available, encumbered=totals["encumbered"], claimed=totals["claimed"],
                        paid=totals["paid"], allocations=rows,
                        expiring=[(expiring[day], day) for day in sorted(expiring)],
                        currency=partner.tenant.currency)


def partner_requests(partner: Partner) -> QuerySet[FundRequest]:
    return FundRequest.objects.filter(partner=partner).select_related("activity_type").order_by("-created_at", "-pk")


def first_response(*, key: str, name: str, subject: Model) -> Operation | None:
    """The write with this key, if it was this same write and the API kept its first answer."""
    label = f"{subject._meta.label_lower}:{subject.pk}" if subject is not None else ""
    return Operation.objects.filter(key=key, name=name, subject=label, response__isnull=False).first()


# Claims and payments -----------------------------------------------------------------------------

WAITING = (ClaimStatus.SUBMITTED,)
UNPAID = (ClaimStatus.SUBMITTED, ClaimStatus.APPROVED)  # a claim still on its way to the partner's account
NEAR_DAYS = 7  # a claim deadline this close counts as near in the dashboard's overdue list


@dataclass
class ClaimDeadline:
    """When claims against an approved request are accepted: from the activity's end to `due`."""

    opens_on: date
    due: date
    today: date

    @property
    def days_left(self) -> int:
        return (self.due - self.today).days

    @property
    def is_late(self) -> bool:
        return self.today > self.due

    @property
    def not_yet(self) -> bool:
        return self.today < self.opens_on

    @property
    def is_near(self) -> bool:
        return 0 <= self.days_left <= NEAR_DAYS


def claim_deadline(request: FundRequest, settings: MdfSettings, today: date) -> ClaimDeadline:
    """The claim window of `request` (its end plus the program's claim days), as mdf.claims.claim_due_on counts it."""
    return ClaimDeadline(opens_on=request.ends_on, due=request.ends_on + timedelta(days=settings.claim_days), today=today)


def _with_proofs(claims: QuerySet[Claim]) -> QuerySet[Claim]:
    return claims.prefetch_related(Prefetch("proofs", queryset=ClaimProof.objects.order_by("pk")))


def request_claims(request: FundRequest) -> QuerySet[Claim]:
    """The request's claims, newest first, with their proof files."""
    return _with_proofs(request.claims.order_by("-created_at", "-pk"))


@dataclass
class ClaimRoom:
    approved: Decimal  # what the request was approved for
    claimed: Decimal  # approved claims so far (paid or not)
    paid: Decimal
    waiting: Decimal  # claims waiting for a decision
    left: Decimal  # what a new claim may still ask for


def claim_room(request: FundRequest) -> ClaimRoom:
    """What is left to claim of an approved request: its account's available less the claims waiting."""
    account = Account.objects.filter(fund_request=request).first()
    waiting = request.claims.filter(status__in=WAITING).aggregate(total=Sum("amount"))["total"] or ZERO
    if account is None:
        return ClaimRoom(ZERO, ZERO, ZERO, waiting, ZERO)
    left = max(account.available - waiting, ZERO) if request.status == RequestStatus.APPROVED else ZERO
    return ClaimRoom(approved=request.approved_amount or ZERO, claimed=account.claimed + account.paid,
                     paid=account.paid, waiting=waiting, left=left)


def partner_open_claims(partner: Partner) -> QuerySet[Claim]:
    """The partner's claims not yet paid in full (waiting for a decision, or approved and unpaid)."""
    return (Claim.objects.filter(partner=partner, status__in=UNPAID).select_related("fund_request")
            .order_by("created_at", "pk"))


def partner_claimable(partner: Partner) -> QuerySet[FundRequest]:
    """The partner's approved requests (the ones claims go against), the soonest activity end first."""
    return FundRequest.objects.filter(partner=partner, status=RequestStatus.APPROVED).order_by("ends_on", "pk")


def claims_queue(status: str = "") -> QuerySet[Claim]:
    """Claims by age, oldest first; those waiting for a decision unless another status is asked for."""
    claims = Claim.objects.select_related("partner", "fund_request")
    claims = claims.filter(status=status) if status else claims.filter(status__in=WAITING)
    return claims.order_by("created_at", "pk")


def overdue_requests(settings: MdfSettings, today: date) -> QuerySet[FundRequest]:
    """Approved requests whose activity has ended and whose claim deadline has passed or is near
    (NEAR_DAYS), with nothing claimed: no claim that is waiting, approved or paid."""
    latest_end = min(today - timedelta(days=1), today + timedelta(days=NEAR_DAYS - settings.claim_days))
    claimed = Claim.objects.filter(fund_request=OuterRef("pk"),
                                   status__in=(ClaimStatus.SUBMITTED, ClaimStatus.APPROVED, ClaimStatus.PAID))
    return (FundRequest.objects.filter(status=RequestStatus.APPROVED, ends_on__lte=latest_end)
            .exclude(Exists(claimed)).select_related("partner").order_by("ends_on", "pk"))


def payments_list(*, paid_from: date | None = None, paid_to: date | None = None,
                  partner: Partner | None = None) -> QuerySet[Payment]:
    """Payments of claims, newest first, within the period and of the partner when given."""
    payments = Payment.objects.select_related("partner", "claim__fund_request", "recorded_by")
    if paid_from:
        payments = payments.filter(paid_on__gte=paid_from)
    if paid_to:
        payments = payments.filter(paid_on__lte=paid_to)
    if partner is not None:
        payments = payments.filter(partner=partner)
    return payments.order_by("-paid_on", "-pk")
