"""The ledger invariant as a hypothesis state machine: random interleavings of funding, sub-budgets,
allocations, requests, approvals, cancellations and replays never break it.

After every step: each account's cached balance equals the sum of its entries, bucket by bucket;
nothing is overspent; and money is conserved: what came into the top-level budgets is exactly what
sits in budgets and allocations (available, encumbered, claimed, paid, expired), and what approved
requests hold is what their allocations have encumbered. Each example runs in a transaction that is
rolled back. (Claims, payments and expiry arrive with their services; the buckets are already here.)"""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, settings, strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test

from mdf import services
from mdf.models import Account, AccountKind, Budget, EntryKind, FundRequest, LedgerEntry
from prm.tenancy.context import tenant_context

from .helpers import assert_balances_are_sums, key, request_fields, this_year

AMOUNTS = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("3000"), places=2)


def _sum(queryset, field):
    return queryset.aggregate(total=Sum(field))["total"] or Decimal("0")


class LedgerMachine(RuleBasedStateMachine):
    world = None  # set by the test

    def __init__(self):
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self._tenant = tenant_context(self.world.acme)
        self._tenant.__enter__()
        self.admin = self.world.acme_admin.user
        self.year = this_year(self.world.acme)
        self.budgets, self.allocations, self.requests = [], [], []
        self.last = None  # (service, kwargs) of the last write, to replay

    def teardown(self):
        self._tenant.__exit__(None, None, None)
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    def _try(self, service, **kwargs):
        try:
            result = service(**kwargs)
        except ValidationError:
            return None
        self.last = (service, kwargs)
        return result

    @rule(amount=AMOUNTS)
    def new_budget(self, amount):
        budget = self._try(services.budget_create, tenant=self.world.acme, actor=self.admin, key=key(),
                           name=f"Budget {key()}", fiscal_year=self.year, amount=amount)
        self.budgets.append(budget)

    @precondition(lambda self: self.budgets)
    @rule(data=st.data(), amount=AMOUNTS)
    def fund_or_split(self, data, amount):
        budget = data.draw(st.sampled_from(self.budgets))
        if data.draw(st.booleans()):
            self._try(services.budget_fund, budget=budget, actor=self.admin, key=key(), amount=amount)
        else:
            child = self._try(services.budget_create, tenant=self.world.acme, actor=self.admin, key=key(),
                              name=f"Part {key()}", fiscal_year=self.year, parent=budget, amount=amount)
            if child is not None:
                self.budgets.append(child)

    @precondition(lambda self: self.budgets)
    @rule(data=st.data(), amount=AMOUNTS)
    def allocate(self, data, amount):
        budget = data.draw(st.sampled_from(self.budgets))
        partner = data.draw(st.sampled_from([self.world.northwind, self.world.contoso]))
        made = self._try(services.allocation_create, budget=budget, partner=partner, actor=self.admin, key=key(),
                         amount=amount)
        if made is not None and made not in self.allocations:
            self.allocations.append(made)

    @rule(data=st.data(), cost=st.integers(min_value=2, max_value=4000))
    def request(self, data, cost):
        partner = data.draw(st.sampled_from([self.world.northwind, self.world.contoso]))
        total = Decimal(cost)
        made = self._try(services.fund_request_create, partner=partner, actor=self.admin, key=key(),
                         **request_fields(self.world.acme, total_cost=total, requested_amount=total / 2))
        if made is not None:
            self.requests.append(made)

    @precondition(lambda self: self.requests)
    @rule(data=st.data(), part=st.integers(min_value=1, max_value=100))
    def approve(self, data, part):
        request = data.draw(st.sampled_from(self.requests))
        amount = (request.requested_amount * part / 100).quantize(Decimal("0.01"))
        allocation = data.draw(st.sampled_from([None, *self.allocations]))
        self._try(services.fund_request_approve, request=request, actor=self.admin, key=key(),
                  amount=max(amount, Decimal("0.01")), allocation=allocation)

    @precondition(lambda self: self.requests)
    @rule(data=st.data())
    def cancel(self, data):
        request = data.draw(st.sampled_from(self.requests))
        self._try(services.fund_request_cancel, request=request, actor=self.admin, key=key())

    @precondition(lambda self: self.last is not None)
    @rule()
    def replay(self):
        service, kwargs = self.last
        before = LedgerEntry.objects.count()
        service(**kwargs)
        assert LedgerEntry.objects.count() == before, "a replay posted entries"

    @invariant()
    def balances_are_sums_and_money_is_conserved(self):
        assert_balances_are_sums()
        top = Budget.objects.filter(parent__isnull=True)
        came_in = _sum(LedgerEntry.objects.filter(account__budget__in=top, kind=EntryKind.FUNDED), "amount")
        holding = Account.objects.exclude(kind=AccountKind.REQUEST)
        sits = sum((a.available + a.encumbered + a.claimed + a.paid + a.expired for a in holding), Decimal("0"))
        assert came_in == sits
        requests = Account.objects.filter(kind=AccountKind.REQUEST)
        assert _sum(requests, "funded") == _sum(Account.objects.filter(kind=AccountKind.ALLOCATION), "encumbered")
        for request in FundRequest.objects.filter(status="approved"):
            assert request.account.funded == request.approved_amount


@pytest.mark.django_db
def test_the_ledger_invariant_holds_under_random_interleavings(world):
    LedgerMachine.world = world
    run_state_machine_as_test(LedgerMachine, settings=settings(
        max_examples=20, stateful_step_count=10, deadline=None, database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]))
