from celery import shared_task

from prm.tenancy.loops import each_tenant

from . import sweeps


@shared_task(ignore_result=True)
def claim_deadlines():
    """Nightly: close approved requests past their claim deadline (unless a claim waits), then remind
    partner admins 15, 5 and 1 days before a deadline (each reminder once)."""
    return each_tenant(sweeps.claim_deadlines)


@shared_task(ignore_result=True)
def close_periods():
    """Nightly, after the claim deadlines: unspent allocations of a closed fiscal year expire or roll over;
    partner admins are warned 30 and 7 days before they expire (each warning once)."""
    return each_tenant(sweeps.close_periods)


@shared_task(ignore_result=True)
def accrue():
    """Nightly: accrue the partners' tier share of won deals out of the current fiscal year's budgets."""
    return each_tenant(sweeps.accrue)
