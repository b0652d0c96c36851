"""Optional TOTP two-factor authentication (allauth MFA) on a tenant host."""

from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from tests.factories import PASSWORD
from tests.support import current_totp_code, is_signed_in


def test_a_member_with_totp_needs_the_code_to_sign_in(world, anon_client):
    user = world.acme_manager.user
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    client = anon_client(world.acme)

    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/authenticate/")
    assert not is_signed_in(client)

    wrong = client.post("/accounts/2fa/authenticate/", {"code": "000000" if current_totp_code(secret) != "000000" else "111111"})
    assert wrong.status_code == 200 and not is_signed_in(client)

    right = client.post("/accounts/2fa/authenticate/", {"code": current_totp_code(secret)})
    assert right.status_code == 302
    assert is_signed_in(client)
    assert client.get("/").headers["Location"] == "/manage/"


def test_a_member_without_totp_signs_in_with_the_password_alone(world, anon_client):
    client = anon_client(world.acme)
    response = client.post("/accounts/login/", {"login": world.acme_manager.user.email, "password": PASSWORD})
    assert response.status_code == 302 and not response["Location"].startswith("/accounts/2fa/")
    assert is_signed_in(client)


def test_the_two_factor_page_is_reachable_from_the_account_menu(world, client_as):
    page = client_as(world.northwind_rep).get("/accounts/2fa/")
    assert page.status_code == 200
    assert b"/accounts/2fa/totp/activate/" in page.content
