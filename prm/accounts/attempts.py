"""Counting failed password checks outside allauth's sign-in form (e.g. accepting an invitation)."""

from django.core.cache import cache

WINDOW_SECONDS = 15 * 60


def failures(key: str) -> int:
    return cache.get(f"prm-failures:{key}", 0)


def record_failure(key: str) -> None:
    full = f"prm-failures:{key}"
    cache.add(full, 0, WINDOW_SECONDS)
    try:
        cache.incr(full)
    except ValueError:  # expired between add and incr
        cache.set(full, 1, WINDOW_SECONDS)
