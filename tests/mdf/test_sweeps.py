"""The nightly MDF work: claim reminders 15, 5 and 1 days before the deadline (each once), requests
closed after their deadline (not before, not while a claim waits), accruals on beat, the schedule."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from mdf import claims, services, sweeps, tasks
from mdf.models import Account, Allocation, ClaimStatus, FundRequest, Operation, RequestStatus
from mdf.periods import fiscal_year_bounds
from prm.audit.models import AuditEvent
from prm.outbox.models import OutboundEmail

from .helpers import allocation, approved_request, assert_balances_are_sums, ended, funded_budget, key, pdf, this_year

D = Decimal


@pytest.fixture
def manager(world):
    return world.acme_manager.user


@pytest.fixture
def ended_request(acme, world, manager):
    """Approved for 800 out of Northwind's 3,000; the activity ended yesterday, so claims are due in 44 days."""
    budget = funded_budget(acme, manager, "10000")
    allocation(budget, world.northwind, manager, "3000")
    return ended(approved_request(world.northwind, manager, amount="800"))


def reminders():
    """The claim reminders written (the requests and claims of the setup write emails of their own)."""
    return OutboundEmail.objects.filter(kind="mdf/email/claim_reminder")


def _claim(request, user, amount, **fields):
    return claims.claim_submit(request=request, actor=user, key=key("claim"), amount=D(amount), proofs=[pdf()], **fields)


def _pool(request):
    return Account.objects.get(allocation_id=request.allocation_id)


# Reminders --------------------------------------------------------------------------------------------

def test_each_reminder_goes_to_the_partner_admins_once_on_its_day(acme, world, ended_request):
    due = claims.claim_due_on(ended_request)
    today = timezone.localdate()
    assert due == today + timedelta(days=44)
    sent_on = []
    for day in range(0, 46):
        on = today + timedelta(days=day)
        first, second = sweeps.remind_claims(tenant=acme, today=on), sweeps.remind_claims(tenant=acme, today=on)
        assert second == 0, on
        if first:
            sent_on.append((due - on).days)
    assert sent_on == [15, 5, 1]
    mails = list(reminders().order_by("pk"))
    assert [m.to for m in mails] == [["admin@northwind.example"]] * 3  # the partner's admin, not its rep
    assert "Claim your funds for “Spring roadshow” by" in mails[0].subject
    assert "due in 15 days" in mails[0].body_text and "due in 5 days" in mails[1].body_text
    assert "due in 1 day," in mails[2].body_text
    assert "$800.00 are still to claim" in mails[0].body_text
    assert f"/portal/funds/{ended_request.pk}/" in mails[0].body_text
    assert Operation.objects.filter(name=sweeps.REMIND).count() == 3


def test_a_run_that_missed_days_sends_the_latest_stage_with_the_days_really_left(acme, ended_request):
    due = claims.claim_due_on(ended_request)
    assert sweeps.remind_claims(tenant=acme, today=due - timedelta(days=9)) == 1  # the 15-day stage, 9 days left
    assert sweeps.remind_claims(tenant=acme, today=due - timedelta(days=6)) == 0
    assert sweeps.remind_claims(tenant=acme, today=due) == 1  # the 1-day stage on the last day
    assert sweeps.remind_claims(tenant=acme, today=due) == 0
    bodies = [m.body_text for m in reminders().order_by("pk")]
    assert "due in 9 days" in bodies[0] and "Today is the last day" in bodies[1]


def test_the_reminder_names_what_is_left_and_none_goes_when_nothing_is(acme, world, ended_request, manager):
    due = claims.claim_due_on(ended_request)
    claim = _claim(ended_request, world.northwind_admin.user, "300")
    claims.claim_approve(claim=claim, actor=manager, key=key())
    _claim(ended_request, world.northwind_admin.user, "200")  # waits for a decision
    assert sweeps.remind_claims(tenant=acme, today=due - timedelta(days=15)) == 1
    assert "$300.00 are still to claim" in reminders().get().body_text  # 800 − 300 approved − 200 waiting
    _claim(ended_request, world.northwind_admin.user, "300")  # the rest waits too
    assert sweeps.remind_claims(tenant=acme, today=due - timedelta(days=5)) == 0
    assert reminders().count() == 1


def test_requests_not_approved_or_not_ended_are_not_reminded(acme, world, manager):
    budget = funded_budget(acme, manager, "10000")
    allocation(budget, world.northwind, manager, "3000")
    running = approved_request(world.northwind, manager, amount="500")  # the activity has not ended yet
    cancelled = ended(approved_request(world.northwind, manager, amount="500"))
    services.fund_request_cancel(request=cancelled, actor=manager, key=key())
    for day in range(0, 60):
        assert sweeps.remind_claims(tenant=acme, today=running.ends_on - timedelta(days=30) + timedelta(days=day)) == 0
    assert reminders().count() == 0


# Closing after the deadline ---------------------------------------------------------------------------

def test_the_sweep_closes_the_request_the_day_after_its_deadline_and_releases_the_rest(acme, world, ended_request,
                                                                                          manager):
    due = claims.claim_due_on(ended_request)
    claim = _claim(ended_request, world.northwind_admin.user, "300")
    claims.claim_approve(claim=claim, actor=manager, key=key())
    assert sweeps.close_overdue(tenant=acme, today=due) == 0  # the last day to claim: still open
    ended_request.refresh_from_db()
    assert ended_request.status == RequestStatus.APPROVED
    assert _pool(ended_request).encumbered == D("500.00")

    assert sweeps.close_overdue(tenant=acme, today=due + timedelta(days=1)) == 1
    ended_request.refresh_from_db()
    pool = _pool(ended_request)
    assert ended_request.status == RequestStatus.CLOSED
    assert ended_request.reason.startswith("The claim deadline passed on ")
    assert (pool.encumbered, pool.claimed, pool.available) == (D("0.00"), D("300.00"), D("2700.00"))
    event = AuditEvent.unscoped.get(verb="fund_request.closed", target_id=str(ended_request.pk))
    assert event.data["released"] == "500.00" and event.actor is None
    assert_balances_are_sums()

    entries = pool.entries.count()
    assert sweeps.close_overdue(tenant=acme, today=due + timedelta(days=1)) == 0
    assert sweeps.claim_deadlines(tenant=acme, today=due + timedelta(days=2)) == {"closed": 0, "reminded": 0}
    assert _pool(ended_request).entries.count() == entries
    assert _pool(ended_request).available == D("2700.00")


def test_a_request_a_claim_waits_on_is_not_closed_until_the_claim_is_decided(acme, world, ended_request, manager):
    due = claims.claim_due_on(ended_request)
    claim = _claim(ended_request, world.northwind_admin.user, "300")
    after = due + timedelta(days=3)
    assert sweeps.close_overdue(tenant=acme, today=after) == 0
    ended_request.refresh_from_db()
    assert ended_request.status == RequestStatus.APPROVED
    assert _pool(ended_request).encumbered == D("800.00")
    claims.claim_reject(claim=claim, actor=manager, key=key(), reason="No invoice")
    assert sweeps.close_overdue(tenant=acme, today=after) == 1
    ended_request.refresh_from_db()
    assert ended_request.status == RequestStatus.CLOSED
    assert _pool(ended_request).available == D("3000.00")
    assert Allocation.objects.get(pk=ended_request.allocation_id).fund_requests.get().claims.get().status == (
        ClaimStatus.REJECTED)
    assert_balances_are_sums()


# Accruals, the tasks and the schedule -----------------------------------------------------------------

def _gold_northwind(acme, world, percent="5"):
    from tests.factories import tier_named

    gold = tier_named(acme, "Gold")
    gold.mdf_accrual_percent = D(percent)
    gold.save()
    world.northwind.tier = gold
    world.northwind.save()


def _won(world, value):
    from dealreg.models import Deal
    from tests.dealreg.helpers import make_deal

    deal = make_deal(world.northwind, by=world.northwind_rep.user, status="won", value=D(value))
    Deal.unscoped.filter(pk=deal.pk).update(closed_at=timezone.now(), currency=world.acme.currency)


def test_the_nightly_accrual_accrues_out_of_the_years_one_budget_once(acme, world, manager):
    _gold_northwind(acme, world)
    budget = funded_budget(acme, manager, "1000", name="Accruals", year=this_year(acme))
    funded_budget(acme, manager, "500", name="Older", year=this_year(acme) - 1)
    _won(world, "4000")
    today = timezone.localdate()
    assert sweeps.accrue(tenant=acme, today=today) == {str(budget.pk): "200.00"}
    assert sweeps.accrue(tenant=acme, today=today) == {str(budget.pk): "0.00"}
    _won(world, "1000")
    assert sweeps.accrue(tenant=acme, today=today) == {str(budget.pk): "50.00"}
    account = Account.objects.get(allocation__budget=budget, allocation__partner=world.northwind)
    assert account.funded == D("250.00")
    assert not Account.objects.filter(allocation__budget__name="Older").exists()
    assert_balances_are_sums()


def test_the_nightly_accrual_never_pays_a_share_twice_out_of_a_budget_and_its_sub_budget(acme, world, manager):
    _gold_northwind(acme, world)
    top = funded_budget(acme, manager, "1000", name="Global")
    services.budget_create(tenant=acme, actor=manager, key=key(), name="EMEA", fiscal_year=top.fiscal_year, parent=top,
                           amount=D("400"))
    _won(world, "4000")
    assert sweeps.accrue(tenant=acme) == {str(top.pk): "200.00"}  # the one top-level budget
    chosen = services.budget_create(tenant=acme, actor=manager, key=key(), name="Partner growth",
                                    fiscal_year=top.fiscal_year, amount=D("1000"))
    assert sweeps.accrue(tenant=acme) == {str(top.pk): "0.00"}  # two top-level budgets: the one accrued from
    assert Account.objects.filter(allocation__budget=chosen).count() == 0
    assert sum(a.funded for a in Account.objects.filter(allocation__partner=world.northwind)) == D("200.00")


def test_the_tasks_run_every_tenant_and_a_second_run_changes_nothing(world, manager):
    from prm.tenancy.context import tenant_context

    with tenant_context(world.acme):
        budget = funded_budget(world.acme, manager, "10000")
        allocation(budget, world.northwind, manager, "3000")
        overdue = ended(approved_request(world.northwind, manager, amount="800"), days_ago=46)
        soon = ended(approved_request(world.northwind, manager, amount="400"), days_ago=30)  # due in 15 days
    assert tasks.claim_deadlines() == {"acme": {"closed": 1, "reminded": 1}, "globex": {"closed": 0, "reminded": 0}}
    assert tasks.claim_deadlines() == {"acme": {"closed": 0, "reminded": 0}, "globex": {"closed": 0, "reminded": 0}}
    days_left = (fiscal_year_bounds(overdue.allocation.budget.fiscal_year, 1)[1] - timezone.localdate()).days
    nothing_closed = {"expired": "0.00", "rolled_over": "0.00", "allocations": 0}
    assert tasks.close_periods()["acme"] == {**nothing_closed, "warned": 1 if 0 <= days_left <= 30 else 0}
    assert tasks.close_periods()["acme"] == {**nothing_closed, "warned": 0}
    assert set(tasks.accrue()) == {"acme", "globex"}
    assert FundRequest.unscoped.get(pk=overdue.pk).status == RequestStatus.CLOSED
    assert FundRequest.unscoped.get(pk=soon.pk).status == RequestStatus.APPROVED
    assert reminders().count() == 1


def test_beat_runs_the_deadlines_before_the_period_close_and_the_tasks_exist(db):
    from celery import current_app

    scheduled = {task: (int(hour), int(minute)) for task, hour, minute in
                 PeriodicTask.objects.filter(task__startswith="mdf.").values_list("task", "crontab__hour",
                                                                                   "crontab__minute")}
    assert set(scheduled) == {"mdf.tasks.claim_deadlines", "mdf.tasks.close_periods", "mdf.tasks.accrue"}
    assert scheduled["mdf.tasks.claim_deadlines"] < scheduled["mdf.tasks.close_periods"]
    current_app.loader.import_default_modules()
    assert set(scheduled) <= set(current_app.tasks)
