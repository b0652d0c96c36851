"""The MDF services: every ceiling, every state change, idempotent replays."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from mdf import services
from mdf.models import Account, ApprovalLimit, Budget, EntryKind, FundRequest, LedgerEntry, Operation, RequestStatus
from prm.audit.models import AuditEvent

from .helpers import activity, allocation, assert_balances_are_sums, funded_budget, key, request_fields, submitted_request, this_year

D = Decimal


@pytest.fixture
def admin(world):
    return world.acme_admin.user


@pytest.fixture
def manager(world):
    return world.acme_manager.user


def test_a_budget_is_funded_by_an_entry_and_its_balance_is_the_sum(acme, admin):
    budget = funded_budget(acme, admin, "10000")
    services.budget_fund(budget=budget, actor=admin, key=key(), amount=D("2500.50"))
    account = Account.objects.get(budget=budget)
    assert account.funded == D("12500.50") and account.available == D("12500.50")
    assert list(LedgerEntry.objects.filter(account=account).values_list("kind", flat=True)) == [EntryKind.FUNDED] * 2
    assert AuditEvent.objects.filter(verb="mdf_budget.funded", target_id=str(budget.pk)).count() == 2
    assert_balances_are_sums()


def test_a_sub_budget_never_exceeds_its_parents_available(acme, admin):
    parent = funded_budget(acme, admin, "1000")
    east = services.budget_create(tenant=acme, actor=admin, key=key(), name="East", fiscal_year=parent.fiscal_year,
                                  parent=parent, amount=D("600"))
    with pytest.raises(ValidationError) as refused:
        services.budget_create(tenant=acme, actor=admin, key=key(), name="West", fiscal_year=parent.fiscal_year,
                               parent=parent, amount=D("400.01"))
    assert "amount" in refused.value.message_dict
    assert not Budget.objects.filter(name="West").exists()
    with pytest.raises(ValidationError):
        services.budget_fund(budget=east, actor=admin, key=key(), amount=D("400.01"))
    services.budget_fund(budget=east, actor=admin, key=key(), amount=D("400"))
    parent_account, east_account = Account.objects.get(budget=parent), Account.objects.get(budget=east)
    assert (parent_account.allocated, parent_account.available) == (D("1000"), D("0"))
    assert (east_account.funded, east_account.available) == (D("1000"), D("1000"))
    assert_balances_are_sums()


def test_an_allocation_never_exceeds_its_budgets_available(acme, admin, world):
    budget = funded_budget(acme, admin, "1000")
    northwind = allocation(budget, world.northwind, admin, "700")
    with pytest.raises(ValidationError) as refused:
        allocation(budget, world.contoso, admin, "300.01")
    assert "only" in refused.value.message_dict["amount"][0]
    with pytest.raises(ValidationError):
        services.allocate(allocation=northwind, actor=admin, key=key(), amount=D("300.01"))
    services.allocate(allocation=northwind, actor=admin, key=key(), amount=D("300"))
    assert Account.objects.get(allocation=northwind).available == D("1000")
    assert Account.objects.get(budget=budget).available == D("0")
    assert_balances_are_sums()


def test_amounts_must_be_positive(acme, admin):
    budget = funded_budget(acme, admin, "10")
    for amount in (D("0"), D("-5"), "abc"):
        with pytest.raises(ValidationError):
            services.budget_fund(budget=budget, actor=admin, key=key(), amount=amount)


def test_a_replayed_key_returns_the_first_result_and_posts_once(acme, admin, world):
    budget = funded_budget(acme, admin, "1000")
    first = services.allocation_create(budget=budget, partner=world.northwind, actor=admin, key="same", amount=D("100"))
    again = services.allocation_create(budget=budget, partner=world.northwind, actor=admin, key="same", amount=D("100"))
    assert first.pk == again.pk
    assert Account.objects.get(allocation=first).funded == D("100")
    assert Operation.objects.filter(key="same").count() == 1
    with pytest.raises(ValidationError) as reused:
        services.budget_fund(budget=budget, actor=admin, key="same", amount=D("1"))
    assert "idempotency_key" in reused.value.message_dict


def test_a_refused_write_leaves_its_key_free(acme, admin, world):
    budget = funded_budget(acme, admin, "100")
    with pytest.raises(ValidationError):
        services.allocation_create(budget=budget, partner=world.northwind, actor=admin, key="retry", amount=D("500"))
    assert not Operation.objects.filter(key="retry").exists()
    services.budget_fund(budget=budget, actor=admin, key="top-up", amount=D("400"))
    made = services.allocation_create(budget=budget, partner=world.northwind, actor=admin, key="retry", amount=D("500"))
    assert Account.objects.get(allocation=made).funded == D("500")


def test_the_request_rules_vendor_share_and_notice(acme, world):
    rep = world.northwind_rep.user
    with pytest.raises(ValidationError) as too_much:
        submitted_request(world.northwind, rep, total_cost=D("2000"), requested_amount=D("1000.01"))
    assert "requested_amount" in too_much.value.message_dict
    with pytest.raises(ValidationError) as too_soon:
        submitted_request(world.northwind, rep, starts_on=timezone.localdate() + timedelta(days=3),
                          ends_on=timezone.localdate() + timedelta(days=4))
    assert "starts_on" in too_soon.value.message_dict
    with pytest.raises(ValidationError) as backwards:
        fields = request_fields(acme)
        submitted_request(world.northwind, rep, ends_on=fields["starts_on"] - timedelta(days=1))
    assert "ends_on" in backwards.value.message_dict
    assert not FundRequest.objects.exists()
    request = submitted_request(world.northwind, rep)
    assert request.status == RequestStatus.SUBMITTED and request.partner_share == D("1000.00")
    # A draft is not held to the notice rule until it is submitted.
    draft = services.fund_request_create(partner=world.northwind, actor=rep, key=key(), submit=False,
                                         **request_fields(acme, starts_on=timezone.localdate() + timedelta(days=1),
                                                          ends_on=timezone.localdate() + timedelta(days=1)))
    assert draft.status == RequestStatus.DRAFT
    with pytest.raises(ValidationError):
        services.fund_request_submit(request=draft, actor=rep, key=key())


def test_a_withdrawn_activity_type_is_refused(acme, world):
    kind = activity(acme, "Webinar")
    services.activity_type_toggle(activity_type=kind, actor=world.acme_admin.user)
    with pytest.raises(ValidationError) as refused:
        submitted_request(world.northwind, world.northwind_rep.user, activity_type=kind)
    assert "activity_type" in refused.value.message_dict


def _funded_partner(acme, admin, partner, amount="1500"):
    budget = funded_budget(acme, admin, "10000", name=f"FY budget {key()}")
    return allocation(budget, partner, admin, amount)


def test_approval_encumbers_a_lower_amount_and_never_exceeds_the_allocation(acme, admin, manager, world):
    pool = _funded_partner(acme, admin, world.northwind, "1500")
    first = submitted_request(world.northwind, world.northwind_rep.user)
    approved = services.fund_request_approve(request=first, actor=manager, key=key(), amount=D("800"))
    assert (approved.status, approved.approved_amount, approved.allocation_id) == (RequestStatus.APPROVED, D("800"), pool.pk)
    assert approved.decided_by == manager
    account = Account.objects.get(allocation=pool)
    assert (account.encumbered, account.available) == (D("800"), D("700"))
    assert Account.objects.get(fund_request=first).funded == D("800")
    second = submitted_request(world.northwind, world.northwind_rep.user)
    with pytest.raises(ValidationError) as refused:
        services.fund_request_approve(request=second, actor=manager, key=key())  # 1000 requested, 700 left
    assert "700" in refused.value.message_dict["amount"][0]
    assert FundRequest.objects.get(pk=second.pk).status == RequestStatus.SUBMITTED
    with pytest.raises(ValidationError):
        services.fund_request_approve(request=second, actor=manager, key=key(), amount=D("1000.01"))  # above requested
    services.fund_request_approve(request=second, actor=manager, key=key(), amount=D("700"))
    assert Account.objects.get(allocation=pool).available == D("0")
    assert_balances_are_sums()


def test_approval_needs_an_allocation_of_the_partner(acme, admin, manager, world):
    request = submitted_request(world.northwind, world.northwind_rep.user)
    with pytest.raises(ValidationError) as refused:
        services.fund_request_approve(request=request, actor=manager, key=key())
    assert "allocation" in refused.value.message_dict
    contoso_pool = _funded_partner(acme, admin, world.contoso)
    with pytest.raises(ValidationError):
        services.fund_request_approve(request=request, actor=manager, key=key(), allocation=contoso_pool)


def test_approval_limits_bind_managers_not_tenant_admins(acme, admin, manager, world):
    _funded_partner(acme, admin, world.northwind, "5000")
    services.approval_limit_set(membership=world.acme_manager, actor=admin, max_amount=D("500"))
    assert ApprovalLimit.objects.get().max_amount == D("500")
    request = submitted_request(world.northwind, world.northwind_rep.user)
    with pytest.raises(ValidationError) as refused:
        services.fund_request_approve(request=request, actor=manager, key=key(), amount=D("500.01"))
    assert "tenant admin" in refused.value.message_dict["amount"][0]
    services.fund_request_approve(request=request, actor=admin, key=key(), amount=D("1000"))
    other = submitted_request(world.northwind, world.northwind_rep.user)
    services.fund_request_approve(request=other, actor=manager, key=key(), amount=D("500"))
    with pytest.raises(ValidationError):
        services.approval_limit_set(membership=world.acme_admin, actor=admin, max_amount=D("1"))
    services.approval_limit_set(membership=world.acme_manager, actor=admin, max_amount=None)
    assert not ApprovalLimit.objects.exists()


def test_partner_users_cannot_decide(acme, admin, world):
    _funded_partner(acme, admin, world.northwind)
    request = submitted_request(world.northwind, world.northwind_rep.user)
    with pytest.raises(ValidationError):
        services.fund_request_approve(request=request, actor=world.northwind_admin.user, key=key())


def test_reject_more_info_answer_and_the_states_they_leave(acme, manager, world):
    rep = world.northwind_rep.user
    request = submitted_request(world.northwind, rep)
    with pytest.raises(ValidationError):
        services.fund_request_more_info(request=request, actor=manager, key=key(), question="  ")
    asked = services.fund_request_more_info(request=request, actor=manager, key=key(), question="Which cities?")
    assert (asked.status, asked.question) == (RequestStatus.MORE_INFO, "Which cities?")
    with pytest.raises(ValidationError):
        services.fund_request_approve(request=asked, actor=manager, key=key())  # waiting for the partner
    answered = services.fund_request_answer(request=asked, actor=rep, key=key(), answer="Berlin, Hamburg, Munich")
    assert answered.status == RequestStatus.SUBMITTED
    rejected = services.fund_request_reject(request=answered, actor=manager, key=key(), reason="Out of season")
    assert (rejected.status, rejected.reason, rejected.decided_by) == (RequestStatus.REJECTED, "Out of season", manager)
    for move in (lambda: services.fund_request_cancel(request=rejected, actor=rep, key=key()),
                 lambda: services.fund_request_answer(request=rejected, actor=rep, key=key(), answer="x"),
                 lambda: services.fund_request_reject(request=rejected, actor=manager, key=key(), reason="x")):
        with pytest.raises(ValidationError):
            move()
    verbs = list(AuditEvent.objects.filter(target_type="mdf.fundrequest", target_id=str(request.pk))
                 .order_by("pk").values_list("verb", flat=True))
    assert verbs == ["fund_request.created", "fund_request.submitted", "fund_request.more_info",
                     "fund_request.answered", "fund_request.rejected"]


def test_cancelling_an_approved_request_releases_its_encumbrance(acme, admin, manager, world):
    pool = _funded_partner(acme, admin, world.northwind, "1500")
    request = submitted_request(world.northwind, world.northwind_rep.user)
    services.fund_request_approve(request=request, actor=manager, key=key(), amount=D("900"))
    cancelled = services.fund_request_cancel(request=request, actor=world.northwind_rep.user, key="cancel-1")
    assert cancelled.status == RequestStatus.CANCELLED
    account = Account.objects.get(allocation=pool)
    assert (account.encumbered, account.available) == (D("0"), D("1500"))
    assert Account.objects.get(fund_request=request).available == D("0")
    assert LedgerEntry.objects.filter(kind=EntryKind.RELEASED).count() == 2
    # A replay of the cancel is the first result, not a second release or a refusal.
    again = services.fund_request_cancel(request=request, actor=world.northwind_rep.user, key="cancel-1")
    assert again.status == RequestStatus.CANCELLED
    assert LedgerEntry.objects.filter(kind=EntryKind.RELEASED).count() == 2
    assert_balances_are_sums()


def test_a_draft_or_submitted_request_cancels_without_entries(acme, world):
    request = submitted_request(world.northwind, world.northwind_rep.user)
    services.fund_request_cancel(request=request, actor=world.northwind_rep.user, key=key())
    assert not LedgerEntry.objects.exists()


def test_an_approval_replay_encumbers_once(acme, admin, manager, world):
    pool = _funded_partner(acme, admin, world.northwind, "1500")
    request = submitted_request(world.northwind, world.northwind_rep.user)
    for _ in range(3):
        services.fund_request_approve(request=request, actor=manager, key="approve-once", amount=D("500"))
    assert Account.objects.get(allocation=pool).encumbered == D("500")


def test_entries_are_append_only(acme, admin):
    budget = funded_budget(acme, admin, "10")
    entry = LedgerEntry.objects.get(account__budget=budget)
    entry.amount = D("99")
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        entry.delete()


def test_accrual_takes_the_tier_percent_of_won_value_once(acme, admin, world):
    from dealreg.models import Deal
    from tests.dealreg.helpers import make_deal
    from tests.factories import tier_named

    gold = tier_named(acme, "Gold")
    gold.mdf_accrual_percent = D("5")
    gold.save()
    world.northwind.tier = gold
    world.northwind.save()
    budget = funded_budget(acme, admin, "1000", name="Accruals", year=this_year(acme))
    deal = make_deal(world.northwind, by=world.northwind_rep.user, status="won", value=D("4000"))
    Deal.unscoped.filter(pk=deal.pk).update(closed_at=timezone.now(), currency=acme.currency)
    today = timezone.localdate()
    assert services.accrual_run(budget=budget, actor=admin, today=today) == {world.northwind.pk: D("200.00")}
    assert services.accrual_run(budget=budget, actor=admin, today=today) == {}
    allocation_account = Account.objects.get(allocation__partner=world.northwind, allocation__budget=budget)
    assert allocation_account.funded == D("200.00")
    more = make_deal(world.northwind, by=world.northwind_rep.user, status="won", value=D("100000"))
    Deal.unscoped.filter(pk=more.pk).update(closed_at=timezone.now(), currency=acme.currency)
    # 5 % of 104,000 is 5,200 due; 200 accrued; the budget has 800 left: the partner gets those.
    assert services.accrual_run(budget=budget, actor=admin, today=today) == {world.northwind.pk: D("800.00")}
    assert Account.objects.get(budget=budget).available == D("0")
    assert_balances_are_sums()
