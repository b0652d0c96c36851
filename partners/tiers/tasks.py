from celery import shared_task

from prm.tenancy.loops import each_tenant

from . import sweeps


@shared_task(ignore_result=True)
def evaluate_all():
    """Nightly: evaluate every active tenant's partners against its tiers, then send the warnings due."""
    return each_tenant(sweeps.evaluate)


@shared_task(ignore_result=True)
def evaluate_now(tenant_id: int):
    """"Evaluate now" from the dashboard: the same for one tenant."""
    return each_tenant(sweeps.evaluate, tenant_id=tenant_id)
