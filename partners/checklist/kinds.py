"""The kinds of onboarding step: what the app checks itself, and where the partner does it.

Kinds of partners itself are registered by this app's AppConfig.ready(); apps that build on
partners (deal registration; later tiers for certifications) register their own kinds from their
AppConfig.ready(), so partners never imports them. A kind names the signals after which its steps
are re-checked: each signal's handler gets the signal's keyword arguments and returns the partner
concerned (or None).

A step of a kind with `check=None` is manual: a channel manager ticks it on the dashboard."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.dispatch import Signal


@dataclass(frozen=True)
class Kind:
    key: str
    label: Any  # lazily translated, e.g. "Sign the partner agreement"
    check: Callable[..., bool] | None = None  # check(partner, step) → the step's condition holds
    url_name: str = ""  # the portal page where the partner does it
    uses_threshold: bool = False  # the step has a number (e.g. how many colleagues)
    describe: Callable[[int], str] | None = None  # describe(number) → the step's name with its number
    triggers: tuple[tuple[Signal, Callable[..., Any]], ...] = field(default=())

    @property
    def is_manual(self) -> bool:
        return self.check is None


_kinds: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    """Add a kind (once; registering the same key again keeps the first) and listen to its signals."""
    if kind.key in _kinds:
        return _kinds[kind.key]
    _kinds[kind.key] = kind
    for signal, partner_of in kind.triggers:
        signal.connect(_receiver(partner_of), weak=False, dispatch_uid=f"checklist:{kind.key}:{id(signal)}")
    return kind


def _receiver(partner_of: Callable[..., Any]) -> Callable[..., None]:
    def refresh(sender, **kwargs):
        partner = partner_of(**kwargs)
        if partner is not None:
            from prm.tenancy.context import tenant_context

            from .services import checklist_refresh

            # Signals sent on commit may run after the sender's tenant_context has ended.
            with tenant_context(partner.tenant):
                checklist_refresh(partner=partner)

    return refresh


def kind_of(key: str) -> Kind | None:
    return _kinds.get(key)


def kind_choices() -> list[tuple[str, Any]]:
    return [(kind.key, kind.label) for kind in _kinds.values()]
