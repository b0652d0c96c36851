"""Closing a fiscal year: unspent allocations expire (or roll over into the next year) after the program's
close day, through the ledger, once; partners are warned 30 and 7 days before they expire."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import translation
from django.utils.formats import date_format

from mdf import closing, services, sweeps
from mdf.models import Account, Bucket, Budget, EntryKind, LedgerEntry, MdfSettings, Operation, Unspent
from mdf.periods import fiscal_year_bounds
from mdf.selectors import mdf_settings_for
from prm.audit.models import AuditEvent
from prm.outbox.models import OutboundEmail

from .helpers import allocation, approved_request, assert_balances_are_sums, funded_budget, key, this_year

D = Decimal
DAY = timedelta(days=1)


@pytest.fixture
def manager(world):
    return world.acme_manager.user


@pytest.fixture
def year_with_funds(acme, world, manager):
    """This year's budget of 10,000: Northwind 3,000 (800 held by an approved request), Contoso 1,000."""
    budget = funded_budget(acme, manager, "10000")
    northwind = allocation(budget, world.northwind, manager, "3000")
    contoso = allocation(budget, world.contoso, manager, "1000")
    request = approved_request(world.northwind, manager, amount="800")
    return budget, northwind, contoso, request


def _settings(acme, **fields):
    MdfSettings.objects.update_or_create(tenant=acme, defaults=fields)
    return mdf_settings_for(acme)


def _account(owner):
    return Account.objects.get(**{owner._meta.model_name: owner})


def _snapshot():
    """The money's state: entries, the writes that posted them, budgets, balances (not the warnings sent)."""
    return (LedgerEntry.objects.count(), Operation.objects.exclude(name=sweeps.WARN).count(), Budget.objects.count(),
            sorted(Account.objects.values_list("pk", "funded", "allocated", "encumbered", "claimed", "paid", "expired")))


def _available_change(operation_name):
    """What the operations of this name changed in available, summed over every account they touched."""
    total = D("0")
    for entry in LedgerEntry.objects.filter(operation__name=operation_name):
        total += entry.amount if entry.bucket == Bucket.FUNDED else -entry.amount
    return total


# Expiry -----------------------------------------------------------------------------------------------

def test_the_close_day_is_the_fiscal_years_last_day_unless_the_program_moves_it(acme):
    year = this_year(acme)
    assert closing.close_on(year, mdf_settings_for(acme)) == fiscal_year_bounds(year, 1)[1]
    settings = _settings(acme, fiscal_year_start_month=4, unspent_offset_days=-30)
    assert closing.close_on(2027, settings) == fiscal_year_bounds(2027, 4)[1] - timedelta(days=30)


def test_unspent_allocations_expire_after_the_close_day_and_only_their_available(acme, year_with_funds):
    budget, northwind, contoso, _request = year_with_funds
    close = closing.close_on(budget.fiscal_year, mdf_settings_for(acme))
    before = _snapshot()
    assert sweeps.close_periods(tenant=acme, today=close)["allocations"] == 0  # the last day: still usable
    assert _snapshot() == before

    result = sweeps.close_periods(tenant=acme, today=close + DAY)
    assert (result["expired"], result["rolled_over"], result["allocations"]) == ("3200.00", "0.00", 2)
    mine = _account(northwind)
    assert (mine.expired, mine.encumbered, mine.available) == (D("2200.00"), D("800.00"), D("0.00"))
    assert (_account(contoso).expired, _account(contoso).available) == (D("1000.00"), D("0.00"))
    pool = _account(budget)
    assert (pool.funded, pool.allocated, pool.available) == (D("10000.00"), D("4000.00"), D("6000.00"))  # untouched
    entry = LedgerEntry.objects.get(account=mine, kind=EntryKind.EXPIRED)
    assert (entry.bucket, entry.amount, entry.operation.name) == (Bucket.EXPIRED, D("2200.00"), closing.EXPIRE)
    assert entry.memo == f"Unspent at the close of FY{budget.fiscal_year}"
    event = AuditEvent.objects.get(verb="mdf_allocation.expired", target_id=str(mine.allocation_id))
    assert event.data == {"amount": "2200.00", "partner": northwind.partner_id, "fiscal_year": budget.fiscal_year}
    assert_balances_are_sums()

    after = _snapshot()
    assert sweeps.close_periods(tenant=acme, today=close + DAY)["allocations"] == 0
    assert sweeps.close_periods(tenant=acme, today=close + 5 * DAY)["expired"] == "0.00"
    assert _snapshot() == after


def test_money_released_to_a_closed_allocation_later_expires_the_next_night(acme, year_with_funds, manager):
    budget, northwind, _contoso, request = year_with_funds
    close = closing.close_on(budget.fiscal_year, mdf_settings_for(acme))
    sweeps.close_periods(tenant=acme, today=close + DAY)
    services.fund_request_cancel(request=request, actor=manager, key=key(), reason="Event called off")
    assert _account(northwind).available == D("800.00")
    assert sweeps.close_periods(tenant=acme, today=close + 2 * DAY)["expired"] == "800.00"
    mine = _account(northwind)
    assert (mine.expired, mine.encumbered, mine.available) == (D("3000.00"), D("0.00"), D("0.00"))
    assert LedgerEntry.objects.filter(account=mine, kind=EntryKind.EXPIRED).count() == 2
    assert_balances_are_sums()


def test_the_program_sets_the_close_day_after_or_before_the_years_end(acme, year_with_funds):
    budget, northwind, _contoso, _request = year_with_funds
    last = fiscal_year_bounds(budget.fiscal_year, 1)[1]
    _settings(acme, unspent_offset_days=30)
    assert sweeps.close_periods(tenant=acme, today=last + DAY)["allocations"] == 0
    assert sweeps.close_periods(tenant=acme, today=last + 30 * DAY)["allocations"] == 0
    assert sweeps.close_periods(tenant=acme, today=last + 31 * DAY)["expired"] == "3200.00"
    assert _account(northwind).expired == D("2200.00")


def test_a_close_day_before_the_years_end_closes_during_the_year(acme, year_with_funds):
    budget, northwind, _contoso, _request = year_with_funds
    last = fiscal_year_bounds(budget.fiscal_year, 1)[1]
    _settings(acme, unspent_offset_days=-10)
    assert sweeps.close_periods(tenant=acme, today=last - 10 * DAY)["allocations"] == 0
    assert sweeps.close_periods(tenant=acme, today=last - 9 * DAY)["allocations"] == 2


# Roll-over --------------------------------------------------------------------------------------------

def test_roll_over_moves_the_available_into_next_years_budget_of_the_same_name(acme, world, manager):
    _settings(acme, unspent=Unspent.ROLL_OVER)
    year = this_year(acme)
    top = funded_budget(acme, manager, "10000", name="Global")
    emea = services.budget_create(tenant=acme, actor=manager, key=key(), name="EMEA", fiscal_year=year, parent=top,
                                  amount=D("4000"))
    old = allocation(emea, world.northwind, manager, "1500")
    approved_request(world.northwind, manager, amount="600")  # out of the only allocation of the year: stays held
    close = closing.close_on(year, mdf_settings_for(acme))

    result = sweeps.close_periods(tenant=acme, today=close + DAY)
    assert (result["rolled_over"], result["expired"], result["allocations"], result["warned"]) == ("900.00", "0.00", 1, 0)
    gone = _account(old)
    assert (gone.expired, gone.encumbered, gone.available) == (D("900.00"), D("600.00"), D("0.00"))
    assert LedgerEntry.objects.get(account=gone, bucket=Bucket.EXPIRED).kind == EntryKind.ROLLED_OVER
    next_top = Budget.objects.get(fiscal_year=year + 1, name="Global", parent=None)
    next_emea = Budget.objects.get(fiscal_year=year + 1, name="EMEA", parent=next_top)
    new = next_emea.allocations.get(partner=world.northwind)
    assert (_account(new).funded, _account(new).available) == (D("900.00"), D("900.00"))
    moved = AuditEvent.objects.get(verb="mdf_allocation.rolled_over", target_id=str(old.pk))
    assert moved.data == {"amount": "900.00", "partner": world.northwind.pk, "into": new.pk, "fiscal_year": year + 1}
    for budget in (next_top, next_emea):  # handed down like any sub-budget's funds, nothing left unallocated
        assert (_account(budget).funded, _account(budget).allocated, _account(budget).available) == (
            D("900.00"), D("900.00"), D("0.00"))
    # money moved, none appeared: the operation's changes of available cancel out
    assert _available_change(closing.ROLL_OVER) == D("0")
    assert _account(top).available == D("6000.00") and _account(emea).available == D("2500.00")  # untouched
    assert_balances_are_sums()

    after = _snapshot()
    assert sweeps.close_periods(tenant=acme, today=close + DAY)["rolled_over"] == "0.00"
    assert _snapshot() == after


def test_roll_over_into_an_existing_budget_adds_exactly_what_the_old_year_lost(acme, world, manager, year_with_funds):
    budget, northwind, contoso, _request = year_with_funds
    _settings(acme, unspent=Unspent.ROLL_OVER)
    following = funded_budget(acme, manager, "5000", name=budget.name, year=budget.fiscal_year + 1)
    allocation(following, world.contoso, manager, "100")
    close = closing.close_on(budget.fiscal_year, mdf_settings_for(acme))
    assert sweeps.close_periods(tenant=acme, today=close + DAY)["rolled_over"] == "3200.00"
    pool = _account(following)
    assert (pool.funded, pool.allocated, pool.available) == (D("8200.00"), D("3300.00"), D("4900.00"))
    assert _account(following.allocations.get(partner=world.northwind)).available == D("2200.00")
    assert _account(following.allocations.get(partner=world.contoso)).available == D("1100.00")
    assert _account(northwind).expired + _account(contoso).expired == D("3200.00")
    assert _available_change(closing.ROLL_OVER) == D("0")
    assert Budget.objects.filter(fiscal_year=budget.fiscal_year + 1).count() == 1
    assert_balances_are_sums()


def test_money_rolled_into_a_year_that_closed_too_moves_on_in_the_same_run(acme, year_with_funds):
    budget, northwind, _contoso, _request = year_with_funds
    settings = _settings(acme, unspent=Unspent.ROLL_OVER)
    later = closing.close_on(budget.fiscal_year + 1, settings) + DAY
    assert sweeps.close_periods(tenant=acme, today=later)["rolled_over"] == "6400.00"  # twice 3,200
    third = Budget.objects.get(fiscal_year=budget.fiscal_year + 2)
    assert _account(third).funded == D("3200.00")
    assert _account(Budget.objects.get(fiscal_year=budget.fiscal_year + 1)).available == D("0.00")
    assert _available_change(closing.ROLL_OVER) == D("0")
    assert_balances_are_sums()


# Warnings ---------------------------------------------------------------------------------------------

def test_partners_are_warned_30_and_7_days_before_with_the_amount_and_the_day(acme, year_with_funds):
    budget, _northwind, _contoso, _request = year_with_funds
    close = closing.close_on(budget.fiscal_year, mdf_settings_for(acme))
    warned_on = []
    for day in range(40, -1, -1):
        on = close - timedelta(days=day)
        first, second = sweeps.warn_unspent(tenant=acme, today=on), sweeps.warn_unspent(tenant=acme, today=on)
        assert second == 0, on
        if first:
            warned_on.append(day)
    assert warned_on == [30, 7]
    mails = list(OutboundEmail.objects.filter(kind="mdf/email/unspent_warning").order_by("pk"))
    assert [m.to for m in mails] == [["admin@northwind.example"]] * 2  # Contoso has no partner admin
    with translation.override("en"):
        day = date_format(close, "DATE_FORMAT")
    assert mails[0].subject == f"$2,200.00 of your market development funds expire on {day}"
    assert f"They expire at the end of {day}, in 30 days." in mails[0].body_text
    assert "in 7 days." in mails[1].body_text and "/portal/funds/" in mails[1].body_text
    assert sweeps.warn_unspent(tenant=acme, today=close + DAY) == 0


def test_no_warning_when_funds_roll_over_or_nothing_is_left(acme, world, manager, year_with_funds):
    budget, _northwind, _contoso, _request = year_with_funds
    close = closing.close_on(budget.fiscal_year, mdf_settings_for(acme))
    _settings(acme, unspent=Unspent.ROLL_OVER)
    assert sweeps.warn_unspent(tenant=acme, today=close - timedelta(days=30)) == 0
    _settings(acme, unspent=Unspent.EXPIRE)
    approved_request(world.northwind, manager, amount="1000", total_cost=D("2200"))
    approved_request(world.northwind, manager, amount="1000", total_cost=D("2200"))
    approved_request(world.northwind, manager, amount="200", total_cost=D("400"), requested_amount=D("200"))
    assert sweeps.warn_unspent(tenant=acme, today=close - timedelta(days=7)) == 0  # all of Northwind's is held
    assert OutboundEmail.objects.filter(kind="mdf/email/unspent_warning").count() == 0
