from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from prm.api.viewsets import TenantScopedViewSet
from prm.tenancy.models import Membership

from . import services
from .api_filters import MembershipListFilters, PartnerListFilters
from .models import Partner
from .selectors import partner_search
from .serializers import MembershipSerializer, PartnerDeactivateSerializer, PartnerSerializer


class PartnerViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                     mixins.UpdateModelMixin, TenantScopedViewSet):
    """Partners of the tenant. Partner users see only their own partner, read-only."""

    model = Partner
    partner_field = "pk"
    serializer_class = PartnerSerializer
    filter_serializer_class = PartnerListFilters

    def narrow(self, queryset):
        if self.action != "list":
            return queryset
        return partner_search(base=queryset, query=self.filters.get("q", ""), status=self.filters.get("status", ""),
                              tier=self.filters.get("tier", ""))

    def perform_create(self, serializer):
        serializer.instance = services.partner_create(
            tenant=self.request._request.tenant, actor=self.principal.actor, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.partner_update(
            partner=serializer.instance, actor=self.principal.actor, **serializer.validated_data
        )

    @extend_schema(request=PartnerDeactivateSerializer, responses=PartnerSerializer)
    @action(detail=True, methods=["post"])
    def deactivate(self, request, pk=None):
        partner = self.get_object()
        body = PartnerDeactivateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.partner_deactivate(partner=partner, actor=self.principal.actor, reason=body.validated_data.get("reason", ""))
        return Response(PartnerSerializer(partner).data, status=status.HTTP_200_OK)

    @extend_schema(request=None, responses=PartnerSerializer)
    @action(detail=True, methods=["post"])
    def reactivate(self, request, pk=None):
        partner = self.get_object()
        services.partner_reactivate(partner=partner, actor=self.principal.actor)
        return Response(PartnerSerializer(partner).data)


class MembershipViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantScopedViewSet):
    """People in the program and their roles. Partner users see their own partner's team."""

    model = Membership
    partner_field = "partner"
    serializer_class = MembershipSerializer
    filter_serializer_class = MembershipListFilters

    def narrow(self, queryset):
        queryset = queryset.select_related("user")
        if "partner" in self.filters:
            queryset = queryset.filter(partner_id=self.filters["partner"])
        if "role" in self.filters:
            queryset = queryset.filter(role=self.filters["role"])
        return queryset.order_by("user__email")
