"""The kinds of tier requirement: what a partner's figure is, measured for many partners at once.

Partners itself registers none that need another app: deal registration (won value, won deals),
surveys (end-customer NPS) and training (certifications) register theirs from their
AppConfig.ready(), so partners never imports them. A kind measures every given partner in one or a
few queries (the nightly evaluation runs it once per tenant) as of a date, which may lie ahead: the
figure a partner will have then if nothing new comes in (deals leave the trailing window,
certifications expire), which is how a tier at risk is foreseen."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class Measure:
    value: Decimal | None  # None: no figure (e.g. too few answers for an NPS)
    sample: int | None = None  # how many answers/items the value stands on, where it has one


@dataclass(frozen=True)
class RequirementKind:
    key: str
    label: Any  # lazily translated, e.g. "Won deal value, last 12 months"
    # measure(partner_ids, as_of, requirement) → {partner_id: Measure}; partners missing count as 0
    measure: Callable[[Iterable[int], date, Any], dict[int, Measure]]
    unit: str = "count"  # "money" (the program's currency), "count" or "score"
    # target(requirement) → the figure to reach, where the kind sets it rather than the manager
    # (e.g. every course the tier needs); None: the requirement's threshold
    target: Callable[[Any], Decimal] | None = None
    uses_threshold: bool = True
    # lapses(partner_ids, start, end, requirement) → {partner_id: [(date, text)]}: what lowers the
    # figure between the dates if nothing new comes in ("Certification “X” of Ann Lee expires"), for
    # the at-risk notice; None: the kind foresees nothing
    lapses: Callable[[Iterable[int], date, date, Any], dict[int, list[tuple[date, str]]]] | None = None
    # measure_at(partner_ids, days, requirement) → {day: {partner_id: Measure}}: several days in one pass
    # (the nightly evaluation asks for today and its foresight horizon); None: `measure` once per day
    measure_at: Callable[[Iterable[int], tuple[date, ...], Any], dict[date, dict[int, Measure]]] | None = None

    def measure_days(self, partner_ids: Iterable[int], days: tuple[date, ...], requirement) -> dict[date, dict[int, Measure]]:
        if self.measure_at is not None:
            return self.measure_at(partner_ids, days, requirement)
        ids = list(partner_ids)
        return {day: self.measure(ids, day, requirement) for day in days}


_kinds: dict[str, RequirementKind] = {}


def register(kind: RequirementKind) -> RequirementKind:
    """Add a kind once; registering the same key again keeps the first."""
    return _kinds.setdefault(kind.key, kind)


def kind_of(key: str) -> RequirementKind | None:
    return _kinds.get(key)


def kinds() -> list[RequirementKind]:
    return list(_kinds.values())


def kind_choices() -> list[tuple[str, Any]]:
    return [(kind.key, kind.label) for kind in _kinds.values()]
