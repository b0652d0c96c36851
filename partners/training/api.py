"""Courses and completions over the API. Staff (and keys) manage courses and record, approve and
reject completions; partner users read the program's active courses and their own partner's
completions."""

from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from partners.content.models import ContentItem
from partners.content.selectors import visible_in
from partners.models import Partner
from prm.api.viewsets import TenantScopedViewSet

from . import services
from .models import Completion, Course
from .selectors import membership_of_email
from .serializers import (
    CompletionListFilters,
    CompletionRecordSerializer,
    CompletionRejectSerializer,
    CompletionSerializer,
    CourseListFilters,
    CourseSerializer,
)


def _active_courses(queryset, partner_id):
    return queryset.filter(is_active=True)


class CourseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                    mixins.UpdateModelMixin, TenantScopedViewSet):
    """The program's courses. Partner users read the active ones, with only the linked content shown to them."""

    model = Course
    partner_scope = staticmethod(_active_courses)
    serializer_class = CourseSerializer
    filter_serializer_class = CourseListFilters

    def narrow(self, queryset):
        queryset = queryset.prefetch_related("required_for_tiers", self._content()).order_by("name", "pk")
        if "active" in self.filters:
            queryset = queryset.filter(is_active=self.filters["active"])
        if "q" in self.filters:
            queryset = queryset.filter(Q(name__icontains=self.filters["q"]) | Q(description__icontains=self.filters["q"]))
        return queryset

    def _content(self) -> Prefetch:
        """The linked items a reader gets: all for staff; for a partner user, those its partner may see."""
        items = ContentItem.objects.only("pk").order_by("title", "pk")
        principal = getattr(self, "principal", None)
        if principal is not None and principal.is_partner:
            items = visible_in(items, Partner.objects.get(pk=principal.partner_id))
        return Prefetch("content", queryset=items)

    def perform_create(self, serializer):
        serializer.instance = services.course_create(tenant=self.request._request.tenant, actor=self.principal.actor,
                                                     **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.course_update(course=serializer.instance, actor=self.principal.actor,
                                                     **serializer.validated_data)


class CompletionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantScopedViewSet):
    """Completions of courses. Partner users read their own partner's; staff record, approve and reject."""

    model = Completion
    partner_field = "partner"
    serializer_class = CompletionSerializer
    filter_serializer_class = CompletionListFilters

    def narrow(self, queryset):
        queryset = queryset.select_related("course", "user", "partner").order_by("-completed_on", "-pk")
        for name in ("status", "course", "partner"):
            if name in self.filters:
                queryset = queryset.filter(**{name: self.filters[name]})
        if "q" in self.filters:
            q = self.filters["q"]
            queryset = queryset.filter(Q(user__email__icontains=q) | Q(course__name__icontains=q) | Q(partner__name__icontains=q))
        return queryset

    @extend_schema(request=CompletionRecordSerializer, responses={201: CompletionSerializer})
    def create(self, request, *args, **kwargs):
        body = CompletionRecordSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        membership = membership_of_email(body.validated_data["email"])
        if membership is None:
            raise serializers.ValidationError({"email": [_("No active person of a partner has this email.")]})
        completion = services.completion_record(
            tenant=request._request.tenant, actor=self.principal.actor, course=body.validated_data["course"],
            user=membership.user, completed_on=body.validated_data["completed_on"],
            expires_on=body.validated_data.get("expires_on"))
        return Response(CompletionSerializer(completion).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=CompletionSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        completion = services.completion_approve(completion=self.get_object(), actor=self.principal.actor)
        return Response(CompletionSerializer(completion).data)

    @extend_schema(request=CompletionRejectSerializer, responses=CompletionSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        completion = self.get_object()
        body = CompletionRejectSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        completion = services.completion_reject(completion=completion, actor=self.principal.actor,
                                                reason=body.validated_data["reason"])
        return Response(CompletionSerializer(completion).data)
