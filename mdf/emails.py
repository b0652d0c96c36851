"""One function per email market development funds send; each goes through the outbox, one message per
recipient (in their language), written in the transaction of the write that causes it: a write that
rolls back sends nothing, and a replayed write (its idempotency key used before) never gets here."""

from datetime import date
from decimal import Decimal

from django.urls import reverse

from partners.models import Partner
from prm.outbox.services import email_render_and_enqueue
from prm.tenancy.links import tenant_url
from prm.tenancy.models import Membership, Role

from .models import Claim, FundRequest, Payment
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


def _staff_emails() -> list[str]:
    """Who decides: the active channel managers, else the tenant admins."""
    for role in (Role.CHANNEL_MANAGER, Role.TENANT_ADMIN):
        emails = list(Membership.objects.filter(role=role, is_active=True, partner__isnull=True)
                      .order_by("user__email").values_list("user__email", flat=True))
        if emails:
            return emails
    return []


def _partner_emails(fund_request: FundRequest, claim: Claim | None = None) -> list[str]:
    """The partner's admins and whoever of the partner's people wrote the request (and the claim)."""
    emails = set(partner_admin_emails({fund_request.partner_id}).get(fund_request.partner_id, []))
    writers = {fund_request.created_by_id, claim.created_by_id if claim is not None else None} - {None}
    emails |= set(Membership.objects.filter(user_id__in=writers, partner_id=fund_request.partner_id, is_active=True)
                  .values_list("user__email", flat=True))
    return sorted(emails)


def _send(kind: str, fund_request: FundRequest, recipients: list[str], link: str, **context) -> None:
    for email in recipients:
        email_render_and_enqueue(
            template=f"mdf/email/{kind}", tenant=fund_request.tenant, to=[email],
            context={"fund_request": fund_request, "tenant": fund_request.tenant, "currency": fund_request.currency,
                     "link": link, **context})


def _portal_link(fund_request: FundRequest) -> str:
    return tenant_url(fund_request.tenant, reverse("mdf:portal_request", args=[fund_request.pk]))


# What a move of a fund request tells whom: the partner hears the decisions, the deciders what waits.
REQUEST_EMAILS = {"submit": ("request_submitted", "staff"), "answer": ("request_answered", "staff"),
                  "approve": ("request_approved", "partner"), "reject": ("request_rejected", "partner"),
                  "more_info": ("request_more_info", "partner")}


def send_request_moved(fund_request: FundRequest, action: str) -> None:
    """The email of a fund request's move (REQUEST_EMAILS), if it has one."""
    if action not in REQUEST_EMAILS:
        return
    kind, audience = REQUEST_EMAILS[action]
    if audience == "staff":
        link = tenant_url(fund_request.tenant, reverse("mdf:request", args=[fund_request.pk]))
        _send(kind, fund_request, _staff_emails(), link)
    else:
        _send(kind, fund_request, _partner_emails(fund_request), _portal_link(fund_request))


def send_claim_submitted(claim: Claim) -> None:
    link = tenant_url(claim.tenant, reverse("mdf:claim", args=[claim.pk]))
    _send("claim_submitted", claim.fund_request, _staff_emails(), link, claim=claim)


def send_claim_decided(claim: Claim) -> None:
    """The partner hears that its claim was approved (maybe for less, with the reason) or rejected."""
    kind = "claim_approved" if claim.approved_amount is not None else "claim_rejected"
    _send(kind, claim.fund_request, _partner_emails(claim.fund_request, claim), _portal_link(claim.fund_request),
          claim=claim)


def send_payment_recorded(payment: Payment) -> None:
    request = payment.claim.fund_request
    _send("payment_recorded", request, _partner_emails(request, payment.claim), _portal_link(request), payment=payment,
          claim=payment.claim)
