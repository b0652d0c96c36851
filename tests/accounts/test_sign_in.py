"""Signing in with allauth: on one's own tenant host only, no open sign-up, rate-limited failures."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from partners.models import Partner, PartnerStatus
from tests.factories import PASSWORD
from tests.support import is_signed_in, sign_in

WRONG_CREDENTIALS = "The email address and/or password you specified are not correct."


def _form_errors(response):
    return list(response.context["form"].non_field_errors())


@pytest.mark.parametrize(
    ("member", "home"),
    [("acme_admin", "/manage/"), ("acme_manager", "/manage/"), ("northwind_admin", "/portal/"), ("northwind_rep", "/portal/")],
)
def test_member_signs_in_on_own_host_and_lands_on_their_home(world, anon_client, member, home):
    membership = getattr(world, member)
    client = anon_client(membership.tenant)
    response = sign_in(client, membership.user.email)
    assert response.status_code == 302
    assert is_signed_in(client)

    response = client.get(response["Location"], follow=True)
    assert response.redirect_chain[-1][0] == home
    assert response.status_code == 200
    assert response.context["membership"] == membership


def test_root_path_sends_anonymous_visitors_to_sign_in(world, anon_client):
    response = anon_client(world.acme).get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_wrong_password_is_refused(world, anon_client):
    client = anon_client(world.acme)
    response = sign_in(client, world.acme_manager.user.email, "not-the-password")
    assert response.status_code == 200
    assert _form_errors(response) == [WRONG_CREDENTIALS]
    assert not is_signed_in(client)


def test_member_of_another_tenant_is_refused_like_a_wrong_password(world, anon_client):
    client = anon_client(world.acme)
    wrong_password = sign_in(client, world.acme_manager.user.email, "not-the-password")
    other_tenant = sign_in(client, world.globex_manager.user.email, PASSWORD)

    assert other_tenant.status_code == wrong_password.status_code == 200
    assert _form_errors(other_tenant) == _form_errors(wrong_password) == [WRONG_CREDENTIALS]
    assert not is_signed_in(client)
    # The same person signs in fine on their own tenant's host.
    own = anon_client(world.globex)
    assert sign_in(own, world.globex_manager.user.email).status_code == 302
    assert is_signed_in(own)


def test_deactivated_member_cannot_sign_in(world, anon_client, in_tenant):
    from prm.tenancy.models import Membership

    Membership.unscoped.filter(pk=world.acme_manager.pk).update(is_active=False)
    client = anon_client(world.acme)
    response = sign_in(client, world.acme_manager.user.email)
    assert _form_errors(response) == [WRONG_CREDENTIALS]
    assert not is_signed_in(client)


def test_user_of_deactivated_partner_cannot_sign_in(world, anon_client):
    Partner.unscoped.filter(pk=world.northwind.pk).update(status=PartnerStatus.INACTIVE)
    client = anon_client(world.acme)
    response = sign_in(client, world.northwind_rep.user.email)
    # The right password is told why (tests/accounts/test_suspended_partner.py).
    [error] = _form_errors(response)
    assert "is suspended" in error
    assert not is_signed_in(client)
    # Users of other partners still can.
    assert sign_in(anon_client(world.acme), world.contoso_rep.user.email).status_code == 302


def test_sign_up_is_closed(world, anon_client):
    client = anon_client(world.acme)
    response = client.get("/accounts/signup/")
    assert b"Join by invitation" in response.content and b"ask them for an invitation" in response.content
    assert b'name="password1"' not in response.content
    assert "account/signup_closed.html" in [t.name for t in response.templates]

    users_before = get_user_model().objects.count()
    response = client.post(
        "/accounts/signup/", {"email": "walk-in@example.com", "password1": "Sup3r-secret-pw", "password2": "Sup3r-secret-pw"}
    )
    assert b"Join by invitation" in response.content
    assert get_user_model().objects.count() == users_before
    assert not get_user_model().objects.filter(email="walk-in@example.com").exists()
    assert not is_signed_in(client)


def test_repeated_failures_lock_out_even_the_right_password(world, anon_client):
    client = anon_client(world.acme)
    email = world.acme_manager.user.email
    for _ in range(5):
        response = sign_in(client, email, "guess-guess-guess")
        assert _form_errors(response) == [WRONG_CREDENTIALS]

    response = sign_in(client, email, PASSWORD)
    assert response.status_code == 200
    assert any("Too many failed login attempts" in str(e) for e in _form_errors(response))
    assert not is_signed_in(client)


def test_a_few_failures_do_not_lock_out(world, anon_client):
    client = anon_client(world.acme)
    email = world.acme_manager.user.email
    for _ in range(3):
        sign_in(client, email, "guess-guess-guess")
    assert sign_in(client, email, PASSWORD).status_code == 302
    assert is_signed_in(client)


def test_non_superuser_cannot_sign_in_on_the_root_domain(world):
    client = Client(HTTP_HOST="localhost")
    response = sign_in(client, world.acme_admin.user.email)
    assert response.status_code == 200
    assert _form_errors(response) == [WRONG_CREDENTIALS]
    assert not is_signed_in(client)

    response = client.post("/admin/login/?next=/admin/", {"username": world.acme_admin.user.email, "password": PASSWORD})
    assert response["Location"].startswith("/accounts/login/")  # the same allauth sign-in, not a second form
    assert not is_signed_in(client)
    assert client.get("/admin/").status_code == 302  # back to the admin sign-in page


@pytest.mark.parametrize("refused", ["globex_manager", "deactivated_acme_manager"])
def test_refused_right_password_counts_towards_the_lockout_like_a_wrong_one(world, anon_client, refused):
    """Otherwise the lockout arriving one attempt late would reveal that a guess was the right password."""
    from prm.tenancy.models import Membership

    if refused == "deactivated_acme_manager":
        Membership.unscoped.filter(pk=world.acme_manager.pk).update(is_active=False)
        email = world.acme_manager.user.email
    else:
        email = world.globex_manager.user.email
    client = anon_client(world.acme)
    for _ in range(5):
        assert _form_errors(sign_in(client, email, PASSWORD)) == [WRONG_CREDENTIALS]
    response = sign_in(client, email, PASSWORD)
    assert any("Too many failed login attempts" in str(e) for e in _form_errors(response))
