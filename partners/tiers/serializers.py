from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from prm.api.filters import SearchFilter

from .describe import requirement_text
from .management import MAX_RANK
from .models import Tier, TierRequirement
from .requirements import kind_choices, kind_of


class TierListFilters(serializers.Serializer):
    q = SearchFilter(help_text=_("Part of the tier's name."))


class RequirementSerializer(serializers.ModelSerializer):
    """One requirement of a tier: its kind (of the registered kinds) and, where the kind takes one, its figure."""

    kind = serializers.ChoiceField(choices=(), help_text=_("The kind of requirement (see `label`)."))
    threshold = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0, required=False, allow_null=True,
                                         help_text=_("At least this much; null for kinds that set their own target."))
    label = serializers.SerializerMethodField(help_text=_("What the kind measures."))
    unit = serializers.SerializerMethodField(help_text=_("money (the program's currency), count or score."))
    text = serializers.SerializerMethodField(help_text=_("The requirement in words, with its figure."))

    class Meta:
        model = TierRequirement
        fields = ["id", "kind", "threshold", "label", "unit", "text"]
        read_only_fields = ["id"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kind_choices()

    def get_label(self, requirement) -> str:
        kind = kind_of(requirement.kind)
        return str(kind.label) if kind else requirement.kind

    def get_unit(self, requirement) -> str | None:
        kind = kind_of(requirement.kind)
        return kind.unit if kind else None

    def get_text(self, requirement) -> str:
        request = self.context.get("request")
        tenant = request._request.tenant if request is not None else requirement.tenant
        return requirement_text(requirement, tenant.currency)

    def validate(self, data):
        kind = kind_of(data["kind"])
        if kind.uses_threshold and data.get("threshold") is None:
            raise serializers.ValidationError({"threshold": _("Say how much at least: “%(kind)s” needs a figure.")
                                               % {"kind": kind.label}})
        if not kind.uses_threshold:
            data["threshold"] = None
        return data


class TierSerializer(serializers.ModelSerializer):
    """A tier of the program with its benefits and requirements. Writing `requirements` replaces them all."""

    rank = serializers.IntegerField(min_value=1, max_value=MAX_RANK, required=False,
                                    help_text=_("Higher is better; on create, empty puts the tier above the highest."))
    requirements = RequirementSerializer(many=True, required=False)

    class Meta:
        model = Tier
        fields = ["id", "name", "rank", "colour", "description", "discount_percent", "protection_days",
                  "mdf_accrual_percent", "points_multiplier", "requirements", "created_at"]
        read_only_fields = ["id", "created_at"]
        # Uniqueness (any case) is the service's to check, with the error on the field it concerns.
        validators = []

    def validate_requirements(self, requirements):
        kinds = [spec["kind"] for spec in requirements]
        if len(kinds) != len(set(kinds)):
            raise serializers.ValidationError(_("A tier has each requirement once."))
        return requirements
