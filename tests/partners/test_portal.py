"""The partner portal: partner users see their own team; partner admins manage it, and only it."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from prm.audit.models import AuditEvent
from prm.invitations.models import Invitation
from prm.tenancy.models import Membership, Role
from prm.tenancy.services import membership_deactivate
from tests.factories import MembershipFactory, UserFactory
from tests.support import is_signed_in, sign_in

TEAM = "/portal/team/"


def _emails(response):
    return sorted(m.user.email for m in response.context["team"])


@pytest.mark.parametrize("member", ["northwind_rep", "northwind_admin"])
def test_partner_users_see_only_their_own_team(world, client_as, member):
    response = client_as(getattr(world, member)).get(TEAM)
    assert response.status_code == 200
    assert _emails(response) == ["admin@northwind.example", "rep@northwind.example"]
    assert b"rep@contoso.example" not in response.content
    assert b"manager@acme.example" not in response.content


def test_partner_user_sees_no_invite_form_or_buttons(world, client_as):
    response = client_as(world.northwind_rep).get(TEAM)
    assert response.context["form"] is None
    assert b"Send invitation" not in response.content
    assert b"Deactivate" not in response.content


def test_staff_cannot_use_the_portal(world, client_as):
    assert client_as(world.acme_manager).get(TEAM).status_code == 403


def test_partner_admin_invites_a_colleague(world, client_as, django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(world.northwind_admin).post(TEAM, {"email": "new@northwind.example", "role": Role.PARTNER_USER})
    assert response.status_code == 302
    assert response["Location"] == TEAM
    invitation = Invitation.unscoped.get(email="new@northwind.example")
    assert (invitation.tenant, invitation.partner, invitation.role) == (world.acme, world.northwind, Role.PARTNER_USER)
    assert invitation.invited_by == world.northwind_admin.user
    assert [m.to for m in mailoutbox] == [["new@northwind.example"]]


def test_partner_admin_cannot_pick_a_staff_role(world, client_as):
    response = client_as(world.northwind_admin).post(TEAM, {"email": "boss@northwind.example", "role": Role.TENANT_ADMIN})
    assert response.status_code == 400
    assert "role" in response.context["form"].errors
    assert not Invitation.unscoped.filter(email="boss@northwind.example").exists()


def test_partner_admin_invite_to_a_member_shows_email_error(world, client_as):
    response = client_as(world.northwind_admin).post(TEAM, {"email": "rep@contoso.example", "role": Role.PARTNER_USER})
    assert response.status_code == 400
    assert response.context["form"].errors["email"] == ["This person is already a member of this program."]


def test_partner_admin_deactivates_and_reactivates_a_team_member(world, client_as, anon_client):
    admin = client_as(world.northwind_admin)
    rep_session = client_as(world.northwind_rep)

    response = admin.post(f"/portal/team/{world.northwind_rep.pk}/deactivate/")
    assert response.status_code == 302
    assert not Membership.unscoped.get(pk=world.northwind_rep.pk).is_active
    event = AuditEvent.unscoped.get(verb="membership.deactivated", target_id=str(world.northwind_rep.pk))
    assert (event.actor, event.from_state, event.to_state) == (world.northwind_admin.user, "active", "inactive")
    # The person is signed out and cannot sign in again.
    assert rep_session.get("/portal/").status_code == 302
    assert not is_signed_in(rep_session)
    fresh = anon_client(world.acme)
    sign_in(fresh, world.northwind_rep.user.email)
    assert not is_signed_in(fresh)

    assert admin.post(f"/portal/team/{world.northwind_rep.pk}/reactivate/").status_code == 302
    assert Membership.unscoped.get(pk=world.northwind_rep.pk).is_active


def test_partner_admin_cannot_touch_another_partners_member(world, client_as):
    admin = client_as(world.northwind_admin)
    for action in ("deactivate", "reactivate"):
        assert admin.post(f"/portal/team/{world.contoso_rep.pk}/{action}/").status_code == 404
    # Nor a staff member, nor someone of another tenant: all the same 404.
    assert admin.post(f"/portal/team/{world.acme_manager.pk}/deactivate/").status_code == 404
    assert admin.post(f"/portal/team/{world.initech_admin.pk}/deactivate/").status_code == 404
    assert Membership.unscoped.filter(is_active=False).count() == 0


def test_partner_admin_cannot_revoke_another_partners_invitation(world, client_as, in_tenant):
    from prm.invitations.services import invitation_create

    with in_tenant(world.acme):
        invitation, _ = invitation_create(tenant=world.acme, actor_membership=world.acme_manager,
                                          email="c2@contoso.example", role=Role.PARTNER_USER, partner=world.contoso)
    assert client_as(world.northwind_admin).post(f"/portal/invitations/{invitation.pk}/revoke/").status_code == 404
    invitation.refresh_from_db()
    assert invitation.status == "pending"


def test_partner_user_cannot_deactivate_anyone(world, client_as):
    response = client_as(world.northwind_rep).post(f"/portal/team/{world.northwind_admin.pk}/deactivate/")
    assert response.status_code == 403
    assert Membership.unscoped.get(pk=world.northwind_admin.pk).is_active


def test_nobody_can_deactivate_themselves(world, client_as):
    response = client_as(world.northwind_admin).post(f"/portal/team/{world.northwind_admin.pk}/deactivate/", follow=True)
    assert b"You cannot deactivate yourself" in response.content
    assert Membership.unscoped.get(pk=world.northwind_admin.pk).is_active

    response = client_as(world.acme_admin).post(f"/manage/memberships/{world.acme_admin.pk}/deactivate/", follow=True)
    assert b"You cannot deactivate yourself" in response.content
    assert Membership.unscoped.get(pk=world.acme_admin.pk).is_active


def test_channel_manager_cannot_deactivate_staff(world, client_as, in_tenant):
    response = client_as(world.acme_manager).post(f"/manage/memberships/{world.acme_admin.pk}/deactivate/", follow=True)
    assert b"You may not manage this person." in response.content
    assert Membership.unscoped.get(pk=world.acme_admin.pk).is_active
    with in_tenant(world.acme), pytest.raises(PermissionDenied):
        membership_deactivate(membership=world.acme_admin, actor_membership=world.acme_manager)


def test_the_last_tenant_admin_cannot_be_deactivated(world, in_tenant):
    second = MembershipFactory(tenant=world.acme, user=UserFactory(email="admin2@acme.example"), role=Role.TENANT_ADMIN)
    with in_tenant(world.acme):
        # With two admins, one may deactivate the other ...
        membership_deactivate(membership=second, actor_membership=world.acme_admin)
        assert not Membership.objects.get(pk=second.pk).is_active
        # ... but not the other way round at the same time (a stale, racing request):
        # that would leave the program with no active admin.
        with pytest.raises(ValidationError, match="at least one active tenant admin"):
            membership_deactivate(membership=world.acme_admin, actor_membership=second)
        assert Membership.objects.get(pk=world.acme_admin.pk).is_active


def test_tenant_admin_deactivates_another_admin_from_the_team_page(world, client_as):
    second = MembershipFactory(tenant=world.acme, user=UserFactory(email="admin2@acme.example"), role=Role.TENANT_ADMIN)
    response = client_as(world.acme_admin).post(f"/manage/memberships/{second.pk}/deactivate/")
    assert response.status_code == 302
    assert response["Location"] == "/manage/team/"
    assert not Membership.unscoped.get(pk=second.pk).is_active
