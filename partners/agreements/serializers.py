from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .models import AgreementTemplate, AgreementVersion, Signature


class AgreementVersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = AgreementVersion
        fields = ["id", "number", "status", "body", "published_at", "sign_by", "created_at", "updated_at"]
        read_only_fields = fields


class AgreementTemplateSerializer(serializers.ModelSerializer):
    versions = AgreementVersionSerializer(many=True, read_only=True)

    class Meta:
        model = AgreementTemplate
        fields = ["id", "title", "partner_types", "countries", "versions", "created_at", "updated_at"]
        read_only_fields = fields


class SignatureSerializer(serializers.ModelSerializer):
    partner_name = serializers.CharField(source="partner.name", read_only=True)
    agreement = serializers.CharField(source="version.template.title", read_only=True)
    version_number = serializers.IntegerField(source="version.number", read_only=True)
    signer_email = serializers.EmailField(source="signer.email", read_only=True, default=None, allow_null=True)
    countersigner_email = serializers.EmailField(source="countersigner.email", read_only=True, default=None, allow_null=True)

    class Meta:
        model = Signature
        fields = ["id", "partner", "partner_name", "agreement", "version", "version_number", "text", "text_sha256",
                  "signer_email", "typed_name", "signed_at", "ip_address", "user_agent", "countersigner_email",
                  "countersign_typed_name", "countersigned_at"]
        read_only_fields = fields


class CurrentAgreementSerializer(serializers.Serializer):
    """The agreement a partner must sign, as it reads today."""

    version = serializers.IntegerField(allow_null=True, help_text=_("The version's id; null when no agreement applies."))
    version_number = serializers.IntegerField(allow_null=True)
    agreement = serializers.CharField(allow_null=True)
    text = serializers.CharField(allow_null=True, help_text=_("The HTML to read and sign (null once signed)."))
    text_sha256 = serializers.CharField(allow_null=True, help_text=_("Send it back to sign this very text."))
    signed = serializers.BooleanField()
    signature = serializers.IntegerField(allow_null=True)
    due_at = serializers.DateTimeField(allow_null=True, help_text=_("Re-sign deadline; null when there is no grace period."))
    overdue = serializers.BooleanField()


class SignSerializer(serializers.Serializer):
    typed_name = serializers.CharField(max_length=150, help_text=_("The partner admin's full name."))
    text_sha256 = serializers.RegexField(r"^[0-9a-f]{64}$", help_text=_("The text_sha256 of the agreement read (from current/)."))


class CountersignSerializer(serializers.Serializer):
    typed_name = serializers.CharField(max_length=150, help_text=_("The tenant admin's full name."))
