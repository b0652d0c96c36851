"""Host → tenant: `<slug>.<PRM_DOMAIN>` or a verified custom domain; the root page at PRM_DOMAIN
(and, outside production, at PRM_ROOT_ALIASES: 127.0.0.1)."""

from dataclasses import dataclass

from django.conf import settings

from .models import Tenant, TenantDomain


@dataclass(frozen=True)
class HostMatch:
    is_root: bool = False
    tenant: Tenant | None = None

    @property
    def found(self):
        return self.is_root or self.tenant is not None


def resolve_host(host: str) -> HostMatch:
    host = host.split(":", 1)[0].lower().rstrip(".")
    root = settings.PRM_DOMAIN.lower()
    if host == root or host in settings.PRM_ROOT_ALIASES:
        return HostMatch(is_root=True)
    suffix = f".{root}"
    if host.endswith(suffix):
        slug = host[: -len(suffix)]
        if "." in slug:
            return HostMatch()
        return HostMatch(tenant=Tenant.objects.filter(slug=slug, is_active=True).first())
    domain = (
        TenantDomain.objects.select_related("tenant")
        .filter(domain=host, is_verified=True, tenant__is_active=True)
        .first()
    )
    return HostMatch(tenant=domain.tenant if domain else None)
