from django import template

register = template.Library()

# What people read in a timeline instead of the internal event names.
LABELS = {
    "deal.created": "Registered as a draft", "deal.updated": "Edited", "deal.submit": "Submitted for approval",
    "deal.approve": "Approved", "deal.reject": "Rejected", "deal.request_info": "More information requested",
    "deal.withdraw": "Withdrawn", "deal.win": "Marked won", "deal.lose": "Marked lost", "deal.expire": "Protection ended",
    "deal.extended": "Protection extended", "partner.created": "Partner added", "partner.updated": "Profile edited",
    "partner.deactivated": "Deactivated", "partner.reactivated": "Reactivated", "invitation.created": "Invitation sent",
    "invitation.accepted": "Invitation accepted", "invitation.revoked": "Invitation revoked",
    "membership.created": "Joined", "membership.deactivated": "Access removed", "membership.reactivated": "Access restored",
    "rules.updated": "Rules changed", "follow_up.opened": "Follow-up opened", "follow_up.updated": "Follow-up updated",
    "follow_up.closed": "Follow-up closed", "api_key.created": "API key created", "api_key.revoked": "API key revoked",
}
STATES = {"more_info": "more info requested"}


@register.filter
def event_label(verb):
    return LABELS.get(verb, verb.replace("_", " ").replace(".", ": ").capitalize())


@register.filter
def state_label(state):
    return STATES.get(state, state.replace("_", " "))
