"""Periodic work over one tenant's agreements: ask unsigned partners to sign, and remind them weekly.
Each email claims its reminder row with a conditional update, so a second run never sends twice."""

from django.utils import timezone

from .selectors import unsigned_partners
from .services import signature_request_or_remind


def remind_unsigned(*, tenant, now=None) -> int:
    now = now or timezone.now()
    return sum(signature_request_or_remind(partner=partner, version=version, now=now) for partner, version in unsigned_partners())
