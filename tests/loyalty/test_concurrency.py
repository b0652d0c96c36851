"""Races on PostgreSQL: 50 redemptions at once against a balance that covers 3, and 50 replays of one
idempotency key at once. Real transactions in real threads (one connection each), released together
by a barrier, as in tests/mdf/test_concurrency.py."""


import pytest
from django.core.exceptions import ValidationError

from loyalty import services
from loyalty.models import EntryKind, LotDraw, Operation, PointsAccount, PointsEntry
from prm.tenancy.context import tenant_context
from tests.dealreg.helpers import postgres_only
from tests.support import race

from .helpers import assert_ledger_holds, earn, key

pytestmark = [
    pytest.mark.postgres,
    postgres_only,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_fifty_redemptions_against_a_balance_that_covers_three_redeem_exactly_three(world):
    with tenant_context(world.acme):
        for points in (100, 120, 80):  # 300 over three lots: three redemptions of 100
            earn(world.northwind, points)
    outcomes = race(world.acme, [
        (lambda: services.points_redeem(partner=world.northwind, points=100, key=key("race"), actor="rep"))
        for _ in range(50)])
    errors = [value for kind, value in outcomes if kind == "error"]
    assert all(isinstance(e, ValidationError) for e in errors), [repr(e) for e in errors if not isinstance(e, ValidationError)]
    assert sum(kind == "ok" for kind, _ in outcomes) == 3
    with tenant_context(world.acme):
        account = PointsAccount.objects.get(partner=world.northwind)
        assert (account.available, account.redeemed) == (0, 300)
        assert PointsEntry.objects.filter(kind=EntryKind.REDEEMED).count() == 3
        assert sum(LotDraw.objects.values_list("points", flat=True)) == 300
        assert_ledger_holds()


def test_fifty_replays_of_one_key_make_one_debit(world):
    with tenant_context(world.acme):
        earn(world.northwind, 1000)
    outcomes = race(world.acme, [
        (lambda: services.points_redeem(partner=world.northwind, points=10, key="one-key", actor="rep"))
        for _ in range(50)])
    assert all(kind == "ok" for kind, _ in outcomes), [v for k, v in outcomes if k == "error"]
    assert len({entry.pk for _, entry in outcomes}) == 1  # every replay answers with the first debit
    with tenant_context(world.acme):
        assert Operation.objects.filter(key="one-key").count() == 1
        assert PointsEntry.objects.filter(operation__key="one-key").count() == 1
        assert PointsAccount.objects.get(partner=world.northwind).available == 990
        assert_ledger_holds()


def test_one_source_earned_fifty_times_at_once_earns_once(world):
    outcomes = race(world.acme, [
        (lambda: services.points_earn(partner=world.northwind, rule="deal.won", source=("dealreg.deal", 1), points=40,
                                      actor="deal won rule")) for _ in range(50)])
    assert all(kind == "ok" for kind, _ in outcomes), [v for k, v in outcomes if k == "error"]
    assert len({lot.pk for _, lot in outcomes}) == 1
    with tenant_context(world.acme):
        assert PointsEntry.objects.filter(kind=EntryKind.EARNED).count() == 1
        assert PointsAccount.objects.get(partner=world.northwind).pending == 40
        assert_ledger_holds()
