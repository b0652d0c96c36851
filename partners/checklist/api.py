from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from partners.models import Partner
from prm.api.viewsets import TenantScopedViewSet

from . import services
from .models import ChecklistStep
from .selectors import checklist_state, checklist_states
from .serializers import ChecklistListFilters, ChecklistStateSerializer, TickSerializer


class ChecklistViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantScopedViewSet):
    """Partners' onboarding checklists, by partner id. Partner users read their own; staff tick manual steps."""

    model = Partner
    partner_field = "pk"
    serializer_class = ChecklistStateSerializer
    filter_serializer_class = ChecklistListFilters

    def narrow(self, queryset):
        if "status" in self.filters:
            queryset = queryset.filter(status=self.filters["status"])
        return queryset.order_by("name", "pk")

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        states = checklist_states(page)
        return self.get_paginated_response(ChecklistStateSerializer([states[p.pk] for p in page], many=True).data)

    def retrieve(self, request, *args, **kwargs):
        return Response(ChecklistStateSerializer(checklist_state(self.get_object())).data)

    @extend_schema(request=TickSerializer, responses=ChecklistStateSerializer)
    @action(detail=True, methods=["post"])
    def tick(self, request, pk=None):
        partner = self.get_object()
        body = TickSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        step = ChecklistStep.objects.filter(pk=body.validated_data["step"]).first()
        if step is None:
            raise serializers.ValidationError({"step": [_("No step of this program's checklist has this id.")]})
        state = services.manual_step_tick(partner=partner, step=step, actor=self.principal.actor,
                                          done=body.validated_data["done"])
        return Response(ChecklistStateSerializer(state).data)
