from celery import shared_task

from prm.tenancy.loops import each_tenant


@shared_task(ignore_result=True, time_limit=3600, soft_time_limit=3300)
def run_partner_import(import_id, tenant_id):
    """Write one confirmed import. Idempotent: the service claims the import (queued -> running)."""
    from . import services

    each_tenant(lambda tenant: services.import_run(import_id=import_id), tenant_id)
