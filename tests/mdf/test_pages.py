"""The MDF pages: budgets, allocation, settings, the review queue and decisions, the partner's funds
and requests. Forms carry an idempotency key made per render: a double submit writes once."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from mdf.models import Account, ActivityType, ApprovalLimit, Budget, FundRequest, LedgerEntry, MdfSettings, RequestStatus
from prm.tenancy.context import tenant_context

from .helpers import activity, allocation, funded_budget, request_fields, submitted_request, this_year


def _key(response):
    """The idempotency key of the page's first form."""
    return re.search(rb'name="idempotency_key" value="([0-9a-f]+)"', response.content).group(1).decode()


@pytest.fixture
def staff(world, client_as):
    return client_as(world.acme_admin)


@pytest.fixture
def rep(world, client_as):
    return client_as(world.northwind_rep)


def test_a_budget_is_created_once_however_often_its_form_is_sent(world, staff):
    page = staff.get(reverse("mdf:dashboard"))
    assert page.status_code == 200
    data = {"idempotency_key": _key(page), "name": "Global", "fiscal_year": "2026", "amount": "5000"}
    assert staff.post(reverse("mdf:dashboard"), data).status_code == 302
    assert staff.post(reverse("mdf:dashboard"), data).status_code == 302
    with tenant_context(world.acme):
        budget = Budget.objects.get()
        assert budget.account.funded == Decimal("5000.00")
        assert LedgerEntry.objects.count() == 1
    home = staff.get(reverse("mdf:dashboard")).content.decode()
    assert "FY2026" in home and "Global" in home


def test_the_budget_page_allocates_and_shows_a_refusal_next_to_the_field(world, staff):
    with tenant_context(world.acme):
        budget = funded_budget(world.acme, world.acme_admin.user, "1000")
    url = reverse("mdf:budget", kwargs={"pk": budget.pk})
    page = staff.get(url)
    assert page.status_code == 200
    refused = staff.post(reverse("mdf:allocate", kwargs={"pk": budget.pk}),
                         {"idempotency_key": "a-1", "partner": world.northwind.pk, "amount": "1000.01"})
    assert refused.status_code == 400
    assert b'id="id_amount_error"' in refused.content
    done = staff.post(reverse("mdf:allocate", kwargs={"pk": budget.pk}),
                      {"idempotency_key": "a-2", "partner": world.northwind.pk, "amount": "400"})
    assert done.status_code == 302
    assert "Northwind Traders" in staff.get(url).content.decode()
    with tenant_context(world.acme):
        assert Account.objects.get(budget=budget).available == Decimal("600.00")


def test_settings_activity_types_and_approval_limits(world, staff, client_as):
    assert staff.get(reverse("mdf:settings")).status_code == 200
    assert client_as(world.acme_manager).get(reverse("mdf:settings")).status_code == 403
    assert staff.post(reverse("mdf:activity_type_add"), {"name": "Trade show"}).status_code == 302
    assert staff.post(reverse("mdf:activity_type_add"), {"name": "trade show"}).status_code == 400
    assert staff.post(reverse("mdf:approval_limit"), {"membership": world.acme_manager.pk,
                                                     "max_amount": "750"}).status_code == 302
    response = staff.post(reverse("mdf:settings"), {"fiscal_year_start_month": "4", "notice_business_days": "5",
                                                    "vendor_share_percent": "60", "claim_days": "30",
                                                    "unspent": "roll_over", "unspent_offset_days": "-30"})
    assert response.status_code == 302
    with tenant_context(world.acme):
        kind = ActivityType.objects.get()
        assert kind.name == "Trade show"
        assert ApprovalLimit.objects.get().max_amount == Decimal("750.00")
        saved = MdfSettings.objects.get()
        assert (saved.claim_days, saved.unspent, saved.unspent_offset_days) == (30, "roll_over", -30)
    assert staff.post(reverse("mdf:activity_type_toggle", kwargs={"pk": kind.pk})).status_code == 302
    kind.refresh_from_db()
    assert not kind.is_active


def test_the_partner_requests_funds_with_errors_next_to_the_fields(world, rep):
    with tenant_context(world.acme):
        fields = request_fields(world.acme)
    page = rep.get(reverse("mdf:portal_new"))
    assert page.status_code == 200
    data = {"idempotency_key": _key(page), "activity_type": fields["activity_type"].pk, "title": "Roadshow",
            "description": "", "starts_on": str(fields["starts_on"]), "ends_on": str(fields["ends_on"]),
            "expected_leads": "10", "expected_attendees": "50", "total_cost": "2000", "requested_amount": "1500"}
    refused = rep.post(reverse("mdf:portal_new"), data)
    assert refused.status_code == 400 and b'id="id_requested_amount_error"' in refused.content
    sent = rep.post(reverse("mdf:portal_new"), {**data, "requested_amount": "1000"})
    assert sent.status_code == 302
    again = rep.post(reverse("mdf:portal_new"), {**data, "requested_amount": "1000"})
    assert again["Location"] == sent["Location"]  # the double submit lands on the same request
    with tenant_context(world.acme):
        request = FundRequest.objects.get()
        assert request.status == RequestStatus.SUBMITTED
    assert "Roadshow" in rep.get(reverse("mdf:portal")).content.decode()
    assert rep.get(reverse("mdf:portal_request", kwargs={"pk": request.pk})).status_code == 200


def test_review_approve_a_lower_amount_once_and_the_portal_balance_follows(world, staff, rep):
    with tenant_context(world.acme):
        budget = funded_budget(world.acme, world.acme_admin.user, "5000", year=this_year(world.acme))
        allocation(budget, world.northwind, world.acme_admin.user, "1500")
        request = submitted_request(world.northwind, world.northwind_rep.user)
    queue = staff.get(reverse("mdf:requests")).content.decode()
    assert request.title in queue
    page = staff.get(reverse("mdf:request", kwargs={"pk": request.pk}))
    data = {"idempotency_key": _key(page), "amount": "600", "allocation": ""}
    url = reverse("mdf:request_approve", kwargs={"pk": request.pk})
    assert staff.post(url, data).status_code == 302
    assert staff.post(url, data).status_code == 302  # the replay: no second encumbrance, no refusal
    with tenant_context(world.acme):
        assert FundRequest.objects.get(pk=request.pk).approved_amount == Decimal("600.00")
        assert LedgerEntry.objects.filter(kind="encumbered").count() == 2
    funds = rep.get(reverse("mdf:portal")).content.decode()
    assert "900.00" in funds and "600.00" in funds  # available and held
    cancel_page = rep.get(reverse("mdf:portal_request", kwargs={"pk": request.pk}))
    assert rep.post(reverse("mdf:portal_cancel", kwargs={"pk": request.pk}),
                    {"idempotency_key": _key(cancel_page)}).status_code == 302
    with tenant_context(world.acme):
        assert Account.objects.get(allocation__partner=world.northwind).available == Decimal("1500.00")


def test_more_info_then_the_partner_answers_and_rejection(world, staff, rep):
    with tenant_context(world.acme):
        activity(world.acme)
        request = submitted_request(world.northwind, world.northwind_rep.user)
    ask = reverse("mdf:request_more_info", kwargs={"pk": request.pk})
    assert staff.post(ask, {"idempotency_key": "q-0", "text": ""}).status_code == 400
    assert staff.post(ask, {"idempotency_key": "q-1", "text": "Which cities?"}).status_code == 302
    page = rep.get(reverse("mdf:portal_request", kwargs={"pk": request.pk}))
    assert "Which cities?" in page.content.decode()
    answered = rep.post(reverse("mdf:portal_answer", kwargs={"pk": request.pk}),
                        {"idempotency_key": "an-1", "text": "Berlin and Hamburg"})
    assert answered.status_code == 302
    rejected = staff.post(reverse("mdf:request_reject", kwargs={"pk": request.pk}),
                          {"idempotency_key": "r-1", "text": "Budget spent"})
    assert rejected.status_code == 302
    with tenant_context(world.acme):
        request.refresh_from_db()
    assert (request.status, request.answer, request.reason) == ("rejected", "Berlin and Hamburg", "Budget spent")


def test_a_partner_never_sees_another_partners_request(world, client_as):
    with tenant_context(world.acme):
        theirs = submitted_request(world.contoso, world.contoso_rep.user)
    rep = client_as(world.northwind_rep)
    assert rep.get(reverse("mdf:portal_request", kwargs={"pk": theirs.pk})).status_code == 404
    assert theirs.title not in rep.get(reverse("mdf:portal")).content.decode()


def test_the_vendor_cancels_an_approved_request_and_the_allocation_gets_it_back(world, staff):
    with tenant_context(world.acme):
        budget = funded_budget(world.acme, world.acme_admin.user, "5000", year=this_year(world.acme))
        allocation(budget, world.northwind, world.acme_admin.user, "1500")
        request = submitted_request(world.northwind, world.northwind_rep.user)
    staff.post(reverse("mdf:request_approve", kwargs={"pk": request.pk}), {"idempotency_key": "ap", "amount": "1000"})
    page = staff.get(reverse("mdf:request", kwargs={"pk": request.pk}))
    assert b"mdf/requests/%d/cancel/" % request.pk in page.content
    url = reverse("mdf:request_cancel", kwargs={"pk": request.pk})
    assert staff.post(url, {"idempotency_key": "c-1", "text": ""}).status_code == 400
    assert staff.post(url, {"idempotency_key": "c-2", "text": "Event called off"}).status_code == 302
    with tenant_context(world.acme):
        request.refresh_from_db()
        assert (request.status, request.reason) == ("cancelled", "Event called off")
        assert Account.objects.get(allocation__partner=world.northwind).available == Decimal("1500.00")


def test_the_dashboard_shows_what_approved_requests_hold_at_every_level(world, staff):
    from mdf import services
    from mdf.selectors import budget_tree

    with tenant_context(world.acme):
        admin = world.acme_admin.user
        top = funded_budget(world.acme, admin, "5000", year=this_year(world.acme))
        east = services.budget_create(tenant=world.acme, actor=admin, key="east", name="East", fiscal_year=top.fiscal_year,
                                      parent=top, amount=Decimal("2000"))
        allocation(east, world.northwind, admin, "1500")
        request = submitted_request(world.northwind, world.northwind_rep.user)
        services.fund_request_approve(request=request, actor=admin, key="hold", amount=Decimal("700"))
        rows = {row.budget.name: row for row in budget_tree()[top.fiscal_year]}
    assert (rows["Global"].held, rows["East"].held) == (Decimal("700.00"), Decimal("700.00"))
    assert [row.depth for row in rows.values()] == [0, 1]
    assert staff.get(reverse("mdf:dashboard")).status_code == 200


def test_the_budget_page_runs_the_accrual_once_per_won_value(world, staff):
    from django.utils import timezone

    from dealreg.models import Deal
    from tests.dealreg.helpers import make_deal
    from tests.factories import tier_named

    with tenant_context(world.acme):
        gold = tier_named(world.acme, "Gold")
        gold.mdf_accrual_percent = Decimal("10")
        gold.save()
        world.northwind.tier = gold
        world.northwind.save()
        budget = funded_budget(world.acme, world.acme_admin.user, "1000", year=this_year(world.acme))
        deal = make_deal(world.northwind, by=world.northwind_rep.user, status="won", value=Decimal("3000"))
        Deal.unscoped.filter(pk=deal.pk).update(closed_at=timezone.now(), currency=world.acme.currency)
    url = reverse("mdf:accrue", kwargs={"pk": budget.pk})
    assert staff.post(url, follow=True).status_code == 200
    again = staff.post(url, follow=True)
    assert "Nothing new to accrue" in again.content.decode()
    with tenant_context(world.acme):
        assert Account.objects.get(allocation__partner=world.northwind).funded == Decimal("300.00")


def test_the_portal_lists_the_requests_25_to_a_page_newest_first(world, rep):
    with tenant_context(world.acme):
        for number in range(27):
            submitted_request(world.northwind, world.northwind_rep.user, title=f"Activity {number:02d}")
    first = rep.get(reverse("mdf:portal")).content.decode()
    assert "Activity 26" in first and "Activity 02" in first and "Activity 01" not in first
    assert "Page 1 of 2" in first
    second = rep.get(reverse("mdf:portal"), {"page": 2}).content.decode()
    assert "Activity 01" in second and "Activity 00" in second and "Activity 02" not in second
