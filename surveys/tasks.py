from celery import shared_task
from django.utils import timezone

from prm.tenancy.loops import active_tenants, each_tenant

from . import rankings, services


@shared_task(ignore_result=True)
def schedule_won_deal_surveys():
    """Hourly: invite the customers of newly won deals."""
    return each_tenant(services.schedule_won_deals)


@shared_task(ignore_result=True, acks_late=True)
def dispatch_surveys(tenant_id=None):
    """Every minute (and right after an import): send due invitations and reminders within each
    tenant's shared budget. Idempotent: every send claims its invitation first."""
    def step(tenant):
        return {"invitations": services.dispatch_due(tenant=tenant), "reminders": services.send_reminders(tenant=tenant)}

    return each_tenant(step, tenant_id)


@shared_task(ignore_result=True)
def escalate_follow_ups():
    """Hourly: overdue follow-up cases go to the channel managers."""
    return each_tenant(services.escalate_overdue_follow_ups)


@shared_task(ignore_result=True, time_limit=3600, soft_time_limit=3300)
def compute_rankings(tenant_id=None, run_date=None):
    """Nightly, or on demand from the dashboard: the day's NPS snapshot for each tenant."""
    day = timezone.datetime.fromisoformat(run_date).date() if run_date else timezone.now().date()
    tenants = active_tenants(tenant_id)
    # All tenants together, in batches: one aggregate and one pandas pass per batch cost far less
    # than one per tenant.
    runs = rankings.rank_tenants(tenants, run_date=day)
    return {tenant.slug: runs[tenant.pk].pk for tenant in tenants}
