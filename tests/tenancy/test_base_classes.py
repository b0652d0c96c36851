"""The scoped base classes refuse subclasses that replace get_queryset (they may only narrow)."""

import pytest
from django.views.generic import ListView

from partners.models import Partner
from prm.api.viewsets import TenantScopedViewSet
from prm.tenancy.views import DashboardViewMixin, PortalViewMixin, ScopedViewMixin


@pytest.mark.parametrize("base", [ScopedViewMixin, DashboardViewMixin, PortalViewMixin])
def test_view_base_refuses_get_queryset_override(base):
    with pytest.raises(TypeError, match="narrow"):

        class Leaky(base, ListView):
            model = Partner

            def get_queryset(self):
                return Partner.unscoped.all()


def test_view_base_refuses_override_deeper_in_the_hierarchy():
    class Allowed(DashboardViewMixin, ListView):
        model = Partner

    with pytest.raises(TypeError):

        class Leaky(Allowed):
            def get_queryset(self):
                return Partner.unscoped.all()


def test_view_base_accepts_narrow(world, in_tenant):
    class Narrowed(DashboardViewMixin, ListView):
        model = Partner

        def narrow(self, queryset):
            return queryset.filter(name__startswith="North")

    with in_tenant(world.acme):
        assert [p.name for p in Narrowed().get_queryset()] == ["Northwind Traders"]


def test_viewset_base_refuses_get_queryset_override():
    with pytest.raises(TypeError, match="narrow"):

        class Leaky(TenantScopedViewSet):
            model = Partner

            def get_queryset(self):
                return Partner.unscoped.all()


def test_viewset_base_accepts_narrow_and_keeps_the_tenant_scope(world, in_tenant):
    class Narrowed(TenantScopedViewSet):
        model = Partner

        def narrow(self, queryset):
            return queryset.exclude(name__startswith="North")

    view = Narrowed()
    view.principal = None
    with in_tenant(world.acme):
        assert [p.name for p in view.get_queryset()] == ["Contoso Integration"]
