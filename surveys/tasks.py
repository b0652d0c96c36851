from celery import shared_task
from django.utils import timezone

from prm.tenancy.context import tenant_context
from prm.tenancy.models import Tenant

from . import rankings, services


def _active_tenants(tenant_id=None):
    tenants = Tenant.objects.filter(is_active=True)
    return list(tenants if tenant_id is None else tenants.filter(pk=tenant_id))


def _each_tenant(step, tenant_id=None):
    results = {}
    for tenant in _active_tenants(tenant_id):
        with tenant_context(tenant):
            results[tenant.slug] = step(tenant=tenant)
    return results


@shared_task(ignore_result=True)
def schedule_won_deal_surveys():
    """Hourly: invite the customers of newly won deals."""
    return _each_tenant(services.schedule_won_deals)


@shared_task(ignore_result=True, acks_late=True)
def dispatch_surveys(tenant_id=None):
    """Every minute (and right after an import): send due invitations and reminders within each
    tenant's shared budget. Idempotent: every send claims its invitation first."""
    def step(tenant):
        return {"invitations": services.dispatch_due(tenant=tenant), "reminders": services.send_reminders(tenant=tenant)}

    return _each_tenant(step, tenant_id)


@shared_task(ignore_result=True)
def escalate_follow_ups():
    """Hourly: overdue follow-up cases go to the channel managers."""
    return _each_tenant(services.escalate_overdue_follow_ups)


@shared_task(ignore_result=True, time_limit=3600, soft_time_limit=3300)
def compute_rankings(tenant_id=None, run_date=None):
    """Nightly, or on demand from the dashboard: the day's NPS snapshot for each tenant."""
    day = timezone.datetime.fromisoformat(run_date).date() if run_date else timezone.now().date()
    tenants = _active_tenants(tenant_id)
    # All tenants together, in batches: one aggregate and one pandas pass per batch cost far less
    # than one per tenant.
    runs = rankings.rank_tenants(tenants, run_date=day)
    return {tenant.slug: runs[tenant.pk].pk for tenant in tenants}
