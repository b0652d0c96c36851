from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from partners.content.models import ContentItem
from partners.tiers.fields import TierNameField
from prm.api.filters import ChoiceFilter, IdFilter, SearchFilter

from .models import Completion, CompletionStatus, Course


class CourseSerializer(serializers.ModelSerializer):
    required_for_tiers = TierNameField(many=True, required=False,
                                       help_text=_("Names of the tiers that need the course."))
    content = serializers.PrimaryKeyRelatedField(
        many=True, required=False, queryset=ContentItem.objects,
        help_text=_("Ids of the content items linked to the course; a partner reads only those shown to it."))

    class Meta:
        model = Course
        fields = ["id", "name", "description", "validity_months", "required_for_tiers", "content", "is_active",
                  "created_at"]
        read_only_fields = ["id", "created_at"]
        extra_kwargs = {"validity_months": {"help_text": _("Months a certification stays valid; null: it never expires.")}}
        validators = []  # the service checks the name per tenant, in any case


class CourseListFilters(serializers.Serializer):
    active = serializers.BooleanField(required=False, allow_null=True, default=None,
                                      help_text=_("Only active (true) or switched-off (false) courses."))
    q = SearchFilter()


class CompletionSerializer(serializers.ModelSerializer):
    course_name = serializers.CharField(source="course.name", read_only=True)
    email = serializers.EmailField(source="user.email", read_only=True)
    partner_name = serializers.CharField(source="partner.name", read_only=True)
    has_certificate = serializers.SerializerMethodField()

    class Meta:
        model = Completion
        fields = ["id", "course", "course_name", "email", "partner", "partner_name", "completed_on", "expires_on",
                  "source", "status", "has_certificate", "recorded_at", "decided_at", "decision_note"]
        read_only_fields = fields

    def get_has_certificate(self, completion) -> bool:
        return bool(completion.certificate)


class CompletionRecordSerializer(serializers.Serializer):
    email = serializers.EmailField(help_text=_("The person's email: someone with an account at one of the partners."))
    course = serializers.PrimaryKeyRelatedField(queryset=Course.objects, help_text=_("The course's id."))
    completed_on = serializers.DateField()
    expires_on = serializers.DateField(required=False, allow_null=True,
                                       help_text=_("Empty: the course's validity sets it."))


class CompletionRejectSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, help_text=_("Why; the partner reads it."))


class CompletionListFilters(serializers.Serializer):
    status = ChoiceFilter(CompletionStatus.choices)
    course = IdFilter(help_text=_("Only completions of this course."))
    partner = IdFilter(help_text=_("Only completions of this partner's people."))
    q = SearchFilter()
