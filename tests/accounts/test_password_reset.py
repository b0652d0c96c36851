"""Password reset on a tenant host: the email goes through the outbox and links back to that host."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from prm.outbox.models import EmailStatus, OutboundEmail
from tests.support import is_signed_in, links_to, sign_in

NEW_PASSWORD = "a-brand-new-passphrase-42"


def _request_reset(client, email, capture):
    with capture(execute=True):
        response = client.post("/accounts/password/reset/", {"email": email})
    assert response.status_code == 302
    return response


def test_reset_email_links_to_the_same_tenant_host(world, anon_client, django_capture_on_commit_callbacks, mailoutbox):
    client = anon_client(world.acme)
    _request_reset(client, world.northwind_rep.user.email, django_capture_on_commit_callbacks)

    email = OutboundEmail.objects.get()
    assert email.tenant == world.acme
    assert email.to == [world.northwind_rep.user.email]
    assert email.status == EmailStatus.SENT
    # The link is a key: once delivered, the outbox keeps no copy of it.
    assert email.sensitive and "/accounts/password/reset/key/" not in email.body_text + email.body_html

    assert len(mailoutbox) == 1
    assert "globex.localhost" not in mailoutbox[0].body
    assert mailoutbox[0].to == [world.northwind_rep.user.email]
    assert links_to(mailoutbox[0].body, "acme.localhost", "/accounts/password/reset/key/")


def test_reset_link_sets_a_new_password_that_signs_in(world, anon_client, django_capture_on_commit_callbacks, mailoutbox):
    user = world.northwind_rep.user
    client = anon_client(world.acme)
    _request_reset(client, user.email, django_capture_on_commit_callbacks)
    [path] = links_to(mailoutbox[0].body, "acme.localhost", "/accounts/password/reset/key/")

    # allauth moves the key from the URL into the session, then shows the form.
    response = client.get(path, follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else path
    assert b'name="password1"' in response.content

    response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert not is_signed_in(client)  # ACCOUNT_LOGIN_ON_PASSWORD_RESET is off

    fresh = anon_client(world.acme)
    assert sign_in(fresh, user.email, NEW_PASSWORD).status_code == 302
    assert is_signed_in(fresh)


def test_reset_link_works_only_once(world, anon_client, django_capture_on_commit_callbacks, mailoutbox):
    user = world.acme_manager.user
    client = anon_client(world.acme)
    _request_reset(client, user.email, django_capture_on_commit_callbacks)
    [path] = links_to(mailoutbox[0].body, "acme.localhost", "/accounts/password/reset/key/")
    response = client.get(path, follow=True)
    form_url = response.redirect_chain[-1][0]
    client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    again = anon_client(world.acme).get(path, follow=True)
    assert b'name="password1"' not in again.content
    assert again.context["token_fail"] is True
    assert b"Bad Token" in again.content


def test_no_reset_email_for_someone_who_cannot_sign_in_here(world, anon_client, django_capture_on_commit_callbacks, mailoutbox):
    # A Globex manager asking on Acme's host gets the same page, but no mail is sent.
    _request_reset(anon_client(world.acme), world.globex_manager.user.email, django_capture_on_commit_callbacks)
    _request_reset(anon_client(world.acme), "nobody@nowhere.example", django_capture_on_commit_callbacks)
    assert mailoutbox == []
    assert not OutboundEmail.objects.exists()


def test_a_forged_host_header_does_not_reach_the_reset_link(world, django_capture_on_commit_callbacks, mailoutbox):
    """The Host header is the requester's to choose; the link is built from the tenant's configured host."""
    forged = Client(HTTP_HOST="acme.localhost:6666")  # still resolves to Acme, so the request is served
    _request_reset(forged, world.acme_manager.user.email, django_capture_on_commit_callbacks)
    body = mailoutbox[0].body
    assert "6666" not in body
    assert links_to(body, "acme.localhost", "/accounts/password/reset/key/")
    assert "Acme Networks" in body  # allauth's greeting names the program, not the Host header


def test_reset_links_use_the_configured_scheme_and_port(world, anon_client, settings, django_capture_on_commit_callbacks,
                                                       mailoutbox):
    settings.PRM_URL_SCHEME, settings.PRM_PUBLIC_PORT = "https", "8443"
    _request_reset(anon_client(world.acme), world.acme_manager.user.email, django_capture_on_commit_callbacks)
    assert "https://acme.localhost:8443/accounts/password/reset/key/" in mailoutbox[0].body


def _reset_path(world, capture, mailoutbox):
    _request_reset(anon_client_for(world.acme), world.acme_manager.user.email, capture)
    [path] = links_to(mailoutbox[-1].body, "acme.localhost", "/accounts/password/reset/key/")
    return path


def anon_client_for(tenant):
    return Client(HTTP_HOST=f"{tenant.slug}.localhost")


@pytest.mark.parametrize("host", ["globex.localhost", "localhost"])
def test_a_reset_key_works_only_on_the_host_that_issued_it(world, host, django_capture_on_commit_callbacks, mailoutbox):
    path = _reset_path(world, django_capture_on_commit_callbacks, mailoutbox)
    elsewhere = Client(HTTP_HOST=host).get(path, follow=True)
    assert elsewhere.context["token_fail"] is True
    assert b'name="password1"' not in elsewhere.content

    at_home = anon_client_for(world.acme).get(path, follow=True)
    assert not at_home.context.get("token_fail")
    assert b'name="password1"' in at_home.content


def test_an_operators_reset_on_the_root_domain_links_to_the_root_domain(world, django_capture_on_commit_callbacks,
                                                                        mailoutbox):
    operator = get_user_model().objects.create_superuser(email="ops@prm.example", password="operator-pass-0987")
    _request_reset(Client(HTTP_HOST="localhost:6666"), operator.email, django_capture_on_commit_callbacks)
    [path] = links_to(mailoutbox[0].body, "localhost", "/accounts/password/reset/key/")
    assert b'name="password1"' in Client(HTTP_HOST="localhost").get(path, follow=True).content
    on_a_tenant_host = anon_client_for(world.acme).get(path, follow=True)
    assert on_a_tenant_host.context["token_fail"] is True
