from django.utils.translation import gettext_lazy as _
from django_countries.serializer_fields import CountryField
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from prm.tenancy.models import Membership

from .models import Partner
from .profile_models import SENSITIVE_CHOICES, ProfileChange
from .selectors import pending_profile_changes, profile_settings_for
from .tiers.fields import TierNameField


class PartnerSerializer(serializers.ModelSerializer):
    country = CountryField(required=False, allow_blank=True)
    tier = TierNameField(required=False, allow_null=True, help_text=_("The tier's name, in any case."))

    class Meta:
        model = Partner
        fields = [
            "id", "name", "status", "business_type", "tier", "country", "website", "domain",
            "primary_contact_name", "primary_contact_email", "notes",
            "created_at", "updated_at", "deactivated_at",
        ]
        read_only_fields = ["id", "domain", "created_at", "updated_at", "deactivated_at"]


class PartnerDeactivateSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500)


class MembershipSerializer(serializers.ModelSerializer):
    email = serializers.EmailField(source="user.email", read_only=True)
    full_name = serializers.CharField(source="user.full_name", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "email", "full_name", "role", "partner", "is_active", "created_at"]
        read_only_fields = fields


class ProfileChangeSerializer(serializers.ModelSerializer):
    partner_name = serializers.CharField(source="partner.name", read_only=True)
    requested_by = serializers.EmailField(source="requested_by.email", read_only=True, allow_null=True)

    class Meta:
        model = ProfileChange
        fields = ["id", "partner", "partner_name", "field", "old_value", "new_value", "status", "requested_by",
                  "created_at", "decided_at"]
        read_only_fields = fields


class PartnerProfileSerializer(serializers.ModelSerializer):
    """The company profile a partner admin edits; the tenant's sensitive fields wait for a manager."""

    country = CountryField(required=False, allow_blank=True)
    sensitive_fields = serializers.SerializerMethodField(
        help_text=_("Fields whose change waits for a manager's approval in this program."))
    pending_changes = serializers.SerializerMethodField(help_text=_("Requested changes waiting for a manager."))

    class Meta:
        model = Partner
        fields = ["id", "name", "status", "country", "website", "street", "postcode", "city", "description",
                  "specialisations", "regions", "sensitive_fields", "pending_changes", "updated_at"]
        read_only_fields = ["id", "status", "updated_at"]
        extra_kwargs = {"name": {"label": _("Legal name")}}
        validators = []  # the service checks the name per tenant, whatever its case, and only when it changes

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(SENSITIVE_CHOICES)))
    def get_sensitive_fields(self, partner: Partner) -> list[str]:
        fields = profile_settings_for(partner.tenant).fields
        return [name for name, _label in SENSITIVE_CHOICES if name in fields]

    @extend_schema_field(ProfileChangeSerializer(many=True))
    def get_pending_changes(self, partner: Partner) -> list:
        return ProfileChangeSerializer(pending_profile_changes(partner).select_related("partner"), many=True).data
