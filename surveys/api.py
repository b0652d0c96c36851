from django.db.models import F
from drf_spectacular.utils import extend_schema
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.response import Response

from prm.api.viewsets import TenantScopedViewSet

from . import services
from .api_filters import WINDOW, AnswerListFilters, FollowUpListFilters, InvitationListFilters, RankingListFilters
from .models import Answer, FollowUpCase, PartnerScore, Survey, SurveyInvitation
from .selectors import latest_run
from .serializers import (
    AnswerSerializer,
    FollowUpCaseSerializer,
    FollowUpUpdateSerializer,
    PartnerScoreSerializer,
    SurveyInvitationSerializer,
    SurveySerializer,
)


class SurveyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                    mixins.UpdateModelMixin, TenantScopedViewSet):
    """Survey definitions (staff and API keys)."""

    model = Survey
    serializer_class = SurveySerializer

    def perform_create(self, serializer):
        serializer.instance = services.survey_create(tenant=self.request._request.tenant, actor=self.principal.actor,
                                                     **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.survey_update(survey=serializer.instance, actor=self.principal.actor,
                                                     **serializer.validated_data)


class SurveyInvitationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantScopedViewSet):
    """Who was invited, and what happened (read-only). Partners see their own customers only."""

    model = SurveyInvitation
    partner_field = "partner"
    serializer_class = SurveyInvitationSerializer
    filter_serializer_class = InvitationListFilters

    def narrow(self, queryset):
        for name, field in (("status", "status"), ("campaign", "campaign_id"), ("survey", "survey_id")):
            if name in self.filters:
                queryset = queryset.filter(**{field: self.filters[name]})
        return queryset.order_by("-created_at")


class AnswerViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantScopedViewSet):
    """Answers with the end user's identity (read-only). Partners see their own customers' answers only."""

    model = Answer
    partner_field = "partner"
    serializer_class = AnswerSerializer
    filter_serializer_class = AnswerListFilters

    def narrow(self, queryset):
        if "partner" in self.filters:
            queryset = queryset.filter(partner_id=self.filters["partner"])
        if "since" in self.filters:
            queryset = queryset.filter(answered_at__date__gte=self.filters["since"])
        return queryset.select_related("invitation").order_by("-answered_at")


class RankingViewSet(mixins.ListModelMixin, TenantScopedViewSet):
    """The latest nightly ranking, one row per partner. Partners see their own row."""

    model = PartnerScore
    partner_field = "partner"
    serializer_class = PartnerScoreSerializer
    filter_serializer_class = RankingListFilters

    def narrow(self, queryset):
        period = self.filters.get("period", WINDOW)
        return (queryset.filter(run=latest_run(), period=period, partner__isnull=False)
                .select_related("partner", "run").order_by(F("rank").asc(nulls_last=True), "-shrunk"))


class FollowUpCaseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantScopedViewSet):
    """Detractor follow-ups. Partners update and close their own cases."""

    model = FollowUpCase
    partner_field = "partner"
    partner_write_actions = frozenset({"record"})
    serializer_class = FollowUpCaseSerializer
    filter_serializer_class = FollowUpListFilters

    def narrow(self, queryset):
        queryset = queryset.select_related("answer__invitation")
        if "status" in self.filters:
            queryset = queryset.filter(status=self.filters["status"])
        return queryset.order_by("status", "due_at")

    @extend_schema(request=FollowUpUpdateSerializer, responses=FollowUpCaseSerializer)
    @action(detail=True, methods=["post"])
    def record(self, request, pk=None):
        body = FollowUpUpdateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        case = services.follow_up_update(case=self.get_object(), actor=self.principal.actor, **body.validated_data)
        return Response(FollowUpCaseSerializer(case).data)
