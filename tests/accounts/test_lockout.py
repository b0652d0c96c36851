"""Someone else's wrong passwords cannot keep the owner out; behind proxies, limits count the real client."""

import os
import re
import subprocess
import sys

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.test import Client

from prm.outbox.models import EmailStatus, OutboundEmail
from tests.factories import PASSWORD
from tests.support import is_signed_in, sign_in

TOO_MANY = "Too many failed login attempts"
ATTACKER, OWNER, PROXY = "203.0.113.9", "198.51.100.7", "10.0.0.2"
CODE = re.compile(r"^\s*([A-Z0-9-]{6,})\s*$", re.M)


def _client(ip, **headers):
    return Client(HTTP_HOST="acme.localhost", REMOTE_ADDR=ip, **headers)


def _errors(response):
    return " ".join(response.context["form"].non_field_errors())


def _fail(client, email, times):
    for _ in range(times):
        response = sign_in(client, email, "a-wrong-guess-123")
        assert not is_signed_in(client)
    return response


def _request_code(client, email, capture):
    with capture(execute=True):
        return client.post("/accounts/login/code/", {"email": email})


def _code_in(message):
    [code] = CODE.findall(message.body)
    return code


@pytest.fixture
def owner(world):
    return world.acme_manager.user


def test_a_strangers_wrong_passwords_do_not_lock_the_owner_out(world, owner):
    attacker = _client(ATTACKER)
    _fail(attacker, owner.email, 5)
    assert TOO_MANY in _errors(sign_in(attacker, owner.email, PASSWORD))  # the stranger is stopped

    elsewhere = _client(OWNER)
    assert sign_in(elsewhere, owner.email, PASSWORD).status_code == 302
    assert is_signed_in(elsewhere)


def test_guesses_spread_over_many_addresses_are_capped_per_address(world, owner):
    for n in range(10):  # 10 IPs × 5 guesses: each IP stays under its own limit
        _fail(_client(f"192.0.2.{n + 1}"), owner.email, 5)
    fresh = _client(OWNER)
    assert TOO_MANY in _errors(sign_in(fresh, owner.email, PASSWORD))
    assert not is_signed_in(fresh)


def test_one_address_alone_cannot_reach_the_per_address_cap(world, owner, settings):
    # Keep the 5-minute window out of the way to show the daily one per address and IP.
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed": "100/m/ip,20/d/key"}
    attacker = _client(ATTACKER)
    _fail(attacker, owner.email, 20)
    assert TOO_MANY in _errors(sign_in(attacker, owner.email, PASSWORD))
    assert sign_in(_client(OWNER), owner.email, PASSWORD).status_code == 302


def test_even_then_an_emailed_code_gets_the_owner_in(world, owner, mailoutbox, django_capture_on_commit_callbacks):
    for n in range(10):
        _fail(_client(f"192.0.2.{n + 1}"), owner.email, 5)
    client = _client(OWNER)
    assert sign_in(client, owner.email, PASSWORD).status_code == 200  # password sign-in capped

    response = _request_code(client, owner.email, django_capture_on_commit_callbacks)
    assert response["Location"] == "/accounts/login/code/confirm/"
    message = mailoutbox[-1]
    assert message.to == [owner.email]
    stored = OutboundEmail.objects.get(kind="account/email/login_code")
    assert stored.status == EmailStatus.SENT and stored.sensitive and _code_in(message) not in stored.body_text

    response = client.post("/accounts/login/code/confirm/", {"code": _code_in(message)})
    assert response.status_code == 302
    assert is_signed_in(client)
    assert client.get("/").headers["Location"] == "/manage/"


def test_a_stranger_asking_for_codes_does_not_stop_the_owners_code(world, owner, mailoutbox,
                                                                  django_capture_on_commit_callbacks):
    for _ in range(3):  # a fresh browser each time: one with a code pending is sent to enter it
        _request_code(_client(ATTACKER), owner.email, django_capture_on_commit_callbacks)
    refused = _request_code(_client(ATTACKER), owner.email, django_capture_on_commit_callbacks)
    assert refused.status_code == 200 and "Too many" in " ".join(refused.context["form"].errors["email"])
    assert len(mailoutbox) == 3

    client = _client(OWNER)
    _request_code(client, owner.email, django_capture_on_commit_callbacks)
    assert len(mailoutbox) == 4
    # The codes the stranger asked for are tied to the stranger's browser; the owner's own works.
    assert client.post("/accounts/login/code/confirm/", {"code": _code_in(mailoutbox[-1])}).status_code == 302
    assert is_signed_in(client)


def test_a_strangers_code_does_not_work_in_another_browser(world, owner, mailoutbox, django_capture_on_commit_callbacks):
    _request_code(_client(ATTACKER), owner.email, django_capture_on_commit_callbacks)
    other = _client(OWNER)
    response = other.post("/accounts/login/code/confirm/", {"code": _code_in(mailoutbox[-1])})
    assert not is_signed_in(other)
    assert response.status_code in (302, 404)


def test_no_code_is_mailed_to_someone_who_cannot_sign_in_here(world, mailoutbox, django_capture_on_commit_callbacks):
    for email in (world.globex_manager.user.email, "nobody@nowhere.example"):
        response = _request_code(_client(OWNER), email, django_capture_on_commit_callbacks)
        assert response.status_code == 302  # the same answer: nothing tells who has an account here
    assert mailoutbox == []
    assert not OutboundEmail.objects.exists()


def test_a_sign_in_code_still_asks_for_the_second_factor(world, owner, mailoutbox, django_capture_on_commit_callbacks):
    TOTP.activate(owner, generate_totp_secret())
    client = _client(OWNER)
    _request_code(client, owner.email, django_capture_on_commit_callbacks)
    response = client.post("/accounts/login/code/confirm/", {"code": _code_in(mailoutbox[-1])})
    assert response["Location"].startswith("/accounts/2fa/authenticate/")
    assert not is_signed_in(client)


def test_the_sign_in_page_offers_the_code(world):
    page = _client(OWNER).get("/accounts/login/")
    assert b'href="/accounts/login/code/"' in page.content


# Behind a reverse proxy every request comes from the proxy's address; the client is in X-Forwarded-For.

def _behind_proxy(client_ip):
    return _client(PROXY, HTTP_X_FORWARDED_FOR=client_ip)


def _exhaust_per_ip_limit(client):
    for n in range(10):  # 10 different addresses: only the per-IP limit (10 a minute) is reached
        sign_in(client, f"someone{n}@acme.example", "a-wrong-guess-123")
    return sign_in(client, "someone-else@acme.example", "a-wrong-guess-123")


def test_behind_trusted_proxies_each_client_has_its_own_limit(world, owner, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    assert TOO_MANY in _errors(_exhaust_per_ip_limit(_behind_proxy(ATTACKER)))

    owner_client = _behind_proxy(OWNER)
    assert sign_in(owner_client, owner.email, PASSWORD).status_code == 302
    assert is_signed_in(owner_client)


def test_the_proxy_count_takes_the_address_the_last_proxy_saw(world, owner, settings):
    """A client cannot pick its bucket by prepending addresses: the trusted proxy appends the real one."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    attacker = _client(PROXY)
    for n in range(10):
        attacker.post("/accounts/login/", {"login": f"x{n}@acme.example", "password": "a-wrong-guess-123"},
                      HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, {ATTACKER}")
    response = attacker.post("/accounts/login/", {"login": owner.email, "password": PASSWORD},
                             HTTP_X_FORWARDED_FOR=f"192.0.2.99, {ATTACKER}")
    assert TOO_MANY in _errors(response)


def test_without_the_setting_a_spoofed_header_is_ignored(world, owner):
    # Varying X-Forwarded-For does not buy a fresh bucket: every request counts against REMOTE_ADDR.
    attacker = _client(ATTACKER)
    for n in range(10):
        attacker.post("/accounts/login/", {"login": f"x{n}@acme.example", "password": "a-wrong-guess-123"},
                      HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    response = attacker.post("/accounts/login/", {"login": owner.email, "password": PASSWORD},
                             HTTP_X_FORWARDED_FOR="192.0.2.99")
    assert TOO_MANY in _errors(response) and not is_signed_in(attacker)


def test_without_the_setting_clients_behind_a_proxy_share_one_bucket(world, owner):
    """What TRUSTED_PROXY_COUNT is for: unset, the proxy's address is everyone's address."""
    _exhaust_per_ip_limit(_behind_proxy(ATTACKER))
    assert TOO_MANY in _errors(sign_in(_behind_proxy(OWNER), owner.email, PASSWORD))


def test_the_proxy_settings_come_from_the_environment():
    env = {**os.environ, "TRUSTED_PROXY_COUNT": "2", "TRUSTED_CLIENT_IP_HEADER": "X-Real-IP"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    script = "import prm.settings as s; print(s.ALLAUTH_TRUSTED_PROXY_COUNT, s.ALLAUTH_TRUSTED_CLIENT_IP_HEADER)"
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["2", "X-Real-IP"]
    env.pop("TRUSTED_PROXY_COUNT"), env.pop("TRUSTED_CLIENT_IP_HEADER")
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["0", "None"]
