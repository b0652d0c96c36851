"""Periodic work over one tenant's certifications (beat runs it nightly, see tasks.py).

Expired certifications need nothing: every count reads the dates, so one stops counting on its
expiry day. The sweep reminds the certified person 90, 30 and 7 days before, each once."""

from datetime import date, timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from prm.audit.services import audit_record
from prm.tenancy.models import Tenant

from . import emails
from .audit_verbs import TrainingVerb
from .models import REMINDER_DAYS, Completion, CompletionStatus


def _stage(days_left: int) -> int | None:
    """The reminder due with this many days left: the smallest of REMINDER_DAYS at or above it."""
    due = [days for days in REMINDER_DAYS if days_left <= days]
    return min(due) if due else None


def remind_expiring(*, tenant: Tenant, today: date | None = None) -> int:
    """Email the people whose certification expires within 90 days and who have not had this stage's
    reminder (claimed with a conditional update, so a second run sends nothing). A certification
    renewed already (another one of the same person and course outlasts it) is not reminded. A run
    that missed days sends only the latest stage due. Returns the number of reminders sent."""
    today = today or timezone.localdate()
    renewed = Completion.objects.filter(
        Q(expires_on__isnull=True) | Q(expires_on__gt=OuterRef("expires_on")), status=CompletionStatus.APPROVED,
        user_id=OuterRef("user_id"), course_id=OuterRef("course_id")).exclude(pk=OuterRef("pk"))
    due = (Completion.objects.filter(status=CompletionStatus.APPROVED, course__is_active=True, expires_on__gt=today,
                                     expires_on__lte=today + timedelta(days=max(REMINDER_DAYS)))
           .exclude(Exists(renewed)).select_related("course", "user", "partner"))
    sent = 0
    for completion in due:
        days_left = (completion.expires_on - today).days
        stage = _stage(days_left)
        with transaction.atomic():  # the claim, the email and the audit row stand or fall together
            claimed = Completion.objects.filter(Q(reminded_days__isnull=True) | Q(reminded_days__gt=stage),
                                                pk=completion.pk).update(reminded_days=stage)
            if claimed != 1:
                continue
            emails.send_expiry_reminder(completion, days_left)
            audit_record(tenant=tenant, actor=None, verb=TrainingVerb.COMPLETION_REMINDED, target=completion,
                         data={"to": completion.user.email, "days_left": days_left, "stage": stage})
        sent += 1
    return sent
