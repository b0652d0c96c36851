"""The tier ladder over the API. Everyone in the program reads it (partner users too: what the next
tier needs); tenant admins create, change and delete tiers, requirements nested."""

from django.utils.translation import gettext as _
from rest_framework import exceptions, mixins, status
from rest_framework.response import Response

from prm.api.viewsets import TenantScopedViewSet

from . import management
from .models import Tier
from .serializers import TierListFilters, TierSerializer


def _whole_ladder(queryset, partner_id):
    """Partner users read every tier: the ladder is the program's, not any partner's."""
    return queryset


class TierViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                  mixins.UpdateModelMixin, mixins.DestroyModelMixin, TenantScopedViewSet):
    """The program's tiers, lowest first. Writes are for tenant admins (as on the dashboard)."""

    model = Tier
    partner_scope = staticmethod(_whole_ladder)
    serializer_class = TierSerializer
    filter_serializer_class = TierListFilters

    def narrow(self, queryset):
        if "q" in self.filters:
            queryset = queryset.filter(name__icontains=self.filters["q"])
        return queryset.prefetch_related("requirements").order_by("rank", "pk")

    def _tenant_admin_only(self):
        membership = getattr(self.request._request, "membership", None)
        if membership is None or not membership.is_tenant_admin:
            raise exceptions.PermissionDenied(_("Only a tenant admin changes the tiers."))

    def create(self, request, *args, **kwargs):
        self._tenant_admin_only()
        return super().create(request, *args, **kwargs)

    def update(self, request, *args, **kwargs):
        self.get_object()  # a missing or foreign tier is the 404 before the role is checked
        self._tenant_admin_only()
        return super().update(request, *args, **kwargs)

    def destroy(self, request, *args, **kwargs):
        tier = self.get_object()
        self._tenant_admin_only()
        management.tier_delete(tier=tier, actor=self.principal.actor)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        requirements = data.pop("requirements", [])
        serializer.instance = management.tier_create(tenant=self.request._request.tenant, actor=self.principal.actor,
                                                     requirements=requirements, **data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        requirements = data.pop("requirements", None)
        if requirements is None and not serializer.partial:
            requirements = []  # a PUT without requirements says the tier has none
        serializer.instance = management.tier_update(tier=serializer.instance, actor=self.principal.actor,
                                                     requirements=requirements, **data)
