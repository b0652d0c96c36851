from celery import shared_task

from prm.tenancy.loops import each_tenant

from . import sweeps


@shared_task(ignore_result=True)
def remind_expiring():
    """Nightly: remind people of certifications expiring in 90, 30 and 7 days (each reminder once)."""
    return each_tenant(sweeps.remind_expiring)
