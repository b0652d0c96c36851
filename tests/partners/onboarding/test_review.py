"""The review queue in the dashboard, and the channel manager on the partner's portal home."""

import pytest

from partners.models import Partner
from partners.onboarding import services
from partners.onboarding.models import Application, ApplicationStatus as S

from .helpers import make_application


@pytest.fixture
def two(world, in_tenant):
    with in_tenant(world.acme):
        fresh = make_application(world.acme)
        services.application_confirm(application=fresh)
        dup = make_application(world.acme, company="NW Trading", website="northwind.example", contact_email="a@nw.example")
        services.application_confirm(application=dup)
        make_application(world.acme, company="Unconfirmed Ltd", website="unconf.example", contact_email="u@unconf.example")
    return fresh, dup


def test_the_queue_shows_confirmed_applications_with_their_duplicate_flags(world, client_as, two):
    page = client_as(world.acme_manager).get("/manage/applications/").content.decode()
    assert "Fabrikam Networks GmbH" in page and "NW Trading" in page
    assert "Matches partner Northwind Traders" in page
    assert "Unconfirmed Ltd" not in page
    assert "ago" in page


def test_the_application_page_shows_answers_flags_and_timeline(world, client_as, two):
    fresh, dup = two
    page = client_as(world.acme_manager).get(f"/manage/applications/{dup.pk}/").content.decode()
    assert "Same domain or name as the partner" in page
    assert "Email address confirmed" in page  # the timeline


def test_the_manager_approves_from_the_page(world, client_as, two, in_tenant):
    fresh, _dup = two
    response = client_as(world.acme_manager).post(f"/manage/applications/{fresh.pk}/approve/", {"owner": ""})
    assert response.status_code == 302
    with in_tenant(world.acme):
        assert Application.objects.get(pk=fresh.pk).status == S.APPROVED
        assert Partner.objects.get(name="Fabrikam Networks GmbH").owner == world.acme_manager


def test_reject_without_a_reason_says_so_next_to_the_field(world, client_as, two, in_tenant):
    fresh, _dup = two
    response = client_as(world.acme_manager).post(f"/manage/applications/{fresh.pk}/reject/", {"reason": ""})
    assert response.status_code == 400
    assert 'id="id_reason_error"' in response.content.decode()
    with in_tenant(world.acme):
        assert Application.objects.get(pk=fresh.pk).status == S.SUBMITTED


def test_ask_for_more_information_from_the_page(world, client_as, two, in_tenant):
    fresh, _dup = two
    client_as(world.acme_manager).post(f"/manage/applications/{fresh.pk}/request-info/", {"question": "Regions?"})
    with in_tenant(world.acme):
        assert Application.objects.get(pk=fresh.pk).status == S.MORE_INFO


def test_another_tenants_application_is_a_404(world, client_as, two):
    fresh, _dup = two
    client = client_as(world.globex_manager)
    assert client.get(f"/manage/applications/{fresh.pk}/").status_code == 404
    assert "Fabrikam" not in client.get("/manage/applications/").content.decode()


def test_the_portal_home_names_the_channel_manager(world, client_as, in_tenant):
    with in_tenant(world.acme):
        Partner.objects.filter(pk=world.northwind.pk).update(owner=world.acme_manager)
    page = client_as(world.northwind_rep).get("/portal/").content.decode()
    user = world.acme_manager.user
    assert f"Your channel manager: {user.get_full_name()}" in page
    assert f'href="mailto:{user.email}"' in page
    assert "Your channel manager" not in client_as(world.contoso_rep).get("/portal/").content.decode()
