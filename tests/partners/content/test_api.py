"""The content API: staff CRUD of metadata, partner users read only what they may see, the download
link streams the file and counts it."""

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from partners.content.models import ContentDownload, ContentItem
from partners.models import Partner
from prm.tenancy.context import tenant_context
from tests.factories import tier_named

from .helpers import make_item

pytestmark = pytest.mark.django_db


def _session(membership):
    client = APIClient(HTTP_HOST=f"{membership.tenant.slug}.localhost")
    client.force_login(membership.user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_staff_create_update_and_retire(world, key_client):
    gold = tier_named(world.acme, "Gold")
    created = key_client.post("/api/v1/content/", {"title": "Gold list", "category": "price_lists", "visibility": "tiers",
                                                   "tiers": [gold.pk], "kind": "link", "url": "https://prices.example/"},
                              format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["tiers"] == [gold.pk] and body["visibility"] == "tiers" and body["download_url"].endswith("/download/")
    refused = key_client.post("/api/v1/content/", {"title": "x", "category": "sales", "visibility": "partners"}, format="json")
    assert refused.status_code == 400 and "partners" in refused.json()
    patched = key_client.patch(f"/api/v1/content/{body['id']}/", {"title": "Gold list 2027"}, format="json")
    assert patched.status_code == 200 and patched.json()["title"] == "Gold list 2027"
    assert patched.json()["tiers"] == [gold.pk]  # untouched by a patch without tiers
    retired = key_client.post(f"/api/v1/content/{body['id']}/retire/")
    assert retired.status_code == 200 and retired.json()["expires_at"] is not None
    foreign = tier_named(world.globex, "Gold")
    bad = key_client.patch(f"/api/v1/content/{body['id']}/", {"tiers": [foreign.pk]}, format="json")
    assert bad.status_code == 400


def test_partner_users_list_only_visible_items_without_their_audience(world):
    gold = tier_named(world.acme, "Gold")
    Partner.unscoped.filter(pk=world.northwind.pk).update(tier=gold)
    admin = world.acme_admin.user
    make_item(world.acme, admin, "For all")
    make_item(world.acme, admin, "Gold only", visibility="tiers", tiers=[gold])
    hidden = make_item(world.acme, admin, "For Contoso", visibility="partners", partners=[world.contoso])
    northwind = _session(world.northwind_rep)
    rows = northwind.get("/api/v1/content/").json()["results"]
    assert sorted(r["title"] for r in rows) == ["For all", "Gold only"]
    assert "partners" not in rows[0] and "tiers" not in rows[0] and "visibility" not in rows[0]
    assert northwind.get(f"/api/v1/content/{hidden.pk}/").status_code == 404
    assert northwind.get("/api/v1/content/", {"q": "gold"}).json()["count"] == 1
    assert northwind.get("/api/v1/content/", {"category": "nonsense"}).status_code == 400
    assert northwind.post("/api/v1/content/", {"title": "x", "category": "sales"}, format="json").status_code == 403


def test_the_download_link_streams_and_counts_for_partners_only(world, key_client):
    item = make_item(world.acme, world.acme_admin.user, "Deck")
    rep = _session(world.northwind_rep)
    response = rep.get(f"/api/v1/content/{item.pk}/download/")
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert key_client.get(f"/api/v1/content/{item.pk}/download/").status_code == 200
    with tenant_context(world.acme):
        rows = list(ContentDownload.objects.values_list("partner_id", "user_id"))
    assert rows == [(world.northwind.pk, world.northwind_rep.user_id)]
    with tenant_context(world.acme):
        ContentItem.objects.filter(pk=item.pk).update(expires_at=timezone.now())
    assert rep.get(f"/api/v1/content/{item.pk}/download/").status_code == 404


def test_business_types_are_checked(world, key_client):
    bad = key_client.post("/api/v1/content/", {"title": "Kit", "category": "campaign_kits", "visibility": "types",
                                               "business_types": ["reseller", "pirate"], "kind": "link",
                                               "url": "https://kit.example/"}, format="json")
    assert bad.status_code == 400 and "pirate" in str(bad.json()["business_types"])
    good = key_client.post("/api/v1/content/", {"title": "Kit", "category": "campaign_kits", "visibility": "types",
                                                "business_types": ["reseller"], "kind": "link",
                                                "url": "https://kit.example/"}, format="json")
    assert good.status_code == 201 and good.json()["business_types"] == ["reseller"]
