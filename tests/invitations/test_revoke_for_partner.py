"""Deactivating a partner revokes its pending invitations through the invitations service: one
audit row per invitation, the other partner's invitations untouched."""

import pytest

from partners.services import partner_deactivate
from prm.audit.models import AuditEvent
from prm.invitations.audit_verbs import InvitationVerb
from prm.invitations.models import Invitation
from prm.invitations.services import invitation_create
from prm.tenancy.models import Role

pytestmark = pytest.mark.django_db


def test_deactivating_a_partner_revokes_its_pending_invitations_with_an_audit_row_each(world, in_tenant):
    with in_tenant(world.acme):
        mine = [invitation_create(tenant=world.acme, actor_membership=world.northwind_admin, email=f"new{n}@northwind.example",
                                  role=Role.PARTNER_USER, partner=world.northwind)[0] for n in range(2)]
        theirs, _ = invitation_create(tenant=world.acme, actor_membership=world.acme_manager, email="new@contoso.example",
                                      role=Role.PARTNER_USER, partner=world.contoso)
        partner_deactivate(partner=world.northwind, actor=world.acme_manager.user, reason="contract ended")
        assert [i.revoked_at is not None for i in Invitation.objects.filter(pk__in=[m.pk for m in mine])] == [True, True]
        assert Invitation.objects.get(pk=theirs.pk).revoked_at is None
        revoked = AuditEvent.objects.filter(verb=InvitationVerb.REVOKED)
        assert sorted(int(e.target_id) for e in revoked) == sorted(m.pk for m in mine)
        assert {(e.actor, e.data["reason"]) for e in revoked} == {(world.acme_manager.user, "partner deactivated")}
