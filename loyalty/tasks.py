from celery import shared_task

from prm.tenancy.loops import each_tenant


@shared_task(ignore_result=True)
def release_points():
    """Nightly, before the expiry: pending points whose day has come become available, tenant by tenant
    (idempotent: a second run finds nothing due)."""
    from .services import points_release_due

    return each_tenant(points_release_due)


@shared_task(ignore_result=True)
def expire_points():
    """Nightly: the remainder of every lot past its expiry expires, tenant by tenant (idempotent)."""
    from .services import points_expire_due

    return each_tenant(points_expire_due)
