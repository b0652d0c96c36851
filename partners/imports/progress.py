"""How far a running import is. Its rows are invisible to other connections until its single
transaction commits, so progress is kept in the cache (shared by web and workers when it is
Redis), never in the import's own row."""

from django.core.cache import cache

TTL = 6 * 3600


def _key(partner_import) -> str:
    return f"partner-import:{partner_import.tenant_id}:{partner_import.pk}:progress"


def start(partner_import) -> None:
    cache.set(_key(partner_import), {"done": 0, "total": 0}, TTL)


def total(partner_import, count: int) -> None:
    cache.set(_key(partner_import), {"done": 0, "total": count}, TTL)


def advance(partner_import, count: int) -> None:
    state = cache.get(_key(partner_import)) or {"done": 0, "total": 0}
    state["done"] = min(state["done"] + count, state["total"])
    cache.set(_key(partner_import), state, TTL)


def finish(partner_import) -> None:
    cache.delete(_key(partner_import))


def read(partner_import) -> dict:
    """{"done", "total", "percent"} of a queued or running import (zeros before it has counted)."""
    state = cache.get(_key(partner_import)) or {"done": 0, "total": 0}
    percent = round(100 * state["done"] / state["total"]) if state["total"] else 0
    return {**state, "percent": percent}
