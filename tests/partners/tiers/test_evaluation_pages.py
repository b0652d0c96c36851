"""The evaluation's pages: the dashboard's list and its filters, "evaluate now", a partner's history with
the decisions, the partner page's tier section, the portal's tier page; and the API."""

from datetime import timedelta
from unittest import mock

import pytest

from partners.tiers import services
from partners.tiers.models import ChangeStatus, PartnerTierHold, TierChange
from prm.tenancy.context import tenant_context

from .evaluation_fixtures import (
    CERTS,
    NOW,
    TODAY,
    _no_certs,  # noqa: F401 — an autouse fixture
    gold_figures,
    make_ladder,
    tier_of,
    won,
)

pytestmark = pytest.mark.django_db
LIST = "/manage/tiers/evaluations/"


def evaluate(tenant, days=0):
    with tenant_context(tenant):
        return services.evaluate_tenant(tenant=tenant, now=NOW + timedelta(days=days))


@pytest.fixture
def pending(world):
    """Approval mode; Northwind qualifies for Gold, Contoso is in grace (no deals)."""
    ladder = make_ladder(world.acme, upgrades="approval")
    gold_figures(world.northwind)
    evaluate(world.acme)
    return ladder


def test_the_list_shows_every_partner_with_figures_and_filters(world, client_as, pending):
    client = client_as(world.acme_manager)
    page = client.get(LIST).content.decode()
    assert "Northwind Traders" in page and "Contoso Integration" in page
    assert "Upgrade to Gold waiting for approval" in page
    assert "$120,000" in page and "NPS 40.0 (50 answers)" in page
    upgrades = client.get(LIST, {"state": "pending_upgrade"}).content.decode()
    assert "Northwind Traders" in upgrades and "Contoso Integration" not in upgrades
    grace = client.get(LIST, {"state": "in_grace"}).content.decode()
    assert "Contoso Integration" in grace and "Northwind Traders" not in grace
    assert "Northwind" not in client.get(LIST, {"state": "held"}).content.decode()
    assert client.get(LIST, {"state": "bogus"}).status_code == 200  # an unknown filter shows everyone


def test_evaluate_now_enqueues_the_programs_evaluation(world, client_as):
    with mock.patch("partners.tiers.services.enqueue_on_commit") as enqueue:
        response = client_as(world.acme_manager).post(f"{LIST}run/")
    assert response.status_code == 302
    enqueue.assert_called_once_with("partners.tiers.tasks.evaluate_now", tenant_id=world.acme.pk)


def test_why_is_northwind_gold(world, client_as, pending):
    client = client_as(world.acme_manager)
    url = f"{LIST}{world.northwind.pk}/"
    page = client.get(url).content.decode()
    assert "Qualifies for Gold: the upgrade waits for your approval." in page
    assert "Won deal value, last 12 months" in page and "$100,000" in page
    assert client.post(f"{url}approve/").status_code == 302
    assert tier_of(world.northwind).name == "Gold"
    page = client.get(url).content.decode()
    assert "Applied" in page and "Silver → Gold" in page


def test_reject_hold_release_and_override_from_the_partner_page(world, client_as, pending):
    registered, silver, gold = pending
    client = client_as(world.acme_manager)
    url = f"{LIST}{world.northwind.pk}/"
    assert client.post(f"{url}reject/", {"reason": "Next quarter"}).status_code == 302
    with tenant_context(world.acme):
        assert TierChange.objects.get(partner=world.northwind).status == ChangeStatus.REJECTED
    response = client.post(f"{url}hold/", {"reason": ""}, follow=True)
    assert "Reason: This field is required." in response.content.decode()
    assert client.post(f"{url}hold/", {"reason": "Renewal talks", "until": str(TODAY + timedelta(days=30))}).status_code == 302
    assert "Tier held: Renewal talks" in client.get(url).content.decode()
    assert client.post(f"{url}release/").status_code == 302
    with tenant_context(world.acme):
        assert not PartnerTierHold.objects.filter(partner=world.northwind, released_at__isnull=True).exists()
    assert client.post(f"{url}override/", {"tier": gold.pk, "reason": "Strategic"}).status_code == 302
    assert tier_of(world.northwind) == gold
    assert "Tier held: Strategic" in client.get(url).content.decode()


def test_the_partner_page_has_a_tier_section(world, client_as, pending):
    page = client_as(world.acme_manager).get(f"/manage/partners/{world.northwind.pk}/").content.decode()
    assert 'data-section="tier"' in page and "Upgrade to Gold waiting for approval." in page
    assert f"{LIST}{world.northwind.pk}/" in page


def test_the_portal_shows_the_tier_its_benefits_and_progress(world, client_as):
    registered, silver, gold = make_ladder(world.acme)
    won(world.northwind, "38200", 10)
    won(world.northwind, "30000", 20)
    CERTS[world.northwind.pk] = [("Ann Lee", TODAY + timedelta(days=400))]
    evaluate(world.acme)
    page = client_as(world.northwind_rep).get("/portal/tier/").content.decode()
    assert "Your tier: Silver" in page and "Your benefits" in page and "Points multiplier" in page
    assert "On the way to Gold" in page
    assert "$68,200 of $100,000" in page and "2 of 3" in page and "1 of 2" in page
    assert "not enough answers (0 answers)" in page


def test_the_portal_shows_what_puts_gold_at_risk(world, client_as):
    registered, silver, gold = make_ladder(world.acme)
    world.northwind.tier = gold
    world.northwind.save(update_fields=["tier"])
    gold_figures(world.northwind)
    CERTS[world.northwind.pk] = [("Ann Lee", TODAY + timedelta(days=20)), ("Bo Chen", TODAY + timedelta(days=400))]
    evaluate(world.acme)
    page = client_as(world.northwind_admin).get("/portal/tier/").content.decode()
    assert "Gold at risk on" in page and "Certification “Firewall Expert” of Ann Lee expires" in page
    assert "the program&#x27;s highest tier" in page or "highest tier" in page


def test_the_portal_in_german(world, client_as):
    make_ladder(world.acme)
    evaluate(world.acme)
    client = client_as(world.northwind_rep)
    page = client.get("/portal/tier/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Ihre Partnerstufe: Silver" in page and "Ihre Vorteile" in page


API = "/api/v1/tier-evaluations/"


def test_the_api_lists_and_decides(world, client_as, pending):
    client = client_as(world.acme_manager)
    data = client.get(API, {"state": "pending_upgrade"}).json()
    [row] = data["results"]
    assert row["id"] == world.northwind.pk and row["tier"] == "Silver" and row["open_change"]["to_tier"] == "Gold"
    figures = {f["kind"]: f for f in row["latest"]["figures"] if f["tier"] == pending[2].pk}
    assert figures["won_value"]["value"] == "120000.00" and figures["nps"]["sample"] == 50
    assert client.get(API, {"state": "nonsense"}).status_code == 400
    approved = client.post(f"{API}{world.northwind.pk}/approve/").json()
    assert approved["tier"] == "Gold" and approved["open_change"] is None
    assert client.post(f"{API}{world.northwind.pk}/approve/").status_code == 400
    held = client.post(f"{API}{world.northwind.pk}/hold/", {"reason": "Audit"}, content_type="application/json").json()
    assert held["hold"]["reason"] == "Audit"
    assert client.post(f"{API}{world.northwind.pk}/release/").json()["hold"] is None
    overridden = client.post(f"{API}{world.northwind.pk}/override/", {"tier": "silver", "reason": "Audit"},
                             content_type="application/json").json()
    assert overridden["tier"] == "Silver" and overridden["hold"]["reason"] == "Audit"
    refused = client.post(f"{API}{world.northwind.pk}/override/", {"tier": "Diamond", "reason": "x"},
                          content_type="application/json")
    assert refused.status_code == 400 and "tier" in refused.json()


def test_partner_users_read_their_own_evaluation_only(world, client_as, pending):
    client = client_as(world.northwind_rep)
    assert [row["id"] for row in client.get(API).json()["results"]] == [world.northwind.pk]
    assert client.get(f"{API}{world.contoso.pk}/").status_code == 404
    assert client.post(f"{API}{world.northwind.pk}/approve/").status_code == 403


def test_tier_moves_show_in_the_partners_timeline(world, client_as):
    make_ladder(world.acme)
    gold_figures(world.northwind)
    evaluate(world.acme)
    page = client_as(world.acme_manager).get(f"/manage/partners/{world.northwind.pk}/timeline/").content.decode()
    assert "Moved up a tier" in page and "Gold" in page
