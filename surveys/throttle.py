"""A per-tenant send budget shared by every worker: a fixed one-minute window counted in the cache.

In production the cache is Redis, whose INCR is atomic across processes, so ten workers together
still send at most `per_minute` messages a minute for a tenant.
"""

import time

from django.core.cache import cache


def take(tenant_id: int, per_minute: int, wanted: int, now: float | None = None) -> int:
    """Reserve up to `wanted` sends in the current minute; returns how many were granted."""
    if wanted <= 0:
        return 0
    window = int((now if now is not None else time.time()) // 60)
    key = f"prm-survey-sends:{tenant_id}:{window}"
    cache.add(key, 0, timeout=120)
    try:
        used = cache.incr(key, wanted)
    except ValueError:  # the key expired (or was evicted) between add and incr
        cache.add(key, wanted, timeout=120)
        used = wanted
    granted = max(0, min(wanted, per_minute - (used - wanted)))
    if granted < wanted:
        cache.decr(key, wanted - granted)
    return granted
