"""The tenant admin's page for the profile fields whose change waits for approval, and the platform
admin's pages for the onboarding and profile tables."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from partners.models import Partner, PartnerProfileSettings, ProfileChange
from partners.onboarding.models import Application
from prm.audit.models import AuditEvent

PAGE = "/manage/partners/profile-settings/"


def test_the_page_shows_the_default_and_is_linked_from_both_settings_pages(world, client_as):
    client = client_as(world.acme_admin)
    page = client.get(PAGE).content.decode()
    boxes = re.findall(r'<input type="checkbox" name="sensitive_fields" value="(\w+)"[^>]*?( checked)?>', page)
    assert boxes == [("name", " checked"), ("country", " checked"), ("website", "")]
    for settings_page in ("/manage/settings/", "/manage/applications/settings/"):
        assert f'href="{PAGE}"' in client.get(settings_page).content.decode()


def test_a_tenant_admin_chooses_the_fields_and_the_portal_follows(world, client_as, in_tenant):
    response = client_as(world.acme_admin).post(PAGE, {"sensitive_fields": ["name", "website"]})
    assert response.status_code == 302
    with in_tenant(world.acme):
        assert PartnerProfileSettings.objects.get().fields == {"name", "website"}
    event = AuditEvent.unscoped.get(verb="profile_settings.updated")
    assert (event.actor, event.data) == (world.acme_admin.user, {"before": ["name", "country"], "after": ["name", "website"]})
    assert "Fields that wait for approval changed" in client_as(world.acme_admin).get(PAGE).content.decode()
    client_as(world.northwind_admin).post("/portal/profile/", {"name": "Northwind Traders", "country": "AT",
                                                               "website": "https://nw.example"})
    with in_tenant(world.acme):
        partner = Partner.objects.get(pk=world.northwind.pk)
        assert (partner.country.code, partner.website) == ("AT", "https://northwind.example")
        assert list(ProfileChange.objects.values_list("field", flat=True)) == ["website"]


def test_no_field_at_all_means_every_change_applies_at_once(world, client_as, in_tenant):
    assert client_as(world.acme_admin).post(PAGE, {}).status_code == 302
    with in_tenant(world.acme):
        assert PartnerProfileSettings.objects.get().fields == set()
    client_as(world.northwind_admin).post("/portal/profile/", {"name": "Northwind Traders GmbH", "country": "AT"})
    with in_tenant(world.acme):
        assert Partner.objects.get(pk=world.northwind.pk).name == "Northwind Traders GmbH"
        assert not ProfileChange.objects.exists()


def test_saving_the_same_choice_records_nothing(world, client_as):
    assert client_as(world.acme_admin).post(PAGE, {"sensitive_fields": ["country", "name"]}).status_code == 302
    assert not AuditEvent.unscoped.filter(verb="profile_settings.updated").exists()


def test_an_unknown_field_is_an_error_next_to_the_choice(world, client_as, in_tenant):
    response = client_as(world.acme_admin).post(PAGE, {"sensitive_fields": ["name", "tier"]})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_sensitive_fields_error"' in page
    assert "“tier” is not a field that can wait for approval: choose among the fields listed." in page
    with in_tenant(world.acme):
        assert not PartnerProfileSettings.objects.exists()
    assert not AuditEvent.unscoped.filter(verb="profile_settings.updated").exists()


def test_the_page_in_german(world, client_as):
    client = client_as(world.acme_admin)
    page = client.get(PAGE, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Genehmigungen für Partnerprofile" in page
    assert "Changes that wait for approval" not in page


@pytest.fixture
def operator_client(world):
    operator = get_user_model().objects.create_superuser(email="ops@prm.example", password="operator-pass-0987")
    client = Client(HTTP_HOST="localhost")
    client.force_login(operator, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.mark.parametrize("model", ["application", "applicationquestion", "onboardingsettings", "partnerprofilesettings",
                                   "profilechange"])
def test_platform_operators_see_the_onboarding_and_profile_tables_of_every_tenant(world, operator_client, in_tenant, model):
    with in_tenant(world.acme):
        Application.objects.create(tenant=world.acme, company="Acme Applicant", website="a.example", country="DE",
                                   business_type="reseller", contact_name="A", contact_email="a@a.example")
        ProfileChange.objects.create(tenant=world.acme, partner=world.northwind, field="name", new_value="NW GmbH")
    with in_tenant(world.globex):
        PartnerProfileSettings.objects.create(tenant=world.globex, sensitive_fields="website")
    response = operator_client.get(f"/admin/partners/{model}/")
    assert response.status_code == 200
    if model == "application":
        assert "Acme Applicant" in response.content.decode()
        application = Application.unscoped.get()
        assert operator_client.get(f"/admin/partners/application/{application.pk}/change/").status_code == 200
    if model == "profilechange":
        change = ProfileChange.unscoped.get()
        page = operator_client.get(f"/admin/partners/profilechange/{change.pk}/change/")
        assert page.status_code == 200 and "Northwind Traders" in page.content.decode()
    if model == "partnerprofilesettings":
        assert "website" in response.content.decode()
