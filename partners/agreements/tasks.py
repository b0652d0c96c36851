from celery import shared_task

from prm.tenancy.loops import each_tenant

from . import sweeps


@shared_task(ignore_result=True)
def remind_unsigned_agreements():
    """Daily: partners that must sign an agreement are asked to, then reminded every week until they do."""
    return each_tenant(sweeps.remind_unsigned)
