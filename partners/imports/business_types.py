"""A business-type cell as one of BusinessType's values: its value, its English or German label, or
the values of Salesforce's standard Account Type picklist that name a kind of partner."""

from functools import cache

from django.utils import translation

from partners.business_types import BusinessType

from .columns import key

SALESFORCE = {"channelpartnerreseller": BusinessType.RESELLER, "reseller": BusinessType.RESELLER,
              "installationpartner": BusinessType.INTEGRATOR, "integrator": BusinessType.INTEGRATOR,
              "systemintegrator": BusinessType.INTEGRATOR, "managedserviceprovider": BusinessType.MSP,
              "referralpartner": BusinessType.REFERRAL, "technologypartner": BusinessType.OTHER}


@cache
def _types() -> dict[str, str]:
    found = dict(SALESFORCE)
    for language in ("en", "de"):
        with translation.override(language):
            for value, label in BusinessType.choices:
                found.setdefault(key(str(label)), value)
    found.update({key(value): value for value in BusinessType.values})
    return found


def business_type(cell: str) -> str | None:
    """The value for `cell` ("" for an empty cell), or None when it names no business type."""
    return _types().get(key(cell)) if cell.strip() else ""
