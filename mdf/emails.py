"""One function per email market development funds send; each goes through the outbox, one message per
partner admin (in their language)."""

from datetime import date
from decimal import Decimal

from django.urls import reverse

from partners.models import Partner
from prm.outbox.services import email_render_and_enqueue
from prm.tenancy.links import tenant_url
from prm.tenancy.models import Membership, Role

from .models import FundRequest
from .periods import fiscal_year_label


def partner_admin_emails(partner_ids: set[int]) -> dict[int, list[str]]:
    """The active partner admins' addresses of each partner (partners without one are left out)."""
    admins: dict[int, list[str]] = {}
    for partner_id, email in (Membership.objects.filter(partner_id__in=partner_ids, role=Role.PARTNER_ADMIN,
                                                        is_active=True)
                              .order_by("user__email").values_list("partner_id", "user__email")):
        admins.setdefault(partner_id, []).append(email)
    return admins


def send_claim_reminder(fund_request: FundRequest, to: str, *, due_on: date, days_left: int, left: Decimal) -> None:
    """A partner admin hears that the claim deadline of an approved request is near, and how much is
    still to claim, with the link to the request in the portal."""
    email_render_and_enqueue(
        template="mdf/email/claim_reminder", tenant=fund_request.tenant, to=[to],
        context={"fund_request": fund_request, "tenant": fund_request.tenant, "due_on": due_on, "days": days_left,
                 "left": left,
                 "link": tenant_url(fund_request.tenant, reverse("mdf:portal_request", args=[fund_request.pk]))},
    )


def send_unspent_warning(partner: Partner, to: str, *, amount: Decimal, expires_on: date, days_left: int,
                         fiscal_year: int) -> None:
    """A partner admin hears how much of the partner's funds of `fiscal_year` expires unused, and when."""
    email_render_and_enqueue(
        template="mdf/email/unspent_warning", tenant=partner.tenant, to=[to],
        context={"partner": partner, "tenant": partner.tenant, "amount": amount, "currency": partner.tenant.currency,
                 "expires_on": expires_on, "days": days_left, "year": fiscal_year_label(fiscal_year),
                 "link": tenant_url(partner.tenant, reverse("mdf:portal"))},
    )
