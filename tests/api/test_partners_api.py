"""/api/v1/partners/ and /api/v1/memberships/: the same services and scoping as the dashboard."""

import pytest
from rest_framework.test import APIClient

from partners.models import Partner, PartnerStatus
from partners.services import partner_deactivate
from prm.audit.models import AuditEvent
from tests.factories import PartnerFactory

PARTNERS = "/api/v1/partners/"
MEMBERSHIPS = "/api/v1/memberships/"


@pytest.fixture
def session_client(world):
    """session_client(membership) → an APIClient signed in through the browser session."""

    def make(membership):
        client = APIClient(HTTP_HOST=f"{membership.tenant.slug}.localhost")
        client.force_login(membership.user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return make


def _names(response):
    return [p["name"] for p in response.json()["results"]]


def _audit(partner_id, verb):
    return AuditEvent.unscoped.filter(target_type="partners.partner", target_id=str(partner_id), verb=verb)


def test_list_filters(world, key_client):
    PartnerFactory(tenant=world.acme, name="Fabrikam", tier="Gold", website="https://fabrikam.example", domain="fabrikam.example")
    PartnerFactory(tenant=world.acme, name="Litware", tier="Gold", status=PartnerStatus.INACTIVE)
    assert _names(key_client.get(PARTNERS)) == ["Contoso Integration", "Fabrikam", "Litware", "Northwind Traders"]
    assert _names(key_client.get(PARTNERS, {"q": "fabrikam.example"})) == ["Fabrikam"]
    assert _names(key_client.get(PARTNERS, {"q": "north"})) == ["Northwind Traders"]
    assert _names(key_client.get(PARTNERS, {"status": "inactive"})) == ["Litware"]
    assert _names(key_client.get(PARTNERS, {"tier": "gold"})) == ["Fabrikam", "Litware"]
    assert _names(key_client.get(PARTNERS, {"tier": "Gold", "status": "active"})) == ["Fabrikam"]
    assert key_client.get(PARTNERS, {"q": "initech"}).json()["count"] == 0


def test_retrieve(world, key_client):
    response = key_client.get(f"{PARTNERS}{world.northwind.pk}/")
    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["name"], body["domain"], body["status"]) == (
        world.northwind.pk, "Northwind Traders", "northwind.example", "active",
    )
    assert key_client.get(f"{PARTNERS}{world.initech.pk}/").status_code == 404
    assert key_client.get(f"{PARTNERS}999999/").content == key_client.get(f"{PARTNERS}{world.initech.pk}/").content


def test_create(world, key_client):
    response = key_client.post(PARTNERS, {"name": "Fabrikam", "tier": "Gold", "website": "https://www.fabrikam.example/x"}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert (body["name"], body["domain"], body["status"]) == ("Fabrikam", "fabrikam.example", "active")
    partner = Partner.unscoped.get(pk=body["id"])
    assert partner.tenant == world.acme
    assert _audit(partner.pk, "partner.created").exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"name": "NORTHWIND traders"}, "name"),
        ({"name": ""}, "name"),
        ({"name": "Fabrikam", "website": "not a url"}, "website"),
        ({"name": "Fabrikam", "status": "inactive"}, "status"),
        ({"name": "Fabrikam", "primary_contact_email": "nope"}, "primary_contact_email"),
    ],
)
def test_create_validation_errors_name_the_field(world, key_client, payload, field):
    response = key_client.post(PARTNERS, payload, format="json")
    assert response.status_code == 400
    body = response.json()
    assert field in body
    assert isinstance(body[field], list) and body[field]
    assert Partner.unscoped.filter(tenant=world.acme).count() == 2


def test_duplicate_name_error_message(world, key_client):
    response = key_client.post(PARTNERS, {"name": "northwind traders"}, format="json")
    assert response.json() == {"name": ["Another partner in this program already has this name."]}


def test_same_name_as_another_tenants_partner_is_fine(world, key_client):
    assert key_client.post(PARTNERS, {"name": "Initech Solutions"}, format="json").status_code == 201


def test_update(world, key_client):
    response = key_client.patch(f"{PARTNERS}{world.northwind.pk}/", {"tier": "silver", "website": "https://nw.example"},
                                format="json")
    assert response.status_code == 200
    assert (response.json()["tier"], response.json()["domain"]) == ("Silver", "nw.example")
    event = _audit(world.northwind.pk, "partner.updated").get()
    assert event.data["changed"] == {"website": ["https://northwind.example", "https://nw.example"]}


def test_a_tier_changes_through_its_evaluation_not_the_partner_record(world, key_client):
    response = key_client.patch(f"{PARTNERS}{world.northwind.pk}/", {"tier": "Gold", "notes": "x"}, format="json")
    assert response.status_code == 400
    assert "override it there" in response.json()["tier"][0]
    partner = Partner.unscoped.get(pk=world.northwind.pk)
    assert (partner.tier.name, partner.notes) == ("Silver", "")

    response = key_client.patch(f"{PARTNERS}{world.northwind.pk}/", {"name": "Contoso Integration"}, format="json")
    assert response.status_code == 400
    assert "name" in response.json()
    assert key_client.patch(f"{PARTNERS}{world.initech.pk}/", {"tier": "Gold"}, format="json").status_code == 404
    assert Partner.unscoped.get(pk=world.initech.pk).tier.name == "Silver"


def test_deactivate_and_reactivate_actions(world, key_client):
    url = f"{PARTNERS}{world.northwind.pk}/"
    response = key_client.post(f"{url}deactivate/", {"reason": "Churned"}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "inactive"
    assert Partner.unscoped.get(pk=world.northwind.pk).status == PartnerStatus.INACTIVE
    event = _audit(world.northwind.pk, "partner.deactivated").get()
    assert (event.from_state, event.to_state, event.data) == ("active", "inactive", {"reason": "Churned"})
    assert "CRM" in event.actor_label

    again = key_client.post(f"{url}deactivate/", {}, format="json")
    assert again.status_code == 400
    assert "already deactivated" in str(again.json())

    response = key_client.post(f"{url}reactivate/")
    assert response.status_code == 200
    assert response.json()["status"] == "active"
    assert _audit(world.northwind.pk, "partner.reactivated").count() == 1

    assert key_client.post(f"{PARTNERS}{world.initech.pk}/deactivate/").status_code == 404
    assert Partner.unscoped.get(pk=world.initech.pk).status == PartnerStatus.ACTIVE


def test_staff_session_can_write(world, session_client):
    client = session_client(world.acme_manager)
    response = client.post(PARTNERS, {"name": "Fabrikam"}, format="json")
    assert response.status_code == 201
    assert _audit(response.json()["id"], "partner.created").get().actor == world.acme_manager.user


def test_partner_user_session_sees_only_their_partner(world, session_client):
    client = session_client(world.northwind_rep)
    response = client.get(PARTNERS)
    assert response.status_code == 200
    assert response.json()["count"] == 1
    assert _names(response) == ["Northwind Traders"]
    assert client.get(f"{PARTNERS}{world.northwind.pk}/").status_code == 200
    assert client.get(f"{PARTNERS}{world.contoso.pk}/").status_code == 404
    assert client.get(f"{PARTNERS}{world.initech.pk}/").status_code == 404


@pytest.mark.parametrize("member", ["northwind_rep", "northwind_admin"])
def test_partner_users_cannot_write(world, session_client, member):
    client = session_client(getattr(world, member))
    assert client.post(PARTNERS, {"name": "Fabrikam"}, format="json").status_code == 403
    assert client.patch(f"{PARTNERS}{world.northwind.pk}/", {"tier": "Platinum"}, format="json").status_code == 403
    assert client.post(f"{PARTNERS}{world.northwind.pk}/deactivate/").status_code == 403
    assert not Partner.unscoped.filter(name="Fabrikam").exists()
    assert Partner.unscoped.get(pk=world.northwind.pk).tier.name == "Silver"
    assert Partner.unscoped.get(pk=world.northwind.pk).status == PartnerStatus.ACTIVE


def test_session_of_another_tenant_gets_nothing(world, session_client):
    client = APIClient(HTTP_HOST="acme.localhost")
    client.force_login(world.globex_admin.user, backend="django.contrib.auth.backends.ModelBackend")
    response = client.get(PARTNERS)
    assert response.status_code == 401
    assert "results" not in response.json()


def _emails(response):
    return sorted(m["email"] for m in response.json()["results"])


def test_memberships_staff_see_their_whole_tenant(world, session_client, key_client):
    expected = ["admin@acme.example", "admin@northwind.example", "manager@acme.example", "rep@contoso.example", "rep@northwind.example"]
    assert _emails(session_client(world.acme_manager).get(MEMBERSHIPS)) == expected
    assert _emails(key_client.get(MEMBERSHIPS)) == expected
    assert _emails(key_client.get(MEMBERSHIPS, {"partner": world.northwind.pk})) == ["admin@northwind.example", "rep@northwind.example"]
    assert _emails(key_client.get(MEMBERSHIPS, {"role": "tenant_admin"})) == ["admin@acme.example"]
    assert key_client.get(f"{MEMBERSHIPS}{world.initech_admin.pk}/").status_code == 404


def test_memberships_partner_users_see_their_partners_team(world, session_client):
    client = session_client(world.northwind_rep)
    assert _emails(client.get(MEMBERSHIPS)) == ["admin@northwind.example", "rep@northwind.example"]
    assert _emails(client.get(MEMBERSHIPS, {"partner": world.contoso.pk})) == []
    assert client.get(f"{MEMBERSHIPS}{world.contoso_rep.pk}/").status_code == 404
    assert client.get(f"{MEMBERSHIPS}{world.acme_admin.pk}/").status_code == 404
    assert client.get(f"{MEMBERSHIPS}{world.northwind_admin.pk}/").json()["role"] == "partner_admin"


def test_memberships_are_read_only(world, key_client):
    assert key_client.post(MEMBERSHIPS, {"role": "tenant_admin"}, format="json").status_code == 405
    assert key_client.delete(f"{MEMBERSHIPS}{world.acme_manager.pk}/").status_code == 405


def test_patch_or_put_cannot_reactivate_a_partner_around_the_reactivate_action(world, key_client, in_tenant):
    with in_tenant(world.acme):
        partner_deactivate(partner=world.northwind, actor=world.acme_admin.user, reason="Churned")
    url = f"{PARTNERS}{world.northwind.pk}/"
    body = {**key_client.get(url).json(), "status": "active"}
    for response in (key_client.patch(url, {"status": "active"}, format="json"), key_client.put(url, body, format="json")):
        assert response.status_code == 400
        assert list(response.json()) == ["status"]
        assert "Reactivate" in response.json()["status"][0]
    partner = Partner.unscoped.get(pk=world.northwind.pk)
    assert (partner.status, partner.deactivated_at is not None) == (PartnerStatus.INACTIVE, True)
    assert not _audit(world.northwind.pk, "partner.updated").exists()
    assert not _audit(world.northwind.pk, "partner.reactivated").exists()

    # Other fields of a deactivated partner stay editable, its status sent unchanged.
    response = key_client.patch(url, {"status": "inactive", "notes": "Back next year"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "inactive"

    # The action is the way back: deactivated_at cleared, one partner.reactivated row.
    response = key_client.post(f"{url}reactivate/")
    assert (response.json()["status"], response.json()["deactivated_at"]) == ("active", None)
    assert _audit(world.northwind.pk, "partner.reactivated").count() == 1


def test_patch_cannot_deactivate_a_partner_around_the_deactivate_action(world, key_client):
    response = key_client.patch(f"{PARTNERS}{world.northwind.pk}/", {"status": "inactive"}, format="json")
    assert response.status_code == 400
    assert "Deactivate" in response.json()["status"][0]
    assert Partner.unscoped.get(pk=world.northwind.pk).status == PartnerStatus.ACTIVE
    assert not _audit(world.northwind.pk, "partner.deactivated").exists()
    # onboarding ↔ active is an ordinary edit.
    assert key_client.patch(f"{PARTNERS}{world.northwind.pk}/", {"status": "onboarding"}, format="json").status_code == 200
