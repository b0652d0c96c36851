"""Every write of the tier evaluation: evaluating a tenant (snapshots, proposals, changes applied), a
manager's decisions (approve or reject an upgrade, hold or release a tier, override it), and moving a
partner's tier, which only `_move` does (a conditional update, the audit row on the partner, the
tier_changed signal). The tier pages' own writes live in management.py."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partners.models import Partner, PartnerStatus
from prm.audit.services import Actor, audit_build, audit_record, audit_store
from prm.bulk_insert import insert_objects
from prm.enqueue import enqueue_on_commit
from prm.tenancy.models import Tenant

from .audit_verbs import TierVerb
from .evaluation import Assessment, Ladder, assess
from .models import (
    ChangeDirection,
    ChangeStatus,
    PartnerTierHold,
    Proposal,
    Tier,
    TierChange,
    TierEvaluation,
    TierEvaluationRun,
    TierSettings,
    Upgrades,
)
from .selectors import active_hold, open_change, tier_settings_for, today_in
from .signals import tier_changed

CHUNK = 1000


def _user(actor: Actor) -> Any:
    return actor if isinstance(actor, get_user_model()) else None


def _name(tier: Tier | None) -> str:
    return tier.name[:40] if tier is not None else ""


@dataclass
class _Move:
    change: TierChange
    verb: str


def _move(tenant: Tenant, moves: list[_Move], actor: Actor, now: datetime) -> list[TierChange]:
    """Set each change's partner to its `to_tier`, if the partner is still in its `from_tier` (one
    conditional UPDATE per pair of tiers); one audit row per partner moved, on the partner, and
    tier_changed once each. Changes whose partner moved meanwhile are cancelled. Returns the applied."""
    groups: dict[tuple, list[_Move]] = {}
    for move in moves:
        groups.setdefault((move.change.from_tier_id, move.change.to_tier_id), []).append(move)
    applied, events = [], []
    for (from_id, to_id), group in groups.items():
        ids = [move.change.partner_id for move in group]
        for start in range(0, len(ids), CHUNK):
            Partner.objects.filter(pk__in=ids[start:start + CHUNK], tier_id=from_id).update(tier_id=to_id, updated_at=now)
        moved = set(Partner.objects.filter(pk__in=ids, tier_id=to_id).values_list("pk", flat=True))
        for move in group:
            change = move.change
            if change.partner_id not in moved or from_id == to_id:
                change.status, change.reason = ChangeStatus.CANCELLED, change.reason or _("The tier changed meanwhile.")
                continue
            change.status, change.decided_at = ChangeStatus.APPLIED, now
            change.decided_by = change.decided_by or _user(actor)
            applied.append(move)
    partners = {p.pk: p for p in Partner.objects.filter(pk__in=[m.change.partner_id for m in applied])
                .select_related("tier")}
    tiers = {tier.pk: tier for tier in Tier.objects.all()}
    for move in applied:
        change = move.change
        old, new = tiers.get(change.from_tier_id), tiers.get(change.to_tier_id)
        events.append(audit_build(tenant=tenant, actor=actor, verb=move.verb, target=partners[change.partner_id],
                                  from_state=_name(old), to_state=_name(new),
                                  data={"change": change.pk, "from": _name(old), "to": _name(new),
                                        **({"reason": change.reason} if change.reason else {})}))
    audit_store(events)
    for move in applied:
        change = move.change
        tier_changed.send(sender=TierChange, partner=partners[change.partner_id],
                          old=tiers.get(change.from_tier_id), new=tiers.get(change.to_tier_id))
    return [move.change for move in applied]


@dataclass
class _Decisions:
    """What one evaluation decided, written together at the end."""

    new: list  # unsaved TierChange rows
    updated: list  # saved TierChange rows whose status (or target) changed
    moves: list  # _Move
    events: list  # unsaved audit rows


def _cancel(decisions: _Decisions, tenant: Tenant, partner: Partner, change: TierChange, now: datetime,
            reason: str) -> None:
    change.status, change.decided_at, change.reason = ChangeStatus.CANCELLED, now, reason
    decisions.updated.append(change)
    decisions.events.append(audit_build(tenant=tenant, actor=None, verb=TierVerb.CHANGE_CANCELLED, target=partner,
                                        data={"change": change.pk, "reason": reason}))


def _decide(decisions: _Decisions, tenant: Tenant, ladder: Ladder, settings: TierSettings, assessment: Assessment,
            open: TierChange | None, evaluation_id: int | None, rejected: set, today: date, now: datetime) -> None:
    pid = assessment.partner_id
    proposal, current, qualified = assessment.proposal, assessment.current_tier_id, assessment.qualified_tier_id
    if proposal == Proposal.HELD:
        return
    if open is not None and open.from_tier_id == current and (
            proposal == Proposal.DOWNGRADE and open.direction == ChangeDirection.DOWN and open.due_on is not None
            and open.due_on > today
            or proposal == Proposal.UPGRADE and open.direction == ChangeDirection.UP and open.to_tier_id == qualified):
        return  # the night's usual case: a grace period running, an upgrade still waiting
    partner = Partner(pk=pid, tenant=tenant)  # only the audit rows' target
    if open is not None and proposal != Proposal.DOWNGRADE and open.direction == ChangeDirection.DOWN:
        _cancel(decisions, tenant, partner, open, now, _("Qualifies for its tier again."))
        open = None
    if open is not None and proposal != Proposal.UPGRADE and open.direction == ChangeDirection.UP:
        _cancel(decisions, tenant, partner, open, now, _("No longer qualifies for the higher tier."))
        open = None
    if open is not None and open.from_tier_id != current:
        _cancel(decisions, tenant, partner, open, now, _("The tier changed meanwhile."))
        open = None

    def change(direction, status=ChangeStatus.PENDING, due_on=None):
        return TierChange(tenant=tenant, partner_id=pid, from_tier_id=current, to_tier_id=qualified, direction=direction,
                          status=status, due_on=due_on, evaluation_id=evaluation_id, created_at=now)

    if proposal == Proposal.UPGRADE:
        if open is not None and open.to_tier_id == qualified:
            return
        if open is not None:
            _cancel(decisions, tenant, partner, open, now, _("Qualifies for another tier now."))
        if (pid, current, qualified) in rejected:
            return  # a manager rejected this very upgrade: not proposed again (an override still can)
        new = change(ChangeDirection.UP)
        decisions.new.append(new)
        if settings.upgrades == Upgrades.AUTOMATIC:
            decisions.moves.append(_Move(new, TierVerb.UPGRADED))
        else:
            decisions.events.append(audit_build(tenant=tenant, actor=None, verb=TierVerb.UPGRADE_PROPOSED, target=partner,
                                                to_state=_name(ladder.tier(qualified)),
                                                data={"to": _name(ladder.tier(qualified))}))
    elif proposal == Proposal.DOWNGRADE:
        if open is not None:  # a downgrade in its grace period
            if open.due_on is not None and open.due_on <= today:
                open.to_tier_id, open.evaluation_id = qualified, evaluation_id
                decisions.updated.append(open)
                decisions.moves.append(_Move(open, TierVerb.DOWNGRADED))
            return
        if settings.grace_days == 0:
            new = change(ChangeDirection.DOWN, due_on=today)
            decisions.new.append(new)
            decisions.moves.append(_Move(new, TierVerb.DOWNGRADED))
            return
        due = today + timedelta(days=settings.grace_days)
        decisions.new.append(change(ChangeDirection.DOWN, due_on=due))
        decisions.events.append(audit_build(tenant=tenant, actor=None, verb=TierVerb.GRACE_STARTED, target=partner,
                                            data={"to": _name(ladder.tier(qualified)), "due_on": due.isoformat()}))


def _release_expired_holds(tenant: Tenant, today: date, now: datetime) -> None:
    expired = list(PartnerTierHold.objects.filter(released_at__isnull=True, until__lt=today))
    if not expired:
        return
    PartnerTierHold.objects.filter(pk__in=[h.pk for h in expired]).update(released_at=now)
    audit_store([audit_build(tenant=tenant, actor=None, verb=TierVerb.RELEASED, target=Partner(pk=h.partner_id),
                             data={"until": h.until.isoformat()}) for h in expired])


@transaction.atomic
def evaluate_tenant(*, tenant: Tenant, now: datetime | None = None) -> TierEvaluationRun:
    """Evaluate every partner of the tenant (onboarding or active) as of the program's day: measure each
    kind once for all, store the snapshots that differ from each partner's latest (COPY on PostgreSQL),
    then decide: upgrades apply at once or wait for approval (TierSettings.upgrades), downgrades start a
    grace period and apply when due, re-qualifying cancels them, held partners get no proposal.

    Queries per tenant: the ladder, the current state (partners, latest snapshots, holds, open and
    rejected changes), one aggregate per kind now and one at the foresight horizon, the inserts, and
    the writes of the (few) decisions."""
    now = now or timezone.now()
    today = today_in(tenant, now)
    settings = tier_settings_for(tenant)
    run = TierEvaluationRun.objects.create(tenant=tenant, run_on=today, started_at=now)
    _release_expired_holds(tenant, today, now)
    ladder = Ladder.load()
    current = dict(Partner.objects.exclude(status=PartnerStatus.INACTIVE).values_list("pk", "tier_id"))
    held = set(PartnerTierHold.objects.filter(released_at__isnull=True).values_list("partner_id", flat=True))
    latest = {pid: (pk, digest) for pid, pk, digest in
              TierEvaluation.objects.filter(is_latest=True).values_list("partner_id", "pk", "digest")}
    opened = {c.partner_id: c for c in TierChange.objects.filter(status=ChangeStatus.PENDING)}
    rejected = set(TierChange.objects.filter(status=ChangeStatus.REJECTED, direction=ChangeDirection.UP)
                   .values_list("partner_id", "from_tier_id", "to_tier_id"))
    assessments = assess(ladder, current, held, today) if current else {}

    snapshots, stale = [], []
    for pid, assessment in assessments.items():
        digest = assessment.digest()
        previous = latest.get(pid)
        if previous is not None and previous[1] == digest:
            continue
        if previous is not None:
            stale.append(previous[0])
        snapshots.append(TierEvaluation(
            tenant=tenant, partner_id=pid, run=run, evaluated_at=now, evaluated_on=today,
            current_tier_id=assessment.current_tier_id, qualified_tier_id=assessment.qualified_tier_id,
            figures=assessment.figures(ladder), proposal=assessment.proposal, at_risk_on=assessment.at_risk_on,
            at_risk=[[day.isoformat(), text] for day, text in assessment.at_risk], digest=digest, is_latest=True))
    for start in range(0, len(stale), CHUNK):
        TierEvaluation.objects.filter(pk__in=stale[start:start + CHUNK]).update(is_latest=False)
    insert_objects(TierEvaluation.unscoped, snapshots)
    evaluation_of = {pid: pk for pid, (pk, _digest) in latest.items()} | {s.partner_id: s.pk for s in snapshots}

    decisions = _Decisions([], [], [], [])
    for pid, assessment in assessments.items():
        if assessment.proposal != Proposal.NONE or pid in opened:
            _decide(decisions, tenant, ladder, settings, assessment, opened.get(pid), evaluation_of.get(pid),
                    rejected, today, now)
    insert_objects(TierChange.unscoped, decisions.new)
    _move(tenant, decisions.moves, None, now)
    for status in (ChangeStatus.APPLIED, ChangeStatus.CANCELLED):  # the new rows _move decided, two updates
        ids = [change.pk for change in decisions.new if change.status == status]
        for start in range(0, len(ids), CHUNK):
            TierChange.objects.filter(pk__in=ids[start:start + CHUNK]).update(
                status=status, decided_at=now, reason="" if status == ChangeStatus.APPLIED else _("The tier changed meanwhile."))
    for change in decisions.updated:
        change.save(update_fields=["status", "decided_at", "reason", "to_tier", "evaluation", "decided_by"])
    audit_store(decisions.events)

    run.finished_at = timezone.now()
    run.partners, run.stored, run.changes = len(assessments), len(snapshots), len(decisions.new)
    run.save(update_fields=["finished_at", "partners", "stored", "changes"])
    return run


def evaluation_request(*, tenant: Tenant) -> None:
    """"Evaluate now": the tenant's evaluation (and its warnings) runs as a task, after this commits."""
    enqueue_on_commit("partners.tiers.tasks.evaluate_now", tenant_id=tenant.pk)


def _claim(change: TierChange, direction: str) -> TierChange:
    """The open change, locked; refused unless it is still pending and of this direction."""
    locked = TierChange.objects.select_for_update().filter(pk=change.pk, status=ChangeStatus.PENDING,
                                                           direction=direction).first()
    if locked is None:
        raise ValidationError(_("This partner has no tier upgrade waiting for approval."))
    return locked


@transaction.atomic
def tier_upgrade_approve(*, partner: Partner, actor: Actor) -> TierChange:
    """A channel manager approves the partner's pending upgrade: its tier moves now."""
    pending = open_change(partner)
    if pending is None or pending.direction != ChangeDirection.UP:
        raise ValidationError(_("This partner has no tier upgrade waiting for approval."))
    change = _claim(pending, ChangeDirection.UP)
    change.decided_by = _user(actor)
    applied = _move(partner.tenant, [_Move(change, TierVerb.UPGRADED)], actor, timezone.now())
    change.save(update_fields=["status", "decided_at", "decided_by", "reason"])
    if not applied:
        raise ValidationError(_("The partner's tier changed since this upgrade was proposed: the next evaluation proposes again."))
    partner.refresh_from_db(fields=["tier"])
    return change


@transaction.atomic
def tier_upgrade_reject(*, partner: Partner, actor: Actor, reason: str = "") -> TierChange:
    """A channel manager rejects the partner's pending upgrade; it is not proposed again for the same tiers."""
    pending = open_change(partner)
    if pending is None or pending.direction != ChangeDirection.UP:
        raise ValidationError(_("This partner has no tier upgrade waiting for approval."))
    change = _claim(pending, ChangeDirection.UP)
    change.status, change.decided_at, change.decided_by, change.reason = (
        ChangeStatus.REJECTED, timezone.now(), _user(actor), reason.strip())
    change.save(update_fields=["status", "decided_at", "decided_by", "reason"])
    audit_record(tenant=partner.tenant, actor=actor, verb=TierVerb.UPGRADE_REJECTED, target=partner,
                 data={"change": change.pk, "to": _name(change.to_tier), "reason": change.reason})
    return change


def _clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason: the partner's history keeps it.")})
    return reason


def _close_open(partner: Partner, status: str, now: datetime, by: Any, reason: str) -> TierChange | None:
    pending = open_change(partner)
    if pending is not None:
        TierChange.objects.filter(pk=pending.pk, status=ChangeStatus.PENDING).update(
            status=status, decided_at=now, decided_by=by, reason=reason)
    return pending


@transaction.atomic
def tier_hold(*, partner: Partner, actor: Actor, reason: str, until: date | None = None) -> PartnerTierHold:
    """Keep the partner's tier as it is: evaluations record its figures but propose nothing; an open
    proposal (a pending upgrade, a downgrade in grace) is cancelled."""
    reason = _clean_reason(reason)
    now = timezone.now()
    if until is not None and until < today_in(partner.tenant, now):
        raise ValidationError({"until": _("Choose today or a later day, or leave it empty.")})
    if active_hold(partner) is not None:
        raise ValidationError(_("This partner's tier is already held."))
    hold = PartnerTierHold.objects.create(tenant=partner.tenant, partner=partner, reason=reason, until=until,
                                          held_by=_user(actor), created_at=now)
    cancelled = _close_open(partner, ChangeStatus.CANCELLED, now, _user(actor), reason)
    audit_record(tenant=partner.tenant, actor=actor, verb=TierVerb.HELD, target=partner,
                 data={"reason": reason, "until": until.isoformat() if until else None,
                       **({"cancelled": cancelled.pk} if cancelled else {})})
    return hold


@transaction.atomic
def tier_release(*, partner: Partner, actor: Actor) -> PartnerTierHold:
    """End the hold: the next evaluation proposes again."""
    hold = active_hold(partner)
    if hold is None or not PartnerTierHold.objects.filter(pk=hold.pk, released_at__isnull=True).update(
            released_at=timezone.now()):
        raise ValidationError(_("This partner's tier is not held."))
    audit_record(tenant=partner.tenant, actor=actor, verb=TierVerb.RELEASED, target=partner,
                 data={"reason": hold.reason})
    return hold


@transaction.atomic
def tier_override(*, partner: Partner, actor: Actor, tier: Tier | None, reason: str,
                  until: date | None = None) -> TierChange:
    """A manager sets the partner's tier (or no tier), with a reason: an open proposal is overridden, and
    the tier is held (until `until`, or until released) so that the evaluation does not undo it."""
    reason = _clean_reason(reason)
    if tier is not None and tier.tenant_id != partner.tenant_id:
        raise ValidationError({"tier": _("Choose one of the program's tiers.")})
    if tier is not None and tier.pk == partner.tier_id or tier is None and partner.tier_id is None:
        raise ValidationError({"tier": _("The partner is in this tier already: hold it instead.")})
    now = timezone.now()
    if until is not None and until < today_in(partner.tenant, now):
        raise ValidationError({"until": _("Choose today or a later day, or leave it empty.")})
    _close_open(partner, ChangeStatus.OVERRIDDEN, now, _user(actor), reason)
    change = TierChange.objects.create(tenant=partner.tenant, partner=partner, from_tier_id=partner.tier_id,
                                       to_tier=tier, direction=ChangeDirection.OVERRIDE, created_at=now,
                                       decided_by=_user(actor), reason=reason)
    if not _move(partner.tenant, [_Move(change, TierVerb.OVERRIDDEN)], actor, now):
        raise ValidationError(_("The partner's tier changed meanwhile; look again and retry."))
    change.save(update_fields=["status", "decided_at", "decided_by"])
    hold = active_hold(partner)
    if hold is None:
        PartnerTierHold.objects.create(tenant=partner.tenant, partner=partner, reason=reason, until=until,
                                       held_by=_user(actor), created_at=now)
    else:
        PartnerTierHold.objects.filter(pk=hold.pk).update(reason=reason, until=until)
    partner.refresh_from_db(fields=["tier"])
    return change
