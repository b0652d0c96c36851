from django import forms
from django.utils.translation import gettext_lazy as _

from .management import MAX_RANK
from .models import Tier, TierSettings
from .requirements import kind_choices, kind_of


def _tier_field(name, **kwargs):
    """The model field's form field, with the model's validators (so every error shows at the first submit)."""
    field = Tier._meta.get_field(name)
    form_field = field.formfield(**kwargs)
    form_field.validators = [*form_field.validators, *(v for v in field.validators if v not in form_field.validators)]
    return form_field


class TierFieldsForm(forms.Form):
    name = _tier_field("name")
    rank = _tier_field("rank", required=False, min_value=1, max_value=MAX_RANK,
                       help_text=_("Higher is better. Leave empty for a new tier above the highest."))
    colour = _tier_field("colour", widget=forms.TextInput(attrs={"type": "color"}),
                         help_text=_("Shown beside the tier's name in lists."))
    description = _tier_field("description", widget=forms.Textarea(attrs={"rows": 3}))
    discount_percent = _tier_field("discount_percent")
    protection_days = _tier_field("protection_days")
    mdf_accrual_percent = _tier_field("mdf_accrual_percent")
    points_multiplier = _tier_field("points_multiplier")


class RequirementRowForm(forms.Form):
    kind = forms.ChoiceField(label=_("Requirement"), choices=(), required=False)
    threshold = forms.DecimalField(label=_("At least"), required=False, min_value=0, max_digits=14, decimal_places=2,
                                   help_text=_("An amount, a number or a score, as the requirement says."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "—"), *kind_choices()]

    def clean(self):
        data = super().clean()
        kind = kind_of(data.get("kind") or "")
        if kind is not None and kind.uses_threshold and data.get("threshold") is None and not self.errors:
            self.add_error("threshold", _("Say how much at least: “%(kind)s” needs a figure.") % {"kind": kind.label})
        if kind is not None and not kind.uses_threshold:
            data["threshold"] = None
        return data


class BaseRequirementFormSet(forms.BaseFormSet):
    def clean(self):
        seen = set()
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or self._should_delete_form(form):
                continue
            kind = form.cleaned_data.get("kind")
            if not kind:
                continue
            if kind in seen:
                form.add_error("kind", _("This requirement is listed twice: a tier has each requirement once."))
            seen.add(kind)

    def specs(self) -> list[dict]:
        return [{"kind": form.cleaned_data["kind"], "threshold": form.cleaned_data.get("threshold")}
                for form in self.forms
                if form.cleaned_data.get("kind") and not self._should_delete_form(form)]


RequirementFormSet = forms.formset_factory(RequirementRowForm, formset=BaseRequirementFormSet, extra=2,
                                           can_delete=True, max_num=20, validate_max=True)


class TierForm(TierFieldsForm):
    """A tier's fields with its requirements on the same page (a formset under the prefix "requirements")."""

    def __init__(self, data=None, *, tier=None, **kwargs):
        if tier is not None and data is None:
            kwargs.setdefault("initial", {name: getattr(tier, name) for name in self.base_fields})
        super().__init__(data, **kwargs)
        initial = None
        if tier is not None and data is None:
            initial = [{"kind": r.kind, "threshold": r.threshold} for r in tier.requirements.all()]
        self.requirements = RequirementFormSet(data, initial=initial, prefix="requirements")

    def is_valid(self):
        fields_valid = super().is_valid()
        requirements_valid = self.requirements.is_valid()
        if fields_valid and requirements_valid:
            self.cleaned_data["requirements"] = self.requirements.specs()
        return fields_valid and requirements_valid


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=(("up", _("Up")), ("down", _("Down"))))


class TierSettingsForm(forms.ModelForm):
    class Meta:
        model = TierSettings
        fields = ["upgrades", "grace_days"]
        widgets = {"upgrades": forms.RadioSelect}
