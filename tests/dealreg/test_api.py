"""/api/v1/deals/: the same services and rules as the pages, for partner users, staff and API keys."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from dealreg.models import Deal, DealStatus, ProductLine
from partners.models import PartnerStatus
from prm.api.services import api_key_create

from .helpers import events, make_deal, refresh, set_rules

S = DealStatus
DEALS = "/api/v1/deals/"


@pytest.fixture
def api(world, in_tenant):
    """api("key") → an acme API key client; api(membership) → a session client of that member."""

    def make(who):
        if who == "key":
            with in_tenant(world.acme):
                _, raw = api_key_create(tenant=world.acme, actor=world.acme_admin.user, name="CRM sync")
            client = APIClient(HTTP_HOST="acme.localhost")
            client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
            return client
        client = APIClient(HTTP_HOST=f"{who.tenant.slug}.localhost")
        client.force_login(who.user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return make


def _payload(**overrides):
    data = {
        "customer_name": "Fabrikam, Inc.", "customer_website": "https://fabrikam.example", "contact_name": "Jane Buyer",
        "contact_email": "jane@fabrikam.example", "value": "25000.00",
        "expected_close_date": (timezone.localdate() + timedelta(days=30)).isoformat(),
    }
    data.update(overrides)
    return data


def _deal(world, in_tenant, partner="northwind", status="submitted", **overrides):
    member = {"northwind": world.northwind_rep, "contoso": world.contoso_rep}[partner]
    with in_tenant(world.acme):
        return make_deal(getattr(world, partner), by=member.user, status=status, staff=world.acme_manager.user, **overrides)


# --- create ------------------------------------------------------------------------------------------

def test_partner_user_creates_for_their_own_partner(world, api, in_tenant):
    with in_tenant(world.acme):
        ProductLine.objects.create(tenant=world.acme, name="Wi-Fi")
    response = api(world.northwind_rep).post(DEALS, _payload(partner=world.contoso.pk, products=["Wi-Fi"]), format="json")
    assert response.status_code == 201
    body = response.json()
    deal = Deal.unscoped.get(pk=body["id"])
    assert (deal.partner, deal.registered_by, deal.status, deal.currency) == (world.northwind, world.northwind_rep.user, S.DRAFT, "USD")
    assert (body["partner"], body["partner_name"], body["reference"], body["status"]) == (
        world.northwind.pk, "Northwind Traders", deal.reference, "draft",
    )
    assert (body["customer_domain"], body["products"]) == ("fabrikam.example", ["Wi-Fi"])


def test_api_key_must_name_the_partner(world, api):
    client = api("key")
    response = client.post(DEALS, _payload(), format="json")
    assert response.status_code == 400
    assert response.json() == {"partner": ["Name the partner that registers this deal."]}
    assert not Deal.unscoped.exists()
    created = client.post(DEALS, _payload(partner=world.contoso.pk), format="json")
    assert created.status_code == 201
    deal = Deal.unscoped.get()
    assert (deal.partner, deal.registered_by) == (world.contoso, None)
    assert "CRM sync" in events(deal)[0].actor_label


def test_staff_session_must_name_the_partner_too(world, api):
    assert api(world.acme_manager).post(DEALS, _payload(), format="json").status_code == 400
    assert api(world.acme_manager).post(DEALS, _payload(partner=world.northwind.pk), format="json").status_code == 201


@pytest.mark.parametrize("partner", ["initech", "inactive"])
def test_api_key_cannot_register_for_another_tenants_or_a_deactivated_partner(world, api, in_tenant, partner):
    if partner == "inactive":
        world.contoso.status = PartnerStatus.INACTIVE
        world.contoso.save()
        partner = "contoso"
    response = api("key").post(DEALS, _payload(partner=getattr(world, partner).pk), format="json")
    assert response.status_code == 400
    assert "partner" in response.json()
    assert not Deal.unscoped.exists()


@pytest.mark.parametrize(("overrides", "field"), [
    ({"contact_email": "nope"}, "contact_email"),
    ({"value": "-1"}, "value"),
    ({"customer_name": ""}, "customer_name"),
    ({"products": ["Unknown line"]}, "products"),
    ({"expected_close_date": "tomorrow"}, "expected_close_date"),
])
def test_create_validation_errors_name_the_field(world, api, overrides, field):
    response = api(world.northwind_rep).post(DEALS, _payload(**overrides), format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Deal.unscoped.exists()


def test_another_tenants_product_line_is_unknown(world, api, in_tenant):
    with in_tenant(world.globex):
        ProductLine.objects.create(tenant=world.globex, name="Globex Router")
    response = api(world.northwind_rep).post(DEALS, _payload(products=["Globex Router"]), format="json")
    assert response.status_code == 400
    assert "products" in response.json()


# --- read and filter ---------------------------------------------------------------------------------

@pytest.fixture
def listed(world, in_tenant):
    return {
        "tailspin": _deal(world, in_tenant, customer_name="Tailspin Toys"),
        "coho": _deal(world, in_tenant, partner="contoso", status="approved", customer_name="Coho Winery"),
        "trey": _deal(world, in_tenant, status="draft", customer_name="Trey Research", contact_email="bob@treyresearch.example"),
    }


def _customers(response):
    assert response.status_code == 200
    return sorted(d["customer_name"] for d in response.json()["results"])


def test_list_and_filters_for_staff(world, api, listed):
    client = api("key")
    assert _customers(client.get(DEALS)) == ["Coho Winery", "Tailspin Toys", "Trey Research"]
    assert _customers(client.get(DEALS, {"status": "approved"})) == ["Coho Winery"]
    assert _customers(client.get(DEALS, {"partner": world.northwind.pk})) == ["Tailspin Toys", "Trey Research"]
    assert _customers(client.get(DEALS, {"partner": world.northwind.pk, "status": "draft"})) == ["Trey Research"]
    assert _customers(client.get(DEALS, {"q": "treyresearch.example"})) == ["Trey Research"]
    assert _customers(client.get(DEALS, {"q": "coho"})) == ["Coho Winery"]
    # Another tenant's partner or a missing one: no deals (never every deal).
    for unknown in (world.initech.pk, 987654):
        assert _customers(client.get(DEALS, {"partner": unknown})) == []
    # A malformed id is an input error that names the parameter.
    for malformed in ("northwind", "²", "1" * 20, "-3"):
        response = client.get(DEALS, {"partner": malformed})
        assert response.status_code == 400, malformed
        assert list(response.json()) == ["partner"]


def test_partner_users_list_only_their_own_deals(world, api, listed):
    client = api(world.northwind_rep)
    assert _customers(client.get(DEALS)) == ["Tailspin Toys", "Trey Research"]
    assert _customers(client.get(DEALS, {"partner": world.contoso.pk})) == []
    assert _customers(client.get(DEALS, {"q": "coho"})) == []
    theirs = listed["coho"]
    assert client.get(f"{DEALS}{theirs.pk}/").status_code == 404
    assert client.get(f"{DEALS}{theirs.pk}/").content == client.get(f"{DEALS}987654/").content
    mine = client.get(f"{DEALS}{listed['tailspin'].pk}/").json()
    assert (mine["reference"], mine["status"]) == (listed["tailspin"].reference, "submitted")


def test_another_tenants_key_sees_nothing(world, api, listed, in_tenant):
    with in_tenant(world.globex):
        _, raw = api_key_create(tenant=world.globex, actor=world.globex_admin.user, name="Globex CRM")
    client = APIClient(HTTP_HOST="globex.localhost")
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    assert _customers(client.get(DEALS)) == []
    assert client.get(f"{DEALS}{listed['tailspin'].pk}/").status_code == 404


# --- update ------------------------------------------------------------------------------------------

def test_update_when_editable(world, api, in_tenant):
    deal = _deal(world, in_tenant, status="draft")
    body = {"customer_website": "https://www.contoso-pharma.example", "partner": world.contoso.pk}
    response = api(world.northwind_rep).patch(f"{DEALS}{deal.pk}/", body, format="json")
    assert response.status_code == 200
    assert response.json()["customer_domain"] == "contoso-pharma.example"
    deal = refresh(deal)
    assert (deal.customer_domain, deal.partner) == ("contoso-pharma.example", world.northwind)  # the partner never changes


@pytest.mark.parametrize("status", ["submitted", "approved", "withdrawn"])
def test_update_refused_when_not_editable(world, api, in_tenant, status):
    deal = _deal(world, in_tenant, status=status, customer_name="Tailspin Toys")
    response = api(world.northwind_rep).patch(f"{DEALS}{deal.pk}/", {"customer_name": "Other"}, format="json")
    assert response.status_code == 400
    assert f"{S(status).label.lower()} deal cannot be edited" in response.json()["detail"][0]
    assert refresh(deal).customer_name == "Tailspin Toys"


def test_update_of_another_partners_deal_is_a_404(world, api, in_tenant):
    deal = _deal(world, in_tenant, partner="contoso", status="draft", customer_name="Tailspin Toys")
    assert api(world.northwind_rep).patch(f"{DEALS}{deal.pk}/", {"customer_name": "Mine"}, format="json").status_code == 404
    assert refresh(deal).customer_name == "Tailspin Toys"


def test_no_delete(world, api, in_tenant):
    deal = _deal(world, in_tenant, status="draft")
    assert api("key").delete(f"{DEALS}{deal.pk}/").status_code == 405
    assert Deal.unscoped.filter(pk=deal.pk).exists()


# --- transitions -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("start", "action", "target"), [
    ("draft", "submit", S.SUBMITTED),
    ("more_info", "submit", S.SUBMITTED),
    ("draft", "withdraw", S.WITHDRAWN),
    ("submitted", "withdraw", S.WITHDRAWN),
    ("approved", "win", S.WON),
    ("approved", "lose", S.LOST),
    ("approved", "extend", S.APPROVED),
])
def test_partner_transitions(world, api, in_tenant, start, action, target):
    deal = _deal(world, in_tenant, status=start)
    if start == "more_info":  # a deal sent back is submitted again with the answer to the question
        assert api(world.northwind_rep).patch(f"{DEALS}{deal.pk}/", {"info_answer": "All three."}, format="json").status_code == 200
    response = api(world.northwind_rep).post(f"{DEALS}{deal.pk}/{action}/")
    assert response.status_code == 200
    assert response.json()["status"] == target
    assert refresh(deal).status == target
    if action == "extend":
        assert response.json()["extensions_used"] == 1


def test_a_deal_sent_back_is_submitted_again_only_with_an_answer(world, api, in_tenant):
    deal = _deal(world, in_tenant, status="more_info")
    rep = api(world.northwind_rep)
    shown = rep.get(f"{DEALS}{deal.pk}/").json()
    assert (shown["status"], shown["info_question"], shown["info_answer"]) == ("more_info", "Which products?", "")
    refused = rep.post(f"{DEALS}{deal.pk}/submit/")
    assert refused.status_code == 400
    assert refused.json()["info_answer"] == ["Answer the question from Acme Networks before you submit the deal again."]
    assert rep.patch(f"{DEALS}{deal.pk}/", {"info_question": "Changed?"}, format="json").json()["info_question"] == (
        "Which products?")  # the vendor's question is read-only
    answered = rep.patch(f"{DEALS}{deal.pk}/", {"info_answer": "Firewalls only."}, format="json")
    assert (answered.status_code, answered.json()["info_answer"], answered.json()["status"]) == (
        200, "Firewalls only.", "more_info")
    submitted = rep.post(f"{DEALS}{deal.pk}/submit/")
    assert (submitted.status_code, submitted.json()["status"]) == (200, "submitted")
    with in_tenant(world.acme):
        [provided] = events(deal, "deal.info_provided")
    assert provided.data == {"question": "Which products?", "answer": "Firewalls only."}
    # A draft has no question to answer.
    draft = _deal(world, in_tenant, status="draft")
    wrong = rep.patch(f"{DEALS}{draft.pk}/", {"info_answer": "Anything."}, format="json")
    assert (wrong.status_code, wrong.json()["info_answer"]) == (
        400, ["Only a deal sent back for more information takes an answer."])


@pytest.mark.parametrize("who", ["key", "acme_manager", "acme_admin"])
def test_staff_decisions(world, api, in_tenant, who):
    client = api(who if who == "key" else getattr(world, who))
    first, second, third = (_deal(world, in_tenant) for _ in range(3))

    approved = client.post(f"{DEALS}{first.pk}/approve/")
    assert approved.status_code == 200
    assert (approved.json()["status"], approved.json()["decided_by_rule"]) == ("approved", "")
    assert approved.json()["protected_until"] is not None

    rejected = client.post(f"{DEALS}{second.pk}/reject/", {"text": "Existing direct customer."}, format="json")
    assert (rejected.status_code, rejected.json()["status"], rejected.json()["decision_note"]) == (
        200, "rejected", "Existing direct customer.",
    )
    asked = client.post(f"{DEALS}{third.pk}/request-info/", {"text": "Which sites?"}, format="json")
    assert (asked.status_code, asked.json()["status"], asked.json()["decision_note"]) == (200, "more_info", "Which sites?")

    if who == "key":
        assert refresh(first).decided_by is None
        assert "CRM sync" in events(first, "deal.approve")[0].actor_label
    else:
        assert refresh(first).decided_by == getattr(world, who).user


@pytest.mark.parametrize("who", ["northwind_rep", "northwind_admin"])
@pytest.mark.parametrize(("action", "body"), [("approve", {}), ("reject", {"text": "No."}), ("request-info", {"text": "Why?"})])
def test_decisions_are_staff_only(world, api, in_tenant, who, action, body):
    deal = _deal(world, in_tenant)
    response = api(getattr(world, who)).post(f"{DEALS}{deal.pk}/{action}/", body, format="json")
    assert response.status_code == 403
    assert refresh(deal).status == S.SUBMITTED


@pytest.mark.parametrize(("action", "body"), [("reject", {}), ("reject", {"text": ""}), ("request-info", {"text": "   "})])
def test_decision_text_is_required(world, api, in_tenant, action, body):
    deal = _deal(world, in_tenant)
    response = api("key").post(f"{DEALS}{deal.pk}/{action}/", body, format="json")
    assert response.status_code == 400
    assert "text" in response.json()
    assert refresh(deal).status == S.SUBMITTED


@pytest.mark.parametrize(("start", "action", "message"), [
    ("draft", "approve", "A draft deal cannot be approved; only a deal that is submitted can."),
    ("submitted", "win", "A submitted deal cannot be marked won; only a deal that is approved can."),
    ("submitted", "extend", "Only an approved deal's protection can be extended."),
])
def test_illegal_transitions_answer_400_with_the_reason(world, api, in_tenant, start, action, message):
    deal = _deal(world, in_tenant, status=start)
    response = api("key").post(f"{DEALS}{deal.pk}/{action}/")
    assert response.status_code == 400
    assert response.json() == {"detail": [message]}
    assert refresh(deal).status == start


def test_submit_below_the_minimum_names_the_value_field(world, api, in_tenant):
    with in_tenant(world.acme):
        set_rules(world.acme, minimum_value=Decimal("50000"))
    deal = _deal(world, in_tenant, status="draft")
    response = api(world.northwind_rep).post(f"{DEALS}{deal.pk}/submit/")
    assert response.status_code == 400
    assert response.json() == {"value": ["Deals under $50,000 are not registered in this program."]}


def test_approval_refused_by_first_approved_wins(world, api, in_tenant):
    _deal(world, in_tenant, status="approved", customer_name="Fabrikam", customer_website="fabrikam.example")
    second = _deal(world, in_tenant, partner="contoso", customer_name="Fabrikam AG", customer_website="fabrikam.example")
    response = api("key").post(f"{DEALS}{second.pk}/approve/")
    assert response.status_code == 400
    assert response.json()["detail"][0].startswith("Northwind Traders already holds this customer")


def test_transitions_on_another_partners_deal_are_404(world, api, in_tenant):
    deal = _deal(world, in_tenant, partner="contoso", status="draft")
    client = api(world.northwind_rep)
    for action in ("submit", "withdraw"):
        assert client.post(f"{DEALS}{deal.pk}/{action}/").status_code == 404
    assert refresh(deal).status == S.DRAFT


# --- schema ------------------------------------------------------------------------------------------

def test_openapi_schema_documents_the_deal_endpoints(world):
    response = APIClient(HTTP_HOST="acme.localhost").get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in ("/api/v1/deals/", "/api/v1/deals/{id}/", "/api/v1/deals/conflict-check/",
                 *(f"/api/v1/deals/{{id}}/{a}/" for a in ("submit", "withdraw", "win", "lose", "extend",
                                                         "approve", "reject", "request-info"))):
        assert path in paths, path
    assert {"get", "post"} <= set(paths["/api/v1/deals/"])
    assert {"get", "put", "patch"} <= set(paths["/api/v1/deals/{id}/"])
    assert "delete" not in paths["/api/v1/deals/{id}/"]
    params = {p["name"] for p in paths["/api/v1/deals/"]["get"]["parameters"]}
    assert {"q", "status", "partner"} <= params
    assert b"Northwind" not in response.content


def test_conflict_check_with_a_deal_still_waiting_for_approval_has_no_protection_date(world, api, in_tenant):
    _deal(world, in_tenant, status="submitted", customer_name="Fabrikam", customer_website="fabrikam.example")
    response = api("key").post(f"{DEALS}conflict-check/", {"customer_name": "Fabrikam", "customer_website": "fabrikam.example"},
                               format="json")
    assert response.status_code == 200
    [conflict] = response.json()["conflicts"]
    assert conflict["protected_until"] is None
    # …which the schema allows, so clients validating against it accept the answer.
    schema = APIClient(HTTP_HOST="acme.localhost").get("/api/schema/", {"format": "json"}).json()
    assert schema["components"]["schemas"]["Conflict"]["properties"]["protected_until"]["nullable"] is True
