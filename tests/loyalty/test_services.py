"""The points ledger's services: earning once per source, pending → available, FIFO redemption,
refunds to the original lots, reversals after spending, expiry, manual adjustments, replays."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from loyalty import services
from loyalty.models import Bucket, EntryKind, LotDraw, LotState, LoyaltySettings, Operation, PointsEntry, PointsLot
from loyalty.selectors import points_balance, points_history
from prm.audit.models import AuditEvent

from .helpers import account, assert_ledger_holds, earn, key, redeem, shift_clock, source

pytestmark = pytest.mark.django_db


def _remaining(*lots):
    return [PointsLot.objects.get(pk=lot.pk).remaining for lot in lots]


# Earning ------------------------------------------------------------------------------------------


def test_earned_points_are_pending_for_the_tenants_days_then_expire_months_after(world, acme):
    LoyaltySettings.objects.create(tenant=acme, pending_days=10, expiry_months=12)
    before = timezone.now()
    lot = services.points_earn(partner=world.northwind, rule="deal.won", source=("dealreg.deal", 42), points=120,
                               actor="deal won rule", user=world.northwind_rep.user)
    assert (lot.state, lot.remaining, lot.user) == (LotState.PENDING, 120, world.northwind_rep.user)
    assert before + timedelta(days=10) <= lot.available_at <= timezone.now() + timedelta(days=10)
    assert lot.expires_at == services.add_months(lot.available_at, 12)
    acc = account(world.northwind)
    assert (acc.pending, acc.available) == (120, 0)
    [entry] = PointsEntry.objects.filter(account=acc)
    assert (entry.kind, entry.bucket, entry.points, entry.source_type, entry.source_id) == (
        EntryKind.EARNED, Bucket.PENDING, 120, "dealreg.deal", 42)
    balance = points_balance(world.northwind)
    assert (balance.pending, balance.available, balance.next_available_at, balance.next_available_points) == (
        120, 0, lot.available_at, 120)
    assert AuditEvent.objects.filter(verb="points.earned", target_id=lot.pk).exists()
    assert_ledger_holds()


def test_points_whose_date_has_passed_are_available_at_once(world, acme):
    lot = earn(world.northwind, 50)
    assert lot.state == LotState.AVAILABLE
    assert (account(world.northwind).pending, account(world.northwind).available) == (0, 50)
    assert_ledger_holds()


def test_a_source_earns_once_per_rule_a_second_award_returns_the_first_lot(world, acme):
    first = earn(world.northwind, 50, src=("dealreg.deal", 7))
    again = earn(world.northwind, 80, src=("dealreg.deal", 7))
    assert again.pk == first.pk and again.points == 50
    assert earn(world.contoso, 80, src=("dealreg.deal", 7)).pk == first.pk  # asked for another partner: earned already
    other_rule = earn(world.northwind, 5, src=("dealreg.deal", 7), rule="survey.promoter")
    assert other_rule.pk != first.pk
    assert account(world.northwind).available == 55
    assert PointsEntry.objects.filter(kind=EntryKind.EARNED).count() == 2
    assert_ledger_holds()


def test_a_lot_earned_by_another_path_meets_the_unique_constraint_and_is_returned(world, acme):
    """The IntegrityError path: the lot exists although this rule and source's key was never used
    (as when another writer won the race on the lot itself): no second lot, no entry, the first lot."""
    acc = services.ledger.account_for(world.northwind)
    now = timezone.now()
    existing = PointsLot.objects.create(tenant=acme, account=acc, points=30, remaining=30, state=LotState.PENDING,
                                        available_at=now + timedelta(days=1), expires_at=now + timedelta(days=400),
                                        rule="deal.won", source_type="dealreg.deal", source_id=99)
    got = earn(world.northwind, 30, src=("dealreg.deal", 99))
    assert got.pk == existing.pk
    assert PointsLot.objects.filter(source_id=99).count() == 1
    assert not PointsEntry.objects.exists()
    with pytest.raises(IntegrityError), transaction.atomic():
        PointsLot.objects.create(tenant=acme, account=acc, points=1, remaining=1, available_at=now,
                                 expires_at=now + timedelta(days=1), rule="deal.won", source_type="dealreg.deal", source_id=99)


@pytest.mark.parametrize("points", [0, -5, 2.5, "10", True])
def test_points_are_positive_whole_numbers(world, acme, points):
    with pytest.raises(ValidationError):
        services.points_earn(partner=world.northwind, rule="deal.won", source=source(), points=points, actor="r")
    assert not PointsLot.objects.exists()


def test_the_manual_and_refund_rules_are_not_for_earning_rules(world, acme):
    for rule in ("manual", "refund", ""):
        with pytest.raises(ValidationError):
            services.points_earn(partner=world.northwind, rule=rule, source=source(), points=5, actor="r")


# Redemption ---------------------------------------------------------------------------------------


def test_redemption_consumes_the_oldest_expiry_first_across_lots_and_records_its_draws(world, acme):
    late = earn(world.northwind, 100)
    early = earn(world.northwind, 30)
    middle = earn(world.northwind, 50)
    PointsLot.objects.filter(pk=early.pk).update(expires_at=timezone.now() + timedelta(days=10))
    PointsLot.objects.filter(pk=middle.pk).update(expires_at=timezone.now() + timedelta(days=20))
    debit = redeem(world.northwind, 60)
    assert debit.points == -60 and debit.kind == EntryKind.REDEEMED
    assert _remaining(early, middle, late) == [0, 20, 100]
    assert {(d.lot_id, d.points) for d in LotDraw.objects.filter(entry=debit)} == {(early.pk, 30), (middle.pk, 30)}
    acc = account(world.northwind)
    assert (acc.available, acc.redeemed) == (120, 60)
    assert_ledger_holds()


def test_redeeming_more_than_is_available_is_refused_and_changes_nothing(world, acme):
    lot = earn(world.northwind, 40)
    earn(world.northwind, 500, pending=True)  # pending points cannot be spent
    with pytest.raises(ValidationError) as refused:
        redeem(world.northwind, 41)
    assert "40" in str(refused.value)
    assert account(world.northwind).available == 40 and _remaining(lot) == [40]
    assert not PointsEntry.objects.filter(kind=EntryKind.REDEEMED).exists()
    assert not Operation.objects.filter(name="points.redeem").exists()  # the key is free again


def test_a_replayed_key_returns_the_first_debit_and_posts_nothing(world, acme):
    earn(world.northwind, 100)
    first = redeem(world.northwind, 30, key="basket-1")
    again = redeem(world.northwind, 30, key="basket-1")
    assert again.pk == first.pk
    assert account(world.northwind).available == 70
    assert PointsEntry.objects.filter(kind=EntryKind.REDEEMED).count() == 1


def test_a_key_used_for_another_write_is_refused(world, acme):
    earn(world.northwind, 100)
    earn(world.contoso, 100)
    redeem(world.northwind, 10, key="shared")
    with pytest.raises(ValidationError):
        redeem(world.contoso, 10, key="shared")
    assert account(world.contoso).available == 100


# Refunds ------------------------------------------------------------------------------------------


def test_a_refund_returns_exactly_the_drawn_points_to_the_lots_they_came_from(world, acme):
    a, b = earn(world.northwind, 30), earn(world.northwind, 50)
    PointsLot.objects.filter(pk=a.pk).update(expires_at=timezone.now() + timedelta(days=5))
    debit = redeem(world.northwind, 40)
    redeem(world.northwind, 10)
    assert _remaining(a, b) == [0, 30]
    refund = services.points_refund(entry=debit, key=key(), actor="manager")
    assert (refund.kind, refund.points, refund.refund_of_id) == (EntryKind.REFUNDED, 40, debit.pk)
    assert _remaining(a, b) == [30, 40]
    acc = account(world.northwind)
    assert (acc.available, acc.redeemed) == (70, 10)
    assert_ledger_holds()


def test_a_redemption_is_refunded_once_and_a_replay_returns_the_refund(world, acme):
    earn(world.northwind, 30)
    debit = redeem(world.northwind, 20)
    first = services.points_refund(entry=debit, key="cancel-1", actor="m")
    assert services.points_refund(entry=debit, key="cancel-1", actor="m").pk == first.pk
    with pytest.raises(ValidationError):
        services.points_refund(entry=debit, key="cancel-2", actor="m")
    with pytest.raises(ValidationError):
        services.points_refund(entry=first, key="cancel-3", actor="m")  # a refund is no redemption
    assert account(world.northwind).available == 30
    assert_ledger_holds()


def test_points_refunded_to_a_lot_that_expired_meanwhile_expire_at_once(world, acme):
    short, long = earn(world.northwind, 30), earn(world.northwind, 30)
    PointsLot.objects.filter(pk=short.pk).update(expires_at=timezone.now() + timedelta(days=1))
    debit = redeem(world.northwind, 40)  # 30 from the short lot, 10 from the long one
    shift_clock(2)
    assert services.points_expire_due(tenant=acme) == 1  # the short lot, nothing left of it
    services.points_refund(entry=debit, key=key(), actor="m")
    short, long = PointsLot.objects.get(pk=short.pk), PointsLot.objects.get(pk=long.pk)
    assert (short.remaining, short.expired, long.remaining) == (0, 30, 30)
    acc = account(world.northwind)
    assert (acc.available, acc.expired, acc.redeemed) == (30, 30, 0)
    assert_ledger_holds()


# Reversals ----------------------------------------------------------------------------------------


def test_reversing_an_unspent_source_takes_its_whole_lot_back(world, acme):
    lot = earn(world.northwind, 50, src=("dealreg.deal", 5))
    earn(world.northwind, 20)
    entry = services.points_reverse(rule="deal.won", source=("dealreg.deal", 5), actor="deal reopened")
    assert (entry.kind, entry.points, entry.lot_id) == (EntryKind.REVERSED, -50, lot.pk)
    lot.refresh_from_db()
    assert (lot.state, lot.remaining) == (LotState.REVERSED, 0)
    assert account(world.northwind).available == 20
    assert AuditEvent.objects.filter(verb="points.reversed").count() == 1
    assert_ledger_holds()


def test_a_partial_reversal_after_spending_leaves_the_balance_negative_and_blocks_redemption(world, acme):
    earn(world.northwind, 100, src=("dealreg.deal", 1))
    redeem(world.northwind, 70)
    services.points_reverse(rule="deal.won", source=("dealreg.deal", 1), actor="win withdrawn")
    acc = account(world.northwind)
    assert acc.available == -70
    assert points_balance(world.northwind).available == -70
    with pytest.raises(ValidationError):
        redeem(world.northwind, 1)
    assert_ledger_holds()
    later = earn(world.northwind, 100)  # pays the 70 off first
    assert account(world.northwind).available == 30
    assert _remaining(later) == [30]
    assert LotDraw.objects.filter(lot=later).get().points == 70
    redeem(world.northwind, 30)
    assert_ledger_holds()


def test_the_spent_part_of_a_reversal_comes_out_of_the_other_lots_first(world, acme):
    earn(world.northwind, 40, src=("dealreg.deal", 2))
    other = earn(world.northwind, 25)
    PointsLot.objects.filter(pk=other.pk).update(expires_at=timezone.now() + timedelta(days=3000))
    redeem(world.northwind, 40)  # all of the deal's lot
    entry = services.points_reverse(rule="deal.won", source=("dealreg.deal", 2), actor="r")
    assert entry.points == -40
    assert account(world.northwind).available == -15
    assert _remaining(other) == [0]
    assert LotDraw.objects.get(entry=entry).points == 25
    assert_ledger_holds()


def test_reversing_pending_points_takes_them_out_of_pending(world, acme):
    earn(world.northwind, 60, src=("dealreg.deal", 3), pending=True)
    services.points_reverse(rule="deal.won", source=("dealreg.deal", 3), actor="r")
    acc = account(world.northwind)
    assert (acc.pending, acc.available) == (0, 0)
    assert services.points_release_due(tenant=acme) == 0
    assert_ledger_holds()


def test_a_second_reversal_returns_the_first_and_a_source_that_earned_nothing_gives_none(world, acme):
    earn(world.northwind, 10, src=("dealreg.deal", 4))
    first = services.points_reverse(rule="deal.won", source=("dealreg.deal", 4), actor="r")
    assert services.points_reverse(rule="deal.won", source=("dealreg.deal", 4), actor="r").pk == first.pk
    assert services.points_reverse(rule="deal.won", source=("dealreg.deal", 404), actor="r") is None
    assert PointsEntry.objects.filter(kind=EntryKind.REVERSED).count() == 1
    assert account(world.northwind).available == 0


def test_reversing_an_expired_lot_takes_back_only_what_was_spent(world, acme):
    lot = earn(world.northwind, 50, src=("dealreg.deal", 6))
    redeem(world.northwind, 20)
    shift_clock(365 * 3)
    services.points_expire_due(tenant=acme)
    entry = services.points_reverse(rule="deal.won", source=("dealreg.deal", 6), actor="r")
    assert entry.points == -20
    acc = account(world.northwind)
    assert (acc.available, acc.expired) == (-20, 30)
    assert PointsLot.objects.get(pk=lot.pk).state == LotState.REVERSED
    assert_ledger_holds()


def test_a_refund_of_points_from_a_lot_reversed_meanwhile_settles_the_debt(world, acme):
    earn(world.northwind, 50, src=("dealreg.deal", 8))
    debit = redeem(world.northwind, 50)
    services.points_reverse(rule="deal.won", source=("dealreg.deal", 8), actor="r")
    assert account(world.northwind).available == -50
    services.points_refund(entry=debit, key=key(), actor="m")
    assert account(world.northwind).available == 0
    assert_ledger_holds()


def test_a_refund_from_a_reversed_lot_after_the_debt_was_paid_comes_back_as_a_new_lot(world, acme):
    gone = earn(world.northwind, 50, src=("dealreg.deal", 9))
    debit = redeem(world.northwind, 50)
    services.points_reverse(rule="deal.won", source=("dealreg.deal", 9), actor="r")
    earn(world.northwind, 50)  # pays the 50 off
    services.points_refund(entry=debit, key=key(), actor="m")
    assert account(world.northwind).available == 50
    [back] = PointsLot.objects.filter(rule="refund")
    assert (back.remaining, back.expires_at, back.state) == (50, gone.expires_at, LotState.AVAILABLE)
    assert_ledger_holds()


# Pending → available, expiry ----------------------------------------------------------------------


def test_release_makes_due_pending_lots_available_once(world, acme):
    LoyaltySettings.objects.create(tenant=acme, pending_days=30)
    due, later = earn(world.northwind, 40, pending=True), earn(world.northwind, 15, pending=True)
    PointsLot.objects.filter(pk=later.pk).update(available_at=timezone.now() + timedelta(days=60),
                                                 expires_at=timezone.now() + timedelta(days=900))
    assert services.points_release_due(tenant=acme) == 0
    shift_clock(31)
    assert services.points_release_due(tenant=acme) == 1
    assert services.points_release_due(tenant=acme) == 0
    acc = account(world.northwind)
    assert (acc.pending, acc.available) == (15, 40)
    assert PointsLot.objects.get(pk=due.pk).state == LotState.AVAILABLE
    kinds = list(PointsEntry.objects.filter(lot=due).order_by("pk").values_list("kind", "bucket", "points"))
    assert kinds[1:] == [(EntryKind.BECAME_AVAILABLE, Bucket.PENDING, -40), (EntryKind.BECAME_AVAILABLE, Bucket.AVAILABLE, 40)]
    assert_ledger_holds()


def test_released_points_pay_off_a_negative_balance(world, acme):
    earn(world.northwind, 30, src=("dealreg.deal", 10))
    redeem(world.northwind, 30)
    services.points_reverse(rule="deal.won", source=("dealreg.deal", 10), actor="r")
    pending = earn(world.northwind, 50, pending=True)
    shift_clock(31)
    services.points_release_due(tenant=acme)
    assert account(world.northwind).available == 20
    assert _remaining(pending) == [20]
    assert_ledger_holds()


def test_release_and_expiry_touch_only_the_tenant_they_run_for(world, acme):
    from prm.tenancy.context import tenant_context

    earn(world.northwind, 10, pending=True)
    with tenant_context(world.globex):
        earn(world.initech, 10, pending=True)
        shift_clock(31)
        assert services.points_release_due(tenant=world.globex) == 1
    assert account(world.northwind).pending == 10


def test_expiry_takes_the_remainder_of_lots_past_their_date_in_one_pass(world, acme):
    LoyaltySettings.objects.create(tenant=acme, pending_days=0, expiry_months=1)
    old = [earn(world.northwind, 10 * n) for n in (1, 2, 3)]
    keep = earn(world.contoso, 5)
    PointsLot.objects.filter(pk=keep.pk).update(expires_at=timezone.now() + timedelta(days=100))
    redeem(world.northwind, 15)
    shift_clock(40)
    assert services.points_expire_due(tenant=acme) == 3
    assert services.points_expire_due(tenant=acme) == 0
    acc = account(world.northwind)
    assert (acc.available, acc.expired, acc.redeemed) == (0, 45, 15)
    assert [PointsLot.objects.get(pk=lot.pk).state for lot in old] == [LotState.EXPIRED] * 3
    assert PointsEntry.objects.filter(kind=EntryKind.EXPIRED).count() == 2  # the spent lot had nothing left
    assert account(world.contoso).available == 5
    assert_ledger_holds()


def test_expiry_runs_in_batches(world, acme, monkeypatch):
    monkeypatch.setattr(services, "BATCH", 2)
    for _ in range(5):
        earn(world.northwind, 3)
    shift_clock(365 * 3)
    assert services.points_expire_due(tenant=acme) == 5
    assert Operation.objects.filter(name="points.expire").count() == 3
    assert account(world.northwind).expired == 15
    assert_ledger_holds()


# Manual adjustments -------------------------------------------------------------------------------


def test_a_manager_awards_and_deducts_points_with_a_reason(world, acme):
    manager = world.acme_manager.user
    award = services.points_adjust(partner=world.northwind, points=25, reason="Trade show help", actor=manager,
                                   key="adj-1")
    assert (award.kind, award.points, award.memo, award.created_by) == (EntryKind.ADJUSTED, 25, "Trade show help", manager)
    assert award.lot.rule == "manual" and award.lot.source_id == award.operation_id
    deduction = services.points_adjust(partner=world.northwind, points=-10, reason="Duplicate award", actor=manager,
                                       key="adj-2")
    assert LotDraw.objects.get(entry=deduction).points == 10
    assert account(world.northwind).available == 15
    assert services.points_adjust(partner=world.northwind, points=25, reason="Trade show help", actor=manager,
                                  key="adj-1").pk == award.pk
    assert AuditEvent.objects.filter(verb="points.adjusted").count() == 2
    assert_ledger_holds()


def test_an_adjustment_needs_a_reason_and_a_deduction_what_is_available(world, acme):
    manager = world.acme_manager.user
    with pytest.raises(ValidationError):
        services.points_adjust(partner=world.northwind, points=5, reason="  ", actor=manager, key=key())
    with pytest.raises(ValidationError):
        services.points_adjust(partner=world.northwind, points=0, reason="x", actor=manager, key=key())
    earn(world.northwind, 5)
    with pytest.raises(ValidationError):
        services.points_adjust(partner=world.northwind, points=-6, reason="x", actor=manager, key=key())
    assert account(world.northwind).available == 5


# Reads, and the ledger's own guards ----------------------------------------------------------------


def test_the_balance_shows_what_expires_within_thirty_days_and_the_history_names_every_source(world, acme):
    soon, later = earn(world.northwind, 40), earn(world.northwind, 60, src=("dealreg.deal", 77))
    PointsLot.objects.filter(pk=soon.pk).update(expires_at=timezone.now() + timedelta(days=20))
    redeem(world.northwind, 10)
    balance = points_balance(world.northwind)
    assert (balance.available, balance.expiring_soon, balance.redeemed, balance.next_available_at) == (90, 30, 10, None)
    history = list(points_history(world.northwind))
    assert [e.kind for e in history] == [EntryKind.REDEEMED, EntryKind.EARNED, EntryKind.EARNED]
    assert (history[1].source_type, history[1].source_id, history[1].lot_id) == ("dealreg.deal", 77, later.pk)
    assert history[0].source_type == "loyalty.operation"
    assert points_history(world.contoso).count() == 0
    assert points_balance(world.contoso).available == 0


def test_entries_and_draws_are_append_only(world, acme):
    earn(world.northwind, 10)
    debit = redeem(world.northwind, 5)
    with pytest.raises(TypeError):
        debit.save()
    with pytest.raises(TypeError):
        debit.delete()
    with pytest.raises(TypeError):
        LotDraw.objects.get(entry=debit).delete()


def test_the_database_keeps_every_lot_within_its_points(world, acme):
    lot = earn(world.northwind, 10)
    for change in ({"remaining": 11}, {"expired": 6, "remaining": 5}, {"expires_at": lot.available_at}):
        with pytest.raises(IntegrityError), transaction.atomic():
            PointsLot.objects.filter(pk=lot.pk).update(**change)
