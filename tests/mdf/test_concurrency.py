"""Races on PostgreSQL: 50 approvals at once against an allocation that covers 10, and 50 replays of
one idempotency key at once; the same for claims: 50 claim approvals at once against a request whose
approval covers 10, 50 claims submitted at once against it, and 50 replays of one payment's key.
Real transactions in real threads (one connection each), released together by a barrier, as in
tests/dealreg/test_concurrency.py."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from mdf import claims, services
from mdf.models import Account, Claim, ClaimStatus, EntryKind, FundRequest, LedgerEntry, Operation, Payment, RequestStatus
from prm.tenancy.context import tenant_context
from tests.dealreg.helpers import postgres_only
from tests.support import race

from .helpers import allocation, approved_request, assert_balances_are_sums, ended, funded_budget, key, pdf, submitted_request

pytestmark = [
    pytest.mark.postgres,
    postgres_only,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_fifty_approvals_against_an_allocation_for_ten_approve_exactly_ten(world):
    manager = world.acme_manager.user
    with tenant_context(world.acme):
        budget = funded_budget(world.acme, world.acme_admin.user, "100000")
        pool = allocation(budget, world.northwind, world.acme_admin.user, "1000")  # ten approvals of 100
        requests = [submitted_request(world.northwind, world.northwind_rep.user, total_cost=Decimal("200"),
                                      requested_amount=Decimal("100")) for _ in range(50)]
    outcomes = race(world.acme, [
        (lambda r=r: services.fund_request_approve(request=FundRequest.objects.get(pk=r.pk), actor=manager, key=key("race")))
        for r in requests])
    errors = [value for kind, value in outcomes if kind == "error"]
    assert all(isinstance(e, ValidationError) for e in errors), [repr(e) for e in errors if not isinstance(e, ValidationError)]
    assert sum(kind == "ok" for kind, _ in outcomes) == 10
    with tenant_context(world.acme):
        account = Account.objects.get(allocation=pool)
        assert (account.encumbered, account.available) == (Decimal("1000.00"), Decimal("0.00"))
        assert FundRequest.objects.filter(status=RequestStatus.APPROVED).count() == 10
        assert LedgerEntry.objects.filter(kind=EntryKind.ENCUMBERED).count() == 20  # allocation and request, each
        assert_balances_are_sums()


def test_fifty_replays_of_one_key_make_one_entry(world):
    admin = world.acme_admin.user
    with tenant_context(world.acme):
        budget = funded_budget(world.acme, admin, "100000")
    outcomes = race(world.acme, [
        (lambda: services.budget_fund(budget=budget, actor=admin, key="one-key", amount=Decimal("250"))) for _ in range(50)])
    assert all(kind == "ok" for kind, _ in outcomes), [v for k, v in outcomes if k == "error"]
    with tenant_context(world.acme):
        assert Operation.objects.filter(key="one-key").count() == 1
        assert LedgerEntry.objects.filter(operation__key="one-key").count() == 1
        assert Account.objects.get(budget=budget).funded == Decimal("100250.00")
        assert_balances_are_sums()


def _claimable(world, approved="1000"):
    """An ended request of northwind approved for `approved` out of an allocation of 5000."""
    admin = world.acme_admin.user
    budget = funded_budget(world.acme, admin, "100000")
    allocation(budget, world.northwind, admin, "5000")
    return ended(approved_request(world.northwind, admin, amount=approved))


def _only_refusals(outcomes):
    errors = [value for kind, value in outcomes if kind == "error"]
    assert all(isinstance(e, ValidationError) for e in errors), [repr(e) for e in errors if not isinstance(e, ValidationError)]
    return sum(kind == "ok" for kind, _ in outcomes)


def test_fifty_claim_approvals_against_a_request_for_ten_approve_exactly_ten(world):
    manager = world.acme_manager.user
    with tenant_context(world.acme):
        request = _claimable(world, "1000")
        # Claims are submitted within what is left less what waits, so fifty waiting claims of 100 against
        # 1000 cannot come through claim_submit: they are made as rows, for the approval's own ceiling.
        waiting = [Claim.objects.create(tenant=world.acme, fund_request=request, partner=world.northwind,
                                        amount=Decimal("100"), currency=request.currency) for _ in range(50)]
    outcomes = race(world.acme, [
        (lambda c=c: claims.claim_approve(claim=Claim.objects.get(pk=c.pk), actor=manager, key=key("race")))
        for c in waiting])
    assert _only_refusals(outcomes) == 10
    with tenant_context(world.acme):
        own, pool = Account.objects.get(fund_request=request), Account.objects.get(allocation_id=request.allocation_id)
        assert (own.funded, own.claimed, own.available) == (Decimal("1000.00"), Decimal("1000.00"), Decimal("0.00"))
        assert (pool.encumbered, pool.claimed, pool.available) == (Decimal("0.00"), Decimal("1000.00"), Decimal("4000.00"))
        assert Claim.objects.filter(status=ClaimStatus.APPROVED).count() == 10
        assert Claim.objects.filter(status=ClaimStatus.SUBMITTED).count() == 40
        assert LedgerEntry.objects.filter(kind=EntryKind.CLAIM_APPROVED).count() == 30  # three moves per approval
        assert FundRequest.objects.get(pk=request.pk).status == RequestStatus.APPROVED  # forty still wait
        assert_balances_are_sums()


def test_fifty_claims_at_once_against_a_request_for_ten_accept_exactly_ten(world):
    rep = world.northwind_rep.user
    with tenant_context(world.acme):
        request = _claimable(world, "1000")
    outcomes = race(world.acme, [
        (lambda: claims.claim_submit(request=FundRequest.objects.get(pk=request.pk), actor=rep, key=key("claim"),
                                     amount=Decimal("100"), proofs=[pdf()]))
        for _ in range(50)])
    assert _only_refusals(outcomes) == 10
    with tenant_context(world.acme):
        assert Claim.objects.filter(status=ClaimStatus.SUBMITTED).count() == 10
        assert claims.pending_claims(request) == Decimal("1000.00")
        accepted = [value.pk for kind, value in outcomes if kind == "ok"]
        assert sorted(Claim.objects.values_list("pk", flat=True)) == sorted(accepted)
        assert Claim.objects.get(pk=accepted[0]).proofs.count() == 1
        assert_balances_are_sums()


def test_fifty_replays_of_one_payment_key_make_one_payment(world):
    manager = world.acme_manager.user
    with tenant_context(world.acme):
        request = _claimable(world, "800")
        claim = claims.claim_submit(request=request, actor=world.northwind_rep.user, key=key("claim"),
                                    amount=Decimal("500"), proofs=[pdf()])
        claims.claim_approve(claim=claim, actor=manager, key=key())
    outcomes = race(world.acme, [
        (lambda: claims.payment_record(claim=Claim.objects.get(pk=claim.pk), actor=manager, key="pay-once",
                                       amount=Decimal("200"), reference="PAY-1"))
        for _ in range(50)])
    assert all(kind == "ok" for kind, _ in outcomes), [v for k, v in outcomes if k == "error"]
    assert len({value.pk for _, value in outcomes}) == 1  # every replay returned the first payment
    with tenant_context(world.acme):
        assert Payment.objects.count() == 1
        assert Operation.objects.filter(key="pay-once").count() == 1
        assert LedgerEntry.objects.filter(operation__key="pay-once").count() == 4  # claimed → paid, in both accounts
        paid = Claim.objects.get(pk=claim.pk)
        assert (paid.paid_amount, paid.unpaid, paid.status) == (Decimal("200.00"), Decimal("300.00"), ClaimStatus.APPROVED)
        own = Account.objects.get(fund_request=request)
        assert (own.claimed, own.paid) == (Decimal("300.00"), Decimal("200.00"))
        assert_balances_are_sums()
