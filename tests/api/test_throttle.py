from rest_framework.throttling import SimpleRateThrottle

from prm.api.services import api_key_create


def test_api_keys_are_rate_limited(world, in_tenant, anon_client, client_as, monkeypatch):
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"api_key": "3/min"})
    with in_tenant(world.acme):
        _, raw = api_key_create(tenant=world.acme, actor=world.acme_admin.user, name="CRM")
    client = anon_client(world.acme)
    auth = {"HTTP_AUTHORIZATION": f"Api-Key {raw}"}
    assert [client.get("/api/v1/partners/", **auth).status_code for _ in range(4)] == [200, 200, 200, 429]
    # A person's session is not charged to the key's budget.
    assert client_as(world.acme_manager).get("/api/v1/partners/").status_code == 200
