"""Forms of the evaluation pages: the dashboard's filter, and a manager's hold, override and rejection."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Tier
from .selectors import State

STATE_CHOICES = [
    ("", _("Every partner")),
    (State.PENDING_UPGRADE, _("Upgrade waiting for approval")),
    (State.IN_GRACE, _("In a grace period")),
    (State.AT_RISK, _("Tier at risk")),
    (State.HELD, _("Tier held")),
]


class EvaluationFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("Show"), choices=STATE_CHOICES, required=False)


class HoldForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
    until = forms.DateField(label=_("Held until"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
                            help_text=_("Empty: until you release it."))


class OverrideForm(HoldForm):
    tier = forms.ModelChoiceField(label=_("Tier"), queryset=Tier.unscoped.none(), required=False,
                                  empty_label=_("No tier"))

    field_order = ["tier", "reason", "until"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tier"].queryset = Tier.objects.order_by("-rank")
        self.fields["until"].help_text = _("The tier is held so that the evaluation does not undo it; empty: until you release it.")


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
