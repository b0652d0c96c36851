"""The tier pages: tenant admins edit the ladder, channel managers read it, partners are refused."""
# ruff: noqa: F811 — the fixtures imported below are the tests' arguments

import pytest
from django.urls import reverse

from dealreg.rules import rules_for
from partners.tiers.models import Tier, TierRequirement, TierSettings

from .management_fixtures import kinds, ladder  # noqa: F401

pytestmark = pytest.mark.django_db


def _tier_post(name="Platinum", rank="", rows=(), **extra):
    """What the tier form posts: its fields and the requirement rows (kind, threshold, DELETE)."""
    data = {"name": name, "rank": rank, "colour": "#5b6b7a", "description": "", "discount_percent": "30",
            "protection_days": "", "mdf_accrual_percent": "3", "points_multiplier": "2",
            "requirements-TOTAL_FORMS": str(len(rows)), "requirements-INITIAL_FORMS": "0",
            "requirements-MIN_NUM_FORMS": "0", "requirements-MAX_NUM_FORMS": "20"}
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"requirements-{i}-{key}"] = value
    data.update(extra)
    return data


def test_the_ladder_shows_tiers_highest_first_with_counts_requirements_and_benefits(world, ladder, client_as,
                                                                                    django_assert_max_num_queries):
    client = client_as(world.acme_manager)
    response = client.get(reverse("tiers:list"))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.index("Gold") < page.index("Silver") < page.index("Registered")
    assert "2 partners" in page and "0 partners" in page
    assert "Won deal value, last 12 months ≥ $100,000" in page
    assert "Certifications the tier needs" in page
    assert "20 % discount" in page
    assert 'fill="#b8860b"' in page  # the colour swatch
    assert reverse("tiers:edit", args=[ladder["gold"].pk]) not in page  # a manager reads, does not edit
    assert reverse("tiers:create") not in page


def test_the_partner_counts_come_with_the_tiers_in_one_query(world, ladder, client_as):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_as(world.acme_admin)
    client.get(reverse("tiers:list"))  # the first request of a test does the outbox's housekeeping too
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("tiers:list"))
    tier_queries = [q["sql"] for q in queries if 'FROM "tiers_tier"' in q["sql"]]
    assert len(tier_queries) == 1 and "COUNT" in tier_queries[0]
    for _ in range(3):
        Tier.unscoped.create(tenant=world.acme, name=f"Extra {_}", rank=50 + _)
    with CaptureQueriesContext(connection) as more:
        client.get(reverse("tiers:list"))
    assert len(more) == len(queries)  # more tiers, not more queries


def test_an_admin_sees_the_edit_buttons(world, ladder, client_as):
    page = client_as(world.acme_admin).get(reverse("tiers:list")).content.decode()
    assert reverse("tiers:edit", args=[ladder["gold"].pk]) in page
    assert reverse("tiers:move", args=[ladder["gold"].pk]) in page
    assert reverse("tiers:settings") in page


@pytest.mark.parametrize("name", ["tiers:create", "tiers:settings"])
def test_a_channel_manager_cannot_open_the_edit_pages(world, ladder, client_as, name):
    assert client_as(world.acme_manager).get(reverse(name)).status_code == 403
    assert client_as(world.acme_manager).get(reverse("tiers:edit", args=[ladder["gold"].pk])).status_code == 403


def test_partner_users_are_refused(world, ladder, client_as):
    client = client_as(world.northwind_admin)
    assert client.get(reverse("tiers:list")).status_code == 403
    assert client.post(reverse("tiers:delete", args=[ladder["registered"].pk])).status_code == 403
    assert Tier.unscoped.filter(pk=ladder["registered"].pk).exists()


def test_another_tenants_tier_is_a_404(world, ladder, client_as):
    globex_gold = Tier.unscoped.get(tenant=world.globex, name="Gold")
    client = client_as(world.acme_admin)
    assert client.get(reverse("tiers:edit", args=[globex_gold.pk])).status_code == 404
    assert client.post(reverse("tiers:delete", args=[globex_gold.pk])).status_code == 404
    assert Tier.unscoped.filter(pk=globex_gold.pk).exists()


def test_an_admin_adds_a_tier_with_requirements(world, ladder, client_as, in_tenant):
    rows = [{"kind": "won_value", "threshold": "250000"}, {"kind": "required_courses", "threshold": ""},
            {"kind": "", "threshold": ""}]
    response = client_as(world.acme_admin).post(reverse("tiers:create"), _tier_post(rows=rows))
    assert response.status_code == 302 and response["Location"] == reverse("tiers:list")
    with in_tenant(world.acme):
        tier = Tier.objects.get(name="Platinum")
        assert (tier.rank, tier.colour, str(tier.discount_percent)) == (4, "#5b6b7a", "30.00")
        assert set(tier.requirements.values_list("kind", flat=True)) == {"won_value", "required_courses"}


def test_the_form_shows_every_error_next_to_its_field(world, ladder, client_as, in_tenant):
    rows = [{"kind": "won_deals", "threshold": ""}]
    response = client_as(world.acme_admin).post(reverse("tiers:create"), _tier_post(
        name="", rank="0", rows=rows, colour="gold", discount_percent="150"))
    assert response.status_code == 400
    page = response.content.decode()
    for field in ("name", "rank", "colour", "discount_percent"):
        assert f'id="id_{field}_error"' in page
    assert 'id="id_requirements-0-threshold_error"' in page
    assert "needs a figure" in page


def test_a_name_taken_in_another_case_is_an_error_on_the_name_field(world, ladder, client_as, in_tenant):
    response = client_as(world.acme_admin).post(reverse("tiers:create"), _tier_post(name="gOLD"))
    assert response.status_code == 400
    assert 'id="id_name_error"' in response.content.decode()
    with in_tenant(world.acme):
        assert Tier.objects.filter(name__iexact="gold").count() == 1


def test_the_edit_page_shows_the_tier_and_its_requirements(world, ladder, client_as):
    page = client_as(world.acme_admin).get(reverse("tiers:edit", args=[ladder["gold"].pk])).content.decode()
    assert 'type="color"' in page and 'value="#b8860b"' in page
    assert 'name="requirements-TOTAL_FORMS" value="4"' in page  # two requirements and two empty rows
    assert '<option value="won_value" selected>' in page
    assert reverse("tiers:delete", args=[ladder["gold"].pk]) in page  # nothing uses Gold


def test_an_admin_edits_a_tier_and_removes_a_requirement(world, ladder, client_as, in_tenant):
    gold = ladder["gold"]
    rows = [{"kind": "won_value", "threshold": "120000"}, {"kind": "required_courses", "DELETE": "on"},
            {"kind": "won_deals", "threshold": "5"}]
    data = _tier_post(name="Gold", rank="3", rows=rows)
    response = client_as(world.acme_admin).post(reverse("tiers:edit", args=[gold.pk]), data)
    assert response.status_code == 302
    with in_tenant(world.acme):
        assert dict(TierRequirement.objects.filter(tier=gold).values_list("kind", "threshold")) == {
            "won_value": 120000, "won_deals": 5}


def test_delete_is_explained_while_partners_are_on_the_tier(world, ladder, client_as):
    client = client_as(world.acme_admin)
    page = client.get(reverse("tiers:edit", args=[ladder["silver"].pk])).content.decode()
    assert "cannot be deleted while it is in use: partners (2)" in page
    assert reverse("tiers:delete", args=[ladder["silver"].pk]) not in page
    response = client.post(reverse("tiers:delete", args=[ladder["silver"].pk]), follow=True)
    assert "is still in use: partners (2)" in response.content.decode()
    assert Tier.unscoped.filter(pk=ladder["silver"].pk).exists()


def test_moving_a_tier_up(world, ladder, client_as, in_tenant):
    client = client_as(world.acme_admin)
    response = client.post(reverse("tiers:move", args=[ladder["registered"].pk]), {"direction": "up"})
    assert response.status_code == 302
    with in_tenant(world.acme):
        assert list(Tier.objects.order_by("rank").values_list("name", flat=True)) == ["Silver", "Registered", "Gold"]
    top = client.post(reverse("tiers:move", args=[ladder["gold"].pk]), {"direction": "up"}, follow=True)
    assert "already the highest" in top.content.decode()


def test_the_settings_page_saves_and_explains_errors(world, client_as, in_tenant):
    client = client_as(world.acme_admin)
    assert client.get(reverse("tiers:settings")).status_code == 200
    bad = client.post(reverse("tiers:settings"), {"upgrades": "approval", "grace_days": "999"})
    assert bad.status_code == 400 and 'id="id_grace_days_error"' in bad.content.decode()
    assert client.post(reverse("tiers:settings"), {"upgrades": "approval", "grace_days": "30"}).status_code == 302
    with in_tenant(world.acme):
        assert TierSettings.objects.values_list("upgrades", "grace_days").get() == ("approval", 30)
    assert "once a channel manager approves" in client.get(reverse("tiers:list")).content.decode()


def test_the_partner_list_shows_the_tier_as_a_coloured_badge(world, ladder, client_as):
    Tier.unscoped.filter(pk=ladder["silver"].pk).update(colour="#8a8f98")
    page = client_as(world.acme_manager).get(reverse("partners:dashboard_list")).content.decode()
    assert 'fill="#8a8f98"' in page and "Silver" in page


def test_the_partner_filter_lists_tiers_in_rank_order(world, ladder, client_as):
    page = client_as(world.acme_manager).get(reverse("partners:dashboard_list")).content.decode()
    assert page.index('<option value="Registered"') < page.index('<option value="Silver"') < page.index('<option value="Gold"')
    filtered = client_as(world.acme_manager).get(reverse("partners:dashboard_list"), {"tier": "Gold"}).content.decode()
    assert "Northwind Traders" not in filtered


def test_the_deal_rules_list_tiers_in_rank_order(world, ladder, client_as, in_tenant):
    Tier.unscoped.filter(pk=ladder["registered"].pk).update(rank=9)  # now the highest
    with in_tenant(world.acme):
        rules_for(world.acme)
    page = client_as(world.acme_admin).get(reverse("dealreg:rules")).content.decode()
    assert page.index('value="Silver"') < page.index('value="Gold"') < page.index('value="Registered"')


def test_the_ladder_in_german(world, ladder, client_as):
    client = client_as(world.acme_admin)
    page = client.get(reverse("tiers:list"), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Partnerstufen" in page and "Partnerstufe hinzufügen" in page and "2 Partner" in page


def test_the_partner_page_shows_the_tier_as_a_badge(world, ladder, client_as):
    Tier.unscoped.filter(pk=ladder["silver"].pk).update(colour="#8a8f98")
    page = client_as(world.acme_manager).get(reverse("partners:dashboard_detail", args=[world.northwind.pk])).content.decode()
    assert 'fill="#8a8f98"' in page
