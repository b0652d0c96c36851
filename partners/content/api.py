"""The content library over the API. Staff and keys list, read, create and change items' metadata
and visibility, and retire them; partner users list and read only the items they may see
(`visible_items`, like the portal), without a word of whom else they are shown to. `download`
streams the current file (a link item: redirects to its address) and counts it for a partner user."""

from django.shortcuts import redirect
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins
from rest_framework.decorators import action
from rest_framework.response import Response

from partners.models import Partner
from prm.api.viewsets import TenantScopedViewSet

from . import services
from .files import CONTENT_TYPES, download_response
from .models import ContentItem, Kind
from .selectors import content_search, visible_in
from .serializers import ContentItemSerializer, ContentListFilters, StaffContentItemSerializer

WRITABLE = ("title", "description", "category", "language", "product_lines", "kind", "url", "visibility",
            "business_types", "publish_at", "expires_at")


def _partner_scope(queryset, partner_id):
    return visible_in(queryset, Partner.objects.get(pk=partner_id))


# Reads answer with what every reader gets (a partner's view); staff and API keys also get the
# visibility, versions and times of StaffContentItem, which its writes document.
@extend_schema_view(list=extend_schema(responses=ContentItemSerializer(many=True)),
                    retrieve=extend_schema(responses=ContentItemSerializer))
class ContentItemViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                         mixins.UpdateModelMixin, TenantScopedViewSet):
    """Content library items (metadata; files are uploaded on the dashboard)."""

    model = ContentItem
    partner_scope = staticmethod(_partner_scope)
    partner_write_actions = frozenset({"download"})  # reads a file; counted as a download
    serializer_class = StaffContentItemSerializer
    filter_serializer_class = ContentListFilters

    def get_serializer_class(self):
        principal = getattr(self, "principal", None)
        return ContentItemSerializer if principal is not None and principal.is_partner else StaffContentItemSerializer

    def narrow(self, queryset):
        queryset = queryset.select_related("current_version").order_by("-publish_at", "-pk")
        principal = getattr(self, "principal", None)
        if principal is None or not principal.is_partner:
            queryset = queryset.prefetch_related("tiers", "partners", "versions")
        return content_search(queryset, query=self.filters.get("q", ""), category=self.filters.get("category", ""),
                              language=self.filters.get("language", ""), product_line=self.filters.get("product_line", ""))

    def _fields(self, data):
        return {name: data[name] for name in WRITABLE if name in data}

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.item_create(
            tenant=self.request._request.tenant, actor=self.principal.actor, tiers=data.get("tiers", []),
            partners=data.get("partners", []), **self._fields(data))

    def perform_update(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.item_update(item=serializer.instance, actor=self.principal.actor,
                                                   tiers=data.get("tiers"), partners=data.get("partners"),
                                                   **self._fields(data))

    def _fresh(self, item):
        return self.narrow(ContentItem.objects.filter(pk=item.pk)).get()

    def create(self, request, *args, **kwargs):
        response = super().create(request, *args, **kwargs)
        response.data = StaffContentItemSerializer(self._fresh(response.data.serializer.instance)).data
        return response

    @extend_schema(request=None, responses=StaffContentItemSerializer)
    @action(detail=True, methods=["post"])
    def retire(self, request, pk=None):
        item = services.item_retire(item=self.get_object(), actor=self.principal.actor)
        return Response(StaffContentItemSerializer(self._fresh(item)).data)

    @extend_schema(request=None, responses={**{(200, content_type): OpenApiTypes.BINARY
                                               for content_type in sorted(set(CONTENT_TYPES.values()))},
                                            302: OpenApiResponse(description="A link item: its address.")})
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        item = self.get_object()
        if item.kind == Kind.FILE and item.current_version is None:
            raise exceptions.NotFound()
        if self.principal.is_partner:
            services.download_record(item=item, partner=Partner.objects.get(pk=self.principal.partner_id),
                                     user=request.user)
        if item.kind == Kind.LINK:
            return redirect(item.url)
        return download_response(item.current_version)
