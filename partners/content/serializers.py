from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from partners.business_types import BusinessType
from partners.models import Partner
from partners.tiers.models import Tier
from prm.api.filters import ChoiceFilter, SearchFilter
from prm.tenancy.context import get_current_tenant

from .models import Category, ContentItem, ContentVersion, Kind, Visibility


class ContentListFilters(serializers.Serializer):
    q = SearchFilter(help_text=_("Words of the title or the description."))
    category = ChoiceFilter(Category.choices)
    language = ChoiceFilter(settings.LANGUAGES, help_text=_("Items in this language, and those for every language."))
    product_line = serializers.CharField(required=False, allow_blank=True, max_length=100,
                                         help_text=_("One of the items' product lines."))


class ContentVersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = ContentVersion
        fields = ["number", "filename", "size", "content_type", "sha256", "note", "created_at"]
        read_only_fields = fields


class ContentItemSerializer(serializers.ModelSerializer):
    """An item as partners read it: no word of whom else it is shown to."""

    current_version = ContentVersionSerializer(read_only=True, allow_null=True)
    # Read-only model fields lose their blank choice in the schema: both may be empty.
    url = serializers.CharField(read_only=True)
    language = serializers.CharField(read_only=True)
    download_url = serializers.SerializerMethodField(help_text=_("Where the current file (or the link) is fetched; "
                                                                 "each fetch by a partner user is counted."))

    class Meta:
        model = ContentItem
        fields = ["id", "title", "description", "category", "language", "product_lines", "kind", "url",
                  "publish_at", "expires_at", "current_version", "download_url"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_download_url(self, item) -> str:
        return reverse("content-download", args=[item.pk])


class StaffContentItemSerializer(ContentItemSerializer):
    """An item as staff and keys read and write it, with its visibility and every version."""

    tiers = serializers.PrimaryKeyRelatedField(many=True, required=False, queryset=Tier.unscoped.none(),
                                               help_text=_("Tier ids (visibility tiers: exactly these tiers see it)."))
    partners = serializers.PrimaryKeyRelatedField(many=True, required=False, queryset=Partner.unscoped.none(),
                                                  help_text=_("Partner ids (visibility partners)."))
    # Plain strings in the schema (one BusinessType enum name stays the onboarding's); checked below.
    business_types = serializers.ListField(child=serializers.CharField(max_length=20), required=False,
                                           help_text=_("Business types (visibility types): %(values)s.")
                                           % {"values": ", ".join(BusinessType.values)})
    versions = ContentVersionSerializer(many=True, read_only=True)
    url = serializers.URLField(max_length=500, required=False, allow_blank=True)
    language = serializers.ChoiceField(choices=settings.LANGUAGES, required=False, allow_blank=True)

    class Meta(ContentItemSerializer.Meta):
        fields = [*ContentItemSerializer.Meta.fields, "visibility", "tiers", "business_types", "partners", "versions",
                  "created_at", "updated_at"]
        read_only_fields = ["id", "current_version", "download_url", "versions", "created_at", "updated_at"]
        extra_kwargs = {"kind": {"default": Kind.FILE}, "visibility": {"default": Visibility.ALL},
                        "publish_at": {"required": False}}

    def validate_business_types(self, value):
        unknown = sorted(set(value) - set(BusinessType.values))
        if unknown:
            raise serializers.ValidationError(_("Unknown business types: %(values)s. Use %(known)s.")
                                              % {"values": ", ".join(unknown), "known": ", ".join(BusinessType.values)})
        return value

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if get_current_tenant() is None:
            return  # schema generation: no tenant, no choices
        self.fields["tiers"].child_relation.queryset = Tier.objects.all()
        self.fields["partners"].child_relation.queryset = Partner.objects.all()
