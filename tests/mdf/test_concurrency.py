"""Races on PostgreSQL: 50 approvals at once against an allocation that covers 10, and 50 replays of
one idempotency key at once. Real transactions in real threads (one connection each), released
together by a barrier, as in tests/dealreg/test_concurrency.py."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from mdf import services
from mdf.models import Account, EntryKind, FundRequest, LedgerEntry, Operation, RequestStatus
from prm.tenancy.context import tenant_context
from tests.dealreg.helpers import postgres_only

from .helpers import allocation, assert_balances_are_sums, funded_budget, key, submitted_request

pytestmark = [
    pytest.mark.postgres,
    postgres_only,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _race(tenant, calls):
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        try:
            connection.ensure_connection()
            with tenant_context(tenant):
                barrier.wait(timeout=60)
                outcomes[index] = ("ok", call())
        except Exception as exc:  # noqa: BLE001 — reported to the test
            outcomes[index] = ("error", exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a racing thread hung (deadlock?)"
    return outcomes


def test_fifty_approvals_against_an_allocation_for_ten_approve_exactly_ten(world):
    manager = world.acme_manager.user
    with tenant_context(world.acme):
        budget = funded_budget(world.acme, world.acme_admin.user, "100000")
        pool = allocation(budget, world.northwind, world.acme_admin.user, "1000")  # ten approvals of 100
        requests = [submitted_request(world.northwind, world.northwind_rep.user, total_cost=Decimal("200"),
                                      requested_amount=Decimal("100")) for _ in range(50)]
    outcomes = _race(world.acme, [
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
    outcomes = _race(world.acme, [
        (lambda: services.budget_fund(budget=budget, actor=admin, key="one-key", amount=Decimal("250"))) for _ in range(50)])
    assert all(kind == "ok" for kind, _ in outcomes), [v for k, v in outcomes if k == "error"]
    with tenant_context(world.acme):
        assert Operation.objects.filter(key="one-key").count() == 1
        assert LedgerEntry.objects.filter(operation__key="one-key").count() == 1
        assert Account.objects.get(budget=budget).funded == Decimal("100250.00")
        assert_balances_are_sums()
