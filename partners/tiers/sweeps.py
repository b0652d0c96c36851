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


def _warn(tenant: Tenant, partner: Partner, admins: list[str], subject: str, on: date, days_left: int, tier, lower,
          reasons: list[str], now: datetime) -> bool:
    """Email the partner's admins once per (subject, day, 60/30/7): the unique warning row is the claim."""
    days = _threshold(days_left)
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
    once; returns the number of partners warned. A fixed number of queries finds what is due (the
    partners with an admin and a warning not sent yet); each warning sent costs a few more."""
    now = now or timezone.now()
    today = today_in(tenant, now)
    horizon = today + timedelta(days=max(HORIZONS))
    sent = set(TierWarning.objects.filter(on_date__gte=today).values_list("partner_id", "subject", "on_date", "days_before"))

    def due(pid, subject, on):
        return (pid, subject, on, _threshold((on - today).days)) not in sent

    downgrades = [(pid, change_id, on) for pid, change_id, on in
                  TierChange.objects.filter(status=ChangeStatus.PENDING, direction=ChangeDirection.DOWN,
                                            due_on__gte=today, due_on__lte=horizon)
                  .values_list("partner_id", "pk", "due_on") if due(pid, WarningSubject.DOWNGRADE, on)]
    in_grace = set(TierChange.objects.filter(status=ChangeStatus.PENDING, direction=ChangeDirection.DOWN)
                   .values_list("partner_id", flat=True))
    at_risk = [(pid, evaluation_id, on) for pid, evaluation_id, on in
               TierEvaluation.objects.filter(is_latest=True, at_risk_on__gte=today, at_risk_on__lte=horizon)
               .exclude(proposal=Proposal.HELD).values_list("partner_id", "pk", "at_risk_on")
               if pid not in in_grace and due(pid, WarningSubject.AT_RISK, on)]
    admins: dict[int, list[str]] = {}
    for pid, email in (Membership.objects.filter(partner_id__in={pid for pid, _pk, _on in downgrades + at_risk},
                                                 role=Role.PARTNER_ADMIN, is_active=True)
                       .values_list("partner_id", "user__email")):
        admins.setdefault(pid, []).append(email)
    warned = 0
    changes = TierChange.objects.filter(pk__in=[pk for pid, pk, _on in downgrades if pid in admins]).select_related(
        "partner__tenant", "from_tier", "to_tier")
    for change in changes:
        warned += _warn(tenant, change.partner, admins[change.partner_id], WarningSubject.DOWNGRADE, change.due_on,
                        (change.due_on - today).days, change.from_tier, change.to_tier, [], now)
    evaluations = TierEvaluation.objects.filter(pk__in=[pk for pid, pk, _on in at_risk if pid in admins]).select_related(
        "partner__tenant", "partner__tier")
    for evaluation in evaluations:
        if evaluation.partner.tier_id != evaluation.current_tier_id:
            continue  # the tier moved since: the next evaluation says what is at risk now
        warned += _warn(tenant, evaluation.partner, admins[evaluation.partner_id], WarningSubject.AT_RISK,
                        evaluation.at_risk_on, (evaluation.at_risk_on - today).days, evaluation.partner.tier, None,
                        [text for _day, text in evaluation.at_risk], now)
    return warned
