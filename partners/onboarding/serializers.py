"""The application API's shapes. Creating validates with the apply page's own form, so that the
API and /apply/ accept exactly the same applications."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.serializer_fields import CountryField
from rest_framework import serializers

from partners.business_types import BusinessType
from prm.api.filters import MAX_ID

from .forms import ApplyForm
from .models import Application, ApplicationQuestion


class QuestionSerializer(serializers.ModelSerializer):
    choices = serializers.ListField(source="options", child=serializers.CharField(), read_only=True,
                                    help_text=_("The options of a choice question; empty for the others."))

    class Meta:
        model = ApplicationQuestion
        fields = ["id", "text", "kind", "choices", "required"]
        read_only_fields = fields


class AnswerInputSerializer(serializers.Serializer):
    question = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text=_("The question's id."))
    answer = serializers.CharField(max_length=1000, allow_blank=True,
                                   help_text=_("Text; for a choice question one of its choices; for a yes/no question "
                                               "“yes” or “no”."))


class ApplicationCreateSerializer(serializers.Serializer):
    """What the apply page asks. `context["questions"]` holds the program's active questions."""

    company = serializers.CharField(max_length=200)
    website = serializers.CharField(max_length=300, help_text=_("For example example.com"))
    country = CountryField()
    business_type = serializers.ChoiceField(BusinessType.choices)
    contact_name = serializers.CharField(max_length=150)
    contact_email = serializers.EmailField(max_length=254, help_text=_("We send a link to this address; the "
                                                                       "application reaches the queue once it is followed."))
    answers = serializers.ListField(child=AnswerInputSerializer(), required=False, max_length=100,
                                    help_text=_("Answers to the program's questions (GET /api/v1/applications/questions/)."))

    def validate(self, attrs):
        questions = {question.pk: question for question in self.context["questions"]}
        data = {name: value for name, value in attrs.items() if name != "answers"}
        for item in attrs.get("answers", []):
            if item["question"] not in questions:
                raise serializers.ValidationError({"answers": [_("Question %(id)s is not asked by this program.")
                                                               % {"id": item["question"]}]})
            data[f"q{item['question']}"] = item["answer"]
        form = ApplyForm(data, questions=questions.values())
        if not form.is_valid():
            errors = {}
            for name, messages in form.errors.items():
                if name.startswith("q") and name[1:].isdigit():
                    text = questions[int(name[1:])].text
                    errors.setdefault("answers", []).extend(f"{text}: {message}" for message in messages)
                else:
                    errors[name] = messages
            raise serializers.ValidationError(errors)
        return {"fields": form.application_fields(), "answers": form.answers()}


class ApplicationReceivedSerializer(serializers.Serializer):
    status = serializers.CharField()
    detail = serializers.CharField()


class ApplicationAnswerSerializer(serializers.Serializer):
    question = serializers.CharField(help_text=_("The question as it was asked."))
    answer = serializers.CharField(allow_blank=True)


class ApplicationSerializer(serializers.ModelSerializer):
    country = CountryField(read_only=True)
    answers = ApplicationAnswerSerializer(many=True, read_only=True)
    duplicate = serializers.BooleanField(source="is_flagged", read_only=True,
                                         help_text=_("It looks like a partner (matched_partner) or another open "
                                                     "application (duplicate_of)."))
    matched_partner_name = serializers.CharField(source="matched_partner.name", read_only=True, allow_null=True)
    duplicate_of_company = serializers.CharField(source="duplicate_of.company", read_only=True, allow_null=True)
    age_days = serializers.SerializerMethodField(help_text=_("Whole days since the application was received."))

    class Meta:
        model = Application
        fields = [
            "id", "status", "company", "website", "domain", "country", "business_type", "contact_name", "contact_email",
            "language", "answers", "duplicate", "matched_partner", "matched_partner_name", "duplicate_of",
            "duplicate_of_company", "info_request", "reject_reason", "partner", "created_at", "confirmed_at",
            "updated_at", "age_days",
        ]
        read_only_fields = fields

    def get_age_days(self, application: Application) -> int:
        return (timezone.now() - application.created_at).days


class ApproveSerializer(serializers.Serializer):
    owner = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=MAX_ID,
                                     help_text=_("Membership id of the channel manager who looks after the new partner "
                                                 "(empty: the approving manager, or for an API key the admin who created it)."))


class RejectSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, help_text=_("Emailed to the applicant."))


class RequestInfoSerializer(serializers.Serializer):
    question = serializers.CharField(max_length=2000, help_text=_("What the applicant should tell you; emailed with "
                                                                  "the link they answer by."))
