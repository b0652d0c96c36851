from django import forms
from django.utils.translation import gettext_lazy as _

from .kinds import kind_choices
from .models import ChecklistSettings


class StepForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=())
    title = forms.CharField(label=_("Title"), max_length=200, required=False,
                            help_text=_("What the partner reads; leave empty to use the kind's name (a manual step needs one)."))
    threshold = forms.IntegerField(label=_("How many"), required=False, min_value=1, max_value=100,
                                   help_text=_("For “Invite colleagues”: how many colleagues must have joined."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "—"), *kind_choices()]


class StepEditForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, required=False,
                            help_text=_("What the partner reads; leave empty to use the kind's name (a manual step needs one)."))
    threshold = forms.IntegerField(label=_("How many"), required=False, min_value=1, max_value=100)

    def __init__(self, *args, step, **kwargs):
        super().__init__(*args, **kwargs)
        kind = step.kind_entry
        if kind is None or not kind.uses_threshold:
            del self.fields["threshold"]


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=(("up", _("Up")), ("down", _("Down"))))


class TickForm(forms.Form):
    step = forms.IntegerField(min_value=1)
    done = forms.BooleanField(required=False)


class ChecklistSettingsForm(forms.ModelForm):
    class Meta:
        model = ChecklistSettings
        fields = ["activation", "stuck_after_days", "remind_every_days"]
        widgets = {"activation": forms.RadioSelect}
