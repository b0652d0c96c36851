"""Scoped default managers fail closed: no tenant in force, no rows."""

import pytest

from partners.models import Partner
from prm.tenancy.context import TenantNotSet, get_current_tenant
from prm.tenancy.models import Membership


def test_scoped_manager_raises_without_a_tenant(world):
    assert get_current_tenant() is None
    with pytest.raises(TenantNotSet):
        Partner.objects.count()
    with pytest.raises(TenantNotSet):
        list(Membership.objects.filter(is_active=True))


def test_scoped_manager_filters_to_the_tenant_in_force(world, in_tenant):
    with in_tenant(world.acme):
        assert set(Partner.objects.values_list("name", flat=True)) == {"Northwind Traders", "Contoso Integration"}
        assert not Partner.objects.filter(pk=world.initech.pk).exists()
        assert {m.tenant_id for m in Membership.objects.all()} == {world.acme.pk}
    with in_tenant(world.globex):
        assert list(Partner.objects.values_list("name", flat=True)) == ["Initech Solutions"]


def test_tenant_context_is_reset_on_exit(world, in_tenant):
    with in_tenant(world.acme):
        assert get_current_tenant() == world.acme
    assert get_current_tenant() is None
    with pytest.raises(TenantNotSet):
        Partner.objects.exists()


def test_unscoped_manager_sees_every_tenant(world, in_tenant):
    assert Partner.unscoped.count() == 3
    with in_tenant(world.acme):
        # Opting out is explicit and the ORM does not narrow it by the tenant in force either. (On
        # PostgreSQL row-level security still does, in the database: tests/tenancy/test_rls.py.)
        assert "tenant_id" not in str(Partner.unscoped.values_list("name").query)
