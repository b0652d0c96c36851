"""Public pages need no account and leak nothing; account pages need sign-in; sign-up is closed."""

import pytest
from django.urls import reverse

from ...factories import UserFactory
from .handlers import handlers
from .pages import ACCOUNT, PUBLIC
from .probe import is_login_redirect, send


@pytest.mark.parametrize("key", sorted(handlers(PUBLIC)), ids=lambda k: f"{k[0]} {k[1].upper()}")
def test_public_pages_need_no_account_and_leak_nothing(key, matrix, anon_client):
    name, method, _ = key
    response = send(anon_client(matrix.acme), method, reverse(name, kwargs=PUBLIC[name])).response
    assert response.status_code < 500
    assert b"Globex" not in response.content and b"Initech" not in response.content


def test_signup_is_closed(matrix, anon_client):
    response = anon_client(matrix.acme).post(
        reverse("account_signup"), {"email": "intruder@example.com", "password1": "a-long-password-1", "password2": "a-long-password-1"}
    )
    assert response.status_code != 302
    assert not UserFactory._meta.model.objects.filter(email="intruder@example.com").exists()


@pytest.mark.parametrize("key", sorted(handlers(set(ACCOUNT))), ids=lambda k: f"{k[0]} {k[1].upper()}")
def test_account_pages_need_sign_in(key, matrix, anon_client, client_as):
    name, method, _ = key
    url = reverse(name)
    assert is_login_redirect(send(anon_client(matrix.acme), method, url).response)
    response = send(client_as(matrix.northwind_rep), method, url).response
    assert response.status_code in (200, 302, 400, 404)  # 404: e.g. no TOTP to deactivate yet; 400: an empty form
    assert b"Globex" not in response.content
