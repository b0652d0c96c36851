"""Password reset on a tenant host: the email goes through the outbox and links back to that host."""

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
