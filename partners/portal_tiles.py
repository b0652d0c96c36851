"""Figures other apps put on the partner portal's home page.

Deal registration and surveys build on partners, so partners never imports them: each registers
a function here from its AppConfig.ready(). A function gets the partner (with its tenant in force)
and returns tiles; the home page shows them in registration order, after its own.

Providers run while the page renders, in the reader's language: a tile's `label` is a translated
sentence (ngettext for counts) and its `value` a number already formatted (prm.i18n.formatting)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Tile:
    value: str
    label: str
    url: str = ""
    attention: bool = False  # something waits for the partner (an overdue case, a protection ending)


_providers = []


def register(provider):
    if provider not in _providers:
        _providers.append(provider)
    return provider


def tiles_for(partner):
    return [tile for provider in _providers for tile in provider(partner)]
