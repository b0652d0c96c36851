"""Optional questions other apps add to the partner's deal registration form.

Apps above deal registration (market development funds: "which activity produced this deal?") may
not be imported here, so each registers a DealField from its AppConfig.ready(). For a partner (and
the deal being edited, or None on the registration form) `field` gives a form field, or None to leave
the form as it is. `save(deal=, value=, actor=)` runs inside the deal service's transaction, after
the deal is created or edited and before it is submitted, so a refusal (a ValidationError naming the
field) rolls the whole registration back and lands next to the field. `describe(deal)` gives the
deal page's line for it: a translated label and a text, or None when there is nothing to show."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class DealField:
    name: str  # the form field's name: unique, and none of the deal's own fields
    field: Callable[..., Any]  # field(partner, deal) -> forms.Field | None
    save: Callable[..., None]  # save(*, deal, value, actor)
    describe: Callable[..., tuple[str, str] | None] = lambda deal: None


_fields: list[DealField] = []


def register(deal_field: DealField) -> DealField:
    if all(known.name != deal_field.name for known in _fields):
        _fields.append(deal_field)
    return deal_field


def form_fields(partner, deal=None) -> dict[str, Any]:
    """{name: form field} of the registered questions that apply to this partner (and deal)."""
    found = {}
    for deal_field in _fields:
        field = deal_field.field(partner, deal)
        if field is not None:
            found[deal_field.name] = field
    return found


def save_all(*, deal, values: Mapping[str, Any], actor) -> None:
    """Run the save of each registered question the form asked (those named in `values`)."""
    for deal_field in _fields:
        if deal_field.name in values:
            deal_field.save(deal=deal, value=values[deal_field.name], actor=actor)


def described(deal) -> list[tuple[str, str]]:
    """The deal page's extra lines, (label, text), in registration order."""
    return [line for deal_field in _fields if (line := deal_field.describe(deal)) is not None]
