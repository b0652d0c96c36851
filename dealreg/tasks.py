from celery import shared_task

from prm.tenancy.context import tenant_context
from prm.tenancy.loops import each_tenant
from prm.tenancy.models import Tenant

from . import snapshots, sweeps


@shared_task(ignore_result=True)
def check_approval_slas():
    """Hourly: remind channel managers before the approval SLA ends, escalate to tenant admins after."""
    return each_tenant(sweeps.remind_and_escalate)


@shared_task(ignore_result=True)
def expire_protection():
    """Nightly: approved deals past their protection become expired; partners are told."""
    return each_tenant(sweeps.expire_protection)


@shared_task(ignore_result=True)
def warn_expiring_protection():
    """Nightly: partners hear 14 days before a protection ends."""
    return each_tenant(sweeps.warn_expiring)


@shared_task(ignore_result=True)
def refresh_conflict_snapshots(tenant_id, deal_ids):
    """Fresh review-queue conflicts for deals whose neighbours changed state."""
    tenant = Tenant.objects.get(pk=tenant_id)
    with tenant_context(tenant):
        snapshots.refresh(deal_ids)
