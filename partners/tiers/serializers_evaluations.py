from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from prm.api.filters import ChoiceFilter, IdFilter

from .fields import TierNameField
from .selectors import State


class TierEvaluationListFilters(serializers.Serializer):
    partner = IdFilter(help_text=_("Only this partner."))
    state = ChoiceFilter([(s, s) for s in State.ALL], help_text=_(
        "pending_upgrade: an upgrade waits for approval; in_grace: a downgrade in its grace period; at_risk: the tier is "
        "at risk (or in grace); held: a manager holds the tier."))


class TierFigureSerializer(serializers.Serializer):
    requirement = serializers.IntegerField()
    tier = serializers.IntegerField(allow_null=True)
    kind = serializers.CharField()
    target = serializers.DecimalField(max_digits=16, decimal_places=2)
    value = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True,
                                     help_text=_("Null: no figure (e.g. fewer answers than the program's minimum)."))
    sample = serializers.IntegerField(allow_null=True, help_text=_("How many items or answers the figure stands on."))
    met = serializers.BooleanField()


class TierAtRiskSerializer(serializers.Serializer):
    on = serializers.DateField()
    text = serializers.CharField()

    def to_representation(self, instance):
        day, text = instance
        return {"on": day, "text": text}


class TierSnapshotSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    evaluated_at = serializers.DateTimeField()
    evaluated_on = serializers.DateField()
    current_tier = serializers.CharField(source="current_tier.name", allow_null=True, default=None)
    qualified_tier = serializers.CharField(source="qualified_tier.name", allow_null=True, default=None)
    proposal = serializers.CharField()
    figures = TierFigureSerializer(many=True)
    at_risk_on = serializers.DateField(allow_null=True)
    at_risk = TierAtRiskSerializer(many=True)


class TierChangeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    direction = serializers.CharField()
    status = serializers.CharField()
    from_tier = serializers.CharField(source="from_tier.name", allow_null=True, default=None)
    to_tier = serializers.CharField(source="to_tier.name", allow_null=True, default=None)
    due_on = serializers.DateField(allow_null=True, help_text=_("A downgrade applies on this day unless the partner qualifies again."))
    created_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)
    reason = serializers.CharField()


class TierHoldStateSerializer(serializers.Serializer):
    reason = serializers.CharField()
    until = serializers.DateField(allow_null=True)
    created_at = serializers.DateTimeField()


class TierEvaluationSerializer(serializers.Serializer):
    """A partner's tier evaluation: its tier, its latest snapshot (the figures that decided), the open change
    (an upgrade waiting for approval, a downgrade in grace) and the hold, by partner id."""

    id = serializers.IntegerField(source="partner.pk", help_text=_("The partner's id (the evaluation's URL)."))
    partner_name = serializers.CharField(source="partner.name")
    tier = serializers.CharField(source="partner.tier.name", allow_null=True, default=None)
    latest = TierSnapshotSerializer(allow_null=True)
    open_change = TierChangeSerializer(source="change", allow_null=True)
    hold = TierHoldStateSerializer(allow_null=True)


class TierRejectSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


class TierHoldRequestSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=1000)
    until = serializers.DateField(required=False, allow_null=True, default=None, help_text=_("Empty: until released."))


class TierOverrideSerializer(TierHoldRequestSerializer):
    tier = TierNameField(allow_null=True, help_text=_("The tier's name, in any case; null: no tier."))
