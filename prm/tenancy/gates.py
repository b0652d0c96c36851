"""Gates in front of the partner portal: parts that must hold partner users back until something is
done (the partner agreement is signed) register one here from their AppConfig.ready().

A gate gets the request's membership (a partner role, its partner set) and returns None to let the
request through, or a `Gate` saying where to send the person and what the API answers. The portal
base view and the API base viewset ask every gate on every partner request; a page the gate itself
leads to declares `gate_exempt = True`. Tenancy knows nothing of what a gate checks."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Gate:
    redirect_to: str  # the portal page that lifts the gate
    api_message: str  # translated: the API's 403 detail


_gates: list[Callable] = []


def register_portal_gate(gate: Callable) -> Callable:
    if gate not in _gates:
        _gates.append(gate)
    return gate


def closed_gate(membership) -> Gate | None:
    """The first gate that holds this partner member back, or None."""
    for gate in _gates:
        closed = gate(membership)
        if closed is not None:
            return closed
    return None
