"""Periodic work over one tenant's onboarding checklists (beat runs it nightly, see tasks.py)."""

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from partners.models import Partner, PartnerStatus
from prm.audit.services import audit_record
from prm.tenancy.models import Membership, Role, Tenant

from . import emails
from .audit_verbs import ChecklistVerb
from .models import PartnerChecklist
from .selectors import checklist_settings_for, checklist_state, checklist_steps
from .services import checklist_refresh


def refresh_onboarding(*, tenant: Tenant, now: datetime | None = None) -> int:
    """Re-check every onboarding partner's automatic steps; returns how many partners finished."""
    finished = 0
    for partner in Partner.objects.filter(status=PartnerStatus.ONBOARDING).exclude(checklist__finished_at__isnull=False):
        if checklist_refresh(partner=partner, now=now).finished_at is not None:
            finished += 1
    return finished


def remind_stalled(*, tenant: Tenant, now: datetime | None = None) -> int:
    """Email the partner admins of partners onboarding for `remind_every_days` or more with an unfinished
    checklist, at most once per partner in that many days (the claim on `reminded_at` makes a second
    run, or a second worker, a no-op). Returns the number of partners reminded."""
    now = now or timezone.now()
    if not checklist_steps().exists():
        return 0
    cutoff = now - timedelta(days=checklist_settings_for(tenant).remind_every_days)
    partners = (Partner.objects.filter(status=PartnerStatus.ONBOARDING, created_at__lte=cutoff)
                .exclude(checklist__finished_at__isnull=False))
    reminded = 0
    for partner in partners:
        admins = list(Membership.objects.filter(partner=partner, role=Role.PARTNER_ADMIN, is_active=True)
                      .values_list("user__email", flat=True))
        if not admins:
            continue
        with transaction.atomic():  # the claim, the emails and the audit row stand or fall together
            record, _created = PartnerChecklist.objects.get_or_create(partner=partner, defaults={"tenant": tenant})
            claimed = PartnerChecklist.objects.filter(
                Q(reminded_at__isnull=True) | Q(reminded_at__lte=cutoff), pk=record.pk, finished_at__isnull=True,
            ).update(reminded_at=now)
            if claimed != 1:
                continue
            state = checklist_state(partner)
            for email in admins:
                emails.send_reminder(state, email)
            audit_record(tenant=tenant, actor=None, verb=ChecklistVerb.REMINDED, target=partner,
                         data={"to": admins, "done": state.done, "total": state.total})
        reminded += 1
    return reminded
