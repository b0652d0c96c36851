from functools import cache

from django import template
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import pgettext_lazy

from ..verbs import verb_labels

register = template.Library()

# States of targets that have no `status` field of choices (memberships, invitations, product lines…).
STATES = {
    "active": pgettext_lazy("state", "Active"),
    "inactive": pgettext_lazy("state", "Inactive"),
    "pending": pgettext_lazy("state", "Pending"),
    "accepted": pgettext_lazy("state", "Accepted"),
    "revoked": pgettext_lazy("state", "Revoked"),
    "expired": pgettext_lazy("state", "Expired"),
    "retired": pgettext_lazy("state", "Retired"),
    "open": pgettext_lazy("state", "Open"),
    "closed": pgettext_lazy("state", "Closed"),
}


@register.filter
def event_label(verb):
    """What people read in a timeline instead of the stored verb (labels live in each app's audit_verbs.py)."""
    return verb_labels().get(verb, verb.replace("_", " ").replace(".", ": ").capitalize())


@cache
def _status_labels(target_type: str) -> dict:
    """The target model's own status choices ("dealreg.deal" → {"more_info": "More info requested", …}),
    looked up once per model, not once per timeline row (the labels are lazy: read in the active language)."""
    try:
        field = apps.get_model(target_type)._meta.get_field("status")
    except (LookupError, ValueError, FieldDoesNotExist):
        return {}
    return dict(field.flatchoices or ())


@register.filter
def state_label(state, target_type=""):
    """A stored state as people read it: the target's status label, else a common state's, else the value."""
    return _status_labels(target_type).get(state) or STATES.get(state) or state.replace("_", " ")
