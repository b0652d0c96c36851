from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from partners.models import Partner
from prm.api.viewsets import TenantScopedViewSet

from . import services
from .api_filters import DealListFilters
from .conflicts import find_conflicts, key_for, verdict_for
from .models import Deal
from .selectors import deal_search
from .serializers import ConflictCheckSerializer, ConflictVerdictSerializer, DealSerializer, DealTextSerializer

FIELDS = ("customer_name", "customer_website", "customer_country", "contact_name", "contact_email",
          "value", "currency", "expected_close_date", "notes")


class DealViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                  mixins.UpdateModelMixin, TenantScopedViewSet):
    """Deal registrations. Partner users work on their own partner's deals; staff and keys on all.

    Transitions are actions: submit, withdraw, win, lose, extend (partner side) and approve,
    reject, request-info (vendor side). Illegal transitions answer 400 with the reason."""

    model = Deal
    partner_field = "partner"
    partner_write_actions = frozenset({"create", "update", "partial_update", "submit", "withdraw", "win", "lose", "extend", "check"})
    serializer_class = DealSerializer
    filter_serializer_class = DealListFilters

    def narrow(self, queryset):
        queryset = queryset.select_related("partner").prefetch_related("products").order_by("-created_at")
        if self.action != "list":
            return queryset
        partner = None
        if "partner" in self.filters:
            partner = Partner.objects.filter(pk=self.filters["partner"]).first()
            if partner is None:
                return queryset.none()  # an unknown partner has no deals (rather than every deal)
        return deal_search(queryset, query=self.filters.get("q", ""), status=self.filters.get("status", ""), partner=partner)

    def _staff_only(self):
        if self.principal.is_partner:
            raise exceptions.PermissionDenied(_("Only the vendor decides on deals."))

    def _call(self, service, **kwargs):
        return service(actor=self.principal.actor, **kwargs)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        products = data.pop("products", [])
        partner = data.pop("partner", None)
        if self.principal.is_partner:
            partner = Partner.objects.get(pk=self.principal.partner_id)
        elif partner is None:
            raise serializers.ValidationError({"partner": [_("Name the partner that registers this deal.")]})
        data.pop("info_answer", None)  # a new deal has no question to answer
        serializer.instance = self._call(services.deal_create, partner=partner, products=products,
                                         **{k: v for k, v in data.items() if k in FIELDS})

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        products = data.pop("products", None)
        data.pop("partner", None)
        serializer.instance = self._call(services.deal_update, deal=serializer.instance, products=products,
                                         answer=data.pop("info_answer", None),
                                         **{k: v for k, v in data.items() if k in FIELDS})

    def _transition(self, service, **kwargs):
        deal = self._call(service, deal=self.get_object(), **kwargs)
        return Response(DealSerializer(Deal.objects.get(pk=deal.pk)).data)

    @extend_schema(request=None, responses=DealSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._transition(services.deal_submit)

    @extend_schema(request=None, responses=DealSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        return self._transition(services.deal_withdraw)

    @extend_schema(request=None, responses=DealSerializer)
    @action(detail=True, methods=["post"])
    def win(self, request, pk=None):
        return self._transition(services.deal_mark_won)

    @extend_schema(request=None, responses=DealSerializer)
    @action(detail=True, methods=["post"])
    def lose(self, request, pk=None):
        return self._transition(services.deal_mark_lost)

    @extend_schema(request=None, responses=DealSerializer)
    @action(detail=True, methods=["post"])
    def extend(self, request, pk=None):
        return self._transition(services.deal_extend_protection)

    @extend_schema(request=None, responses=DealSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        self._staff_only()
        return self._transition(services.deal_approve)

    @extend_schema(request=DealTextSerializer, responses=DealSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        self._staff_only()
        body = DealTextSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._transition(services.deal_reject, reason=body.validated_data["text"])

    @extend_schema(request=DealTextSerializer, responses=DealSerializer)
    @action(detail=True, methods=["post"], url_path="request-info")
    def request_info(self, request, pk=None):
        self._staff_only()
        body = DealTextSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._transition(services.deal_request_info, question=body.validated_data["text"])

    @extend_schema(request=ConflictCheckSerializer, responses=ConflictVerdictSerializer)
    @action(detail=False, methods=["post"], url_path="conflict-check")
    def check(self, request):
        """Would this customer collide with an active registration? Partners get the verdict only."""
        body = ConflictCheckSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        conflicts = find_conflicts(key_for(**body.validated_data))
        verdict = verdict_for(conflicts, own_partner_id=self.principal.partner_id)
        data = {"verdict": verdict.kind, "message": verdict.message, "protected_until": verdict.protected_until}
        if not self.principal.is_partner:
            data["conflicts"] = conflicts
        return Response(ConflictVerdictSerializer(data).data, status=status.HTTP_200_OK)
