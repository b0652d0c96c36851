"""The portal's library: search and filters, "new since your last visit", version history, downloads
counted per partner and user, files only as attachments; a fixed number of queries per page."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from partners.content.models import ContentDownload, ContentVisit
from prm.tenancy.context import tenant_context

from .helpers import make_item, new_version

pytestmark = pytest.mark.django_db
LIST = "/portal/content/"


def _titles(response):
    return [item.title for item in response.context["items"]]


def test_search_and_filters(world, client_as):
    admin = world.acme_admin.user
    make_item(world.acme, admin, "Firewall price list", category="price_lists", language="en", product_lines="Firewalls")
    make_item(world.acme, admin, "Switch deck", category="sales", language="de", product_lines="Switches, Routers",
              description="All about switching")
    make_item(world.acme, admin, "Logo pack", category="logos", product_lines="")
    client = client_as(world.northwind_rep)
    assert sorted(_titles(client.get(LIST))) == ["Firewall price list", "Logo pack", "Switch deck"]
    assert _titles(client.get(LIST, {"q": "switching"})) == ["Switch deck"]
    assert _titles(client.get(LIST, {"q": "PRICE"})) == ["Firewall price list"]
    assert _titles(client.get(LIST, {"category": "logos"})) == ["Logo pack"]
    # An item for every language matches any language.
    assert sorted(_titles(client.get(LIST, {"language": "de"}))) == ["Logo pack", "Switch deck"]
    assert _titles(client.get(LIST, {"product_line": "Routers"})) == ["Switch deck"]
    page = client.get(LIST)
    assert [value for value, _ in page.context["filter_form"].fields["product_line"].choices][1:] == \
        ["Firewalls", "Routers", "Switches"]
    assert client.get(LIST, {"category": "nonsense"}).status_code == 200  # an invalid filter is ignored


def test_new_since_the_last_visit(world, client_as):
    admin, user = world.acme_admin.user, world.northwind_rep.user
    old = make_item(world.acme, admin, "Old deck", publish_at=timezone.now() - timedelta(days=30))
    make_item(world.acme, admin, "Old logos", publish_at=timezone.now() - timedelta(days=30))
    client = client_as(world.northwind_rep)
    first = client.get(LIST)
    assert first.context["since"] is None and all(item.is_new for item in first.context["items"])  # a first visit
    # The visit ended two hours ago; since then a new item and a new version of the old deck arrived.
    with tenant_context(world.acme):
        ContentVisit.objects.filter(user=user).update(seen_at=timezone.now() - timedelta(hours=2))
    make_item(world.acme, admin, "Fresh kit", publish_at=timezone.now() - timedelta(minutes=5))
    new_version(old, admin, note="Updated prices")
    page = client.get(LIST)
    flags = {item.title: item.is_new for item in page.context["items"]}
    assert flags == {"Fresh kit": True, "Old deck": True, "Old logos": False}
    assert b'class="badge"' in page.content
    assert sorted(_titles(client.get(LIST, {"new": "on"}))) == ["Fresh kit", "Old deck"]


def test_history_shows_every_note_and_offers_the_current_file_only(world, client_as):
    admin = world.acme_admin.user
    item = make_item(world.acme, admin, "Deck")
    new_version(item, admin, note="Added the spring references")
    page = client_as(world.northwind_rep).get(reverse("content:portal_item", args=[item.pk]))
    assert page.status_code == 200
    assert [v.number for v in page.context["versions"]] == [2, 1]
    assert "Added the spring references" in page.content.decode()
    assert page.content.decode().count("/download/") == 1  # one download: the current file
    with tenant_context(world.acme):
        versions = list(item.versions.all())
    assert all(f"versions/{v.pk}/download" not in page.content.decode() for v in versions)


def test_download_streams_the_current_file_as_attachment_and_counts_it(world, client_as):
    admin = world.acme_admin.user
    item = make_item(world.acme, admin, "Deck")
    new_version(item, admin, note="v2", text="second version")
    url = reverse("content:portal_download", args=[item.pk])
    rep, nw_admin, contoso = client_as(world.northwind_rep), client_as(world.northwind_admin), client_as(world.contoso_rep)
    response = rep.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="next.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert b"second version" in b"".join(response.streaming_content)
    rep.get(url)
    nw_admin.get(url)
    contoso.get(url)
    with tenant_context(world.acme):
        rows = ContentDownload.objects.filter(item=item)
        per_partner = {p: rows.filter(partner_id=p).count() for p in (world.northwind.pk, world.contoso.pk)}
        per_user = {u: rows.filter(user_id=u).count() for u in (world.northwind_rep.user_id, world.northwind_admin.user_id)}
        assert set(rows.values_list("version__number", flat=True)) == {2}
    assert per_partner == {world.northwind.pk: 3, world.contoso.pk: 1}
    assert per_user == {world.northwind_rep.user_id: 2, world.northwind_admin.user_id: 1}


def test_a_link_item_redirects_and_counts(world, client_as):
    item = make_item(world.acme, world.acme_admin.user, "Brand portal", upload=False, kind="link",
                     url="https://brand.acme.example/")
    response = client_as(world.northwind_rep).get(reverse("content:portal_download", args=[item.pk]))
    assert response.status_code == 302 and response["Location"] == "https://brand.acme.example/"
    with tenant_context(world.acme):
        assert ContentDownload.objects.filter(item=item, partner=world.northwind).count() == 1


def test_staff_download_any_version_without_counting(world, client_as):
    item = make_item(world.acme, world.acme_admin.user, "Deck")
    with tenant_context(world.acme):
        first = item.versions.get(number=1)
    response = client_as(world.acme_manager).get(reverse("content:version_download", args=[first.pk]))
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment;")
    with tenant_context(world.acme):
        assert not ContentDownload.objects.exists()


def _list_queries(client):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(LIST).status_code == 200
    return len(ctx.captured_queries)


def test_the_list_costs_the_same_queries_for_3_or_30_items(world, client_as):
    admin = world.acme_admin.user
    for i in range(3):
        make_item(world.acme, admin, f"Item {i}", product_lines=f"Line {i}")
    client = client_as(world.northwind_rep)
    client.get(LIST)
    few = _list_queries(client)
    for i in range(3, 30):
        item = make_item(world.acme, admin, f"Item {i}", product_lines=f"Line {i}")
        if i % 5 == 0:
            new_version(item, admin)
    assert _list_queries(client) == few
    assert few <= 13  # session, tenant, membership, the agreement gate, the visit, product lines, count, page


def test_a_long_list_is_counted_up_to_the_cap(world, client_as, monkeypatch):
    from partners.content import paging

    monkeypatch.setattr(paging, "CAP", 4)
    for i in range(6):
        make_item(world.acme, world.acme_admin.user, f"Item {i}", upload=False, kind="link", url="https://x.example/")
    page = client_as(world.northwind_rep).get(LIST)
    assert page.context["paginator"].capped and page.context["paginator"].shown_count == 4
    assert "More than 4 items" in page.content.decode()
    assert len(page.context["items"]) == 5  # the counted rows (cap + 1) fit the first page


def test_the_portal_home_tile(world, client_as):
    from partners.content.portal_tiles import content_tiles

    with tenant_context(world.acme):
        assert content_tiles(world.northwind) == []
    make_item(world.acme, world.acme_admin.user, "Old", publish_at=timezone.now() - timedelta(days=90))
    with tenant_context(world.acme):
        [tile] = content_tiles(world.northwind)
    assert (tile.value, tile.label, tile.url) == ("1", "item in the content library", LIST)
    make_item(world.acme, world.acme_admin.user, "Fresh", publish_at=timezone.now() - timedelta(days=2))
    make_item(world.acme, world.acme_admin.user, "For Contoso", visibility="partners", partners=[world.contoso])
    with tenant_context(world.acme):
        [tile] = content_tiles(world.northwind)
    assert (tile.value, tile.label) == ("1", "new item in the content library in the last 30 days")
    assert "new item in the content library" in client_as(world.northwind_rep).get("/portal/").content.decode()
