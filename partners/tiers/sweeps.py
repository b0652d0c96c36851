"""Periodic work over one tenant's tiers (beat runs it nightly, "evaluate now" on demand; see tasks.py):
the evaluation, then the warnings 60, 30 and 7 days before a downgrade or an at-risk date."""

from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from partners.models import Partner
from prm.audit.services import audit_record
from prm.tenancy.models import Membership, Role, Tenant

from . import emails
from .audit_verbs import TierVerb
from .evaluation import HORIZONS
from .models import ChangeDirection, ChangeStatus, Proposal, TierChange, TierEvaluation, TierWarning, WarningSubject
from .selectors import today_in
from .services import evaluate_tenant


def evaluate(*, tenant: Tenant, now: datetime | None = None) -> dict:
    """The nightly step: evaluate, then warn. Returns the run's figures."""
    run = evaluate_tenant(tenant=tenant, now=now)
    warned = send_warnings(tenant=tenant, now=now)
    return {"partners": run.partners, "stored": run.stored, "changes": run.changes, "warned": warned}


def _threshold(days_left: int) -> int | None:
    """The warning due with this many days left: the smallest of 60/30/7 not below it."""
    return next((h for h in sorted(HORIZONS) if days_left <= h), None)


def _warn(tenant: Tenant, partner: Partner, subject: str, on: date, days_left: int, tier, lower, reasons,
          now: datetime) -> bool:
    """Email the partner's admins once per (subject, day, 60/30/7): the unique warning row is the claim."""
    days = _threshold(days_left)
    admins = list(Membership.objects.filter(partner=partner, role=Role.PARTNER_ADMIN, is_active=True)
                  .values_list("user__email", flat=True))
    if days is None or not admins:
        return False
    try:
        with transaction.atomic():
            TierWarning.objects.create(tenant=tenant, partner=partner, subject=subject, on_date=on, days_before=days,
                                       sent_at=now)
            for email in admins:
                emails.send_warning(partner=partner, to=email, subject=subject, tier=tier, lower=lower, on=on,
                                    days=days_left, reasons=reasons)
            audit_record(tenant=tenant, actor=None, verb=TierVerb.WARNED, target=partner,
                         data={"subject": subject, "on": on.isoformat(), "days": days, "to": admins})
    except IntegrityError:
        return False  # sent already (by an earlier run, or a second worker)
    return True


def send_warnings(*, tenant: Tenant, now: datetime | None = None) -> int:
    """Warn partner admins of downgrades in grace and of tiers at risk within 60 days, each warning
    once; returns the number of partners warned."""
    now = now or timezone.now()
    today = today_in(tenant, now)
    horizon = today + timedelta(days=max(HORIZONS))
    warned = 0
    downgrades = list(TierChange.objects.filter(status=ChangeStatus.PENDING, direction=ChangeDirection.DOWN,
                                                due_on__gte=today, due_on__lte=horizon)
                      .select_related("partner__tenant", "from_tier", "to_tier"))
    in_grace = {change.partner_id for change in downgrades}
    sent = set(TierWarning.objects.filter(on_date__gte=today).values_list("partner_id", "subject", "on_date", "days_before"))
    for change in downgrades:
        days_left = (change.due_on - today).days
        if (change.partner_id, WarningSubject.DOWNGRADE, change.due_on, _threshold(days_left)) in sent:
            continue
        warned += _warn(tenant, change.partner, WarningSubject.DOWNGRADE, change.due_on, days_left, change.from_tier,
                        change.to_tier, [], now)
    at_risk = (TierEvaluation.objects.filter(is_latest=True, at_risk_on__gte=today, at_risk_on__lte=horizon)
               .exclude(proposal=Proposal.HELD).exclude(partner_id__in=in_grace)
               .select_related("partner__tenant", "partner__tier"))
    for evaluation in at_risk:
        days_left = (evaluation.at_risk_on - today).days
        if (evaluation.partner_id, WarningSubject.AT_RISK, evaluation.at_risk_on, _threshold(days_left)) in sent:
            continue
        if evaluation.partner.tier_id != evaluation.current_tier_id:
            continue
        warned += _warn(tenant, evaluation.partner, WarningSubject.AT_RISK, evaluation.at_risk_on, days_left,
                        evaluation.partner.tier, None, [text for _day, text in evaluation.at_risk], now)
    return warned
