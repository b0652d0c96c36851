"""One function per email the tier evaluation sends; each goes through the outbox."""

from datetime import date

from django.urls import reverse

from partners.models import Partner
from prm.outbox.services import email_render_and_enqueue
from prm.tenancy.links import tenant_url

from .models import Tier


def send_warning(*, partner: Partner, to: str, subject: str, tier: Tier | None, lower: Tier | None, on: date,
                 days: int, reasons: list[str]) -> None:
    """A partner admin hears that the partner's tier moves down (subject "downgrade") or is at risk
    ("at_risk") on `on`, `days` days ahead, and why, with the link to the portal's tier page."""
    email_render_and_enqueue(
        template="tiers/evaluations/email/warning", tenant=partner.tenant, to=[to],
        context={"partner": partner, "tenant": partner.tenant, "subject": subject, "tier": tier, "lower": lower,
                 "on": on, "days": days, "reasons": reasons,
                 "link": tenant_url(partner.tenant, reverse("tiers:portal"))},
    )
