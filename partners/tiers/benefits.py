"""Benefits of a tier that other apps give, shown beside the tier's own (discount, protection, MDF,
points) on the portal's tier page and the dashboard's ladder.

The content library builds on tiers (its items name the tiers they are shown to), so tiers never
imports it: it registers a provider here from its AppConfig.ready(). A provider gets the ids of the
tiers on the page (in the tenant in force) and returns Benefits, in a fixed number of queries
whatever the number of tiers. Providers run while the page renders, in the reader's language."""

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Benefit:
    tier_id: int
    label: str  # translated, e.g. "Content for this tier"
    value: str  # translated, numbers formatted (prm.i18n.formatting), e.g. "3 items"
    portal_url: str = ""  # where a partner of the tier finds it


_providers = []


def register(provider):
    if provider not in _providers:
        _providers.append(provider)
    return provider


def benefits_of(tier_ids: Iterable[int]) -> dict[int, list[Benefit]]:
    """The registered benefits of each tier, by tier id (a tier with none: an empty list)."""
    ids = [pk for pk in tier_ids if pk is not None]
    result: dict[int, list[Benefit]] = {pk: [] for pk in ids}
    if not ids:
        return result
    for provider in _providers:
        for benefit in provider(ids):
            result.setdefault(benefit.tier_id, []).append(benefit)
    return result
