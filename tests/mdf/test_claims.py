"""Claims, payments and closing a request: every state change and every ceiling on the ledger."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from mdf import claims
from mdf.models import ClaimStatus, RequestStatus

from .helpers import allocation, approved_request, assert_balances_are_sums, ended, funded_budget, key, pdf

D = Decimal


@pytest.fixture
def manager(world):
    return world.acme_manager.user


@pytest.fixture
def partner_user(world):
    return world.northwind_admin.user


@pytest.fixture
def claimable(acme, world, manager):
    budget = funded_budget(acme, manager, "10000")
    allocation(budget, world.northwind, manager, "3000")
    return ended(approved_request(world.northwind, manager, amount="800"))


def _submit(request, user, amount, **fields):
    return claims.claim_submit(request=request, actor=user, key=key("claim"), amount=D(amount), proofs=[pdf()], **fields)


def test_a_claim_approved_and_paid_moves_the_money_from_encumbered_to_paid(claimable, manager, partner_user):
    claim = _submit(claimable, partner_user, "500")
    claim = claims.claim_approve(claim=claim, actor=manager, key=key(), amount=D("450"), reason="One invoice was a quote")
    payment = claims.payment_record(claim=claim, actor=manager, key=key(), reference="PAY-1")
    claim.refresh_from_db()
    pool = claimable.allocation.account
    pool.refresh_from_db()
    assert (payment.amount, claim.status, claim.paid_amount) == (D("450.00"), ClaimStatus.PAID, D("450.00"))
    assert (pool.encumbered, pool.claimed, pool.paid, pool.available) == (D("350.00"), D("0.00"), D("450.00"), D("2200.00"))
    assert_balances_are_sums()


def test_a_final_claim_closes_the_request_and_releases_the_rest(claimable, manager, partner_user):
    claim = _submit(claimable, partner_user, "300", is_final=True)
    claims.claim_approve(claim=claim, actor=manager, key=key())
    claimable.refresh_from_db()
    pool = claimable.allocation.account
    pool.refresh_from_db()
    assert claimable.status == RequestStatus.CLOSED
    assert (pool.encumbered, pool.claimed, pool.available) == (D("0.00"), D("300.00"), D("2700.00"))
    assert_balances_are_sums()


def test_claims_never_exceed_what_is_left_of_the_approved_request(claimable, manager, partner_user):
    _submit(claimable, partner_user, "600")
    with pytest.raises(ValidationError) as refused:
        _submit(claimable, partner_user, "300")
    assert "amount" in refused.value.message_dict
