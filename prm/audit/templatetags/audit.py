from django import template

from ..verbs import verb_labels

register = template.Library()

STATES = {"more_info": "more info requested"}


@register.filter
def event_label(verb):
    """What people read in a timeline instead of the stored verb (labels live in each app's audit_verbs.py)."""
    return verb_labels().get(verb, verb.replace("_", " ").replace(".", ": ").capitalize())


@register.filter
def state_label(state):
    return STATES.get(state, state.replace("_", " "))
