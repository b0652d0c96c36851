"""Sections other parts put on the dashboard's partner page (the partner's overview).

Deal registration and surveys build on partners, so partners never imports them; agreements and
the onboarding checklist live in sub-packages. Each registers a provider here (from an
AppConfig.ready()). A provider gets the partner (its tenant in force) and returns a Section, or None
when it has nothing to show; the page renders sections ordered by `order`, each as its template with
its context. Providers run while the page renders: a section costs a fixed number of queries, however
many rows the partner holds (the overview bench counts them)."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Section:
    key: str  # the anchor on the page (#deals) and the test's handle
    title: str  # translated
    template: str
    context: dict = field(default_factory=dict)
    order: int = 100


_providers = []


def register(provider):
    if provider not in _providers:
        _providers.append(provider)
    return provider


def sections_for(partner) -> list[Section]:
    sections = (provider(partner) for provider in _providers)
    return sorted((section for section in sections if section is not None), key=lambda s: s.order)
