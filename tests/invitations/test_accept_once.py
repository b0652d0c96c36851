"""An invitation is used once, even when two acceptances race."""

import os
import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from prm.invitations.models import Invitation
from prm.invitations.services import InvitationUnusable, invitation_accept, invitation_create
from prm.tenancy.context import tenant_context
from prm.tenancy.models import Membership, Role

EMAIL = "racer@northwind.example"
PASSWORD = "racing-password-123"


def _create(world):
    with tenant_context(world.acme):
        invitation, _ = invitation_create(
            tenant=world.acme, actor_membership=world.acme_manager, email=EMAIL,
            role=Role.PARTNER_USER, partner=world.northwind,
        )
    return invitation


def test_second_acceptance_of_the_same_invitation_fails(world, in_tenant):
    invitation = _create(world)
    with in_tenant(world.acme):
        membership = invitation_accept(invitation=invitation, full_name="First", password=PASSWORD)
        with pytest.raises(InvitationUnusable):
            invitation_accept(invitation=invitation, full_name="Second", password=PASSWORD)
        with pytest.raises(InvitationUnusable):
            invitation_accept(invitation=invitation, user=world.globex_manager.user)
        assert Membership.objects.filter(user__email=EMAIL).count() == 1
    assert membership.user.full_name == "First"
    assert get_user_model().objects.filter(email=EMAIL).count() == 1


def test_accepting_for_another_address_is_refused_and_rolled_back(world, in_tenant):
    from django.core.exceptions import PermissionDenied

    invitation = _create(world)
    with in_tenant(world.acme):
        with pytest.raises(PermissionDenied):
            invitation_accept(invitation=invitation, user=world.globex_manager.user)
        invitation.refresh_from_db()
        # The whole acceptance rolled back: the link still works for the right person.
        assert invitation.status == "pending"
        assert not Membership.objects.filter(user=world.globex_manager.user).exists()


@pytest.mark.postgres
@pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="needs PostgreSQL (DATABASE_URL)")
@pytest.mark.django_db(transaction=True)
def test_concurrent_acceptances_exactly_one_wins(world):
    invitation = _create(world)
    barrier = threading.Barrier(2)
    outcomes = []

    def accept(name):
        try:
            with tenant_context(world.acme):
                barrier.wait(timeout=10)
                invitation_accept(invitation=invitation, full_name=name, password=PASSWORD)
            outcomes.append("accepted")
        except InvitationUnusable:
            outcomes.append("unusable")
        except Exception as exc:  # noqa: BLE001 — reported by the assertion below
            outcomes.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(name,)) for name in ("One", "Two")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["accepted", "unusable"]
    assert get_user_model().objects.filter(email=EMAIL).count() == 1
    assert Membership.unscoped.filter(tenant=world.acme, user__email=EMAIL).count() == 1
    assert Invitation.unscoped.get(pk=invitation.pk).status == "accepted"
