"""Django's admin is for platform operators: root domain only, superusers only, through allauth's sign-in."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth import get_user_model
from django.test import Client

from tests.factories import PASSWORD
from tests.support import current_totp_code, is_signed_in

WRONG_CREDENTIALS = "The email address and/or password you specified are not correct."
TOO_MANY = "Too many failed login attempts"

OPERATOR_PASSWORD = "operator-pass-0987"


@pytest.fixture
def operator(db):
    return get_user_model().objects.create_superuser(email="ops@prm.example", password=OPERATOR_PASSWORD)


def test_operator_signs_in_to_admin_through_allauth_on_root_domain(world, operator):
    client = Client(HTTP_HOST="localhost")
    response = client.get("/admin/")
    assert response["Location"] == "/admin/login/?next=/admin/"
    response = client.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2F"

    response = client.post(response["Location"], {"login": operator.email, "password": OPERATOR_PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert is_signed_in(client)
    response = client.get("/admin/")
    assert response.status_code == 200
    assert b"PRM platform administration" in response.content
    # Signed in, the admin's own login page only sends the operator on.
    assert client.get("/admin/login/?next=/admin/partners/partner/")["Location"] == "/admin/partners/partner/"
    assert client.get("/admin/login/?next=https://evil.example/")["Location"] == "/admin/"


def test_the_admin_login_page_takes_no_password(world, operator):
    """Django's own admin form would skip two-factor and the failure limits; it is never used."""
    client = Client(HTTP_HOST="localhost")
    response = client.post("/admin/login/?next=/admin/", {"username": operator.email, "password": OPERATOR_PASSWORD})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert not is_signed_in(client)
    assert client.get("/admin/").status_code == 302


def test_an_operator_with_totp_cannot_reach_the_admin_with_the_password_alone(world, operator):
    secret = generate_totp_secret()
    TOTP.activate(operator, secret)
    client = Client(HTTP_HOST="localhost")
    client.post("/admin/login/?next=/admin/", {"username": operator.email, "password": OPERATOR_PASSWORD})
    response = client.post("/accounts/login/?next=/admin/", {"login": operator.email, "password": OPERATOR_PASSWORD})
    assert response["Location"].startswith("/accounts/2fa/authenticate/")
    assert not is_signed_in(client)
    assert client.get("/admin/").status_code == 302

    response = client.post("/accounts/2fa/authenticate/", {"code": current_totp_code(secret)})
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_rapid_wrong_operator_passwords_are_limited(world, operator):
    client = Client(HTTP_HOST="localhost")
    refusals = []
    for _ in range(30):
        client.post("/admin/login/", {"username": operator.email, "password": "wrong-password-1"})
        response = client.post("/accounts/login/", {"login": operator.email, "password": "wrong-password-1"})
        refusals.append(" ".join(response.context["form"].non_field_errors()))
    assert refusals[:5] == [WRONG_CREDENTIALS] * 5
    assert all(TOO_MANY in refusal for refusal in refusals[5:])
    # Once limited, even the right password from this address is refused for now (429: 30 sign-ins a minute per IP).
    response = client.post("/accounts/login/", {"login": operator.email, "password": OPERATOR_PASSWORD})
    assert response.status_code == 429 and not is_signed_in(client)


def test_operator_admin_lists_rows_of_every_tenant(world, operator):
    client = Client(HTTP_HOST="localhost")
    client.force_login(operator)
    response = client.get("/admin/partners/partner/")
    assert response.status_code == 200
    assert b"Northwind Traders" in response.content
    assert b"Initech Solutions" in response.content


@pytest.mark.parametrize("path", ["/admin/", "/admin/login/", "/admin/partners/partner/"])
def test_admin_is_not_found_on_a_tenant_host(world, operator, path):
    anonymous = Client(HTTP_HOST="acme.localhost")
    assert anonymous.get(path).status_code == 404

    signed_in = Client(HTTP_HOST="acme.localhost")
    signed_in.force_login(operator)
    assert signed_in.get(path).status_code == 404


def test_tenant_admin_is_not_a_platform_operator(world):
    client = Client(HTTP_HOST="localhost")
    client.force_login(world.acme_admin.user)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    assert client.get("/admin/login/").status_code == 403
    assert client.post("/admin/login/", {"username": world.acme_admin.user.email, "password": PASSWORD}).status_code == 403


def test_a_staff_member_who_is_not_a_superuser_is_refused(world):
    staff = get_user_model().objects.create_user(email="staff@prm.example", password=PASSWORD, is_staff=True)
    client = Client(HTTP_HOST="localhost")
    client.force_login(staff)
    assert client.get("/admin/login/?next=/admin/").status_code == 403
    assert client.get("/admin/").status_code == 302


def test_an_operator_edits_a_membership_and_a_partner_of_any_tenant(world, operator):
    """Change pages of tenant-owned rows open and save with no tenant in force (their foreign keys list every tenant's rows)."""
    client = Client(HTTP_HOST="localhost")
    client.force_login(operator)
    for path in (f"/admin/tenancy/membership/{world.northwind_rep.pk}/change/",
                 f"/admin/partners/partner/{world.initech.pk}/change/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert b'name="tenant"' in response.content
    membership = world.northwind_rep
    form = client.get(f"/admin/tenancy/membership/{membership.pk}/change/").context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data["is_active"] = ""
    response = client.post(f"/admin/tenancy/membership/{membership.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    membership.refresh_from_db()
    assert membership.is_active is False
