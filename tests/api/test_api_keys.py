"""API keys: created by tenant admins, shown once, stored as a hash, valid on their tenant's host only."""

import hashlib
import re

import pytest
from rest_framework.test import APIClient

from prm.api.models import ApiKey
from prm.api.services import api_key_create
from prm.audit.models import AuditEvent

KEYS = "/manage/api-keys/"
RAW_KEY = re.compile(r"prm_[0-9a-f]{8}_[A-Za-z0-9_\-]{20,}")


def api(host, raw=None):
    client = APIClient(HTTP_HOST=host)
    if raw:
        client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    return client


@pytest.fixture
def raw_key(world, in_tenant):
    with in_tenant(world.acme):
        _, raw = api_key_create(tenant=world.acme, actor=world.acme_admin.user, name="Salesforce sync")
    return raw


def test_admin_creates_a_key_that_is_shown_exactly_once(world, client_as):
    admin = client_as(world.acme_admin)
    response = admin.post(KEYS, {"name": "Salesforce sync"})
    assert response.status_code == 302 and response["Location"] == KEYS

    page = admin.get(KEYS)
    [raw] = RAW_KEY.findall(page.content.decode())
    assert b"Copy it now" in page.content
    again = admin.get(KEYS)
    assert raw.encode() not in again.content
    assert b"Salesforce sync" in again.content

    key = ApiKey.unscoped.get(tenant=world.acme)
    _, prefix, secret = raw.split("_", 2)
    assert key.prefix == prefix
    assert key.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    stored = [str(v) for v in ApiKey.unscoped.filter(pk=key.pk).values().get().values()]
    assert not any(secret in value for value in stored)
    assert AuditEvent.unscoped.filter(verb="api_key.created", target_id=str(key.pk), actor=world.acme_admin.user).exists()

    # And the key works.
    assert api("acme.localhost", raw).get("/api/v1/partners/").status_code == 200


def test_key_name_is_required(world, client_as):
    response = client_as(world.acme_admin).post(KEYS, {"name": "  "})
    assert response.status_code == 400
    assert "name" in response.context["form"].errors
    assert not ApiKey.unscoped.exists()


@pytest.mark.parametrize("member", ["acme_manager", "northwind_admin"])
def test_only_tenant_admins_reach_the_key_page(world, client_as, member):
    client = client_as(getattr(world, member))
    assert client.get(KEYS).status_code == 403
    assert client.post(KEYS, {"name": "sneaky"}).status_code == 403
    assert not ApiKey.unscoped.exists()


def test_key_works_on_its_own_tenant_host_only(world, raw_key):
    response = api("acme.localhost", raw_key).get("/api/v1/partners/")
    assert response.status_code == 200
    assert {p["name"] for p in response.json()["results"]} == {"Northwind Traders", "Contoso Integration"}

    response = api("globex.localhost", raw_key).get("/api/v1/partners/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Api-Key"


def test_key_is_refused_on_the_root_domain(world, raw_key):
    assert api("localhost", raw_key).get("/api/v1/partners/").status_code == 404


@pytest.mark.parametrize("bad", ["prm_deadbeef_nope", "not-a-key", "prm_{prefix}_wrong-secret"])
def test_wrong_keys_are_401(world, raw_key, bad):
    bad = bad.format(prefix=raw_key.split("_")[1])
    assert api("acme.localhost", bad).get("/api/v1/partners/").status_code == 401


def test_no_credentials_is_401(world):
    response = api("acme.localhost").get("/api/v1/partners/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Api-Key"
    assert "results" not in response.json()


def test_revoked_key_is_401(world, raw_key, client_as):
    key = ApiKey.unscoped.get()
    response = client_as(world.acme_admin).post(f"{KEYS}{key.pk}/revoke/")
    assert response.status_code == 302
    key.refresh_from_db()
    assert key.revoked_at is not None
    assert api("acme.localhost", raw_key).get("/api/v1/partners/").status_code == 401
    assert AuditEvent.unscoped.filter(verb="api_key.revoked", target_id=str(key.pk)).exists()


def test_other_tenants_admin_cannot_revoke_the_key(world, raw_key, client_as):
    key = ApiKey.unscoped.get()
    assert client_as(world.globex_admin).post(f"{KEYS}{key.pk}/revoke/").status_code == 404
    key.refresh_from_db()
    assert key.revoked_at is None


def test_last_used_at_is_recorded(world, raw_key):
    assert ApiKey.unscoped.get().last_used_at is None
    api("acme.localhost", raw_key).get("/api/v1/partners/")
    first = ApiKey.unscoped.get().last_used_at
    assert first is not None
    # Failed use on another host does not count.
    api("globex.localhost", raw_key).get("/api/v1/partners/")
    assert ApiKey.unscoped.get().last_used_at == first


def test_key_writes_are_audited_as_the_key(world, raw_key):
    response = api("acme.localhost", raw_key).post("/api/v1/partners/", {"name": "Fabrikam"}, format="json")
    assert response.status_code == 201
    event = AuditEvent.unscoped.get(verb="partner.created", target_id=str(response.json()["id"]))
    assert event.actor is None
    assert "Salesforce sync" in event.actor_label
