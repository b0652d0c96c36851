"""Agreements over the API. Staff (and keys) read templates with their versions, and every signature;
partner users read their own partner's signatures and its current agreement; a partner admin signs
it; a tenant admin counter-signs. The agreement gate leaves these operations open to partners."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from partners.models import Partner
from prm.api.viewsets import TenantScopedViewSet

from . import services
from .models import AgreementTemplate, Signature
from .rendering import sha256_of
from .selectors import agreement_status
from .serializers import AgreementTemplateSerializer, CountersignSerializer, CurrentAgreementSerializer, SignatureSerializer, SignSerializer
from .views.common import client_ip, user_agent


class AgreementTemplateViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantScopedViewSet):
    """The tenant's agreement templates, each with its versions (staff and keys only)."""

    model = AgreementTemplate
    serializer_class = AgreementTemplateSerializer

    def narrow(self, queryset):
        return queryset.prefetch_related("versions").order_by("title", "pk")


class SignatureViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantScopedViewSet):
    """Signatures of agreements. Partner users see their own partner's; `current` and `sign` are theirs."""

    model = Signature
    partner_field = "partner"
    partner_write_actions = frozenset({"current", "sign"})  # current reads, but is no list or retrieve
    gate_exempt_actions = frozenset({"list", "retrieve", "current", "sign"})
    serializer_class = SignatureSerializer

    def narrow(self, queryset):
        return queryset.select_related("partner", "version__template", "signer", "countersigner").order_by("-signed_at", "-pk")

    def _partner(self) -> Partner:
        if not self.principal.is_partner:
            raise exceptions.PermissionDenied(_("This is for partner users: staff read signatures in the list."))
        return Partner.objects.get(pk=self.principal.partner_id)

    @extend_schema(responses=CurrentAgreementSerializer)
    @action(detail=False, methods=["get"])
    def current(self, request):
        partner = self._partner()
        agreement = agreement_status(partner)
        version = agreement.version
        text = services.text_for(partner, version) if version is not None and agreement.signature is None else None
        data = {"version": version.pk if version else None, "version_number": version.number if version else None,
                "agreement": version.template.title if version else None, "text": text,
                "text_sha256": sha256_of(text) if text is not None else None, "signed": agreement.signed,
                "signature": agreement.signature.pk if agreement.signature else None, "due_at": agreement.due_at,
                "overdue": agreement.overdue}
        return Response(CurrentAgreementSerializer(data).data)

    @extend_schema(request=SignSerializer, responses={201: SignatureSerializer})
    @action(detail=False, methods=["post"])
    def sign(self, request):
        partner = self._partner()
        payload = SignSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        signature = services.agreement_sign(partner=partner, membership=request._request.membership,
                                            typed_name=payload.validated_data["typed_name"],
                                            shown_sha256=payload.validated_data["text_sha256"],
                                            ip_address=client_ip(request._request), user_agent=user_agent(request._request))
        return Response(SignatureSerializer(signature).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CountersignSerializer, responses=SignatureSerializer)
    @action(detail=True, methods=["post"])
    def countersign(self, request, pk=None):
        signature = self.get_object()
        membership = getattr(request._request, "membership", None)
        if membership is None or not membership.is_tenant_admin:
            raise exceptions.PermissionDenied(_("Only a tenant admin counter-signs agreements."))
        payload = CountersignSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        signature = services.signature_countersign(signature=signature, membership=membership,
                                                   typed_name=payload.validated_data["typed_name"],
                                                   ip_address=client_ip(request._request), user_agent=user_agent(request._request))
        return Response(SignatureSerializer(signature).data)
