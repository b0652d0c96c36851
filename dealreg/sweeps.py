"""Periodic work over one tenant's deals. Each step claims its rows with a conditional update,
so a second run (or two workers) never sends the same reminder twice."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

from prm.business_hours import business_hours_between

from . import notifications
from .models import Deal, DealStatus
from .rules import rules_for
from .selectors import deal_filter
from .services import deal_expire

REMIND_FRACTION = 0.25  # remind when a quarter of the approval clock is left


def _claim(deal, field, now):
    return Deal.objects.filter(pk=deal.pk, status=deal.status, **{f"{field}__isnull": True}).update(**{field: now}) == 1


def remind_and_escalate(*, tenant, now=None):
    now = now or timezone.now()
    rules = rules_for(tenant)
    waiting = Deal.objects.filter(status=DealStatus.SUBMITTED, sla_due_at__isnull=False).select_related("partner", "tenant")
    reminded = escalated = 0
    for deal in waiting.filter(escalated_at__isnull=True, sla_due_at__lte=now):
        if _claim(deal, "escalated_at", now):
            notifications.sla_escalation(deal)
            escalated += 1
    for deal in waiting.filter(reminded_at__isnull=True, sla_due_at__gt=now, sla_due_at__lte=now + timedelta(days=7)):
        hours_left = business_hours_between(now, deal.sla_due_at, tenant.time_zone)
        if hours_left <= rules.approval_sla_hours * REMIND_FRACTION and _claim(deal, "reminded_at", now):
            notifications.sla_reminder(deal, hours_left)
            reminded += 1
    return reminded, escalated


def expire_protection(*, tenant, now=None):
    now = now or timezone.now()
    expired = 0
    for deal in Deal.objects.filter(status=DealStatus.APPROVED, protected_until__lte=now).select_related("partner", "tenant"):
        try:
            deal_expire(deal=deal, now=now)
        except ValidationError:
            continue  # another run or a partner action got there first
        expired += 1
    return expired


def warn_expiring(*, tenant, now=None):
    now = now or timezone.now()
    # The same deals the portal's "protection ending" tile counts and its list shows.
    soon = Deal.objects.filter(deal_filter(protection="ending", now=now), expiry_warned_at__isnull=True)
    soon = soon.select_related("partner", "tenant")
    warned = 0
    for deal in soon:
        if _claim(deal, "expiry_warned_at", now):
            notifications.deal_expiring(deal, days_left=max(1, (deal.protected_until - now).days))
            warned += 1
    return warned
