"""Django's admin is for platform operators: root domain only, superusers only."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from tests.factories import PASSWORD
from tests.support import is_signed_in

OPERATOR_PASSWORD = "operator-pass-0987"


@pytest.fixture
def operator(db):
    return get_user_model().objects.create_superuser(email="ops@prm.example", password=OPERATOR_PASSWORD)


def test_operator_signs_in_to_admin_on_root_domain(world, operator):
    client = Client(HTTP_HOST="localhost")
    response = client.post("/admin/login/?next=/admin/", {"username": operator.email, "password": OPERATOR_PASSWORD})
    assert response.status_code == 302
    assert is_signed_in(client)

    response = client.get("/admin/")
    assert response.status_code == 200
    assert b"PRM platform administration" in response.content


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
    assert client.post("/admin/login/", {"username": world.acme_admin.user.email, "password": PASSWORD}).status_code == 200
