from django.conf import settings


def tenant_url(tenant, path: str) -> str:
    """Absolute URL of `path` on the tenant's own host, for emails sent outside a request."""
    port = f":{settings.PRM_PUBLIC_PORT}" if settings.PRM_PUBLIC_PORT else ""
    return f"{settings.PRM_URL_SCHEME}://{tenant.host}{port}{path}"
