from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from partners.models import PartnerStatus
from prm.api.filters import MAX_ID, ChoiceFilter


class ChecklistListFilters(serializers.Serializer):
    status = ChoiceFilter(PartnerStatus.choices, help_text=_("Only partners in this state (onboarding: still on the checklist)."))


class ChecklistItemSerializer(serializers.Serializer):
    step = serializers.IntegerField(source="step.pk")
    kind = serializers.CharField(source="step.kind")
    title = serializers.CharField(source="step.label")
    manual = serializers.BooleanField(source="step.is_manual")
    done = serializers.BooleanField()
    completed_at = serializers.DateTimeField(source="completion.completed_at", allow_null=True, default=None)
    ticked_by = serializers.EmailField(source="completion.completed_by.email", allow_null=True, default=None)


class ChecklistStateSerializer(serializers.Serializer):
    """A partner's onboarding checklist: its steps in order, done or not, and whether it waits for a manager."""

    id = serializers.IntegerField(source="partner.pk", help_text=_("The partner's id (the checklist's URL)."))
    partner = serializers.IntegerField(source="partner.pk")
    partner_name = serializers.CharField(source="partner.name")
    partner_status = serializers.CharField(source="partner.status")
    done = serializers.IntegerField()
    total = serializers.IntegerField()
    finished_at = serializers.DateTimeField(allow_null=True)
    waits_for_manager = serializers.BooleanField()
    steps = ChecklistItemSerializer(source="items", many=True)


class TickSerializer(serializers.Serializer):
    step = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text=_("The manual step's id."))
    done = serializers.BooleanField(default=True, help_text=_("False unticks the step (before the checklist is finished)."))
