"""The points ledger's invariant as a hypothesis state machine: random interleavings of earning
(pending or at once), release, redemption, refunds, reversals, expiry, manual adjustments, the clock
moving on, and replays never break it.

After every step (tests/loyalty/helpers.py assert_ledger_holds): each account's cached columns are the
sums of its entries (pending and available by bucket, redeemed and expired by kind); every lot has
0 ≤ remaining ≤ points (and remaining + expired ≤ points); the available lots' remainders add up to
`available` when it is not negative, and to nothing when it is; each redemption drew exactly its
points. And points are conserved: what was earned and awarded is what is pending, available,
redeemed, expired and reversed. Each example runs in a transaction that is rolled back."""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, settings, strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test

from loyalty import services
from loyalty.models import EntryKind, PointsAccount, PointsEntry
from prm.tenancy.context import tenant_context

from .helpers import assert_ledger_holds, earn, key, shift_clock, source

POINTS = st.integers(min_value=1, max_value=500)
RULES = ("deal.won", "survey.promoter")


class PointsMachine(RuleBasedStateMachine):
    world = None  # set by the test

    def __init__(self):
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self._tenant = tenant_context(self.world.acme)
        self._tenant.__enter__()
        self.partners = [self.world.northwind, self.world.contoso]
        self.sources, self.debits = [], []  # (rule, source) earned; redemption entries
        self.last = None  # (service, kwargs) of the last keyed write, to replay

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

    @rule(data=st.data(), points=POINTS, pending=st.booleans(), rule_name=st.sampled_from(RULES))
    def earn(self, data, points, pending, rule_name):
        partner = data.draw(st.sampled_from(self.partners))
        src = source()
        earn(partner, points, rule=rule_name, src=src, pending=pending)
        self.sources.append((rule_name, src))

    @precondition(lambda self: self.sources)
    @rule(data=st.data())
    def earn_again(self, data):
        rule_name, src = data.draw(st.sampled_from(self.sources))
        before = PointsEntry.objects.count()
        earn(self.world.northwind, 7, rule=rule_name, src=src)
        assert PointsEntry.objects.count() == before, "a source earned twice under one rule"

    @rule(data=st.data(), points=POINTS)
    def redeem(self, data, points):
        partner = data.draw(st.sampled_from(self.partners))
        debit = self._try(services.points_redeem, partner=partner, points=points, key=key(), actor="machine")
        if debit is not None:
            self.debits.append(debit)

    @precondition(lambda self: self.debits)
    @rule(data=st.data())
    def refund(self, data):
        debit = data.draw(st.sampled_from(self.debits))
        self._try(services.points_refund, entry=debit, key=key(), actor="machine")

    @precondition(lambda self: self.sources)
    @rule(data=st.data())
    def reverse(self, data):
        rule_name, src = data.draw(st.sampled_from(self.sources))
        services.points_reverse(rule=rule_name, source=src, actor="machine")

    @rule(data=st.data(), points=st.integers(min_value=-300, max_value=300).filter(bool))
    def adjust(self, data, points):
        partner = data.draw(st.sampled_from(self.partners))
        self._try(services.points_adjust, partner=partner, points=points, reason="machine", actor="machine", key=key())

    @rule(days=st.sampled_from([1, 31, 400, 800]))
    def time_passes(self, days):
        shift_clock(days)

    @rule()
    def release(self):
        services.points_release_due(tenant=self.world.acme)
        assert services.points_release_due(tenant=self.world.acme) == 0

    @rule()
    def expire(self):
        services.points_expire_due(tenant=self.world.acme)
        assert services.points_expire_due(tenant=self.world.acme) == 0

    @precondition(lambda self: self.last is not None)
    @rule()
    def replay(self):
        service, kwargs = self.last
        before = PointsEntry.objects.count()
        service(**kwargs)
        assert PointsEntry.objects.count() == before, "a replay posted entries"

    @invariant()
    def the_ledger_holds_and_points_are_conserved(self):
        assert_ledger_holds()
        entries = PointsEntry.objects.all()
        came_in = (entries.filter(kind=EntryKind.EARNED).aggregate(t=Sum("points"))["t"] or 0) + (
            entries.filter(kind=EntryKind.ADJUSTED).aggregate(t=Sum("points"))["t"] or 0)
        reversed_ = -(entries.filter(kind=EntryKind.REVERSED).aggregate(t=Sum("points"))["t"] or 0)
        totals = PointsAccount.objects.aggregate(p=Sum("pending"), a=Sum("available"), r=Sum("redeemed"), e=Sum("expired"))
        assert came_in == sum(v or 0 for v in totals.values()) + reversed_


@pytest.mark.django_db
def test_the_points_ledger_invariant_holds_under_random_interleavings(world):
    PointsMachine.world = world
    run_state_machine_as_test(PointsMachine, settings=settings(
        max_examples=40, stateful_step_count=20, deadline=None, database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]))
