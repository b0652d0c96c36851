from drf_spectacular.utils import extend_schema
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.response import Response

from partners.models import Partner
from prm.api.viewsets import TenantScopedViewSet

from . import services
from .selectors import partner_evaluations, partners_in_state
from .serializers_evaluations import (
    TierEvaluationListFilters,
    TierEvaluationSerializer,
    TierHoldRequestSerializer,
    TierOverrideSerializer,
    TierRejectSerializer,
)


class TierEvaluationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantScopedViewSet):
    """Partners' tier evaluations, by partner id: the latest figures and what they decided. Partner users
    read their own; staff approve or reject a pending upgrade, hold or release a tier, or set it."""

    model = Partner
    partner_field = "pk"
    serializer_class = TierEvaluationSerializer
    filter_serializer_class = TierEvaluationListFilters

    def narrow(self, queryset):
        if "partner" in self.filters:
            queryset = queryset.filter(pk=self.filters["partner"])
        if "state" in self.filters:
            queryset = partners_in_state(queryset, self.filters["state"])
        return queryset.select_related("tier").order_by("name", "pk")

    def _answer(self, partner):
        partner.refresh_from_db(fields=["tier"])
        return Response(TierEvaluationSerializer(partner_evaluations([partner])[partner.pk]).data)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        found = partner_evaluations(page)
        return self.get_paginated_response(TierEvaluationSerializer([found[p.pk] for p in page], many=True).data)

    def retrieve(self, request, *args, **kwargs):
        partner = self.get_object()
        return Response(TierEvaluationSerializer(partner_evaluations([partner])[partner.pk]).data)

    @extend_schema(request=None, responses=TierEvaluationSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Approve the partner's pending upgrade: its tier moves now."""
        partner = self.get_object()
        services.tier_upgrade_approve(partner=partner, actor=self.principal.actor)
        return self._answer(partner)

    @extend_schema(request=TierRejectSerializer, responses=TierEvaluationSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """Reject the partner's pending upgrade (not proposed again for the same tiers)."""
        partner = self.get_object()
        body = TierRejectSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.tier_upgrade_reject(partner=partner, actor=self.principal.actor, reason=body.validated_data["reason"])
        return self._answer(partner)

    @extend_schema(request=TierHoldRequestSerializer, responses=TierEvaluationSerializer)
    @action(detail=True, methods=["post"])
    def hold(self, request, pk=None):
        """Hold the partner's tier: evaluations record its figures but propose nothing."""
        partner = self.get_object()
        body = TierHoldRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.tier_hold(partner=partner, actor=self.principal.actor, **body.validated_data)
        return self._answer(partner)

    @extend_schema(request=None, responses=TierEvaluationSerializer)
    @action(detail=True, methods=["post"])
    def release(self, request, pk=None):
        """End the hold: the next evaluation proposes again."""
        partner = self.get_object()
        services.tier_release(partner=partner, actor=self.principal.actor)
        return self._answer(partner)

    @extend_schema(request=TierOverrideSerializer, responses=TierEvaluationSerializer)
    @action(detail=True, methods=["post"])
    def override(self, request, pk=None):
        """Set the partner's tier with a reason; the tier is held so that the evaluation does not undo it."""
        partner = self.get_object()
        body = TierOverrideSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.tier_override(partner=partner, actor=self.principal.actor, **body.validated_data)
        return self._answer(partner)
