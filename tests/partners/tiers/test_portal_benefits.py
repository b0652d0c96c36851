"""A tier's content-access benefit: the portal's tier page and the dashboard's ladder say how many live
items of the content library name the tier in their visibility (the library registers the provider in
partners.tiers.benefits; tiers never imports it)."""

from datetime import timedelta

from django.utils import timezone, translation

from partners.tiers.benefits import Benefit, benefits_of
from prm.accounts.models import User
from prm.tenancy.context import tenant_context

from ...factories import tier_named
from ..content.helpers import make_item


def _items(world):
    """Silver: two live items by name (one shared with Gold), one expired, one for all partners; Gold: one;
    Globex's Silver: one (another program's)."""
    acme, admin = world.acme, world.acme_admin.user
    silver, gold = tier_named(acme, "Silver"), tier_named(acme, "Gold")
    make_item(acme, admin, "Silver kit", visibility="tiers", tiers=[silver])
    make_item(acme, admin, "Silver and Gold kit", visibility="tiers", tiers=[silver, gold])
    make_item(acme, admin, "Old Silver kit", visibility="tiers", tiers=[silver],
              expires_at=timezone.now() - timedelta(hours=1))
    make_item(acme, admin, "Future Silver kit", visibility="tiers", tiers=[silver],
              publish_at=timezone.now() + timedelta(days=3))
    make_item(acme, admin, "For all")
    make_item(world.globex, world.globex_admin.user, "Globex Silver kit", visibility="tiers",
              tiers=[tier_named(world.globex, "Silver")])
    return silver, gold, tier_named(acme, "Registered")


def test_the_content_provider_counts_live_items_naming_each_tier(world):
    silver, gold, registered = _items(world)
    with tenant_context(world.acme), translation.override("en"):  # a page read before may have left German on
        found = benefits_of([silver.pk, gold.pk, registered.pk])
    assert [b.value for b in found[silver.pk]] == ["2 items"]
    assert [b.value for b in found[gold.pk]] == ["1 item"]
    assert found[registered.pk] == []  # none: no line at all
    assert isinstance(found[silver.pk][0], Benefit) and found[silver.pk][0].portal_url == "/portal/content/"
    assert benefits_of([]) == {}


def test_the_portal_tier_page_links_the_partners_tier_content(world, client_as):
    _items(world)
    page = client_as(world.northwind_rep).get("/portal/tier/").content.decode()  # Northwind is Silver
    assert "Content for this tier" in page and '<a href="/portal/content/">2 items</a>' in page


def test_the_portal_tier_page_in_german(world, client_as):
    _items(world)
    User.objects.filter(pk=world.northwind_rep.user_id).update(language="de")
    with translation.override("en"):  # the German page leaves no German behind for the tests after
        page = client_as(world.northwind_rep).get("/portal/tier/").content.decode()
    assert "Inhalte für diese Stufe" in page and "2 Einträge" in page


def test_the_manage_ladder_shows_each_tiers_content_count(world, client_as):
    silver, gold, registered = _items(world)
    page = client_as(world.acme_manager).get("/manage/tiers/").content.decode()
    assert f'<dd data-tier-benefit="{silver.pk}">2 items</dd>' in page
    assert f'<dd data-tier-benefit="{gold.pk}">1 item</dd>' in page
    assert f'data-tier-benefit="{registered.pk}"' not in page
