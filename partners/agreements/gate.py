"""The portal gate: a partner that has not signed the agreement it must sign (a new partner at once,
one that signed an earlier version once the re-sign deadline passed) sees only the agreement until a
partner admin signs it, unless the tenant lets unsigned partners keep access. Registered with
prm.tenancy.gates, so the portal base view and the API base viewset apply it everywhere."""

from django.urls import reverse
from django.utils.translation import gettext as _

from prm.tenancy.gates import Gate
from prm.tenancy.models import Membership

from .selectors import agreement_settings_for, partner_held_back


def agreement_gate(membership: Membership) -> Gate | None:
    if membership.partner is None or agreement_settings_for(membership.tenant).unsigned_keep_access:
        return None
    if not partner_held_back(membership.partner):
        return None
    return Gate(redirect_to=reverse("agreements:portal_sign"),
                api_message=_("Your company must sign the partner agreement first: a partner admin signs it in the portal."))
