from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from partners.business_types import BusinessType
from prm.tenancy.models import STAFF_ROLES, Membership

from .models import ApplicationQuestion, QuestionKind

YES_NO = [("", "—"), ("yes", _("Yes")), ("no", _("No"))]


class ApplyForm(forms.Form):
    company = forms.CharField(label=_("Company name"), max_length=200)
    website = forms.CharField(label=_("Website"), max_length=300, help_text=_("For example example.com"))
    country = CountryField(blank_label="—").formfield(label=_("Country"))
    business_type = forms.ChoiceField(label=_("Business type"), choices=[("", "—"), *BusinessType.choices])
    contact_name = forms.CharField(label=_("Your name"), max_length=150)
    contact_email = forms.EmailField(label=_("Your work email"), help_text=_("We send you a link to confirm it."))
    # Honeypot: hidden from people (CSS and aria-hidden); a bot that fills it gets a thank-you and nothing is stored.
    nickname = forms.CharField(required=False, label=_("Leave this field empty"))

    def __init__(self, *args, questions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for question in self.questions:
            name = f"q{question.pk}"
            if question.kind == QuestionKind.CHOICE:
                field = forms.ChoiceField(choices=[("", "—"), *((o, o) for o in question.options)])
            elif question.kind == QuestionKind.YES_NO:
                field = forms.ChoiceField(choices=YES_NO)
            else:
                field = forms.CharField(max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
            field.label = question.text
            field.required = question.required
            self.fields[name] = field

    def question_fields(self):
        return [self[f"q{question.pk}"] for question in self.questions]

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get("nickname"))

    def answers(self) -> dict[int, str]:
        labels = dict(YES_NO)
        answers = {}
        for question in self.questions:
            value = self.cleaned_data.get(f"q{question.pk}", "")
            answers[question.pk] = str(labels[value]) if question.kind == QuestionKind.YES_NO and value else value
        return answers

    def application_fields(self) -> dict:
        names = ("company", "website", "country", "business_type", "contact_name", "contact_email")
        return {name: self.cleaned_data[name] for name in names}


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Your answer"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5}))


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason (emailed to the applicant)"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}))


class RequestInfoForm(forms.Form):
    question = forms.CharField(label=_("What should the applicant tell you?"), max_length=2000,
                               widget=forms.Textarea(attrs={"rows": 3}))


class ApproveForm(forms.Form):
    owner = forms.ModelChoiceField(label=_("Channel manager"), queryset=Membership.unscoped.none(), required=False,
                                   help_text=_("Empty: you."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["owner"]
        field.queryset = Membership.objects.filter(role__in=STAFF_ROLES, is_active=True).select_related("user")
        field.label_from_instance = lambda m: m.user.get_full_name() or m.user.email


class OnboardingSettingsForm(forms.Form):
    auto_approve_domains = forms.CharField(
        label=_("Auto-approved email domains"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One domain per line. Confirmed applications from these email domains are approved without "
                    "review, unless they look like a duplicate. Empty: every application is reviewed."),
    )


class QuestionForm(forms.ModelForm):
    class Meta:
        model = ApplicationQuestion
        fields = ["text", "kind", "choices", "required"]
        widgets = {"choices": forms.Textarea(attrs={"rows": 3})}
