"""Reads of the tier evaluation, scoped to the tenant in force: the dashboard's list and a partner's
history, the portal's progress to the next tier."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from partners.models import Partner
from prm.tenancy.models import Tenant

from .evaluation import Ladder
from .models import (
    ChangeDirection,
    ChangeStatus,
    PartnerTierHold,
    Tier,
    TierChange,
    TierEvaluation,
    TierEvaluationRun,
    TierRequirement,
    TierSettings,
)
from .requirements import kind_of


def tier_settings_for(tenant: Tenant) -> TierSettings:
    """The tenant's row, or the defaults (upgrades at once, 60 days' grace)."""
    return TierSettings.objects.filter(tenant=tenant).first() or TierSettings(tenant=tenant)


def today_in(tenant: Tenant, now: datetime | None = None) -> date:
    """The program's day: evaluations and grace periods count in the tenant's time zone."""
    return timezone.localtime(now or timezone.now(), ZoneInfo(tenant.time_zone)).date()


def latest_run() -> TierEvaluationRun | None:
    return TierEvaluationRun.objects.order_by("-started_at", "-id").first()


def open_change(partner: Partner) -> TierChange | None:
    return TierChange.objects.filter(partner=partner, status=ChangeStatus.PENDING).select_related(
        "from_tier", "to_tier").first()


def active_hold(partner: Partner) -> PartnerTierHold | None:
    return PartnerTierHold.objects.filter(partner=partner, released_at__isnull=True).select_related("held_by").first()


class State:
    """Filters of the dashboard's list."""

    PENDING_UPGRADE = "pending_upgrade"
    IN_GRACE = "in_grace"
    AT_RISK = "at_risk"
    HELD = "held"
    ALL = (PENDING_UPGRADE, IN_GRACE, AT_RISK, HELD)


def _pending(direction: str) -> Exists:
    return Exists(TierChange.objects.filter(partner=OuterRef("partner"), status=ChangeStatus.PENDING,
                                            direction=direction))


def latest_evaluations(state: str = "", partner_id: int | None = None) -> QuerySet[TierEvaluation]:
    """Each partner's latest snapshot (with its partner, tiers and whether it is held or has an open
    change), narrowed to a State; partners by name."""
    rows = (TierEvaluation.objects.filter(is_latest=True)
            .select_related("partner", "partner__tier", "current_tier", "qualified_tier")
            .annotate(pending_upgrade=_pending(ChangeDirection.UP), in_grace=_pending(ChangeDirection.DOWN),
                      held=Exists(PartnerTierHold.objects.filter(partner=OuterRef("partner"), released_at__isnull=True))))
    if partner_id is not None:
        rows = rows.filter(partner_id=partner_id)
    if state == State.PENDING_UPGRADE:
        rows = rows.filter(pending_upgrade=True)
    elif state == State.IN_GRACE:
        rows = rows.filter(in_grace=True)
    elif state == State.AT_RISK:
        rows = rows.filter(Q(at_risk_on__isnull=False) | Q(in_grace=True))
    elif state == State.HELD:
        rows = rows.filter(held=True)
    return rows.order_by("partner__name", "partner_id")


def open_changes_of(partner_ids: Iterable[int]) -> dict[int, TierChange]:
    return {c.partner_id: c for c in TierChange.objects.filter(partner_id__in=list(partner_ids), status=ChangeStatus.PENDING)
            .select_related("from_tier", "to_tier")}


@dataclass(frozen=True)
class FigureRow:
    """One requirement's figure, readable: the kind, its tier, the target, the value and whether met."""

    figure: dict
    tier: Tier | None
    requirement: TierRequirement | None

    @property
    def kind(self):
        return kind_of(self.figure["kind"])

    @property
    def label(self):
        kind = self.kind
        return kind.label if kind else self.figure["kind"]

    @property
    def unit(self) -> str:
        kind = self.kind
        return kind.unit if kind else "count"

    @property
    def value(self) -> Decimal | None:
        return None if self.figure["value"] is None else Decimal(self.figure["value"])

    @property
    def target(self) -> Decimal:
        return Decimal(self.figure["target"])

    @property
    def sample(self) -> int | None:
        return self.figure.get("sample")

    @property
    def met(self) -> bool:
        return bool(self.figure["met"])

    @property
    def percent(self) -> int:
        """How far along the bar is (0–100)."""
        if self.met:
            return 100
        if self.value is None or self.target <= 0 or self.unit == "score":
            return 0
        return max(0, min(100, int(100 * self.value / self.target)))


def figure_rows(evaluation: TierEvaluation, tiers: dict[int, Tier], requirements: dict[int, TierRequirement],
                tier_id: int | None = None) -> list[FigureRow]:
    """The snapshot's figures (of one tier, or every tier best first), with their tiers."""
    rows = [FigureRow(f, tiers.get(f["tier"]), requirements.get(f["requirement"])) for f in evaluation.figures
            if tier_id is None or f["tier"] == tier_id]
    return sorted(rows, key=lambda row: -(row.tier.rank if row.tier else 0))


def ladder_maps() -> tuple[dict[int, Tier], dict[int, TierRequirement]]:
    tiers = {tier.pk: tier for tier in Tier.objects.all()}
    return tiers, {r.pk: r for r in TierRequirement.objects.all()}


def partner_history(partner: Partner) -> tuple[list[TierEvaluation], list[TierChange]]:
    """The partner's snapshots (newest first, at most 50) and tier changes (every one)."""
    evaluations = list(TierEvaluation.objects.filter(partner=partner).select_related("current_tier", "qualified_tier")
                       .order_by("-evaluated_at", "-id")[:50])
    changes = list(TierChange.objects.filter(partner=partner).select_related("from_tier", "to_tier", "decided_by")
                   .order_by("-created_at", "-id"))
    return evaluations, changes


@dataclass(frozen=True)
class PortalTier:
    """What the portal's tier page shows: the tier, its benefits, progress to the next, what is at risk."""

    partner: Partner
    tier: Tier | None
    next_tier: Tier | None
    evaluation: TierEvaluation | None
    progress: list[FigureRow]  # the next tier's requirements
    current: list[FigureRow]  # the current tier's requirements
    change: TierChange | None
    held: bool

    @property
    def in_grace(self) -> bool:
        return self.change is not None and self.change.direction == ChangeDirection.DOWN

    @property
    def pending_upgrade(self) -> bool:
        return self.change is not None and self.change.direction == ChangeDirection.UP

    @property
    def at_risk(self) -> list[tuple[str, str]]:
        if self.evaluation is None or self.in_grace or self.held:
            return []
        return [(day, text) for day, text in self.evaluation.at_risk]


def portal_tier(partner: Partner) -> PortalTier:
    """A fixed number of queries: the ladder, the latest snapshot, the open change and the hold."""
    ladder = Ladder.load()
    evaluation = (TierEvaluation.objects.filter(partner=partner, is_latest=True)
                  .select_related("current_tier", "qualified_tier").first())
    tiers = {tier.pk: tier for tier in ladder.tiers}
    requirements = {r.pk: r for r in ladder.all_requirements}
    tier = tiers.get(partner.tier_id)
    next_tier = ladder.next_above(partner.tier_id)
    progress = figure_rows(evaluation, tiers, requirements, next_tier.pk) if evaluation and next_tier else []
    current = figure_rows(evaluation, tiers, requirements, tier.pk) if evaluation and tier else []
    return PortalTier(partner, tier, next_tier, evaluation, progress, current, open_change(partner),
                      active_hold(partner) is not None)


@dataclass(frozen=True)
class PartnerEvaluation:
    """A partner with its latest snapshot, its open change and its hold (the API's resource)."""

    partner: Partner
    latest: TierEvaluation | None
    change: TierChange | None
    hold: PartnerTierHold | None


def partner_evaluations(partners: Iterable[Partner]) -> dict[int, PartnerEvaluation]:
    """Each partner's evaluation, in three queries whatever the number of partners."""
    partners = list(partners)
    ids = [p.pk for p in partners]
    latest = {e.partner_id: e for e in TierEvaluation.objects.filter(partner_id__in=ids, is_latest=True)
              .select_related("current_tier", "qualified_tier")}
    holds = {h.partner_id: h for h in PartnerTierHold.objects.filter(partner_id__in=ids, released_at__isnull=True)}
    changes = open_changes_of(ids)
    return {p.pk: PartnerEvaluation(p, latest.get(p.pk), changes.get(p.pk), holds.get(p.pk)) for p in partners}


def partners_in_state(partners: QuerySet[Partner], state: str) -> QuerySet[Partner]:
    """Partners narrowed to a State (the API's filter; the dashboard filters snapshots the same way)."""
    def pending(direction):
        return Exists(TierChange.objects.filter(partner=OuterRef("pk"), status=ChangeStatus.PENDING, direction=direction))

    if state == State.PENDING_UPGRADE:
        return partners.filter(pending(ChangeDirection.UP))
    if state == State.IN_GRACE:
        return partners.filter(pending(ChangeDirection.DOWN))
    if state == State.AT_RISK:
        at_risk = Exists(TierEvaluation.objects.filter(partner=OuterRef("pk"), is_latest=True, at_risk_on__isnull=False))
        return partners.filter(at_risk | pending(ChangeDirection.DOWN))
    if state == State.HELD:
        return partners.filter(Exists(PartnerTierHold.objects.filter(partner=OuterRef("pk"), released_at__isnull=True)))
    return partners
