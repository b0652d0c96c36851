"""Races on PostgreSQL: two approvals or two automatic approvals of the same customer at the same moment.

Real transactions in real threads (one database connection each), released together by a barrier.
`serialized_rollback` puts back the rows that migrations made (the beat schedule) after the flush.
"""


import pytest
from django.core.exceptions import ValidationError

from dealreg import services
from dealreg.models import Deal, DealStatus
from dealreg.rules import rules_for
from prm.tenancy.context import tenant_context
from tests.support import race

from .helpers import make_deal, postgres_only, set_rules

pytestmark = [
    pytest.mark.postgres,
    postgres_only,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _statuses(*deals):
    return [Deal.unscoped.get(pk=deal.pk).status for deal in deals]


@pytest.mark.parametrize("round_", range(3))
def test_two_simultaneous_approvals_of_one_customer_approve_exactly_one(world, round_):
    customer = f"Fabrikam {round_}"
    with tenant_context(world.acme):
        rules_for(world.acme)  # the row the approvals lock
        first = make_deal(world.northwind, by=world.northwind_rep.user, status="submitted",
                          customer_name=customer, customer_website=f"fabrikam{round_}.example")
        second = make_deal(world.contoso, by=world.contoso_rep.user, status="submitted",
                           customer_name=customer, customer_website=f"www.fabrikam{round_}.example")
    staff = world.acme_manager.user

    outcomes = race(world.acme, [
        lambda: services.deal_approve(deal=Deal.objects.get(pk=first.pk), actor=staff),
        lambda: services.deal_approve(deal=Deal.objects.get(pk=second.pk), actor=staff),
    ], wait=20)

    kinds = [kind for kind, _ in outcomes]
    assert sorted(kinds) == ["error", "ok"], outcomes
    [error] = [value for kind, value in outcomes if kind == "error"]
    assert isinstance(error, ValidationError), repr(error)
    assert "already holds this customer" in " ".join(error.messages)
    winner, loser = (first, second) if kinds[0] == "ok" else (second, first)
    assert _statuses(winner, loser) == [DealStatus.APPROVED, DealStatus.SUBMITTED]


@pytest.mark.parametrize("round_", range(3))
def test_two_simultaneous_automatic_approvals_approve_at_most_one(world, round_):
    customer = f"Tailspin Toys {round_}"
    with tenant_context(world.acme):
        set_rules(world.acme, auto_approve=True, auto_approve_tiers=["Silver"])  # both partners are Silver
        first = make_deal(world.northwind, by=world.northwind_rep.user, customer_name=customer,
                          customer_website=f"tailspin{round_}.example")
        second = make_deal(world.contoso, by=world.contoso_rep.user, customer_name=customer,
                           customer_website=f"tailspin{round_}.example")

    outcomes = race(world.acme, [
        lambda: services.deal_submit(deal=Deal.objects.get(pk=first.pk), actor=world.northwind_rep.user),
        lambda: services.deal_submit(deal=Deal.objects.get(pk=second.pk), actor=world.contoso_rep.user),
    ], wait=20)

    statuses = _statuses(first, second)
    assert statuses.count(DealStatus.APPROVED) == 1, (statuses, outcomes)
    # The other registration waits for review; its partner is not told who won the race.
    assert sorted(statuses) == [DealStatus.APPROVED, DealStatus.SUBMITTED], outcomes
    assert [kind for kind, _ in outcomes] == ["ok", "ok"], outcomes
