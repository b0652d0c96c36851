from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from prm.api.viewsets import TenantScopedViewSet
from prm.tenancy.models import Membership, Role

from . import services
from .api_filters import MembershipListFilters, PartnerListFilters, ProfileChangeListFilters
from .models import Partner, ProfileChange
from .selectors import partner_search
from .serializers import (
    MembershipSerializer,
    PartnerDeactivateSerializer,
    PartnerProfileSerializer,
    PartnerSerializer,
    ProfileChangeSerializer,
)


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


class PartnerProfileViewSet(mixins.RetrieveModelMixin, mixins.UpdateModelMixin, TenantScopedViewSet):
    """A partner's company profile. Partner users read their own; their partner admins change it as in
    the portal: plain fields at once, the program's sensitive fields (see `sensitive_fields`) become
    pending changes a manager approves. Staff and keys read any profile and edit partners at /partners/."""

    model = Partner
    partner_field = "pk"
    partner_write_actions = frozenset({"update", "partial_update"})
    serializer_class = PartnerProfileSerializer

    def update(self, request, *args, **kwargs):
        self.get_object()  # another partner's (or tenant's) id is the 404 of a missing one, before the role
        if self.principal.role != Role.PARTNER_ADMIN:
            raise exceptions.PermissionDenied(_("Only the partner's admins change its profile here; the program's "
                                                "staff edit partners at /api/v1/partners/."))
        return super().update(request, *args, **kwargs)

    def perform_update(self, serializer):
        services.partner_profile_update(partner=serializer.instance, actor=self.principal.actor, **serializer.validated_data)
        serializer.instance = Partner.objects.get(pk=serializer.instance.pk)


class ProfileChangeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantScopedViewSet):
    """Partners' requested changes to sensitive profile fields. Partner users see their own partner's;
    staff and keys see all and approve or reject them."""

    model = ProfileChange
    partner_field = "partner"
    serializer_class = ProfileChangeSerializer
    filter_serializer_class = ProfileChangeListFilters

    def narrow(self, queryset):
        queryset = queryset.select_related("partner", "requested_by").order_by("-created_at", "-id")
        for name in ("status", "field"):
            if name in self.filters:
                queryset = queryset.filter(**{name: self.filters[name]})
        if "partner" in self.filters:
            queryset = queryset.filter(partner_id=self.filters["partner"])
        return queryset

    def _decided(self, change):
        return Response(ProfileChangeSerializer(self.model.objects.select_related("partner", "requested_by")
                                                .get(pk=change.pk)).data)

    @extend_schema(request=None, responses=ProfileChangeSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Apply the change to the partner's profile."""
        change = self.get_object()
        services.profile_change_approve(change=change, actor=self.principal.actor)
        return self._decided(change)

    @extend_schema(request=None, responses=ProfileChangeSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """Leave the profile as it is."""
        change = self.get_object()
        services.profile_change_reject(change=change, actor=self.principal.actor)
        return self._decided(change)
