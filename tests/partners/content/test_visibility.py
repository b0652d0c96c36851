"""Who sees an item: all partners, exactly the tiers listed, the business types listed, the partners
named; only between publication and expiry; hidden and missing are the same 404 in the portal."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from partners.content.selectors import visible_items
from partners.models import Partner
from prm.tenancy.context import tenant_context
from tests.factories import tier_named

from .helpers import make_item

pytestmark = pytest.mark.django_db


def _visible(partner, now=None):
    with tenant_context(partner.tenant):
        return set(visible_items(Partner.objects.get(pk=partner.pk), now).values_list("title", flat=True))


def test_visibility_by_tier_type_and_named_partner(world):
    acme, admin = world.acme, world.acme_admin.user
    gold, registered = tier_named(acme, "Gold"), tier_named(acme, "Registered")
    Partner.unscoped.filter(pk=world.northwind.pk).update(tier=gold, business_type="reseller")
    Partner.unscoped.filter(pk=world.contoso.pk).update(tier=registered, business_type="integrator")
    make_item(acme, admin, "For all")
    make_item(acme, admin, "Gold only", visibility="tiers", tiers=[gold])
    make_item(acme, admin, "Resellers and MSPs", visibility="types", business_types=["reseller", "msp"])
    make_item(acme, admin, "For Contoso", visibility="partners", partners=[world.contoso])
    make_item(world.globex, world.globex_admin.user, "Globex's")
    assert _visible(world.northwind) == {"For all", "Gold only", "Resellers and MSPs"}
    assert _visible(world.contoso) == {"For all", "For Contoso"}
    assert _visible(world.initech) == {"Globex's"}


def test_tiers_are_the_listed_ones_exactly(world):
    acme = world.acme
    gold, platinum = tier_named(acme, "Gold"), tier_named(acme, "Platinum")
    Partner.unscoped.filter(pk=world.northwind.pk).update(tier=platinum)
    make_item(acme, world.acme_admin.user, "Gold only", visibility="tiers", tiers=[gold])
    assert _visible(world.northwind) == set()


def test_a_partner_without_tier_or_type_sees_only_what_is_for_all_or_named(world):
    acme = world.acme
    Partner.unscoped.filter(pk=world.northwind.pk).update(tier=None, business_type="")
    make_item(acme, world.acme_admin.user, "For all")
    make_item(acme, world.acme_admin.user, "Gold only", visibility="tiers", tiers=[tier_named(acme, "Gold")])
    make_item(acme, world.acme_admin.user, "Others", visibility="types", business_types=["other"])
    assert _visible(world.northwind) == {"For all"}


def test_publication_and_expiry_dates(world):
    now = timezone.now()
    admin = world.acme_admin.user
    make_item(world.acme, admin, "Live", publish_at=now - timedelta(days=2), expires_at=now + timedelta(days=2))
    make_item(world.acme, admin, "Not yet", publish_at=now + timedelta(hours=1))
    make_item(world.acme, admin, "Expired", publish_at=now - timedelta(days=9), expires_at=now - timedelta(seconds=1))
    assert _visible(world.northwind, now) == {"Live"}
    assert _visible(world.northwind, now + timedelta(days=1)) == {"Live", "Not yet"}
    assert _visible(world.northwind, now + timedelta(days=3)) == {"Not yet"}


def test_a_file_item_without_a_version_is_not_shown(world):
    make_item(world.acme, world.acme_admin.user, "Empty", upload=False)
    make_item(world.acme, world.acme_admin.user, "Link", upload=False, kind="link", url="https://brand.example/")
    assert _visible(world.northwind) == {"Link"}


def test_a_registered_partner_gets_the_404_of_a_missing_item_for_a_gold_only_price_list(world, client_as):
    acme = world.acme
    gold, registered = tier_named(acme, "Gold"), tier_named(acme, "Registered")
    Partner.unscoped.filter(pk=world.northwind.pk).update(tier=gold)
    Partner.unscoped.filter(pk=world.contoso.pk).update(tier=registered)
    item = make_item(acme, world.acme_admin.user, "Acme price list 2027 (Gold)", category="price_lists",
                     visibility="tiers", tiers=[gold])
    gold_rep, registered_rep = client_as(world.northwind_rep), client_as(world.contoso_rep)
    for name in ("content:portal_item", "content:portal_download"):
        assert gold_rep.get(reverse(name, args=[item.pk])).status_code == 200
        hidden = registered_rep.get(reverse(name, args=[item.pk]))
        missing = registered_rep.get(reverse(name, args=[987654321]))
        assert hidden.status_code == missing.status_code == 404
        assert hidden.content == missing.content
    listing = registered_rep.get(reverse("content:portal_list"))
    assert b"Acme price list 2027" not in listing.content
    assert b"Acme price list 2027" in gold_rep.get(reverse("content:portal_list")).content
