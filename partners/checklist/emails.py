"""One function per email the onboarding checklist sends; each goes through the outbox."""

from django.urls import reverse

from prm.outbox.services import email_render_and_enqueue
from prm.tenancy.links import tenant_url

from .selectors import ChecklistState


def send_reminder(state: ChecklistState, to: str) -> None:
    """A partner admin hears which steps are left, with the link to the checklist (in their language)."""
    partner = state.partner
    email_render_and_enqueue(
        template="partners/checklist/email/reminder", tenant=partner.tenant, to=[to],
        context={"partner": partner, "tenant": partner.tenant, "state": state,
                 "left": [item for item in state.items if not item.done],
                 "link": tenant_url(partner.tenant, reverse("checklist:portal"))},
    )
