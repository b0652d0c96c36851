"""An API key works only while the tenant admin who created it is an active tenant admin of its tenant."""

import pytest
from rest_framework.test import APIClient

from prm.api.models import ApiKey
from prm.api.services import api_key_create
from prm.tenancy.models import Membership, Role
from prm.tenancy.services import membership_deactivate, membership_reactivate
from tests.factories import MembershipFactory, UserFactory

PARTNERS = "/api/v1/partners/"
KEYS = "/manage/api-keys/"


@pytest.fixture
def second_admin(world):
    return MembershipFactory(tenant=world.acme, user=UserFactory(email="admin2@acme.example"), role=Role.TENANT_ADMIN)


@pytest.fixture
def raw_key(world, in_tenant):
    with in_tenant(world.acme):
        _, raw = api_key_create(tenant=world.acme, actor=world.acme_admin.user, name="CRM")
    return raw


def _call(raw):
    client = APIClient(HTTP_HOST="acme.localhost")
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    return client.get(PARTNERS)


def test_the_key_works_while_its_creator_is_an_active_tenant_admin(world, raw_key):
    assert _call(raw_key).status_code == 200


def test_deactivating_the_creator_stops_the_key_and_reactivating_restores_it(world, raw_key, second_admin, in_tenant):
    with in_tenant(world.acme):
        membership_deactivate(membership=world.acme_admin, actor_membership=second_admin)
    response = _call(raw_key)
    assert response.status_code == 401
    assert "deactivated" in response.json()["detail"]

    with in_tenant(world.acme):
        membership_reactivate(membership=Membership.objects.get(pk=world.acme_admin.pk), actor_membership=second_admin)
    assert _call(raw_key).status_code == 200


def test_lowering_the_creator_below_tenant_admin_stops_the_key(world, raw_key):
    Membership.unscoped.filter(pk=world.acme_admin.pk).update(role=Role.CHANNEL_MANAGER)
    response = _call(raw_key)
    assert response.status_code == 401
    assert "no longer a tenant admin" in response.json()["detail"]


def test_removing_the_creator_or_their_account_stops_the_key(world, raw_key):
    world.acme_admin.user.is_active = False
    world.acme_admin.user.save(update_fields=["is_active"])
    assert "account is disabled" in _call(raw_key).json()["detail"]

    Membership.unscoped.filter(pk=world.acme_admin.pk).delete()
    response = _call(raw_key)
    assert response.status_code == 401
    assert "no longer a member" in response.json()["detail"]


def test_a_membership_in_another_tenant_does_not_keep_the_key_alive(world, raw_key):
    # The creator is also globex's tenant admin, but no longer acme's.
    MembershipFactory(tenant=world.globex, user=world.acme_admin.user, role=Role.TENANT_ADMIN)
    Membership.unscoped.filter(pk=world.acme_admin.pk).update(is_active=False)
    assert _call(raw_key).status_code == 401


def test_the_key_list_says_which_keys_are_inactive_and_why(world, raw_key, second_admin, client_as, in_tenant):
    with in_tenant(world.acme):
        api_key_create(tenant=world.acme, actor=second_admin.user, name="ERP")
        membership_deactivate(membership=world.acme_admin, actor_membership=second_admin)
    page = client_as(second_admin).get(KEYS).content.decode()
    crm_row = page[page.index("<td>CRM</td>"):].split("</tr>")[0]
    erp_row = page[page.index("<td>ERP</td>"):].split("</tr>")[0]
    assert "Inactive" in crm_row and "membership is deactivated" in crm_row
    assert "Inactive" not in erp_row and "Active" in erp_row
    # An inactive key can still be revoked for good.
    assert "Revoke" in crm_row
    assert ApiKey.unscoped.filter(name="CRM", revoked_at__isnull=True).exists()


def test_a_refused_key_records_no_use(world, raw_key):
    Membership.unscoped.filter(pk=world.acme_admin.pk).update(role=Role.CHANNEL_MANAGER)
    assert _call(raw_key).status_code == 401
    assert ApiKey.unscoped.get().last_used_at is None
    Membership.unscoped.filter(pk=world.acme_admin.pk).update(role=Role.TENANT_ADMIN)
    assert _call(raw_key).status_code == 200
    assert ApiKey.unscoped.get().last_used_at is not None
