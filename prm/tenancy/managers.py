from django.db import models

from .context import require_current_tenant


class TenantQuerySet(models.QuerySet):
    pass


class TenantManager(models.Manager.from_queryset(TenantQuerySet)):
    """Default manager of tenant-owned models: filters by the tenant in force, or raises.

    Code that truly needs every tenant (platform admin, migrations, nightly jobs that loop over
    tenants) uses the model's `unscoped` manager, so the exception is visible in review.
    """

    def get_queryset(self):
        tenant = require_current_tenant()
        return super().get_queryset().filter(tenant=tenant)


class TenantOwnedModel(models.Model):
    """Base for every tenant-owned table: non-null tenant, scoped default manager."""

    tenant = models.ForeignKey("tenancy.Tenant", on_delete=models.CASCADE, related_name="+")

    objects = TenantManager()
    unscoped = models.Manager()  # noqa: DJ012 — a manager, not a field; it must follow `objects` (the default)

    class Meta:
        abstract = True
        base_manager_name = "unscoped"
