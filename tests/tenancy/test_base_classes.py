"""The scoped base classes refuse subclasses that replace get_queryset, get_object or scope (they may only narrow)."""

import pytest
from django.http import Http404
from django.views import View
from django.views.generic import ListView

from partners.models import Partner
from prm.api.viewsets import TenantScopedViewSet
from prm.tenancy.models import Membership
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


@pytest.mark.parametrize("base", [ScopedViewMixin, DashboardViewMixin, PortalViewMixin])
def test_view_base_refuses_get_object_override(base):
    with pytest.raises(TypeError, match="get_object"):

        class Leaky(base, View):
            model = Partner

            def get_object(self):
                return Partner.unscoped.get(pk=self.kwargs["pk"])


@pytest.mark.parametrize("base", [ScopedViewMixin, DashboardViewMixin, PortalViewMixin])
def test_view_base_refuses_scope_override(base):
    with pytest.raises(TypeError, match="scope"):

        class Unscoped(base, View):
            model = Partner

            def scope(self, queryset):
                return Partner.unscoped.all()


def test_view_base_refuses_an_override_from_a_mixin_placed_before_it():
    class FetchesItsOwn:
        def get_object(self):
            return Partner.unscoped.get(pk=self.kwargs["pk"])

    with pytest.raises(TypeError, match="get_object"):

        class Leaky(FetchesItsOwn, DashboardViewMixin, View):
            model = Partner


def test_view_base_get_object_stays_in_the_scope(world, in_tenant):
    class Detail(PortalViewMixin, View):
        model = Membership

    view = Detail()
    view.partner = world.northwind
    with in_tenant(world.acme):
        view.kwargs = {"pk": world.northwind_rep.pk}
        assert view.get_object() == world.northwind_rep
        for other in (world.contoso_rep, world.initech_admin):  # another partner, another tenant
            view.kwargs = {"pk": other.pk}
            with pytest.raises(Http404):
                view.get_object()
