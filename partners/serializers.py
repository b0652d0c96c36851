from django_countries.serializer_fields import CountryField
from rest_framework import serializers

from prm.tenancy.models import Membership

from .models import Partner


class PartnerSerializer(serializers.ModelSerializer):
    country = CountryField(required=False, allow_blank=True)

    class Meta:
        model = Partner
        fields = [
            "id", "name", "status", "tier", "country", "website", "domain",
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
