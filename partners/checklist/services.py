"""Every write of the onboarding checklist: the tenant's steps and settings, a partner's completions,
finishing the checklist and activating the partner."""

from datetime import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from partners.models import Partner, PartnerStatus
from prm.audit.services import Actor, audit_record
from prm.tenancy.models import Tenant

from .audit_verbs import ChecklistVerb
from .kinds import kind_of
from .models import Activation, ChecklistSettings, ChecklistStep, PartnerChecklist, StepCompletion
from .selectors import ChecklistState, checklist_settings_for, checklist_state, checklist_steps


def _clean_step(step: ChecklistStep) -> None:
    kind = kind_of(step.kind)
    if kind is None:
        raise ValidationError({"kind": _("Choose one of the kinds of step listed.")})
    step.title = step.title.strip()
    if kind.is_manual and not step.title:
        raise ValidationError({"title": _("Name the step: the partner and your managers read it.")})
    if kind.uses_threshold and not step.threshold:
        raise ValidationError({"threshold": _("Say how many, at least 1.")})
    if not kind.uses_threshold:
        step.threshold = None
    if not kind.is_manual and ChecklistStep.objects.filter(kind=step.kind).exclude(pk=step.pk).exists():
        raise ValidationError({"kind": _("The checklist already has a step of this kind.")})
    step.full_clean()


@transaction.atomic
def step_create(*, tenant: Tenant, actor: Actor, kind: str, title: str = "", threshold: int | None = None) -> ChecklistStep:
    """A new last step of the tenant's checklist."""
    last = ChecklistStep.objects.aggregate(last=Max("position"))["last"]
    step = ChecklistStep(tenant=tenant, kind=kind, title=title, threshold=threshold,
                         position=0 if last is None else last + 1)
    _clean_step(step)
    step.save()
    audit_record(tenant=tenant, actor=actor, verb=ChecklistVerb.STEP_ADDED, target=step,
                 data={"kind": step.kind, "title": step.label})
    return step


@transaction.atomic
def step_update(*, step: ChecklistStep, actor: Actor, title: str = "", threshold: int | None = None) -> ChecklistStep:
    """A step's title (and number); its kind stays."""
    step.title, step.threshold = title, threshold
    _clean_step(step)
    step.save(update_fields=["title", "threshold"])
    audit_record(tenant=step.tenant, actor=actor, verb=ChecklistVerb.STEP_EDITED, target=step,
                 data={"title": step.label, "threshold": step.threshold})
    return step


@transaction.atomic
def step_move(*, step: ChecklistStep, actor: Actor, direction: str) -> ChecklistStep:
    """Swap the step with the one before it ("up") or after it ("down")."""
    if direction not in ("up", "down"):
        raise ValidationError({"direction": _("Move the step up or down.")})
    steps = list(checklist_steps().select_for_update())
    index = next(i for i, s in enumerate(steps) if s.pk == step.pk)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(steps):
        raise ValidationError(_("This step is already first.") if direction == "up" else _("This step is already last."))
    steps[index], steps[other] = steps[other], steps[index]
    for position, each in enumerate(steps):
        if each.position != position:
            each.position = position
            each.save(update_fields=["position"])
    step.position = other
    audit_record(tenant=step.tenant, actor=actor, verb=ChecklistVerb.STEP_MOVED, target=step,
                 data={"title": step.label, "position": other + 1})
    return step


@transaction.atomic
def step_remove(*, step: ChecklistStep, actor: Actor) -> None:
    """Take the step off the checklist (with what partners had done of it; the audit trail keeps it)."""
    audit_record(tenant=step.tenant, actor=actor, verb=ChecklistVerb.STEP_REMOVED, target=step,
                 data={"kind": step.kind, "title": step.label})
    step.delete()


@transaction.atomic
def checklist_settings_update(*, tenant: Tenant, actor: Actor, activation: str, stuck_after_days: int,
                              remind_every_days: int) -> ChecklistSettings:
    settings = checklist_settings_for(tenant)
    settings.activation = activation
    settings.stuck_after_days = stuck_after_days
    settings.remind_every_days = remind_every_days
    settings.full_clean()
    settings.save()
    audit_record(tenant=tenant, actor=actor, verb=ChecklistVerb.SETTINGS_UPDATED, target=settings,
                 data={"activation": activation, "stuck_after_days": stuck_after_days,
                       "remind_every_days": remind_every_days})
    return settings


def _record(partner: Partner) -> PartnerChecklist:
    record, _created = PartnerChecklist.objects.get_or_create(partner=partner, defaults={"tenant": partner.tenant})
    return record


def _complete(partner: Partner, step: ChecklistStep, actor: Actor, now: datetime, *, ticked: bool = False) -> bool:
    """Record the step as done (once: a second run finds the row and does nothing)."""
    by = actor if isinstance(actor, get_user_model()) else None
    _completion, created = StepCompletion.objects.get_or_create(
        partner=partner, step=step, defaults={"tenant": partner.tenant, "completed_at": now, "completed_by": by})
    if created:
        audit_record(tenant=partner.tenant, actor=actor,
                     verb=ChecklistVerb.STEP_TICKED if ticked else ChecklistVerb.STEP_DONE,
                     target=partner, data={"step": step.pk, "title": step.label})
    return created


def _activate(partner: Partner, actor: Actor, now: datetime) -> None:
    if not Partner.objects.filter(pk=partner.pk, status=PartnerStatus.ONBOARDING).update(
            status=PartnerStatus.ACTIVE, updated_at=now):
        raise ValidationError(_("Only a partner in onboarding can be activated."))
    partner.status = PartnerStatus.ACTIVE
    PartnerChecklist.objects.filter(partner=partner).update(activated_at=now)
    audit_record(tenant=partner.tenant, actor=actor, verb=ChecklistVerb.ACTIVATED, target=partner,
                 from_state=PartnerStatus.ONBOARDING, to_state=PartnerStatus.ACTIVE)


def _finish_if_done(partner: Partner, actor: Actor, now: datetime) -> ChecklistState:
    state = checklist_state(partner)
    if not state.all_done or state.finished_at is not None:
        return state
    record = state.record or _record(partner)
    if PartnerChecklist.objects.filter(pk=record.pk, finished_at__isnull=True).update(finished_at=now) != 1:
        return checklist_state(partner)  # another run finished it first
    if checklist_settings_for(partner.tenant).activation == Activation.AUTOMATIC:
        _activate(partner, actor, now)
    else:
        audit_record(tenant=partner.tenant, actor=actor, verb=ChecklistVerb.FINISHED, target=partner)
    return checklist_state(partner)


@transaction.atomic
def checklist_refresh(*, partner: Partner, now: datetime | None = None) -> ChecklistState:
    """Check the automatic steps a partner in onboarding has not done yet; record those now met, and
    finish the checklist when every step is done (the partner becomes active, or waits for a manager)."""
    if partner.status != PartnerStatus.ONBOARDING:
        return checklist_state(partner)
    now = now or timezone.now()
    state = checklist_state(partner)
    for item in state.items:
        kind = item.step.kind_entry
        if not item.done and kind is not None and not kind.is_manual and kind.check(partner, item.step):
            _complete(partner, item.step, None, now)
    return _finish_if_done(partner, None, now)


@transaction.atomic
def manual_step_tick(*, partner: Partner, step: ChecklistStep, actor: Actor, done: bool) -> ChecklistState:
    """A channel manager ticks a manual step (who and when are kept), or unticks it before the checklist is finished."""
    if not step.is_manual:
        raise ValidationError({"step": _("This step is checked automatically; only manual steps are ticked.")})
    if partner.status != PartnerStatus.ONBOARDING:
        raise ValidationError(_("This partner is not onboarding: its checklist no longer changes."))
    state = checklist_state(partner)
    if state.finished_at is not None:
        raise ValidationError(_("This checklist is finished: its steps no longer change."))
    now = timezone.now()
    if done:
        if not _complete(partner, step, actor, now, ticked=True):
            raise ValidationError({"step": _("This step is already ticked.")})
        return _finish_if_done(partner, actor, now)
    deleted, _rows = StepCompletion.objects.filter(partner=partner, step=step).delete()
    if not deleted:
        raise ValidationError({"step": _("This step is not ticked.")})
    audit_record(tenant=partner.tenant, actor=actor, verb=ChecklistVerb.STEP_UNTICKED, target=partner,
                 data={"step": step.pk, "title": step.label})
    return checklist_state(partner)


@transaction.atomic
def checklist_activate(*, partner: Partner, actor: Actor) -> ChecklistState:
    """A channel manager activates a partner whose finished checklist waits for them."""
    state = checklist_state(partner)
    if not state.waits_for_manager:
        raise ValidationError(_("Only a partner whose checklist is finished and who is still onboarding can be activated here."))
    _activate(partner, actor, timezone.now())
    return checklist_state(partner)
