"""Who may invite whom, and what invitation_create refuses."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from partners.services import partner_deactivate
from prm.invitations.models import Invitation
from prm.invitations.rules import can_invite
from prm.invitations.services import invitation_create
from prm.tenancy.models import Membership, Role


@pytest.fixture
def invite(world, in_tenant):
    def make(actor, role, email="someone@example.com", partner=None):
        with in_tenant(actor.tenant):
            return invitation_create(tenant=actor.tenant, actor_membership=actor, email=email, role=role, partner=partner)

    return make


@pytest.mark.parametrize(
    ("actor", "role", "partner", "allowed"),
    [
        ("acme_admin", Role.TENANT_ADMIN, None, True),
        ("acme_admin", Role.CHANNEL_MANAGER, None, True),
        ("acme_admin", Role.PARTNER_ADMIN, "northwind", True),
        ("acme_manager", Role.TENANT_ADMIN, None, False),
        ("acme_manager", Role.CHANNEL_MANAGER, None, False),
        ("acme_manager", Role.PARTNER_ADMIN, "contoso", True),
        ("acme_manager", Role.PARTNER_USER, "northwind", True),
        ("northwind_admin", Role.PARTNER_USER, "northwind", True),
        ("northwind_admin", Role.PARTNER_ADMIN, "northwind", True),
        ("northwind_admin", Role.PARTNER_USER, "contoso", False),
        ("northwind_admin", Role.CHANNEL_MANAGER, None, False),
        ("northwind_rep", Role.PARTNER_USER, "northwind", False),
    ],
)
def test_can_invite(world, actor, role, partner, allowed):
    assert can_invite(getattr(world, actor), role, getattr(world, partner) if partner else None) is allowed


def test_channel_manager_cannot_invite_a_tenant_admin(world, invite, in_tenant):
    with pytest.raises(PermissionDenied):
        invite(world.acme_manager, Role.TENANT_ADMIN, "boss@example.com")
    with in_tenant(world.acme):
        assert not Invitation.objects.filter(email="boss@example.com").exists()


def test_partner_admin_invites_only_for_their_own_partner(world, invite, in_tenant):
    with pytest.raises(PermissionDenied):
        invite(world.northwind_admin, Role.PARTNER_USER, "spy@contoso.example", partner=world.contoso)
    invitation, _ = invite(world.northwind_admin, Role.PARTNER_USER, "colleague@northwind.example", partner=world.northwind)
    assert invitation.partner == world.northwind
    with in_tenant(world.acme):
        assert list(Invitation.objects.values_list("email", flat=True)) == ["colleague@northwind.example"]


def test_partner_user_cannot_invite(world, invite):
    with pytest.raises(PermissionDenied):
        invite(world.northwind_rep, Role.PARTNER_USER, "friend@northwind.example", partner=world.northwind)


def test_partner_user_portal_invite_is_forbidden(world, client_as, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(world.northwind_rep).post(
            "/portal/team/", {"email": "friend@northwind.example", "role": Role.PARTNER_USER}
        )
    assert response.status_code == 403
    assert not Invitation.unscoped.filter(email="friend@northwind.example").exists()
    assert mailoutbox == []


def test_channel_manager_dashboard_cannot_pick_tenant_admin(world, client_as):
    response = client_as(world.acme_manager).post("/manage/team/", {"email": "boss@example.com", "role": Role.TENANT_ADMIN})
    assert response.status_code == 403  # the staff team page is for tenant admins only
    response = client_as(world.acme_manager).post(
        f"/manage/partners/{world.northwind.pk}/invite/", {"email": "boss@example.com", "role": Role.TENANT_ADMIN}
    )
    assert response.status_code == 400
    assert "role" in response.context["invite_form"].errors
    assert not Invitation.unscoped.filter(email="boss@example.com").exists()


def test_partner_role_needs_a_partner(world, invite):
    with pytest.raises(ValidationError) as excinfo:
        invite(world.acme_manager, Role.PARTNER_USER, "nobody@example.com")
    assert "partner" in excinfo.value.message_dict


def test_inviting_an_active_member_is_an_error_on_email(world, invite):
    with pytest.raises(ValidationError) as excinfo:
        invite(world.acme_manager, Role.PARTNER_USER, "REP@northwind.example", partner=world.northwind)
    assert list(excinfo.value.message_dict) == ["email"]


def test_inviting_an_active_member_shows_the_error_next_to_email(world, client_as):
    response = client_as(world.acme_manager).post(
        f"/manage/partners/{world.northwind.pk}/invite/", {"email": world.contoso_rep.user.email, "role": Role.PARTNER_USER}
    )
    assert response.status_code == 400
    assert response.context["invite_form"].errors["email"] == ["This person is already a member of this program."]
    assert b'id="id_email_error"' in response.content


def test_member_of_another_tenant_can_be_invited(world, invite):
    invitation, _ = invite(world.acme_manager, Role.PARTNER_USER, world.initech_admin.user.email, partner=world.northwind)
    assert invitation.status == "pending"


def test_deactivated_member_can_be_invited_again(world, invite):
    Membership.unscoped.filter(pk=world.contoso_rep.pk).update(is_active=False)
    invitation, _ = invite(world.acme_manager, Role.PARTNER_USER, world.contoso_rep.user.email, partner=world.contoso)
    assert invitation.status == "pending"


def test_reinviting_revokes_the_earlier_pending_invitation(world, invite, in_tenant):
    first, _ = invite(world.acme_manager, Role.PARTNER_USER, "twice@example.com", partner=world.northwind)
    second, _ = invite(world.acme_manager, Role.PARTNER_ADMIN, "Twice@Example.com", partner=world.northwind)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == "revoked"
    assert second.status == "pending"
    assert second.email == "twice@example.com"
    with in_tenant(world.acme):
        assert Invitation.objects.filter(email="twice@example.com", revoked_at__isnull=True).count() == 1


def test_reinviting_in_one_tenant_leaves_another_tenants_invitation(world, invite):
    acme_invitation, _ = invite(world.acme_manager, Role.PARTNER_USER, "both@example.com", partner=world.northwind)
    invite(world.globex_manager, Role.PARTNER_USER, "both@example.com", partner=world.initech)
    acme_invitation.refresh_from_db()
    assert acme_invitation.status == "pending"


def test_invitation_to_a_deactivated_partner_is_refused(world, invite, in_tenant):
    with in_tenant(world.acme):
        partner_deactivate(partner=world.northwind, actor=world.acme_manager.user)
    with pytest.raises(ValidationError) as excinfo:
        invite(world.acme_manager, Role.PARTNER_USER, "late@northwind.example", partner=world.northwind)
    assert "partner" in excinfo.value.message_dict
    assert not Invitation.unscoped.filter(email="late@northwind.example").exists()


def test_invitation_writes_an_audit_row(world, invite, in_tenant):
    from prm.audit.models import AuditEvent

    invitation, _ = invite(world.acme_manager, Role.PARTNER_USER, "audited@example.com", partner=world.northwind)
    with in_tenant(world.acme):
        event = AuditEvent.objects.get(verb="invitation.created")
    assert event.actor == world.acme_manager.user
    assert (event.target_type, event.target_id, event.to_state) == ("invitations.invitation", str(invitation.pk), "pending")
