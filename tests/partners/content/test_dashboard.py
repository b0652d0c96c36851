"""The dashboard: usage figures against hand-computed downloads, what nobody opens, who downloaded,
and the pages that create, edit, upload and retire through the services."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from partners.content.models import ContentItem, ContentVersion
from partners.content.services import download_record
from partners.models import Partner
from prm.tenancy.context import tenant_context
from tests.factories import tier_named

from .helpers import make_item, pdf

pytestmark = pytest.mark.django_db


def _download(item, partner, user, days_ago):
    with tenant_context(item.tenant):
        download_record(item=ContentItem.objects.get(pk=item.pk), partner=partner, user=user,
                        now=timezone.now() - timedelta(days=days_ago))


@pytest.fixture
def usage(world):
    """Deck: Northwind's rep 3× (40, 10, 2 days ago), its admin once (5 days ago), Contoso's rep once (100 days ago).
    Price list: Contoso's rep once, 120 days ago. Logos: never."""
    admin = world.acme_admin.user
    deck = make_item(world.acme, admin, "Deck", publish_at=timezone.now() - timedelta(days=200))
    prices = make_item(world.acme, admin, "Price list", publish_at=timezone.now() - timedelta(days=200))
    logos = make_item(world.acme, admin, "Logos", publish_at=timezone.now() - timedelta(days=200))
    rep, nw_admin, contoso = world.northwind_rep.user, world.northwind_admin.user, world.contoso_rep.user
    for days in (40, 10, 2):
        _download(deck, world.northwind, rep, days)
    _download(deck, world.northwind, nw_admin, 5)
    _download(deck, world.contoso, contoso, 100)
    _download(prices, world.contoso, contoso, 120)
    return deck, prices, logos


def test_list_shows_downloads_distinct_partners_and_last_download(world, client_as, usage):
    deck, prices, logos = usage
    page = client_as(world.acme_manager).get(reverse("content:list"))
    rows = {item.title: (item.download_count, item.partner_count, item.last_download_at) for item in page.context["items"]}
    assert rows["Deck"][:2] == (5, 2)
    assert rows["Price list"][:2] == (1, 1)
    assert rows["Logos"] == (0, 0, None)
    assert (timezone.now() - rows["Deck"][2]).days == 2
    assert (timezone.now() - rows["Price list"][2]).days == 120


def test_what_nobody_opens_is_the_live_items_without_a_download_in_90_days(world, client_as, usage):
    make_item(world.acme, world.acme_admin.user, "Retired", publish_at=timezone.now() - timedelta(days=300),
              expires_at=timezone.now() - timedelta(days=1))
    page = client_as(world.acme_manager).get(reverse("content:unused"))
    assert sorted(item.title for item in page.context["items"]) == ["Logos", "Price list"]


def test_who_downloaded_by_partner_and_by_user(world, client_as, usage):
    deck = usage[0]
    page = client_as(world.acme_manager).get(reverse("content:item", args=[deck.pk]))
    by_partner = [(row.name, row.downloads) for row in page.context["by_partner"]]
    assert by_partner == [("Northwind Traders", 4), ("Contoso Integration", 1)]
    by_user = {row.name: row.downloads for row in page.context["by_user"]}
    rep = world.northwind_rep.user
    assert by_user[f"{rep.full_name or rep.email} (Northwind Traders)"] == 3
    assert sorted(by_user.values()) == [1, 1, 3]
    assert page.context["item"].download_count == 5


def test_create_edit_upload_and_retire_through_the_pages(world, client_as):
    client = client_as(world.acme_manager)
    gold = tier_named(world.acme, "Gold")
    Partner.unscoped.filter(pk=world.northwind.pk).update(tier=gold)
    data = {"title": "Gold price list", "category": "price_lists", "kind": "file", "visibility": "tiers",
            "tiers": [gold.pk], "publish_at": "2026-01-01T09:00", "language": "en", "product_lines": "Firewalls"}
    response = client.post(reverse("content:create"), {**data, "file": pdf("prices.pdf")})
    assert response.status_code == 302
    with tenant_context(world.acme):
        item = ContentItem.objects.get(title="Gold price list")
        assert list(item.tiers.all()) == [gold] and item.current_version.number == 1
    refused = client.post(reverse("content:create"), {**data, "title": "No tiers", "tiers": []})
    assert refused.status_code == 400 and "Choose at least one tier" in refused.content.decode()
    edited = client.post(reverse("content:item", args=[item.pk]), {**data, "title": "Gold price list 2027"})
    assert edited.status_code == 302
    no_note = client.post(reverse("content:upload", args=[item.pk]), {"file": pdf("prices-v2.pdf")})
    assert no_note.status_code == 400 and "Say what changed" in no_note.content.decode()
    uploaded = client.post(reverse("content:upload", args=[item.pk]), {"file": pdf("prices-v2.pdf"), "note": "Q2 prices"})
    assert uploaded.status_code == 302
    assert client.post(reverse("content:retire", args=[item.pk])).status_code == 302
    with tenant_context(world.acme):
        item.refresh_from_db()
        assert item.title == "Gold price list 2027"
        assert ContentVersion.objects.filter(item=item).count() == 2 and item.current_version.note == "Q2 prices"
        assert not item.is_live()
    assert client_as(world.northwind_rep).get(reverse("content:portal_item", args=[item.pk])).status_code == 404
