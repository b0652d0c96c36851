from rest_framework import serializers

from .models import Answer, FollowUpCase, PartnerScore, Survey, SurveyInvitation


class SurveySerializer(serializers.ModelSerializer):
    class Meta:
        model = Survey
        fields = ["id", "name", "language", "nps_question", "ask_effort", "for_won_deals", "is_active", "created_at"]
        read_only_fields = ["id", "created_at"]


class SurveyInvitationSerializer(serializers.ModelSerializer):
    class Meta:
        model = SurveyInvitation
        fields = ["id", "survey", "partner", "campaign", "deal", "email", "name", "company", "status", "send_after",
                  "sent_at", "reminders_sent", "skip_reason", "answered_at", "created_at"]
        read_only_fields = fields


class AnswerSerializer(serializers.ModelSerializer):
    email = serializers.EmailField(source="invitation.email", read_only=True)
    name = serializers.CharField(source="invitation.name", read_only=True)
    company = serializers.CharField(source="invitation.company", read_only=True)
    category = serializers.CharField(read_only=True)

    class Meta:
        model = Answer
        fields = ["id", "invitation", "survey", "partner", "score", "category", "effort", "comment", "answered_at",
                  "email", "name", "company"]
        read_only_fields = fields


class PartnerScoreSerializer(serializers.ModelSerializer):
    run_date = serializers.DateField(source="run.run_date", read_only=True)
    partner_name = serializers.CharField(source="partner.name", read_only=True, default=None)

    class Meta:
        model = PartnerScore
        fields = ["id", "run_date", "period", "partner", "partner_name", "n", "promoters", "passives", "detractors",
                  "nps", "ci_low", "ci_high", "shrunk", "rank", "ranked_of", "trend_delta", "trend_significant"]
        read_only_fields = fields


class FollowUpCaseSerializer(serializers.ModelSerializer):
    score = serializers.IntegerField(source="answer.score", read_only=True)
    email = serializers.EmailField(source="answer.invitation.email", read_only=True)

    class Meta:
        model = FollowUpCase
        fields = ["id", "answer", "partner", "score", "email", "status", "due_at", "contacted_at", "root_cause",
                  "action_taken", "closed_at", "escalated_at", "created_at"]
        read_only_fields = ["id", "answer", "partner", "score", "email", "status", "due_at", "contacted_at",
                            "closed_at", "escalated_at", "created_at"]


class FollowUpUpdateSerializer(serializers.Serializer):
    contacted = serializers.BooleanField(required=False, default=False)
    root_cause = serializers.CharField(required=False, allow_blank=True, default="")
    action_taken = serializers.CharField(required=False, allow_blank=True, default="")
    close = serializers.BooleanField(required=False, default=False)
