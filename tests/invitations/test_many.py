"""Many invitations at once (a partner import): each with its audit row and its email, the email the
same as the one rendered in full for it, earlier pending invitations replaced, roles checked."""

import re

import pytest
from django.core.exceptions import PermissionDenied

from prm.audit.models import AuditEvent
from prm.invitations import bulk_emails
from prm.invitations.bulk_emails import invitation_email
from prm.invitations.models import Invitation
from prm.invitations.services import invitation_create, invitations_create_many
from prm.invitations.tokens import hash_token
from prm.tenancy.models import Role
from tests.factories import PartnerFactory

TOKEN = re.compile(r"/invitations/([^/\s\"]+)/")


def _invite(world, in_tenant, invitees):
    with in_tenant(world.acme):
        return invitations_create_many(tenant=world.acme, actor_membership=world.acme_manager, invitees=invitees)


def _assert_each_email_is_its_full_render(world, in_tenant):
    with in_tenant(world.acme):
        for invitation in Invitation.objects.select_related("email_message", "partner"):
            email = invitation.email_message
            token = TOKEN.search(email.body_text).group(1)
            assert hash_token(token) == invitation.token_hash
            full = invitation_email(invitation=invitation, token=token, inviter=world.acme_manager.user,
                                    language=email.headers["Content-Language"])
            assert (email.to, email.subject, email.body_text, email.body_html) == (
                full.to, full.subject, full.body_text, full.body_html)


def test_many_invitations_get_an_audit_row_and_the_email_a_full_render_gives(world, in_tenant):
    smith = PartnerFactory(tenant=world.acme, name="Smith & Sons <Ltd>")  # escaped in the HTML part
    invitees = [("ana@northwind.example", Role.PARTNER_ADMIN, world.northwind.pk),
                ("ben@northwind.example", Role.PARTNER_USER, world.northwind.pk),
                ("cy@contoso.example", Role.PARTNER_USER, world.contoso.pk),
                ("dee@smith.example", Role.PARTNER_USER, smith.pk)]
    assert _invite(world, in_tenant, invitees) == 4
    assert sorted(Invitation.unscoped.values_list("email", "role", "partner_id")) == sorted(invitees)
    assert AuditEvent.unscoped.filter(verb="invitation.created").count() == 4
    _assert_each_email_is_its_full_render(world, in_tenant)
    assert "Smith &amp; Sons &lt;Ltd&gt;" in Invitation.unscoped.get(partner=smith).email_message.body_html


def test_a_stencil_that_differs_from_the_full_render_is_not_used(world, in_tenant, monkeypatch):
    fill = bulk_emails._Stencil.fill
    monkeypatch.setattr(bulk_emails._Stencil, "fill", lambda self, invitation, token: fill(self, invitation, token + "x"))
    _invite(world, in_tenant, [(f"user{n}@northwind.example", Role.PARTNER_USER, world.northwind.pk) for n in range(3)])
    _assert_each_email_is_its_full_render(world, in_tenant)


def test_an_earlier_pending_invitation_to_the_same_address_is_revoked(world, in_tenant):
    with in_tenant(world.acme):
        earlier, _token = invitation_create(tenant=world.acme, actor_membership=world.acme_manager,
                                            email="ana@northwind.example", role=Role.PARTNER_USER, partner=world.northwind)
    _invite(world, in_tenant, [("ana@northwind.example", Role.PARTNER_USER, world.northwind.pk)])
    earlier.refresh_from_db()
    assert earlier.revoked_at is not None
    assert Invitation.unscoped.filter(email="ana@northwind.example", revoked_at__isnull=True).count() == 1


def test_a_role_the_member_may_not_grant_refuses_the_whole_list(world, in_tenant):
    with pytest.raises(PermissionDenied):
        _invite(world, in_tenant, [("ana@northwind.example", Role.PARTNER_USER, world.northwind.pk),
                                   ("boss@acme.example", Role.TENANT_ADMIN, world.northwind.pk)])
    assert not Invitation.unscoped.filter(email="ana@northwind.example").exists()
