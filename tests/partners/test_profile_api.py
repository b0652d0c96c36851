"""/api/v1/partner-profiles/ and /api/v1/profile-changes/: a partner admin keeps the company profile
over the API as in the portal (the program's sensitive fields wait for a manager), and staff decide
the waiting changes."""

import pytest
from rest_framework.test import APIClient

from partners.models import Partner, PartnerProfileSettings, ProfileChange
from partners.profile_models import ChangeStatus
from prm.audit.models import AuditEvent

PROFILES = "/api/v1/partner-profiles/"
CHANGES = "/api/v1/profile-changes/"


@pytest.fixture
def api_as():
    def make(membership):
        client = APIClient(HTTP_HOST=f"{membership.tenant.slug}.localhost")
        client.force_login(membership.user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return make


def _row(partner):
    return Partner.unscoped.filter(pk=partner.pk).values().get()


def _verbs(partner):
    return list(AuditEvent.unscoped.filter(target_type="partners.partner", target_id=str(partner.pk))
                .order_by("id").values_list("verb", flat=True))


def test_everyone_at_the_partner_reads_its_profile_with_the_programs_sensitive_fields(world, api_as):
    for member in (world.northwind_admin, world.northwind_rep):
        response = api_as(member).get(f"{PROFILES}{world.northwind.pk}/")
        assert response.status_code == 200
        body = response.json()
        assert (body["name"], body["sensitive_fields"], body["pending_changes"]) == ("Northwind Traders",
                                                                                      ["name", "country"], [])
    assert api_as(world.northwind_admin).get(f"{PROFILES}{world.contoso.pk}/").status_code == 404


def test_a_partner_admins_sensitive_change_waits_and_the_rest_applies_at_once(world, api_as, in_tenant):
    response = api_as(world.northwind_admin).patch(f"{PROFILES}{world.northwind.pk}/",
                                                   {"name": "Northwind Traders GmbH", "city": "Leipzig"}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["name"], body["city"]) == ("Northwind Traders", "Leipzig")
    assert [(c["field"], c["old_value"], c["new_value"], c["status"]) for c in body["pending_changes"]] == [
        ("name", "Northwind Traders", "Northwind Traders GmbH", "pending")]
    with in_tenant(world.acme):
        change = ProfileChange.objects.get()
        assert change.requested_by == world.northwind_admin.user
        assert Partner.objects.get(pk=world.northwind.pk).city == "Leipzig"
    assert _verbs(world.northwind) == ["partner.profile_edited", "partner.change_requested"]


def test_the_programs_choice_of_sensitive_fields_applies_to_the_api(world, api_as, in_tenant):
    with in_tenant(world.acme):
        PartnerProfileSettings.objects.create(tenant=world.acme, sensitive_fields="website")
    response = api_as(world.northwind_admin).put(f"{PROFILES}{world.northwind.pk}/", {
        "name": "Northwind Traders Ltd", "country": "AT", "website": "https://nw.example"}, format="json")
    assert response.status_code == 200, response.content
    assert (response.json()["name"], response.json()["country"]) == ("Northwind Traders Ltd", "AT")
    assert [c["field"] for c in response.json()["pending_changes"]] == ["website"]
    assert response.json()["website"] == "https://northwind.example"


@pytest.mark.parametrize("who", ["northwind_rep", "acme_manager", "acme_admin"])
def test_only_the_partners_admins_change_the_profile_here(world, api_as, who):
    before = _row(world.northwind)
    response = api_as(getattr(world, who)).patch(f"{PROFILES}{world.northwind.pk}/", {"city": "Leipzig"}, format="json")
    assert response.status_code == 403
    assert _row(world.northwind) == before
    assert not ProfileChange.unscoped.exists()


def test_another_partners_profile_is_missing(world, api_as):
    before = _row(world.contoso)
    response = api_as(world.northwind_admin).patch(f"{PROFILES}{world.contoso.pk}/", {"city": "Leipzig"}, format="json")
    assert response.status_code == 404
    assert _row(world.contoso) == before


def test_a_taken_name_or_a_bad_website_is_an_error_on_its_field(world, api_as):
    client = api_as(world.northwind_admin)
    taken = client.patch(f"{PROFILES}{world.northwind.pk}/", {"name": "contoso integration"}, format="json")
    assert taken.status_code == 400
    assert taken.json() == {"name": ["Another partner in this program already has this name."]}
    bad = client.patch(f"{PROFILES}{world.northwind.pk}/", {"website": "not a site"}, format="json")
    assert bad.status_code == 400 and "website" in bad.json()
    assert not ProfileChange.unscoped.exists()


@pytest.fixture
def waiting(world, api_as, in_tenant):
    """Northwind asked for a new legal name; Contoso for a new country."""
    api_as(world.northwind_admin).patch(f"{PROFILES}{world.northwind.pk}/", {"name": "Northwind Traders GmbH"}, format="json")
    with in_tenant(world.acme):
        ProfileChange.objects.create(tenant=world.acme, partner=world.contoso, field="country", old_value="", new_value="FR")
        return ProfileChange.objects.get(partner=world.northwind)


def test_staff_list_waiting_changes_and_partners_see_only_their_own(world, waiting, api_as, key_client):
    staff = api_as(world.acme_manager).get(CHANGES, {"status": "pending"}).json()["results"]
    assert sorted(c["partner_name"] for c in staff) == ["Contoso Integration", "Northwind Traders"]
    assert [c["field"] for c in key_client.get(CHANGES, {"partner": world.contoso.pk}).json()["results"]] == ["country"]
    assert [c["field"] for c in key_client.get(CHANGES, {"field": "name"}).json()["results"]] == ["name"]
    assert key_client.get(CHANGES, {"status": "maybe"}).status_code == 400
    own = api_as(world.northwind_rep).get(CHANGES).json()["results"]
    assert [(c["partner"], c["requested_by"]) for c in own] == [(world.northwind.pk, "admin@northwind.example")]


def test_staff_approve_a_change_and_the_profile_shows_it(world, waiting, api_as, in_tenant):
    response = api_as(world.acme_manager).post(f"{CHANGES}{waiting.pk}/approve/")
    assert response.status_code == 200
    assert response.json()["status"] == "approved"
    with in_tenant(world.acme):
        assert Partner.objects.get(pk=world.northwind.pk).name == "Northwind Traders GmbH"
    assert _verbs(world.northwind)[-1] == "partner.change_approved"
    again = api_as(world.acme_manager).post(f"{CHANGES}{waiting.pk}/reject/")
    assert again.status_code == 400
    assert again.json() == {"detail": ["This change was already decided."]}


def test_staff_reject_a_change_and_the_profile_stays(world, waiting, key_client, in_tenant):
    response = key_client.post(f"{CHANGES}{waiting.pk}/reject/")
    assert response.status_code == 200
    assert response.json()["status"] == "rejected"
    with in_tenant(world.acme):
        assert Partner.objects.get(pk=world.northwind.pk).name == "Northwind Traders"
        assert ProfileChange.objects.get(pk=waiting.pk).status == ChangeStatus.REJECTED
    assert _verbs(world.northwind)[-1] == "partner.change_rejected"


def test_partner_users_cannot_decide_their_own_changes(world, waiting, api_as, in_tenant):
    for action in ("approve", "reject"):
        assert api_as(world.northwind_admin).post(f"{CHANGES}{waiting.pk}/{action}/").status_code == 403
    with in_tenant(world.acme):
        assert ProfileChange.objects.get(pk=waiting.pk).status == ChangeStatus.PENDING
        assert Partner.objects.get(pk=world.northwind.pk).name == "Northwind Traders"
