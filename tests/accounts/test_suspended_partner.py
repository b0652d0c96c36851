"""A partner user whose company was deactivated, signing in: told why with the right password only.

With the right password the sign-in page says the company's access to the program is suspended
and whom to contact: the partner's channel manager, by name and address, while they are an active
member of the program, else the program by name. A wrong password gets the same answer as anyone's
wrong password, so nobody learns from the page whether an address belongs to a suspended company.
"""

import pytest
from django.utils import translation

from partners.models import Partner
from partners.services import partner_deactivate
from prm.tenancy.models import Membership
from tests.factories import PASSWORD
from tests.support import is_signed_in, sign_in

WRONG_CREDENTIALS = "The email address and/or password you specified are not correct."
TOO_MANY = "Too many failed login attempts"
LOCKOUT_AFTER = 5  # wrong passwords per address and client in five minutes (settings.ACCOUNT_RATE_LIMITS)
SUSPENDED = ("The access of your company, Northwind Traders, to the Acme Networks partner program is suspended, "
             "so you cannot sign in. Please contact Acme Networks to have it restored.")


def _form_errors(response):
    return list(response.context["form"].non_field_errors())


@pytest.fixture
def northwind_suspended(world, in_tenant):
    with in_tenant(world.acme):
        partner_deactivate(partner=world.northwind, actor=world.acme_manager.user, reason="Contract under review")


@pytest.mark.parametrize("member", ["northwind_rep", "northwind_admin"])
def test_the_right_password_is_told_the_company_is_suspended_and_whom_to_contact(world, northwind_suspended, anon_client, member):
    client = anon_client(world.acme)
    response = sign_in(client, getattr(world, member).user.email)
    assert response.status_code == 200
    assert _form_errors(response) == [SUSPENDED]
    assert SUSPENDED in response.content.decode().replace("&#x27;", "'")
    assert not is_signed_in(client)


@pytest.mark.parametrize("manager_active", [True, False])
def test_the_partners_channel_manager_is_named_while_they_are_one(world, northwind_suspended, anon_client, manager_active):
    manager = world.acme_manager
    Partner.unscoped.filter(pk=world.northwind.pk).update(owner=manager)
    Membership.unscoped.filter(pk=manager.pk).update(is_active=manager_active)
    [error] = _form_errors(sign_in(anon_client(world.acme), world.northwind_rep.user.email))
    if manager_active:
        assert error == ("The access of your company, Northwind Traders, to the Acme Networks partner program is suspended, "
                         f"so you cannot sign in. Please contact your channel manager, {manager.user.full_name} "
                         f"({manager.user.email}), to have it restored.")
    else:
        assert error == SUSPENDED


def test_a_wrong_password_gets_the_generic_answer(world, northwind_suspended, anon_client):
    client = anon_client(world.acme)
    response = sign_in(client, world.northwind_rep.user.email, "not-the-password")
    assert _form_errors(response) == [WRONG_CREDENTIALS]
    assert "suspended" not in response.content.decode()
    assert not is_signed_in(client)


def test_being_told_uses_up_no_attempt(world, northwind_suspended, anon_client):
    client = anon_client(world.acme)
    email = world.northwind_rep.user.email
    for _ in range(LOCKOUT_AFTER + 1):
        assert _form_errors(sign_in(client, email)) == [SUSPENDED]
    assert _form_errors(sign_in(client, email, "not-the-password")) == [WRONG_CREDENTIALS]


def test_once_locked_out_the_right_password_reveals_nothing_either(world, northwind_suspended, anon_client):
    client = anon_client(world.acme)
    email = world.northwind_rep.user.email
    for _ in range(LOCKOUT_AFTER):
        sign_in(client, email, "not-the-password")
    [error] = _form_errors(sign_in(client, email))
    assert TOO_MANY in error


def test_a_suspended_company_in_another_program_is_not_revealed(world, in_tenant, anon_client):
    with in_tenant(world.globex):
        partner_deactivate(partner=world.initech, actor=world.globex_manager.user, reason="")
    response = sign_in(anon_client(world.acme), world.initech_admin.user.email)
    assert _form_errors(response) == [WRONG_CREDENTIALS]


def test_a_deactivated_person_of_an_active_company_gets_the_generic_answer(world, anon_client):
    Membership.unscoped.filter(pk=world.contoso_rep.pk).update(is_active=False)
    response = sign_in(anon_client(world.acme), world.contoso_rep.user.email)
    assert _form_errors(response) == [WRONG_CREDENTIALS]


def test_users_of_other_partners_still_sign_in(world, northwind_suspended, anon_client):
    client = anon_client(world.acme)
    assert sign_in(client, world.contoso_rep.user.email).status_code == 302
    assert is_signed_in(client)


def test_the_message_is_in_the_persons_language(world, northwind_suspended, anon_client):
    client = anon_client(world.acme)
    with translation.override("de"):
        response = client.post("/accounts/login/", {"login": world.northwind_rep.user.email, "password": PASSWORD},
                               HTTP_ACCEPT_LANGUAGE="de")
    [error] = _form_errors(response)
    assert "Northwind Traders" in error and "Acme Networks" in error
    assert "gesperrt" in error


def test_signed_in_when_the_company_is_deactivated_the_next_page_says_why(world, client_as, in_tenant):
    client = client_as(world.northwind_rep)
    assert client.get("/portal/").status_code == 200
    with in_tenant(world.acme):
        partner_deactivate(partner=world.northwind, actor=world.acme_manager.user, reason="Contract under review")

    response = client.get("/portal/", follow=True)
    assert not is_signed_in(client)
    assert response.redirect_chain[-1][0].startswith("/accounts/login/")
    assert [str(m) for m in response.context["messages"]] == [SUSPENDED]
    assert not list(client.get("/accounts/login/").context["messages"])  # said once


def test_signed_in_in_german_the_notice_is_german(world, client_as, in_tenant):
    world.northwind_rep.user.language = "de"
    world.northwind_rep.user.save(update_fields=["language"])
    client = client_as(world.northwind_rep)
    with in_tenant(world.acme):
        partner_deactivate(partner=world.northwind, actor=world.acme_manager.user, reason="")
    response = client.get("/portal/", follow=True)
    [notice] = [str(m) for m in response.context["messages"]]
    assert notice.startswith("Der Zugang Ihres Unternehmens Northwind Traders")
