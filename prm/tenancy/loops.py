"""Per-tenant loops for periodic tasks: each active tenant's step runs with that tenant in force."""

from collections.abc import Callable
from typing import Any

from .context import tenant_context
from .models import Tenant


def active_tenants(tenant_id: int | None = None) -> list[Tenant]:
    """The active tenants (or the one with `tenant_id`, if it is active)."""
    tenants = Tenant.objects.filter(is_active=True)
    return list(tenants if tenant_id is None else tenants.filter(pk=tenant_id))


def each_tenant(step: Callable[..., Any], tenant_id: int | None = None) -> dict[str, Any]:
    """Run `step(tenant=...)` for every active tenant, inside its tenant context; results by slug."""
    results = {}
    for tenant in active_tenants(tenant_id):
        with tenant_context(tenant):
            results[tenant.slug] = step(tenant=tenant)
    return results
