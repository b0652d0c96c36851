"""Reads of the onboarding checklist, scoped to the tenant in force."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from partners.models import Partner, PartnerStatus
from prm.tenancy.access import get_in_scope_or_404
from prm.tenancy.models import Tenant

from .models import ChecklistSettings, ChecklistStep, PartnerChecklist, StepCompletion


def checklist_settings_for(tenant: Tenant) -> ChecklistSettings:
    """The tenant's row, or the defaults (activate at once, stuck after 30 days, remind weekly)."""
    return ChecklistSettings.objects.filter(tenant=tenant).first() or ChecklistSettings(tenant=tenant)


def checklist_steps() -> QuerySet[ChecklistStep]:
    return ChecklistStep.objects.order_by("position", "id")


def access_checklist_step(pk: int | str) -> ChecklistStep:
    """A step of the tenant in force; another tenant's is the 404 of a missing one."""
    return get_in_scope_or_404(ChecklistStep.objects.all(), pk=pk)


@dataclass(frozen=True)
class Item:
    step: ChecklistStep
    completion: StepCompletion | None

    @property
    def done(self) -> bool:
        return self.completion is not None

    @property
    def url(self) -> str:
        kind = self.step.kind_entry
        return reverse(kind.url_name) if kind is not None and kind.url_name else ""


@dataclass(frozen=True)
class ChecklistState:
    partner: Partner
    items: list[Item]
    record: PartnerChecklist | None

    @property
    def total(self) -> int:
        return len(self.items)

    @property
    def done(self) -> int:
        return sum(1 for item in self.items if item.done)

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def all_done(self) -> bool:
        return self.total > 0 and self.done == self.total

    @property
    def finished_at(self) -> datetime | None:
        return self.record.finished_at if self.record else None

    @property
    def is_onboarding(self) -> bool:
        return self.partner.status == PartnerStatus.ONBOARDING

    @property
    def waits_for_manager(self) -> bool:
        """Finished, and the tenant's channel manager has not activated the partner yet."""
        return self.finished_at is not None and self.is_onboarding

    @property
    def shown_to_partner(self) -> bool:
        """The portal shows the checklist while the partner is onboarding and has one to follow."""
        return self.is_onboarding and self.total > 0 and self.finished_at is None


def checklist_states(partners: Iterable[Partner]) -> dict[int, ChecklistState]:
    """Each partner's state, in three queries whatever the number of partners."""
    partners = list(partners)
    steps = list(checklist_steps())
    ids = [partner.pk for partner in partners]
    completions: dict[tuple[int, int], StepCompletion] = {
        (c.partner_id, c.step_id): c
        for c in StepCompletion.objects.filter(partner_id__in=ids).select_related("completed_by")
    }
    records = {record.partner_id: record for record in PartnerChecklist.objects.filter(partner_id__in=ids)}
    return {
        partner.pk: ChecklistState(partner, [Item(step, completions.get((partner.pk, step.pk))) for step in steps],
                                   records.get(partner.pk))
        for partner in partners
    }


def checklist_state(partner: Partner) -> ChecklistState:
    return checklist_states([partner])[partner.pk]


@dataclass(frozen=True)
class StuckPartner:
    state: ChecklistState
    age_days: int

    @property
    def partner(self) -> Partner:
        return self.state.partner


def stuck_partners(tenant: Tenant, now: datetime | None = None) -> list[StuckPartner]:
    """Partners still onboarding `stuck_after_days` or more days after they were added, oldest first."""
    now = now or timezone.now()
    days = checklist_settings_for(tenant).stuck_after_days
    partners = list(Partner.objects.filter(status=PartnerStatus.ONBOARDING, created_at__lte=now - timedelta(days=days))
                    .select_related("owner__user").order_by("created_at", "pk"))
    states = checklist_states(partners)
    return [StuckPartner(states[p.pk], (now - p.created_at).days) for p in partners]
