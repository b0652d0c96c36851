"""The MDF API: the Idempotency-Key header on every write, replays answered with the first body,
ceilings as 400s naming the field, partner users confined to their own rows."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from mdf.models import Account, Budget, FundRequest, LedgerEntry, RequestStatus
from prm.tenancy.context import tenant_context

from .helpers import activity, allocation, funded_budget, request_fields, submitted_request, this_year


def _client(member):
    client = APIClient(HTTP_HOST="acme.localhost")
    client.force_login(member.user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def _post(client, url, body=None, key="k-1"):
    extra = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(url, body or {}, format="json", **extra)


@pytest.fixture
def staff(world):
    return _client(world.acme_manager)


def test_every_write_needs_an_idempotency_key(world, staff):
    response = _post(staff, "/api/v1/mdf-budgets/", {"name": "Global", "fiscal_year": 2026, "amount": "100"}, key=None)
    assert response.status_code == 400 and "Idempotency-Key" in response.json()["detail"][0]
    assert not Budget.unscoped.exists()


def test_a_replayed_create_returns_the_first_body_and_creates_once(world, staff):
    body = {"name": "Global", "fiscal_year": 2026, "amount": "5000.00"}
    first = _post(staff, "/api/v1/mdf-budgets/", body, key="create-1")
    assert first.status_code == 201, first.content
    assert (first.json()["funded"], first.json()["available"]) == ("5000.00", "5000.00")
    budget_id = first.json()["id"]
    fund = _post(staff, f"/api/v1/mdf-budgets/{budget_id}/fund/", {"amount": "250"}, key="fund-1")
    assert fund.json()["funded"] == "5250.00"
    replay = _post(staff, "/api/v1/mdf-budgets/", body, key="create-1")
    assert replay.status_code == 201 and replay.content == first.content  # the first answer, not today's balance
    assert Budget.unscoped.count() == 1
    assert _post(staff, f"/api/v1/mdf-budgets/{budget_id}/fund/", {"amount": "250"}, key="fund-1").content == fund.content
    assert LedgerEntry.unscoped.count() == 2
    reused = _post(staff, f"/api/v1/mdf-budgets/{budget_id}/fund/", {"amount": "1"}, key="create-1")
    assert reused.status_code == 400 and "idempotency_key" in reused.json()


def test_sub_budgets_and_allocations_are_refused_beyond_what_is_available(world, staff):
    parent = _post(staff, "/api/v1/mdf-budgets/", {"name": "Global", "fiscal_year": 2026, "amount": "1000"}, key="p").json()
    over = _post(staff, "/api/v1/mdf-budgets/", {"name": "EMEA", "parent": parent["id"], "amount": "1000.01"}, key="s1")
    assert over.status_code == 400 and "amount" in over.json()
    emea = _post(staff, "/api/v1/mdf-budgets/", {"name": "EMEA", "parent": parent["id"], "amount": "600"}, key="s2")
    assert emea.status_code == 201 and emea.json()["fiscal_year"] == 2026
    refused = _post(staff, "/api/v1/mdf-allocations/", {"budget": emea.json()["id"], "partner": world.northwind.pk,
                                                        "amount": "600.01"}, key="a1")
    assert refused.status_code == 400 and "amount" in refused.json()
    made = _post(staff, "/api/v1/mdf-allocations/", {"budget": emea.json()["id"], "partner": world.northwind.pk,
                                                     "amount": "600"}, key="a2")
    assert made.status_code == 201 and made.json()["available"] == "600.00"
    assert staff.get("/api/v1/mdf-budgets/", {"parent": parent["id"]}).json()["results"][0]["name"] == "EMEA"
    assert staff.get("/api/v1/mdf-budgets/", {"fiscal_year": "x"}).status_code == 400


def test_a_partner_requests_the_manager_approves_less_and_the_replay_is_the_first_answer(world, staff):
    with tenant_context(world.acme):
        budget = funded_budget(world.acme, world.acme_admin.user, "10000", year=this_year(world.acme))
        allocation(budget, world.northwind, world.acme_admin.user, "1500")
        fields = request_fields(world.acme)
    rep = _client(world.northwind_rep)
    body = {**fields, "activity_type": fields["activity_type"].pk, "starts_on": str(fields["starts_on"]),
            "ends_on": str(fields["ends_on"]), "total_cost": "2000", "requested_amount": "1000"}
    created = _post(rep, "/api/v1/fund-requests/", body, key="req-1")
    assert created.status_code == 201, created.content
    assert created.json()["status"] == "submitted" and created.json()["partner"] == world.northwind.pk
    assert _post(staff, "/api/v1/fund-requests/", body, key="req-staff").status_code == 403  # partners request
    too_much = _post(rep, "/api/v1/fund-requests/", {**body, "requested_amount": "1000.01"}, key="req-2")
    assert too_much.status_code == 400 and "requested_amount" in too_much.json()
    pk = created.json()["id"]
    assert _post(rep, f"/api/v1/fund-requests/{pk}/approve/", {}, key="own").status_code == 403
    approved = _post(staff, f"/api/v1/fund-requests/{pk}/approve/", {"amount": "700"}, key="ap-1")
    assert approved.status_code == 200 and approved.json()["approved_amount"] == "700.00"
    cancelled = _post(rep, f"/api/v1/fund-requests/{pk}/cancel/", {}, key="cn-1")
    assert cancelled.json()["status"] == "cancelled"
    assert _post(staff, f"/api/v1/fund-requests/{pk}/approve/", {"amount": "700"}, key="ap-1").content == approved.content
    with tenant_context(world.acme):
        assert Account.objects.get(allocation__partner=world.northwind).available == Decimal("1500.00")
    entries = rep.get("/api/v1/mdf-ledger/").json()["results"]
    assert entries and {e["partner"] for e in entries} == {world.northwind.pk}
    assert {e["kind"] for e in entries} >= {"funded", "encumbered", "released"}
    assert _client(world.contoso_rep).get("/api/v1/mdf-ledger/").json()["results"] == []
    assert rep.get("/api/v1/mdf-budgets/").status_code == 403


def test_reject_more_info_and_answer(world, staff):
    with tenant_context(world.acme):
        request = submitted_request(world.northwind, world.northwind_rep.user)
    rep = _client(world.northwind_rep)
    url = f"/api/v1/fund-requests/{request.pk}"
    assert _post(staff, f"{url}/more-info/", {"text": ""}, key="q0").status_code == 400
    assert _post(staff, f"{url}/more-info/", {"text": "Which cities?"}, key="q1").json()["status"] == "more_info"
    assert _post(rep, f"{url}/answer/", {"text": "Berlin"}, key="a1").json()["status"] == "submitted"
    rejected = _post(staff, f"{url}/reject/", {"text": "Not this year"}, key="r1")
    assert rejected.json()["status"] == "rejected" and rejected.json()["reason"] == "Not this year"
    again = _post(staff, f"{url}/reject/", {"text": "Again"}, key="r2")
    assert again.status_code == 400
    with tenant_context(world.acme):
        assert FundRequest.objects.get(pk=request.pk).status == RequestStatus.REJECTED


def test_partner_users_see_only_their_own_requests_and_allocations(world):
    with tenant_context(world.acme):
        activity(world.acme)
        mine = submitted_request(world.northwind, world.northwind_rep.user)
        theirs = submitted_request(world.contoso, world.contoso_rep.user)
        budget = funded_budget(world.acme, world.acme_admin.user, "1000")
        allocation(budget, world.contoso, world.acme_admin.user, "100")
    rep = _client(world.northwind_rep)
    assert [r["id"] for r in rep.get("/api/v1/fund-requests/").json()["results"]] == [mine.pk]
    assert rep.get(f"/api/v1/fund-requests/{theirs.pk}/").status_code == 404
    assert rep.get("/api/v1/mdf-allocations/").json()["results"] == []
    assert _post(rep, f"/api/v1/fund-requests/{theirs.pk}/cancel/", {}, key="x").status_code == 404
