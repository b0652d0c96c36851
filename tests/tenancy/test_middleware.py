"""MembershipMiddleware checks the membership on every request and ends sessions that lost it."""

from partners.models import Partner, PartnerStatus
from prm.tenancy.models import Membership
from tests.support import is_signed_in


def test_active_member_keeps_the_session(world, client_as):
    client = client_as(world.northwind_rep)
    assert client.get("/portal/").status_code == 200
    assert client.get("/portal/team/").status_code == 200
    assert is_signed_in(client)


def test_deactivated_membership_is_signed_out_on_next_request(world, client_as):
    client = client_as(world.northwind_rep)
    assert client.get("/portal/").status_code == 200
    Membership.unscoped.filter(pk=world.northwind_rep.pk).update(is_active=False)

    response = client.get("/portal/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert not is_signed_in(client)


def test_deactivated_partner_signs_its_users_out(world, client_as):
    client = client_as(world.northwind_admin)
    assert client.get("/portal/team/").status_code == 200
    Partner.unscoped.filter(pk=world.northwind.pk).update(status=PartnerStatus.INACTIVE)

    response = client.get("/portal/team/")
    assert response.status_code == 302
    assert not is_signed_in(client)
    # Another partner of the same tenant is not affected.
    assert client_as(world.contoso_rep).get("/portal/").status_code == 200


def test_member_of_another_tenant_is_signed_out_on_this_host(world, client_as):
    client = client_as(world.globex_manager, host="acme.localhost")
    response = client.get("/manage/")
    assert response.status_code == 302
    assert not is_signed_in(client)


def test_deactivated_staff_loses_dashboard(world, client_as):
    client = client_as(world.acme_manager)
    assert client.get("/manage/partners/").status_code == 200
    Membership.unscoped.filter(pk=world.acme_manager.pk).update(is_active=False)
    assert client.get("/manage/partners/").status_code == 302
    assert not is_signed_in(client)
