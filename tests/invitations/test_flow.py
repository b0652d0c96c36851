"""The invitation journey through the Django test client: invite, email, accept once."""

import hashlib
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.utils import timezone

from prm.invitations.models import Invitation
from prm.invitations.services import invitation_create, invitation_revoke
from prm.outbox.models import OutboundEmail
from prm.tenancy.models import Membership, Role
from tests.factories import PASSWORD
from tests.support import is_signed_in, links_to

NEW_EMAIL = "newbie@northwind.example"
NEW_PASSWORD = "fresh-partner-pass-77"


@pytest.fixture
def invite_via_dashboard(world, client_as, django_capture_on_commit_callbacks, mailoutbox):
    """The acme channel manager invites `email` to Northwind; returns the emailed invitation path."""

    def invite(email=NEW_EMAIL, role=Role.PARTNER_USER):
        manager = client_as(world.acme_manager)
        with django_capture_on_commit_callbacks(execute=True):
            response = manager.post(f"/manage/partners/{world.northwind.pk}/invite/", {"email": email, "role": role})
        assert response.status_code == 302, response.content.decode()[:2000]
        assert response["Location"] == f"/manage/partners/{world.northwind.pk}/"
        message = mailoutbox[-1]
        assert message.to == [email]
        [path] = links_to(message.body, "acme.localhost", "/invitations/")
        return path

    return invite


def test_invitation_email_carries_a_link_to_the_tenant_host(world, invite_via_dashboard, mailoutbox):
    path = invite_via_dashboard()
    message = mailoutbox[0]
    assert "Acme Networks" in message.subject
    assert path.startswith("/invitations/") and path.endswith("/")
    html = dict((mime, body) for body, mime in message.alternatives)["text/html"]
    assert f"http://acme.localhost{path}" in html


def test_accepting_creates_account_membership_and_signs_in(world, invite_via_dashboard, anon_client, in_tenant):
    path = invite_via_dashboard()
    client = anon_client(world.acme)

    page = client.get(path)
    assert page.status_code == 200
    assert b"Join Acme Networks" in page.content
    assert b"Northwind Traders" in page.content
    assert b'name="password1"' in page.content

    response = client.post(path, {"full_name": "Nina Newbie", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/"

    user = get_user_model().objects.get(email=NEW_EMAIL)
    assert user.full_name == "Nina Newbie"
    assert user.check_password(NEW_PASSWORD)
    assert EmailAddress.objects.filter(user=user, email=NEW_EMAIL, verified=True, primary=True).exists()
    with in_tenant(world.acme):
        membership = Membership.objects.get(user=user)
        assert (membership.role, membership.partner, membership.is_active) == (Role.PARTNER_USER, world.northwind, True)
        invitation = Invitation.objects.get(email=NEW_EMAIL)
        assert invitation.status == "accepted"
        assert invitation.accepted_by == user

    assert is_signed_in(client)
    home = client.get("/", follow=True)
    assert home.redirect_chain[-1][0] == "/portal/"
    assert home.context["membership"] == membership


def test_link_works_only_once(world, invite_via_dashboard, anon_client):
    path = invite_via_dashboard()
    client = anon_client(world.acme)
    client.post(path, {"full_name": "Nina Newbie", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    for again in (client, anon_client(world.acme)):
        response = again.get(path)
        assert response.status_code == 410
        assert b"This invitation link cannot be used" in response.content
    response = anon_client(world.acme).post(path, {"full_name": "X", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 410
    assert get_user_model().objects.filter(email=NEW_EMAIL).count() == 1


def test_link_does_not_work_on_another_tenant_host(world, invite_via_dashboard, anon_client):
    path = invite_via_dashboard()
    response = anon_client(world.globex).get(path)
    assert response.status_code == 410
    assert b"Join" not in response.content


def test_made_up_token_is_refused(world, anon_client):
    response = anon_client(world.acme).get("/invitations/not-a-real-token/")
    assert response.status_code == 410
    assert b"This invitation link cannot be used" in response.content


def test_expired_invitation_is_refused(world, invite_via_dashboard, anon_client):
    path = invite_via_dashboard()
    Invitation.unscoped.filter(email=NEW_EMAIL).update(expires_at=timezone.now() - timedelta(seconds=1))
    client = anon_client(world.acme)
    assert client.get(path).status_code == 410
    response = client.post(path, {"full_name": "Late", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 410
    assert b"This invitation link cannot be used" in response.content
    assert not get_user_model().objects.filter(email=NEW_EMAIL).exists()


def test_revoked_invitation_is_refused(world, invite_via_dashboard, anon_client, in_tenant):
    path = invite_via_dashboard()
    with in_tenant(world.acme):
        invitation_revoke(invitation=Invitation.objects.get(email=NEW_EMAIL), actor_membership=world.acme_manager)
    client = anon_client(world.acme)
    assert client.get(path).status_code == 410
    response = client.post(path, {"full_name": "Late", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 410
    assert not get_user_model().objects.filter(email=NEW_EMAIL).exists()


def test_revoke_button_on_the_partner_page(world, invite_via_dashboard, client_as, anon_client):
    path = invite_via_dashboard()
    invitation = Invitation.unscoped.get(email=NEW_EMAIL)
    response = client_as(world.acme_manager).post(f"/manage/invitations/{invitation.pk}/revoke/")
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == "revoked"
    assert anon_client(world.acme).get(path).status_code == 410


def test_only_the_token_hash_is_stored(world, in_tenant):
    with in_tenant(world.acme):
        invitation, token = invitation_create(
            tenant=world.acme, actor_membership=world.acme_manager, email="x@northwind.example",
            role=Role.PARTNER_USER, partner=world.northwind,
        )
    row = Invitation.unscoped.filter(pk=invitation.pk).values().get()
    assert row["token_hash"] == hashlib.sha256(token.encode()).hexdigest()
    assert token not in [str(value) for value in row.values()]
    assert not Invitation.unscoped.filter(token_hash=token).exists()
    # (The outbox row holds the emailed link until it is sent; see the report.)
    assert OutboundEmail.objects.filter(to=["x@northwind.example"]).count() == 1


def test_invalid_new_user_form_shows_errors_next_to_fields(world, invite_via_dashboard, anon_client):
    path = invite_via_dashboard()
    client = anon_client(world.acme)
    response = client.post(path, {"full_name": "", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD + "x"})
    assert response.status_code == 400
    form = response.context["form"]
    assert "full_name" in form.errors and "password2" in form.errors
    assert b'id="id_password2_error"' in response.content
    assert not get_user_model().objects.filter(email=NEW_EMAIL).exists()
    # The invitation is still usable after a failed attempt.
    assert client.get(path).status_code == 200


def test_existing_user_of_another_tenant_joins_with_their_password(world, invite_via_dashboard, anon_client, in_tenant):
    person = world.globex_manager.user
    users_before = get_user_model().objects.count()
    path = invite_via_dashboard(email=person.email)
    client = anon_client(world.acme)

    page = client.get(path)
    assert page.status_code == 200
    assert b"You already have a PRM account" in page.content
    assert b'name="password"' in page.content and b'name="password1"' not in page.content

    wrong = client.post(path, {"password": "not-my-password"})
    assert wrong.status_code == 400
    assert wrong.context["form"].errors["password"] == ["That password does not match the account for this address."]
    assert b'id="id_password_error"' in wrong.content
    assert not is_signed_in(client)

    response = client.post(path, {"password": PASSWORD})
    assert response.status_code == 302
    assert get_user_model().objects.count() == users_before
    with in_tenant(world.acme):
        membership = Membership.objects.get(user=person)
        assert (membership.role, membership.partner) == (Role.PARTNER_USER, world.northwind)
    with in_tenant(world.globex):
        assert Membership.objects.get(user=person).role == Role.CHANNEL_MANAGER
    assert client.get("/", follow=True).redirect_chain[-1][0] == "/portal/"
