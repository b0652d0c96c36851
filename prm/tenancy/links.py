from dataclasses import dataclass

from django.conf import settings


def tenant_url(tenant, path: str) -> str:
    """Absolute URL of `path` on the tenant's own host, for emails sent outside a request."""
    return f"{settings.PRM_URL_SCHEME}://{_public_host(tenant.host)}{path}"


def public_url(tenant, path: str) -> str:
    """Like tenant_url, on the root domain when `tenant` is None. Never from the request's Host header."""
    return tenant_url(tenant, path) if tenant is not None else f"{settings.PRM_URL_SCHEME}://{_public_host(settings.PRM_DOMAIN)}{path}"


@dataclass(frozen=True)
class PublicSite:
    """What emails call the site (allauth's `current_site`), from the configuration, not the request."""

    name: str
    domain: str


def public_site(tenant) -> PublicSite:
    if tenant is None:
        return PublicSite(name="PRM", domain=_public_host(settings.PRM_DOMAIN))
    return PublicSite(name=tenant.name, domain=_public_host(tenant.host))


def _public_host(host: str) -> str:
    return f"{host}:{settings.PRM_PUBLIC_PORT}" if settings.PRM_PUBLIC_PORT else host
