from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from prm.api.viewsets import TenantScopedViewSet
from prm.tenancy.models import Membership

from . import services
from .models import Partner
from .selectors import partner_search
from .serializers import MembershipSerializer, PartnerDeactivateSerializer, PartnerSerializer


def _as_drf_error(exc: DjangoValidationError):
    return serializers.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages})


@extend_schema(parameters=[
    OpenApiParameter("q", str, description="Search name, domain, contact, tier, country."),
    OpenApiParameter("status", str, enum=["onboarding", "active", "inactive"]),
    OpenApiParameter("tier", str),
])
class PartnerViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                     mixins.UpdateModelMixin, TenantScopedViewSet):
    """Partners of the tenant. Partner users see only their own partner, read-only."""

    model = Partner
    partner_field = "pk"
    serializer_class = PartnerSerializer

    def narrow(self, queryset):
        if self.action != "list":
            return queryset
        params = self.request.query_params
        return partner_search(
            base=queryset, query=params.get("q", ""), status=params.get("status", ""), tier=params.get("tier", "")
        )

    def perform_create(self, serializer):
        try:
            serializer.instance = services.partner_create(
                tenant=self.request._request.tenant, actor=self.principal.actor, **serializer.validated_data
            )
        except DjangoValidationError as exc:
            raise _as_drf_error(exc) from None

    def perform_update(self, serializer):
        try:
            serializer.instance = services.partner_update(
                partner=serializer.instance, actor=self.principal.actor, **serializer.validated_data
            )
        except DjangoValidationError as exc:
            raise _as_drf_error(exc) from None

    @extend_schema(request=PartnerDeactivateSerializer, responses=PartnerSerializer)
    @action(detail=True, methods=["post"])
    def deactivate(self, request, pk=None):
        partner = self.get_object()
        body = PartnerDeactivateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            services.partner_deactivate(partner=partner, actor=self.principal.actor, reason=body.validated_data.get("reason", ""))
        except DjangoValidationError as exc:
            raise _as_drf_error(exc) from None
        return Response(PartnerSerializer(partner).data, status=status.HTTP_200_OK)

    @extend_schema(request=None, responses=PartnerSerializer)
    @action(detail=True, methods=["post"])
    def reactivate(self, request, pk=None):
        partner = self.get_object()
        try:
            services.partner_reactivate(partner=partner, actor=self.principal.actor)
        except DjangoValidationError as exc:
            raise _as_drf_error(exc) from None
        return Response(PartnerSerializer(partner).data)


@extend_schema(parameters=[OpenApiParameter("partner", int), OpenApiParameter("role", str)])
class MembershipViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantScopedViewSet):
    """People in the program and their roles. Partner users see their own partner's team."""

    model = Membership
    partner_field = "partner"
    serializer_class = MembershipSerializer

    def narrow(self, queryset):
        queryset = queryset.select_related("user")
        params = self.request.query_params
        if params.get("partner", "").isdigit():
            queryset = queryset.filter(partner_id=params["partner"])
        if params.get("role"):
            queryset = queryset.filter(role=params["role"])
        return queryset.order_by("user__email")
