"""The ledger invariant as a hypothesis state machine: random interleavings of funding, sub-budgets,
allocations, requests, approvals, cancellations, claims (submitted, approved for random lower amounts,
rejected, withdrawn), partial payments, closing and replays never break it.

After every step: each account's cached balance equals the sum of its entries, bucket by bucket;
nothing is overspent (no bucket and no available below zero); money is conserved: what came into the
top-level budgets is exactly what sits in budgets and allocations (available, encumbered, claimed,
paid, expired); each allocation's encumbered, claimed and paid are what its requests still hold, have
claimed unpaid and have paid; each request's claimed and paid are its approved claims' and payments';
and what waits in submitted claims fits in what the request has left. Each example runs in a
transaction that is rolled back. (Expiry arrives with its service; the bucket is already here.)"""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, settings, strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule, run_state_machine_as_test

from mdf import claims, services
from mdf.models import (
    Account,
    AccountKind,
    Allocation,
    Budget,
    Claim,
    ClaimStatus,
    EntryKind,
    FundRequest,
    LedgerEntry,
    Payment,
    RequestStatus,
)
from prm.tenancy.context import tenant_context

from .helpers import assert_balances_are_sums, ended, key, pdf, request_fields, this_year

AMOUNTS = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("3000"), places=2)
PARTS = st.integers(min_value=1, max_value=100)  # a percentage of something, for amounts that fit more often
ZERO = Decimal("0")


def _sum(queryset, field):
    return queryset.aggregate(total=Sum(field))["total"] or Decimal("0")


def _part(amount, part):
    return max((amount * part / 100).quantize(Decimal("0.01")), Decimal("0.01"))


class LedgerMachine(RuleBasedStateMachine):
    world = None  # set by the test
    seen = refused = None  # how often each write went through, and why it was refused, over all examples

    def __init__(self):
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self._tenant = tenant_context(self.world.acme)
        self._tenant.__enter__()
        self.admin = self.world.acme_admin.user
        self.year = this_year(self.world.acme)
        self.budgets, self.allocations, self.requests, self.claims = [], [], [], []
        self.last = None  # (service, kwargs) of the last write, to replay
        self.partner_users = {self.world.northwind.pk: self.world.northwind_admin.user,
                              self.world.contoso.pk: self.world.contoso_rep.user}

    def teardown(self):
        self._tenant.__exit__(None, None, None)
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    def _try(self, service, **kwargs):
        try:
            result = service(**kwargs)
        except ValidationError as exc:
            self.refused.setdefault(service.__name__, set()).add(" ".join(exc.messages)[:80])
            return None
        self.last = (service, kwargs)
        self.seen[service.__name__] = self.seen.get(service.__name__, 0) + 1
        return result

    @initialize()
    def a_funded_budget_for_both_partners(self):
        """Every example starts where claims can happen: a budget, an allocation for each partner that covers
        approvals, and an approved request of each whose activity has ended (the rules' random programs are
        mostly short: few of them would reach a claim otherwise)."""
        budget = self._try(services.budget_create, tenant=self.world.acme, actor=self.admin, key=key(),
                           name=f"Budget {key()}", fiscal_year=self.year, amount=Decimal("20000"))
        self.budgets.append(budget)
        for partner in (self.world.northwind, self.world.contoso):
            self.allocations.append(self._try(services.allocation_create, budget=budget, partner=partner,
                                              actor=self.admin, key=key(), amount=Decimal("5000")))
            made = self._try(services.fund_request_create, partner=partner, actor=self.admin, key=key(),
                             **request_fields(self.world.acme))
            self._try(services.fund_request_approve, request=made, actor=self.admin, key=key())
            self.requests.append(ended(made))

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

    def _approved_requests(self):
        return [r for r in self.requests if FundRequest.objects.filter(pk=r.pk, status=RequestStatus.APPROVED).exists()]

    @precondition(lambda self: self.requests)
    @rule(data=st.data(), part=PARTS, final=st.booleans())
    def submit_claim(self, data, part, final):
        approved = self._approved_requests()
        if not approved:
            return
        request = ended(data.draw(st.sampled_from(approved)))
        made = self._try(claims.claim_submit, request=request, actor=self.partner_users[request.partner_id], key=key(),
                         amount=_part(request.approved_amount, part), proofs=[pdf()], is_final=final)
        if made is not None:
            self.claims.append(made)

    def _claims_in(self, status):
        """The claims now in `status`, or all of them (a move from the wrong state must be refused too)."""
        return [c for c in self.claims if Claim.objects.filter(pk=c.pk, status=status).exists()] or self.claims

    @precondition(lambda self: self.claims)
    @rule(data=st.data(), part=PARTS)
    def approve_claim(self, data, part):
        claim = data.draw(st.sampled_from(self._claims_in(ClaimStatus.SUBMITTED)))
        amount = _part(claim.amount, part)
        self._try(claims.claim_approve, claim=claim, actor=self.admin, key=key(), amount=amount,
                  reason="Part of the proof was missing" if amount < claim.amount else "")

    @precondition(lambda self: self.claims)
    @rule(data=st.data(), withdraw=st.booleans())
    def reject_or_withdraw_claim(self, data, withdraw):
        claim = data.draw(st.sampled_from(self.claims))
        if withdraw:
            self._try(claims.claim_withdraw, claim=claim, actor=self.partner_users[claim.partner_id], key=key())
        else:
            self._try(claims.claim_reject, claim=claim, actor=self.admin, key=key(), reason="No proof")

    @precondition(lambda self: self.claims)
    @rule(data=st.data(), part=st.one_of(st.none(), PARTS))
    def pay(self, data, part):
        claim = data.draw(st.sampled_from(self._claims_in(ClaimStatus.APPROVED)))
        claim.refresh_from_db()
        amount = None if part is None or not claim.unpaid else _part(claim.unpaid, part)
        self._try(claims.payment_record, claim=claim, actor=self.admin, key=key(), amount=amount)

    @precondition(lambda self: self.requests)
    @rule(data=st.data())
    def close(self, data):
        request = data.draw(st.sampled_from(self.requests))
        self._try(claims.fund_request_close, request=request, actor=self.admin, key=key(), reason="Done")

    @precondition(lambda self: self.last is not None)
    @rule()
    def replay(self):
        service, kwargs = self.last
        before = (LedgerEntry.objects.count(), Claim.objects.count(), Payment.objects.count())
        service(**kwargs)
        after = (LedgerEntry.objects.count(), Claim.objects.count(), Payment.objects.count())
        assert after == before, "a replay posted entries or made rows"

    @invariant()
    def balances_are_sums_and_money_is_conserved(self):
        assert_balances_are_sums()
        top = Budget.objects.filter(parent__isnull=True)
        came_in = _sum(LedgerEntry.objects.filter(account__budget__in=top, kind=EntryKind.FUNDED), "amount")
        holding = Account.objects.exclude(kind=AccountKind.REQUEST)
        sits = sum((a.available + a.encumbered + a.claimed + a.paid + a.expired for a in holding), Decimal("0"))
        assert came_in == sits
        for account in Account.objects.all():
            for bucket in ("funded", "allocated", "encumbered", "claimed", "paid", "expired"):
                assert getattr(account, bucket) >= 0, (account, bucket)

    @invariant()
    def allocations_hold_what_their_requests_hold(self):
        for allocation in Allocation.objects.select_related("account"):
            own = Account.objects.filter(fund_request__allocation=allocation)
            pool = allocation.account
            assert pool.encumbered == sum((a.available for a in own), ZERO), allocation
            assert pool.claimed == _sum(own, "claimed"), allocation
            assert pool.paid == _sum(own, "paid"), allocation
        unallocated = Account.objects.filter(kind=AccountKind.REQUEST, fund_request__allocation__isnull=True)
        assert not unallocated.exclude(funded=0).exists()

    @invariant()
    def requests_hold_their_claims_and_payments(self):
        for request in FundRequest.objects.select_related("account"):
            own, its_claims = request.account, Claim.objects.filter(fund_request=request)
            taken = its_claims.filter(status__in=(ClaimStatus.APPROVED, ClaimStatus.PAID))
            assert own.claimed + own.paid == _sum(taken, "approved_amount"), request
            assert own.paid == _sum(its_claims, "paid_amount") == _sum(Payment.objects.filter(claim__fund_request=request),
                                                                       "amount"), request
            if request.status == RequestStatus.APPROVED:
                assert own.funded == request.approved_amount, request
                assert claims.pending_claims(request) <= own.available, request
            else:
                assert not its_claims.filter(status=ClaimStatus.SUBMITTED).exists(), request
                assert own.available == 0, request
        for claim in Claim.objects.all():
            assert ZERO <= claim.paid_amount <= (claim.approved_amount or ZERO) <= claim.amount, claim
            if claim.status in (ClaimStatus.APPROVED, ClaimStatus.PAID):
                assert (claim.status == ClaimStatus.PAID) == (claim.paid_amount == claim.approved_amount), claim
            else:
                assert claim.approved_amount is None and claim.paid_amount == 0, claim


@pytest.mark.django_db
def test_the_ledger_invariant_holds_under_random_interleavings(world):
    LedgerMachine.world, LedgerMachine.seen, LedgerMachine.refused = world, {}, {}
    run_state_machine_as_test(LedgerMachine, settings=settings(
        max_examples=40, stateful_step_count=25, deadline=None, database=None,
        derandomize=True,  # the same examples every run: the reach check below never fails by chance
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]))
    # The examples reached the claim writes (else the invariants above proved nothing about them).
    for service in ("claim_submit", "claim_approve", "payment_record", "fund_request_close"):
        assert LedgerMachine.seen.get(service, 0) > 0, (service, sorted(LedgerMachine.seen.items()),
                                                         sorted(LedgerMachine.refused.items()))
