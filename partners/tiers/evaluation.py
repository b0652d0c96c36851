"""Tier evaluation, computed: for a tenant's partners, the figures per requirement, the tier each
qualifies for, the proposal against its current tier, and what puts its tier at risk.

Reads only (services.evaluate_tenant stores and decides). Every kind a tier uses is measured once for
all partners, not per tier or per partner: one measure per kind, or per requirement where the kind
sets its own target from the requirement (e.g. the courses a tier needs), for today and the foresight's
last horizon (today + 60 days) in the same pass where the kind can (`measure_at`: one scan, a filtered
aggregate per day). Only the partners that would fall short at + 60 days are measured at + 7 and + 30
days and asked what lapses (a certification expiring, a won deal leaving the window), so "Gold at risk
on 15 Jan: Certification “X” of Ann Lee expires" costs small queries for the few at risk."""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from .models import Proposal, Tier, TierRequirement
from .requirements import Measure, RequirementKind, kind_of

HORIZONS = (7, 30, 60)  # days ahead the foresight looks; the warnings go out as many days before
ZERO = Measure(Decimal("0"))


@dataclass(frozen=True)
class Ladder:
    """The tenant's tiers, best first, with their requirements (of kinds still registered)."""

    tiers: list[Tier]
    requirements: dict[int, list[TierRequirement]]  # tier id → requirements
    targets: dict[int, Decimal]  # requirement id → the figure to reach

    @classmethod
    def load(cls) -> "Ladder":
        """Two queries (the tiers and every requirement, of the tenant in force), and one per requirement
        whose kind sets its own target (e.g. counts the courses the tier needs)."""
        tiers = list(Tier.objects.order_by("-rank"))
        requirements: dict[int, list[TierRequirement]] = {tier.pk: [] for tier in tiers}
        for requirement in TierRequirement.objects.order_by("id"):
            if kind_of(requirement.kind) is not None and requirement.tier_id in requirements:
                requirements[requirement.tier_id].append(requirement)
        targets = {r.pk: target_of(r) for rs in requirements.values() for r in rs}
        return cls(tiers, requirements, targets)

    @property
    def all_requirements(self) -> list[TierRequirement]:
        return [r for tier in self.tiers for r in self.requirements[tier.pk]]

    def tier(self, tier_id: int | None) -> Tier | None:
        return next((tier for tier in self.tiers if tier.pk == tier_id), None)

    def rank(self, tier_id: int | None) -> int:
        """The tier's rank; -1 for no tier (below every tier)."""
        for tier in self.tiers:
            if tier.pk == tier_id:
                return tier.rank
        return -1

    def next_above(self, tier_id: int | None) -> Tier | None:
        """The tier just above (the lowest of those ranked higher), or None at the top."""
        above = [tier for tier in self.tiers if tier.rank > self.rank(tier_id)]
        return above[-1] if above else None


def target_of(requirement: TierRequirement) -> Decimal:
    kind = requirement.kind_entry
    if kind is not None and kind.target is not None:
        return Decimal(kind.target(requirement))
    return requirement.threshold if requirement.threshold is not None else Decimal("0")


def is_met(measure: Measure, target: Decimal) -> bool:
    return measure.value is not None and measure.value >= target


def _measure_key(requirement: TierRequirement):
    """Requirements of one kind share a measure unless the kind reads its target from the requirement."""
    kind = requirement.kind_entry
    return (requirement.kind, requirement.pk) if kind.target is not None else (requirement.kind, None)


def measure_requirements(requirements: Iterable[TierRequirement], partner_ids: list[int],
                         days: tuple[date, ...]) -> dict[date, dict[int, dict[int, Measure]]]:
    """day → requirement id → partner id → Measure, each kind measured once for all the days (see the
    module's docstring)."""
    requirements = list(requirements)
    by_key: dict[tuple, dict[date, dict[int, Measure]]] = {}
    out: dict[date, dict[int, dict[int, Measure]]] = {day: {} for day in days}
    for requirement in requirements:
        key = _measure_key(requirement)
        if key not in by_key:
            by_key[key] = (requirement.kind_entry.measure_days(partner_ids, days, requirement) if partner_ids
                           else {day: {} for day in days})
        for day in days:
            out[day][requirement.pk] = by_key[key][day]
    return out


@dataclass
class Assessment:
    """One partner's evaluation before any decision: a Measure per requirement (in the ladder's order)."""

    partner_id: int
    current_tier_id: int | None
    qualified_tier_id: int | None
    measures: list[Measure]
    met: list[bool]
    proposal: str = Proposal.NONE
    at_risk_on: date | None = None
    at_risk: list[tuple[date, str]] = field(default_factory=list)

    def digest(self) -> str:
        """What a stored snapshot is compared by: the figures and the outcome (the numbers as the database
        gives them, so this is cheap; the snapshot's JSON is built only when it is stored)."""
        payload = (self.current_tier_id, self.qualified_tier_id, str(self.proposal),
                   tuple((m.value, m.sample) for m in self.measures), self.at_risk_on, tuple(self.at_risk))
        return hashlib.sha1(repr(payload).encode()).hexdigest()

    def figures(self, ladder: "Ladder") -> list[dict]:
        """The snapshot's figures: {requirement, tier, kind, target, value, sample, met} per requirement."""
        return [_figure(r, ladder.targets[r.pk], measure, met)
                for r, measure, met in zip(ladder.all_requirements, self.measures, self.met, strict=True)]


def plain(number: Decimal) -> str:
    """One spelling per number, whatever the database gave ("120000", "41.2")."""
    return format(Decimal(number).normalize(), "f")


def _figure(requirement: TierRequirement, target: Decimal, measure: Measure, met: bool) -> dict:
    return {"requirement": requirement.pk, "tier": requirement.tier_id, "kind": requirement.kind,
            "target": plain(target), "value": None if measure.value is None else plain(measure.value),
            "sample": measure.sample, "met": met}


def propose(ladder: Ladder, current_tier_id: int | None, qualified_tier_id: int | None, *, held: bool) -> str:
    if held:
        return Proposal.HELD
    current, qualified = ladder.rank(current_tier_id), ladder.rank(qualified_tier_id)
    if qualified > current:
        return Proposal.UPGRADE
    if qualified < current:
        return Proposal.DOWNGRADE
    return Proposal.NONE


def assess(ladder: Ladder, current: dict[int, int | None], held: set[int], today: date) -> dict[int, Assessment]:
    """Every partner of `current` (partner id → its tier id) assessed as of `today`."""
    partner_ids = list(current)
    requirements = ladder.all_requirements
    horizon = today + timedelta(days=HORIZONS[-1])
    measured = measure_requirements(requirements, partner_ids, (today, horizon))
    measures = measured[today]
    columns = [(measures[r.pk], ladder.targets[r.pk]) for r in requirements]
    # each tier (best first) as the positions of its requirements in `requirements`
    position = {r.pk: i for i, r in enumerate(requirements)}
    ladder_positions = [(tier.pk, [position[r.pk] for r in ladder.requirements[tier.pk]]) for tier in ladder.tiers]
    out = {}
    for pid in partner_ids:
        row = [measured.get(pid, ZERO) for measured, _target in columns]
        met = [is_met(measure, target) for measure, (_measured, target) in zip(row, columns, strict=True)]
        qualified = next((tier_id for tier_id, positions in ladder_positions if all(met[i] for i in positions)), None)
        out[pid] = Assessment(pid, current[pid], qualified, row, met,
                              propose(ladder, current[pid], qualified, held=pid in held))
    foresee(ladder, out, today, measured[horizon])
    return out


def _short_of(ladder: Ladder, tier_id: int, measures: dict[int, dict[int, Measure]], pid: int) -> list[TierRequirement]:
    """The requirements of the tier the partner falls short of, by these measures."""
    return [r for r in ladder.requirements[tier_id] if not is_met(measures[r.pk].get(pid, ZERO), ladder.targets[r.pk])]


def foresee(ladder: Ladder, assessments: dict[int, Assessment], today: date,
            at_last: dict[int, dict[int, Measure]]) -> None:
    """Set at_risk_on and at_risk on partners that meet their current tier today and would not by the
    last horizon if nothing new came in (`at_last`: the measures then; see the module's docstring)."""
    holding = {a.partner_id: a.current_tier_id for a in assessments.values()
               if a.current_tier_id is not None and ladder.requirements.get(a.current_tier_id)
               and ladder.rank(a.qualified_tier_id) >= ladder.rank(a.current_tier_id)}
    if not holding:
        return
    needed = {r.pk: r for tier_id in set(holding.values()) for r in ladder.requirements[tier_id]}
    last = HORIZONS[-1]
    risky = {pid: tier_id for pid, tier_id in holding.items() if _short_of(ladder, tier_id, at_last, pid)}
    if not risky:
        return
    earlier = tuple(today + timedelta(days=days) for days in HORIZONS[:-1])
    measured = measure_requirements(needed.values(), list(risky), earlier)
    ahead = {days: measured[day] for days, day in zip(HORIZONS[:-1], earlier, strict=True)}
    ahead[last] = at_last
    lapsing = _lapses(needed.values(), list(risky), today + timedelta(days=1), today + timedelta(days=last + 1))
    for pid, tier_id in risky.items():
        before = today
        for days in HORIZONS:
            short = _short_of(ladder, tier_id, ahead[days], pid)
            horizon = today + timedelta(days=days)
            if short:
                break
            before = horizon
        if not short:
            continue
        reasons = sorted((day, text) for r in short for day, text in lapsing.get(r.pk, {}).get(pid, [])
                         if day <= horizon)
        in_step = [day for day, _text in reasons if day > before]
        assessment = assessments[pid]
        assessment.at_risk_on = min(in_step) if in_step else horizon
        assessment.at_risk = reasons or [(horizon, str(r.kind_entry.label)) for r in short]


def _lapses(requirements: Iterable[TierRequirement], partner_ids: list[int], start: date,
            end: date) -> dict[int, dict[int, list[tuple[date, str]]]]:
    """requirement id → partner id → what lapses in [start, end), each kind asked once."""
    by_key: dict[tuple, dict] = {}
    out = {}
    for requirement in requirements:
        kind: RequirementKind = requirement.kind_entry
        if kind.lapses is None:
            continue
        key = _measure_key(requirement)
        if key not in by_key:
            by_key[key] = kind.lapses(partner_ids, start, end, requirement)
        out[requirement.pk] = by_key[key]
    return out
