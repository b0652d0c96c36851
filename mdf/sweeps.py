"""Periodic work over one tenant's market development funds (beat runs it nightly, see tasks.py).

- Claim deadlines: the partner's admins hear 15, 5 and 1 days before an approved request's claim
  deadline while something is left to claim; once the deadline has passed the request is closed and
  what is left goes back to the allocation (not while a claim waits for a decision: it closes the
  night after that claim is decided, if the decision did not close it already).
- Period close: unspent allocations expire or roll over once their fiscal year's close day has passed
  (closing.py); with "expire" the partner's admins are warned 30 and 7 days before, with the amount.
- Accruals: the partners' tier share of won deals, accrued out of the current fiscal year's budgets.

Each reminder and warning is written once: its stage's key (an Operation row, unique per tenant, the
same table that makes every money write of this app idempotent) is claimed in the transaction that
writes the emails, so a second run, or a second worker, writes nothing. A run that missed days sends
only the latest stage due. Money moves through the services and closing.py, each idempotent by key."""

from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from partners.models import Partner
from prm.i18n.languages import supported_or_none
from prm.tenancy.models import Tenant

from . import closing, emails, ledger
from .claims import claim_due_on, fund_request_close
from .models import Budget, Claim, ClaimStatus, EntryKind, FundRequest, Operation, RequestStatus, Unspent
from .periods import fiscal_year_of
from .selectors import mdf_settings_for
from .services import ZERO, _today, accrual_run

REMINDER_DAYS = (15, 5, 1)  # before a claim deadline
WARNING_DAYS = (30, 7)  # before unspent allocations expire
REMIND, WARN = "fund_request.remind", "allocation.warn"


def _stage(days_left: int, stages: tuple[int, ...]) -> int | None:
    """The stage due with this many days left: the smallest of `stages` at or above it."""
    due = [days for days in stages if days_left <= days]
    return min(due) if due else None


def _program_language(tenant: Tenant) -> str:
    """What the program writes in when no one person reads it (a reason stored on a request, a memo)."""
    return supported_or_none(tenant.default_language) or django_settings.LANGUAGE_CODE


def _sent(name: str, keys: list[str]) -> set[str]:
    return set(Operation.objects.filter(name=name, key__in=keys).values_list("key", flat=True))


def _once(tenant: Tenant, name: str, key: str, subject, write) -> bool:
    """Write the emails of one reminder or warning unless its key was claimed before; True if written."""
    with transaction.atomic():  # the claim and the emails stand or fall together
        operation, replay = ledger.claim_key(tenant=tenant, key=key, name=name, subject=subject, actor=None)
        if replay:
            return False
        write()
        ledger.finish(operation, subject)
    return True


# Claim deadlines --------------------------------------------------------------------------------------

def remind_claims(*, tenant: Tenant, today: date | None = None) -> int:
    """Remind the partner's admins 15, 5 and 1 days before the claim deadline of each approved request
    whose activity has ended and that has something left to claim (less what waiting claims ask for).
    Returns the number of requests reminded."""
    today = today or _today(tenant)
    claim_days = mdf_settings_for(tenant).claim_days
    first_end = today - timedelta(days=claim_days)  # its deadline is today
    last_end = min(today, today + timedelta(days=max(REMINDER_DAYS) - claim_days))
    candidates = (FundRequest.objects.filter(status=RequestStatus.APPROVED, ends_on__gte=first_end, ends_on__lte=last_end)
                  .annotate(pending=Coalesce(Sum("claims__amount", filter=Q(claims__status=ClaimStatus.SUBMITTED)), ZERO))
                  .select_related("account", "partner", "tenant").order_by("pk"))
    due: list[tuple[FundRequest, date, int, Decimal, str]] = []
    for request in candidates:
        due_on = claim_due_on(request)
        days_left = (due_on - today).days
        stage = _stage(days_left, REMINDER_DAYS)
        left = request.account.available - request.pending
        if stage is not None and left > 0:
            due.append((request, due_on, days_left, left, f"remind:{ledger.label_of(request)}:due-{due_on}:{stage}"))
    sent = _sent(REMIND, [row[-1] for row in due])
    admins = emails.partner_admin_emails({row[0].partner_id for row in due})
    reminded = 0
    for request, due_on, days_left, left, key in due:
        to = admins.get(request.partner_id)
        if key in sent or not to:
            continue

        def write(request=request, due_on=due_on, days_left=days_left, left=left, to=to):
            for email in to:
                emails.send_claim_reminder(request, email, due_on=due_on, days_left=days_left, left=left)

        reminded += _once(tenant, REMIND, key, request, write)
    return reminded


def close_overdue(*, tenant: Tenant, today: date | None = None) -> int:
    """Close each approved request whose claim deadline has passed and that no claim waits on: what is
    left of it goes back to its allocation. Returns the number closed."""
    today = today or _today(tenant)
    claim_days = mdf_settings_for(tenant).claim_days
    waiting = Claim.objects.filter(fund_request=OuterRef("pk"), status=ClaimStatus.SUBMITTED)
    overdue = (FundRequest.objects.filter(status=RequestStatus.APPROVED, ends_on__lt=today - timedelta(days=claim_days))
               .exclude(Exists(waiting)).select_related("tenant", "partner", "allocation").order_by("pk"))
    closed = 0
    for request in overdue:
        due_on = claim_due_on(request)
        with translation.override(_program_language(tenant)):
            reason = _("The claim deadline passed on %(date)s.") % {"date": date_format(due_on, "DATE_FORMAT")}
        try:
            fund_request_close(request=request, actor=None, key=f"deadline:{ledger.label_of(request)}:due-{due_on}",
                               reason=reason)
        except ValidationError:
            continue  # a claim arrived or a manager closed it a moment ago: the next run looks again
        closed += 1
    return closed


def claim_deadlines(*, tenant: Tenant, today: date | None = None) -> dict[str, int]:
    """The nightly step: close what is overdue, then remind what is due soon."""
    return {"closed": close_overdue(tenant=tenant, today=today), "reminded": remind_claims(tenant=tenant, today=today)}


# Period close -----------------------------------------------------------------------------------------

def warn_unspent(*, tenant: Tenant, today: date | None = None) -> int:
    """With "expire", warn the partner's admins 30 and 7 days before a fiscal year's close day of what
    is available in the partner's allocations of that year. Returns the number of partners warned."""
    today = today or _today(tenant)
    settings = mdf_settings_for(tenant)
    if settings.unspent != Unspent.EXPIRE:
        return 0
    due = []
    for year in closing.budget_years():
        expires_on = closing.close_on(year, settings)
        days_left = (expires_on - today).days
        stage = _stage(days_left, WARNING_DAYS) if days_left >= 0 else None
        if stage is None:
            continue
        for partner_id, amount in closing.unspent_by_partner(year).items():
            due.append((partner_id, year, expires_on, days_left, amount,
                        f"warn:partners.partner:{partner_id}:FY{year}:close-{expires_on}:{stage}"))
    sent = _sent(WARN, [row[-1] for row in due])
    due = [row for row in due if row[-1] not in sent]
    admins = emails.partner_admin_emails({row[0] for row in due})
    partners = Partner.objects.in_bulk(list(admins))
    warned = 0
    for partner_id, year, expires_on, days_left, amount, key in due:
        if partner_id not in admins:
            continue
        partner = partners[partner_id]

        def write(partner=partner, year=year, expires_on=expires_on, days_left=days_left, amount=amount):
            for email in admins[partner.pk]:
                emails.send_unspent_warning(partner, email, amount=amount, expires_on=expires_on, days_left=days_left,
                                            fiscal_year=year)

        warned += _once(tenant, WARN, key, partner, write)
    return warned


def close_periods(*, tenant: Tenant, today: date | None = None) -> dict[str, str | int]:
    """The nightly step: close the fiscal years whose close day has passed, then warn of the next."""
    today = today or _today(tenant)
    with translation.override(_program_language(tenant)):  # the entries' memos
        closed = closing.close_due(tenant=tenant, today=today)
    return {"expired": str(closed["expired"]), "rolled_over": str(closed["rolled_over"]),
            "allocations": closed["allocations"], "warned": warn_unspent(tenant=tenant, today=today)}


# Accruals ---------------------------------------------------------------------------------------------

def accrual_budgets(fiscal_year: int) -> list[Budget]:
    """The budgets of `fiscal_year` the partners accrue from: those accrued from already this year (a
    manager chose them on the budget page), else the year's one top-level budget. Not every budget: each
    accrual run gives a partner its full share out of the budget it runs on, so running it on a budget
    and its sub-budget (or on two budgets) would pay the share twice."""
    accrued = list(Budget.objects.filter(fiscal_year=fiscal_year, allocations__account__entries__kind=EntryKind.ACCRUED)
                   .distinct().order_by("pk"))
    if accrued:
        return accrued
    tops = list(Budget.objects.filter(fiscal_year=fiscal_year, parent__isnull=True).order_by("pk")[:2])
    return tops if len(tops) == 1 else []


def accrue(*, tenant: Tenant, today: date | None = None) -> dict[str, str]:
    """The nightly step: accrue out of the current fiscal year's accrual budgets (each run adds only what
    new won deals bring). Returns what was accrued, by budget id."""
    today = today or _today(tenant)
    year = fiscal_year_of(today, mdf_settings_for(tenant).fiscal_year_start_month)
    results = {}
    for budget in accrual_budgets(year):
        accrued = accrual_run(budget=budget, actor=None, today=today)
        results[str(budget.pk)] = str(sum(accrued.values(), ZERO))
    return results
