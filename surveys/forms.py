from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Survey, SurveySettings


class SurveyForm(forms.ModelForm):
    class Meta:
        model = Survey
        fields = ["name", "language", "nps_question", "ask_effort", "for_won_deals", "is_active"]


class SurveySettingsForm(forms.ModelForm):
    class Meta:
        model = SurveySettings
        fields = ["days_after_won", "quarantine_days", "reminders", "reminder_interval_days", "sends_per_minute",
                  "minimum_answers", "ghost_answers", "window_months", "follow_up_business_days"]


class FollowUpFilterForm(forms.Form):
    """Which follow-up cases a list shows; anything else shows them all."""

    state = forms.ChoiceField(required=False, choices=[("", _("All")), ("open", _("Open")), ("overdue", _("Overdue")),
                                                       ("closed", _("Closed"))])

    def state_or_all(self) -> str:
        return self.cleaned_data["state"] if self.is_valid() else ""


class ImportForm(forms.Form):
    name = forms.CharField(max_length=120, label=_("Campaign name"))
    survey = forms.ModelChoiceField(queryset=Survey.unscoped.none(), label=_("Survey"))
    file = forms.FileField(label=_("File"),
                           # Translators: name, email, company and partner are column names: keep them in English.
                           help_text=_("CSV or Excel (.xlsx) with the columns name, email, company, partner."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["survey"].queryset = Survey.objects.filter(is_active=True)


class FollowUpForm(forms.Form):
    contacted = forms.BooleanField(required=False, label=_("I contacted the customer"))
    root_cause = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}), label=_("Root cause"))
    action_taken = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}), label=_("Action taken"))


class PracticeForm(forms.Form):
    text = forms.CharField(max_length=1500, widget=forms.Textarea(attrs={"rows": 4}),
                           label=_("What do you do well that others could learn from?"))
