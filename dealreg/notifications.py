"""Deal emails, one function per message; each recipient gets their own outbox row."""

import math

from django.urls import reverse

from prm.outbox.services import email_render_and_enqueue
from prm.tenancy.links import tenant_url
from prm.tenancy.models import Membership, Role

from .models import DealStatus


def _send(deal, kind, recipients, url, **context):
    for email in sorted(set(recipients)):
        email_render_and_enqueue(
            template=f"dealreg/email/{kind}",
            context={"deal": deal, "tenant": deal.tenant, "url": url, **context},
            tenant=deal.tenant,
            to=[email],
        )


def _staff_emails(role):
    members = Membership.objects.filter(role=role, is_active=True).select_related("user")
    return [m.user.email for m in members]


def _partner_emails(deal):
    members = Membership.objects.filter(partner=deal.partner, is_active=True).select_related("user")
    return [m.user.email for m in members]


def _dashboard_url(deal):
    return tenant_url(deal.tenant, reverse("dealreg:dashboard_detail", args=[deal.pk]))


def _portal_url(deal):
    return tenant_url(deal.tenant, reverse("dealreg:portal_detail", args=[deal.pk]))


def deal_submitted(deal):
    managers = _staff_emails(Role.CHANNEL_MANAGER) or _staff_emails(Role.TENANT_ADMIN)
    _send(deal, "submitted", managers, _dashboard_url(deal))


def deal_info_provided(deal):
    """The partner answered the vendor's question and submitted the deal again."""
    managers = _staff_emails(Role.CHANNEL_MANAGER) or _staff_emails(Role.TENANT_ADMIN)
    _send(deal, "info_provided", managers, _dashboard_url(deal))


def deal_decided(deal):
    kind = {DealStatus.APPROVED: "approved", DealStatus.REJECTED: "rejected", DealStatus.MORE_INFO: "more_info"}[deal.status]
    _send(deal, kind, _partner_emails(deal), _portal_url(deal))


def deal_expiring(deal, days_left):
    _send(deal, "expiring", _partner_emails(deal), _portal_url(deal), days_left=days_left)


def deal_expired(deal):
    _send(deal, "expired", _partner_emails(deal), _portal_url(deal))


def sla_reminder(deal, hours_left):
    managers = _staff_emails(Role.CHANNEL_MANAGER) or _staff_emails(Role.TENANT_ADMIN)
    # Whole hours, rounded half up: the subject counts them ("1 business hour left").
    _send(deal, "sla_reminder", managers, _dashboard_url(deal), hours_left=math.floor(hours_left + 0.5))


def sla_escalation(deal):
    _send(deal, "sla_escalation", _staff_emails(Role.TENANT_ADMIN), _dashboard_url(deal))
