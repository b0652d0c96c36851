from django.utils.translation import gettext_lazy as _
from django_countries.serializer_fields import CountryField
from rest_framework import serializers

from partners.models import Partner
from prm.tenancy.context import get_current_tenant

from .models import Deal, ProductLine


class DealSerializer(serializers.ModelSerializer):
    customer_country = CountryField(required=False, allow_blank=True)
    products = serializers.SlugRelatedField(
        slug_field="name", many=True, required=False, queryset=ProductLine.unscoped.none(),
        help_text=_("Names of the tenant's product lines."),
    )
    reference = serializers.CharField(read_only=True)
    partner_name = serializers.CharField(source="partner.name", read_only=True)

    class Meta:
        model = Deal
        fields = [
            "id", "reference", "partner", "partner_name", "status", "customer_name", "customer_website",
            "customer_domain", "customer_country", "contact_name", "contact_email", "products", "value",
            "currency", "expected_close_date", "notes", "submitted_at", "sla_due_at", "decided_at",
            "decided_by_rule", "decision_note", "info_question", "info_answer", "protected_until", "extensions_used",
            "closed_at", "created_at", "updated_at",
        ]
        read_only_fields = [
            "id", "reference", "status", "customer_domain", "submitted_at", "sla_due_at", "decided_at",
            "decided_by_rule", "decision_note", "info_question", "protected_until", "extensions_used", "closed_at",
            "created_at", "updated_at",
        ]
        extra_kwargs = {
            "partner": {"required": False,
                        "help_text": _("Staff and API keys must name the partner; partner users register for their own.")},
            "currency": {"required": False},
            "info_answer": {"required": False, "max_length": 2000,
                            "help_text": _("The answer to the vendor's question (info_question), while the deal is "
                                           "more_info; it goes to the vendor with the next submit.")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if get_current_tenant() is None:
            return  # schema generation: no tenant, no choices
        # Choices come from the tenant in force: another tenant's partner or product is "does not exist".
        self.fields["products"].child_relation.queryset = ProductLine.objects.filter(is_active=True)
        self.fields["partner"].queryset = Partner.objects.filter(status__in=["active", "onboarding"])


class DealTextSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=2000, help_text=_("The rejection reason or the question for the partner."))


class ConflictCheckSerializer(serializers.Serializer):
    customer_name = serializers.CharField(max_length=200)
    customer_website = serializers.CharField(max_length=253, required=False, allow_blank=True)
    contact_email = serializers.CharField(max_length=254, required=False, allow_blank=True)
    products = serializers.ListField(child=serializers.CharField(), required=False)


class MatchReasonSerializer(serializers.Serializer):
    kind = serializers.CharField()
    detail = serializers.CharField()
    score = serializers.FloatField(allow_null=True)


class ConflictSerializer(serializers.Serializer):
    deal = serializers.IntegerField(source="deal.pk")
    reference = serializers.CharField(source="deal.reference")
    partner = serializers.CharField(source="deal.partner.name")
    status = serializers.CharField(source="deal.status")
    # Empty while the matching deal still waits for approval: it is a conflict, not yet protected.
    protected_until = serializers.DateTimeField(source="deal.protected_until", allow_null=True)
    strong = serializers.BooleanField()
    reasons = MatchReasonSerializer(many=True)


class ConflictVerdictSerializer(serializers.Serializer):
    verdict = serializers.ChoiceField(choices=["free", "protected", "possible", "own"])
    message = serializers.CharField()
    protected_until = serializers.DateTimeField(allow_null=True)
    conflicts = ConflictSerializer(many=True, required=False, help_text=_("Staff and API keys only."))
