from celery import shared_task

from prm.tenancy.loops import each_tenant

from . import sweeps


@shared_task(ignore_result=True)
def refresh_onboarding():
    """Nightly: re-check the automatic steps of every onboarding partner (finishing checklists that are done)."""
    return each_tenant(sweeps.refresh_onboarding)


@shared_task(ignore_result=True)
def remind_stalled():
    """Nightly: remind partner admins of checklists left unfinished, at most once per partner per N days."""
    return each_tenant(sweeps.remind_stalled)
