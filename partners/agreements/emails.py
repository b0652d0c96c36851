"""One function per email the agreements send; each goes through the outbox, one message per partner admin."""

from datetime import datetime

from django.urls import reverse

from partners.models import Partner
from prm.outbox.services import email_render_and_enqueue
from prm.tenancy.links import tenant_url
from prm.tenancy.models import Membership, Role

from .models import AgreementVersion
from .selectors import agreement_settings_for


def _partner_admin_emails(partner: Partner) -> list[str]:
    return list(Membership.objects.filter(partner=partner, role=Role.PARTNER_ADMIN, is_active=True)
                .values_list("user__email", flat=True))


def send_signature_request(partner: Partner, version: AgreementVersion, *, reminder: bool, due_at: datetime | None) -> int:
    """Ask the partner's admins to sign `version` (a first request or a reminder); returns how many were written."""
    link = tenant_url(partner.tenant, reverse("agreements:portal_sign"))
    recipients = _partner_admin_emails(partner)
    keep_access = agreement_settings_for(partner.tenant).unsigned_keep_access
    for email in recipients:
        email_render_and_enqueue(
            template="partners/agreements/email/reminder" if reminder else "partners/agreements/email/request",
            tenant=partner.tenant, to=[email],
            context={"partner": partner, "version": version, "tenant": partner.tenant, "link": link, "due_at": due_at,
                     "keep_access": keep_access},
        )
    return len(recipients)
