"""The checklist over /api/v1/: staff read every partner's and tick manual steps; partner users read their own."""

from rest_framework.test import APIClient

from partners.checklist import services
from partners.checklist.models import StepCompletion

from .helpers import add_step


def _client(member):
    client = APIClient(HTTP_HOST="acme.localhost")
    client.force_login(member.user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_staff_read_the_checklists_and_tick_a_manual_step(world, onboarding, in_tenant):
    with in_tenant(world.acme):
        add_step(world, "colleagues", threshold=1)
        call = add_step(world, "manual", title="Kick-off call")
        services.checklist_refresh(partner=onboarding)
    client = _client(world.acme_manager)
    listed = client.get("/api/v1/checklists/", {"status": "onboarding"}).json()["results"]
    assert [(row["partner_name"], row["done"], row["total"]) for row in listed] == [("Northwind Traders", 1, 2)]
    one = client.get(f"/api/v1/checklists/{onboarding.pk}/").json()
    assert [(s["kind"], s["done"], s["manual"]) for s in one["steps"]] == [("colleagues", True, False), ("manual", False, True)]
    ticked = client.post(f"/api/v1/checklists/{onboarding.pk}/tick/", {"step": call.pk}, format="json")
    assert ticked.status_code == 200
    body = ticked.json()
    assert body["finished_at"] and body["partner_status"] == "active"
    assert body["steps"][1]["ticked_by"] == "manager@acme.example"


def test_a_bad_tick_is_a_400_naming_the_field(world, onboarding, in_tenant):
    with in_tenant(world.acme):
        profile = add_step(world, "profile")
    client = _client(world.acme_manager)
    response = client.post(f"/api/v1/checklists/{onboarding.pk}/tick/", {"step": profile.pk}, format="json")
    assert response.status_code == 400 and "step" in response.json()
    response = client.post(f"/api/v1/checklists/{onboarding.pk}/tick/", {"step": 987654321}, format="json")
    assert response.status_code == 400 and "step" in response.json()
    response = client.get("/api/v1/checklists/", {"status": "sleeping"})
    assert response.status_code == 400 and "status" in response.json()
    with in_tenant(world.acme):
        assert not StepCompletion.objects.exists()


def test_a_partner_user_reads_only_their_own_and_cannot_tick(world, onboarding, in_tenant):
    with in_tenant(world.acme):
        call = add_step(world, "manual", title="Kick-off call")
    client = _client(world.northwind_rep)
    assert [row["partner"] for row in client.get("/api/v1/checklists/").json()["results"]] == [onboarding.pk]
    assert client.get(f"/api/v1/checklists/{world.contoso.pk}/").status_code == 404
    assert client.post(f"/api/v1/checklists/{onboarding.pk}/tick/", {"step": call.pk}, format="json").status_code == 403
    with in_tenant(world.acme):
        assert not StepCompletion.objects.exists()
