"""Resending invitations, seeing failed deliveries, and guarding the existing-account password check."""

import smtplib

import pytest

from prm.invitations.models import Invitation
from prm.invitations.services import invitation_create
from prm.outbox.models import EmailStatus, OutboundEmail
from prm.tenancy.models import Membership, Role
from tests.factories import PASSWORD, UserFactory
from tests.support import links_to


def _invite(world, in_tenant, capture, email="new@northwind.example"):
    with in_tenant(world.acme), capture(execute=True):
        invitation, token = invitation_create(tenant=world.acme, actor_membership=world.acme_manager,
                                              email=email, role=Role.PARTNER_USER, partner=world.northwind)
    return invitation, token


def test_resend_issues_a_new_link_and_kills_the_old_one(world, in_tenant, client_as, anon_client,
                                                        django_capture_on_commit_callbacks, mailoutbox):
    invitation, old_token = _invite(world, in_tenant, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(world.acme_manager).post(f"/manage/invitations/{invitation.pk}/resend/")
    assert response.status_code == 302
    assert len(mailoutbox) == 2
    [new_path] = links_to(mailoutbox[1].body, "acme.localhost", "/invitations/")
    assert old_token not in new_path
    assert anon_client(world.acme).get(f"/invitations/{old_token}/").status_code == 410
    assert anon_client(world.acme).get(new_path).status_code == 200
    with in_tenant(world.acme):
        assert Invitation.objects.filter(email="new@northwind.example", revoked_at__isnull=True).count() == 1


def test_partner_admin_resends_only_own_partners_invitations(world, in_tenant, client_as, django_capture_on_commit_callbacks):
    invitation, _ = _invite(world, in_tenant, django_capture_on_commit_callbacks)
    with in_tenant(world.acme), django_capture_on_commit_callbacks(execute=True):
        contoso_invitation, _ = invitation_create(tenant=world.acme, actor_membership=world.acme_manager,
                                                  email="x@contoso.example", role=Role.PARTNER_USER, partner=world.contoso)
    admin = client_as(world.northwind_admin)
    assert admin.post(f"/portal/invitations/{invitation.pk}/resend/").status_code == 302
    assert admin.post(f"/portal/invitations/{contoso_invitation.pk}/resend/").status_code == 404


def test_failed_delivery_is_shown_next_to_the_invitation(world, in_tenant, client_as, django_capture_on_commit_callbacks,
                                                         monkeypatch, settings):
    def refuse(self, messages):
        raise smtplib.SMTPServerDisconnected("mail server went away")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
    settings.OUTBOX_MAX_ATTEMPTS = 1
    invitation, _ = _invite(world, in_tenant, django_capture_on_commit_callbacks)
    assert OutboundEmail.objects.get(pk=invitation.email_message_id).status == EmailStatus.FAILED
    page = client_as(world.acme_manager).get(f"/manage/partners/{world.northwind.pk}/")
    assert b"The email failed after 1 attempt:" in page.content
    assert b"mail server went away" in page.content
    assert b"Send a new link" in page.content


def test_invitation_email_body_is_erased_once_delivered(world, in_tenant, django_capture_on_commit_callbacks, mailoutbox):
    invitation, token = _invite(world, in_tenant, django_capture_on_commit_callbacks)
    stored = OutboundEmail.objects.get(pk=invitation.email_message_id)
    assert stored.status == EmailStatus.SENT
    assert token not in stored.body_text + stored.body_html
    assert token in mailoutbox[0].body


@pytest.fixture
def globex_person_invited_to_acme(world, in_tenant, django_capture_on_commit_callbacks):
    """An existing account (a Globex manager) invited to Acme: the accept page asks for their password."""
    _, token = _invite(world, in_tenant, django_capture_on_commit_callbacks, email=world.globex_manager.user.email)
    return f"/invitations/{token}/"


def test_wrong_passwords_on_the_accept_page_are_limited(world, anon_client, globex_person_invited_to_acme):
    client = anon_client(world.acme)
    for _ in range(5):
        response = client.post(globex_person_invited_to_acme, {"password": "guess-" * 3})
        assert b"does not match" in response.content
    response = client.post(globex_person_invited_to_acme, {"password": PASSWORD})
    assert response.status_code == 400
    assert b"Too many wrong passwords" in response.content
    assert not Membership.unscoped.filter(tenant=world.acme, user=world.globex_manager.user).exists()


def test_right_password_joins_the_second_program(world, anon_client, globex_person_invited_to_acme):
    response = anon_client(world.acme).post(globex_person_invited_to_acme, {"password": PASSWORD})
    assert response.status_code == 302
    assert Membership.unscoped.filter(tenant=world.acme, user=world.globex_manager.user, role=Role.PARTNER_USER).exists()
    assert UserFactory._meta.model.objects.filter(email=world.globex_manager.user.email).count() == 1


def test_invite_form_defaults_to_the_least_privileged_role(world, client_as):
    page = client_as(world.acme_manager).get(f"/manage/partners/{world.northwind.pk}/").content.decode()
    role_select = page[page.index('name="role"'):]
    assert role_select.index('value="partner_user"') < role_select.index('value="partner_admin"')
