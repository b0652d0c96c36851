"""Signals the tiers send. Listeners (MDF accrual, loyalty's points multiplier) connect from their
own AppConfig.ready(); tiers import none of them."""

from django.dispatch import Signal

# Sent inside the transaction that moved a partner's tier, once per partner moved:
# kwargs partner (its tier already the new one), old (Tier or None), new (Tier or None).
tier_changed = Signal()
