"""Partner applications over the API.

Applying is public (no credentials, on the program's host), limited like /apply/ by the same
limiter (per client IP and per email domain), and goes through the same service: the contact
confirms the email address by the emailed link before the application reaches the queue. The
queue and its decisions are for staff and API keys; partner users get 403.
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language, gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from partners.names import normalize_domain
from prm.api.viewsets import TenantScopedViewSet
from prm.tenancy.models import STAFF_ROLES, Membership

from . import services
from .api_filters import ApplicationListFilters
from .limits import consume_apply
from .models import Application, ApplicationStatus
from .selectors import active_questions
from .serializers import (
    ApplicationCreateSerializer,
    ApplicationReceivedSerializer,
    ApplicationSerializer,
    ApproveSerializer,
    QuestionSerializer,
    RejectSerializer,
    RequestInfoSerializer,
)

TOO_MANY = OpenApiResponse(description="Too many applications from this client address or this email domain.")


class ApplicationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantScopedViewSet):
    """Applications to join the program. Creating one (and reading the questions) is public; the
    rest is staff-only and sees confirmed applications only."""

    model = Application
    public_actions = frozenset({"create", "questions"})
    serializer_class = ApplicationSerializer
    filter_serializer_class = ApplicationListFilters

    def narrow(self, queryset):
        queryset = (queryset.exclude(status=ApplicationStatus.UNCONFIRMED)
                    .select_related("matched_partner", "duplicate_of").order_by("created_at"))
        if self.action != "list":
            return queryset
        status_filter = self.filters.get("status")
        if status_filter:
            queryset = queryset.filter(status=status_filter)
        else:
            queryset = queryset.filter(status__in=(ApplicationStatus.SUBMITTED, ApplicationStatus.MORE_INFO))
        if "duplicate" in self.filters:
            flagged = Q(matched_partner__isnull=False) | Q(duplicate_of__isnull=False)
            queryset = queryset.filter(flagged if self.filters["duplicate"] else ~flagged)
        now = timezone.now()
        if "min_age_days" in self.filters:
            queryset = queryset.filter(created_at__lte=now - timedelta(days=self.filters["min_age_days"]))
        if "max_age_days" in self.filters:
            queryset = queryset.filter(created_at__gt=now - timedelta(days=self.filters["max_age_days"] + 1))
        return queryset

    @extend_schema(request=ApplicationCreateSerializer,
                   responses={201: ApplicationReceivedSerializer, 429: TOO_MANY})
    def create(self, request):
        """Apply to the program. No credentials needed; the contact gets an email with a link to confirm."""
        questions = list(active_questions())
        body = ApplicationCreateSerializer(data=request.data, context={"questions": questions})
        body.is_valid(raise_exception=True)
        fields = body.validated_data["fields"]
        if not consume_apply(request._request, normalize_domain(fields["contact_email"])):
            raise exceptions.Throttled(detail=_("Too many applications came from your network or your company's "
                                                "email domain. Please try again later."))
        application = services.application_create(tenant=request._request.tenant, questions=questions,
                                                  answers=body.validated_data["answers"], language=get_language(),
                                                  **fields)
        data = {"status": application.status,
                "detail": _("Thank you. We sent a link to %(email)s: the application reaches the program once "
                            "it is followed.") % {"email": application.contact_email}}
        return Response(ApplicationReceivedSerializer(data).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=QuestionSerializer(many=True))
    @action(detail=False, methods=["get"], pagination_class=None)  # the questions are few: one answer holds them all
    def questions(self, request):
        """The questions the program asks applicants, in order (the `answers` of a new application)."""
        return Response(QuestionSerializer(active_questions(), many=True).data)

    def _decided(self, application):
        return Response(ApplicationSerializer(self.model.objects.select_related("matched_partner", "duplicate_of")
                                              .get(pk=application.pk)).data)

    def _acting_membership(self) -> Membership:
        """Who invites the new partner's admin: the member calling, or for a key the admin who created it."""
        membership = getattr(self.request._request, "membership", None)
        if membership is not None:
            return membership
        return Membership.objects.get(user_id=self.principal.actor.key.created_by_id)

    @extend_schema(request=ApproveSerializer, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Create the partner in onboarding, invite the applicant as its partner admin, assign its channel manager."""
        application = self.get_object()
        body = ApproveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        owner = None
        if body.validated_data.get("owner") is not None:
            owner = Membership.objects.filter(pk=body.validated_data["owner"], role__in=STAFF_ROLES, is_active=True).first()
            if owner is None:
                raise ValidationError({"owner": _("Choose an active channel manager of this program.")})
        services.application_approve(application=application, actor_membership=self._acting_membership(), owner=owner,
                                     actor=self.principal.actor)
        return self._decided(application)

    @extend_schema(request=RejectSerializer, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """Turn the application down; the reason is emailed to the applicant."""
        application = self.get_object()
        body = RejectSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.application_reject(application=application, actor=self.principal.actor,
                                    reason=body.validated_data["reason"])
        return self._decided(application)

    @extend_schema(request=RequestInfoSerializer, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"], url_path="request-info")
    def request_info(self, request, pk=None):
        """Ask the applicant for more; they answer by the emailed link and the application comes back to the queue."""
        application = self.get_object()
        body = RequestInfoSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.application_request_info(application=application, actor=self.principal.actor,
                                          question=body.validated_data["question"])
        return self._decided(application)
