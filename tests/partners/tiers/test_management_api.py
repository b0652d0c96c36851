"""/api/v1/tiers/: everyone in the program reads the ladder; tenant admins change it, requirements nested."""
# ruff: noqa: F811 — the fixtures imported below are the tests' arguments

import pytest
from rest_framework.test import APIClient

from partners.tiers.models import Tier, TierRequirement

from .management_fixtures import kinds, ladder  # noqa: F401

pytestmark = pytest.mark.django_db
URL = "/api/v1/tiers/"


@pytest.fixture
def api_as():
    def make(membership):
        client = APIClient(HTTP_HOST=f"{membership.tenant.slug}.localhost")
        client.force_login(membership.user, backend="django.contrib.auth.backends.ModelBackend")
        return client
    return make


def test_a_partner_user_reads_the_whole_ladder_with_requirements_and_benefits(world, ladder, api_as):
    response = api_as(world.northwind_rep).get(URL)
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [row["name"] for row in rows] == ["Registered", "Silver", "Gold"]
    gold = rows[2]
    assert (gold["rank"], gold["colour"], gold["discount_percent"]) == (3, "#b8860b", "20.00")
    assert {r["kind"]: (r["threshold"], r["text"]) for r in gold["requirements"]} == {
        "won_value": ("100000.00", "Won deal value, last 12 months ≥ $100,000"),
        "required_courses": (None, "Certifications the tier needs")}
    globex = {row["id"] for row in api_as(world.initech_admin).get(URL).json()["results"]}
    assert globex == set(Tier.unscoped.filter(tenant=world.globex).values_list("pk", flat=True))


def test_a_partner_user_cannot_change_a_tier(world, ladder, api_as):
    response = api_as(world.northwind_admin).patch(f"{URL}{ladder['gold'].pk}/", {"discount_percent": "99"}, format="json")
    assert response.status_code == 403
    assert Tier.unscoped.get(pk=ladder["gold"].pk).discount_percent == 20


def test_a_channel_manager_reads_but_does_not_write(world, ladder, api_as):
    client = api_as(world.acme_manager)
    assert client.get(f"{URL}{ladder['gold'].pk}/").status_code == 200
    assert client.post(URL, {"name": "Platinum"}, format="json").status_code == 403
    assert client.delete(f"{URL}{ladder['registered'].pk}/").status_code == 403
    assert Tier.unscoped.filter(tenant=world.acme).count() == 3


def test_an_admin_creates_a_tier_with_requirements(world, ladder, api_as):
    body = {"name": "Platinum", "colour": "#5b6b7a", "points_multiplier": "2.00",
            "requirements": [{"kind": "won_value", "threshold": "250000"}, {"kind": "required_courses"}]}
    response = api_as(world.acme_admin).post(URL, body, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert (data["name"], data["rank"], data["points_multiplier"]) == ("Platinum", 4, "2.00")
    assert sorted(r["kind"] for r in data["requirements"]) == ["required_courses", "won_value"]


def test_errors_name_their_field(world, ladder, api_as):
    client = api_as(world.acme_admin)
    taken = client.post(URL, {"name": "GOLD"}, format="json")
    assert taken.status_code == 400 and "name" in taken.json()
    no_figure = client.post(URL, {"name": "Platinum", "requirements": [{"kind": "won_deals"}]}, format="json")
    assert no_figure.status_code == 400 and "threshold" in no_figure.json()["requirements"]["0"]
    unknown = client.post(URL, {"name": "Platinum", "requirements": [{"kind": "moon_phase", "threshold": 1}]},
                          format="json")
    assert unknown.status_code == 400 and "kind" in unknown.json()["requirements"]["0"]
    twice = client.post(URL, {"name": "Platinum", "requirements": [{"kind": "won_deals", "threshold": 1},
                                                                   {"kind": "won_deals", "threshold": 2}]}, format="json")
    assert twice.status_code == 400 and "requirements" in twice.json()
    rank = client.patch(f"{URL}{ladder['gold'].pk}/", {"rank": 2}, format="json")
    assert rank.status_code == 400 and "rank" in rank.json()
    assert not Tier.unscoped.filter(name="Platinum").exists()


def test_a_bad_filter_is_a_400_and_the_name_filter_narrows(world, ladder, api_as):
    client = api_as(world.acme_admin)
    assert [r["name"] for r in client.get(URL, {"q": "old"}).json()["results"]] == ["Gold"]
    assert client.get(URL, {"q": "x" * 300}).status_code == 400


def test_patch_keeps_the_requirements_and_put_replaces_them(world, ladder, api_as):
    client = api_as(world.acme_admin)
    gold = ladder["gold"]
    patched = client.patch(f"{URL}{gold.pk}/", {"discount_percent": "25"}, format="json")
    assert patched.status_code == 200 and len(patched.json()["requirements"]) == 2
    put = client.put(f"{URL}{gold.pk}/", {"name": "Gold", "requirements": [{"kind": "won_deals", "threshold": "5"}]},
                     format="json")
    assert put.status_code == 200
    assert [r["kind"] for r in put.json()["requirements"]] == ["won_deals"]
    assert list(TierRequirement.unscoped.filter(tier=gold).values_list("kind", flat=True)) == ["won_deals"]


def test_delete_is_refused_while_partners_are_on_the_tier(world, ladder, api_as):
    client = api_as(world.acme_admin)
    refused = client.delete(f"{URL}{ladder['silver'].pk}/")
    assert refused.status_code == 400 and "partners (2)" in str(refused.json())
    assert client.delete(f"{URL}{ladder['gold'].pk}/").status_code == 204
    assert not Tier.unscoped.filter(pk=ladder["gold"].pk).exists()


def test_another_tenants_tier_is_a_404(world, ladder, api_as):
    globex_gold = Tier.unscoped.get(tenant=world.globex, name="Gold")
    client = api_as(world.acme_admin)
    assert client.get(f"{URL}{globex_gold.pk}/").status_code == 404
    assert client.delete(f"{URL}{globex_gold.pk}/").status_code == 404
    assert Tier.unscoped.filter(pk=globex_gold.pk).exists()
